/**
 * The rendered-page cache's parts (issue 17 §1): the data version every audited write raises in
 * its own transaction (per municipality, `*` for none, once per statement, not on rollback), and
 * the cache's rules — which requests and answers it may use, the memory bound that falls back
 * to rendering, encodings and ETags. Compressed bodies are checked with Node's zlib decoders.
 */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit, recordAudits } from '../../src/lib/server/audit/service';
import { currentDataVersion, raiseGlobalDataVersion, readDataVersion, watchDataVersions } from '../../src/lib/server/audit/versions';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { answer, chooseEncoding, freshVersion, pageVersion, PAGE_CLOCK_MS, mayStore, maxBytesFrom, mayUseCache, matchesEtag, PageCache, toEntry } from '../../src/lib/server/http/page-cache';
import { systemPrincipal } from '../../src/lib/server/access';
import { publicSearch } from '../../src/lib/server/directory/pages/search';
import { saveService } from '../../src/lib/server/directory/service';
import { DB_KIND, freshDatabase } from '../helpers/db';
import { offer } from '../helpers/directory';
import { buildWorld, type World } from '../helpers/world';

let h: DatabaseHandle;
let w: World;

beforeAll(async () => {
	h = await freshDatabase();
	w = await buildWorld(h.db);
});
afterAll(() => h.close());

describe('data version', () => {
	it('rises for the municipality an audited write names, and for everyone with a global one', async () => {
		const [k0, o0, all0] = await Promise.all([readDataVersion(h.db, w.ids.k), readDataVersion(h.db, w.ids.o), readDataVersion(h.db, null)]);
		await recordAudit(h.db, { actorLabel: 'test', municipalityId: w.ids.k, action: 'update', entityType: 'thing' });
		const k1 = await readDataVersion(h.db, w.ids.k);
		expect(k1).not.toBe(k0);
		expect(await readDataVersion(h.db, w.ids.o)).toBe(o0);
		expect(await readDataVersion(h.db, null)).not.toBe(all0);
		await recordAudit(h.db, { actorLabel: 'test', action: 'update', entityType: 'thing' });
		expect(await readDataVersion(h.db, w.ids.o)).not.toBe(o0);
		expect(await readDataVersion(h.db, w.ids.k)).not.toBe(k1);
		const before = await readDataVersion(h.db, w.ids.k);
		await raiseGlobalDataVersion(h.db);
		expect(await readDataVersion(h.db, w.ids.k)).not.toBe(before);
	});

	it('stays put for audited reads of personal data and sign-ins, which change no page', async () => {
		const [k0, all0] = await Promise.all([readDataVersion(h.db, w.ids.k), readDataVersion(h.db, null)]);
		await recordAudit(h.db, { actorLabel: 'test', municipalityId: w.ids.k, action: 'read', entityType: 'case' });
		await recordAudit(h.db, { actorLabel: 'test', action: 'login', entityType: 'session' });
		expect(await readDataVersion(h.db, w.ids.k)).toBe(k0);
		expect(await readDataVersion(h.db, null)).toBe(all0);
	});

	it('renders a page afresh each minute, since public pages show the time ("open now", this week)', () => {
		const minute = Date.UTC(2027, 2, 1, 11, 59);
		expect(pageVersion('1.2', minute)).toBe(pageVersion('1.2', minute + PAGE_CLOCK_MS - 1));
		expect(pageVersion('1.2', minute + PAGE_CLOCK_MS)).not.toBe(pageVersion('1.2', minute));
		expect(pageVersion('1.3', minute)).not.toBe(pageVersion('1.2', minute));
		expect(pageVersion(null, minute)).toBeNull();
	});

	it('is read for a request after it arrived, so a committed write is seen even while an older read runs', async () => {
		const older = freshVersion(h.db, 'koeln');
		await recordAudit(h.db, { actorLabel: 'test', municipalityId: w.ids.k, action: 'update', entityType: 'thing' });
		const [, b, c] = await Promise.all([older, freshVersion(h.db, 'koeln'), freshVersion(h.db, 'koeln')]);
		const now = `${w.ids.k}:${await readDataVersion(h.db, w.ids.k)}`;
		expect(b).toBe(now);
		expect(c).toBe(now);
		expect(await freshVersion(h.db, 'nowhere')).toBeNull();
		expect(await freshVersion(h.db, undefined)).toBe(await readDataVersion(h.db, null));
	});

	it('rises once per statement and scope in a bulk write, and not when the write rolls back', async () => {
		const [g, k] = (await readDataVersion(h.db, w.ids.k)).split('.').map(Number);
		await recordAudits(
			h.db,
			Array.from({ length: 50 }, () => ({ actorLabel: 'test', municipalityId: w.ids.k, action: 'import', entityType: 'thing' }))
		);
		expect(await readDataVersion(h.db, w.ids.k)).toBe(`${g}.${k + 1}`);
		await expect(
			h.db.transaction(async (tx) => {
				await recordAudit(tx, { actorLabel: 'test', municipalityId: w.ids.k, action: 'update', entityType: 'thing' });
				throw new Error('rolled back');
			})
		).rejects.toThrow('rolled back');
		expect(await readDataVersion(h.db, w.ids.k)).toBe(`${g}.${k + 1}`);
	});
});

