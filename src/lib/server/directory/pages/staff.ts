/**
 * The staff pages of the directory (Wegweiser), shaped in the reader's language: the list with
 * its filters, the actor and offer forms (which entries a person may change directly, else
 * their save becomes a proposal; the vocabularies with their labels; the form rows), the
 * proposal queue and diff, an entry's history, the freshness view, and the upkeep tools
 * (verify, confirmation link). Every decision about who may do what is the services'
 * (`can()` inside); these functions only draw. Source: issue 3 §1–§3, §6; issue 11 §2.
 */
import { msg } from '$lib/messages';
import { m } from '$lib/paraglide/messages.js';
import type { Locale } from '$lib/paraglide/runtime';
import { formatDateTime } from '$lib/format';
import { COMMON_LANGUAGES, directionOf } from '$lib/i18n';
import { can, type UserPrincipal } from '../../access';
import { NotFoundError, ValidationError, type FieldIssue } from '../../core/errors';
import { isUuid, parseInteger } from '../../core/validation';
import type { Db, DbOrTx } from '../../db/client';
import { listDistricts, listSocialSpaces } from '../../geography/service';
import { dimensionsServedBy } from '../../instances/model';
import { listInstances } from '../../instances/service';
import { entryHistory, entryNames, entryScope, listDirectory, type DirectoryFilter } from '../entries';
import { getFreshnessDays, listStaleEntries, type StaleEntry } from '../freshness';
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
} from '../model';
import { getProposal, listProposals, mayDecide, openProposalCount, PROPOSAL_STATUSES, proposalDiff, propose, type DecisionMailTexts, type ProposalView } from '../proposals';
import type { TranslatedText } from '../schema';
import {
	getOrganization,
	getService,
	markVerified,
	organizationToInput,
	saveOrganization,
	saveService,
	serviceToInput,
	themeFieldsWithSubtopics,
	visibleLevels,
	type EntryKind,
	type LocationInput,
	type OrganizationDetail,
	type OrganizationInput,
	type ScheduleInput,
	type ServiceDetail,
	type ServiceInput
} from '../service';
import { effectiveStatus, pickText } from '../texts';
import { configuredProvider, machineTranslateService } from '../translate';
import { sendVerificationLink } from '../verification';
import { actorText, auditValueText, diffValueText, entryNameBook, fieldLabel, isHiddenField, verifierText } from './entry-labels';
import { EMPTY_PLACE_ROWS, EMPTY_SCHEDULE_ROWS, organizationInputFromForm, serviceInputFromForm, textLanguages } from './staff-form';
import { displayNames } from '../../../intl';

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
function languageName(tag: string, locale: string): string {
	if (tag === EASY_GERMAN) return msg('lang_de_x_ls');
	try {
		return displayNames([locale], { type: 'language' }).of(tag) ?? tag;
	} catch {
		return tag;
	}
}

/**
 * Whether a save by `p` is written directly: `directory:edit` on the entry as it is (its
 * instance) and as it would be (the chosen instance). Otherwise it becomes a proposal.
 */
function mayEditDirectly(p: UserPrincipal, municipalityId: string, before: string | null | undefined, after: string | null | undefined): boolean {
	return (
		can(p, 'directory:edit', { municipalityId, instanceId: before ?? null }) && can(p, 'directory:edit', { municipalityId, instanceId: after ?? null })
	);
}

