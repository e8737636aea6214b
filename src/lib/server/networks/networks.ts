/**
 * Networks and bodies with their memberships (issue 14 §1): a network has a kind, a level (local
 * for chosen social spaces, or city-wide/Regierungsbezirk/Land/Bund), parent bodies, the
 * coordinating instance or the municipality, theme fields and a visibility. Members are actors of
 * the directory or persons — accounts, or external contacts recorded with their consent — each
 * with a role and dates.
 *
 * Before a network is made, `findOverlappingNetworks` lists the existing ones sharing a social
 * space and a theme field (seed 000/002: "Integration" belongs into existing networks; the same
 * duplicate-structure warning the coverage matrix gives for offers).
 *
 * Audit: ids, keys and dates; names of external persons and free texts are recorded as `'…'`.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { auditActor, authorize, type Principal } from '../access';
import { networkPeople } from '../accounts/networks-reads';
import { recordAudit } from '../audit/service';
import { berlinDate } from '../casework/time';
import { NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { isEmail, isIsoDate, isStorableText, isUuid } from '../core/validation';
import type { Db, DbOrTx } from '../db/client';
import { networkActors } from '../directory/networks-reads';
import { THEME_FIELDS } from '../directory/model';
import { getSocialSpaces } from '../geography/service';
import { listInstances } from '../instances/service';
import { coordinatedNetwork, coordinationScope, visibleCondition, type NetworkRow } from './access';
import { MEMBERSHIP_ROLES, NETWORK_KINDS, NETWORK_LEVELS, NETWORK_LIMITS, NETWORK_VISIBILITIES } from './model';
import { network, networkMembership, networkParent, networkSpace } from './schema';

/** What a network is made or changed with. */
export interface NetworkInput {
	municipalityId: string;
	name: string;
	shortName?: string;
	description?: string;
	kind: string;
	level: string;
	/** For a temporary working group (required there): the occasion and the end date `YYYY-MM-DD`. */
	occasion?: string;
	endsOn?: string | null;
	/** The coordinating instance; null = the municipality coordinates. */
	coordinatingInstanceId: string | null;
	/** Social spaces of a local network (at least one there; none on the other levels). */
	socialSpaceIds: string[];
	parentIds: string[];
	themeFields: string[];
	visibility: string;
}

function textIssue(field: string, value: string, max: number, required: boolean): FieldIssue | null {
	if (required && !value.trim()) return { field, code: 'required' };
	if (value.length > max) return { field, code: 'too_long', params: { max } };
	if (!isStorableText(value)) return { field, code: 'invalid' };
	return null;
}

/**
 * Checks a network's input against the vocabularies, the municipality's social spaces,
 * instances and networks.
 * @returns the issues (empty: valid). Codes: `required` (also an empty kind or level), `too_long`, `invalid`,
 *   `nw_unknown_kind`, `nw_unknown_level`, `nw_unknown_visibility`, `nw_unknown_theme_field`,
 *   `nw_occasion_required`, `nw_end_required`, `invalid_date`, `nw_space_required`,
 *   `nw_spaces_local_only`, `nw_space_other_municipality`, `nw_unknown_instance`,
 *   `nw_unknown_parent`, `nw_parent_self`.
 */
