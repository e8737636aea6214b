import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/lib/server/access';
import { listAudit } from '../../src/lib/server/audit/service';
import { openDatabase, migrateDatabase, type DatabaseHandle } from '../../src/lib/server/db/client';
import { exportCsv, formatOpeningHours, importCsv, parseOpeningHours } from '../../src/lib/server/directory/csv';
import { getOrganization, getServices, listEntryIds, saveOrganization, saveService } from '../../src/lib/server/directory/service';
import { effectiveStatus, originalText, withVersion } from '../../src/lib/server/directory/texts';
import { spreadsheetCsv } from '../../src/lib/server/core/csv';
import { ImportError, NotFoundError } from '../../src/lib/server/core/errors';
import { createMunicipality } from '../../src/lib/server/geography/service';
import { countRows, DB_KIND, freshDatabase } from '../helpers/db';
import { offer, org } from '../helpers/directory';
import { importKoelnAreas } from '../helpers/files';
import { tempDir } from '../helpers/tmp';

let h: DatabaseHandle;
let municipalityId: string;
let actorId: string;
let offerId: string;

const ALL = ['public', 'network', 'internal'] as const;

beforeAll(async () => {
	h = await freshDatabase();
	municipalityId = (await createMunicipality(h.db, systemPrincipal('t'), { slug: 'koeln', name: 'Köln' })).id;
	await importKoelnAreas(h.db);
	const description = withVersion(originalText('de', 'Beratung für Zugewanderte'), 'en', 'Advice for newcomers', 'machine');
	actorId = (
		await saveOrganization(
			h.db, systemPrincipal('test'),
			municipalityId,
			org({
				name: 'Caritas Köln',
				alternateNames: ['Caritasverband', 'CV Köln'],
				description,
				email: 'info@example.org',
				locations: [offer('').locations[0]]
			}))
	).id;
	offerId = (
		await saveService(
			h.db, systemPrincipal('test'),
			municipalityId,
			offer(actorId, {
				name: withVersion(originalText('de', 'Deutschkurs für Anfänger'), 'ar', 'دورة ألمانية للمبتدئين'),
				costKind: 'reduced',
				costAmountCents: 350,
				schedules: [
					{ weekday: 2, opensAt: '09:00', closesAt: '12:00', validFrom: null, validTo: null, appointmentOnly: false, note: originalText('de', 'nicht in den Ferien'), location: 0 },
					{ weekday: 4, opensAt: '14:00', closesAt: '16:00', validFrom: null, validTo: null, appointmentOnly: true, note: {}, location: 0 }
				]
			}))
	).id;
});
afterAll(() => h?.close());

function problemsOf(e: unknown): string[] {
	expect(e).toBeInstanceOf(ImportError);
	return (e as ImportError).problems;
}

describe('compact opening hours', () => {
	it('reads day lists, ranges and appointment slots and writes them back grouped', () => {
		const slots = parseOpeningHours('Mo-Fr 14:00-16:00; Mo,Do 10:00-16:00; Do 9:00–12:00 (Termin)')!;
		expect(slots).toHaveLength(8);
		expect(slots.at(-1)).toEqual({ weekday: 4, opensAt: '09:00', closesAt: '12:00', appointmentOnly: true });
		expect(formatOpeningHours(slots)).toBe('Mo,Do 10:00-16:00; Mo-Fr 14:00-16:00; Do 09:00-12:00 (Termin)');
		expect(parseOpeningHours('Mo Tu We 10:00-12:00')).toBeNull();
		expect(parseOpeningHours('Mo 9-12')).toBeNull();
		expect(parseOpeningHours('Fr-Mo 10:00-12:00')).toBeNull();
		expect(parseOpeningHours('')).toEqual([]);
	});
});

