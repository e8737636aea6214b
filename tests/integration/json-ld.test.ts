/**
 * The schema.org JSON-LD of offer and actor pages, checked against schema.org's vocabulary:
 * the blocks the pages embed are type-checked by the TypeScript compiler against `schema-dts`
 * (Google's typings generated from the schema.org vocabulary), which refuses a property a type
 * does not have — such as `availableLanguage` on `Service` — and values of the wrong type.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/lib/server/access';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { actorJsonLd, actorView, jsonLdText, offerJsonLd, offerView } from '../../src/lib/server/directory/pages/public-entries';
import { getOrganization, getService, saveOrganization, saveService } from '../../src/lib/server/directory/service';
import { originalText } from '../../src/lib/server/directory/texts';
import { createMunicipality } from '../../src/lib/server/geography/service';
import { DB_KIND, freshDatabase } from '../helpers/db';
import { offer, org } from '../helpers/directory';
import { tempDir } from '../helpers/tmp';

let h: DatabaseHandle;
const blocks: Record<string, { type: 'Service' | 'Organization'; json: Record<string, unknown> }> = {};

beforeAll(async () => {
	h = await freshDatabase();
	const koeln = (await createMunicipality(h.db, systemPrincipal('t'), { slug: 'koeln', name: 'Köln' })).id;
	const caritas = await saveOrganization(h.db, systemPrincipal('test'), koeln, org({ website: 'https://caritas.example.org', phone: '0221 123', email: 'info@example.org', alternateNames: ['CV'] }));
	const authority = await saveOrganization(h.db, systemPrincipal('test'), koeln, org({ name: 'Bezirksamt Kalk', actorType: 'public_authority', description: {} }));
	const course = await saveService(
		h.db,
		systemPrincipal('test'),
		koeln,
		offer(caritas.id, {
			languages: ['de', 'ar', 'fa'],
			phone: '0221 456',
			url: 'https://caritas.example.org/kurs',
			costKind: 'reduced',
			costAmountCents: 250,
			eligibility: originalText('de', 'Ab 16 Jahren'),
			schedules: [{ weekday: 2, opensAt: '09:00', closesAt: '12:00', validFrom: '2026-01-01', validTo: '2026-06-30', appointmentOnly: false, note: {}, location: 0 }]
		})
	);
	// Reached by phone only: no place, so its one channel has no service location.
	const hotline = await saveService(h.db, systemPrincipal('test'), koeln, offer(authority.id, { name: originalText('de', 'Telefonberatung'), locations: [], schedules: [], phone: '0221 999', languages: ['de', 'tr'] }));
	const urls = { offer: 'https://wegweiser.example.org/de/m/koeln/o/1', actor: 'https://wegweiser.example.org/de/m/koeln/a/2' };
	for (const [name, id] of [['course', course.id], ['hotline', hotline.id]] as const) {
		const json = JSON.parse(jsonLdText(offerJsonLd(offerView((await getService(h.db, id, ['public']))!, 'de'), urls, 'Köln')));
		blocks[name] = { type: 'Service', json };
	}
	for (const [name, id] of [['caritas', caritas.id], ['authority', authority.id]] as const) {
		const json = JSON.parse(jsonLdText(actorJsonLd(actorView((await getOrganization(h.db, id, ['public']))!, 'de'), urls.actor, 'Köln')));
		blocks[name] = { type: 'Organization', json };
	}
});
afterAll(() => h?.close());

/** TypeScript's complaints about each named block typed as `WithContext<its type>`, by block name. */
function vocabularyErrors(named: Record<string, { type: string; json: unknown }>): Record<string, string[]> {
	const dir = tempDir('anl-json-ld-');
	const files = Object.entries(named).map(([name, b]) => {
		const file = path.join(dir, `${name}.ts`);
		writeFileSync(file, `import type { WithContext, ${b.type} } from 'schema-dts';\nexport const ${name}: WithContext<${b.type}> = ${JSON.stringify(b.json, null, 1)};\n`);
		return [name, file] as const;
	});
	const program = ts.createProgram(
		files.map(([, f]) => f),
		{
			strict: true,
			noEmit: true,
			target: ts.ScriptTarget.ES2022,
			module: ts.ModuleKind.ESNext,
			moduleResolution: ts.ModuleResolutionKind.Bundler,
			types: [],
			paths: { 'schema-dts': [path.resolve('node_modules/schema-dts')] }
		}
	);
	const out: Record<string, string[]> = {};
	for (const [name, file] of files) {
		out[name] = ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
	}
	return out;
}

describe(`schema.org JSON-LD (${DB_KIND})`, () => {
	it('offers say the languages spoken on their service channels, not on the Service', () => {
		const course = blocks.course.json;
		expect(course['@type']).toBe('Service');
		expect(course.availableLanguage).toBeUndefined();
		expect(course.availableChannel).toEqual([
			expect.objectContaining({
				'@type': 'ServiceChannel',
				availableLanguage: ['de', 'ar', 'fa'].map((tag) => ({ '@type': 'Language', alternateName: tag })),
				servicePhone: { '@type': 'ContactPoint', telephone: '0221 456' },
				serviceUrl: 'https://caritas.example.org/kurs',
				serviceLocation: expect.objectContaining({ '@type': 'Place', name: 'Bürgerzentrum Kalk' })
			})
		]);
		const hotline = blocks.hotline.json;
		expect(hotline['@type']).toBe('GovernmentService');
		expect(hotline.availableChannel).toEqual([
			{ '@type': 'ServiceChannel', availableLanguage: ['de', 'tr'].map((tag) => ({ '@type': 'Language', alternateName: tag })), servicePhone: { '@type': 'ContactPoint', telephone: '0221 999' } }
		]);
	});

	it('uses only what schema.org defines for each type (checked against its vocabulary)', () => {
		const wrong = { ...blocks.course.json, availableLanguage: [{ '@type': 'Language', alternateName: 'de' }] };
		const errors = vocabularyErrors({ ...blocks, wrong: { type: 'Service', json: wrong } });
		// The checker is not silent: the first wave's block, with availableLanguage on Service, fails.
		expect(errors.wrong.join('\n')).toMatch(/availableLanguage.{0,3} does not exist in type 'ServiceLeaf/);
		delete errors.wrong;
		expect(errors).toEqual({ course: [], hotline: [], caritas: [], authority: [] });
	}, 60_000);
});
