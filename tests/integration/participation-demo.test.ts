/**
 * The participation demo (issue 16 §5): a finished campaign in Düsseldorf's Stadtbezirk 6 whose
 * generated, demo-marked points publish some cells (≥ k) and suppress the scattered rest;
 * moderated feedback on Köln offers with one more in the queue; loading again adds nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/lib/server/access';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { loadDemo } from '../../src/lib/server/demo/load';
import { findMunicipality } from '../../src/lib/server/geography/service';
import { aggregateCampaign, isOpen, listCampaigns } from '../../src/lib/server/participation/campaigns';
import { feedbackQueue } from '../../src/lib/server/participation/feedback';
import { loadParticipationDemo } from '../../src/lib/server/participation/demo';
import { countRows, DB_KIND, freshDatabase } from '../helpers/db';

let h: DatabaseHandle;
const sys = systemPrincipal('test');

beforeAll(async () => {
	h = await freshDatabase();
	await loadDemo(h.db);
}, 240_000);

afterAll(async () => h.close());

describe(`participation demo on ${DB_KIND}`, () => {
	it('has a finished Stadtbezirk 6 campaign whose result publishes cells of at least k and suppresses the rest', async () => {
		const d = (await findMunicipality(h.db, 'duesseldorf'))!;
		const [c] = await listCampaigns(h.db, d.id);
		expect(c.title).toBe('Orte im Stadtbezirk 6 (Demo)');
		expect(c.isDemo).toBe(true);
		expect(isOpen(c)).toBe(false);
		const agg = await aggregateCampaign(h.db, c);
		expect(agg.cells.length).toBeGreaterThan(5);
		expect(agg.cells.every((x) => x.n >= c.k)).toBe(true);
		expect(agg.suppressed).toBeGreaterThan(0);
		expect(new Set(agg.cells.map((x) => x.category))).toEqual(new Set(c.categories));
	});

	it('has moderated feedback on Köln offers and one waiting, and loads nothing twice', async () => {
		const k = (await findMunicipality(h.db, 'koeln'))!;
		expect(await feedbackQueue(h.db, sys, k.id)).toHaveLength(1);
		const before = [await countRows(h, 'participation_feedback'), await countRows(h, 'participation_point')];
		expect(before[0]).toBe(5);
		await loadParticipationDemo(h.db);
		expect([await countRows(h, 'participation_feedback'), await countRows(h, 'participation_point')]).toEqual(before);
	});
});