describe(`CSV import and export (${DB_KIND})`, () => {
	it('exports the columns of docs/csv.md, and importing the export changes nothing', async () => {
		const actors = (await exportCsv(h.db, systemPrincipal('cli'), { municipality: 'koeln', kind: 'actors' })).text;
		const offers = (await exportCsv(h.db, systemPrincipal('cli'), { municipality: 'koeln', kind: 'offers' })).text;
		expect(actors.startsWith('\uFEFFid;name;alternate_names;actor_type;visibility;description_de;description_en;email;')).toBe(true);
		expect(actors).toContain('Caritasverband|CV Köln');
		expect(actors).toContain(';50,9385;6,9985;Kalk');
		expect(offers.split('\r\n')[0]).toBe(
			'\uFEFFid;actor_id;actor_name;name_de;name_ar;description_de;status;visibility;theme_fields;subtopics;target_groups;min_age;max_age;languages;cost_kind;cost_eur;low_threshold;requirements_de;documents_de;eligibility_de;url;email;phone;street;postal_code;city;latitude;longitude;accessibility;opening_hours'
		);
		expect(offers).toContain(';reduced;3,50;ja;');
		expect(offers).toContain('Di 09:00-12:00; Do 14:00-16:00 (Termin)');

		const audit = await countRows(h, 'audit_log');
		for (const [kind, text] of [['actors', actors], ['offers', offers]] as const) {
			const summary = await importCsv(h.db, systemPrincipal('csv-import'), { municipality: 'koeln', kind, file: `${kind}.csv`, text });
			expect(summary).toMatchObject({ total: 1, created: 0, updated: 0, unchanged: 1, skipped: [] });
		}
		expect(await countRows(h, 'audit_log')).toBe(audit);
		const [o] = await getServices(h.db, [offerId], [...ALL]);
		expect(o.schedules.find((s) => s.weekday === 2)?.note.de.text).toBe('nicht in den Ferien');
		const a = await getOrganization(h.db, actorId, [...ALL]);
		expect(effectiveStatus(a!.description, 'en')).toBe('machine');

		const comma = (await exportCsv(h.db, systemPrincipal('cli'), { municipality: 'koeln', kind: 'offers', delimiter: ',' })).text;
		expect(comma).toContain(',reduced,3.50,ja,');
		expect(await importCsv(h.db, systemPrincipal('csv-import'), { municipality: 'koeln', kind: 'offers', file: 'offers.csv', text: comma })).toMatchObject({ unchanged: 1 });
		expect((await exportCsv(h.db, systemPrincipal('cli'), { municipality: 'koeln', kind: 'offers' })).text).toBe(offers);
	});

	it('creates actors and offers from a spreadsheet file (BOM, semicolons, decimal commas) and re-runs as a no-op', async () => {
		const actors = [
			'\uFEFFname;actor_type;description_de;description_en;street;postal_code;city;latitude;longitude;social_spaces',
			'Begegnungscafé Vingst;Verein;Treffpunkt für alle;Meeting place for everyone;Burgstraße 1;51103;Köln;50,932;7,025;Höhenberg',
			'"Sprachpaten; Kalk";volunteer_initiative;;;;;;;;Kalk|Humboldt/Gremberg'
		].join('\n');
		const progress: string[] = [];
		const first = await importCsv(h.db, systemPrincipal('csv-import'), { municipality: 'koeln', kind: 'actors', file: 'a.csv', text: actors, onProgress: (d, t) => progress.push(`${d}/${t}`) });
		expect(first).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
		expect(progress).toEqual(['0/2', '1/2', '2/2']);
		expect(await importCsv(h.db, systemPrincipal('csv-import'), { municipality: 'koeln', kind: 'actors', file: 'a.csv', text: actors })).toMatchObject({ created: 0, unchanged: 2 });
		const ids = await listEntryIds(h.db, municipalityId, [...ALL]);
		const cafe = await Promise.all(ids.organizationIds.map((id) => getOrganization(h.db, id, [...ALL])));
		const vingst = cafe.find((c) => c?.name === 'Begegnungscafé Vingst')!;
		expect(vingst.actorType).toBe('association');
		expect(vingst.description.en).toMatchObject({ text: 'Meeting place for everyone', status: 'human' });
		expect(vingst.locations[0]).toMatchObject({ latitude: 50.932, longitude: 7.025, socialSpace: { name: 'Vingst' } });
		expect(vingst.socialSpaces.map((s) => s.name)).toEqual(['Höhenberg', 'Vingst']);
		expect(cafe.find((c) => c?.name === 'Sprachpaten; Kalk')!.socialSpaces.map((s) => s.name)).toEqual(['Humboldt/Gremberg', 'Kalk']);

		const offers = [
			'actor_name,name_de,name_en,subtopics,target_groups,min_age,max_age,languages,cost_kind,cost_eur,low_threshold,street,postal_code,city,latitude,longitude,accessibility,opening_hours',
			'Begegnungscafé Vingst,Elterncafé,Parents’ café,meeting_place,residents|migration_history,,,"de,tr",free,,ja,Burgstraße 1,51103,Köln,"50,932","7,025",step_free|accessible_toilet,"Mi 15:00-17:00"',
			'Begegnungscafé Vingst,Hausaufgabenhilfe,,homework_help,residents,6,14,de|ar,reduced,"1,50",nein,,,,,,,Mo-Fr 14:00-16:00'
		].join('\r\n');
		expect(await importCsv(h.db, systemPrincipal('csv-import'), { municipality: 'koeln', kind: 'offers', file: 'o.csv', text: offers })).toMatchObject({ created: 2 });
		expect(await importCsv(h.db, systemPrincipal('csv-import'), { municipality: 'koeln', kind: 'offers', file: 'o.csv', text: offers })).toMatchObject({ created: 0, unchanged: 2 });
		const after = await listEntryIds(h.db, municipalityId, [...ALL]);
		const created = (await getServices(h.db, after.serviceIds, [...ALL])).filter((s) => s.organizationId === vingst.id);
		const cafeOffer = created.find((s) => s.name.de.text === 'Elterncafé')!;
		expect(cafeOffer.locations.map((l) => l.id)).toEqual([vingst.locations[0].id]);
		expect(cafeOffer).toMatchObject({ themeFields: ['civil_society'], languages: ['de', 'tr'], lowThreshold: true, costAmountCents: null });
		expect(cafeOffer.name.en).toMatchObject({ status: 'human' });
		const homework = created.find((s) => s.name.de.text === 'Hausaufgabenhilfe')!;
		expect(homework).toMatchObject({ minimumAge: 6, maximumAge: 14, costKind: 'reduced', costAmountCents: 150, languages: ['de', 'ar'] });
		expect(homework.schedules.map((s) => s.weekday)).toEqual([1, 2, 3, 4, 5]);
		expect(homework.locations).toEqual([]);
	});

	it('updates by id what changed, audited field by field', async () => {
		const text = ['id;cost_eur;opening_hours;name_en', `${offerId};4,00;Di 09:00-12:00;German for beginners`].join('\n');
		expect(await importCsv(h.db, systemPrincipal('csv-import'), { municipality: 'koeln', kind: 'offers', file: 'u.csv', text })).toMatchObject({ updated: 1 });
		const [o] = await getServices(h.db, [offerId], [...ALL]);
		expect(o.costAmountCents).toBe(400);
		expect(o.schedules.map((s) => [s.weekday, s.opensAt, s.appointmentOnly])).toEqual([[2, '09:00', false]]);
		expect(o.name.ar.text).toBe('دورة ألمانية للمبتدئين');
		expect(o.name.en).toMatchObject({ text: 'German for beginners', status: 'human' });
		const entries = await listAudit(h.db, systemPrincipal('test'), { entityType: 'service', entityId: offerId, limit: 2 });
		expect(entries.map((e) => e.actorLabel)).toEqual(['csv-import', 'csv-import']);
		expect(entries.flatMap((e) => Object.keys(e.changes)).sort()).toEqual(['costAmountCents', 'name', 'schedules']);
	});

	it('names each bad row by line, column and reason and imports nothing', async () => {
		const text = [
			'id;name;actor_type;email;latitude;longitude;social_spaces;visibility',
			'not-an-id;Erste;Zoo;;;;;public',
			';Zweite;kita;kein-mail;fünfzig;7;;public',
			';Dritte;kita;;48,137;11,575;Atlantis;secret',
			';;kita;;;;;public',
			';Erste Hilfe;school;;50,94;;;public'
		].join('\n');
		const before = await countRows(h, 'organization');
		const err = await importCsv(h.db, systemPrincipal('csv-import'), { municipality: 'koeln', kind: 'actors', file: 'bad.csv', text }).catch((e) => e);
		expect(err.message).toMatch(/^bad\.csv: 8 problem\(s\), nothing imported/);
		expect(problemsOf(err)).toEqual([
			'line 2, column "id": "not-an-id" is not an id (a UUID such as 3f2b…); leave it empty for a new actor',
			'line 2, column "actor_type": "Zoo" is not one of volunteer_initiative, association, kita, youth_centre, school, counselling_centre, parish, housing_company, migrant_organisation, welfare_association, public_authority, jobcenter, welcome_point, other',
			'line 3, column "latitude": "fünfzig" is not a latitude in degrees (e.g. 50,9385)',
			'line 3, column "email": is not an email address',
			'line 4, column "visibility": "secret" is not one of public, network, internal',
			'line 4, column "social_spaces": no social space "Atlantis" in Köln',
			'line 5, column "name": is required',
			'line 6, column "longitude": latitude and longitude are given together or not at all'
		]);
		expect(await countRows(h, 'organization')).toBe(before);
	});

	it('reports what the directory refuses (email, place outside the city, ages) with the column', async () => {
		const text = [
			'actor_name;name_de;min_age;max_age;latitude;longitude;opening_hours;theme_fields;cost_eur',
			'Caritas Köln;Kurs A;10;5;;;;;',
			'Caritas Köln;Kurs B;;;48,137;11,575;Mo 9-12;astrology;drei Euro',
			'Niemand;Kurs C;;;;;;;',
			'Caritas Köln;Kurs D;;;48,137;11,575;;;'
		].join('\n');
		const err = await importCsv(h.db, systemPrincipal('csv-import'), { municipality: 'koeln', kind: 'offers', file: 'bad-offers.csv', text }).catch((e) => e);
		expect(problemsOf(err)).toEqual([
			'line 2, column "max_age": max_age is below min_age',
			'line 3, column "theme_fields": "astrology" is not one of housing, education, labour, civil_society',
			'line 3, column "cost_eur": "drei Euro" is not an amount in euro (e.g. 3,50)',
			'line 3, column "opening_hours": "Mo 9-12" is not like "Mo 09:00-12:00; Do 14:00-16:00 (Termin)"',
			'line 4, column "actor_name": no actor named "Niemand" in Köln (import the actors first)',
			'line 5, column "latitude": the point lies outside Köln'
		]);
		const skipped = await importCsv(h.db, systemPrincipal('csv-import'), {
			municipality: 'koeln',
			kind: 'offers',
			file: 'bad-offers.csv',
			text: text + '\nCaritas Köln;Kurs E;;;;;Sa 10:00-12:00;;',
			skipInvalid: true
		});
		expect(skipped).toMatchObject({ total: 5, created: 1 });
		expect(skipped.skipped.map((s) => s.record)).toEqual(['line 2', 'line 3', 'line 3', 'line 3', 'line 4', 'line 5']);
		expect(skipped.skipped[0]).toEqual({ record: 'line 2', reason: 'column "max_age": max_age is below min_age' });
	});

	it('rejects a bad header, an empty file, bad CSV and an unknown municipality', async () => {
		const header = await importCsv(h.db, systemPrincipal('csv-import'), { municipality: 'koeln', kind: 'actors', file: 'h.csv', text: 'name,colour,description_xx-!!\nA,red,' }).catch((e) => e);
		expect(problemsOf(header)).toEqual([
			'line 1: unknown column "colour" (see docs/csv.md for the columns of actors)',
			'line 1: column "description_xx-!!": "xx-!!" is not a BCP 47 language tag in canonical form (e.g. de, en, de-x-ls)'
		]);
		expect(problemsOf(await importCsv(h.db, systemPrincipal('csv-import'), { municipality: 'koeln', kind: 'offers', file: 'e.csv', text: 'id;name_de\n' }).catch((e) => e))).toEqual(['the file has no data rows']);
		expect(problemsOf(await importCsv(h.db, systemPrincipal('csv-import'), { municipality: 'koeln', kind: 'offers', file: 'n.csv', text: 'name_de\nA' }).catch((e) => e))).toEqual([
			'line 1: an offers file needs the column "id", "actor_id" or "actor_name"'
		]);
		const broken = problemsOf(await importCsv(h.db, systemPrincipal('csv-import'), { municipality: 'koeln', kind: 'actors', file: 'b.csv', text: 'name;email\n"A;b\nB;c;d' }).catch((e) => e));
		expect(broken[0]).toMatch(/^not valid CSV: /);
		await expect(importCsv(h.db, systemPrincipal('csv-import'), { municipality: 'atlantis', kind: 'actors', file: 'a.csv', text: 'name\nA' })).rejects.toBeInstanceOf(NotFoundError);
	});
});

