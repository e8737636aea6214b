/**
 * The audit log page of a municipality (issue 12 §5): filtered by person, entity and date
 * (Europe/Berlin days), a page of entries at a time, in the reader's language. Each entry names
 * who acted (a person, or what the system acted for: the command line, a partner's link, the
 * deletion schedule …), what they did, to what (by its name where the log knows one), and each
 * changed field with its label and old → new value — vocabulary keys, ids, dates, languages and
 * localized texts turned into words. Reads and sign-ins of one person on one day come as one
 * group with the list inside, so they do not bury the changes.
 */
import { authorize, type UserPrincipal } from '../../access';
import { auditEntityNames, auditVocabulary, browseAudit, type AuditFilter } from '../../audit/browse';
import type { AuditEntry, ChangeSet } from '../../audit/service';
import type { FieldIssue } from '../../core/errors';
import { isIsoDate, isUuid, parseInteger } from '../../core/validation';
import type { DbOrTx } from '../../db/client';
import { formatAsOf, formatDateTime, formatNumber, formatPeriod, weekdayName } from '../../../format';
import { listText, msg } from '../../../messages';
import { m } from '../../../paraglide/messages.js';
import { listUsers } from '../users';

/** Entries per page. */
const PAGE_SIZE = 100;
/** Actions shown grouped per person, kind of entity and day. */
const GROUPED = new Set(['read', 'login']);
/** Longest text value shown in full (characters). */
const TEXT_MAX = 160;
/** Most elements of a list value shown before "+ n". */
const LIST_MAX = 8;

/** Fields whose values are ids of another entity, and of which kind. */
const ID_FIELDS: Record<string, string> = {
	instanceId: 'instance',
	instanceIds: 'instance',
	socialSpaceId: 'social_space',
	socialSpaceIds: 'social_space',
	districtId: 'district',
	organizationId: 'organization',
	serviceId: 'service',
	serviceIds: 'service',
	service: 'service',
	programme: 'programme',
	caseId: 'case',
	referralIds: 'referral',
	volunteerId: 'user',
	sharedWith: 'user',
	proposedBy: 'user'
};

/** Fields whose values are keys of a vocabulary, and the message of a value. */
const VALUE_MESSAGES: Record<string, (value: string, entityType: string) => string> = {
	role: (v) => `role_${v}`,
	themeFields: (v) => `opt_theme_fields_${v}`,
	themeField: (v) => `opt_theme_fields_${v}`,
	targetGroups: (v) => `opt_target_groups_${v}`,
	subtopics: (v) => `subtopic_${v}`,
	subTopics: (v) => `subtopic_${v}`,
	unmetTopics: (v) => `subtopic_${v}`,
	topics: (v) => `subtopic_${v}`,
	topic: (v) => `subtopic_${v}`,
	actorType: (v) => `actor_type_${v}`,
	costKind: (v) => `cost_${v}`,
	visibility: (v) => `visibility_${v}`,
	purpose: (v) => `cs_purpose_${v}`,
	purposes: (v) => `cs_purpose_${v}`,
	dataCategories: (v) => `cs_category_${v}`,
	partnerCategories: (v) => `cs_category_${v}`,
	accessibility: (v) => `access_${v}`,
	contactAttributes: (v) => `rt_attr_${v}`,
	channel: (v) => `cc_channel_${v}`,
	urgency: (v) => `nr_urgency_${v}`,
	funderLevel: (v) => `pg_level_${v}`,
	failureReason: (v) => `cr_reason_${v}`,
	activities: (v) => `vo_activity_${v}`,
	consents: (v) => `adm_consent_${v}`,
	kind: (v, type) => ({ case_step: `cs_step_${v}`, hosting_event: `ho_kind_${v}` })[type] ?? `adm_kind_${v}`,
	status: (v, type) =>
		({
			case: `cs_status_${v}`,
			referral: `cr_status_${v}`,
			accompaniment: `cr_acc_status_${v}`,
			needs_report: `nr_status_${v}`,
			change_proposal: `ds_proposal_status_${v}`,
			hosting_registration: `ho_status_${v}`,
			participation_survey: `sv_status_${v}`
		})[type] ?? `status_${v}`
};

