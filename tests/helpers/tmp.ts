/**
 * Temporary folders of tests, removed with their contents when the test file (or, when made inside
 * a test, that test) ends: a data folder of the server holds about 95 MB, and `npm test` run again
 * and again must not fill the machine's temporary folder.
 *
 * The removal hooks are registered by `per-file.ts`, a setup file Vitest runs before every test
 * file: test files that share a worker's modules (`isolate: false`, see `vitest.config.ts`) import
 * this module once, so hooks registered here would serve only the first of them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Folders made outside a test (at collection or in a hook) of the current test file. */
const ofFile: string[] = [];
/** Folders made inside the running test; null between tests. */
let ofTest: string[] | null = null;

/**
 * A new folder `<tmp>/<prefix>XXXXXX`, removed after the test that made it, or after the test
 * file when made outside a test.
 * @param prefix e.g. `anl-report-`.
 * @returns its absolute path.
 */
export function tempDir(prefix: string): string {
	const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
	(ofTest ?? ofFile).push(dir);
	return dir;
}

function remove(dirs: string[]): void {
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** For `per-file.ts`: a test starts (its folders are removed when it ends). */
export function testStarted(): void {
	ofTest = [];
}

/** For `per-file.ts`: the running test ended. */
export function testEnded(): void {
	if (ofTest) remove(ofTest);
	ofTest = null;
}

/** For `per-file.ts`: the test file ended. */
export function fileEnded(): void {
	remove(ofFile);
}
