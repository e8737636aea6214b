/**
 * Änderungsvorschläge: partners propose new actors and offers or changes to existing ones; staff
 * review them with a field-by-field diff and publish (applied through `saveService` /
 * `saveOrganization`, audited as the reviewer with the proposal named) or reject them with a
 * note. Source: issue 3 §6 ("Partners propose new offers and changes; staff review and publish
 * (with a diff)").
 *
 * A proposal for an existing entry stores only the top-level input fields the partner changed,
 * so publishing later does not undo what staff changed meanwhile in other fields. A proposal for
 * a new entry stores the whole input. Offers can be proposed for existing actors only.
 *
 * The proposer is told the decision by mail in their account's language (issue 12 §4), when the
 * caller supplies the texts; the decision stands whether or not the mail goes out.
 */
import { and, count, desc, eq } from 'drizzle-orm';
import { auditActor, authorize, can, isUser, type Principal } from '../access';
import { proposerAddress } from '../accounts/directory-reads';
import { userNames } from '../accounts/users';
import { recordAudit } from '../audit/service';
import type { Db, DbOrTx } from '../db/client';
import { AccessDeniedError, NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { errorFields, log } from '../core/log';
import { isolate } from '../core/direction';
import { composeMail, mailLanguages, sendMail } from '../core/mail';
import { isUuid } from '../core/validation';
import { locales } from '../../paraglide/runtime.js';
import { LIMITS } from './model';
import { changeProposal } from './schema';
import { originalLanguage } from './texts';
import {
	checkOrganization,
	checkService,
	entryPlace,
	getOrganization,
	getService,
	organizationToInput,
	saveOrganization,
	saveService,
	serviceToInput,
	type EntryKind,
	type OrganizationInput,
	type ServiceInput
} from './service';

const ALL_LEVELS = ['public', 'network', 'internal'] as const;

type AnyInput = ServiceInput | OrganizationInput;

/** A proposal with the names of the people involved and a title for lists. */
export interface ProposalView {
	id: string;
	municipalityId: string;
	entityType: EntryKind;
	entityId: string | null;
	payload: Partial<AnyInput>;
	status: 'open' | 'published' | 'rejected';
	proposedBy: string | null;
	proposerName: string | null;
	reviewerName: string | null;
	reviewedAt: Date | null;
	reviewNote: string;
	createdAt: Date;
}

/**
 * The decision mail in one language: subject and body about the entry named `entry`, with the
 * reviewer's `note` when it was rejected.
 */
export type DecisionMailTexts = (locale: string, decision: { entry: string; note: string }) => { subject: string; body: string };

/** The name of an entry as proposed or held: an actor's name, an offer's in its original language. */
function entryName(input: Partial<AnyInput>): string {
	const name = input.name;
	if (typeof name === 'string') return name;
	if (!name) return '';
	return name[originalLanguage(name) ?? 'de']?.text ?? Object.values(name)[0]?.text ?? '';
}

/**
 * Mails the proposer the decision in their account's language (German when it has none the
 * platform offers). No mail for a proposer whose account is gone or disabled; a failed mail is
 * logged (without the address) and the decision stands.
 */
async function mailDecision(db: DbOrTx, p: ProposalView, entry: string, note: string, texts: DecisionMailTexts): Promise<void> {
	if (!p.proposedBy) return;
	const to = await proposerAddress(db, p.proposedBy);
	if (!to) return;
	const [lang] = mailLanguages([to.preferredLocale], locales, false);
	// The reviewer's note is in their words and language: isolated, a German note keeps its order
	// in a Farsi or Arabic mail.
	const t = texts(lang, { entry, note: note && isolate(note) });
	try {
		await sendMail(composeMail(to.email, [{ lang, subject: t.subject, text: t.body }]));
	} catch (e) {
		log.error({ ...errorFields(e), proposal: p.id }, 'proposal decision mail failed');
	}
}

/** The states of a proposal, in the order lists offer them. */
export const PROPOSAL_STATUSES = ['open', 'published', 'rejected'] as const;

async function currentInput(db: DbOrTx, kind: EntryKind, id: string): Promise<AnyInput | null> {
	if (kind === 'service') {
		const s = await getService(db, id, [...ALL_LEVELS]);
		return s ? serviceToInput(s) : null;
	}
	const o = await getOrganization(db, id, [...ALL_LEVELS]);
	return o ? organizationToInput(o) : null;
}

/**
 * The checks `saveService` / `saveOrganization` would make, without writing: field issues
 * including the instance, `outside_municipality` and (offers) `organizationId: not_found`.
 */
async function checkInput(db: DbOrTx, municipalityId: string, kind: EntryKind, input: AnyInput): Promise<FieldIssue[]> {
	const checked = kind === 'service' ? await checkService(db, municipalityId, input as ServiceInput) : await checkOrganization(db, municipalityId, input as OrganizationInput);
	return checked.issues;
}

function sameJson(a: unknown, b: unknown): boolean {
	return JSON.stringify(flatten(a)) === JSON.stringify(flatten(b));
}

/**
 * Records a proposal: a new entry (`entityId` null) or a change of an existing one, proposed by
 * the principal (audited as them).
 * @returns the proposal's id.
 * @throws AccessDeniedError without `directory:propose` in the municipality (volunteers).
 * @throws ValidationError with the same field issues a direct save would give, or
 *   `proposal: no_changes` when the input equals the current entry.
 * @throws NotFoundError when the entry does not exist in the municipality.
 */
export async function propose(
	db: Db,
	principal: Principal,
	municipalityId: string,
	kind: EntryKind,
	entityId: string | null,
	input: AnyInput
): Promise<string> {
	authorize(principal, 'directory:propose', { municipalityId });
	return db.transaction(async (tx) => {
		let payload: Partial<AnyInput> = input;
		if (entityId) {
			const current = (await entryPlace(tx, kind, entityId))?.municipalityId === municipalityId ? await currentInput(tx, kind, entityId) : null;
			if (!current) throw new NotFoundError(`${kind} ${entityId} not found`);
			const changed = Object.keys(input).filter(
				(k) => k !== 'hsdsExtra' && !sameJson((current as unknown as Record<string, unknown>)[k], (input as unknown as Record<string, unknown>)[k])
			);
			if (!changed.length) throw new ValidationError([{ field: 'proposal', code: 'no_changes' }]);
			payload = Object.fromEntries(changed.map((k) => [k, (input as unknown as Record<string, unknown>)[k]])) as Partial<AnyInput>;
		}
		const issues = await checkInput(tx, municipalityId, kind, input);
		if (issues.length) throw new ValidationError(issues);
		const [row] = await tx
			.insert(changeProposal)
			.values({ municipalityId, entityType: kind, entityId, payload: payload as Record<string, unknown>, proposedBy: isUser(principal) ? principal.userId : null })
			.returning({ id: changeProposal.id });
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId,
			action: 'propose',
			entityType: 'change_proposal',
			entityId: row.id,
			changes: { entity: [null, `${kind}${entityId ? ` ${entityId}` : ''}`], fields: [null, Object.keys(payload)] }
		});
		return row.id;
	});
}

