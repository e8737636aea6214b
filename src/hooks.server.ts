/**
 * The request pipeline: start-up (`init`), then per request, inside `finish` (security
 * headers, gzip, discarding request bodies a route did not read):
 * 1. `edge` — text that cannot be stored is refused (400/413) before any route sees it;
 * 2. `pages` — anonymous GETs of the public pages listed in `http/page-cache.ts` from the
 *    rendered-page cache (a request with a session cookie never uses it; a miss goes on);
 * 2a. `i18n` — the language from the URL (Paraglide), remembered in a cookie;
 * 3. `auth` — the session cookie to a principal (inactivity timeout included);
 * 4. `guard` — the one guard of the staff, administration and volunteer areas (pages,
 *    `__data.json` and actions alike).
 */
import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { directionOf, localeFromPath } from '$lib/i18n';
import { m } from '$lib/paraglide/messages.js';
import { defineCustomServerStrategy, cookieName, type Locale } from '$lib/paraglide/runtime';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { SESSION_COOKIE } from '$lib/server/accounts/model';
import { resolveSession } from '$lib/server/accounts/sessions';
import { errorFields, log } from '$lib/server/core/log';
import { getDb, getReadDb } from '$lib/server/db';
import { checkBody, checkUrl, type EdgeRefusal } from '$lib/server/http/edge';
import { nameErrorSummaryFields } from '$lib/server/http/error-summary';
import { decide } from '$lib/server/http/guard';
import { lifecycle } from '$lib/server/http/lifecycle';
import { maxBytesFrom, PageCache, securityHeaders, servePage, serveRaw, type RawRequest, type RawResponse } from '$lib/server/http/page-cache';
import { startServer } from '$lib/server/startup';
import { configureSearchMemory, searchMemoryOptionsFrom } from '$lib/server/directory/search-memory';

defineCustomServerStrategy('custom-path', {
	getLocale: (request) => (request ? localeFromPath(new URL(request.url).pathname) : undefined)
});

export const init: ServerInit = async () => {
	const server = await startServer();
	// scripts/serve.js emits this after closing the HTTP server on SIGTERM/SIGINT: stop the jobs
	// and close the database, so the data folder is released and its files are consistent.
	process.once('sveltekit:shutdown', () => {
		server
			.stop()
			.then(() => log.info('stopped'))
			.catch((e) => log.error(errorFields(e), 'stopping failed'))
			.finally(() => process.exit(0));
	});
	process.once('anlaufstelle:draining', () => (lifecycle.draining = true));
	lifecycle.ready = true;
	if (server.demoLogins.length) {
		for (const l of server.demoLogins) log.info({ login: l.email, role: l.role, scope: l.scope }, 'demo login (password "anlaufstelle-demo")');
	}
};

function refusal(r: EdgeRefusal): Response {
	return new Response(`${r.status === 413 ? 'Payload Too Large' : 'Bad Request'}: ${r.message}\n`, {
		status: r.status,
		headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }
	});
}

const edge: Handle = async ({ event, resolve }) => {
	const inUrl = checkUrl(event.url);
	if (inUrl) return refusal(inUrl);
	if (event.request.method !== 'GET' && event.request.method !== 'HEAD') {
		let inBody: EdgeRefusal | null;
		try {
			inBody = await checkBody(event.request);
		} catch (e) {
			const status = (e as { status?: number }).status;
			inBody = { status: status === 413 ? 413 : 400, message: status === 413 ? 'the body is larger than the server accepts' : 'the body cannot be read' };
		}
		if (inBody) return refusal(inBody);
	}
	return resolve(event);
};

const LANGUAGE_COOKIE = { path: '/', maxAge: 31536000, sameSite: 'lax', httpOnly: true } as const;

const i18n: Handle = ({ event, resolve }) =>
	paraglideMiddleware(event.request, ({ locale }) => {
		event.locals.locale = locale as Locale;
		const fromPath = localeFromPath(event.url.pathname);
		if (fromPath && event.cookies.get(cookieName) !== fromPath) {
			// Remember the language the person chose by URL for their next visit to "/".
			event.cookies.set(cookieName, fromPath, LANGUAGE_COOKIE);
		}
		return resolve(event, {
			// One replacement (app.html writes them side by side): each copies the whole page.
			transformPageChunk: ({ html }) =>
				nameErrorSummaryFields(html.replace('lang="%lang%" dir="%dir%"', `lang="${locale}" dir="${directionOf(locale)}"`), (label, message) =>
					m.error_summary_item({ label, message }, { locale: locale as Locale })
				)
		});
	});

const gzipAsync = promisify(gzip);

const cache = new PageCache(maxBytesFrom(process.env.PAGE_CACHE_MAX_BYTES));
// Read at start, so a malformed SEARCH_INDEX_* stops the server with its name instead of failing searches.
configureSearchMemory(searchMemoryOptionsFrom(process.env));

// scripts/serve.js asks this first: cached pages of the current data version without SvelteKit.
(globalThis as Record<symbol, unknown>)[Symbol.for('anlaufstelle.pageCache')] = (req: RawRequest, res: RawResponse) =>
	serveRaw(req, res, { db: getDb, cache, cookieName, env: { ORIGIN: process.env.ORIGIN, PROTOCOL_HEADER: process.env.PROTOCOL_HEADER } });