/** The vocabularies of the forms with labels in the request's language. */
function vocabularies(locale: string) {
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

/** The effective status of every language version of each text field, for the forms. */
function textStatuses(texts: Record<string, TranslatedText>): Record<string, Record<string, string>> {
	return Object.fromEntries(
		Object.entries(texts).map(([field, t]) => [field, Object.fromEntries(textLanguages(t).filter((l) => t[l]).map((l) => [l, effectiveStatus(t, l)!]))])
	);
}

/**
 * Instances the principal may assign an entry to, plus the current one: those they may edit
 * directly, or every instance for those who only propose (a reviewer decides).
 */
async function instanceChoices(db: DbOrTx, p: UserPrincipal, current: string | null): Promise<Choice[]> {
	const all = await listInstances(db, p.municipalityId);
	const municipalityId = p.municipalityId;
	const proposesOnly = !can(p, 'directory:review', { municipalityId });
	return all
		.filter((i) => i.id === current || proposesOnly || can(p, 'directory:edit', { municipalityId, instanceId: i.id }))
		.map((i) => ({ value: i.id, label: i.name }));
}

/** Districts with their social spaces, for the actor form's "active in" choice. */
async function districtChoices(db: DbOrTx, municipalityId: string) {
	const [districts, spaces] = await Promise.all([listDistricts(db, municipalityId), listSocialSpaces(db, { municipalityId })]);
	return districts.map((d) => ({
		id: d.id,
		name: d.name,
		spaces: spaces.filter((s) => s.districtId === d.id).map((s) => ({ value: s.id, label: s.name }))
	}));
}

/** An empty place row. */
function emptyPlace(): LocationInput {
	return { name: '', street: '', postalCode: '', city: '', latitude: null, longitude: null, accessibility: [], accessibilityNote: {}, directions: {} };
}

/** The rows a form draws: the entry's places and hours plus empty ones to add. */
function formRows(input: ServiceInput | OrganizationInput): { locations: LocationInput[]; schedules: ScheduleInput[] } {
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
function emptyService(organizationId: string, instanceId: string | null): ServiceInput {
	return {
		organizationId, instanceId, name: {}, description: {}, status: 'active', visibility: 'public', themeFields: [], subtopics: [],
		dimensionsOverride: null, targetGroups: [], minimumAge: null, maximumAge: null, languages: [], costKind: 'free',
		costAmountCents: null, costNote: {}, lowThreshold: false, accessRequirements: {}, requiredDocuments: {}, eligibility: {},
		url: '', email: '', phone: '', contactName: '', locations: [], schedules: []
	};
}

/** An empty actor, for the "new actor" form. */
function emptyOrganization(instanceId: string | null): OrganizationInput {
	return {
		name: '', alternateNames: [], description: {}, actorType: 'other', email: '', phone: '', website: '', visibility: 'public',
		instanceId, socialSpaceIds: [], locations: []
	};
}

/** Integration dimensions derived from an offer's theme fields (and its sub-topics' fields). */
function derivedDimensions(input: ServiceInput): string[] {
	return dimensionsServedBy(themeFieldsWithSubtopics(input.themeFields, input.subtopics));
}

/** The entry if the principal may open it. @throws NotFoundError (404 whether missing or hidden). */
async function requireScope(db: DbOrTx, p: UserPrincipal, kind: EntryKind, id: string) {
	const scope = await entryScope(db, p, kind, id);
	if (!scope) throw new NotFoundError(`${kind} not found`);
	return scope;
}

/** "Last verified" as the forms show it. */
function lastVerified(entry: { lastVerifiedAt: Date | null; lastVerifiedBy: string | null } | null, locale: string) {
	if (!entry?.lastVerifiedAt) return null;
	return { at: formatDateTime(entry.lastVerifiedAt, locale), by: verifierText(entry.lastVerifiedBy ?? '') };
}

// The directory list.

/**
 * The list page: the filters as given (a value that is not one of the choices is left out and
 * reported in `filterIssues`), the rows with their labels, and the review links.
 */
export async function directoryPage(db: DbOrTx, p: UserPrincipal, params: URLSearchParams, locale: string) {
	const municipalityId = p.municipalityId;
	const instances = (await listInstances(db, municipalityId)).map((i) => ({ value: i.id, label: i.name }));
	const issues: FieldIssue[] = [];
	const choice = (name: string, allowed: readonly string[]): string => {
		const v = params.get(name) ?? '';
		if (!v || allowed.includes(v)) return v;
		issues.push({ field: name, code: 'unknown_option', params: { value: v.slice(0, 80) } });
		return '';
	};
	const filter: DirectoryFilter = {
		q: (params.get('q') ?? '').trim().slice(0, 200),
		kind: choice('kind', ['service', 'organization']) as DirectoryFilter['kind'],
		visibility: choice('visibility', VISIBILITIES),
		instance: choice('instance', instances.map((i) => i.value))
	};
	const { rows, more } = await listDirectory(db, p, filter, locale);
	const instanceName = new Map(instances.map((i) => [i.value, i.label]));
	const reviewer = can(p, 'directory:review', { municipalityId });
	return {
		filter,
		/** Filter values that are not among the choices: left out, and shown as errors by the route. */
		filterIssues: issues,
		more,
		rows: rows.map((r) => ({
			...r,
			visibilityLabel: msg(`visibility_${r.visibility}`),
			statusLabel: r.kind === 'service' ? msg(`status_${r.status.replaceAll(' ', '_')}`) : '',
			instanceName: r.instanceId ? (instanceName.get(r.instanceId) ?? '') : '',
			lastVerified: r.lastVerifiedAt ? formatDateTime(r.lastVerifiedAt, locale) : null
		})),
		instances,
		visibilities: visibleLevels(p, municipalityId).map((v) => ({ value: v, label: msg(`visibility_${v}`) })),
		canReview: reviewer,
		openProposals: reviewer ? await openProposalCount(db, p, municipalityId) : 0
	};
}

// The actor form.

/** The actor as stored (null for `new`). @throws NotFoundError when the principal may not open it. */
async function storedActor(db: DbOrTx, p: UserPrincipal, id: string): Promise<OrganizationDetail | null> {
	if (id === 'new') return null;
	await requireScope(db, p, 'organization', id);
	const found = await getOrganization(db, id, visibleLevels(p, p.municipalityId));
	if (!found) throw new NotFoundError('organization not found');
	return found;
}

/** What the actor form is drawn with: the input (as stored or as entered) and the choices. */
async function actorForm(db: DbOrTx, p: UserPrincipal, locale: string, input: OrganizationInput, current: OrganizationDetail | null) {
	return {
		id: current?.id ?? null,
		input,
		rows: formRows(input),
		statuses: textStatuses({ description: input.description }),
		vocab: vocabularies(locale),
		instances: await instanceChoices(db, p, input.instanceId),
		districts: await districtChoices(db, p.municipalityId),
		direct: mayEditDirectly(p, p.municipalityId, current?.instanceId ?? input.instanceId, input.instanceId),
		services: (current?.services ?? []).map((s) => ({ id: s.id, name: pickText(s.name, locale)?.text ?? '', status: s.status, visibility: s.visibility })),
		lastVerified: lastVerified(current, locale),
		attribution: current?.attribution ?? null
	};
}

/** The actor page (`id` or `new`): a new actor starts at the person's first instance. @throws NotFoundError. */
export async function actorPage(db: DbOrTx, p: UserPrincipal, id: string, locale: string) {
	const current = await storedActor(db, p, id);
	const input = current ? organizationToInput(current) : emptyOrganization(p.instanceIds[0] ?? null);
	return actorForm(db, p, locale, input, current);
}

// The offer form.

/** The offer as stored (null for `new`). @throws NotFoundError when the principal may not open it. */
async function storedOffer(db: DbOrTx, p: UserPrincipal, id: string): Promise<ServiceDetail | null> {
	if (id === 'new') return null;
	await requireScope(db, p, 'service', id);
	const found = await getService(db, id, visibleLevels(p, p.municipalityId));
	if (!found) throw new NotFoundError('service not found');
	return found;
}

/** What the offer form is drawn with. @throws NotFoundError when its actor is not the principal's to see. */
async function offerForm(db: DbOrTx, p: UserPrincipal, locale: string, id: string | null, input: ServiceInput, stored: ServiceDetail | null) {
	const org = isUuid(input.organizationId) ? await getOrganization(db, input.organizationId, visibleLevels(p, p.municipalityId)) : null;
	if (!org || org.municipalityId !== p.municipalityId) throw new NotFoundError('organization not found');
	const direct = mayEditDirectly(p, p.municipalityId, stored?.instanceId, stored?.instanceId ?? input.instanceId);
	return {
		id,
		input,
		rows: formRows(input),
		statuses: textStatuses({
			name: input.name, description: input.description, costNote: input.costNote, accessRequirements: input.accessRequirements,
			requiredDocuments: input.requiredDocuments, eligibility: input.eligibility
		}),
		organization: { id: org.id, name: org.name },
		vocab: vocabularies(locale),
		derived: derivedDimensions(input),
		instances: await instanceChoices(db, p, input.instanceId),
		commonLanguages: COMMON_LANGUAGES,
		direct,
		canTranslate: direct && !!id && !!configuredProvider(),
		lastVerified: lastVerified(stored, locale),
		entryEmail: stored ? stored.email || stored.organization.email : ''
	};
}

/**
 * The offer page (`id`, or `new` with `?organization=<actor id>`): a new offer starts at its
 * actor's instance. @throws NotFoundError.
 */
export async function offerPage(db: DbOrTx, p: UserPrincipal, id: string, params: URLSearchParams, locale: string) {
	const current = await storedOffer(db, p, id);
	let input: ServiceInput;
	if (current) input = serviceToInput(current);
	else {
		const orgId = params.get('organization') ?? '';
		const scope = await requireScope(db, p, 'organization', orgId);
		input = emptyService(orgId, scope.instanceId);
	}
	return offerForm(db, p, locale, current?.id ?? null, input, current);
}

// Saving a form.

/** An entry as posted, with the stored one it changes and the problems found while reading it. */
export type Draft =
	| { kind: 'organization'; current: OrganizationDetail | null; input: OrganizationInput; issues: FieldIssue[] }
	| { kind: 'service'; current: ServiceDetail | null; input: ServiceInput; issues: FieldIssue[] };

/** The draft of one kind of entry. */
export type DraftOf<K extends EntryKind> = Extract<Draft, { kind: K }>;

/** What the form of one kind of entry is drawn with. */
export type FormOf<K extends EntryKind> = Awaited<ReturnType<K extends 'organization' ? typeof actorForm : typeof offerForm>>;

/**
 * Reads a posted actor or offer form. A new offer belongs to an actor the principal can see; an
 * existing one keeps its actor.
 * @throws NotFoundError when the principal may not open the entry (or the new offer's actor).
 */
export async function entryDraft<K extends EntryKind>(db: DbOrTx, p: UserPrincipal, kind: K, id: string, form: FormData): Promise<DraftOf<K>> {
	if (kind === 'organization') {
		const current = await storedActor(db, p, id);
		return { kind, current, ...organizationInputFromForm(form, current ? organizationToInput(current) : null) } as DraftOf<K>;
	}
	const current = await storedOffer(db, p, id);
	const { input, issues } = serviceInputFromForm(form, current ? serviceToInput(current) : null);
	if (current) input.organizationId = current.organizationId;
	else await requireScope(db, p, 'organization', input.organizationId);
	return { kind: 'service', current, input, issues } as DraftOf<K>;
}

/** What a form is drawn with again after a refused save: the input as entered. */
export async function draftForm<K extends EntryKind>(db: DbOrTx, p: UserPrincipal, locale: string, draft: DraftOf<K>): Promise<FormOf<K>> {
	const d = draft as Draft;
	const view = d.kind === 'organization' ? await actorForm(db, p, locale, d.input, d.current) : await offerForm(db, p, locale, d.current?.id ?? null, d.input, d.current);
	return view as FormOf<K>;
}

/**
 * Saves a posted entry: directly when the person may (`directory:edit` on its instance before
 * and after), else as a proposal.
 * @returns the entry's id, or `proposed`.
 * @throws ValidationError with the fields to mark; AccessDeniedError (volunteers).
 */
export async function saveDraft(db: Db, p: UserPrincipal, draft: Draft): Promise<{ id: string } | { proposed: true }> {
	if (draft.issues.length) throw new ValidationError(draft.issues);
	const { current, input } = draft;
	if (mayEditDirectly(p, p.municipalityId, current?.instanceId ?? input.instanceId, input.instanceId)) {
		const options = current ? { id: current.id } : {};
		const saved =
			draft.kind === 'service'
				? await saveService(db, p, p.municipalityId, draft.input, options)
				: await saveOrganization(db, p, p.municipalityId, draft.input, options);
		return { id: saved.id };
	}
	await propose(db, p, p.municipalityId, draft.kind, current?.id ?? null, input);
	return { proposed: true };
}

/**
 * Fills an offer's missing languages by machine translation.
 * @returns the number of language versions written.
 * @throws NotFoundError (no offer, or machine translation is off); AccessDeniedError; Error
 *   `machine translation failed …` when the provider fails.
 */
export async function translateOffer(db: Db, p: UserPrincipal, id: string): Promise<number> {
	await requireScope(db, p, 'service', id);
	const provider = configuredProvider();
	if (!provider) throw new NotFoundError('machine translation is off');
	const filled = await machineTranslateService(db, p, id, provider);
	return Object.values(filled).flat().length;
}

// Upkeep of one entry.

/**
 * "Mark verified": now, by the person's name. @throws NotFoundError; AccessDeniedError without
 * `directory:edit` on the entry.
 */
export async function verifyEntry(db: Db, p: UserPrincipal, kind: EntryKind, id: string): Promise<void> {
	await requireScope(db, p, kind, id);
	await markVerified(db, p, kind, id, p.displayName);
}

/**
 * Emails a confirmation link for an entry to the posted `email` or the entry's address, the mail
 * in the provider's language with German beside it (dates in each language).
 * @returns what the page confirms: the address and the expiry date.
 * @throws NotFoundError; AccessDeniedError; ValidationError (`email`, `days`).
 */
export async function sendEntryLink(db: Db, p: UserPrincipal, kind: EntryKind, id: string, email: string, origin: string, lang: string) {
	await requireScope(db, p, kind, id);
	const sent = await sendVerificationLink(db, p, kind, id, {
		email,
		linkFor: (token, locale) => `${origin}/${locale}/verify/${token}`,
		texts: (locale) => ({
			subject: m.ds_link_mail_subject({}, { locale: locale as Locale }),
			body: (link, name, expires) => m.ds_link_mail_body({ link, name, expires: formatDateTime(expires, locale) }, { locale: locale as Locale })
		})
	});
	return { entryId: id, email: sent.email, expires: formatDateTime(sent.expiresAt, lang) };
}

// History.

/**
 * An entry's history page, newest first, one row per changed field, in words (`entry-labels`):
 * who (a person, a person publishing someone's proposal, the provider's link, or a system
 * actor by name), when, the field's label, old → new. Fields left empty when an entry was
 * created, and bookkeeping fields, are left out.
 * @throws NotFoundError when the principal may not open the entry.
 */
export async function historyPage(db: DbOrTx, p: UserPrincipal, kind: string, id: string, locale: string) {
	if (kind !== 'service' && kind !== 'organization') throw new NotFoundError('no such kind of entry');
	const entries = await entryHistory(db, p, kind, id);
	if (!entries) throw new NotFoundError(`${kind} not found`);
	const levels = visibleLevels(p, p.municipalityId);
	const name = kind === 'service' ? (pickText((await getService(db, id, levels))!.name, locale)?.text ?? '') : (await getOrganization(db, id, levels))!.name;
	const organizationIds = entries.flatMap((e) => Object.entries(e.changes).flatMap(([field, values]) => (field === 'organizationId' ? values.filter((v): v is string => typeof v === 'string') : [])));
	const names = await entryNameBook(db, p.municipalityId, organizationIds, locale);
	const rows = entries.flatMap((e) => {
		const who =
			e.proposerName !== null
				? msg('ds_history_via_proposal', { reviewer: e.actorName ?? '–', proposer: e.proposerName })
				: (e.actorName ?? actorText(e.actorLabel));
		const at = formatDateTime(e.at, locale);
		const fields = Object.entries(e.changes)
			.filter(([field]) => !isHiddenField(field))
			.map(([field, [before, after]]) => ({ field, before: auditValueText(field, before, locale, names), after: auditValueText(field, after, locale, names) }))
			.filter((f) => e.action !== 'create' || f.after);
		if (!fields.length) return [{ at, who, action: e.action, field: '', before: '', after: '' }];
		return fields.map((f) => ({ at, who, action: e.action, field: fieldLabel(f.field, locale, e.entityType === 'location'), before: f.before, after: f.after }));
	});
	return { kind, id, name, rows };
}

// Proposals.

/** A proposal's title: the proposed name, else the name of the entry it is about. */
function proposalTitle(x: ProposalView, locale: string, current: Map<string, string>): string {
	const name = (x.payload as { name?: string | TranslatedText }).name;
	if (typeof name === 'string') return name;
	if (name) return pickText(name, locale)?.text ?? '';
	return x.entityId ? (current.get(x.entityId) ?? '') : '';
}

/** The proposal queue (reviewers) or one's own proposals, by status (`?status=`, default open). */
export async function proposalsPage(db: DbOrTx, p: UserPrincipal, params: URLSearchParams, locale: string) {
	const requested = params.get('status');
	const status = (PROPOSAL_STATUSES as readonly string[]).includes(requested ?? '') ? (requested as ProposalView['status']) : 'open';
	const list = await listProposals(db, p, p.municipalityId, { status });
	const current = await entryNames(db, list.flatMap((x) => (x.entityId ? [{ kind: x.entityType, id: x.entityId }] : [])), locale);
	return {
		reviewer: can(p, 'directory:review', { municipalityId: p.municipalityId }),
		status,
		statuses: PROPOSAL_STATUSES,
		proposed: params.has('proposed'),
		proposals: list.map((x) => ({
			id: x.id,
			kind: x.entityType,
			isNew: !x.entityId,
			title: proposalTitle(x, locale, current),
			fields: Object.keys(x.payload).length,
			proposer: x.proposerName ?? '–',
			createdAt: formatDateTime(x.createdAt, locale),
			reviewNote: x.reviewNote
		}))
	};
}

/** One proposal with its diff and whether the person may decide it. @throws NotFoundError. */
export async function proposalPage(db: DbOrTx, p: UserPrincipal, id: string, locale: string) {
	const proposal = await requireProposal(db, p, id);
	return {
		proposal: {
			id: proposal.id,
			kind: proposal.entityType,
			entityId: proposal.entityId,
			status: proposal.status,
			proposer: proposal.proposerName ?? '–',
			reviewer: proposal.reviewerName,
			createdAt: formatDateTime(proposal.createdAt, locale),
			reviewedAt: proposal.reviewedAt ? formatDateTime(proposal.reviewedAt, locale) : null,
			reviewNote: proposal.reviewNote
		},
		diff: await labelledDiff(db, p, proposal, locale),
		mayPublish: proposal.status === 'open' && (await mayDecide(db, p, proposal))
	};
}

/**
 * The mails telling a proposer the decision on their proposal, in any language the service asks
 * for (the proposer's): published, or rejected with the reviewer's note.
 */
export function decisionMails(decision: 'published' | 'rejected'): DecisionMailTexts {
	return (locale, { entry, note }) => {
		const options = { locale: locale as Locale };
		return decision === 'published'
			? { subject: m.out_proposal_published_subject({ entry }, options), body: m.out_proposal_published_body({ entry }, options) }
			: { subject: m.out_proposal_rejected_subject({ entry }, options), body: m.out_proposal_rejected_body({ entry, note }, options) };
	};
}

/** The proposal's changes with the fields' labels and the values in words; bookkeeping fields left out. */
async function labelledDiff(db: DbOrTx, p: UserPrincipal, proposal: ProposalView, locale: string) {
	const diff = (await proposalDiff(db, proposal)).filter((d) => !isHiddenField(d.field));
	const organizationIds = diff.flatMap((d) => (d.field === 'organizationId' ? [d.before, d.after].filter(isUuid) : []));
	const names = await entryNameBook(db, p.municipalityId, organizationIds, locale);
	return diff.map((d) => ({
		field: d.field,
		label: fieldLabel(d.field, locale),
		before: diffValueText(d.field, d.before, locale, names),
		after: diffValueText(d.field, d.after, locale, names)
	}));
}

/** The proposal if the person may see it. @throws NotFoundError (404 whether missing or not theirs). */
export async function requireProposal(db: DbOrTx, p: UserPrincipal, id: string): Promise<ProposalView> {
	const proposal = await getProposal(db, p, id);
	if (!proposal) throw new NotFoundError('proposal not found');
	return proposal;
}

// Freshness.

/** "No instance" / "no district" in the freshness groups' keys. */
const NONE = 'none';
/** Entries of a group listed at most. */
const SHOWN = 200;

/**
 * The freshness page: entries not verified within the period, counted per instance and per
 * district, and the entries of the group chosen by `?instance=` or `?district=`.
 * @throws AccessDeniedError without `directory:review`.
 */
export async function freshnessPage(db: DbOrTx, p: UserPrincipal, params: URLSearchParams, locale: string) {
	const municipalityId = p.municipalityId;
	const days = await getFreshnessDays(db, municipalityId);
	const [stale, instances, districts] = await Promise.all([
		listStaleEntries(db, p, municipalityId, days),
		listInstances(db, municipalityId),
		listDistricts(db, municipalityId)
	]);
	const count = (pred: (e: StaleEntry) => boolean) => stale.filter(pred).length;
	const byInstance = [
		...instances.map((i) => ({ key: i.id, name: i.name, count: count((e) => e.instanceId === i.id) })),
		{ key: NONE, name: msg('ds_no_instance'), count: count((e) => !e.instanceId) }
	];
	const byDistrict = [
		...districts.map((d) => ({ key: d.id, name: d.name, count: count((e) => e.districtIds.includes(d.id)) })),
		{ key: NONE, name: msg('ds_no_district'), count: count((e) => !e.districtIds.length) }
	];
	const instance = params.get('instance');
	const district = params.get('district');
	const group = instance ? byInstance.find((g) => g.key === instance) : district ? byDistrict.find((g) => g.key === district) : undefined;
	const selected = !group
		? []
		: stale.filter((e) =>
				instance ? (instance === NONE ? !e.instanceId : e.instanceId === instance) : district === NONE ? !e.districtIds.length : e.districtIds.includes(district!)
			);
	return {
		days,
		total: stale.length,
		mayConfigure: can(p, 'directory:configure', { municipalityId }),
		byInstance: byInstance.filter((g) => g.count),
		byDistrict: byDistrict.filter((g) => g.count),
		group: group ? { name: group.name, by: instance ? 'instance' : 'district' } : null,
		more: selected.length > SHOWN,
		entries: selected.slice(0, SHOWN).map((e) => ({
			kind: e.kind,
			id: e.id,
			name: typeof e.name === 'string' ? e.name : (pickText(e.name, locale)?.text ?? ''),
			organizationName: e.organizationName,
			lastVerified: e.lastVerifiedAt ? formatDateTime(e.lastVerifiedAt, locale) : null,
			hasEmail: e.hasEmail,
			direct: can(p, 'directory:edit', { municipalityId, instanceId: e.instanceId })
		}))
	};
}

/** The posted freshness period: a whole number, else NaN (which the service refuses as out of range). */
export function freshnessDaysFromForm(raw: string): number {
	return parseInteger(raw) ?? NaN;
}