async function names(db: DbOrTx, ids: (string | null)[]): Promise<Map<string, string>> {
	const found = await userNames(db, ids.filter((i): i is string => !!i));
	return new Map([...found].map(([id, u]) => [id, u.displayName]));
}

function toView(row: typeof changeProposal.$inferSelect, who: Map<string, string>): ProposalView {
	return {
		id: row.id,
		municipalityId: row.municipalityId,
		entityType: row.entityType as EntryKind,
		entityId: row.entityId,
		payload: row.payload as Partial<AnyInput>,
		status: row.status as ProposalView['status'],
		proposedBy: row.proposedBy,
		proposerName: row.proposedBy ? (who.get(row.proposedBy) ?? null) : null,
		reviewerName: row.reviewedBy ? (who.get(row.reviewedBy) ?? null) : null,
		reviewedAt: row.reviewedAt,
		reviewNote: row.reviewNote,
		createdAt: row.createdAt
	};
}

/** Whether the principal reviews the municipality's proposals (else they see their own only). */
function reviews(principal: Principal, municipalityId: string): boolean {
	return can(principal, 'directory:review', { municipalityId });
}

/**
 * Proposals of a municipality, newest first: those with `status` (default `open`). Reviewers
 * see everyone's (or one person's with `proposedBy`); everyone else who may propose sees their
 * own only.
 * @throws AccessDeniedError without `directory:propose` in the municipality.
 */