const pages: Handle = async ({ event, resolve }) => {
	const fromPath = localeFromPath(event.url.pathname);
	const response = await servePage(event, resolve, {
		db: getDb,
		readDb: getReadDb,
		cache,
		allowedCookies: [cookieName],
		meta: () => ({
			https: event.url.protocol === 'https:',
			lang: fromPath ?? null,
			languageCookie: fromPath ? event.cookies.serialize(cookieName, fromPath, LANGUAGE_COOKIE) : null
		})
	});
	// A cached answer bypasses SvelteKit's cookie handling: remember the language as `i18n` does
	// (from the request's header: on a miss `i18n` has set the cookie of this event).
	const sent = new RegExp(`(?:^|;\\s*)${cookieName}=([^;]*)`).exec(event.request.headers.get('cookie') ?? '')?.[1];
	if (fromPath && response.headers.get('x-page-cache') && sent !== fromPath) {
		response.headers.append('set-cookie', event.cookies.serialize(cookieName, fromPath, LANGUAGE_COOKIE));
	}
	return response;
};

const auth: Handle = async ({ event, resolve }) => {
	const token = event.cookies.get(SESSION_COOKIE);
	event.locals.sessionToken = token;
	event.locals.principal = null;
	event.locals.secondFactorPending = false;
	if (token) {
		const state = await resolveSession(await getDb(), token);
		if (state.status === 'ok') event.locals.principal = state.principal;
		else if (state.status === 'second_factor') event.locals.secondFactorPending = true;
		else event.cookies.delete(SESSION_COOKIE, { path: '/' });
	}
	return resolve(event);
};

const guard: Handle = async ({ event, resolve }) => {
	const lang = localeFromPath(event.url.pathname);
	const decision = decide({
		pathname: event.url.pathname,
		lang,
		method: event.request.method,
		dataRequest: event.isDataRequest,
		principal: event.locals.principal,
		secondFactorPending: event.locals.secondFactorPending
	});
	switch (decision.kind) {
		case 'allow':
			return resolve(event);
		case 'redirect':
			return new Response(null, { status: 303, headers: { location: decision.location, 'cache-control': 'no-store' } });
		case 'refuse':
			return new Response(decision.status === 401 ? 'Unauthorized\n' : 'Forbidden\n', {
				status: decision.status,
				headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }
			});
		case 'forbidden_page': {
			// The localized 403 page, rendered in place: the route itself never runs.
			const page = await event.fetch(`/${lang}/no-access`, { headers: { accept: 'text/html' } });
			return new Response(page.body, { status: 403, headers: page.headers });
		}
	}
};

const finish: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	await discardUnreadBody(event.request);
	for (const [name, value] of securityHeaders(event.url.protocol === 'https:')) response.headers.set(name, value);
	if (event.locals.principal || /\/(staff|admin|volunteer)(\/|$)/.test(event.url.pathname)) {
		response.headers.set('Cache-Control', 'private, no-store');
	}
	return compress(event.request, response);
};

/**
 * Reads and drops a request body the route did not read, so the connection stays in step for
 * the next request on it (an unread body used to break the next keep-alive request).
 */
async function discardUnreadBody(request: Request): Promise<void> {
	if (!request.body || request.bodyUsed) return;
	try {
		const reader = request.body.getReader();
		while (!(await reader.read()).done) {
			// discard
		}
	} catch {
		// Over the size limit or aborted: scripts/serve.js closes such a connection after the answer.
	}
}

/**
 * gzip for HTML and JSON responses: adapter-node serves pages uncompressed, and people on slow
 * mobile connections should not depend on a compressing proxy being in front. A page is rendered
 * whole, so it is compressed whole by Node's zlib (issue 17 §2: through a web `CompressionStream`
 * gzip took 10 % of an uncached search's CPU); JSON, which may be long, is streamed.
 */
async function compress(request: Request, response: Response): Promise<Response> {
	const type = response.headers.get('content-type') ?? '';
	if (
		!response.body ||
		response.headers.has('content-encoding') ||
		!/gzip/.test(request.headers.get('accept-encoding') ?? '') ||
		!/^(text\/html|application\/json)/.test(type)
	) {
		return response;
	}
	const headers = new Headers(response.headers);
	headers.set('content-encoding', 'gzip');
	headers.append('vary', 'Accept-Encoding');
	const init = { status: response.status, statusText: response.statusText, headers };
	if (type.startsWith('text/html')) {
		const body = await gzipAsync(Buffer.from(await response.arrayBuffer()), { level: 6 });
		headers.set('content-length', String(body.length));
		return new Response(new Uint8Array(body.buffer, body.byteOffset, body.length), init);
	}
	headers.delete('content-length');
	return new Response(response.body.pipeThrough(new CompressionStream('gzip')), init);
}

// `finish` is outermost so refusals of `edge` and `guard` get the security headers too.
export const handle = sequence(finish, edge, pages, i18n, auth, guard);

/** Logs an error id, its class and code and the route — never messages, bodies or values (personal data). */
export const handleError: HandleServerError = ({ error: e, event, status }) => {
	const id = randomUUID();
	if (status !== 404) log.error({ id, ...errorFields(e), route: event.route.id ?? 'unknown route', status }, 'request failed');
	return { message: status === 404 ? 'Not Found' : 'Internal Error', id };
};

