/**
 * The rendered-page cache of public pages (issue 17 §1): anonymous GETs of the routes in
 * `CACHED_ROUTES` are answered from memory, compressed once per entry (gzip and Brotli), with an
 * ETag for 304 revalidation.
 *
 * - An entry is keyed on the path with its query (the language is the path's first segment) and
 *   remembers the data version (`audit/versions.ts`) it was rendered at; the version is read from
 *   the database on every request, so a write through any process is seen at once.
 * - Only requests without a session cookie and without any cookie but the language cookie are
 *   served or stored: a signed-in person, or anyone whose page could depend on a cookie (the saved
 *   list), gets a fresh render that never enters the cache.
 * - Only 200 HTML answers without `no-store` and without cookies of their own are stored.
 * - With a read replica (`db/replica.ts`), a page is stored only when the replica's data version
 *   equals the primary's: a lagging replica's page is shown but never cached.
 * - The memory bound (`PAGE_CACHE_MAX_BYTES`) evicts the least recently used entries; a page that
 *   does not fit is rendered and not stored, never refused.
 */
import type { RequestEvent } from '@sveltejs/kit';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';

import { currentDataVersion } from '../audit/versions';
import { perDatabase } from '../core/memo';
import type { DbOrTx } from '../db/client';
import { findMunicipality } from '../geography/service';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/**
 * Route ids (SvelteKit's `event.route.id`) of the public pages served from the cache. To add a
 * public page, add its route id here: it must show the same to every anonymous reader of a
 * language, depend on no cookie but the language, and show only data whose writes go through
 * the audit log (or raise the data version otherwise).
 */
export const CACHED_ROUTES: ReadonlySet<string> = new Set([
	'/[lang=locale]',
	'/[lang=locale]/m/[municipality]',
	'/[lang=locale]/m/[municipality]/d/[district]',
	'/[lang=locale]/m/[municipality]/i/[instance]',
	'/[lang=locale]/m/[municipality]/o/[id]',
	'/[lang=locale]/m/[municipality]/a/[id]',
	'/[lang=locale]/m/[municipality]/search',
	'/[lang=locale]/m/[municipality]/calendar',
	'/[lang=locale]/m/[municipality]/calendar/instance/[slug]',
	'/[lang=locale]/m/[municipality]/calendar/space/[id]'
]);

/** Headers of a rendered page kept with its entry; everything else is set per answer. */
const KEPT_HEADERS = ['content-type', 'cache-control', 'content-security-policy', 'content-language', 'link'];

/** A rendered page, its compressed forms and its validator. */
export interface CachedPage {
	/** The data version it was rendered at. */
	version: string;
	headers: [string, string][];
	identity: Buffer;
	gzip: Buffer;
	br: Buffer;
	/** Strong ETag over the uncompressed body. */
	etag: string;
	/** Bytes the entry holds (the three bodies). */
	size: number;
	/** Where it was rendered: the municipality slug of its path (its data version), whether over HTTPS. */
	slug: string | undefined;
	https: boolean;
	/** The language of its path and the `Set-Cookie` that remembers it, for readers without it. */
	lang: string | null;
	languageCookie: string | null;
}

/** What `toEntry` records besides the answer: see `CachedPage`. */
export type EntryMeta = Pick<CachedPage, 'slug' | 'https' | 'lang' | 'languageCookie'>;

/**
 * A least-recently-used map of rendered pages bounded by the bytes of their bodies. An entry
 * larger than a quarter of the bound is not stored (one large page must not empty the cache).
 */
export class PageCache {
	private readonly entries = new Map<string, CachedPage>();
	private bytes = 0;

	/** @param maxBytes the bound on the bytes of all stored bodies. */
	constructor(readonly maxBytes: number) {}

	/** The entry of `key` when it was rendered at `version`; marks it recently used. */
	get(key: string, version: string): CachedPage | undefined {
		const entry = this.entries.get(key);
		if (!entry || entry.version !== version) return undefined;
		this.entries.delete(key);
		this.entries.set(key, entry);
		return entry;
	}

