/**
 * Temporary folders of tests, removed with their contents when the test file (or, when made inside
 * a test, that test) ends: a data folder of the server holds about 95 MB, and `npm test` run again
 * and again must not fill the machine's temporary folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, onTestFinished } from 'vitest';

/** Folders made outside a test (at collection or in a hook) of the current test file. */
const made: string[] = [];
// Imported while a test file is collected, so this runs when that file ends (modules are loaded
// anew for each file). A hook registered from inside another hook would never run.
afterAll(() => {
	for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * A new folder `<tmp>/<prefix>XXXXXX`, removed after the test that made it, or after the test
 * file when made outside a test.
 * @param prefix e.g. `anl-report-`.
 * @returns its absolute path.
 */
export function tempDir(prefix: string): string {
	const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
	if (expect.getState().currentTestName === undefined) made.push(dir);
	else onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
	return dir;
}