/** Fields holding a language tag or a list of them. */
const LANGUAGE_FIELDS = new Set(['language', 'languages', 'explainedIn', 'messageLocale']);

/** Fields whose label is another module's message (the coverage rules, the Part I dimensions come per key). */
const FIELD_MESSAGES: Record<string, string> = {
	gapOnUnansweredNeed: 'cv_rule_gapOnUnansweredNeed',
	gapUnmetTopics: 'cv_rule_gapUnmetTopics',
	staleBelowFreshShare: 'cv_rule_staleBelowFreshShare',
	duplicateSimilarity: 'cv_rule_duplicateSimilarity',
	duplicateMaxOffers: 'cv_rule_duplicateMaxOffers',
	thinPer10k: 'cv_rule_thinPer10k',
	thinBelowCount: 'cv_rule_thinBelowCount'
};

/** System actors' labels (`audit_log.actor_label`) and their words. */
function systemActor(label: string): string {
	const [kind, detail] = label.split(/:(.*)/s);
	if (kind === 'mt') return m.adm_actor_mt({ provider: detail ?? '' });
	if (kind === 'proposal') return m.adm_actor_proposal();
	return msg(`adm_actor_${kind.replaceAll('-', '_')}`, {}, m.adm_actor_system());
}

/** Who acted: the person's name, with what they acted through; or the system's words. */
function actorText(entry: Pick<AuditEntry, 'actorUserId' | 'actorLabel'>, people: Map<string, string>): { text: string; system: boolean } {
	const via = (entry.actorLabel ?? '').split(' ').filter(Boolean).map(systemActor);
	if (entry.actorUserId) return { text: [people.get(entry.actorUserId) ?? m.adm_actor_unknown_person(), ...via.map((v) => `(${v})`)].join(' '), system: false };
	return { text: via.join(' · ') || m.adm_actor_system(), system: true };
}

/** An entity kind's words (`adm_entity_<type>`), or "entry" for a kind the page does not know. */
function entityLabel(type: string): string {
	return msg(`adm_entity_${type}`, {}, m.adm_entity_other());
}

/** An action's words (`adm_action_<action>`, dots as underscores), or "changed" for one the page does not know. */
function actionLabel(action: string): string {
	return msg(`adm_action_${action.replaceAll('.', '_')}`, {}, m.adm_action_other());
}

/**
 * A field's words: its message, a Part I dimension, a per-criterion field of an assessment
 * (`rating:<criterion>` → `adm_field_rating_of`), or "another field".
 */
function fieldLabel(field: string): string {
	const [base, detail] = field.split(/:(.*)/s);
	if (detail !== undefined) return msg(`adm_field_${base}_of`, { code: detail }, m.adm_field_other());
	return msg(FIELD_MESSAGES[field] ?? `adm_field_${field}`, {}, msg(`dim_${field}`, {}, m.adm_field_other()));
}

/** A language tag's name in the reader's language (`fa` → "Persisch"). */
function languageName(tag: string, locale: string): string {
	try {
		return new Intl.DisplayNames([locale], { type: 'language' }).of(tag) ?? tag;
	} catch {
		return tag;
	}
}

/** Text held per language, as the directory and instances store it: `{ de: "…" }` or `{ de: { text: "…" } }`. */
function localizedTexts(value: unknown): Map<string, string> | null {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
	const out = new Map<string, string>();
	for (const [tag, v] of Object.entries(value)) {
		if (!/^[a-z]{2,3}(-[a-zA-Z0-9]{1,8})*$/.test(tag)) return null;
		const text = typeof v === 'string' ? v : v && typeof v === 'object' && typeof (v as { text?: unknown }).text === 'string' ? (v as { text: string }).text : null;
		if (text === null) return null;
		out.set(tag, text);
	}
	return out;
}