	/** The entry of `key` whatever its version (the caller compares it); marks it recently used. */
	peek(key: string): CachedPage | undefined {
		const entry = this.entries.get(key);
		if (entry) {
			this.entries.delete(key);
			this.entries.set(key, entry);
		}
		return entry;
	}

	/** Stores an entry, evicting the least recently used ones; false when it is too large to keep. */
	set(key: string, entry: CachedPage): boolean {
		this.delete(key);
		if (entry.size > this.maxBytes / 4) return false;
		while (this.bytes + entry.size > this.maxBytes) {
			const oldest = this.entries.keys().next().value as string;
			this.delete(oldest);
		}
		this.entries.set(key, entry);
		this.bytes += entry.size;
		return true;
	}

	private delete(key: string): void {
		const old = this.entries.get(key);
		if (old) {
			this.bytes -= old.size;
			this.entries.delete(key);
		}
	}

	/** Number of entries and bytes held (for logs and tests). */
	get stats(): { entries: number; bytes: number } {
		return { entries: this.entries.size, bytes: this.bytes };
	}
}

/** Default memory bound: 64 MiB of page bodies (about 500 pages with their compressed forms). */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * The memory bound from `PAGE_CACHE_MAX_BYTES` (bytes; `0` turns the cache off).
 * @throws Error naming the variable when it is not a whole number ≥ 0.
 */
export function maxBytesFrom(value: string | undefined): number {
	if (value === undefined || value.trim() === '') return DEFAULT_MAX_BYTES;
	if (!/^\d+$/.test(value.trim())) throw new Error(`PAGE_CACHE_MAX_BYTES must be a whole number of bytes ≥ 0, not "${value}"`);
	return Number(value.trim());
}

/**
 * Whether a request may be answered from (and fill) the cache: a GET of a listed route, not a
 * data request, without a session cookie or any other cookie than `allowedCookies`.
 * @param cookieHeader the raw `Cookie` header.
 */
export function mayUseCache(input: {
	method: string;
	routeId: string | null;
	dataRequest: boolean;
	cookieHeader: string | null;
	allowedCookies: readonly string[];
}): boolean {
	if (input.method !== 'GET' || input.dataRequest || !input.routeId || !CACHED_ROUTES.has(input.routeId)) return false;
	return onlyCookies(input.cookieHeader, input.allowedCookies);
}

/** Whether a `Cookie` header (or none) names no cookie outside `allowed`. */
function onlyCookies(cookieHeader: string | null, allowed: readonly string[]): boolean {
	if (!cookieHeader) return true;
	return cookieHeader
		.split(';')
		.map((c) => c.split('=')[0].trim())
		.filter(Boolean)
		.every((name) => allowed.includes(name));
}

/**
 * Whether a rendered answer may be stored: 200, uncompressed HTML, no `no-store`, and no cookie
 * other than `allowedCookies` set by it. (`private` is kept: the entry serves only requests
 * without cookies, which all see the same page.)
 */
export function mayStore(response: Response, allowedCookies: readonly string[]): boolean {
	if (response.status !== 200 || !response.body) return false;
	if (!(response.headers.get('content-type') ?? '').startsWith('text/html')) return false;
	if (/no-store/.test(response.headers.get('cache-control') ?? '')) return false;
	if (response.headers.has('content-encoding')) return false;
	return response.headers.getSetCookie().every((c) => allowedCookies.includes(c.split('=')[0].trim()));
}

/**
 * Renders the entry of a stored answer: reads its body and compresses it once, both ways.
 * Brotli at quality 5: on a 60 KB page it takes about 5 ms against 22 ms at 9 for 2 % more
 * bytes, and every miss pays it (a search with new words is a miss).
 */
