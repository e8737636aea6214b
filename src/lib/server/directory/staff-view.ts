/**
 * What the staff pages of the directory draw from: entries a principal may open, which of them
 * they may change directly (else their save becomes a proposal), the vocabularies with message
 * keys, the form rows, and an entry's history from the audit log. Source: issue 3 §1–§3, §6.
 */
import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { msg } from '$lib/messages';
import { can } from '../access';
import { userAccount } from '../accounts/schema';
import type { UserPrincipal } from '../access';
import { auditLog } from '../audit/schema';
import type { DbOrTx } from '../db/client';
import { listDistricts, listSocialSpaces } from '../geography/service';
import { listInstances } from '../instances/service';
import { dimensionsServedBy } from '../instances/model';
import {
	ACCESSIBILITY_FEATURES,
	ACTOR_TYPES,
	CONTENT_LANGUAGES,
	COST_KINDS,
	EASY_GERMAN,
	SERVICE_STATUSES,
	SUBTOPICS,
	TARGET_GROUPS,
	THEME_FIELDS,
	VISIBILITIES
} from './model';
import { changeProposal, location, organization, service, serviceAtLocation, type TranslatedText } from './schema';
import { themeFieldsWithSubtopics, visibleLevels, type LocationInput, type OrganizationInput, type ScheduleInput, type ServiceInput } from './service';
import { EMPTY_PLACE_ROWS, EMPTY_SCHEDULE_ROWS, textLanguages } from './staff-form';
import { effectiveStatus, pickText } from './texts';
import { directionOf } from '$lib/i18n';
import type { EntryKind } from './proposals';

/** A choice with its label in the request's language. */
export interface Choice {
	value: string;
	label: string;
}

/** A language of content with its name in the request's language and writing direction. */
export interface LanguageChoice {
	tag: string;
	name: string;
	dir: 'ltr' | 'rtl';
}

/** Name of a language tag in `locale` (Leichte Sprache by message). */
export function languageName(tag: string, locale: string): string {
	if (tag === EASY_GERMAN) return msg('lang_de_x_ls');
	try {
		return new Intl.DisplayNames([locale], { type: 'language' }).of(tag) ?? tag;
	} catch {
		return tag;
	}
}

/** Whether the principal may open the municipality's directory pages at all. */
export function mayUseDirectory(p: UserPrincipal): boolean {
	return can(p, 'directory:propose', { municipalityId: p.municipalityId });
}

/**
 * Whether a save by `p` is written directly: `directory:edit` on the entry as it is (its
 * instance) and as it would be (the chosen instance). Otherwise it becomes a proposal.
 */
export function mayEditDirectly(p: UserPrincipal, municipalityId: string, before: string | null | undefined, after: string | null | undefined): boolean {
	return (
		can(p, 'directory:edit', { municipalityId, instanceId: before ?? null }) && can(p, 'directory:edit', { municipalityId, instanceId: after ?? null })
	);
}

/** The vocabularies of the forms with labels in the request's language. */
export function vocabularies(locale: string) {
	const statusKey = (s: string) => `status_${s.replaceAll(' ', '_')}`;
	return {
		actorTypes: ACTOR_TYPES.map((t) => ({ value: t.key, label: msg(`actor_type_${t.key}`) })),
		visibilities: VISIBILITIES.map((v) => ({ value: v, label: msg(`visibility_${v}`) })),
		statuses: SERVICE_STATUSES.map((s) => ({ value: s, label: msg(statusKey(s)) })),
		themeFields: THEME_FIELDS.map((t) => ({
			value: t.key,
			label: msg(`opt_theme_fields_${t.key}`),
			subtopics: (SUBTOPICS[t.key as keyof typeof SUBTOPICS] ?? []).map((s) => ({ value: s.key, label: msg(`subtopic_${s.key}`) }))
		})),
		dimensions: ['culturation', 'placement', 'interaction', 'identification'].map((d) => ({ value: d, label: msg(`opt_integration_dimensions_${d}`) })),
		targetGroups: TARGET_GROUPS.map((t) => ({ value: t.key, label: msg(`opt_target_groups_${t.key}`) })),
		accessibility: ACCESSIBILITY_FEATURES.map((a) => ({ value: a.key, label: msg(`access_${a.key}`) })),
		costKinds: COST_KINDS.map((c) => ({ value: c, label: msg(`cost_${c}`) })),
		translationStatuses: ['original', 'human', 'machine', 'outdated'].map((s) => ({ value: s, label: msg(`translation_${s}`) })),
		contentLanguages: CONTENT_LANGUAGES.map((tag) => ({ tag, name: languageName(tag, locale), dir: directionOf(tag) }))
	};
}