describe('search form choices read once per data version', () => {
	it('show a language of a new offer on the next search', async () => {
		const search = () => publicSearch(h.db, w.ids.k, new URLSearchParams('q=kurs'), 'de', ['public']);
		expect((await search()).languages).not.toContain('ti');
		expect(await search()).toEqual(await search());
		await saveService(h.db, systemPrincipal('test'), w.ids.k, offer(w.ids.org, { languages: ['de', 'ti'] }));
		expect((await search()).languages).toContain('ti');
	});
});

const page = (body: string, headers: Record<string, string> = {}) =>
	new Response(body, { status: 200, headers: { 'content-type': 'text/html', ...headers } });
const base = { method: 'GET', routeId: '/[lang=locale]/m/[municipality]', dataRequest: false, allowedCookies: ['lang'] };

describe('which requests and answers the cache may use', () => {
	it('serves anonymous GETs of listed public routes only', () => {
		expect(mayUseCache({ ...base, cookieHeader: null })).toBe(true);
		expect(mayUseCache({ ...base, cookieHeader: 'lang=ar' })).toBe(true);
		expect(mayUseCache({ ...base, cookieHeader: 'lang=de; session=abc' })).toBe(false);
		expect(mayUseCache({ ...base, cookieHeader: 'saved=1.2' })).toBe(false);
		expect(mayUseCache({ ...base, method: 'POST', cookieHeader: null })).toBe(false);
		expect(mayUseCache({ ...base, dataRequest: true, cookieHeader: null })).toBe(false);
		expect(mayUseCache({ ...base, routeId: '/[lang=locale]/staff', cookieHeader: null })).toBe(false);
		expect(mayUseCache({ ...base, routeId: null, cookieHeader: null })).toBe(false);
	});

	it('stores 200 HTML without no-store and without cookies but the language', () => {
		expect(mayStore(page('<p>x</p>'), ['lang'])).toBe(true);
		expect(mayStore(page('<p>x</p>', { 'set-cookie': 'lang=de; Path=/' }), ['lang'])).toBe(true);
		expect(mayStore(page('<p>x</p>', { 'set-cookie': 'session=1; Path=/' }), ['lang'])).toBe(false);
		expect(mayStore(page('<p>x</p>', { 'cache-control': 'private, no-store' }), ['lang'])).toBe(false);
		expect(mayStore(new Response('{}', { headers: { 'content-type': 'application/json' } }), ['lang'])).toBe(false);
		expect(mayStore(new Response('<p>gone</p>', { status: 404, headers: { 'content-type': 'text/html' } }), ['lang'])).toBe(false);
	});
});