async function validateNetwork(db: DbOrTx, input: NetworkInput, selfId: string | null): Promise<FieldIssue[]> {
	const issues: FieldIssue[] = [];
	const push = (i: FieldIssue | null) => i && issues.push(i);
	push(textIssue('name', input.name, NETWORK_LIMITS.name, true));
	push(textIssue('shortName', input.shortName ?? '', NETWORK_LIMITS.name, false));
	push(textIssue('description', input.description ?? '', NETWORK_LIMITS.text, false));
	push(textIssue('occasion', input.occasion ?? '', NETWORK_LIMITS.shortText, false));
	if (!input.kind) issues.push({ field: 'kind', code: 'required' });
	else if (!NETWORK_KINDS.some((k) => k.key === input.kind)) issues.push({ field: 'kind', code: 'nw_unknown_kind', params: { value: input.kind } });
	const levelKnown = NETWORK_LEVELS.some((l) => l.key === input.level);
	if (!input.level) issues.push({ field: 'level', code: 'required' });
	else if (!levelKnown) issues.push({ field: 'level', code: 'nw_unknown_level', params: { value: input.level } });
	if (!(NETWORK_VISIBILITIES as readonly string[]).includes(input.visibility)) issues.push({ field: 'visibility', code: 'nw_unknown_visibility' });
	const badField = input.themeFields.find((f) => !THEME_FIELDS.some((t) => t.key === f));
	if (badField) issues.push({ field: 'themeFields', code: 'nw_unknown_theme_field', params: { value: badField } });
	if (input.endsOn && !isIsoDate(input.endsOn)) issues.push({ field: 'endsOn', code: 'invalid_date' });
	if (input.kind === 'temporary_group') {
		if (!(input.occasion ?? '').trim()) issues.push({ field: 'occasion', code: 'nw_occasion_required' });
		if (!input.endsOn) issues.push({ field: 'endsOn', code: 'nw_end_required' });
	}
	const spaceIds = [...new Set(input.socialSpaceIds)];
	if (spaceIds.length > NETWORK_LIMITS.list) issues.push({ field: 'socialSpaceIds', code: 'too_long', params: { max: NETWORK_LIMITS.list } });
	else if (!levelKnown) {
		// Which spaces fit depends on the level: checked once the level is one of the list.
	} else if (input.level === 'local' && !spaceIds.length) issues.push({ field: 'socialSpaceIds', code: 'nw_space_required' });
	else if (input.level !== 'local' && spaceIds.length) issues.push({ field: 'socialSpaceIds', code: 'nw_spaces_local_only' });
	else if (spaceIds.length) {
		const own = (await getSocialSpaces(db, spaceIds.filter(isUuid))).filter((s) => s.municipalityId === input.municipalityId);
		if (own.length !== spaceIds.length) issues.push({ field: 'socialSpaceIds', code: 'nw_space_other_municipality' });
	}
	if (input.coordinatingInstanceId && !(await listInstances(db, input.municipalityId)).some((i) => i.id === input.coordinatingInstanceId)) {
		issues.push({ field: 'coordinatingInstanceId', code: 'nw_unknown_instance' });
	}
	const parentIds = [...new Set(input.parentIds)];
	if (selfId && parentIds.includes(selfId)) issues.push({ field: 'parentIds', code: 'nw_parent_self' });
	else if (parentIds.length) {
		const valid = parentIds.filter(isUuid);
		const found = valid.length
			? await db.select({ id: network.id }).from(network).where(and(inArray(network.id, valid), eq(network.municipalityId, input.municipalityId)))
			: [];
		if (found.length !== parentIds.length) issues.push({ field: 'parentIds', code: 'nw_unknown_parent' });
	}
	return issues;
}

function networkValues(input: NetworkInput) {
	return {
		name: input.name.trim(),
		shortName: (input.shortName ?? '').trim(),
		description: (input.description ?? '').trim(),
		kind: input.kind,
		level: input.level,
		occasion: (input.occasion ?? '').trim(),
		endsOn: input.endsOn || null,
		coordinatingInstanceId: input.coordinatingInstanceId,
		themeFields: [...new Set(input.themeFields)],
		visibility: input.visibility
	};
}

async function writeLinks(tx: DbOrTx, networkId: string, input: NetworkInput): Promise<void> {
	await tx.delete(networkSpace).where(eq(networkSpace.networkId, networkId));
	await tx.delete(networkParent).where(eq(networkParent.networkId, networkId));
	const spaces = [...new Set(input.socialSpaceIds)];
	const parents = [...new Set(input.parentIds)];
	if (spaces.length) await tx.insert(networkSpace).values(spaces.map((socialSpaceId) => ({ networkId, socialSpaceId })));
	if (parents.length) await tx.insert(networkParent).values(parents.map((parentId) => ({ networkId, parentId })));
}