export async function listProposals(
	db: DbOrTx,
	principal: Principal,
	municipalityId: string,
	filter: { status?: ProposalView['status']; proposedBy?: string } = {}
): Promise<ProposalView[]> {
	authorize(principal, 'directory:propose', { municipalityId });
	const proposedBy = reviews(principal, municipalityId) ? filter.proposedBy : isUser(principal) ? principal.userId : undefined;
	const rows = await db
		.select()
		.from(changeProposal)
		.where(
			and(
				eq(changeProposal.municipalityId, municipalityId),
				eq(changeProposal.status, filter.status ?? 'open'),
				proposedBy ? eq(changeProposal.proposedBy, proposedBy) : undefined
			)
		)
		.orderBy(desc(changeProposal.createdAt));
	const who = await names(db, rows.flatMap((r) => [r.proposedBy, r.reviewedBy]));
	return rows.map((r) => toView(r, who));
}

/**
 * Number of open proposals of a municipality (the review queue's length).
 * @throws AccessDeniedError without `directory:review` there.
 */
export async function openProposalCount(db: DbOrTx, principal: Principal, municipalityId: string): Promise<number> {
	authorize(principal, 'directory:review', { municipalityId });
	const [row] = await db
		.select({ n: count() })
		.from(changeProposal)
		.where(and(eq(changeProposal.municipalityId, municipalityId), eq(changeProposal.status, 'open')));
	return row.n;
}

async function loadProposal(db: DbOrTx, id: string): Promise<ProposalView | null> {
	if (!isUuid(id)) return null;
	const [row] = await db.select().from(changeProposal).where(eq(changeProposal.id, id));
	if (!row) return null;
	return toView(row, await names(db, [row.proposedBy, row.reviewedBy]));
}

/**
 * One proposal the principal may see: reviewers every proposal of their municipality, others
 * who may propose their own. Null when there is none with this id or it is not theirs to see
 * (pages answer 404 either way).
 */
export async function getProposal(db: DbOrTx, principal: Principal, id: string): Promise<ProposalView | null> {
	const p = await loadProposal(db, id);
	if (!p || !can(principal, 'directory:propose', { municipalityId: p.municipalityId })) return null;
	if (reviews(principal, p.municipalityId)) return p;
	return isUser(principal) && p.proposedBy === principal.userId ? p : null;
}

/**
 * Whether the principal may publish or reject a proposal: a reviewer of its municipality with
 * `directory:edit` on the entry as it is and as proposed (its instance before and after).
 */
export async function mayDecide(db: DbOrTx, principal: Principal, proposal: ProposalView): Promise<boolean> {
	const municipalityId = proposal.municipalityId;
	if (!reviews(principal, municipalityId)) return false;
	const place = proposal.entityId ? await entryPlace(db, proposal.entityType, proposal.entityId) : null;
	const proposed = 'instanceId' in proposal.payload ? (proposal.payload.instanceId ?? null) : (place?.instanceId ?? null);
	return (
		can(principal, 'directory:edit', { municipalityId, instanceId: place ? place.instanceId : proposed }) &&
		can(principal, 'directory:edit', { municipalityId, instanceId: proposed })
	);
}

