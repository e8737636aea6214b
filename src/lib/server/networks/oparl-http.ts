/**
 * HTTP side of the OParl 1.1 API (issue 14 §7, docs/oparl.md): turns the functions of `oparl.ts`
 * into JSON responses. The API's base URL is the request's origin + `/api/oparl`, so the object
 * ids are the URLs they are fetched from (OParl 1.1 §2.3 "id: URL des Objekts"). CORS is open to
 * everyone (read-only public data, §2.6 recommends it), and a refusal is the specification's
 * error object (§2.9) with 400 or 404 as JSON; anything else is rethrown (500 through SvelteKit).
 */
import type { RequestEvent } from '@sveltejs/kit';
import { getDb } from '../db';
import type { Db } from '../db/client';
import { OparlError, oparlErrorBody, parseListQuery, type ListQuery } from './oparl';

const HEADERS = { 'access-control-allow-origin': '*', 'cache-control': 'public, max-age=60' };

function json(body: unknown, status: number): Response {
	return new Response(JSON.stringify(body), { status, headers: { ...HEADERS, 'content-type': 'application/json; charset=utf-8' } });
}

/** The API's absolute base URL for a request (no trailing slash). */
export function oparlBase(url: URL): string {
	return `${url.origin}/api/oparl`;
}

/** Answers with what `produce` returns, or with the OParl error object of an `OparlError`. */
export async function oparlResponse(event: RequestEvent, produce: (db: Db, base: string) => unknown): Promise<Response> {
	try {
		return json(await produce(await getDb(), oparlBase(event.url)), 200);
	} catch (e) {
		if (e instanceof OparlError) return json(oparlErrorBody(e), e.status);
		throw e;
	}
}

/** Answers a list endpoint: paging and filters are read (400 naming a bad one) before `produce` runs. */
export function oparlListResponse(event: RequestEvent, produce: (db: Db, base: string, q: ListQuery, self: URL) => unknown): Promise<Response> {
	return oparlResponse(event, (db, base) => produce(db, base, parseListQuery(event.url.searchParams), new URL(`${event.url.origin}${event.url.pathname}${event.url.search}`)));
}

/** Answers a File's `accessUrl` with its text (UTF-8 plain text), or the OParl error object. */
export async function oparlTextResponse(produce: (db: Db) => Promise<string>): Promise<Response> {
	try {
		return new Response(await produce(await getDb()), { headers: { ...HEADERS, 'content-type': 'text/plain; charset=utf-8' } });
	} catch (e) {
		if (e instanceof OparlError) return json(oparlErrorBody(e), e.status);
		throw e;
	}
}