/**
 * Makes a network, coordinated by `coordinatingInstanceId` (staff of that instance or
 * administrators) or by the municipality (administrators).
 * @returns the new network's id.
 * @throws AccessDeniedError without `networks:coordinate` on the coordination scope,
 *   ValidationError (see `validateNetwork`) — nothing is written then.
 */
export async function createNetwork(db: Db, principal: Principal, input: NetworkInput, options: { now?: Date; isDemo?: boolean } = {}): Promise<{ id: string }> {
	if (!isUuid(input.municipalityId)) throw new NotFoundError(`municipality ${input.municipalityId}`);
	authorize(principal, 'networks:coordinate', { municipalityId: input.municipalityId, instanceId: input.coordinatingInstanceId });
	const issues = await validateNetwork(db, input, null);
	if (issues.length) throw new ValidationError(issues);
	const now = options.now ?? new Date();
	return db.transaction(async (tx) => {
		const values = networkValues(input);
		const [row] = await tx
			.insert(network)
			.values({ municipalityId: input.municipalityId, ...values, isDemo: options.isDemo ?? false, createdAt: now, updatedAt: now })
			.returning({ id: network.id });
		await writeLinks(tx, row.id, input);
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId: input.municipalityId,
			action: 'create',
			entityType: 'network',
			entityId: row.id,
			changes: { kind: [null, values.kind], level: [null, values.level], visibility: [null, values.visibility], coordinatingInstanceId: [null, values.coordinatingInstanceId], name: [null, '…'] }
		});
		return row;
	});
}

/**
 * Changes a network; moving its coordination needs the right on the old and the new scope.
 * @throws NotFoundError, AccessDeniedError, ValidationError (see `validateNetwork`).
 */
export async function updateNetwork(db: Db, principal: Principal, id: string, input: NetworkInput, now: Date = new Date()): Promise<void> {
	const row = await coordinatedNetwork(db, principal, id, berlinDate(now));
	const changed = { ...input, municipalityId: row.municipalityId };
	authorize(principal, 'networks:coordinate', coordinationScope({ municipalityId: row.municipalityId, coordinatingInstanceId: input.coordinatingInstanceId }));
	const issues = await validateNetwork(db, changed, row.id);
	if (issues.length) throw new ValidationError(issues);
	await db.transaction(async (tx) => {
		const values = networkValues(changed);
		await tx.update(network).set({ ...values, updatedAt: now }).where(eq(network.id, row.id));
		await writeLinks(tx, row.id, changed);
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId: row.municipalityId,
			action: 'update',
			entityType: 'network',
			entityId: row.id,
			changes: { kind: [row.kind, values.kind], level: [row.level, values.level], visibility: [row.visibility, values.visibility], coordinatingInstanceId: [row.coordinatingInstanceId, values.coordinatingInstanceId] }
		});
	});
}

/** A network as lists show it. */
export interface NetworkSummary {
	id: string;
	name: string;
	kind: string;
	level: string;
	visibility: string;
	themeFields: string[];
	socialSpaceIds: string[];
	coordinatingInstanceId: string | null;
	endsOn: string | null;
	dissolvedOn: string | null;
	isDemo: boolean;
}

const summaryColumns = {
	id: network.id,
	name: network.name,
	kind: network.kind,
	level: network.level,
	visibility: network.visibility,
	themeFields: network.themeFields,
	coordinatingInstanceId: network.coordinatingInstanceId,
	endsOn: network.endsOn,
	dissolvedOn: network.dissolvedOn,
	isDemo: network.isDemo
};

