/**
 * Prepared data with known counts for the indicator and report tests (issue 5 §4, §6), on top
 * of the casework world (`buildWorld`): social spaces with square boundaries, statistics,
 * offers, contacts and referrals, needs reports and programmes in the current Berlin year.
 * The expected figures are spelled out in the tests.
 */
import { eq } from 'drizzle-orm';
import { recordContact } from '../../src/lib/server/casework/contacts';
import { berlinDate } from '../../src/lib/server/casework/time';
import { systemPrincipal } from '../../src/lib/server/access';
import type { Db } from '../../src/lib/server/db/client';
import { saveService } from '../../src/lib/server/directory/service';
import { socialSpace, statistic } from '../../src/lib/server/geography/schema';
import { needsReport, needsReportLink, needsReportSpace, programme, programmeSpace } from '../../src/lib/server/steering/schema';
import { buildWorld, type World } from './world';
import { offer } from './directory';

/** The year the data lies in (offers are created now, so it is this Berlin year). */
export const YEAR = Number(berlinDate(new Date()).slice(0, 4));

const square = (lon: number) => ({
	type: 'Polygon' as const,
	coordinates: [[[lon, 0], [lon + 1, 0], [lon + 1, 1], [lon, 1], [lon, 0]]]
});

const at = (month: number, day: number) => new Date(Date.UTC(YEAR, month - 1, day, 10));

/**
 * Writes the data set:
 * - statistics: s1a population 1000 (2019) and 1200 (2024); s1b eligible voters 800 (2024);
 *   nothing for district 2;
 * - offers: 3 active in s1a (education; education+labour; education), 1 active in s2a (housing),
 *   1 inactive in s1a;
 * - contacts of instance a in January: 7 language course (education), 2 housing search
 *   (housing), 6 job search (labour); 6 referrals;
 * - needs reports: r1 s1a education reported (no response, unlinked); r2 s1a education in
 *   planning, response after 4 days, linked to an offer; r3 s2a housing implemented after 10
 *   days; r4 s1b education declined after 1 day; r5 last year (not counted);
 * - programmes: p1 education+labour 1000 € whole city since last year; p2 housing no budget in
 *   s2a from June; p3 ended two years ago (not counted); p4 no field 300 € in s1a.
 */
export async function indicatorWorld(db: Db): Promise<World & { offerIds: string[] }> {
	const w = await buildWorld(db);
	await db.update(socialSpace).set({ boundary: square(0) }).where(eq(socialSpace.id, w.ids.s1a));
	await db.update(socialSpace).set({ boundary: square(1) }).where(eq(socialSpace.id, w.ids.s1b));
	await db.update(socialSpace).set({ boundary: square(2) }).where(eq(socialSpace.id, w.ids.s2a));
	await db.insert(statistic).values([
		{ municipalityId: w.ids.k, socialSpaceId: w.ids.s1a, metric: 'population', value: 1000, unit: 'persons', asOf: '2019', source: 'Stadt Köln 2019' },
		{ municipalityId: w.ids.k, socialSpaceId: w.ids.s1a, metric: 'population', value: 1200, unit: 'persons', asOf: '2024-12-31', source: 'Stadt Köln 2024' },
		{ municipalityId: w.ids.k, socialSpaceId: w.ids.s1b, metric: 'eligible_voters', value: 800, unit: 'persons', asOf: '2024', source: 'Wahlstatistik' }
	]);
	const place = (lon: number) => [{ ...offer(w.ids.org).locations[0], latitude: 0.5, longitude: lon }];
	const offers: [string[], number, string][] = [
		[['education'], 0.5, 'active'],
		[['education', 'labour'], 0.5, 'active'],
		[['education'], 0.5, 'active'],
		[['housing'], 2.5, 'active'],
		[['education'], 0.5, 'inactive']
	];
	const offerIds: string[] = [];
	for (const [themeFields, lon, status] of offers) {
		const s = await saveService(db, systemPrincipal('t'), w.ids.k, { ...offer(w.ids.org, { themeFields, subtopics: [], status: status as 'active' }), locations: place(lon) });
		offerIds.push(s.id);
	}
	const topics = [...Array(7).fill(['language_course']), ...Array(2).fill(['housing_search']), ...Array(6).fill(['job_search'])] as string[][];
	for (const [i, t] of topics.entries()) {
		await recordContact(db, w.who.staffA, {
			instanceId: w.ids.a,
			contactedAt: at(1, 2 + i),
			channel: 'walk_in',
			language: 'ar',
			interpreterNeeded: false,
			topics: t,
			attributes: {},
			unmetTopics: [],
			socialSpaceId: w.ids.s1a,
			referrals: i < 6 ? [{ organizationId: w.ids.org, topic: 'social_counselling' }] : []
		});
	}
	const report = async (ref: string, space: string, field: string, status: string, created: Date, responseDays: number | null, extra: Partial<typeof needsReport.$inferInsert> = {}) => {
		const [r] = await db
			.insert(needsReport)
			.values({
				municipalityId: w.ids.k,
				instanceId: w.ids.a,
				reference: ref,
				title: ref,
				description: 'd',
				themeField: field,
				status,
				createdAt: created,
				firstResponseAt: responseDays === null ? null : new Date(created.getTime() + responseDays * 86_400_000),
				...extra
			})
			.returning();
		await db.insert(needsReportSpace).values({ reportId: r.id, socialSpaceId: space });
		return r.id;
	};
	await report('B-1', w.ids.s1a, 'education', 'reported', at(1, 10), null);
	const r2 = await report('B-2', w.ids.s1a, 'education', 'in_planning', at(2, 1), 4);
	await db.insert(needsReportLink).values({ reportId: r2, serviceId: offerIds[0] });
	await report('B-3', w.ids.s2a, 'housing', 'implemented', at(3, 1), 10, { closedAt: at(4, 1) });
	await report('B-4', w.ids.s1b, 'education', 'declined', at(3, 1), 1, { declineReason: 'no budget', closedAt: at(3, 2) });
	await report('B-5', w.ids.s1a, 'education', 'reported', new Date(Date.UTC(YEAR - 1, 5, 1)), null);
	const prog = async (name: string, themeFields: string[], budgetCents: number | null, startsOn: string, endsOn: string | null, spaces: string[]) => {
		const [p] = await db.insert(programme).values({ municipalityId: w.ids.k, name, funderLevel: 'state', themeFields, budgetCents, startsOn, endsOn }).returning();
		if (spaces.length) await db.insert(programmeSpace).values(spaces.map((socialSpaceId) => ({ programmeId: p.id, socialSpaceId })));
	};
	await prog('P1', ['education', 'labour'], 100_000, `${YEAR - 1}-01-01`, null, []);
	await prog('P2', ['housing'], null, `${YEAR}-06-01`, `${YEAR}-12-31`, [w.ids.s2a]);
	await prog('P3', ['education'], 5_000, `${YEAR - 3}-01-01`, `${YEAR - 2}-12-31`, []);
	await prog('P4', [], 30_000, `${YEAR}-01-01`, null, [w.ids.s1a]);
	return { ...w, offerIds };
}
