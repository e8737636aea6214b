/**
 * Counts of "kein passendes Angebot" (unmet topics) that Steuerung asks of the Lotsen statistics
 * (issue 5 §1, §3): the evidence of a needs report and the unmet-topic column of the coverage
 * matrix. Anonymous aggregates only — no contact is returned, only counts per topic array or
 * topic value — so they carry no personal data and need no permission of their own; the
 * steering services that call them authorise.
 *
 * Sources: single contacts (`counselling_contact.unmet_topics`) or their monthly roll-ups
 * (`contact_rollup`) and, for months the retention job has folded, `contact_aggregate` rows of dimension `unmet_topic` (a month of one instance is in
 * exactly one of them; folded rows carry no social space). Casework's `countContacts`
 * (statistics.ts) counts calendar years and months; these count any range of months, and per
 * social space, which the steering views need.
 */
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';

/** A window of contacts: instants [from, to) and aggregate months [monthFrom, monthTo) (`YYYY-MM-01`). */
export interface ContactWindow {
	from: Date;
	to: Date;
	monthFrom: string;
	monthTo: string;
}

/**
 * How many contacts of an instance (or, with `instanceId` null, of the whole municipality) met
 * "no suitable offer" for `topic` in the window's months: the monthly roll-ups of single
 * contacts (`contact_rollup`) plus the folded `contact_aggregate` rows of that value. The topic is matched exactly (a
 * theme-field key counts contacts recorded with that field as unmet, not those of one of its
 * sub-topics: aggregates cannot tell overlapping sub-topics apart).
 * @returns the exact count (callers suppress small counts where the number leaves the instance).
 */
export async function countUnmetTopic(
	db: DbOrTx,
	scope: { municipalityId: string; instanceId: string | null },
	topic: string,
	window: ContactWindow
): Promise<number> {
	const column = sql.raw(scope.instanceId ? 'instance_id' : 'municipality_id');
	const id = scope.instanceId ?? scope.municipalityId;
	const result = await db.execute<{ n: string | number }>(sql`
		select coalesce(sum(count), 0) as n from (
			select count from contact_rollup
			where ${column} = ${id} and dimension = 'unmet_topic' and value = ${topic}
				and month >= ${window.monthFrom}::date and month < ${window.monthTo}::date
			union all select count from contact_aggregate
			where ${column} = ${id} and dimension = 'unmet_topic' and value = ${topic}
				and month >= ${window.monthFrom}::date and month < ${window.monthTo}::date) x`);
	return Number(result.rows[0].n);
}

/**
 * Single contacts with an unmet topic of the municipality's residents in the window, per social
 * space (`counselling_contact.social_space_id`, the resident's Sozialraum; contacts without one
 * are left out) and whole topic array — a few hundred combinations, so callers map arrays to
 * theme fields once per combination. Read from the partial index of contacts with unmet topics.
 * Folded months are not included (they carry no social space).
 * @param spaceId only this social space.
 * @returns `{ socialSpaceId, topics, n }` per combination.
 */
export async function unmetTopicsBySpace(
	db: DbOrTx,
	municipalityId: string,
	window: Pick<ContactWindow, 'from' | 'to'>,
	spaceId?: string
): Promise<{ socialSpaceId: string; topics: string[]; n: number }[]> {
	const result = await db.execute<{ sp: string; topics: string[]; n: number }>(sql`
		select social_space_id::text as sp, unmet_topics as topics, count(*)::int as n from counselling_contact
		where municipality_id = ${municipalityId} and contacted_at >= ${window.from.toISOString()}::timestamptz
			and contacted_at < ${window.to.toISOString()}::timestamptz and unmet_topics <> '{}' and social_space_id is not null
			${spaceId ? sql`and social_space_id = ${spaceId}::uuid` : sql``}
		group by 1, 2`);
	return result.rows.map((r) => ({ socialSpaceId: r.sp, topics: r.topics, n: Number(r.n) }));
}

/**
 * Unmet topics of every contact of a Stadtbezirk in the window, folded months included: single
 * contacts per whole topic array, and the folded `contact_aggregate` rows per topic value.
 * @returns `contacts`: `{ topics, n }` per topic array; `folded`: `{ topic, n }` per value.
 */
export async function unmetTopicsOfDistrict(
	db: DbOrTx,
	scope: { municipalityId: string; districtId: string },
	window: ContactWindow
): Promise<{ contacts: { topics: string[]; n: number }[]; folded: { topic: string; n: number }[] }> {
	const [raw, folded] = await Promise.all([
		db.execute<{ topics: string[]; n: number }>(sql`
			select unmet_topics as topics, count(*)::int as n from counselling_contact
			where municipality_id = ${scope.municipalityId} and district_id = ${scope.districtId}::uuid and contacted_at >= ${window.from.toISOString()}::timestamptz
				and contacted_at < ${window.to.toISOString()}::timestamptz and unmet_topics <> '{}'
			group by 1`),
		db.execute<{ value: string; n: number }>(sql`
			select value, sum(count)::int as n from contact_aggregate
			where municipality_id = ${scope.municipalityId} and district_id = ${scope.districtId}::uuid and dimension = 'unmet_topic'
				and month >= ${window.monthFrom}::date and month < ${window.monthTo}::date
			group by value`)
	]);
	return {
		contacts: raw.rows.map((r) => ({ topics: r.topics, n: Number(r.n) })),
		folded: folded.rows.map((r) => ({ topic: r.value, n: Number(r.n) }))
	};
}