/** The social spaces of a network (ids); callers have checked that the network is visible. */
export async function networkSpaceIds(db: DbOrTx, networkId: string): Promise<string[]> {
	return (await db.select({ id: networkSpace.socialSpaceId }).from(networkSpace).where(eq(networkSpace.networkId, networkId))).map((r) => r.id);
}

async function withSpaces(db: DbOrTx, rows: Omit<NetworkSummary, 'socialSpaceIds'>[]): Promise<NetworkSummary[]> {
	const links = rows.length ? await db.select().from(networkSpace).where(inArray(networkSpace.networkId, rows.map((r) => r.id))) : [];
	return rows.map((r) => ({ ...r, socialSpaceIds: links.filter((l) => l.networkId === r.id).map((l) => l.socialSpaceId) }));
}

/** The networks of a municipality the principal may see, by name. */
export async function listNetworks(db: DbOrTx, principal: Principal | null, municipalityId: string, now: Date = new Date()): Promise<NetworkSummary[]> {
	if (!isUuid(municipalityId)) return [];
	const rows = await db
		.select(summaryColumns)
		.from(network)
		.where(and(eq(network.municipalityId, municipalityId), visibleCondition(principal, municipalityId, berlinDate(now))))
		.orderBy(asc(network.name), asc(network.id));
	return withSpaces(db, rows);
}

/**
 * Existing networks of the municipality the principal may see that overlap a planned one: local
 * networks sharing a social space and (when fields are given) a theme field; on the other levels,
 * networks of the same level sharing a theme field. Dissolved networks are left out.
 */
export async function findOverlappingNetworks(
	db: DbOrTx,
	principal: Principal,
	planned: { municipalityId: string; level: string; socialSpaceIds: string[]; themeFields: string[]; exceptId?: string },
	now: Date = new Date()
): Promise<(NetworkSummary & { sharedSpaceIds: string[]; sharedFields: string[] })[]> {
	const spaces = new Set(planned.socialSpaceIds);
	const fields = new Set(planned.themeFields);
	const all = await listNetworks(db, principal, planned.municipalityId, now);
	return all
		.filter((n) => n.id !== planned.exceptId && !n.dissolvedOn)
		.map((n) => ({ ...n, sharedSpaceIds: n.socialSpaceIds.filter((s) => spaces.has(s)), sharedFields: n.themeFields.filter((f) => fields.has(f)) }))
		.filter((n) => {
			const fieldOverlap = !fields.size || !n.themeFields.length || n.sharedFields.length > 0;
			if (planned.level === 'local') return n.level === 'local' && n.sharedSpaceIds.length > 0 && fieldOverlap;
			return n.level === planned.level && fields.size > 0 && n.sharedFields.length > 0;
		});
}

/** What a membership is made with: exactly one of an actor, an account or an external person. */
export interface MembershipInput {
	organizationId?: string | null;
	userId?: string | null;
	person?: { name: string; email: string; consentOn: string } | null;
	/** For persons: the day they consented to being recorded (accounts; external persons give it in `person`). */
	consentOn?: string | null;
	/** For persons: consent to appear by name in public minutes and the OParl API. */
	publicationConsent?: boolean;
	role: string;
	startsOn: string;
	endsOn?: string | null;
}

/**
 * Adds a member to a network the principal coordinates. An actor must be of the network's
 * municipality; an account too; an external person is recorded only with the day of their
 * consent.
 * @returns the membership's id.
 * @throws NotFoundError, AccessDeniedError, ValidationError: `member` `required` (none or more
 *   than one kind given); `organizationId` `nw_unknown_actor` | `nw_actor_other_municipality`;
 *   `userId` `nw_unknown_person` | `nw_person_other_municipality`; `personName` `required` |
 *   `too_long`; `personEmail` `invalid_email`; `consentOn` `nw_consent_required` |
 *   `invalid_date`; `role` `nw_unknown_role`; `startsOn` `required` | `invalid_date`;
 *   `endsOn` `invalid_date` | `nw_end_before_start`.
 */
