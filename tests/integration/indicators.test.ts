import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { AccessDeniedError, ValidationError } from '../../src/lib/server/core/errors';
import { eq } from 'drizzle-orm';
import { service } from '../../src/lib/server/directory/schema';
import { offerIndicators } from '../../src/lib/server/directory/steering-reads';
import { responseStats } from '../../src/lib/server/steering/indicators';
import { instanceDashboard, municipalityDashboard, type Dashboard, type IndicatorValue } from '../../src/lib/server/steering/pages/dashboard';
import { DB_KIND, freshDatabase } from '../helpers/db';
import { indicatorWorld, YEAR } from '../helpers/indicators';
import type { World } from '../helpers/world';

let h: DatabaseHandle;
let w: World & { offerIds: string[] };

beforeAll(async () => {
	h = await freshDatabase();
	w = await indicatorWorld(h.db);
}, 120_000);
afterAll(async () => h?.close());

/** A table's cell by table key, row key and column key. */
function cell(d: Dashboard, table: string, row: string, column: string): IndicatorValue | undefined {
	const t = d.tables.find((x) => x.key === table)!;
	const i = t.columns.findIndex((c) => c.key === column);
	return t.rows.find((r) => r.key === row)?.cells[i];
}
const num = (v: IndicatorValue | undefined) => (v?.t === 'n' ? v.n : v?.t);

