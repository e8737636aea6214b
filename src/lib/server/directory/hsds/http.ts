/**
 * HTTP side of the HSDS read API: turns the functions of `api.ts` into JSON responses with the
 * chosen language, CORS for everyone (public read-only data) and JSON errors (400 naming the
 * parameter, 404). `format=ndjson` streams every result of a list, one object per line,
 * without paging (openapi.json `format`). Source: issue 3 §7.
 */
import type { RequestEvent } from '@sveltejs/kit';
import { getDb } from '../../db';
import type { Db } from '../../db/client';
import { HsdsRequestError, MAX_PER_PAGE, parseHsdsQuery, type HsdsPage, type HsdsQuery } from './api';

const BASE_HEADERS = {
	'access-control-allow-origin': '*',
	'cache-control': 'public, max-age=60',
	vary: 'Accept-Language'
};

function json(body: unknown, status: number, lang?: string): Response {
	return new Response(JSON.stringify(body), {
		status,
		headers: { ...BASE_HEADERS, 'content-type': 'application/json; charset=utf-8', ...(lang ? { 'content-language': lang } : {}) }
	});
}

/** A 400/404 as the API's JSON error, anything else rethrown (500 through SvelteKit). */
function failure(e: unknown): Response {
	if (e instanceof HsdsRequestError) return json({ error: e.message, ...(e.parameter ? { parameter: e.parameter } : {}) }, e.status);
	throw e;
}

/** Answers a single-object endpoint with what `produce` returns. */
export async function hsdsObject(event: RequestEvent, produce: (db: Db, q: HsdsQuery) => unknown): Promise<Response> {
	try {
		const q = parseHsdsQuery(event.url.searchParams, event.request.headers.get('accept-language'));
		return json(await produce(await getDb(), q), 200, q.lang);
	} catch (e) {
		return failure(e);
	}
}

/** Answers a list endpoint: one page in the HSDS envelope, or every result as NDJSON. */
export async function hsdsList(event: RequestEvent, list: (db: Db, q: HsdsQuery) => HsdsPage | Promise<HsdsPage>): Promise<Response> {
	try {
		const q = parseHsdsQuery(event.url.searchParams, event.request.headers.get('accept-language'));
		const db = await getDb();
		if (q.format === 'json') return json(await list(db, q), 200, q.lang);
		const first = await list(db, { ...q, page: 1, perPage: MAX_PER_PAGE });
		const encoder = new TextEncoder();
		let page = 1;
		let current = first;
		const stream = new ReadableStream<Uint8Array>({
			async pull(controller) {
				if (current.contents.length) controller.enqueue(encoder.encode(current.contents.map((c) => `${JSON.stringify(c)}\n`).join('')));
				if (current.last_page) {
					controller.close();
					return;
				}
				page += 1;
				current = await list(db, { ...q, page, perPage: MAX_PER_PAGE });
			}
		});
		return new Response(stream, { headers: { ...BASE_HEADERS, 'content-type': 'application/x-ndjson; charset=utf-8', 'content-language': q.lang } });
	} catch (e) {
		return failure(e);
	}
}