export async function addMembership(db: Db, principal: Principal, networkId: string, input: MembershipInput, now: Date = new Date()): Promise<{ id: string }> {
	const row = await coordinatedNetwork(db, principal, networkId, berlinDate(now));
	const issues = await validateMembership(db, row, input);
	if (issues.length) throw new ValidationError(issues);
	return db.transaction(async (tx) => {
		const [m] = await tx
			.insert(networkMembership)
			.values({
				networkId: row.id,
				organizationId: input.organizationId || null,
				userId: input.userId || null,
				personName: input.person ? input.person.name.trim() : null,
				personEmail: input.person ? input.person.email.trim().toLowerCase() || null : null,
				consentOn: input.person ? input.person.consentOn : input.consentOn || null,
				publicationConsent: !input.organizationId && !!input.publicationConsent,
				role: input.role,
				startsOn: input.startsOn,
				endsOn: input.endsOn || null,
				createdAt: now,
				updatedAt: now
			})
			.returning({ id: networkMembership.id });
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId: row.municipalityId,
			action: 'create',
			entityType: 'network_membership',
			entityId: m.id,
			changes: {
				networkId: [null, row.id],
				organizationId: [null, input.organizationId || null],
				userId: [null, input.userId || null],
				...(input.person ? { person: [null, '…'] } : {}),
				role: [null, input.role],
				startsOn: [null, input.startsOn]
			}
		});
		return m;
	});
}

async function validateMembership(db: DbOrTx, row: NetworkRow, input: MembershipInput): Promise<FieldIssue[]> {
	const issues: FieldIssue[] = [];
	const kinds = [!!input.organizationId, !!input.userId, !!input.person].filter(Boolean).length;
	if (kinds !== 1) issues.push({ field: 'member', code: 'required' });
	if (input.organizationId) {
		const [actor] = await networkActors(db, { ids: [input.organizationId] });
		if (!actor) issues.push({ field: 'organizationId', code: 'nw_unknown_actor' });
		else if (actor.municipalityId !== row.municipalityId) issues.push({ field: 'organizationId', code: 'nw_actor_other_municipality' });
	}
	if (input.userId) {
		const [person] = await networkPeople(db, { ids: [input.userId] });
		if (!person) issues.push({ field: 'userId', code: 'nw_unknown_person' });
		else if (person.municipalityId !== row.municipalityId) issues.push({ field: 'userId', code: 'nw_person_other_municipality' });
		if (input.consentOn && !isIsoDate(input.consentOn)) issues.push({ field: 'consentOn', code: 'invalid_date' });
	}
	if (input.person) {
		const name = textIssue('personName', input.person.name, NETWORK_LIMITS.personName, true);
		if (name) issues.push(name);
		const email = input.person.email.trim();
		if (email && (email.length > NETWORK_LIMITS.email || !isEmail(email))) issues.push({ field: 'personEmail', code: 'invalid_email' });
		if (!input.person.consentOn) issues.push({ field: 'consentOn', code: 'nw_consent_required' });
		else if (!isIsoDate(input.person.consentOn)) issues.push({ field: 'consentOn', code: 'invalid_date' });
	}
	if (!(MEMBERSHIP_ROLES as readonly string[]).includes(input.role)) issues.push({ field: 'role', code: 'nw_unknown_role' });
	if (!input.startsOn) issues.push({ field: 'startsOn', code: 'required' });
	else if (!isIsoDate(input.startsOn)) issues.push({ field: 'startsOn', code: 'invalid_date' });
	if (input.endsOn) {
		if (!isIsoDate(input.endsOn)) issues.push({ field: 'endsOn', code: 'invalid_date' });
		else if (isIsoDate(input.startsOn) && input.endsOn < input.startsOn) issues.push({ field: 'endsOn', code: 'nw_end_before_start' });
	}
	return issues;
}

