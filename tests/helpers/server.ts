/**
 * Starting app processes in tests as an operator would: `scripts/serve.js` (what `npm start`
 * runs after building) with a chosen environment, output captured, and a free port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
	return new Promise((resolve) => {
		const srv = createServer();
		srv.listen(0, '127.0.0.1', () => {
			const port = (srv.address() as { port: number }).port;
			srv.close(() => resolve(port));
		});
	});
}

/** A started process with its output so far and a promise of its exit. */
export interface Started {
	child: ChildProcess;
	/** Sends a signal to the process and its children (npm runs the server as a child). */
	signal(signal: NodeJS.Signals): void;
	output(): string;
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns a command, collecting stdout and stderr together. */
export function start(command: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd?: string }): Started {
	// Its own process group, so a signal reaches the server that npm started, too.
	const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
	let out = '';
	child.stdout!.on('data', (d) => (out += d));
	child.stderr!.on('data', (d) => (out += d));
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
	const signal = (sig: NodeJS.Signals) => {
		try {
			process.kill(-child.pid!, sig);
		} catch {
			// already gone
		}
	};
	return { child, signal, output: () => out, exited };
}

/**
 * Waits until the output contains `text` or the process exits.
 * @throws with the output when the process exits first or `timeoutMs` passes.
 */
export async function waitFor(p: Started, text: string, timeoutMs = 120_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	let exit: { code: number | null } | null = null;
	void p.exited.then((e) => (exit = e));
	while (!p.output().includes(text)) {
		if (exit) throw new Error(`exited (${(exit as { code: number | null }).code}) before "${text}":\n${p.output()}`);
		if (Date.now() > deadline) throw new Error(`no "${text}" within ${timeoutMs} ms:\n${p.output()}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

/** The environment of a server process: only PATH and HOME of ours, plus `extra`. */
export function bareEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	return { PATH: process.env.PATH, HOME: process.env.HOME, ...extra };
}