/** Languages offered as checkboxes for "languages spoken"; others are typed as BCP 47 tags. */
export const COMMON_LANGUAGES = ['de', 'en', 'ar', 'fa', 'prs', 'uk', 'tr', 'ru', 'fr', 'ku', 'ti', 'so', 'ro', 'bg', 'pl', 'sq'];

/** The effective status of every language version of each text field, for the forms. */
export function textStatuses(texts: Record<string, TranslatedText>): Record<string, Record<string, string>> {
	return Object.fromEntries(
		Object.entries(texts).map(([field, t]) => [field, Object.fromEntries(textLanguages(t).filter((l) => t[l]).map((l) => [l, effectiveStatus(t, l)!]))])
	);
}

/**
 * Instances the principal may assign an entry to, plus the current one: those they may edit
 * directly, or every instance for those who only propose (a reviewer decides).
 */
export async function instanceChoices(db: DbOrTx, p: UserPrincipal, current: string | null): Promise<Choice[]> {
	const all = await listInstances(db, p.municipalityId);
	const municipalityId = p.municipalityId;
	const proposesOnly = !can(p, 'directory:review', { municipalityId });
	return all
		.filter((i) => i.id === current || proposesOnly || can(p, 'directory:edit', { municipalityId, instanceId: i.id }))
		.map((i) => ({ value: i.id, label: i.name }));
}

/** Districts with their social spaces, for the actor form's "active in" choice. */
export async function districtChoices(db: DbOrTx, municipalityId: string) {
	const [districts, spaces] = await Promise.all([listDistricts(db, municipalityId), listSocialSpaces(db, { municipalityId })]);
	return districts.map((d) => ({
		id: d.id,
		name: d.name,
		spaces: spaces.filter((s) => s.districtId === d.id).map((s) => ({ value: s.id, label: s.name }))
	}));
}

/** An empty place row. */
export function emptyPlace(): LocationInput {
	return { name: '', street: '', postalCode: '', city: '', latitude: null, longitude: null, accessibility: [], accessibilityNote: {}, directions: {} };
}

/** The rows a form draws: the entry's places and hours plus empty ones to add. */
export function formRows(input: ServiceInput | OrganizationInput): { locations: LocationInput[]; schedules: ScheduleInput[] } {
	return {
		locations: [...input.locations, ...Array.from({ length: EMPTY_PLACE_ROWS }, emptyPlace)],
		schedules:
			'schedules' in input
				? [
						...input.schedules,
						...Array.from({ length: EMPTY_SCHEDULE_ROWS }, (): ScheduleInput => ({
							weekday: 0,
							opensAt: '',
							closesAt: '',
							validFrom: null,
							validTo: null,
							appointmentOnly: false,
							note: {},
							location: null
						}))
					]
				: []
	};
}

/** An empty offer of an actor, for the "new offer" form. */
export function emptyService(organizationId: string, instanceId: string | null): ServiceInput {
	return {
		organizationId, instanceId, name: {}, description: {}, status: 'active', visibility: 'public', themeFields: [], subtopics: [],
		dimensionsOverride: null, targetGroups: [], minimumAge: null, maximumAge: null, languages: [], costKind: 'free',
		costAmountCents: null, costNote: {}, lowThreshold: false, accessRequirements: {}, requiredDocuments: {}, eligibility: {},
		url: '', email: '', phone: '', contactName: '', locations: [], schedules: []
	};
}

/** An empty actor, for the "new actor" form. */
export function emptyOrganization(instanceId: string | null): OrganizationInput {
	return {
		name: '', alternateNames: [], description: {}, actorType: 'other', email: '', phone: '', website: '', visibility: 'public',
		instanceId, socialSpaceIds: [], locations: []
	};
}

/** Integration dimensions derived from an offer's theme fields (and its sub-topics' fields). */
export function derivedDimensions(input: ServiceInput): string[] {
	return dimensionsServedBy(themeFieldsWithSubtopics(input.themeFields, input.subtopics));
}

