/**
 * The in-memory search index of large municipalities (issue 17 §4): on the benchmark generator's
 * directory (the multilingual titles, compound words, actors with and without offers, network and
 * internal entries and places of the Land-scale data, a few hundred entries), every query gives
 * the page, scores, total and coverage that PostgreSQL gives; a write is seen at once; and where
 * the index cannot answer, PostgreSQL does.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { systemPrincipal } from '../../src/lib/server/access';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { municipality, socialSpace } from '../../src/lib/server/geography/schema';
import { service } from '../../src/lib/server/directory/schema';
import { getServices, saveService, serviceToInput } from '../../src/lib/server/directory/service';
import { resolveNear, searchDirectory, type SearchQuery, type SearchResult } from '../../src/lib/server/directory/search';
import { configureSearchMemory, heldMemoryIndexes, searchMemoryOptionsFrom } from '../../src/lib/server/directory/search-memory';
import { generate } from '../../bench/generate';
import { generateDirectory } from '../../bench/directory';
import { DB_KIND, freshDatabase } from '../helpers/db';

let handle: DatabaseHandle;
let municipalityId: string;
let near: { latitude: number; longitude: number };
let spaceId: string;
let districtId: string;

const MEMORY = { minEntries: 50, maxBytes: 64 * 1024 * 1024, quietMs: 0 };

beforeAll(async () => {
	handle = await freshDatabase();
	await generate(handle.db, { municipalities: 2, districtsPer: 2, spacesPerDistrict: 2 });
	await generateDirectory(handle.db, { offers: 500, actors: 120 });
	const [m] = await handle.db.select().from(municipality).where(eq(municipality.slug, 'gemeinde-0001'));
	municipalityId = m.id;
	const [space] = await handle.db.select().from(socialSpace).where(eq(socialSpace.municipalityId, municipalityId)).limit(1);
	[spaceId, districtId] = [space.id, space.districtId];
	const resolved = await resolveNear(handle.db, municipalityId, space.id);
	if (!('point' in resolved)) throw new Error('no centroid');
	near = resolved.point;
	configureSearchMemory(MEMORY);
}, 300_000);

afterAll(async () => {
	configureSearchMemory(searchMemoryOptionsFrom({}));
	await handle?.close();
});

function query(q: Partial<SearchQuery>): SearchQuery {
	return { municipalityId, text: '', lang: 'de', levels: ['public'], sort: 'relevance', page: 1, perPage: 20, now: new Date('2026-03-17T10:30:00Z'), ...q };
}

/** The result with distances to 9 decimals: PostgreSQL's `power` and JavaScript's product may differ in the last bit. */
function comparable(r: SearchResult) {
	return { ...r, hits: r.hits.map((h) => ({ ...h, distanceKm: h.distanceKm === null ? null : Number(h.distanceKm.toFixed(9)) })) };
}

const STAFF: SearchQuery['levels'] = ['public', 'network', 'internal'];

