/**
 * Starts the built server (`build/`) once for the HTTP and browser tests: a fresh DATA_DIR,
 * demo data, a free port; on PostgreSQL when TEST_DATABASE_URL is set (in a new database).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
	export interface ProvidedContext {
		baseUrl: string;
		dataDir: string;
		dbKind: string;
	}
}

function freePort(): Promise<number> {
	return new Promise((resolve) => {
		const srv = createServer();
		srv.listen(0, '127.0.0.1', () => {
			const port = (srv.address() as { port: number }).port;
			srv.close(() => resolve(port));
		});
	});
}

let child: ChildProcess | undefined;

export default async function setup(project: TestProject) {
	const port = await freePort();
	const dataDir = mkdtempSync(path.join(os.tmpdir(), 'anl-http-'));
	const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, DEMO: '1', ORIGIN: `http://localhost:${port}` };
	delete env.SMTP_URL;
	delete env.DATABASE_URL;
	if (process.env.TEST_DATABASE_URL) {
		const name = `http_${randomBytes(4).toString('hex')}`;
		const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
		await admin.connect();
		await admin.query(`create database ${name}`);
		await admin.end();
		const url = new URL(process.env.TEST_DATABASE_URL);
		url.pathname = `/${name}`;
		env.DATABASE_URL = url.toString();
	}
	child = spawn(process.execPath, ['scripts/serve.js'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
	let log = '';
	// The server's whole output, kept for tests that check what it logs.
	const logFile = createWriteStream(path.join(dataDir, 'server.log'));
	for (const stream of [child.stdout!, child.stderr!]) {
		stream.on('data', (d) => {
			log += d;
			logFile.write(d);
		});
	}
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`server did not start:\n${log}`)), 90_000);
		child!.stdout!.on('data', () => {
			if (log.includes('Listening on')) {
				clearTimeout(timer);
				resolve();
			}
		});
		child!.on('exit', (code) => reject(new Error(`server exited ${code}:\n${log}`)));
	});
	project.provide('baseUrl', `http://localhost:${port}`);
	project.provide('dataDir', dataDir);
	project.provide('dbKind', env.DATABASE_URL ? 'postgres' : 'pglite');
	// The data folder (about 95 MB) goes with the server, once it has let go of it.
	return async () => {
		if (child && child.exitCode === null) {
			const exited = new Promise((resolve) => child!.once('exit', resolve));
			child.kill();
			await exited;
		}
		logFile.end();
		rmSync(dataDir, { recursive: true, force: true });
	};
}
