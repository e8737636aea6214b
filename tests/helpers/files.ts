/** Reads the shipped demo files. */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Text of `data/demo/<rel>`. */
export function demoFile(rel: string): string {
	return readFileSync(path.resolve('data/demo', rel), 'utf8');
}
