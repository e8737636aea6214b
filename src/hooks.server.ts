import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { randomUUID } from 'node:crypto';
import { directionOf, localeFromPath } from '$lib/i18n';
import { defineCustomServerStrategy, cookieName, type Locale } from '$lib/paraglide/runtime';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { SESSION_COOKIE, resolveSession } from '$lib/server/accounts/service';
import { startRetentionSchedule } from '$lib/server/casework/retention-job';
import { readConfig } from '$lib/server/config';
import { getDb, startDatabase } from '$lib/server/db';

defineCustomServerStrategy('custom-path', {
	getLocale: (request) => (request ? localeFromPath(new URL(request.url).pathname) : undefined)
});

export const init: ServerInit = async () => {
	const started = Date.now();
	const { handle, demoLogins } = await startDatabase();
	const port = process.env.PORT || '3000';
	const host = process.env.ORIGIN || `http://localhost:${port}`;
	console.log(`anlaufstelle: database ready (${handle.kind}) in ${Date.now() - started} ms`);
	// Löschplan (issue 4 §5): the retention job runs inside the server.
	const retention = startRetentionSchedule(handle.db, readConfig());
	// adapter-node emits this after closing the HTTP server on SIGTERM/SIGINT: close the
	// database so PGlite's files are left consistent and the process exits promptly.
	process.once('sveltekit:shutdown', () => {
		retention.stop();
		handle.close().catch(() => undefined);
	});
	console.log(`anlaufstelle: serving at ${host}`);
	if (demoLogins.length) {
		console.log('anlaufstelle: demo logins (password "anlaufstelle-demo"):');
		for (const l of demoLogins) console.log(`  ${l.email.padEnd(34)} ${l.role.padEnd(20)} ${l.scope}`);
	}
};

const i18n: Handle = ({ event, resolve }) =>
	paraglideMiddleware(event.request, ({ locale }) => {
		event.locals.locale = locale as Locale;
		const fromPath = localeFromPath(event.url.pathname);
		if (fromPath && event.cookies.get(cookieName) !== fromPath) {
			// Remember the language the person chose by URL for their next visit to "/".
			event.cookies.set(cookieName, fromPath, { path: '/', maxAge: 31536000, sameSite: 'lax', httpOnly: true });
		}
		return resolve(event, {
			transformPageChunk: ({ html }) => html.replace('%lang%', locale).replace('%dir%', directionOf(locale))
		});
	});

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

const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	response.headers.set('X-Content-Type-Options', 'nosniff');
	response.headers.set('Referrer-Policy', 'same-origin');
	response.headers.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()');
	response.headers.set('Cross-Origin-Opener-Policy', 'same-origin');
	if (event.url.protocol === 'https:') {
		response.headers.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
	}
	if (event.locals.principal || event.url.pathname.includes('/staff') || event.url.pathname.includes('/admin')) {
		response.headers.set('Cache-Control', 'private, no-store');
	}
	return compress(event.request, response);
};

/**
 * gzip for HTML and JSON responses: adapter-node serves pages uncompressed, and people on slow
 * mobile connections should not depend on a compressing proxy being in front.
 */
function compress(request: Request, response: Response): Response {
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
	headers.delete('content-length');
	return new Response(response.body.pipeThrough(new CompressionStream('gzip')), {
		status: response.status,
		statusText: response.statusText,
		headers
	});
}

export const handle = sequence(i18n, auth, securityHeaders);

/** Logs an error id, its class and the route — never messages, bodies or values (personal data). */
export const handleError: HandleServerError = ({ error, event, status }) => {
	const id = randomUUID();
	if (status !== 404) {
		const name = error instanceof Error ? error.name : typeof error;
		const code = (error as { code?: string })?.code;
		console.error(`error ${id}: ${name}${code ? ` (${code})` : ''} on ${event.route.id ?? 'unknown route'}`);
	}
	return { message: status === 404 ? 'Not Found' : 'Internal Error', id };
};
