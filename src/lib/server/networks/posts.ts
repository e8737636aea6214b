/**
 * Information flows (issue 14 §5): posts go down (city → instances, networks, volunteers), up
 * (district → city) and sideways (between instances), addressed by network, social space, role
 * and language. Readers subscribe to a newsletter digest at their own interval with a one-click
 * unsubscribe link (RFC 8058); public posts also form the archive and the Atom feed. Seed 003
 * recommends newsletters and city-wide initiative meetings; seed 000 warns that otherwise "der
 * Zufall entscheide über Informationsfluss und Zugänge".
 *
 * A reader's audience attributes: networks — those with an active personal membership; social
 * spaces — those of the instances an account works for and of the local networks they belong
 * to; role — the account's role, `external` for a network's external contact; language — the
 * digest's.
 */
import { randomBytes } from 'node:crypto';
import { and, desc, eq, gt, inArray, isNull, or, gte } from 'drizzle-orm';
import { actingUserId, auditActor, authorize, can, isUser, type Principal } from '../access';
import { networkPeople } from '../accounts/networks-reads';
import { recordAudit } from '../audit/service';
import { berlinDate } from '../casework/time';
import { NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { isStorableText, isUuid } from '../core/validation';
import type { Db, DbOrTx } from '../db/client';
import { getSocialSpaces } from '../geography/service';
import { servedSpacesByInstance } from '../instances/networks-reads';
import { DIGEST_INTERVALS, DIGEST_LANGUAGES, NETWORK_LIMITS, POST_AUDIENCE_ROLES, POST_DIRECTIONS, postReaches } from './model';
import { digestSubscription, network, networkMembership, networkPost, networkSpace } from './schema';

export type PostRow = typeof networkPost.$inferSelect;

/** What a post is written with. Empty audience lists mean everyone of that dimension. */
export interface PostInput {
	municipalityId: string;
	direction: string;
	title: string;
	body: string;
	language: string;
	isPublic: boolean;
	networkIds: string[];
	socialSpaceIds: string[];
	roles: string[];
	languages: string[];
	/** The instance the post speaks for (one the author works for), if any. */
	fromInstanceId?: string | null;
}

/**
 * Publishes a post.
 * @returns the post's id.
 * @throws AccessDeniedError without `networks:post`, ValidationError: `title` / `body`
 *   `required` | `too_long` | `invalid`; `direction` `nw_unknown_direction`; `language`,
 *   `languages` `nw_unknown_language`; `roles` `nw_unknown_role`; `networkIds`
 *   `nw_unknown_network`; `socialSpaceIds` `nw_space_other_municipality`; `fromInstanceId`
 *   `nw_unknown_instance`.
 */
export async function createPost(db: Db, principal: Principal, input: PostInput, options: { now?: Date; isDemo?: boolean } = {}): Promise<{ id: string }> {
	authorize(principal, 'networks:post', { municipalityId: input.municipalityId });
	const now = options.now ?? new Date();
	const issues: FieldIssue[] = [];
	for (const [field, value, max] of [['title', input.title, NETWORK_LIMITS.shortText], ['body', input.body, NETWORK_LIMITS.text]] as const) {
		if (!value.trim()) issues.push({ field, code: 'required' });
		else if (value.length > max) issues.push({ field, code: 'too_long', params: { max } });
		else if (!isStorableText(value)) issues.push({ field, code: 'invalid' });
	}
	if (!(POST_DIRECTIONS as readonly string[]).includes(input.direction)) issues.push({ field: 'direction', code: 'nw_unknown_direction' });
	if (!(DIGEST_LANGUAGES as readonly string[]).includes(input.language)) issues.push({ field: 'language', code: 'nw_unknown_language' });
	if (input.languages.some((l) => !(DIGEST_LANGUAGES as readonly string[]).includes(l))) issues.push({ field: 'languages', code: 'nw_unknown_language' });
	if (input.roles.some((r) => !(POST_AUDIENCE_ROLES as readonly string[]).includes(r))) issues.push({ field: 'roles', code: 'nw_unknown_role' });
	const networkIds = [...new Set(input.networkIds)];
	const spaceIds = [...new Set(input.socialSpaceIds)];
	if (networkIds.length > NETWORK_LIMITS.list || spaceIds.length > NETWORK_LIMITS.list) issues.push({ field: 'networkIds', code: 'too_long', params: { max: NETWORK_LIMITS.list } });
	else {
		if (networkIds.length) {
			const valid = networkIds.filter(isUuid);
			const found = valid.length ? await db.select({ id: network.id }).from(network).where(and(inArray(network.id, valid), eq(network.municipalityId, input.municipalityId))) : [];
			if (found.length !== networkIds.length) issues.push({ field: 'networkIds', code: 'nw_unknown_network' });
		}
		if (spaceIds.length && (await getSocialSpaces(db, spaceIds.filter(isUuid))).filter((s) => s.municipalityId === input.municipalityId).length !== spaceIds.length) {
			issues.push({ field: 'socialSpaceIds', code: 'nw_space_other_municipality' });
		}
	}
	if (input.fromInstanceId && !(isUser(principal) && principal.instanceIds.includes(input.fromInstanceId))) issues.push({ field: 'fromInstanceId', code: 'nw_unknown_instance' });
	if (issues.length) throw new ValidationError(issues);
	return db.transaction(async (tx) => {
		const [row] = await tx
			.insert(networkPost)
			.values({
				municipalityId: input.municipalityId,
				authorUserId: actingUserId(principal),
				fromInstanceId: input.fromInstanceId || null,
				direction: input.direction,
				title: input.title.trim(),
				body: input.body.trim(),
				language: input.language,
				isPublic: input.isPublic,
				networkIds,
				socialSpaceIds: spaceIds,
				roles: [...new Set(input.roles)],
				languages: [...new Set(input.languages)],
				publishedAt: now,
				isDemo: options.isDemo ?? false,
				createdAt: now,
				updatedAt: now
			})
			.returning({ id: networkPost.id });
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId: input.municipalityId,
			action: 'create',
			entityType: 'network_post',
			entityId: row.id,
			changes: { direction: [null, input.direction], isPublic: [null, input.isPublic], networkIds: [null, networkIds], title: [null, '…'] }
		});
		return row;
	});
}