export async function toEntry(
	response: Response,
	version: string,
	meta: EntryMeta = { slug: undefined, https: false, lang: null, languageCookie: null }
): Promise<CachedPage> {
	const identity = Buffer.from(await response.arrayBuffer());
	const [gz, br] = await Promise.all([
		gzipAsync(identity, { level: 6 }),
		brotliAsync(identity, { params: { [zlib.BROTLI_PARAM_QUALITY]: 5, [zlib.BROTLI_PARAM_SIZE_HINT]: identity.length } })
	]);
	const headers: [string, string][] = [];
	for (const name of KEPT_HEADERS) {
		const value = response.headers.get(name);
		if (value !== null) headers.push([name, value]);
	}
	const etag = `"${createHash('sha256').update(identity).digest('base64url').slice(0, 27)}"`;
	return { version, headers, identity, gzip: gz, br, etag, size: identity.length + gz.length + br.length, ...meta };
}

/** The encoding to answer with, by `Accept-Encoding` (Brotli before gzip; `q=0` refuses). */
export function chooseEncoding(acceptEncoding: string | null): 'br' | 'gzip' | 'identity' {
	const accepted = new Map<string, number>();
	for (const part of (acceptEncoding ?? '').split(',')) {
		const [name, ...params] = part.trim().toLowerCase().split(';');
		if (!name) continue;
		const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
		accepted.set(name, q ? Number(q[1]) : 1);
	}
	const ok = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
	if (ok('br')) return 'br';
	if (ok('gzip')) return 'gzip';
	return 'identity';
}

