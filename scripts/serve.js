/**
 * Serves the built app (`build/handler.js`, adapter-node) on its own HTTP server, so that:
 * - it runs right with nothing set: without `ORIGIN` and `PROTOCOL_HEADER` adapter-node takes
 *   every request for `https://…`, so SvelteKit refused every form on http://localhost as a
 *   cross-site POST. This server knows its connections are plain HTTP and tells adapter-node so
 *   through a header of its own (set on every request, whatever the client sent). With `ORIGIN`
 *   (or `PROTOCOL_HEADER` behind a proxy) adapter-node behaves as documented;
 * - a body larger than `BODY_SIZE_LIMIT` is refused with 413 before it is read, and a
 *   connection whose request body was not read to the end is closed after the answer instead
 *   of being reused out of step;
 * - SIGTERM/SIGINT shut down gracefully: stop accepting, let requests in flight finish (at most
 *   `SHUTDOWN_TIMEOUT` seconds, default 30), then the app stops its jobs and closes the database;
 * - a start-up failure is one readable line and exit code 1.
 * Variables: PORT (3000), HOST (0.0.0.0), ORIGIN, PROTOCOL_HEADER, HOST_HEADER, ADDRESS_HEADER,
 * XFF_DEPTH, BODY_SIZE_LIMIT (6M), SHUTDOWN_TIMEOUT (30), KEEP_ALIVE_TIMEOUT, HEADERS_TIMEOUT.
 */
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const PROTOCOL_OF_THIS_SERVER = 'x-anlaufstelle-protocol';

process.env.PORT ||= '3000';
process.env.HOST ||= '0.0.0.0';
// 6M: needs reports accept attachments up to 5 MB (issue 5 §1) plus the form fields.
process.env.BODY_SIZE_LIMIT ||= '6M';
const injectProtocol = !process.env.ORIGIN && !process.env.PROTOCOL_HEADER;
if (injectProtocol) process.env.PROTOCOL_HEADER = PROTOCOL_OF_THIS_SERVER;

/** One log line: JSON like the app's own (pino), or short text on a terminal. */
function log(level, msg, fields = {}) {
	const out = level === 'info' ? process.stdout : process.stderr;
	if (out.isTTY) out.write(`${msg}${Object.entries(fields).map(([k, v]) => ` ${k}=${v}`).join('')}\n`);
	else out.write(`${JSON.stringify({ level, time: new Date().toISOString(), pid: process.pid, msg, ...fields })}\n`);
}

/** `512K`, `6M`, `1G` or bytes → bytes. */
function bytes(value) {
	const m = /^(\d+(?:\.\d+)?)([KMG]?)$/i.exec(value.trim());
	if (!m) return Infinity;
	return Number(m[1]) * { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2].toUpperCase()];
}

const limit = bytes(process.env.BODY_SIZE_LIMIT);

let handler;
try {
	// Importing the handler runs the app's start-up (database, migrations, demo, jobs).
	({ handler } = await import(pathToFileURL(path.resolve('build/handler.js')).href));
} catch (e) {
	const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
	process.stderr.write(`anlaufstelle: cannot start: ${message}\n`);
	process.exit(1);
}

const server = http.createServer((req, res) => {
	if (injectProtocol) req.headers[PROTOCOL_OF_THIS_SERVER] = 'http';
	const length = Number(req.headers['content-length']);
	if (Number.isFinite(length) && length > limit) {
		res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
		res.end(`Payload Too Large: the body is larger than ${process.env.BODY_SIZE_LIMIT}\n`);
		return;
	}
	const writeHead = res.writeHead;
	res.writeHead = function (...args) {
		// The request body was not read to its end: close after this answer, so the rest of the
		// body is never taken for the next request.
		if (!req.complete) res.setHeader('connection', 'close');
		return writeHead.apply(this, args);
	};
	// Cached public pages of the current data version first (src/lib/server/http/page-cache.ts).
	const cached = globalThis[Symbol.for('anlaufstelle.pageCache')];
	if (cached && (req.method === 'GET' || req.method === 'HEAD')) {
		cached(req, res).then(
			(served) => served || handle(req, res),
			() => handle(req, res)
		);
		return;
	}
	handle(req, res);
});

function handle(req, res) {
	handler(req, res, () => {
		res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
		res.end('Not Found\n');
	});
}

const keepAlive = Number(process.env.KEEP_ALIVE_TIMEOUT);
if (keepAlive > 0) server.keepAliveTimeout = keepAlive * 1000;
const headersTimeout = Number(process.env.HEADERS_TIMEOUT);
if (headersTimeout > 0) server.headersTimeout = headersTimeout * 1000;

server.on('request', (req) => {
	// While shutting down, close each connection as soon as its last request is answered.
	req.on('close', () => {
		if (stopping) server.closeIdleConnections();
	});
});

server.on('error', (e) => {
	const reason = e.code === 'EADDRINUSE' ? `port ${process.env.PORT} is already in use` : `${e.code ?? e.name}: ${e.message}`;
	process.stderr.write(`anlaufstelle: cannot start: ${reason}\n`);
	process.exit(1);
});

server.listen(Number(process.env.PORT), process.env.HOST, () => {
	const shown = process.env.ORIGIN || `http://localhost:${process.env.PORT}`;
	log('info', `Listening on ${shown}`, { port: Number(process.env.PORT), host: process.env.HOST });
});

let stopping = false;
function shutdown(signal) {
	if (stopping) return;
	stopping = true;
	log('info', 'shutting down', { signal });
	process.emit('anlaufstelle:draining');
	server.close(() => process.emit('sveltekit:shutdown', signal));
	server.closeIdleConnections();
	const timeout = (Number(process.env.SHUTDOWN_TIMEOUT) || 30) * 1000;
	setTimeout(() => server.closeAllConnections(), timeout).unref();
	// The app exits once its database is closed; this is only a last resort.
	setTimeout(() => process.exit(1), timeout + 10_000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