/** Whether a value is a translated text (language tag → `{ text, status }`), as entries store and the audit log records it. */
export function isTranslatedText(v: unknown): v is Record<string, { text: string; status: string }> {
	return (
		!!v &&
		typeof v === 'object' &&
		!Array.isArray(v) &&
		Object.values(v).every((x) => !!x && typeof x === 'object' && typeof (x as { text?: unknown }).text === 'string' && 'status' in x)
	);
}

/**
 * An input flattened to `path → shown value`: texts per language (`description.en`, with the
 * translation status in brackets unless original), places and schedules per index
 * (`locations.0.street`), lists joined by commas; `hsdsExtra` left out.
 */
function flatten(value: unknown, path = '', out: Record<string, string> = {}): Record<string, string> {
	if (value === null || value === undefined) {
		if (path) out[path] = '';
	} else if (isTranslatedText(value)) {
		for (const [lang, v] of Object.entries(value)) out[`${path}.${lang}`] = v.status === 'original' ? v.text : `${v.text} [${v.status}]`;
	} else if (Array.isArray(value)) {
		if (value.every((v) => typeof v !== 'object' || v === null)) out[path] = value.join(', ');
		else value.forEach((v, i) => flatten(v, `${path}.${i}`, out));
	} else if (typeof value === 'object') {
		for (const [k, v] of Object.entries(value)) if (k !== 'hsdsExtra') flatten(v, path ? `${path}.${k}` : k, out);
	} else {
		out[path] = String(value);
	}
	return out;
}

/** Top-level input fields in the order the forms show them (jsonb does not keep key order). */
const FIELD_ORDER = [
	'name', 'alternateNames', 'description', 'actorType', 'organizationId', 'instanceId', 'status', 'visibility', 'themeFields',
	'subtopics', 'dimensionsOverride', 'targetGroups', 'minimumAge', 'maximumAge', 'languages', 'costKind', 'costAmountCents',
	'costNote', 'lowThreshold', 'accessRequirements', 'requiredDocuments', 'eligibility', 'url', 'website', 'email', 'phone',
	'contactName', 'socialSpaceIds', 'locations', 'schedules', 'amenity'
];

function fieldRank(key: string): number {
	const i = FIELD_ORDER.indexOf(key);
	return i < 0 ? FIELD_ORDER.length : i;
}

/** One changed field of a proposal: its path (see `flatten`), current and proposed value. */
export interface DiffRow {
	field: string;
	before: string;
	after: string;
}

/**
 * The proposal's changes field by field against the entry as it is now (or against nothing,
 * for a new entry). Fields the partner did not touch are not listed.
 */
export async function proposalDiff(db: DbOrTx, proposal: ProposalView): Promise<DiffRow[]> {
	const current = proposal.entityId ? await currentInput(db, proposal.entityType, proposal.entityId) : null;
	const keys = Object.keys(proposal.payload).sort((a, b) => fieldRank(a) - fieldRank(b));
	const pick = (o: Record<string, unknown> | null) => (o ? Object.fromEntries(keys.map((k) => [k, o[k]])) : {});
	const before = flatten(pick(current as unknown as Record<string, unknown> | null));
	const after = flatten(pick(proposal.payload as Record<string, unknown>));
	const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
	return fields
		.filter((f) => (before[f] ?? '') !== (after[f] ?? ''))
		.map((f) => ({ field: f, before: before[f] ?? '', after: after[f] ?? '' }));
}

/**
 * The open proposal, decided on by the principal.
 * @throws NotFoundError; AccessDeniedError (see `mayDecide`); ValidationError
 *   `proposal: already_reviewed`.
 */
async function openProposal(db: DbOrTx, principal: Principal, id: string): Promise<ProposalView> {
	const p = await loadProposal(db, id);
	if (!p) throw new NotFoundError(`proposal ${id} not found`);
	if (!(await mayDecide(db, principal, p))) throw new AccessDeniedError();
	if (p.status !== 'open') throw new ValidationError([{ field: 'proposal', code: 'already_reviewed' }]);
	return p;
}