describe(`municipality dashboard (${DB_KIND})`, () => {
	it('counts offers, statistics, needs and programmes per district exactly', async () => {
		const d = await municipalityDashboard(h.db, w.who.admin, w.ids.k, { year: YEAR, locale: 'de' });
		expect(d.years[0]).toBeGreaterThanOrEqual(YEAR);
		// The world's own language course (education, no place in a social space) is active too.
		expect(num(cell(d, 'summary', 'offers_current', 'value'))).toBe(5);
		expect(num(cell(d, 'summary', 'offers_added', 'value'))).toBe(6);
		expect(num(cell(d, 'offers_field', 'education', 'offers_current'))).toBe(4);
		expect(num(cell(d, 'offers_field', 'labour', 'offers_current'))).toBe(1);
		expect(num(cell(d, 'offers_field', 'housing', 'offers_current'))).toBe(1);
		expect(num(cell(d, 'offers_field', 'civil_society', 'offers_current'))).toBe(0);
		expect(num(cell(d, 'offers_field', 'education', 'offers_added'))).toBe(5);
		// Districts: Kalk = s1a 1200 + s1b 800 eligible voters (proxy); Porz has no statistic.
		expect(num(cell(d, 'areas', w.ids.d1, 'population'))).toBe(2000);
		expect(cell(d, 'areas', w.ids.d1, 'population_basis')).toEqual({ t: 'text', s: 'Summe der Sozialräume (Wahlberechtigte, Näherung)' });
		expect(cell(d, 'areas', w.ids.d2, 'population')).toEqual({ t: 'none' });
		expect(num(cell(d, 'areas', w.ids.d1, 'offers_current'))).toBe(3);
		expect(num(cell(d, 'areas', w.ids.d2, 'offers_current'))).toBe(1);
		expect(num(cell(d, 'areas', w.ids.d1, 'needs_open'))).toBe(2);
		expect(num(cell(d, 'areas', w.ids.d2, 'needs_open'))).toBe(0);
		expect(num(cell(d, 'areas', w.ids.d1, 'programmes'))).toBe(2);
		expect(num(cell(d, 'areas', w.ids.d2, 'programmes'))).toBe(2);
		// Needs reports of the year: r1–r4 (r5 is last year's).
		expect(num(cell(d, 'summary', 'needs_open', 'value'))).toBe(2);
		expect(num(cell(d, 'summary', 'needs_closed', 'value'))).toBe(2);
		expect(num(cell(d, 'needs_status', 'under_review', 'reports'))).toBe(0);
		expect(num(cell(d, 'needs_status', 'declined', 'reports'))).toBe(1);
		expect(num(cell(d, 'needs_field', 'education', 'needs_open'))).toBe(2);
		expect(num(cell(d, 'needs_field', 'education', 'needs_unanswered'))).toBe(1);
		expect(num(cell(d, 'needs_field', 'education', 'median_days'))).toBe(2.5);
		expect(num(cell(d, 'needs_field', 'total', 'median_days'))).toBe(4);
		expect(num(cell(d, 'needs_field', 'total', 'mean_days'))).toBe(5);
		expect(cell(d, 'needs_field', 'labour', 'median_days')).toEqual({ t: 'none' });
		// Programmes: P1 (split over education and labour), P2 (no budget), P4 (no field); P3 ended.
		expect(num(cell(d, 'summary', 'programmes', 'value'))).toBe(3);
		expect(num(cell(d, 'summary', 'budget', 'value'))).toBe(1300);
		expect(num(cell(d, 'programmes_field', 'education', 'budget'))).toBe(500);
		expect(num(cell(d, 'programmes_field', 'labour', 'budget'))).toBe(500);
		expect(cell(d, 'programmes_field', 'housing', 'budget')).toEqual({ t: 'none' });
		expect(num(cell(d, 'programmes_field', 'housing', 'without_budget'))).toBe(1);
		expect(num(cell(d, 'programmes_field', 'none', 'budget'))).toBe(300);
		expect(cell(d, 'programmes_field', 'education', 'programmes')).toMatchObject({ href: `/staff/programmes?field=education&year=${YEAR}` });
		expect(cell(d, 'needs_field', 'education', 'needs_open')).toMatchObject({ href: '/staff/needs?status=open&field=education' });
	});

	it('shows the newest statistic per metric and the series by date', async () => {
		const d = await municipalityDashboard(h.db, w.who.admin, w.ids.k, { year: YEAR, districtId: w.ids.d1, locale: 'en' });
		expect(d.district?.id).toBe(w.ids.d1);
		expect(num(cell(d, 'statistics', `${w.ids.s1a}:population`, 'value'))).toBe(1200);
		expect(cell(d, 'statistics', `${w.ids.s1a}:population`, 'as_of')).toEqual({ t: 'date', iso: '2024-12-31' });
		expect(num(cell(d, 'statistics_series', `${w.ids.s1a}:population:2019`, 'value'))).toBe(1000);
		expect(num(cell(d, 'areas', w.ids.s1a, 'population'))).toBe(1200);
		expect(cell(d, 'areas', w.ids.s1b, 'population_basis')).toEqual({ t: 'text', s: 'Eligible voters (proxy)' });
		expect(num(cell(d, 'areas', w.ids.s1b, 'offers_current'))).toBe(0);
		expect(num(cell(d, 'summary', 'offers_current', 'value'))).toBe(3);
		// District Kalk: only P4 names one of its spaces (s1a); P1 covers the whole city, not Kalk.
		expect(num(cell(d, 'summary', 'programmes', 'value'))).toBe(1);
		expect(num(cell(d, 'summary', 'budget', 'value'))).toBe(300);
		expect(cell(d, 'areas', w.ids.s1a, 'population')).toMatchObject({ href: `/m/koeln/d/${d.district!.slug}` });
	});

	it('suppresses small contact counts, with secondary suppression, for administrators and instance staff alike', async () => {
		for (const who of [w.who.admin, w.who.staffB]) {
			const d = await municipalityDashboard(h.db, who, w.ids.k, { year: YEAR });
			expect(d.exact).toBe(false);
			// education 7, labour 6, housing 2 → housing "<5", labour (next smallest) too.
			expect(num(cell(d, 'contacts_field', 'education', 'contacts'))).toBe(7);
			expect(cell(d, 'contacts_field', 'housing', 'contacts')?.t).toBe('suppressed');
			expect(cell(d, 'contacts_field', 'labour', 'contacts')?.t).toBe('suppressed');
			expect(num(cell(d, 'summary', 'contacts', 'value'))).toBe(15);
			expect(num(cell(d, 'summary', 'referrals', 'value'))).toBe(6);
			// the city-wide statistics page is for administrators: staff get the number without a link to a refusal
			if (who === w.who.admin) expect(cell(d, 'summary', 'contacts', 'value')).toMatchObject({ href: `/staff/statistics?scope=municipality:${w.ids.k}&period=${YEAR}` });
			else expect(JSON.stringify(d.tables)).not.toContain('/staff/statistics');
		}
	});

	it('says "no data" where there is none, never 0', async () => {
		const d = await municipalityDashboard(h.db, w.who.adminOther, w.ids.o, { year: YEAR, locale: 'de' });
		expect(d.tables.find((t) => t.key === 'statistics')!.rows).toEqual([]);
		expect(d.tables.find((t) => t.key === 'contacts_field')!.rows).toEqual([]);
		expect(cell(d, 'summary', 'budget', 'value')).toEqual({ t: 'none' });
		expect(cell(d, 'needs_field', 'total', 'median_days')).toEqual({ t: 'none' });
		expect(cell(d, 'areas', w.ids.d1, 'population')).toBeUndefined();
		expect(cell(d, 'areas', d.districts[0].id, 'population')).toEqual({ t: 'none' });
		const earlier = await municipalityDashboard(h.db, w.who.admin, w.ids.k, { year: 2001 });
		expect(earlier.tables.find((t) => t.key === 'contacts_field')!.rows).toEqual([]);
		expect(num(cell(earlier, 'summary', 'needs_open', 'value'))).toBe(0);
	});

	it('refuses partners, volunteers, other municipalities and bad parameters', async () => {
		await expect(municipalityDashboard(h.db, w.who.partner, w.ids.k, { year: YEAR })).rejects.toThrow(AccessDeniedError);
		await expect(municipalityDashboard(h.db, w.who.volunteer, w.ids.k, { year: YEAR })).rejects.toThrow(AccessDeniedError);
		const foreign = await municipalityDashboard(h.db, w.who.adminOther, w.ids.o, { year: YEAR, districtId: w.ids.d1 }).catch((e) => e);
		expect(foreign).toBeInstanceOf(ValidationError);
		expect(foreign.issues).toEqual([{ field: 'district', code: 'in_error_district' }]);
		const year = await municipalityDashboard(h.db, w.who.admin, w.ids.k, { year: 1999 }).catch((e) => e);
		expect(year.issues[0]).toMatchObject({ field: 'year', code: 'in_error_year' });
		await expect(municipalityDashboard(h.db, w.who.admin, w.ids.k, { year: NaN })).rejects.toThrow(ValidationError);
	});
});

