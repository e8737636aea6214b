/**
 * The shape of an operators' command and the helpers commands share. Each module keeps its
 * commands in its own `cli.ts` (module template, docs/architecture.md); `src/cli/main.ts` only
 * dispatches. A `cli.ts` imports its services inside `run`, so that `--help` and usage errors
 * answer without loading the domain code.
 */
import type { ParseArgsOptionsConfig } from 'node:util';
import type { DatabaseHandle } from '../db/client';

/** Parsed option values of a command. */
export type Values = Record<string, string | boolean | string[] | undefined>;

/** One command, e.g. `user create`. */
export interface CliCommand {
	/** The words that select it (`user create`); positional arguments may follow. */
	name: string;
	/** Its lines in `--help` (usage and what it does). */
	help: string;
	/** Its options besides `--help`. */
	options?: ParseArgsOptionsConfig;
	/** Runs it. `positionals` are the words after the name. @throws UsageError for wrong usage. */
	run(args: { values: Values; positionals: string[]; withDatabase: WithDatabase }): Promise<void>;
}

/** Runs `fn` on the configured database, opened (and locked) for this command, then closes it. */
export type WithDatabase = <T>(fn: (h: DatabaseHandle) => Promise<T>, options?: { createFolder?: boolean }) => Promise<T>;

/** Wrong usage: printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'UsageError';
	}
}

/** The value of a required string option. @throws UsageError naming the option. */
export function required(values: Values, name: string): string {
	const v = values[name];
	if (typeof v !== 'string' || !v) throw new UsageError(`--${name} is required`);
	return v;
}

/** An optional string option. */
export function optional(values: Values, name: string): string | undefined {
	const v = values[name];
	return typeof v === 'string' ? v : undefined;
}

/** A progress reporter: `records done/total` on stderr, one updating line on a terminal, else a line per tenth. */
export function progressReporter(label: string): { progress: (done: number, total: number) => void; end(): void } {
	const tty = process.stderr.isTTY;
	let last = -1;
	return {
		progress(done, total) {
			if (done === last) return;
			if (tty) process.stderr.write(`\r${label}: ${done}/${total}`);
			else if (done === total || done - Math.max(last, 0) >= Math.max(1, Math.ceil(total / 10))) console.error(`${label}: ${done}/${total}`);
			else return;
			last = done;
		},
		end() {
			if (tty && last >= 0) process.stderr.write('\n');
		}
	};
}

/** An ISO 8601 date or instant from an option. @throws UsageError naming the option. */
export function instantOption(values: Values, name: string): Date | undefined {
	const raw = optional(values, name);
	if (raw === undefined) return undefined;
	const at = new Date(raw);
	if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(at.getTime())) {
		throw new UsageError(`--${name} must be an ISO 8601 date or instant, e.g. 2027-03-01T12:00:00Z (got "${raw}")`);
	}
	return at;
}