describe.runIf(DB_KIND === 'pglite')('CLI: import csv / export csv', () => {
	it('exports, imports with progress and a summary, and exits 0, 1 or 2', async () => {
		const dir = tempDir('anl-csv-cli-');
		const setup = await openDatabase({ dataDir: dir });
		await migrateDatabase(setup);
		const m = await createMunicipality(setup.db, systemPrincipal('t'), { slug: 'koeln', name: 'Köln' });
		await importKoelnAreas(setup.db);
		await saveOrganization(setup.db, systemPrincipal('test'), m.id, org());
		await setup.close();
		const cli = (...args: string[]) =>
			spawnSync('node_modules/.bin/tsx', ['src/cli/main.ts', ...args], { env: { ...process.env, DATA_DIR: dir, DATABASE_URL: '' }, encoding: 'utf8' });

		const out = path.join(dir, 'actors.csv');
		const exported = cli('export', 'csv', 'koeln', 'actors', out);
		expect(exported.status).toBe(0);
		expect(exported.stdout).toContain('wrote 1 row(s) of actors to');
		expect(readFileSync(out, 'utf8')).toContain('Caritas Köln');

		writeFileSync(path.join(dir, 'new.csv'), 'name;actor_type\nKita Sonnenschein;kita\nZoo;Zoo\n');
		const rejected = cli('import', 'csv', 'koeln', 'actors', path.join(dir, 'new.csv'));
		expect(rejected.status).toBe(1);
		expect(rejected.stderr).toContain('line 3, column "actor_type": "Zoo" is not one of');
		const skipped = cli('import', 'csv', 'koeln', 'actors', path.join(dir, 'new.csv'), '--skip-invalid');
		expect(skipped.status).toBe(0);
		expect(skipped.stderr).toContain('2/2');
		expect(skipped.stdout).toContain('created 1, updated 0, unchanged 0, skipped 1');
		expect(skipped.stdout).toContain('skipped line 3: column "actor_type"');

		expect(cli('import', 'csv', 'koeln', 'people', out).status).toBe(2);
		expect(cli('export', 'csv', 'koeln').status).toBe(2);
	}, 300_000);
});