/** What the page knows to turn values into words. */
export interface Context {
	locale: string;
	/** `type:id` → the entity's name as recorded (text or localized text). */
	names: Map<string, unknown>;
	people: Map<string, string>;
}

/** A recorded name in the reader's language (localized names: theirs, else German, else any). */
function nameText(value: unknown, locale: string): string | null {
	if (typeof value === 'string') return value;
	if (typeof value === 'number') return String(value);
	const texts = localizedTexts(value);
	return texts ? (texts.get(locale) ?? texts.get('de') ?? [...texts.values()][0] ?? null) : null;
}

/** The name of an entity: a person's, or the log's; null when unknown. */
function entityName(type: string, id: string, ctx: Context): string | null {
	if (type === 'user' && ctx.people.has(id)) return ctx.people.get(id)!;
	if (type === 'statistic') return listText(id.split(',').map((metric) => msg(`metric_${metric}`, {}, metric)));
	const name = ctx.names.get(`${type}:${id}`);
	return name === undefined ? null : nameText(name, ctx.locale);
}

function shorten(text: string): string {
	return text.length > TEXT_MAX ? `${text.slice(0, TEXT_MAX - 1)}…` : text;
}

/** One scalar value in words. */
function scalarText(field: string, value: unknown, entityType: string, ctx: Context): string {
	if (value === null || value === undefined || value === '') return '–';
	if (value === '…') return m.adm_value_hidden();
	if (typeof value === 'boolean') return value ? m.yes() : m.no();
	if (typeof value === 'number') {
		if (field === 'budgetCents') return new Intl.NumberFormat(ctx.locale, { style: 'currency', currency: 'EUR' }).format(value / 100);
		return formatNumber(value, ctx.locale);
	}
	if (typeof value !== 'string') return m.adm_value_changed();
	// `isUuid` narrows its argument: asked of a copy, so `value` stays a string below.
	const id = isUuid(value as unknown);
	const idType = ID_FIELDS[field];
	if (idType && id) return entityName(idType, value, ctx) ?? entityLabel(idType);
	if (id) return m.adm_value_record();
	const vocabulary = VALUE_MESSAGES[field];
	if (vocabulary) return msg(vocabulary(value, entityType), {}, value);
	if (LANGUAGE_FIELDS.has(field)) {
		// A volunteer's language with its level (`pl:native`).
		const [tag, level] = value.split(':');
		return level ? `${languageName(tag, ctx.locale)} (${msg(`vo_level_${level}`, {}, level)})` : languageName(value, ctx.locale);
	}
	// A period `from..until` (a volunteer's pause; the end may be open).
	const period = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})?$/.exec(value);
	if (period) return formatPeriod(period[1], period[2] ?? null, ctx.locale);
	if (field === 'metric') return msg(`metric_${value}`, {}, value);
	if (/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/.test(value)) return formatDateTime(value, ctx.locale);
	if (isIsoDate(value)) return formatAsOf(value, ctx.locale);
	if (field === 'entity') {
		const [type, id] = value.split(' ');
		return id ? `${entityLabel(type)} ${entityName(type, id, ctx) ?? ''}`.trim() : entityLabel(type);
	}
	return shorten(value);
}

