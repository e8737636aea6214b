/**
 * The embedded database's data folder (`DATA_DIR`): created only on a first start, refused when
 * a configured folder has gone missing, kept private (0700), and held by one process at a time
 * through a lock file. Issue 11 §7: two processes on one PGlite folder each wrote into their
 * own copy of the database pages, and half of the acknowledged writes were lost.
 *
 * The lock is a file `anlaufstelle.lock` created with `O_EXCL` that names its owner (process id,
 * what it runs, when it started, host, boot id and the kernel's start time of the process). A
 * lock whose owner is gone (killed with SIGKILL, power loss) is taken over; the start time tells
 * a reused process id from the owner.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync, chmodSync, accessSync, constants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Why the data folder cannot be used; the message is one line a person can act on. */
export class DataFolderError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'DataFolderError';
	}
}

/** Who holds a data folder, as written into its lock file. */
export interface LockOwner {
	pid: number;
	/** What the process runs, e.g. `server` or `cli user create`. */
	command: string;
	/** ISO 8601 instant the lock was taken. */
	startedAt: string;
	host: string;
	/** Linux boot id; absent elsewhere. */
	bootId?: string;
	/** Start time of the process in clock ticks since boot (`/proc/<pid>/stat` field 22). */
	startTicks?: number;
}

/** A held lock; `release()` removes the lock file if it is still ours. */
export interface DataFolderLock {
	readonly file: string;
	readonly owner: LockOwner;
	release(): void;
}

const LOCK_FILE = 'anlaufstelle.lock';

function readText(file: string): string | undefined {
	try {
		return readFileSync(file, 'utf8');
	} catch {
		return undefined;
	}
}

function bootId(): string | undefined {
	return readText('/proc/sys/kernel/random/boot_id')?.trim();
}

/** Field 22 of `/proc/<pid>/stat`; the command name (field 2) may hold spaces and parentheses. */
function startTicks(pid: number): number | undefined {
	const stat = readText(`/proc/${pid}/stat`);
	if (!stat) return undefined;
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	const ticks = Number(fields[19]);
	return Number.isFinite(ticks) ? ticks : undefined;
}

function ownerOfThisProcess(command: string): LockOwner {
	return { pid: process.pid, command, startedAt: new Date().toISOString(), host: os.hostname(), bootId: bootId(), startTicks: startTicks(process.pid) };
}

function readOwner(file: string): LockOwner | null {
	const text = readText(file);
	if (!text) return null;
	try {
		const o = JSON.parse(text) as LockOwner;
		return typeof o.pid === 'number' ? o : null;
	} catch {
		return null;
	}
}

/** Whether the process that wrote `owner` still runs. Another host's owner counts as alive. */
function isAlive(owner: LockOwner): boolean {
	if (owner.host !== os.hostname()) return true;
	const boot = bootId();
	if (owner.bootId && boot && owner.bootId !== boot) return false;
	if (owner.pid === process.pid) return false;
	if (owner.startTicks !== undefined) {
		const now = startTicks(owner.pid);
		if (now !== undefined || existsSync('/proc/self/stat')) return now === owner.startTicks;
	}
	try {
		process.kill(owner.pid, 0);
		return true;
	} catch (e) {
		return (e as NodeJS.ErrnoException).code === 'EPERM';
	}
}

function describe(owner: LockOwner): string {
	return `${owner.command} (pid ${owner.pid} on ${owner.host}, since ${owner.startedAt})`;
}

/**
 * Takes the folder's lock for this process.
 * @param command what this process runs, named to a second process that is refused.
 * @throws DataFolderError naming the running owner when another live process holds the folder,
 *   or when the lock file cannot be written (read-only folder).
 */
export function lockDataFolder(dir: string, command: string): DataFolderLock {
	const file = path.join(dir, LOCK_FILE);
	const owner = ownerOfThisProcess(command);
	for (let attempt = 0; attempt < 5; attempt++) {
		try {
			const fd = openSync(file, 'wx', 0o600);
			try {
				writeSync(fd, JSON.stringify(owner));
			} finally {
				closeSync(fd);
			}
			return {
				file,
				owner,
				release() {
					if (readOwner(file)?.pid === owner.pid) unlinkSync(file);
				}
			};
		} catch (e) {
			const code = (e as NodeJS.ErrnoException).code;
			if (code !== 'EEXIST') throw new DataFolderError(`cannot write the lock file ${file} (${code ?? 'error'}): the data folder must be writable by this user`);
		}
		const current = readOwner(file);
		if (!current) {
			// Being written right now by another process, or left empty by a crash mid-write.
			if (Date.now() - statMs(file) < 2000) {
				sleep(100);
				continue;
			}
		} else if (isAlive(current)) {
			throw new DataFolderError(`the data folder ${dir} is in use by ${describe(current)}; stop it first, or use another DATA_DIR`);
		}
		// The owner is gone: move its lock aside (only one contender's rename succeeds) and retry.
		const aside = `${file}.stale-${process.pid}`;
		try {
			renameSync(file, aside);
		} catch {
			continue;
		}
		const moved = readOwner(aside);
		if (moved && current && moved.pid !== current.pid && isAlive(moved)) {
			// A live process took the lock between our read and our rename: give it back.
			renameSync(aside, file);
			throw new DataFolderError(`the data folder ${dir} is in use by ${describe(moved)}; stop it first, or use another DATA_DIR`);
		}
		unlinkSync(aside);
	}
	throw new DataFolderError(`could not take the lock ${file}: other processes keep taking it`);
}

function statMs(file: string): number {
	try {
		return statSync(file).mtimeMs;
	} catch {
		return 0;
	}
}

function sleep(ms: number): void {
	Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** What `prepareDataFolder` found. */
export interface PreparedFolder {
	dir: string;
	/** True when the folder was created now (first start). */
	created: boolean;
	/** True when it holds no database yet. */
	empty: boolean;
}

/**
 * Makes sure the data folder can be used: creates the default folder on a first start, refuses
 * a configured one that does not exist (a volume that failed to mount must not become a new,
 * empty installation), and restricts it to its owner (0700).
 * @param configured whether `DATA_DIR` was set explicitly.
 * @throws DataFolderError when a configured folder is missing, or the folder is not a writable
 *   directory.
 */
export function prepareDataFolder(dir: string, configured: boolean): PreparedFolder {
	let created = false;
	if (!existsSync(dir)) {
		if (configured) {
			throw new DataFolderError(
				`DATA_DIR ${dir} does not exist. For a new installation create the empty folder first; otherwise check that its volume is mounted`
			);
		}
		try {
			mkdirSync(dir, { recursive: true, mode: 0o700 });
		} catch (e) {
			throw new DataFolderError(`cannot create the data folder ${dir} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
		}
		created = true;
	}
	if (!statSync(dir).isDirectory()) throw new DataFolderError(`the data folder ${dir} is not a directory`);
	try {
		accessSync(dir, constants.W_OK | constants.R_OK | constants.X_OK);
	} catch {
		throw new DataFolderError(`the data folder ${dir} is not writable by this user`);
	}
	try {
		chmodSync(dir, 0o700);
	} catch {
		// Owned by another user but writable: leave its mode to whoever owns it.
	}
	return { dir, created, empty: !existsSync(path.join(dir, 'pgdata', 'PG_VERSION')) };
}
