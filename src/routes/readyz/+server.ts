/**
 * Readiness: 200 `ready` when start-up has finished, the process is not shutting down and the
 * database answers; 503 otherwise, so a load balancer sends requests elsewhere.
 */
import { databaseAnswers } from '$lib/server/db';
import { lifecycle } from '$lib/server/http/lifecycle';
import type { RequestHandler } from './$types';

const headers = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' };

export const GET: RequestHandler = async () => {
	if (!lifecycle.ready || lifecycle.draining) return new Response(lifecycle.draining ? 'draining\n' : 'starting\n', { status: 503, headers });
	if (!(await databaseAnswers())) return new Response('database unavailable\n', { status: 503, headers });
	return new Response('ready\n', { headers });
};