/** A value in words: lists element by element, known objects by their parts, others as "changed". */
function valueText(field: string, value: unknown, entityType: string, ctx: Context): string {
	if (Array.isArray(value)) {
		if (!value.length) return '–';
		if (field === 'openingHours') return listText(value.map((s: { day: number; opens: string; closes: string }) => `${weekdayName(s.day, ctx.locale)} ${s.opens}–${s.closes}`));
		if (field === 'fields') return listText(value.map((f) => fieldLabel(String(f))));
		if (field === 'referralIds') return m.adm_value_count({ count: value.length });
		const items = value.map((v) => scalarText(field, v, entityType, ctx));
		return items.length > LIST_MAX ? `${listText(items.slice(0, LIST_MAX))} ${m.adm_value_more({ count: items.length - LIST_MAX })}` : listText(items);
	}
	if (value && typeof value === 'object') {
		if (field === 'rows') {
			const r = value as { created?: number; updated?: number };
			return m.adm_value_rows({ created: r.created ?? 0, updated: r.updated ?? 0 });
		}
		return m.adm_value_changed();
	}
	return scalarText(field, value, entityType, ctx);
}

/** One changed field as the page shows it. */
export interface ChangeLine {
	field: string;
	from: string;
	to: string;
}

/**
 * The changes of an entry (or of an import's record) as lines: localized texts one line per
 * changed language, the Part I profile one line per changed dimension, every other field one
 * line, each with its label and old → new value in the reader's language.
 */
export function changeLines(changes: ChangeSet, entityType: string, ctx: Context): ChangeLine[] {
	const lines: ChangeLine[] = [];
	for (const [field, [before, after]] of Object.entries(changes)) {
		const oldTexts = localizedTexts(before);
		const newTexts = localizedTexts(after);
		if ((oldTexts || before === null) && (newTexts || after === null) && (oldTexts ?? newTexts)) {
			for (const tag of new Set([...(oldTexts?.keys() ?? []), ...(newTexts?.keys() ?? [])])) {
				const from = oldTexts?.get(tag) ?? '';
				const to = newTexts?.get(tag) ?? '';
				if (from === to) continue;
				lines.push({ field: m.adm_field_in_language({ field: fieldLabel(field), language: languageName(tag, ctx.locale) }), from: from ? shorten(from) : '–', to: to ? shorten(to) : '–' });
			}
			continue;
		}
		if (field === 'profile' && (before === null || typeof before === 'object') && after && typeof after === 'object') {
			const b = (before ?? {}) as Record<string, string[]>;
			const a = after as Record<string, string[]>;
			for (const dim of new Set([...Object.keys(b), ...Object.keys(a)])) {
				const options = (list: string[] | undefined) => (list?.length ? listText(list.map((o) => msg(`opt_${dim}_${o}`, {}, o))) : '–');
				if (options(b[dim]) !== options(a[dim])) lines.push({ field: msg(`dim_${dim}`, {}, m.adm_field_other()), from: options(b[dim]), to: options(a[dim]) });
			}
			continue;
		}
		const from = valueText(field, before, entityType, ctx);
		const to = valueText(field, after, entityType, ctx);
		// A record created with an empty field (no instances, no phone) would read "– → –": nothing to
		// say. Equal values otherwise stay: an import names the metric and date of a changed value so.
		if (from !== '–' || to !== '–') lines.push({ field: fieldLabel(field), from, to });
	}
	return lines;
}