/** Queries of `bench/search.ts` and more: typos, compound parts, phrases, exact titles, six languages, actors, levels, kinds, pages, distance, filters, open now. */
const CASES: (() => Partial<SearchQuery>)[] = [
	() => ({ text: 'Deutchkurs' }),
	() => ({ text: 'Hausaufgabehilfe' }),
	() => ({ text: 'kurs' }),
	() => ({ text: 'kurs', page: 2 }),
	() => ({ text: 'kurs', page: 40 }),
	() => ({ text: 'beratung', levels: STAFF }),
	() => ({ text: 'Sozialberatung' }),
	() => ({ text: 'deutschkurs' }),
	() => ({ text: 'language course', lang: 'en' }),
	() => ({ text: 'دورة لغة', lang: 'ar' }),
	() => ({ text: 'danışmanlık', lang: 'tr' }),
	() => ({ text: 'консультация', lang: 'ru' }),
	() => ({ text: 'допомога житла', lang: 'uk' }),
	() => ({ text: 'کلاس زبان آلمانی', lang: 'fa' }),
	() => ({ text: 'Familienzentrum' }),
	() => ({ text: 'Kita' }),
	() => ({ text: 'Moschee', kind: 'organization' }),
	() => ({ text: 'Wonung' }),
	() => ({ text: 'Brief vom Amt' }),
	() => ({ text: 'Kind Schule anmelden' }),
	() => ({ text: 'أبحث عن شقة رخيصة', lang: 'ar' }),
	() => ({ text: 'kostenlos Deutschkurs' }),
	() => ({ text: `Ich suche einen kostenlosen Deutschkurs ${'und Hilfe bei der Wohnung '.repeat(75)}`.slice(0, 2000) }),
	() => ({ text: 'Deutschkurs دورة курс Almanca', lang: 'ar' }),
	() => ({ text: 'Caritas', levels: STAFF, kind: 'organization' }),
	() => ({ text: 'frauen café', lang: 'en', levels: ['public', 'network'] }),
	() => ({ text: 'xyzzyq' }),
	() => ({}),
	() => ({ levels: STAFF, page: 3 }),
	() => ({ kind: 'service', lang: 'ar' }),
	() => ({ text: 'kurs', sort: 'distance' }),
	() => ({ sort: 'distance', levels: STAFF }),
	() => ({ text: 'beratung' }),
	() => ({ themeField: 'education', targetGroup: 'refugee_experience' }),
	() => ({ text: 'Deutschkurs', language: 'ar', cost: 'free', lowThreshold: true }),
	() => ({ cost: 'reduced', levels: STAFF }),
	() => ({ socialSpaceId: spaceId }),
	() => ({ text: 'beratung', districtId }),
	() => ({ text: 'kurs', stepFree: true, lang: 'uk' }),
	() => ({ subtopic: 'language_course', lang: 'en', kind: 'service' }),
	() => ({ text: 'café', language: 'uk-UA', page: 2 }),
	() => ({ themeField: 'education', sort: 'distance' }),
	// Open now, in Europe/Berlin time: a Tuesday morning, a Saturday, a winter evening, a summer night.
	() => ({ openNow: true }),
	() => ({ text: 'kurs', openNow: true, stepFree: true }),
	() => ({ openNow: true, levels: STAFF, now: new Date('2026-03-21T09:00:00Z') }),
	() => ({ text: 'beratung', openNow: true, now: new Date('2026-12-03T16:59:00Z') }),
	() => ({ openNow: true, now: new Date('2026-07-01T22:30:00Z') })
];

