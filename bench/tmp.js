/**
 * Temporary folders of a benchmark process (data folders of the embedded database, nginx roots,
 * result files handed between processes), removed when the process exits: a generated directory
 * holds hundreds of megabytes, and benchmarks run again and again must not fill the machine's
 * temporary folder. Not removed when the process is killed by a signal.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** @type {string[]} */
const made = [];
process.on('exit', () => {
	for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/**
 * A new folder `<tmp>/<prefix>XXXXXX`, removed when this process exits.
 * @param {string} prefix e.g. `anl-bench-`
 * @returns {string} its absolute path
 */
export function tempDir(prefix) {
	const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
	made.push(dir);
	return dir;
}
