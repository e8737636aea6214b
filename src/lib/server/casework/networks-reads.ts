/**
 * What Vernetzung (networks, issue 14 §2) reads of casework (Lotsen): how often each instance
 * referred people to each actor — the derived relation "verweist an" between the instances and
 * their partners on the network map. Counts only, no referral content, so no permission of its
 * own; the networks service that calls it authorises (`networks:map`).
 */
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';

/**
 * Referrals per (instance, target actor) of a municipality since `since` (all when null), for
 * pairs with at least `minimum` referrals (small counts stay out of a map many people see).
 */
export async function referralPairs(db: DbOrTx, municipalityId: string, options: { since?: Date | null; minimum?: number } = {}): Promise<{ instanceId: string; organizationId: string; referrals: number }[]> {
	const since = options.since ? sql`and created_at >= ${options.since.toISOString()}::timestamptz` : sql``;
	const result = await db.execute<{ instance_id: string; organization_id: string; n: number | string }>(sql`
		select instance_id, organization_id, count(*)::int as n
		from referral
		where municipality_id = ${municipalityId} and organization_id is not null ${since}
		group by instance_id, organization_id
		having count(*) >= ${options.minimum ?? 1}`);
	return result.rows.map((r) => ({ instanceId: r.instance_id, organizationId: r.organization_id, referrals: Number(r.n) }));
}