describe(`in-memory search index (${DB_KIND})`, () => {
	it('ranks every query as PostgreSQL does: page, scores, total, coverage, corrections', async () => {
		let compared = 0;
		for (const make of CASES) {
			const c = make();
			const q = query({ ...c, near: c.sort === 'distance' || c.text === 'beratung' ? near : undefined });
			const [inMemory, inDatabase] = [await searchDirectory(handle.db, q, 'memory'), await searchDirectory(handle.db, q, 'sql')];
			expect(comparable(inMemory), JSON.stringify(c).slice(0, 80)).toEqual(comparable(inDatabase));
			if (inDatabase.hits.length) compared++;
		}
		// The mix finds something for every query but four: a word found nowhere, two pages past the
		// last, and the summer night when nothing is open.
		expect(compared).toBe(CASES.length - 4);
		const big = await searchDirectory(handle.db, query({ text: 'kurs' }), 'memory');
		expect(big.total).toBeGreaterThan(40);
	}, 120_000);

	it('answers from the index only while it is current: an offer renamed is found by its new title at once', async () => {
		await searchDirectory(handle.db, query({ text: 'kurs' }), 'memory');
		const [row] = await handle.db.select({ id: service.id }).from(service).where(eq(service.municipalityId, municipalityId)).limit(1);
		const [detail] = await getServices(handle.db, [row.id], STAFF);
		await saveService(handle.db, systemPrincipal('test'), municipalityId, { ...serviceToInput(detail), name: { de: { text: 'Quastenflosserkurs', status: 'original' } } }, { id: row.id });
		const auto = await searchDirectory(handle.db, query({ text: 'Quastenflosserkurs' }));
		expect(auto.hits.map((h) => h.id)).toEqual([row.id]);
		const rebuilt = await searchDirectory(handle.db, query({ text: 'Quastenflosserkurs' }), 'memory');
		expect(rebuilt.hits.map((h) => h.id)).toEqual([row.id]);
		expect(rebuilt.hits[0].score).toBeGreaterThanOrEqual(10_000);
	}, 60_000);

	it('leaves to PostgreSQL what it does not hold: transactions, small municipalities, no room beside an index in use, an index over the bound', async () => {
		// A transaction may see its own writes, and ends before a build would: PostgreSQL answers within it.
		await handle.db.transaction(async (tx) => {
			await expect(searchDirectory(tx, query({ text: 'kurs' }), 'memory')).rejects.toThrow(/no in-memory index/);
		});
		const [small] = await handle.db.select().from(municipality).where(eq(municipality.slug, 'gemeinde-0002'));
		configureSearchMemory({ ...MEMORY, minEntries: 1_000_000 });
		await expect(searchDirectory(handle.db, query({ text: 'kurs', municipalityId: small.id }), 'memory')).rejects.toThrow(/no in-memory index/);
		// A second municipality's index does not push out one in use: PostgreSQL answers it meanwhile.
		configureSearchMemory(MEMORY);
		await searchDirectory(handle.db, query({ text: 'kurs' }), 'memory');
		const [inUse] = heldMemoryIndexes();
		configureSearchMemory({ ...MEMORY, maxBytes: inUse.bytes + 1000 });
		const second = query({ text: 'beratung', municipalityId: small.id });
		await expect(searchDirectory(handle.db, second, 'memory')).rejects.toThrow(/no in-memory index/);
		expect(await searchDirectory(handle.db, second)).toEqual(await searchDirectory(handle.db, second, 'sql'));
		expect(heldMemoryIndexes()).toEqual([inUse]);
		configureSearchMemory({ ...MEMORY, maxBytes: 1000 });
		await expect(searchDirectory(handle.db, query({ text: 'kurs' }), 'memory')).rejects.toThrow(/no in-memory index/);
		const bounded = query({ text: 'beratung', page: 2 });
		expect(await searchDirectory(handle.db, bounded)).toEqual(await searchDirectory(handle.db, bounded, 'sql'));
		configureSearchMemory(MEMORY);
	}, 60_000);

	it('is rebuilt after any write to the entries, including one that bypasses the services', async () => {
		await searchDirectory(handle.db, query({ text: 'kurs' }), 'memory');
		await handle.db.execute(sql`delete from search_entry where municipality_id = ${municipalityId} and kind = 'organization'`);
		const after = await searchDirectory(handle.db, query({ text: 'Caritas', levels: STAFF, kind: 'organization' }), 'memory');
		expect(after.total).toBe(0);
	}, 60_000);

	it('builds again in the background once the entries have stayed unchanged for the quiet time', async () => {
		await searchDirectory(handle.db, query({ text: 'kurs' }), 'memory');
		const newest = () => Math.max(...heldMemoryIndexes().map((i) => i.builtAt));
		const built = newest();
		const touch = () => handle.db.execute(sql`update search_entry set updated_at = now() where municipality_id = ${municipalityId} and kind = 'service'`);
		// An import writing batch after batch: no build while the entries keep changing.
		configureSearchMemory({ ...MEMORY, quietMs: 60_000 });
		for (let i = 0; i < 3; i++) {
			await touch();
			const during = query({ text: 'kurs', page: i + 1 });
			expect(await searchDirectory(handle.db, during)).toEqual(await searchDirectory(handle.db, during, 'sql'));
		}
		// Nor once they stop, before the quiet time has passed (a build started meanwhile has ended, discarded).
		const pause = () => new Promise((resolve) => setTimeout(resolve, 500));
		await pause();
		await searchDirectory(handle.db, query({ text: 'kurs' }));
		await pause();
		expect(newest()).toBe(built);
		// Quiet: the next search starts the build, and the ones after it use the new index.
		configureSearchMemory(MEMORY);
		await searchDirectory(handle.db, query({ text: 'kurs' }));
		await vi.waitFor(() => expect(newest()).toBeGreaterThan(built), { timeout: 30_000, interval: 50 });
	}, 60_000);

	it('names the variable of a malformed setting', () => {
		expect(() => searchMemoryOptionsFrom({ SEARCH_INDEX_MAX_BYTES: '256MB' })).toThrow(/SEARCH_INDEX_MAX_BYTES must be a whole number from 0 \(got "256MB"\)/);
		expect(() => searchMemoryOptionsFrom({ SEARCH_INDEX_MIN_ENTRIES: '0' })).toThrow(/SEARCH_INDEX_MIN_ENTRIES must be a whole number from 1/);
		expect(searchMemoryOptionsFrom({ SEARCH_INDEX_MAX_BYTES: '0', SEARCH_INDEX_MIN_ENTRIES: '' })).toEqual({ minEntries: 5_000, maxBytes: 0, quietMs: 10_000 });
	});
});