/**
 * Publishes an open proposal: merges it into the current entry (or creates the entry) through
 * `saveService` / `saveOrganization`, audited as the reviewer with the label `proposal:<id>`,
 * and records who proposed it. All in one transaction; then, with `mail`, the proposer is told.
 * @returns the entry's id.
 * @throws NotFoundError (no such proposal, or its entry was deleted); AccessDeniedError unless
 *   the principal may decide it (`mayDecide`); ValidationError `proposal: already_reviewed`, or
 *   the save's field issues (nothing written).
 */
export async function publishProposal(db: Db, principal: Principal, id: string, mail?: DecisionMailTexts): Promise<string> {
	let decided: { proposal: ProposalView; entry: string } | null = null;
	const savedId = await db.transaction(async (tx) => {
		const p = await openProposal(tx, principal, id);
		const current = p.entityId ? await currentInput(tx, p.entityType, p.entityId) : null;
		if (p.entityId && !current) throw new NotFoundError(`${p.entityType} ${p.entityId} not found`);
		const input = { ...(current ?? {}), ...p.payload } as AnyInput;
		const options = { ...(p.entityId ? { id: p.entityId } : {}), via: `proposal:${p.id}` };
		// The save runs in a savepoint of this transaction, so the proposal's status and the entry change together.
		const txDb = tx as unknown as Db;
		const saved =
			p.entityType === 'service'
				? await saveService(txDb, principal, p.municipalityId, input as ServiceInput, options)
				: await saveOrganization(txDb, principal, p.municipalityId, input as OrganizationInput, options);
		await tx
			.update(changeProposal)
			.set({ status: 'published', reviewedBy: isUser(principal) ? principal.userId : null, reviewedAt: new Date(), entityId: saved.id })
			.where(eq(changeProposal.id, p.id));
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId: p.municipalityId,
			action: 'publish',
			entityType: 'change_proposal',
			entityId: p.id,
			changes: { status: ['open', 'published'], proposedBy: [null, p.proposedBy], entity: [null, `${p.entityType} ${saved.id}`] }
		});
		decided = { proposal: p, entry: entryName(input) };
		return saved.id;
	});
	const done = decided as { proposal: ProposalView; entry: string } | null;
	if (mail && done) await mailDecision(db, done.proposal, done.entry, '', mail);
	return savedId;
}

/**
 * Rejects an open proposal with a note for the partner, audited; with `mail`, the proposer is
 * then told, the note included.
 * @throws NotFoundError; AccessDeniedError unless the principal may decide it (`mayDecide`);
 *   ValidationError `proposal: already_reviewed`, `reviewNote: required | too_long`.
 */
export async function rejectProposal(db: Db, principal: Principal, id: string, note: string, mail?: DecisionMailTexts): Promise<void> {
	const text = note.trim();
	if (!text) throw new ValidationError([{ field: 'reviewNote', code: 'required' }]);
	if (text.length > LIMITS.detail) throw new ValidationError([{ field: 'reviewNote', code: 'too_long', params: { max: LIMITS.detail } }]);
	const p = await db.transaction(async (tx) => {
		const p = await openProposal(tx, principal, id);
		await tx
			.update(changeProposal)
			.set({ status: 'rejected', reviewedBy: isUser(principal) ? principal.userId : null, reviewedAt: new Date(), reviewNote: text })
			.where(eq(changeProposal.id, p.id));
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId: p.municipalityId,
			action: 'reject',
			entityType: 'change_proposal',
			entityId: p.id,
			changes: { status: ['open', 'rejected'], proposedBy: [null, p.proposedBy] }
		});
		return p;
	});
	if (mail) {
		const current = p.entityId ? await currentInput(db, p.entityType, p.entityId) : null;
		await mailDecision(db, p, entryName({ ...(current ?? {}), ...p.payload } as Partial<AnyInput>), text, mail);
	}
}