/** The Europe/Berlin calendar date of an instant, `YYYY-MM-DD`. */
function berlinDay(at: Date): string {
	return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/**
 * The instant a Europe/Berlin calendar day begins. Berlin is one or two hours ahead of UTC, so
 * midnight there is 23:00 or 22:00 UTC the day before: the first of the two that falls on the day.
 */
function berlinDayStart(isoDate: string): Date {
	const [y, mo, d] = isoDate.split('-').map(Number);
	for (const hours of [2, 1]) {
		const at = new Date(Date.UTC(y, mo - 1, d) - hours * 3_600_000);
		if (berlinDay(at) === isoDate) return at;
	}
	return new Date(Date.UTC(y, mo - 1, d));
}

/** The day after a `YYYY-MM-DD` date. */
function nextDay(isoDate: string): string {
	const [y, mo, d] = isoDate.split('-').map(Number);
	return new Date(Date.UTC(y, mo - 1, d + 1)).toISOString().slice(0, 10);
}

/** The page's filters as the query gives them (`person`, `entity`, `id`, `from`, `to`, `before`). */
export interface AuditQuery {
	person: string;
	entity: string;
	id: string;
	from: string;
	to: string;
	before: string;
}

/** The filters of a page address. */
export function auditQuery(params: URLSearchParams): AuditQuery {
	const get = (k: string) => (params.get(k) ?? '').trim();
	return { person: get('person'), entity: get('entity'), id: get('id'), from: get('from'), to: get('to'), before: get('before') };
}

/**
 * Checks the filters. @returns the filter for the log, or the issues: `person` unknown_value (not
 * a person of the municipality nor `system`), `entity` unknown_value, `id` invalid_id, `from` /
 * `to` invalid_date, `to` valid_to_before_from, `before` invalid.
 */
function auditFilter(q: AuditQuery, municipalityId: string, people: Set<string>, entityTypes: readonly string[]): { filter: AuditFilter; issues: FieldIssue[] } {
	const issues: FieldIssue[] = [];
	const filter: AuditFilter = { municipalityId, limit: PAGE_SIZE };
	if (q.person === 'system') filter.actor = 'system';
	else if (q.person && people.has(q.person)) filter.actor = { userId: q.person };
	else if (q.person) issues.push({ field: 'person', code: 'unknown_value' });
	if (q.entity && entityTypes.includes(q.entity)) filter.entityType = q.entity;
	else if (q.entity) issues.push({ field: 'entity', code: 'unknown_value' });
	if (q.id && q.id.length <= 200 && /^[\w,.:-]+$/.test(q.id)) filter.entityId = q.id;
	else if (q.id) issues.push({ field: 'id', code: 'invalid_id' });
	for (const key of ['from', 'to'] as const) if (q[key] && !isIsoDate(q[key])) issues.push({ field: key, code: 'invalid_date' });
	if (q.from && isIsoDate(q.from)) filter.from = berlinDayStart(q.from);
	if (q.to && isIsoDate(q.to)) {
		if (q.from && isIsoDate(q.from) && q.to < q.from) issues.push({ field: 'to', code: 'valid_to_before_from' });
		else filter.until = berlinDayStart(nextDay(q.to));
	}
	if (q.before) {
		const before = parseInteger(q.before, { min: 1 });
		if (before === null) issues.push({ field: 'before', code: 'invalid' });
		else filter.before = before;
	}
	return { filter, issues };
}

/** One row of the log as the page draws it; a group holds the entries it stands for. */
export interface AuditRow {
	key: string;
	at: string;
	actor: string;
	system: boolean;
	action: string;
	entity: string;
	entityName: string | null;
	/** The page address filtered to this entity (null without an id). */
	entityFilter: string | null;
	changes: ChangeLine[];
	group: { count: number; label: string; items: { at: string; name: string; detail: string }[] } | null;
}

/**
 * The audit log page: the filters' choices, the entries (newest first, reads and sign-ins
 * grouped) and the address of the next, older page. Invalid filters are left out and reported
 * as `issues` (the route shows them as form errors).
 * @param query the page's query (see `auditQuery`).
 * @throws AccessDeniedError without `municipality:administer` on the person's municipality.
 */
export async function auditPage(db: DbOrTx, principal: UserPrincipal, query: AuditQuery, locale: string) {
	authorize(principal, 'municipality:administer', { municipalityId: principal.municipalityId });
	const municipalityId = principal.municipalityId;
	const [users, vocabulary] = await Promise.all([listUsers(db, principal, municipalityId), auditVocabulary(db, principal, municipalityId)]);
	const people = new Map(users.map((u) => [u.id, u.displayName]));
	const { filter, issues } = auditFilter(query, municipalityId, new Set(people.keys()), vocabulary.entityTypes);
	const entries = await browseAudit(db, principal, filter);
	const refs = entries.flatMap((e) => {
		const own = e.entityId ? [{ type: e.entityType, id: e.entityId }] : [];
		const values = Object.entries(e.changes).flatMap(([field, pair]) => {
			const type = ID_FIELDS[field];
			if (!type) return field === 'entity' ? pair.filter((v): v is string => typeof v === 'string' && v.includes(' ')).map((v) => ({ type: v.split(' ')[0], id: v.split(' ')[1] })) : [];
			return pair.flat().filter((v): v is string => typeof v === 'string' && isUuid(v)).map((id) => ({ type, id }));
		});
		return [...own, ...values];
	});
	const ctx: Context = { locale, people, names: await auditEntityNames(db, municipalityId, refs) };
	const base = new URLSearchParams(Object.entries(query).filter(([k, v]) => v && k !== 'before' && k !== 'entity' && k !== 'id'));
	const filterHref = (type: string, id: string | null) => {
		// A case's history stays with its Welcome Point (Sozialdatenschutz, § 35 SGB I): the
		// municipality sees that cases were read or written, not which one to follow.
		if (!id || type === 'case' || type.startsWith('case_')) return null;
		const p = new URLSearchParams(base);
		p.set('entity', type);
		p.set('id', id);
		return `?${p}`;
	};
	const rows: AuditRow[] = [];
	for (const e of entries) {
		const actor = actorText(e, people);
		const name = e.entityId ? entityName(e.entityType, e.entityId, ctx) : null;
		const last = rows.at(-1);
		const groupKey = `${e.action}|${e.actorUserId ?? e.actorLabel}|${e.entityType}|${berlinDay(e.at)}`;
		if (GROUPED.has(e.action)) {
			const item = { at: e.at.toISOString(), name: name ?? entityLabel(e.entityType), detail: changeLines(e.changes, e.entityType, ctx).map((c) => c.to).join(', ') };
			if (last?.group && last.key.startsWith(`${groupKey}|`)) {
				last.group.items.push(item);
				last.group.count++;
				last.group.label = m.adm_group_label({ action: actionLabel(e.action), count: last.group.count, entity: entityLabel(e.entityType) });
				last.at = item.at;
				continue;
			}
			rows.push({
				key: `${groupKey}|${e.id}`,
				at: item.at,
				actor: actor.text,
				system: actor.system,
				action: actionLabel(e.action),
				entity: entityLabel(e.entityType),
				entityName: null,
				entityFilter: null,
				changes: [],
				group: { count: 1, label: m.adm_group_label({ action: actionLabel(e.action), count: 1, entity: entityLabel(e.entityType) }), items: [item] }
			});
			continue;
		}
		rows.push({
			key: String(e.id),
			at: e.at.toISOString(),
			actor: actor.text,
			system: actor.system,
			action: actionLabel(e.action),
			entity: entityLabel(e.entityType),
			entityName: name,
			entityFilter: filterHref(e.entityType, e.entityId),
			changes: changeLines(e.changes, e.entityType, ctx),
			group: null
		});
	}
	const older = entries.length === PAGE_SIZE ? `?${new URLSearchParams([...base, ...(query.entity ? [['entity', query.entity]] : []), ...(query.id ? [['id', query.id]] : []), ['before', String(entries.at(-1)!.id)]])}` : null;
	return {
		query,
		issues,
		choices: {
			people: [...users.map((u) => ({ value: u.id, label: u.displayName })), { value: 'system', label: m.adm_actor_system_all() }],
			entities: vocabulary.entityTypes.map((t) => ({ value: t, label: entityLabel(t) })).sort((a, b) => a.label.localeCompare(b.label, locale)),
			filteredEntity: filter.entityId && filter.entityType ? { label: entityLabel(filter.entityType), name: entityName(filter.entityType, filter.entityId, ctx) } : null
		},
		rows,
		older
	};
}