/** One line of the directory list. */
export interface DirectoryRow {
	kind: EntryKind;
	id: string;
	name: string;
	organizationName: string;
	visibility: string;
	status: string;
	instanceId: string | null;
	lastVerifiedAt: string | null;
}

/** Filters of the directory list (query parameters of the same names). */
export interface DirectoryFilter {
	q: string;
	kind: '' | EntryKind;
	visibility: string;
	instance: string;
}

/**
 * The municipality's actors and offers the principal may see (staff: all visibilities), filtered
 * by a name part, kind, visibility and instance; at most `limit` rows, actors by name then offers.
 */
export async function listDirectory(db: DbOrTx, p: UserPrincipal, filter: DirectoryFilter, locale: string, limit = 200): Promise<{ rows: DirectoryRow[]; more: boolean }> {
	const levels = visibleLevels(p, p.municipalityId).filter((v) => !filter.visibility || v === filter.visibility);
	if (!levels.length) return { rows: [], more: false };
	const like = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
	const rows: DirectoryRow[] = [];
	if (filter.kind !== 'service') {
		const orgs = await db
			.select()
			.from(organization)
			.where(
				and(
					eq(organization.municipalityId, p.municipalityId),
					inArray(organization.visibility, levels),
					filter.instance ? eq(organization.instanceId, filter.instance) : undefined,
					filter.q ? or(sql`${organization.name} ilike ${like}`, sql`array_to_string(${organization.alternateNames}, ' ') ilike ${like}`) : undefined
				)
			)
			.orderBy(organization.name)
			.limit(limit + 1);
		rows.push(
			...orgs.map((o) => ({
				kind: 'organization' as const, id: o.id, name: o.name, organizationName: o.name, visibility: o.visibility, status: 'active',
				instanceId: o.instanceId, lastVerifiedAt: o.lastVerifiedAt?.toISOString() ?? null
			}))
		);
	}
	if (filter.kind !== 'organization') {
		const services = await db
			.select({ s: service, orgName: organization.name })
			.from(service)
			.innerJoin(organization, eq(organization.id, service.organizationId))
			.where(
				and(
					eq(service.municipalityId, p.municipalityId),
					inArray(service.visibility, levels),
					inArray(organization.visibility, visibleLevels(p, p.municipalityId)),
					filter.instance ? eq(service.instanceId, filter.instance) : undefined,
					filter.q ? or(sql`${service.name}::text ilike ${like}`, sql`${organization.name} ilike ${like}`) : undefined
				)
			)
			.orderBy(organization.name)
			.limit(limit + 1);
		rows.push(
			...services.map(({ s, orgName }) => ({
				kind: 'service' as const, id: s.id, name: pickText(s.name, locale)?.text ?? '', organizationName: orgName, visibility: s.visibility,
				status: s.status, instanceId: s.instanceId, lastVerifiedAt: s.lastVerifiedAt?.toISOString() ?? null
			}))
		);
	}
	return { rows: rows.slice(0, limit), more: rows.length > limit };
}

/** Number of open proposals of a municipality. */
export async function openProposalCount(db: DbOrTx, municipalityId: string): Promise<number> {
	const [row] = await db
		.select({ n: sql<number>`count(*)::int` })
		.from(changeProposal)
		.where(and(eq(changeProposal.municipalityId, municipalityId), eq(changeProposal.status, 'open')));
	return row.n;
}

/** One field change of an entry's history: who, when, field, old → new. */
export interface HistoryRow {
	at: string;
	who: string;
	action: string;
	field: string;
	before: string;
	after: string;
}

function shown(value: unknown): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'string') return value;
	if (typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => v && typeof v === 'object' && 'text' in v)) {
		return Object.entries(value as TranslatedText)
			.map(([lang, v]) => `${lang}: ${v.text}${v.status === 'original' ? '' : ` [${v.status}]`}`)
			.join('\n');
	}
	if (Array.isArray(value) && value.every((v) => typeof v !== 'object')) return value.join(', ');
	return JSON.stringify(value);
}

/**
 * An entry's history from the audit log, newest first: its own changes and those of its
 * places, one row per field. Actors are named by display name; changes published from a
 * proposal name the proposer too; links and imports by their label.
 */
