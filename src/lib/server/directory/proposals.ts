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
 */
import { and, desc, eq, inArray } from 'drizzle-orm';
import { recordAudit } from '../audit/service';
import { userAccount } from '../accounts/schema';
import type { Db, DbOrTx } from '../db/client';
import { NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { hasSocialSpaceBoundaries, locateSocialSpace } from '../geography/service';
import { socialSpace } from '../geography/schema';
import { changeProposal, organization } from './schema';
import {
	getOrganization,
	getService,
	organizationToInput,
	saveOrganization,
	saveService,
	serviceToInput,
	validateOrganizationInput,
	validateServiceInput,
	type OrganizationInput,
	type ServiceInput
} from './service';

/** What a proposal is about: an offer (HSDS service) or an actor (HSDS organization). */
export type EntryKind = 'service' | 'organization';

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

async function currentInput(db: DbOrTx, kind: EntryKind, id: string): Promise<AnyInput | null> {
	if (kind === 'service') {
		const s = await getService(db, id, [...ALL_LEVELS]);
		return s ? serviceToInput(s) : null;
	}
	const o = await getOrganization(db, id, [...ALL_LEVELS]);
	return o ? organizationToInput(o) : null;
}

/** The municipality an entry belongs to, or null when it does not exist. */
async function entryMunicipality(db: DbOrTx, kind: EntryKind, id: string): Promise<string | null> {
	if (kind === 'service') return (await getService(db, id, [...ALL_LEVELS]))?.municipalityId ?? null;
	return (await getOrganization(db, id, [...ALL_LEVELS]))?.municipalityId ?? null;
}

/**
 * The checks `saveService` / `saveOrganization` would make, without writing: field issues
 * including `outside_municipality` and (offers) `organizationId: not_found`.
 */
async function checkInput(db: DbOrTx, municipalityId: string, kind: EntryKind, input: AnyInput): Promise<FieldIssue[]> {
	let issues: FieldIssue[];
	if (kind === 'service') {
		const s = input as ServiceInput;
		issues = validateServiceInput(s);
		const [org] = /^[0-9a-f-]{36}$/i.test(s.organizationId)
			? await db.select({ m: organization.municipalityId }).from(organization).where(eq(organization.id, s.organizationId))
			: [];
		if (!org || org.m !== municipalityId) issues.push({ field: 'organizationId', code: 'not_found' });
	} else {
		const spaces = await db.select({ id: socialSpace.id }).from(socialSpace).where(eq(socialSpace.municipalityId, municipalityId));
		issues = validateOrganizationInput(input as OrganizationInput, spaces.map((r) => r.id));
	}
	if (!issues.some((i) => i.field.startsWith('locations.')) && (await hasSocialSpaceBoundaries(db, municipalityId))) {
		for (const [i, loc] of input.locations.entries()) {
			if (loc.latitude === null || loc.longitude === null) continue;
			if (!(await locateSocialSpace(db, municipalityId, [loc.longitude, loc.latitude]))) {
				issues.push({ field: `locations.${i}.coordinates`, code: 'outside_municipality' });
			}
		}
	}
	return issues;
}

function sameJson(a: unknown, b: unknown): boolean {
	return JSON.stringify(flatten(a)) === JSON.stringify(flatten(b));
}

/**
 * Records a proposal: a new entry (`entityId` null) or a change of an existing one.
 * @param proposerId the partner's user id.
 * @returns the proposal's id.
 * @throws ValidationError with the same field issues a direct save would give, or
 *   `proposal: no_changes` when the input equals the current entry.
 * @throws NotFoundError when the entry does not exist in the municipality.
 */
export async function propose(
	db: Db,
	municipalityId: string,
	kind: EntryKind,
	entityId: string | null,
	input: AnyInput,
	proposerId: string
): Promise<string> {
	return db.transaction(async (tx) => {
		let payload: Partial<AnyInput> = input;
		if (entityId) {
			const current = await currentInput(tx, kind, entityId);
			if (!current || (await entryMunicipality(tx, kind, entityId)) !== municipalityId) {
				throw new NotFoundError(`${kind} ${entityId} not found`);
			}
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
			.values({ municipalityId, entityType: kind, entityId, payload: payload as Record<string, unknown>, proposedBy: proposerId })
			.returning({ id: changeProposal.id });
		await recordAudit(tx, {
			actorUserId: proposerId,
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
	const wanted = [...new Set(ids.filter((i): i is string => !!i))];
	if (!wanted.length) return new Map();
	const rows = await db.select({ id: userAccount.id, name: userAccount.displayName }).from(userAccount).where(inArray(userAccount.id, wanted));
	return new Map(rows.map((r) => [r.id, r.name]));
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

/**
 * Proposals of a municipality, newest first: those with `status` (default `open`), optionally
 * only one person's (a partner sees their own).
 */
export async function listProposals(
	db: DbOrTx,
	municipalityId: string,
	filter: { status?: ProposalView['status']; proposedBy?: string } = {}
): Promise<ProposalView[]> {
	const rows = await db
		.select()
		.from(changeProposal)
		.where(
			and(
				eq(changeProposal.municipalityId, municipalityId),
				eq(changeProposal.status, filter.status ?? 'open'),
				filter.proposedBy ? eq(changeProposal.proposedBy, filter.proposedBy) : undefined
			)
		)
		.orderBy(desc(changeProposal.createdAt));
	const who = await names(db, rows.flatMap((r) => [r.proposedBy, r.reviewedBy]));
	return rows.map((r) => toView(r, who));
}

/** One proposal, or null when there is none with this id. */
export async function getProposal(db: DbOrTx, id: string): Promise<ProposalView | null> {
	if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
	const [row] = await db.select().from(changeProposal).where(eq(changeProposal.id, id));
	if (!row) return null;
	return toView(row, await names(db, [row.proposedBy, row.reviewedBy]));
}

function isTranslatedText(v: unknown): v is Record<string, { text: string; status: string }> {
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
export function flatten(value: unknown, path = '', out: Record<string, string> = {}): Record<string, string> {
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

async function openProposal(db: DbOrTx, id: string): Promise<ProposalView> {
	const p = await getProposal(db, id);
	if (!p) throw new NotFoundError(`proposal ${id} not found`);
	if (p.status !== 'open') throw new ValidationError([{ field: 'proposal', code: 'already_reviewed' }]);
	return p;
}

/**
 * Publishes an open proposal: merges it into the current entry (or creates the entry) through
 * `saveService` / `saveOrganization`, audited as the reviewer with the label `proposal:<id>`,
 * and records who proposed it. All in one transaction.
 * @returns the entry's id.
 * @throws NotFoundError (no such proposal, or its entry was deleted); ValidationError
 *   `proposal: already_reviewed`, or the save's field issues (nothing written).
 */
export async function publishProposal(db: Db, id: string, reviewerId: string): Promise<string> {
	return db.transaction(async (tx) => {
		const p = await openProposal(tx, id);
		const current = p.entityId ? await currentInput(tx, p.entityType, p.entityId) : null;
		if (p.entityId && !current) throw new NotFoundError(`${p.entityType} ${p.entityId} not found`);
		const input = { ...(current ?? {}), ...p.payload } as AnyInput;
		const actor = { userId: reviewerId, label: `proposal:${p.id}` };
		const options = p.entityId ? { id: p.entityId } : {};
		// The save runs in a savepoint of this transaction, so the proposal's status and the entry change together.
		const txDb = tx as unknown as Db;
		const saved =
			p.entityType === 'service'
				? await saveService(txDb, p.municipalityId, input as ServiceInput, actor, options)
				: await saveOrganization(txDb, p.municipalityId, input as OrganizationInput, actor, options);
		await tx
			.update(changeProposal)
			.set({ status: 'published', reviewedBy: reviewerId, reviewedAt: new Date(), entityId: saved.id })
			.where(eq(changeProposal.id, p.id));
		await recordAudit(tx, {
			actorUserId: reviewerId,
			municipalityId: p.municipalityId,
			action: 'publish',
			entityType: 'change_proposal',
			entityId: p.id,
			changes: { status: ['open', 'published'], proposedBy: [null, p.proposedBy], entity: [null, `${p.entityType} ${saved.id}`] }
		});
		return saved.id;
	});
}

/**
 * Rejects an open proposal with a note for the partner, audited.
 * @throws NotFoundError; ValidationError `proposal: already_reviewed`, `reviewNote: required`.
 */
export async function rejectProposal(db: Db, id: string, reviewerId: string, note: string): Promise<void> {
	if (!note.trim()) throw new ValidationError([{ field: 'reviewNote', code: 'required' }]);
	await db.transaction(async (tx) => {
		const p = await openProposal(tx, id);
		await tx
			.update(changeProposal)
			.set({ status: 'rejected', reviewedBy: reviewerId, reviewedAt: new Date(), reviewNote: note.trim() })
			.where(eq(changeProposal.id, p.id));
		await recordAudit(tx, {
			actorUserId: reviewerId,
			municipalityId: p.municipalityId,
			action: 'reject',
			entityType: 'change_proposal',
			entityId: p.id,
			changes: { status: ['open', 'rejected'], proposedBy: [null, p.proposedBy] }
		});
	});
}