/** The public posts of a municipality, newest first (archive page and Atom feed), at most `limit`. */
export function publicPosts(db: DbOrTx, municipalityId: string, limit = 50): Promise<PostRow[]> {
	if (!isUuid(municipalityId)) return Promise.resolve([]);
	return db
		.select()
		.from(networkPost)
		.where(and(eq(networkPost.municipalityId, municipalityId), eq(networkPost.isPublic, true)))
		.orderBy(desc(networkPost.publishedAt), desc(networkPost.id))
		.limit(limit);
}

/** A reader's audience attributes (see the module docstring). */
export interface Reader {
	networkIds: Set<string>;
	socialSpaceIds: Set<string>;
	role: string;
	language: string;
}

/**
 * The readers' attributes of one municipality, for accounts (by user id) and external member
 * contacts (by membership id), computed in bulk: one query each for people, memberships,
 * network spaces and instance spaces.
 */
async function readersOf(db: DbOrTx, municipalityId: string, today: string) {
	const [people, memberships, spaces, instanceSpaces] = await Promise.all([
		networkPeople(db, { municipalityId }),
		db
			.select({ id: networkMembership.id, networkId: networkMembership.networkId, userId: networkMembership.userId, personEmail: networkMembership.personEmail })
			.from(networkMembership)
			.innerJoin(network, eq(network.id, networkMembership.networkId))
			.where(and(eq(network.municipalityId, municipalityId), or(isNull(networkMembership.endsOn), gte(networkMembership.endsOn, today)))),
		db.select({ networkId: networkSpace.networkId, socialSpaceId: networkSpace.socialSpaceId }).from(networkSpace).innerJoin(network, eq(network.id, networkSpace.networkId)).where(eq(network.municipalityId, municipalityId)),
		servedSpacesByInstance(db, municipalityId)
	]);
	const spacesOfNetwork = new Map<string, string[]>();
	for (const s of spaces) (spacesOfNetwork.get(s.networkId) ?? spacesOfNetwork.set(s.networkId, []).get(s.networkId)!).push(s.socialSpaceId);
	const networksOfUser = new Map<string, string[]>();
	for (const m of memberships) if (m.userId) (networksOfUser.get(m.userId) ?? networksOfUser.set(m.userId, []).get(m.userId)!).push(m.networkId);
	const reader = (networkIds: string[], instanceIds: string[], role: string, language: string): Reader => ({
		networkIds: new Set(networkIds),
		socialSpaceIds: new Set([...networkIds.flatMap((n) => spacesOfNetwork.get(n) ?? []), ...instanceIds.flatMap((i) => instanceSpaces.get(i) ?? [])]),
		role,
		language
	});
	const personById = new Map(people.map((p) => [p.id, p]));
	const membershipById = new Map(memberships.map((m) => [m.id, m]));
	return {
		account: (userId: string, language: string) => {
			const p = personById.get(userId);
			return p ? { email: p.email, reader: reader(networksOfUser.get(userId) ?? [], p.instanceIds, p.role, language) } : null;
		},
		external: (membershipId: string, language: string) => {
			const m = membershipById.get(membershipId);
			return m?.personEmail ? { email: m.personEmail, reader: reader([m.networkId], [], 'external', language) } : null;
		}
	};
}

