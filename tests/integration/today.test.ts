/**
 * The staff start page "Heute" (issue 12 §10): counts of what is waiting, each only for roles that
 * may open the list it links to, and the needs list's "new answers" filter behind one of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/lib/server/access';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { propose } from '../../src/lib/server/directory/proposals';
import { saveOrganization } from '../../src/lib/server/directory/service';
import { createNeedsReport, listNeedsReports, respondToNeedsReport } from '../../src/lib/server/steering/needs';
import { todayPage, type TodayItem } from '../../src/lib/server/steering/pages/today';
import { DB_KIND, freshDatabase } from '../helpers/db';
import { org } from '../helpers/directory';
import { buildWorld, type World } from '../helpers/world';
import { tempDir } from '../helpers/tmp';

process.env.DATA_DIR = tempDir('anl-today-');

let h: DatabaseHandle;
let w: World;
const NOW = new Date('2026-03-17T10:00:00Z');
const later = (hours: number) => new Date(NOW.getTime() + hours * 3600_000);

beforeAll(async () => {
	h = await freshDatabase();
	w = await buildWorld(h.db);
});
afterAll(() => h?.close());

/** kind → count of the items, for comparing. */
function counts(items: TodayItem[]): Record<string, number> {
	return Object.fromEntries(items.map((i) => [i.kind, i.count]));
}

describe(`start page "Heute" (${DB_KIND})`, () => {
	it('shows each role the counts of the lists it may open', async () => {
		const staff = await todayPage(h.db, w.who.staffA, NOW);
		expect(staff.items.map((i) => i.kind)).toEqual(['follow_ups', 'referrals', 'proposals', 'needs_answers', 'stale']);
		expect(staff.items.find((i) => i.kind === 'referrals')?.href).toBe(`/referrals?instance=${w.ids.a}&show=overdue`);
		expect(staff.items.find((i) => i.kind === 'stale')?.href).toBe(`/directory/freshness?instance=${w.ids.a}`);
		const admin = await todayPage(h.db, w.who.admin, NOW);
		expect(admin.items.map((i) => i.kind)).toEqual(['proposals', 'needs_answers', 'needs_waiting', 'stale']);
		expect(admin.items.find((i) => i.kind === 'stale')?.href).toBe('/directory/freshness');
		expect((await todayPage(h.db, w.who.partner, NOW)).items).toEqual([]);
		expect((await todayPage(h.db, w.who.volunteer, NOW)).items).toEqual([]);
	});

	it('counts proposals to review, reports waiting and new answers from someone else', async () => {
		const before = counts((await todayPage(h.db, w.who.admin, NOW)).items);
		const { id: orgId } = await saveOrganization(h.db, systemPrincipal('t'), w.ids.k, org({ name: 'Treff Vingst', visibility: 'network' }));
		await propose(h.db, w.who.partner, w.ids.k, 'organization', orgId, org({ name: 'Treff Vingst', phone: '0221 9', visibility: 'network' }));
		const { id } = await createNeedsReport(
			h.db,
			w.who.staffA,
			{ municipalityId: w.ids.k, instanceId: w.ids.a, title: 'Abendkurse', description: 'Kurse nach der Arbeit fehlen.', themeField: 'education', subtopics: [], targetGroups: [], socialSpaceIds: [w.ids.s1b], urgency: 'medium', evidenceNote: '' },
			{ now: NOW }
		);
		const admin = counts((await todayPage(h.db, w.who.admin, later(1))).items);
		expect(admin.proposals).toBe(before.proposals + 1);
		expect(admin.needs_waiting).toBe(before.needs_waiting + 1);
		expect(counts((await todayPage(h.db, w.who.staffA, later(1))).items).needs_answers).toBe(0);

		await respondToNeedsReport(h.db, w.who.staffA, id, 'Vor allem in Kalk.', later(1));
		await respondToNeedsReport(h.db, w.who.admin, id, 'Wir fragen die VHS.', later(2));
		expect(counts((await todayPage(h.db, w.who.staffA, later(3))).items).needs_answers).toBe(1);
		// The admin's own answer is not new to the admin; the staff member's is.
		const answeredForAdmin = await listNeedsReports(h.db, w.who.admin, w.ids.k, { answeredSince: later(1.5) });
		expect(answeredForAdmin.map((r) => r.id)).not.toContain(id);
		expect((await listNeedsReports(h.db, w.who.admin, w.ids.k, { answeredSince: later(0.5) })).map((r) => r.id)).toContain(id);
		// Fifteen days later the answer is no longer new.
		expect(counts((await todayPage(h.db, w.who.staffA, later(15 * 24))).items).needs_answers).toBe(0);
	});
});