describe(`offers added per year (${DB_KIND})`, () => {
	it('counts an offer in the Europe/Berlin year it was created, also across New Year in UTC, for the municipality and for social spaces', async () => {
		const all = { spaceIds: null, areaLevel: 'district' as const, year: YEAR };
		const spaces = { spaceIds: [w.ids.s1a, w.ids.s1b, w.ids.s2a], areaLevel: 'space' as const, year: YEAR };
		const before = await offerIndicators(h.db, w.ids.k, all);
		const beforeSpaces = await offerIndicators(h.db, w.ids.k, spaces);
		const rollback = new Error('rollback');
		await expect(
			h.db.transaction(async (tx) => {
				// 23:30 UTC on 31 December is 00:30 on 1 January in Berlin (this year); 22:59 UTC is 23:59 of the old year.
				await tx.update(service).set({ createdAt: new Date(Date.UTC(YEAR - 1, 11, 31, 23, 30)) }).where(eq(service.id, w.offerIds[0]));
				await tx.update(service).set({ createdAt: new Date(Date.UTC(YEAR - 1, 11, 31, 22, 59)) }).where(eq(service.id, w.offerIds[1]));
				for (const [scope, was] of [[all, before], [spaces, beforeSpaces]] as const) {
					const after = await offerIndicators(tx, w.ids.k, scope);
					expect(after.addedTotal.get(YEAR)).toBe(was.addedTotal.get(YEAR)! - 1);
					expect(after.addedTotal.get(YEAR - 1) ?? 0).toBe((was.addedTotal.get(YEAR - 1) ?? 0) + 1);
					const sum = (m: Map<string, number>, year: number) => [...m].filter(([k]) => k.startsWith(`${year}:`)).reduce((a, [, c]) => a + c, 0);
					expect(sum(after.added, YEAR - 1)).toBeGreaterThan(sum(was.added, YEAR - 1));
				}
				throw rollback;
			})
		).rejects.toBe(rollback);
		expect(before.addedTotal.get(YEAR)).toBe(6);
		expect(beforeSpaces.addedTotal.get(YEAR)).toBeLessThanOrEqual(6);
	});
});