/** How many of the latest posts the archive of a signed-in person looks through. */
const ARCHIVE_WINDOW = 500;

/**
 * The posts a signed-in person's archive shows, newest first, at most `limit`, among the latest
 * `ARCHIVE_WINDOW`: for administrators every post (they steer the flows); for others the public
 * ones, their own, and those that reach them (as their digest in `language` would).
 * @throws AccessDeniedError without `networks:take_part`.
 */
export async function postsFor(db: DbOrTx, principal: Principal, municipalityId: string, language: string, now: Date = new Date(), limit = 100): Promise<PostRow[]> {
	authorize(principal, 'networks:take_part', { municipalityId });
	const rows = await db.select().from(networkPost).where(eq(networkPost.municipalityId, municipalityId)).orderBy(desc(networkPost.publishedAt), desc(networkPost.id)).limit(ARCHIVE_WINDOW);
	if (!isUser(principal) || can(principal, 'networks:coordinate', { municipalityId, instanceId: null })) return rows.slice(0, limit);
	const readers = await readersOf(db, municipalityId, berlinDate(now));
	const me = readers.account(principal.userId, language)?.reader;
	return rows.filter((p) => p.isPublic || p.authorUserId === principal.userId || (me && postReaches(p, me))).slice(0, limit);
}

/** A reader's digest subscription as their settings page shows it. */
export interface SubscriptionView {
	intervalDays: number;
	language: string;
	lastSentAt: Date | null;
}

/** The signed-in person's subscription, or null. */
export async function mySubscription(db: DbOrTx, principal: Principal): Promise<SubscriptionView | null> {
	if (!isUser(principal)) return null;
	const [row] = await db.select().from(digestSubscription).where(eq(digestSubscription.userId, principal.userId));
	return row ? { intervalDays: row.intervalDays, language: row.language, lastSentAt: row.lastSentAt } : null;
}

