/**
 * CLI commands of the HSDS 3.0 exchange: `import hsds <municipality> <file> [--skip-invalid]
 * [--language TAG]` and `export hsds <municipality> <file> [--language TAG]`. Progress
 * (`records done/total`) goes to stderr, the summary to stdout. Source: issue 3 §7.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Db } from '../lib/server/db/client';
import { MAX_PER_PAGE, listOrganizations, parseHsdsQuery, type HsdsPage } from '../lib/server/directory/hsds/api';
import { importHsds } from '../lib/server/directory/hsds/import';
import { requireMunicipality } from '../lib/server/geography/service';

/** Prints `records done/total` to stderr: in place on a terminal, else every 100 records and at the end. */
function progress(label: string): (done: number, total: number) => void {
	return (done, total) => {
		if (process.stderr.isTTY) process.stderr.write(`\r${label} ${done}/${total}${done === total ? '\n' : ''}`);
		else if (done % 100 === 0 || done === total) process.stderr.write(`${label} ${done}/${total}\n`);
	};
}

/**
 * Imports an HSDS JSON file into a municipality and prints what happened.
 * @throws ImportError (nothing written) when a record is rejected and `skipInvalid` is not set.
 */
export async function importHsdsFile(db: Db, municipality: string, file: string, options: { skipInvalid: boolean; language?: string }): Promise<void> {
	const text = await readFile(file, 'utf8');
	const s = await importHsds(db, { municipality, file, text, skipInvalid: options.skipInvalid, language: options.language, actorLabel: 'cli', onProgress: progress('records') });
	console.log(`${file}: created ${s.created}, updated ${s.updated}, unchanged ${s.unchanged}, skipped ${s.skipped.length}`);
	for (const k of s.skipped) console.log(`  skipped ${k.record}: ${k.reason}`);
	for (const k of s.ignored) console.log(`  ignored ${k.record}: ${k.reason}`);
	if (s.dropped.length) console.log(`  ${s.dropped.length} properties left out (not HSDS 3.0): ${s.dropped.slice(0, 20).join(', ')}${s.dropped.length > 20 ? ' …' : ''}`);
	if (s.outside.length) {
		const more = s.outside.length > 20 ? ` … and ${s.outside.length - 20} more` : '';
		console.log(`  ${s.outside.length} records with places outside the municipality: ${s.outside.slice(0, 20).join(', ')}${more}`);
	}
}

/**
 * Writes a municipality's public actors with their places and public offers, fully nested
 * (`/organizations?full=true&full_service=true` of every page), as an HSDS list response.
 * @throws NotFoundError for an unknown municipality.
 */
export async function exportHsdsFile(db: Db, municipality: string, file: string, options: { language?: string }): Promise<void> {
	await requireMunicipality(db, municipality);
	const params = new URLSearchParams({ municipality, full: 'true', full_service: 'true', per_page: String(MAX_PER_PAGE), lang: options.language ?? 'de' });
	const report = progress('records');
	const contents: HsdsPage['contents'] = [];
	let page: HsdsPage;
	let n = 1;
	do {
		params.set('page', String(n++));
		page = await listOrganizations(db, parseHsdsQuery(params, null));
		contents.push(...page.contents);
		report(contents.length, page.total_items);
	} while (!page.last_page);
	const total = contents.length;
	await writeFile(
		file,
		`${JSON.stringify({ total_items: total, total_pages: 1, page_number: 1, size: total, first_page: true, last_page: true, empty: total === 0, contents }, null, 1)}\n`
	);
	console.log(`${file}: ${total} organizations with ${contents.reduce((sum, o) => sum + ((o.services as unknown[] | undefined)?.length ?? 0), 0)} services`);
}