/**
 * Ends a membership on `endsOn` (it stays in the history, OParl `endDate`).
 * @throws NotFoundError (unknown membership), AccessDeniedError, ValidationError `endsOn`
 *   `invalid_date` | `nw_end_before_start`.
 */
export async function endMembership(db: Db, principal: Principal, membershipId: string, endsOn: string, now: Date = new Date()): Promise<void> {
	const [m] = isUuid(membershipId) ? await db.select().from(networkMembership).where(eq(networkMembership.id, membershipId)) : [];
	if (!m) throw new NotFoundError(`membership ${membershipId}`);
	const row = await coordinatedNetwork(db, principal, m.networkId, berlinDate(now));
	if (!isIsoDate(endsOn)) throw new ValidationError([{ field: 'endsOn', code: 'invalid_date' }]);
	if (endsOn < m.startsOn) throw new ValidationError([{ field: 'endsOn', code: 'nw_end_before_start' }]);
	await db.transaction(async (tx) => {
		await tx.update(networkMembership).set({ endsOn, updatedAt: now }).where(eq(networkMembership.id, m.id));
		await recordAudit(tx, { ...auditActor(principal), municipalityId: row.municipalityId, action: 'update', entityType: 'network_membership', entityId: m.id, changes: { endsOn: [m.endsOn, endsOn] } });
	});
}

/** One membership as pages show it: the member's name, kind and what it may be used for. */
export interface MembershipView {
	id: string;
	kind: 'actor' | 'account' | 'person';
	organizationId: string | null;
	userId: string | null;
	name: string;
	actorType: string | null;
	role: string;
	startsOn: string;
	endsOn: string | null;
	active: boolean;
	/** A person whose consent to being recorded is on file (attendance of persons needs it). */
	consented: boolean;
	publicationConsent: boolean;
	/** Where invitations and digests go: the account's, the person's or the actor's address. */
	email: string;
}

/** The memberships of networks (all, ended ones too), members' names resolved, by role and name. */
export async function membershipsOf(db: DbOrTx, networkIds: readonly string[], today: string): Promise<(MembershipView & { networkId: string })[]> {
	const ids = networkIds.filter(isUuid);
	if (!ids.length) return [];
	const rows = await db.select().from(networkMembership).where(inArray(networkMembership.networkId, ids));
	const [actors, people] = await Promise.all([
		networkActors(db, { ids: rows.map((r) => r.organizationId).filter((x): x is string => !!x) }),
		networkPeople(db, { ids: rows.map((r) => r.userId).filter((x): x is string => !!x) })
	]);
	const order = (role: string) => (MEMBERSHIP_ROLES as readonly string[]).indexOf(role);
	return rows
		.map((r) => {
			const actor = r.organizationId ? actors.find((a) => a.id === r.organizationId) : undefined;
			const person = r.userId ? people.find((p) => p.id === r.userId) : undefined;
			return {
				id: r.id,
				networkId: r.networkId,
				kind: (r.organizationId ? 'actor' : r.userId ? 'account' : 'person') as MembershipView['kind'],
				organizationId: r.organizationId,
				userId: r.userId,
				name: actor?.name ?? person?.displayName ?? r.personName ?? '',
				actorType: actor?.actorType ?? null,
				role: r.role,
				startsOn: r.startsOn,
				endsOn: r.endsOn,
				active: r.startsOn <= today && (!r.endsOn || r.endsOn >= today),
				consented: !r.organizationId && !!r.consentOn,
				publicationConsent: r.publicationConsent,
				email: person?.email ?? r.personEmail ?? actor?.email ?? ''
			};
		})
		.sort((a, b) => order(a.role) - order(b.role) || a.name.localeCompare(b.name, 'de'));
}

/** The parent bodies of a network (ids). */
export async function parentIdsOf(db: DbOrTx, networkId: string): Promise<string[]> {
	return (await db.select({ id: networkParent.parentId }).from(networkParent).where(eq(networkParent.networkId, networkId))).map((r) => r.id);
}
