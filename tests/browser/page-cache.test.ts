/**
 * The rendered-page cache over HTTP (issue 17 §1, acceptance): anonymous public pages come from
 * the cache with an ETag and 304, gzip and Brotli decoded by Node's zlib; a signed-in GET is
 * never served from the cache and never fills it; another language in `Accept-Language`, the
 * language cookie or the saved list never yields another reader's page; a write by staff shows on
 * the next anonymous request.
 */
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launch, signIn } from '../helpers/browser';
import { Client } from '../helpers/http';
import { SESSION_COOKIE } from '../../src/lib/server/accounts/model';

const base = inject('baseUrl');

/** A GET without cookies (fetch keeps none). */
const get = (path: string, headers: Record<string, string> = {}) => fetch(base + path, { headers: { accept: 'text/html', ...headers }, redirect: 'manual' });

/**
 * A GET of a page that was just rendered, expected from the cache. A cached page is valid only
 * for the minute it was rendered in (pages show "open now"), so when a minute began between the
 * two requests this one renders afresh: then the next, in the same minute, must be a hit.
 */
async function getCached(path: string): Promise<Response> {
	const first = await get(path);
	return first.headers.get('x-page-cache') === 'hit' ? first : get(path);
}

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(() => browser?.close());

describe('rendered-page cache', () => {
	it('serves an anonymous public page from the cache, compressed both ways, and revalidates it with 304', async () => {
		const path = '/de/m/duesseldorf/d/stadtbezirk-1';
		const first = await get(path);
		const html = await first.text();
		expect(first.status).toBe(200);
		expect(first.headers.get('x-page-cache')).toMatch(/^(miss|hit)$/);
		const second = await getCached(path);
		expect(second.headers.get('x-page-cache')).toBe('hit');
		expect(await second.text()).toBe(html);
		expect(second.headers.get('cache-control')).toBe('public, no-cache');
		expect(second.headers.get('vary')).toContain('Cookie');
		// Served before SvelteKit, with the headers of a rendered page.
		expect(second.headers.get('x-content-type-options')).toBe('nosniff');
		expect(second.headers.get('content-security-policy')).toContain("default-src 'none'");
		expect(second.headers.get('content-type')).toBe(first.headers.get('content-type'));
		const etag = second.headers.get('etag')!;
		expect(etag).toMatch(/^"[\w-]+"$/);
		expect((await get(path, { 'if-none-match': etag })).status).toBe(304);

		// fetch decodes bodies itself; node:http hands over the bytes as sent.
		const raw = (encoding: string) =>
			new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
				const req = request(base + path, { headers: { 'accept-encoding': encoding, accept: 'text/html' } }, (res) => {
					const chunks: Buffer[] = [];
					res.on('data', (c) => chunks.push(c));
					res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
				});
				req.on('error', reject);
				req.end();
			});
		const br = await raw('gzip, deflate, br');
		expect(br.encoding).toBe('br');
		expect(brotliDecompressSync(br.body).toString()).toBe(html);
		const gz = await raw('gzip');
		expect(gz.encoding).toBe('gzip');
		expect(gunzipSync(gz.body).toString()).toBe(html);
		expect(br.body.length).toBeLessThan(gz.body.length);
	});

	it('gzips a page rendered for the request whole, with its length', async () => {
		// A signed-in page: never from the cache, so rendered and compressed for each request.
		const path = '/de/m/duesseldorf/search?q=beratung';
		const staff = new Client(base);
		expect(await staff.login('wp5@example.org')).toBe(303);
		const cookie = `${SESSION_COOKIE}=${staff.cookie(SESSION_COOKIE)}`;
		const raw = (encoding: string) =>
			new Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
				const req = request(base + path, { headers: { 'accept-encoding': encoding, accept: 'text/html', cookie } }, (res) => {
					const chunks: Buffer[] = [];
					res.on('data', (c) => chunks.push(c));
					res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
				});
				req.on('error', reject);
				req.end();
			});
		const gz = await raw('gzip, deflate, br');
		expect(gz.headers['x-page-cache']).toBeUndefined();
		expect(gz.headers['content-encoding']).toBe('gzip');
		expect(gz.headers['vary']).toContain('Accept-Encoding');
		expect(Number(gz.headers['content-length'])).toBe(gz.body.length);
		const plain = await raw('identity');
		expect(plain.headers['content-encoding']).toBeUndefined();
		expect(gunzipSync(gz.body).toString()).toBe(plain.body.toString());
		expect(plain.body.toString()).toContain('/de/logout');
	});

	it('never serves a signed-in GET from the cache, and a signed-in GET never fills it', async () => {
		const path = '/de/m/duesseldorf/d/stadtbezirk-9';
		const staff = new Client(base);
		expect(await staff.login('wp5@example.org')).toBe(303);
		for (let i = 0; i < 2; i++) {
			const { status, res, text } = await staff.get(path);
			expect(status).toBe(200);
			expect(res.headers.get('x-page-cache')).toBeNull();
			expect(res.headers.get('cache-control')).toBe('private, no-store');
			expect(text).toContain('/de/logout');
		}
		// The anonymous reader after them renders afresh (nothing was stored) and sees no sign-out.
		const anonymous = await get(path);
		expect(anonymous.headers.get('x-page-cache')).toBe('miss');
		expect(await anonymous.text()).not.toContain('/de/logout');
		// And once it is cached, the signed-in person still gets their own page.
		expect((await getCached(path)).headers.get('x-page-cache')).toBe('hit');
		const after = await staff.get(path);
		expect(after.res.headers.get('x-page-cache')).toBeNull();
		expect(after.text).toContain('/de/logout');
	});

	it('answers in the language of the path whatever Accept-Language or the language cookie say', async () => {
		const path = (lang: string) => `/${lang}/m/duesseldorf`;
		for (const [lang, other] of [['ar', 'de'], ['de', 'ar'], ['uk', 'fa']]) {
			const variants: Record<string, string>[] = [{ 'accept-language': other }, { cookie: `lang=${other}` }, {}];
			for (const headers of variants) {
				const res = await get(path(lang), headers);
				const html = await res.text();
				expect(res.headers.get('x-page-cache')).not.toBeNull();
				expect(html).toMatch(new RegExp(`<html lang="${lang}" dir="${lang === 'ar' || lang === 'fa' ? 'rtl' : 'ltr'}"`));
			}
		}
		// The language of the path is remembered for "/", from the cache too.
		const remembered = await get(path('ar'), { cookie: 'lang=de' });
		expect(remembered.headers.get('set-cookie')).toMatch(/^lang=ar;/);
		expect((await get(path('ar'), { cookie: 'lang=ar' })).headers.get('set-cookie')).toBeNull();
	});

	it('renders afresh for a reader whose page depends on a cookie (the saved list) and for any other cookie', async () => {
		const search = await (await get('/de/m/duesseldorf/search')).text();
		const offer = /href="(\/de\/m\/duesseldorf\/o\/[0-9a-f-]{36})"/.exec(search)![1];
		await get(offer);
		expect((await getCached(offer)).headers.get('x-page-cache')).toBe('hit');
		const reader = new Client(base);
		const saved = await reader.request(`${offer}?/save`, { form: {} });
		expect(saved.status).toBeLessThan(400);
		const withSaved = await reader.get(offer);
		expect(withSaved.res.headers.get('x-page-cache')).toBeNull();
		expect((await get(offer, { cookie: 'something=else' })).headers.get('x-page-cache')).toBeNull();
	});

	it('shows a write by staff on the next anonymous request', async () => {
		const search = await (await get('/de/m/koeln/search')).text();
		const offer = /href="(\/de\/m\/koeln\/o\/([0-9a-f-]{36}))"/.exec(search)!;
		await get(offer[1]);
		expect((await getCached(offer[1])).headers.get('x-page-cache')).toBe('hit');
		const staff = await signIn(browser, 'kalk@example.org');
		await staff.goto(`${base}/de/staff/directory/offers/${offer[2]}`);
		await staff.fill('[name="name.de"]', 'Frisch umbenanntes Angebot');
		await staff.click('form.directory-form > button[type="submit"]');
		await staff.waitForURL(/\?saved=1$/);
		const fresh = await get(offer[1]);
		expect(fresh.headers.get('x-page-cache')).toBe('miss');
		expect(await fresh.text()).toContain('Frisch umbenanntes Angebot');
		await staff.context().close();
	});
});