describe(`instance dashboard (${DB_KIND})`, () => {
	it('shows the own staff exact counts on screen, suppressed in downloads and to administrators', async () => {
		const own = await instanceDashboard(h.db, w.who.staffA, w.ids.a, { year: YEAR });
		expect(own.exact).toBe(true);
		expect(num(cell(own, 'contacts_field', 'housing', 'contacts'))).toBe(2);
		expect(num(cell(own, 'contacts_field', 'labour', 'contacts'))).toBe(6);
		const download = await instanceDashboard(h.db, w.who.staffA, w.ids.a, { year: YEAR, download: true });
		expect(download.exact).toBe(false);
		expect(cell(download, 'contacts_field', 'housing', 'contacts')?.t).toBe('suppressed');
		const admin = await instanceDashboard(h.db, w.who.admin, w.ids.a, { year: YEAR });
		expect(admin.exact).toBe(false);
		expect(cell(admin, 'contacts_field', 'labour', 'contacts')?.t).toBe('suppressed');
	});

	it('covers the instance’s social spaces and its own needs reports', async () => {
		const d = await instanceDashboard(h.db, w.who.staffA, w.ids.a, { year: YEAR, locale: 'de' });
		expect(d.tables.find((t) => t.key === 'areas')!.rows.map((r) => r.key)).toEqual([w.ids.s1a]);
		expect(num(cell(d, 'summary', 'offers_current', 'value'))).toBe(3);
		expect(num(cell(d, 'summary', 'needs_open', 'value'))).toBe(2);
		expect(num(cell(d, 'summary', 'needs_closed', 'value'))).toBe(2);
		expect(num(cell(d, 'summary', 'programmes', 'value'))).toBe(2);
		const other = await instanceDashboard(h.db, w.who.admin, w.ids.b, { year: YEAR });
		expect(num(cell(other, 'summary', 'needs_open', 'value'))).toBe(0);
		expect(num(cell(other, 'summary', 'offers_current', 'value'))).toBe(1);
	});

	it('refuses other instances, other municipalities, partners, unknown ids and bad years', async () => {
		await expect(instanceDashboard(h.db, w.who.staffB, w.ids.a, { year: YEAR })).rejects.toThrow(AccessDeniedError);
		await expect(instanceDashboard(h.db, w.who.adminOther, w.ids.a, { year: YEAR })).rejects.toThrow(AccessDeniedError);
		await expect(instanceDashboard(h.db, w.who.partner, w.ids.a, { year: YEAR })).rejects.toThrow(AccessDeniedError);
		await expect(instanceDashboard(h.db, w.who.volunteer, w.ids.a, { year: YEAR })).rejects.toThrow(AccessDeniedError);
		await expect(instanceDashboard(h.db, w.who.admin, 'not-a-uuid', { year: YEAR })).rejects.toThrow(AccessDeniedError);
		const bad = await instanceDashboard(h.db, w.who.staffA, w.ids.a, { year: 3000 }).catch((e) => e);
		expect(bad.issues[0].field).toBe('year');
	});
});

describe('response time statistics', () => {
	it('gives median and mean, and nothing for no reports', () => {
		expect(responseStats([])).toEqual({ median: null, mean: null });
		expect(responseStats([3, 1, 2])).toEqual({ median: 2, mean: 2 });
		expect(responseStats([1, 4])).toEqual({ median: 2.5, mean: 2.5 });
	});
});