describe('entries', () => {
	it('compresses once, both ways, and answers by Accept-Encoding with an ETag and 304', async () => {
		const html = `<!doctype html><p>${'Beratung '.repeat(500)}</p>`;
		const entry = await toEntry(page(html, { 'cache-control': 'private, no-cache' }), '1.2');
		expect(gunzipSync(entry.gzip).toString()).toBe(html);
		expect(brotliDecompressSync(entry.br).toString()).toBe(html);
		expect(entry.br.length).toBeLessThan(html.length / 10);

		const br = answer(entry, new Request('http://x/', { headers: { 'accept-encoding': 'gzip, deflate, br' } }), 'hit');
		expect(br.headers.get('content-encoding')).toBe('br');
		expect(br.headers.get('cache-control')).toBe('private, no-cache');
		expect(br.headers.get('vary')).toBe('Accept-Encoding, Cookie');
		const gz = answer(entry, new Request('http://x/', { headers: { 'accept-encoding': 'gzip' } }), 'hit');
		expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(html);
		const plain = answer(entry, new Request('http://x/'), 'hit');
		expect(plain.headers.get('content-encoding')).toBeNull();
		expect(await plain.text()).toBe(html);
		const again = answer(entry, new Request('http://x/', { headers: { 'if-none-match': `W/"other", ${entry.etag}` } }), 'hit');
		expect(again.status).toBe(304);
		expect(again.headers.get('etag')).toBe(entry.etag);
	});

	it('chooses encodings by q-values', () => {
		expect(chooseEncoding('br;q=0, gzip')).toBe('gzip');
		expect(chooseEncoding('gzip;q=0, identity')).toBe('identity');
		expect(chooseEncoding('*')).toBe('br');
		expect(chooseEncoding(null)).toBe('identity');
		expect(matchesEtag('*', '"a"')).toBe(true);
		expect(matchesEtag('"b"', '"a"')).toBe(false);
	});

	it('keeps within its memory bound, evicting the least recently used, and never stores what does not fit', async () => {
		const entry = async (n: number) => toEntry(page('x'.repeat(n)), 'v');
		const cache = new PageCache(4000);
		const a = await entry(500);
		cache.set('/a', a);
		cache.set('/b', await entry(500));
		expect(cache.get('/a', 'v')).toBe(a); // /a is now the most recently used
		for (let i = 0; i < 10; i++) cache.set(`/c${i}`, await entry(500));
		expect(cache.stats.bytes).toBeLessThanOrEqual(4000);
		expect(cache.get('/b', 'v')).toBeUndefined();
		const big = await toEntry(page(Array.from({ length: 3000 }, (_, i) => i.toString(36)).join('')), 'v');
		expect(cache.set('/big', big)).toBe(false);
		expect(cache.get('/big', 'v')).toBeUndefined();
		expect(cache.get(`/c9`, 'other version')).toBeUndefined();
	});

	it('reads its bound from PAGE_CACHE_MAX_BYTES and names the variable when it is not a number', () => {
		expect(maxBytesFrom(undefined)).toBe(64 * 1024 * 1024);
		expect(maxBytesFrom('0')).toBe(0);
		expect(maxBytesFrom(' 1000 ')).toBe(1000);
		expect(() => maxBytesFrom('64M')).toThrow(/PAGE_CACHE_MAX_BYTES/);
	});
});

// Last: it switches this database handle to held versions for the rest of the file.
describe.skipIf(DB_KIND !== 'pglite')('held versions on the embedded database', () => {
	it('holds a version until a write raises it, and sees the write as soon as it returns', async () => {
		await watchDataVersions(h.db, h.pglite!);
		const first = await freshVersion(h.db, 'koeln');
		expect(await freshVersion(h.db, 'koeln')).toBe(first);
		await recordAudit(h.db, { actorLabel: 'test', municipalityId: w.ids.k, action: 'update', entityType: 'thing' });
		const after = await freshVersion(h.db, 'koeln');
		expect(after).not.toBe(first);
		expect(after).toBe(`${w.ids.k}:${await readDataVersion(h.db, w.ids.k)}`);
		await h.db.transaction(async (tx) => {
			await recordAudit(tx, { actorLabel: 'test', action: 'update', entityType: 'thing' });
		});
		expect(await freshVersion(h.db, 'koeln')).not.toBe(after);
		await raiseGlobalDataVersion(h.db);
		expect(await freshVersion(h.db, 'koeln')).toBe(`${w.ids.k}:${await readDataVersion(h.db, w.ids.k)}`);
	});

	it('reads afresh inside a transaction, which sees its own raise before the notice of its commit', async () => {
		const held = await currentDataVersion(h.db, w.ids.k);
		await h.db.transaction(async (tx) => {
			await recordAudit(tx, { actorLabel: 'test', municipalityId: w.ids.k, action: 'update', entityType: 'thing' });
			const inside = await currentDataVersion(tx, w.ids.k);
			expect(inside).not.toBe(held);
			expect(inside).toBe(await readDataVersion(tx, w.ids.k));
		});
		expect(await currentDataVersion(h.db, w.ids.k)).toBe(await readDataVersion(h.db, w.ids.k));
	});
});