function checkSubscription(intervalDays: number, language: string): void {
	const issues: FieldIssue[] = [];
	if (!(DIGEST_INTERVALS as readonly number[]).includes(intervalDays)) issues.push({ field: 'intervalDays', code: 'nw_unknown_interval' });
	if (!(DIGEST_LANGUAGES as readonly string[]).includes(language)) issues.push({ field: 'language', code: 'nw_unknown_language' });
	if (issues.length) throw new ValidationError(issues);
}

/** A new unsubscribe token: 128 random bits, URL-safe. */
function newToken(): string {
	return randomBytes(16).toString('base64url');
}

/**
 * The signed-in person subscribes to the digest (or changes interval and language).
 * @throws AccessDeniedError without `networks:take_part`, ValidationError `intervalDays`
 *   `nw_unknown_interval`, `language` `nw_unknown_language`.
 */
export async function subscribe(db: Db, principal: Principal, input: { intervalDays: number; language: string }, now: Date = new Date()): Promise<void> {
	if (!isUser(principal)) throw new NotFoundError('account');
	authorize(principal, 'networks:take_part', { municipalityId: principal.municipalityId });
	checkSubscription(input.intervalDays, input.language);
	await db.transaction(async (tx) => {
		await tx
			.insert(digestSubscription)
			.values({ municipalityId: principal.municipalityId, userId: principal.userId, intervalDays: input.intervalDays, language: input.language, unsubscribeToken: newToken(), createdAt: now })
			.onConflictDoUpdate({ target: digestSubscription.userId, set: { intervalDays: input.intervalDays, language: input.language } });
		await recordAudit(tx, { ...auditActor(principal), municipalityId: principal.municipalityId, action: 'subscribe', entityType: 'digest_subscription', entityId: principal.userId, changes: { intervalDays: [null, input.intervalDays], language: [null, input.language] } });
	});
}

/**
 * Subscribes an external member contact (with an email) of a network the principal coordinates
 * — they consented to being recorded; the digest carries the one-click unsubscribe.
 * @throws NotFoundError (unknown membership or one without email), AccessDeniedError,
 *   ValidationError as `subscribe`.
 */
export async function subscribeExternal(db: Db, principal: Principal, membershipId: string, input: { intervalDays: number; language: string }, now: Date = new Date()): Promise<void> {
	const [m] = isUuid(membershipId)
		? await db.select({ id: networkMembership.id, email: networkMembership.personEmail, municipalityId: network.municipalityId, coordinatingInstanceId: network.coordinatingInstanceId }).from(networkMembership).innerJoin(network, eq(network.id, networkMembership.networkId)).where(eq(networkMembership.id, membershipId))
		: [];
	if (!m?.email) throw new NotFoundError(`membership ${membershipId}`);
	authorize(principal, 'networks:coordinate', { municipalityId: m.municipalityId, instanceId: m.coordinatingInstanceId });
	checkSubscription(input.intervalDays, input.language);
	await db.transaction(async (tx) => {
		await tx
			.insert(digestSubscription)
			.values({ municipalityId: m.municipalityId, membershipId: m.id, intervalDays: input.intervalDays, language: input.language, unsubscribeToken: newToken(), createdAt: now })
			.onConflictDoUpdate({ target: digestSubscription.membershipId, set: { intervalDays: input.intervalDays, language: input.language } });
		await recordAudit(tx, { ...auditActor(principal), municipalityId: m.municipalityId, action: 'subscribe', entityType: 'digest_subscription', entityId: m.id, changes: { intervalDays: [null, input.intervalDays] } });
	});
}

/** The signed-in person ends their digest. */
export async function unsubscribe(db: Db, principal: Principal): Promise<void> {
	if (!isUser(principal)) return;
	await db.transaction(async (tx) => {
		const removed = await tx.delete(digestSubscription).where(eq(digestSubscription.userId, principal.userId)).returning({ id: digestSubscription.id });
		if (removed.length) await recordAudit(tx, { ...auditActor(principal), municipalityId: principal.municipalityId, action: 'unsubscribe', entityType: 'digest_subscription', entityId: principal.userId, changes: {} });
	});
}

