/**
 * Geography's operator commands: municipalities, boundaries (GeoJSON) and statistics (CSV).
 * Each import runs in one transaction: a file with any error changes nothing. The command line
 * acts as the system principal `cli`, which the audit log names (only `access/principal` is
 * loaded up front, so a usage error answers without loading the modules).
 */
import { readFile } from 'node:fs/promises';
import { systemPrincipal } from '../access/principal';
import { optional, required, UsageError, type CliCommand } from '../core/command';
import type { ImportSummary } from './importers';

const CLI = systemPrincipal('cli');

const LEVELS = { district: 'district', 'social-space': 'social_space', municipality: 'municipality' } as const;

function printSummary(file: string, s: ImportSummary): void {
	console.log(`${file}: created ${s.created}, updated ${s.updated}, skipped ${s.skipped.length}`);
	for (const k of s.skipped) console.log(`  skipped ${k.record}: ${k.reason}`);
}

export const commands: CliCommand[] = [
	{
		name: 'municipality create',
		help: 'municipality create --slug SLUG --name NAME [--code AGS]',
		options: { slug: { type: 'string' }, name: { type: 'string' }, code: { type: 'string' } },
		async run({ values, withDatabase }) {
			const { createMunicipality } = await import('./service');
			await withDatabase(async (h) => {
				const m = await createMunicipality(h.db, CLI, { slug: required(values, 'slug'), name: required(values, 'name'), officialCode: optional(values, 'code') });
				console.log(`created municipality ${m.slug} (${m.name})`);
			});
		}
	},
	{
		name: 'import boundaries',
		help: `import boundaries --municipality SLUG --level district|social-space --file FILE.geojson
    [--name-property name] [--code-property code]
    [--district-code-property district_code | --district-name-property P]   (social spaces)`,
		options: {
			municipality: { type: 'string' },
			level: { type: 'string' },
			file: { type: 'string' },
			'name-property': { type: 'string' },
			'code-property': { type: 'string' },
			'district-code-property': { type: 'string' },
			'district-name-property': { type: 'string' }
		},
		async run({ values, withDatabase }) {
			const level = LEVELS[required(values, 'level') as keyof typeof LEVELS];
			if (level !== 'district' && level !== 'social_space') throw new UsageError('--level must be district or social-space');
			const file = required(values, 'file');
			const municipality = required(values, 'municipality');
			const text = await readFile(file, 'utf8');
			const { importBoundaries } = await import('./importers');
			await withDatabase(async (h) => {
				printSummary(
					file,
					await importBoundaries(h.db, CLI, {
						municipality,
						level,
						file,
						text,
						nameProperty: optional(values, 'name-property'),
						codeProperty: optional(values, 'code-property'),
						districtCodeProperty: optional(values, 'district-code-property'),
						districtNameProperty: optional(values, 'district-name-property')
					})
				);
				// Places are put into Stadtteile when they are saved; earlier ones wait for this command.
				if (level === 'social_space') console.log(`places saved before these boundaries: npm run cli -- place locations ${municipality}`);
			});
		}
	},
	{
		name: 'import statistics',
		help: `import statistics --municipality SLUG --level municipality|district|social-space --file FILE.csv
    --metric NAME --unit UNIT --value-column COL [--match name|code --key-column COL]
    (--as-of YYYY[-MM[-DD]] | --as-of-column COL) (--source TEXT | --source-column COL)`,
		options: {
			municipality: { type: 'string' },
			level: { type: 'string' },
			file: { type: 'string' },
			match: { type: 'string' },
			'key-column': { type: 'string' },
			'value-column': { type: 'string' },
			metric: { type: 'string' },
			unit: { type: 'string' },
			'as-of': { type: 'string' },
			'as-of-column': { type: 'string' },
			source: { type: 'string' },
			'source-column': { type: 'string' }
		},
		async run({ values, withDatabase }) {
			const level = LEVELS[required(values, 'level') as keyof typeof LEVELS];
			if (!level) throw new UsageError('--level must be municipality, district or social-space');
			const match = (optional(values, 'match') ?? 'name') as 'name' | 'code';
			if (match !== 'name' && match !== 'code') throw new UsageError('--match must be name or code');
			if (!values['as-of'] && !values['as-of-column']) throw new UsageError('--as-of or --as-of-column is required');
			if (!values.source && !values['source-column']) throw new UsageError('--source or --source-column is required');
			const file = required(values, 'file');
			const options = {
				municipality: required(values, 'municipality'),
				level,
				file,
				match,
				keyColumn: level === 'municipality' ? undefined : required(values, 'key-column'),
				valueColumn: required(values, 'value-column'),
				metric: required(values, 'metric'),
				unit: required(values, 'unit'),
				asOf: optional(values, 'as-of'),
				asOfColumn: optional(values, 'as-of-column'),
				source: optional(values, 'source'),
				sourceColumn: optional(values, 'source-column')
			};
			const text = await readFile(file, 'utf8');
			const { importStatistics } = await import('./importers');
			await withDatabase(async (h) => printSummary(file, await importStatistics(h.db, CLI, { ...options, text })));
		}
	}
];
