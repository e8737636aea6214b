/**
 * The directory's (Wegweiser) operator commands: OSM, CSV and Open Referral HSDS 3.0 import and
 * export (issue 3 §7). Progress (`records done/total`) goes to stderr, the summary to stdout;
 * imports are idempotent and change nothing when a record is rejected, unless --skip-invalid.
 * Every command acts as `systemPrincipal('cli')`, the label the audit log names.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { systemPrincipal } from '../access';
import { progressReporter, UsageError, type CliCommand } from '../core/command';
import type { Db } from '../db/client';
import type { HsdsPage } from './hsds/api';
import type { CsvKind } from './csv';
import type { DirectoryImportSummary } from './imports';

/** Who the command line acts as. */
const CLI = systemPrincipal('cli');

/**
 * Imports an HSDS JSON file into a municipality and prints what happened.
 * @throws ImportError (nothing written) when a record is rejected and `skipInvalid` is not set.
 */
async function importHsdsFile(db: Db, municipality: string, file: string, options: { skipInvalid: boolean; language?: string }): Promise<void> {
	const text = await readFile(file, 'utf8');
	const { importHsds } = await import('./hsds/import');
	const reporter = progressReporter('records');
	const s = await importHsds(db, CLI, { municipality, file, text, skipInvalid: options.skipInvalid, language: options.language, onProgress: reporter.progress }).finally(reporter.end);
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
async function exportHsdsFile(db: Db, municipality: string, file: string, options: { language?: string }): Promise<void> {
	const [{ requireMunicipality }, { MAX_PER_PAGE, listOrganizations, parseHsdsQuery }] = await Promise.all([import('../geography/service'), import('./hsds/api')]);
	await requireMunicipality(db, municipality);
	const params = new URLSearchParams({ municipality, full: 'true', full_service: 'true', per_page: String(MAX_PER_PAGE), lang: options.language ?? 'de' });
	const reporter = progressReporter('records');
	const contents: HsdsPage['contents'] = [];
	let page: HsdsPage;
	let n = 1;
	do {
		params.set('page', String(n++));
		page = await listOrganizations(db, parseHsdsQuery(params, null));
		contents.push(...page.contents);
		reporter.progress(contents.length, page.total_items);
	} while (!page.last_page);
	reporter.end();
	const total = contents.length;
	await writeFile(
		file,
		`${JSON.stringify({ total_items: total, total_pages: 1, page_number: 1, size: total, first_page: true, last_page: true, empty: total === 0, contents }, null, 1)}\n`
	);
	console.log(`${file}: ${total} organizations with ${contents.reduce((sum, o) => sum + ((o.services as unknown[] | undefined)?.length ?? 0), 0)} services`);
}

function printDirectorySummary(file: string, s: DirectoryImportSummary): void {
	console.log(
		`${file}: ${s.total} records: created ${s.created}, updated ${s.updated}, unchanged ${s.unchanged}, skipped ${s.skipped.length}, outside ${s.outside.length}`
	);
	for (const k of s.skipped) console.log(`  skipped ${k.record}: ${k.reason}`);
	for (const k of s.outside) console.log(`  outside ${k.record}: ${k.reason}`);
}

function csvKind(raw: string | undefined): CsvKind {
	if (raw !== 'actors' && raw !== 'offers') throw new UsageError(`"${raw ?? ''}" must be actors or offers`);
	return raw;
}

export const commands: CliCommand[] = [
	{
		name: 'import osm',
		help: `import osm MUNICIPALITY FILE.geojson [--skip-invalid]
    OSM points (name, amenity, osm_id) as public actors; points outside the city are reported`,
		options: { 'skip-invalid': { type: 'boolean' } },
		async run({ values, positionals, withDatabase }) {
			const [municipality, file, ...rest] = positionals;
			if (!municipality || !file || rest.length) throw new UsageError('usage: import osm MUNICIPALITY FILE');
			const { importOsmActors } = await import('./import-osm');
			const text = await readFile(file, 'utf8');
			const reporter = progressReporter(file);
			await withDatabase(async (h) => {
				const summary = await importOsmActors(h.db, CLI, { municipality, file, text, skipInvalid: values['skip-invalid'] === true, onProgress: reporter.progress }).finally(reporter.end);
				printDirectorySummary(file, summary);
			});
		}
	},
	{
		name: 'place locations',
		help: `place locations MUNICIPALITY
    after importing social-space boundaries: puts places saved before into their Stadtteil`,
		options: {},
		async run({ positionals, withDatabase }) {
			const [municipality, ...rest] = positionals;
			if (!municipality || rest.length) throw new UsageError('usage: place locations MUNICIPALITY');
			const [{ requireMunicipality }, { placeUnplacedLocations }] = await Promise.all([import('../geography/service'), import('./placement')]);
			await withDatabase(async (h) => {
				const m = await requireMunicipality(h.db, municipality);
				const s = await placeUnplacedLocations(h.db, CLI, m.id);
				console.log(`${m.name}: placed ${s.placed}, outside every boundary ${s.outside}`);
			});
		}
	},
	{
		name: 'import csv',
		help: 'import csv MUNICIPALITY actors|offers FILE.csv [--skip-invalid]',
		options: { 'skip-invalid': { type: 'boolean' } },
		async run({ values, positionals, withDatabase }) {
			const [municipality, kindRaw, file, ...rest] = positionals;
			if (!municipality || !file || rest.length) throw new UsageError('usage: import csv MUNICIPALITY actors|offers FILE');
			const kind = csvKind(kindRaw);
			const { importCsv } = await import('./csv');
			const text = await readFile(file, 'utf8');
			const reporter = progressReporter(file);
			await withDatabase(async (h) => {
				const summary = await importCsv(h.db, CLI, { municipality, kind, file, text, skipInvalid: values['skip-invalid'] === true, onProgress: reporter.progress }).finally(reporter.end);
				printDirectorySummary(file, summary);
			});
		}
	},
	{
		name: 'export csv',
		help: `export csv MUNICIPALITY actors|offers FILE.csv [--delimiter ';'|',']
    columns: docs/csv.md; progress "done/total" on stderr; re-runs change only what changed`,
		options: { delimiter: { type: 'string' } },
		async run({ values, positionals, withDatabase }) {
			const [municipality, kindRaw, file, ...rest] = positionals;
			if (!municipality || !file || rest.length) throw new UsageError('usage: export csv MUNICIPALITY actors|offers FILE');
			const kind = csvKind(kindRaw);
			const delimiter = (values.delimiter as string | undefined) ?? ';';
			if (delimiter !== ';' && delimiter !== ',') throw new UsageError("--delimiter must be ';' or ','");
			const { exportCsv } = await import('./csv');
			await withDatabase(async (h) => {
				const { text, rows } = await exportCsv(h.db, CLI, { municipality, kind, delimiter });
				await writeFile(file, text);
				console.log(`wrote ${rows} row(s) of ${kind} to ${file}`);
			});
		}
	},
	{
		name: 'import hsds',
		help: 'import hsds MUNICIPALITY FILE.json [--skip-invalid] [--language TAG]   (language of the file\'s texts, default de)',
		options: { 'skip-invalid': { type: 'boolean' }, language: { type: 'string' } },
		async run({ values, positionals, withDatabase }) {
			const [municipality, file, ...rest] = positionals;
			if (!municipality || !file || rest.length) throw new UsageError('usage: import hsds MUNICIPALITY FILE.json');
			await withDatabase((h) => importHsdsFile(h.db, municipality, file, { skipInvalid: values['skip-invalid'] === true, language: values.language as string | undefined }));
		}
	},
	{
		name: 'export hsds',
		help: 'export hsds MUNICIPALITY FILE.json [--language TAG]                   (public actors with places and offers)',
		options: { language: { type: 'string' } },
		async run({ values, positionals, withDatabase }) {
			const [municipality, file, ...rest] = positionals;
			if (!municipality || !file || rest.length) throw new UsageError('usage: export hsds MUNICIPALITY FILE.json');
			await withDatabase((h) => exportHsdsFile(h.db, municipality, file, { language: values.language as string | undefined }));
		}
	}
];