/** Whether `If-None-Match` names `etag` (weak comparison, lists and `*`). */
export function matchesEtag(ifNoneMatch: string | null, etag: string): boolean {
	if (!ifNoneMatch) return false;
	if (ifNoneMatch.trim() === '*') return true;
	return ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/**
 * The answer from an entry, as status, headers and body: 304 when the client holds it, else the
 * body in the chosen encoding. Public pages default to `public, no-cache` (stored by browsers and
 * proxies, revalidated on every use, so a write is never hidden); a page's own `Cache-Control`
 * is kept.
 */
export function answerParts(
	entry: CachedPage,
	request: { method: string; ifNoneMatch: string | null; acceptEncoding: string | null },
	served: 'hit' | 'miss'
): { status: 200 | 304; headers: Headers; body: Buffer | null } {
	const headers = new Headers(entry.headers);
	if (!headers.has('cache-control')) headers.set('cache-control', 'public, no-cache');
	headers.set('etag', entry.etag);
	headers.set('vary', 'Accept-Encoding, Cookie');
	headers.set('x-page-cache', served);
	if (matchesEtag(request.ifNoneMatch, entry.etag)) {
		headers.delete('content-type');
		return { status: 304, headers, body: null };
	}
	const encoding = chooseEncoding(request.acceptEncoding);
	const body = encoding === 'br' ? entry.br : encoding === 'gzip' ? entry.gzip : entry.identity;
	if (encoding !== 'identity') headers.set('content-encoding', encoding);
	headers.set('content-length', String(body.length));
	return { status: 200, headers, body: request.method === 'HEAD' ? null : body };
}

/** `answerParts` as a Response. */
export function answer(entry: CachedPage, request: Request, served: 'hit' | 'miss'): Response {
	const parts = answerParts(entry, { method: request.method, ifNoneMatch: request.headers.get('if-none-match'), acceptEncoding: request.headers.get('accept-encoding') }, served);
	return new Response(parts.body ? new Uint8Array(parts.body) : null, { status: parts.status, headers: parts.headers });
}

/**
 * Headers every answer carries (the `finish` hook sets them on rendered pages; the fast path on
 * cached ones). HSTS only over HTTPS.
 */
export function securityHeaders(https: boolean): [string, string][] {
	const headers: [string, string][] = [
		['X-Content-Type-Options', 'nosniff'],
		['Referrer-Policy', 'same-origin'],
		['Permissions-Policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()'],
		['Cross-Origin-Opener-Policy', 'same-origin']
	];
	if (https) headers.push(['Strict-Transport-Security', 'max-age=31536000; includeSubDomains']);
	return headers;
}

/** Per database handle: slug → municipality id (slugs are stable; a miss asks the database). */
const municipalityIdsIn = perDatabase(() => new Map<string, string>());

/** The municipality id of a path's slug (null: none by that slug), remembered per process. */
async function municipalityIdOf(db: DbOrTx, slug: string): Promise<string | null> {
	const municipalityIds = municipalityIdsIn(db);
	let id = municipalityIds.get(slug);
	if (!id) {
		const m = await findMunicipality(db, slug);
		// An unknown municipality: its 404 is rendered, never stored.
		if (!m) return null;
		id = m.id;
		if (municipalityIds.size > 10_000) municipalityIds.clear();
		municipalityIds.set(slug, id);
	}
	return id;
}

/**
 * The data version for a request (`currentDataVersion`: held on the embedded database until a
 * raise, else from a read that started after the request arrived, shared by the requests that
 * arrived meanwhile): of the path's municipality as `id:version`, else of everything; null for
 * an unknown municipality slug.
 */
export async function freshVersion(db: DbOrTx, slug: string | undefined): Promise<string | null> {
	if (!slug) return currentDataVersion(db, null);
	const id = await municipalityIdOf(db, slug);
	return id && `${id}:${await currentDataVersion(db, id)}`;
}

/** How long a rendered page may show the clock it was rendered at, in milliseconds. */
export const PAGE_CLOCK_MS = 60_000;

/**
 * The version a cached page is valid for: the data version plus the minute it was rendered in.
 * Public pages show time as well as data ("open now" on offers, this week's calendar), so an
 * entry is rendered afresh at least once a minute even when nothing was written. `now` in ms.
 */
export function pageVersion(dataVersion: string | null, now = Date.now()): string | null {
	return dataVersion === null ? null : `${dataVersion}@${Math.floor(now / PAGE_CLOCK_MS)}`;
}

/**
 * Whether the pages' reads may be stored under `dataVersion` (read from the primary): true
 * without a separate read database; with a replica, only when the replica's data version, read
 * before rendering, is the primary's — a replica behind it would put older data under a newer
 * version, and it is rendered from the replica without being stored. A failing read: false.
 */
async function replicaCaughtUp(options: { db: () => Promise<DbOrTx>; readDb?: () => Promise<DbOrTx> }, slug: string | undefined, dataVersion: string | null): Promise<boolean> {
	if (!options.readDb) return true;
	try {
		const [primary, replica] = await Promise.all([options.db(), options.readDb()]);
		if (primary === replica) return true;
		return (await freshVersion(replica, slug)) === dataVersion;
	} catch {
		return false;
	}
}

/** Renders in flight, so concurrent misses of one page render it once. */
const rendering = new Map<string, Promise<CachedPage | null>>();

/**
 * Answers a request through the cache: from an entry of the current data version, or by
 * rendering (`resolve`) and storing the answer when `mayStore` allows. Requests `mayUseCache`
 * refuses are passed to `resolve` untouched. A failure to read the version or to compress
 * renders the page as if there were no cache.
 */
export async function servePage(
	event: RequestEvent,
	resolve: (event: RequestEvent) => Response | Promise<Response>,
	options: {
		db: () => Promise<DbOrTx>;
		/** The database the page's loads read (`getReadDb`, a replica); the primary when left out. */
		readDb?: () => Promise<DbOrTx>;
		cache: PageCache;
		allowedCookies: readonly string[];
		meta: () => Omit<EntryMeta, 'slug'>;
	}
): Promise<Response> {
	const usable =
		options.cache.maxBytes > 0 &&
		mayUseCache({
			method: event.request.method,
			routeId: event.route.id,
			dataRequest: event.isDataRequest,
			cookieHeader: event.request.headers.get('cookie'),
			allowedCookies: options.allowedCookies
		});
	if (!usable) return resolve(event);
	const key = event.url.pathname + event.url.search;
	let dataVersion: string | null;
	try {
		dataVersion = await freshVersion(await options.db(), event.params.municipality);
	} catch {
		return resolve(event);
	}
	const version = pageVersion(dataVersion);
	if (version === null) return resolve(event);
	const hit = options.cache.get(key, version);
	if (hit) return answer(hit, event.request, 'hit');
	const flightKey = `${key} ${version}`;
	const inFlight = rendering.get(flightKey);
	if (inFlight) {
		const entry = await inFlight;
		if (entry) return answer(entry, event.request, 'hit');
		return resolve(event);
	}
	// Only the request that renders asks the replica; those waiting on it take its checked entry.
	if (!(await replicaCaughtUp(options, event.params.municipality, dataVersion))) return resolve(event);
	const response = await resolve(event);
	if (!mayStore(response, options.allowedCookies)) return response;
	const render = toEntry(response, version, { slug: event.params.municipality, ...options.meta() }).catch(() => null);
	rendering.set(flightKey, render);
	try {
		const entry = await render;
		if (!entry) return new Response('Internal Error\n', { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' } });
		options.cache.set(key, entry);
		return answer(entry, event.request, 'miss');
	} finally {
		rendering.delete(flightKey);
	}
}

/** A request as `node:http` hands it over (the fields the fast path reads). */
export interface RawRequest {
	method?: string;
	url?: string;
	headers: Record<string, string | string[] | undefined>;
}

/** A response as `node:http` takes it. */
export interface RawResponse {
	writeHead(status: number, headers: Record<string, string | string[]>): unknown;
	end(body?: Uint8Array): unknown;
}

/** Whether adapter-node takes a request for HTTPS: `ORIGIN`, else `PROTOCOL_HEADER`, else https. */
export function requestIsHttps(req: RawRequest, env: { ORIGIN?: string; PROTOCOL_HEADER?: string }): boolean {
	if (env.ORIGIN) return env.ORIGIN.startsWith('https:');
	const header = env.PROTOCOL_HEADER?.toLowerCase();
	const value = header ? req.headers[header] : undefined;
	return (typeof value === 'string' ? value : 'https') === 'https';
}

/**
 * The fast path before SvelteKit (`scripts/serve.js` calls it first): answers a request for
 * which the cache holds an entry of the current data version, with the entry's and the security
 * headers, without routing or hooks. Only pages that went through `servePage` are held, so the
 * route, edge and cookie checks were made for that URL; the request's own method and cookies are
 * checked again here. Anything else — no entry, an older version, other cookies, a failing
 * version read — returns false and SvelteKit answers.
 */
export async function serveRaw(
	req: RawRequest,
	res: RawResponse,
	options: { db: () => Promise<DbOrTx>; cache: PageCache; cookieName: string; env: { ORIGIN?: string; PROTOCOL_HEADER?: string } }
): Promise<boolean> {
	if ((req.method !== 'GET' && req.method !== 'HEAD') || !req.url?.startsWith('/') || req.url.startsWith('//') || options.cache.maxBytes === 0) return false;
	const cookieHeader = typeof req.headers.cookie === 'string' ? req.headers.cookie : null;
	if (!onlyCookies(cookieHeader, [options.cookieName])) return false;
	let key: string;
	try {
		const url = new URL(req.url, 'http://localhost');
		key = url.pathname + url.search;
	} catch {
		return false;
	}
	const entry = options.cache.peek(key);
	if (!entry || entry.https !== requestIsHttps(req, options.env)) return false;
	let version: string | null;
	try {
		version = pageVersion(await freshVersion(await options.db(), entry.slug));
	} catch {
		return false;
	}
	if (version !== entry.version) return false;
	const header = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : null);
	const parts = answerParts(entry, { method: req.method, ifNoneMatch: header('if-none-match'), acceptEncoding: header('accept-encoding') }, 'hit');
	const out: Record<string, string | string[]> = {};
	parts.headers.forEach((value, name) => (out[name] = value));
	for (const [name, value] of securityHeaders(entry.https)) out[name] = value;
	const sent = cookieHeader ? new RegExp(`(?:^|;\\s*)${options.cookieName}=([^;]*)`).exec(cookieHeader)?.[1] : undefined;
	if (entry.lang && entry.languageCookie && sent !== entry.lang) out['set-cookie'] = [entry.languageCookie];
	res.writeHead(parts.status, out);
	res.end(parts.body ?? undefined);
	return true;
}
