/**
 * `npm start`: builds the app when the build is missing or older than the sources, then serves
 * it (`scripts/serve.js`; PORT, default 3000). The database is created, migrated and filled with
 * the demo municipalities by the server's start-up (`src/lib/server/startup.ts`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const SOURCES = ['src', 'messages', 'static', 'drizzle', 'project.inlang/settings.json', 'package.json', 'svelte.config.js', 'vite.config.ts'];
const STAMP = 'build/handler.js';

/** Newest modification time under `p` (milliseconds), ignoring generated Paraglide output. */
function newest(p) {
	if (!existsSync(p) || p.includes(path.join('src', 'lib', 'paraglide'))) return 0;
	const s = statSync(p);
	if (!s.isDirectory()) return s.mtimeMs;
	return Math.max(0, ...readdirSync(p).map((f) => newest(path.join(p, f))));
}

if (!existsSync(STAMP) || Math.max(...SOURCES.map(newest)) > statSync(STAMP).mtimeMs) {
	console.log('anlaufstelle: building the app (first start or sources changed) …');
	const result = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], {
		stdio: 'inherit'
	});
	if (result.status !== 0) process.exit(result.status ?? 1);
}

await import('./serve.js');