export async function entryHistory(db: DbOrTx, kind: EntryKind, id: string): Promise<HistoryRow[]> {
	const places =
		kind === 'service'
			? await db.select({ id: serviceAtLocation.locationId }).from(serviceAtLocation).where(eq(serviceAtLocation.serviceId, id))
			: await db.select({ id: location.id }).from(location).where(eq(location.organizationId, id));
	const entries = await db
		.select()
		.from(auditLog)
		.where(
			or(
				and(eq(auditLog.entityType, kind), eq(auditLog.entityId, id)),
				places.length ? and(eq(auditLog.entityType, 'location'), inArray(auditLog.entityId, places.map((l) => l.id))) : undefined
			)
		)
		.orderBy(sql`${auditLog.id} desc`)
		.limit(500);
	const proposalIds = entries.map((e) => e.actorLabel?.match(/^proposal:([0-9a-f-]{36})$/)?.[1]).filter((x): x is string => !!x);
	const proposals = proposalIds.length
		? await db.select({ id: changeProposal.id, by: changeProposal.proposedBy }).from(changeProposal).where(inArray(changeProposal.id, proposalIds))
		: [];
	const userIds = [...new Set([...entries.map((e) => e.actorUserId), ...proposals.map((p) => p.by)].filter((x): x is string => !!x))];
	const users = userIds.length ? await db.select({ id: userAccount.id, name: userAccount.displayName }).from(userAccount).where(inArray(userAccount.id, userIds)) : [];
	const nameOf = (uid: string | null) => (uid ? (users.find((u) => u.id === uid)?.name ?? '–') : null);
	return entries.flatMap((e) => {
		const proposal = proposals.find((p) => e.actorLabel === `proposal:${p.id}`);
		const who = proposal
			? msg('ds_history_via_proposal', { reviewer: nameOf(e.actorUserId) ?? '–', proposer: nameOf(proposal.by) ?? '–' })
			: e.actorLabel === 'provider-link'
				? msg('ds_history_provider')
				: [nameOf(e.actorUserId), e.actorLabel].filter(Boolean).join(' · ') || '–';
		const prefix = e.entityType === 'location' ? `${msg('ds_place')}: ` : '';
		const fields = Object.entries(e.changes);
		if (!fields.length) return [{ at: e.at.toISOString(), who, action: e.action, field: '', before: '', after: '' }];
		return fields.map(([field, [before, after]]) => ({ at: e.at.toISOString(), who, action: e.action, field: prefix + field, before: shown(before), after: shown(after) }));
	});
}

/**
 * The entry's municipality and instance if the principal may see it (staff: any visibility),
 * else null (callers answer 404 whether it is missing or hidden).
 */
export async function entryScope(db: DbOrTx, p: UserPrincipal, kind: EntryKind, id: string): Promise<{ municipalityId: string; instanceId: string | null; email: string } | null> {
	if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
	const levels = visibleLevels(p, p.municipalityId);
	if (kind === 'service') {
		const [row] = await db
			.select({ municipalityId: service.municipalityId, instanceId: service.instanceId, email: service.email, orgEmail: organization.email })
			.from(service)
			.innerJoin(organization, eq(organization.id, service.organizationId))
			.where(and(eq(service.id, id), inArray(service.visibility, levels), inArray(organization.visibility, levels)));
		return row && row.municipalityId === p.municipalityId ? { municipalityId: row.municipalityId, instanceId: row.instanceId, email: row.email || row.orgEmail } : null;
	}
	const [row] = await db
		.select({ municipalityId: organization.municipalityId, instanceId: organization.instanceId, email: organization.email })
		.from(organization)
		.where(and(eq(organization.id, id), inArray(organization.visibility, levels)));
	return row && row.municipalityId === p.municipalityId ? row : null;
}

/** Display names of entries by id (offers in `locale` with fallback), for lists of proposals. */
export async function entryNames(db: DbOrTx, entries: { kind: EntryKind; id: string }[], locale: string): Promise<Map<string, string>> {
	const orgIds = entries.filter((e) => e.kind === 'organization').map((e) => e.id);
	const serviceIds = entries.filter((e) => e.kind === 'service').map((e) => e.id);
	const names = new Map<string, string>();
	if (orgIds.length) {
		for (const o of await db.select({ id: organization.id, name: organization.name }).from(organization).where(inArray(organization.id, orgIds))) names.set(o.id, o.name);
	}
	if (serviceIds.length) {
		for (const s of await db.select({ id: service.id, name: service.name }).from(service).where(inArray(service.id, serviceIds))) {
			names.set(s.id, pickText(s.name, locale)?.text ?? '');
		}
	}
	return names;
}