/**
 * One-click unsubscribe (RFC 8058) by the token of a digest mail; the link itself is the proof.
 * @returns whether a subscription ended (false: unknown or already ended; the page says so).
 */
export async function unsubscribeByToken(db: Db, token: string, principal: Principal): Promise<boolean> {
	if (!/^[A-Za-z0-9_-]{16,64}$/.test(token)) return false;
	return db.transaction(async (tx) => {
		const removed = await tx.delete(digestSubscription).where(eq(digestSubscription.unsubscribeToken, token)).returning({ id: digestSubscription.id, municipalityId: digestSubscription.municipalityId });
		if (removed.length) await recordAudit(tx, { ...auditActor(principal), municipalityId: removed[0].municipalityId, action: 'unsubscribe', entityType: 'digest_subscription', entityId: removed[0].id, changes: {} });
		return removed.length > 0;
	});
}

/** One digest to send: where, in which language, which posts, and the unsubscribe token. */
export interface Digest {
	subscriptionId: string;
	municipalityId: string;
	email: string;
	language: string;
	token: string;
	posts: PostRow[];
}

/**
 * The digests due at `now`: each subscription whose interval has passed since its last digest
 * (or its start), with the posts published since then that reach the reader. Subscriptions
 * without new posts are due too but get no digest (`posts` empty: callers skip them and still
 * mark them sent, so a quiet week does not pile up).
 */
export async function dueDigests(db: DbOrTx, now: Date, municipalityId?: string): Promise<Digest[]> {
	const subs = await db.select().from(digestSubscription).where(municipalityId ? eq(digestSubscription.municipalityId, municipalityId) : undefined);
	const due = subs.filter((s) => (s.lastSentAt ?? s.createdAt).getTime() + s.intervalDays * 86_400_000 <= now.getTime() + 60_000);
	const out: Digest[] = [];
	const today = berlinDate(now);
	for (const m of [...new Set(due.map((s) => s.municipalityId))]) {
		const mine = due.filter((s) => s.municipalityId === m);
		const since = new Date(Math.min(...mine.map((s) => (s.lastSentAt ?? s.createdAt).getTime())));
		const [posts, readers] = await Promise.all([
			db.select().from(networkPost).where(and(eq(networkPost.municipalityId, m), gt(networkPost.publishedAt, since))).orderBy(desc(networkPost.publishedAt)),
			readersOf(db, m, today)
		]);
		for (const s of mine) {
			const who = s.userId ? readers.account(s.userId, s.language) : s.membershipId ? readers.external(s.membershipId, s.language) : null;
			if (!who) continue;
			const from = (s.lastSentAt ?? s.createdAt).getTime();
			out.push({
				subscriptionId: s.id,
				municipalityId: m,
				email: who.email,
				language: s.language,
				token: s.unsubscribeToken,
				posts: posts.filter((p) => p.publishedAt.getTime() > from && postReaches(p, who.reader))
			});
		}
	}
	return out;
}

/** Marks digests as sent at `now` (also those skipped for having no posts). */
export async function markDigestsSent(db: DbOrTx, subscriptionIds: string[], now: Date): Promise<void> {
	for (let i = 0; i < subscriptionIds.length; i += 1000) {
		await db.update(digestSubscription).set({ lastSentAt: now }).where(inArray(digestSubscription.id, subscriptionIds.slice(i, i + 1000)));
	}
}

/** The digest language of each account that has a subscription (invitations are written in it). */
export async function subscriptionLanguages(db: DbOrTx, userIds: string[]): Promise<Map<string, string>> {
	const ids = userIds.filter(isUuid);
	if (!ids.length) return new Map();
	const rows = await db.select({ userId: digestSubscription.userId, language: digestSubscription.language }).from(digestSubscription).where(inArray(digestSubscription.userId, ids));
	return new Map(rows.map((r) => [r.userId!, r.language]));
}