describe(`CSV that other tools read (${DB_KIND})`, () => {
	const LS = 'de-x-ls';
	let m: string;

	beforeAll(async () => {
		m = (await createMunicipality(h.db, systemPrincipal('t'), { slug: 'bonn', name: 'Bonn' })).id;
		const actor = await saveOrganization(
			h.db,
			systemPrincipal('test'),
			m,
			org({ name: '=HYPERLINK("https://example.org/x";"Verein")', phone: '+49 228 12345', description: originalText('de', '- Beratung\n- Begleitung') })
		);
		await saveService(
			h.db,
			systemPrincipal('test'),
			m,
			offer(actor.id, {
				name: originalText('de', '@Treff für Eltern'),
				description: withVersion(originalText('de', 'Offener Treff.\nMit Kinderbetreuung.'), LS, 'Hier treffen sich Eltern.\r\nDie Kinder spielen.\nEs kostet nichts.', 'human'),
				requiredDocuments: originalText('de', 'Ausweis\nMeldebescheinigung'),
				eligibility: originalText('de', '-18 Jahre: mit Eltern'),
				phone: '0228777',
				costKind: 'reduced',
				costAmountCents: 250,
				locations: [{ ...offer('').locations[0], street: 'Bonner Talweg 1', postalCode: '53113', city: 'Bonn', latitude: 50.7274, longitude: 7.1033 }]
			})
		);
	});

	function exportBonn(kind: 'actors' | 'offers', delimiter: ';' | ',' = ';') {
		return exportCsv(h.db, systemPrincipal('cli'), { municipality: 'bonn', kind, delimiter }).then((r) => r.text);
	}

	it('quotes cells with line breaks (RFC 4180): an independent parser reads every row with all its columns', async () => {
		for (const delimiter of [';', ','] as const) {
			const text = await exportBonn('offers', delimiter);
			expect(text.startsWith('\uFEFF')).toBe(true);
			// Every line break inside a cell sits between quotes; records end with CRLF.
			expect(text).toContain('"Hier treffen sich Eltern.\r\nDie Kinder spielen.\nEs kostet nichts."');
			expect(text).toContain('"Ausweis\nMeldebescheinigung"');
			const parsed = Papa.parse<string[]>(text.slice(1), { delimiter, newline: '\r\n' });
			expect(parsed.errors).toEqual([]);
			const [header, ...rows] = parsed.data.filter((r) => r.length > 1);
			expect(rows).toHaveLength(1);
			expect(rows[0]).toHaveLength(header.length);
			const cell = (c: string) => rows[0][header.indexOf(c)];
			expect(cell(`description_${LS}`)).toBe('Hier treffen sich Eltern.\r\nDie Kinder spielen.\nEs kostet nichts.');
			expect(cell('documents_de')).toBe('Ausweis\nMeldebescheinigung');
			expect(cell('latitude')).toBe(delimiter === ';' ? '50,7274' : '50.7274');
		}
	});

	it('neutralises formula injection: cells starting with = + - @ get an apostrophe, numbers stay numbers', async () => {
		// The apostrophe also keeps the leading zero of digits such as phone numbers and postal codes.
		const actors = await exportBonn('actors');
		const [header, row] = Papa.parse<string[]>(actors.slice(1), { delimiter: ';' }).data;
		const cell = (c: string) => row[header.indexOf(c)];
		expect(cell('name')).toBe(`'=HYPERLINK("https://example.org/x";"Verein")`);
		expect(cell('phone')).toBe("'+49 228 12345");
		expect(cell('description_de')).toBe("'- Beratung\n- Begleitung");
		const offers = await exportBonn('offers');
		expect(offers).toContain(`;"'@Treff für Eltern";`);
		expect(offers).toContain(`;"'-18 Jahre: mit Eltern";`);
		expect(offers).toContain(`;"'0228777";`);
		expect(spreadsheetCsv([['-3', '-3,5', '12', '-x', '\tTab', '@', 'a=b', '01067', '0', '0,5']], ';')).toBe(`\uFEFF-3;-3,5;12;"'-x";"'\tTab";"'@";a=b;"'01067";0;0,5\r\n`);
		// Importing the export reads the stored values back, without the apostrophes.
		const audit = await countRows(h, 'audit_log');
		expect(await importCsv(h.db, systemPrincipal('csv-import'), { municipality: 'bonn', kind: 'actors', file: 'a.csv', text: actors })).toMatchObject({ unchanged: 1 });
		expect(await importCsv(h.db, systemPrincipal('csv-import'), { municipality: 'bonn', kind: 'offers', file: 'o.csv', text: offers })).toMatchObject({ unchanged: 1 });
		expect(await countRows(h, 'audit_log')).toBe(audit);
	});

	it('imports again without changes after a spreadsheet (Gnumeric) opened and saved it', async () => {
		const dir = tempDir('anl-csv-gnumeric-');
		const audit = await countRows(h, 'audit_log');
		// The `;` file with decimal commas is for German spreadsheets, the `,` file for the others:
		// Gnumeric reads numbers in its locale (`50,7274` is 507274 in English), as Excel does.
		const setups = [
			{ delimiter: ';', locale: 'de_DE.UTF-8' },
			{ delimiter: ',', locale: 'C.UTF-8' }
		] as const;
		for (const kind of ['actors', 'offers'] as const) {
			for (const { delimiter, locale } of setups) {
				const exported = path.join(dir, `${kind}-${locale}.csv`);
				writeFileSync(exported, await exportBonn(kind, delimiter));
				const ssconvert = (from: string, to: string) => {
					const run = spawnSync('ssconvert', [from, to], { encoding: 'utf8', env: { ...process.env, LC_ALL: locale } });
					expect(run.status, run.stderr).toBe(0);
					// A missing locale makes Gnumeric fall back to C without failing: refuse that.
					expect(run.stderr).not.toMatch(/locale/i);
				};
				// Opened (delimiter and encoding detected by Gnumeric), saved as CSV and as a workbook.
				for (const saved of ['saved.csv', 'saved.xlsx']) {
					const target = path.join(dir, `${kind}-${locale}-${saved}`);
					ssconvert(exported, target);
					const csv = saved.endsWith('.csv') ? target : `${target}.csv`;
					if (csv !== target) ssconvert(target, csv);
					const text = readFileSync(csv, 'utf8');
					expect(text).not.toBe(readFileSync(exported, 'utf8'));
					const summary = await importCsv(h.db, systemPrincipal('csv-import'), { municipality: 'bonn', kind, file: path.basename(csv), text });
					expect(summary, `${kind} ${locale} ${saved}`).toMatchObject({ total: 1, created: 0, updated: 0, unchanged: 1, skipped: [] });
				}
			}
		}
		expect(await countRows(h, 'audit_log')).toBe(audit);
	}, 120_000);
});
