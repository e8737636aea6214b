import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/lib/server/access';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { getOrganization, getService, markVerified, saveOrganization, saveService, serviceToInput } from '../../src/lib/server/directory/service';
import { getOrganizationHsds, getServiceAtLocationHsds, getServiceHsds, listOrganizations, parseHsdsQuery } from '../../src/lib/server/directory/hsds/api';
import { berlinOffset, organizationFallbackDescription } from '../../src/lib/server/directory/hsds/mapping';
import { importedId, uuidV5 } from '../../src/lib/server/directory/hsds/ids';
import { importHsds } from '../../src/lib/server/directory/hsds/import';
import { ImportError } from '../../src/lib/server/core/errors';
import { createMunicipality, findMunicipality } from '../../src/lib/server/geography/service';
import { searchDirectory } from '../../src/lib/server/directory/search';
import { countRows, DB_KIND, freshDatabase } from '../helpers/db';
import { importKoelnAreas } from '../helpers/files';
import { offer, org } from '../helpers/directory';
import { hsdsDifferences, hsdsErrors, hsdsExample, hsdsExampleNames } from '../helpers/hsds';

let handle: DatabaseHandle;

beforeAll(async () => {
	handle = await freshDatabase();
	await createMunicipality(handle.db, systemPrincipal('t'), { slug: 'koeln', name: 'Köln', officialCode: '05315000' });
	await importKoelnAreas(handle.db);
	await createMunicipality(handle.db, systemPrincipal('t'), { slug: 'beispiel', name: 'Beispielstadt' });
});
afterAll(() => handle.close());

const en = () => parseHsdsQuery(new URLSearchParams('lang=en'), null);
const de = () => parseHsdsQuery(new URLSearchParams('lang=de'), null);

/** The order a person would import the examples in: full objects first, then lists and the lone location. */
const EXAMPLES = [
	'organization_full.json',
	'service_full.json',
	'service_at_location_full.json',
	'organization_list.json',
	'service_list.json',
	'service_at_location_list.json',
	'location.json',
	'taxonomy.json',
	'taxonomy_list.json',
	'taxonomy_term.json',
	'taxonomy_term_list.json',
	'base.json'
];

function importExample(name: string) {
	return importHsds(handle.db, systemPrincipal('hsds-import'), { municipality: 'beispiel', file: name, text: hsdsExample(name), language: 'en' });
}

async function auditCount(): Promise<number> {
	return countRows(handle, 'audit_log');
}

describe(`HSDS import (${DB_KIND})`, () => {
	it('derives name-based ids as RFC 9562 version 5 UUIDs', () => {
		expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
		expect(importedId('AC148810-D857-441C-9679-408F346DE14B')).toBe('ac148810-d857-441c-9679-408f346de14b');
		expect(importedId('service-17')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
	});

	it('imports every JSON example of the specification; vocabularies and the root are recognised and left out', async () => {
		expect([...EXAMPLES, 'tabular.json'].sort()).toEqual(hsdsExampleNames());
		const summaries = [];
		for (const name of EXAMPLES) summaries.push({ name, ...(await importExample(name)) });
		expect(summaries.find((s) => s.name === 'organization_full.json')).toMatchObject({ created: 2, skipped: [] });
		for (const s of summaries) expect(s.skipped, s.name).toEqual([]);
		expect(summaries.filter((s) => s.ignored.length).map((s) => s.name)).toEqual([
			'taxonomy.json',
			'taxonomy_list.json',
			'taxonomy_term.json',
			'taxonomy_term_list.json',
			'base.json'
		]);
		const service = await getService(handle.db, 'ac148810-d857-441c-9679-408f346de14b', ['public']);
		expect(service?.name).toEqual({ en: { text: 'Community Counselling', status: 'original' } });
		expect(service?.languages).toEqual(['ur']);
		expect(service?.costKind).toBe('paid');
		expect(service?.locations.map((l) => l.id)).toEqual(['3a19ff88-4620-4d17-9830-ac1d859eb5d5']);
		// Latitude 100 is not a WGS84 coordinate: kept for the export, not used for placement.
		expect(service?.locations[0].latitude).toBeNull();
		expect(service?.locations[0].hsdsExtra.latitude).toBe(100);
	});

	it('re-importing an example right after importing it writes nothing (no audit entries)', async () => {
		// The examples disagree among themselves (location.json has another external identifier
		// than the full examples), so each file is imported and then imported again.
		for (const name of EXAMPLES) {
			await importExample(name);
			const before = await auditCount();
			const s = await importExample(name);
			expect(s.created + s.updated, name).toBe(0);
			expect(await auditCount(), name).toBe(before);
		}
	});

	it('exports the full examples equivalent to what was imported, valid against the strict schemas', async () => {
		// Each file again first: the examples disagree among themselves (see above).
		const service = JSON.parse(hsdsExample('service_full.json'));
		await importExample('service_full.json');
		const s = await getServiceHsds(handle.db, service.id, en());
		expect(hsdsErrors('service.json', s)).toEqual([]);
		expect(hsdsDifferences(service, s)).toEqual([]);
		const org = JSON.parse(hsdsExample('organization_full.json'));
		await importExample('organization_full.json');
		const o = await getOrganizationHsds(handle.db, org.id, { ...en(), fullService: true });
		expect(hsdsErrors('organization_full', o)).toEqual([]);
		expect(hsdsDifferences(org, o)).toEqual([]);
		const sal = JSON.parse(hsdsExample('service_at_location_full.json'));
		await importExample('service_at_location_full.json');
		const l = await getServiceAtLocationHsds(handle.db, sal.id, en());
		expect(hsdsErrors('service_at_location_full', l)).toEqual([]);
		expect(hsdsDifferences(sal, l)).toEqual([]);
	});
});

/** An HSDS file of a Köln actor that is not one of the examples: two places, several phones and schedules, ids that are not UUIDs. */
function handWritten() {
	return [
		{
			id: 'kalk-hilft-ev',
			name: 'Kalk hilft e. V.',
			alternate_name: 'KHeV',
			description: 'Nachbarschaftsverein in Köln-Kalk',
			email: 'info@kalk-hilft.example',
			website: 'https://kalk-hilft.example',
			legal_status: 'eingetragener Verein',
			phones: [
				{ id: 'khev-phone-1', number: '+49 221 1234567', type: 'voice' },
				{ id: 'khev-phone-2', number: '+49 221 7654321', type: 'fax' }
			],
			services: [
				{
					id: 'khev-sprachcafe',
					name: 'Sprachcafé',
					description: 'Deutsch üben bei Kaffee und Kuchen',
					status: 'active',
					url: 'https://kalk-hilft.example/sprachcafe',
					application_process: 'Einfach vorbeikommen',
					eligibility_description: 'Für alle Erwachsenen',
					minimum_age: 18,
					alert: 'Im August Sommerpause',
					phones: [
						{ id: 'sc-phone-1', number: '+49 221 1234567', extension: 12, description: 'Frau Yilmaz' },
						{ id: 'sc-phone-2', number: '+49 176 555555', type: 'text' }
					],
					contacts: [{ id: 'sc-contact', name: 'Ayşe Yilmaz', title: 'Koordination' }],
					languages: [
						{ id: 'sc-lang-de', name: 'Deutsch', code: 'de' },
						{ id: 'sc-lang-tr', name: 'Türkisch', code: 'tr' },
						{ id: 'sc-lang-ar', name: 'Arabisch', code: 'ar', note: 'dienstags' }
					],
					cost_options: [{ id: 'sc-cost', option: 'pro Termin', currency: 'EUR', amount: 3.5, amount_description: 'Kaffee und Kuchen' }],
					required_documents: [{ id: 'sc-doc', document: 'keine' }],
					schedules: [
						{ id: 'sc-monthly', freq: 'MONTHLY', byday: '1SA', opens_at: '10:00', closes_at: '12:00', description: 'Ausflug am ersten Samstag' }
					],
					attributes: [
						{
							id: 'sc-attr',
							taxonomy_term_id: '7c3c2a7e-9a10-4f9c-b3c3-1f7f4c0f2d11',
							link_type: 'audience',
							link_entity: 'service',
							value: 'Nachbarschaft'
						}
					],
					service_at_locations: [
						{
							id: 'sc-at-kalk',
							description: 'Im Bürgerzentrum',
							schedules: [
								{ id: 'sc-week', freq: 'WEEKLY', byday: 'TU,TH', opens_at: '15:00', closes_at: '17:30', valid_from: '2026-01-01', notes: 'nicht in den Ferien' },
								{ id: 'sc-friday', freq: 'WEEKLY', byday: 'FR', opens_at: '09:00:00', closes_at: '11:00:00', attending_type: 'in person' }
							],
							location: {
								id: 'bz-kalk',
								location_type: 'physical',
								name: 'Bürgerzentrum Kalk',
								description: 'Eingang Rückseite',
								transportation: 'U-Bahn Kalk Post',
								latitude: 50.9385,
								longitude: 6.9985,
								addresses: [
									{ id: 'bz-kalk-addr', address_1: 'Kalker Hauptstraße 1', city: 'Köln', state_province: 'NRW', postal_code: '51103', country: 'DE', address_type: 'physical' }
								],
								accessibility: [{ id: 'bz-acc', description: 'Rampe am Hintereingang', details: 'Klingel' }]
							}
						},
						{
							id: 'sc-at-hoehenberg',
							location: {
								id: 'hoehenberg-treff',
								location_type: 'physical',
								name: 'Treff Höhenberg',
								latitude: 50.9436,
								longitude: 7.0236,
								addresses: [{ id: 'hoehenberg-addr', address_1: 'Würzburger Str. 10', city: 'Köln', state_province: 'Nordrhein-Westfalen', postal_code: '51103', country: 'DE', address_type: 'physical' }]
							}
						}
					]
				}
			]
		}
	];
}

describe(`HSDS import of other files (${DB_KIND})`, () => {
	const file = JSON.stringify(handWritten());
	const serviceId = importedId('khev-sprachcafe');

	it('imports a hand-written file into the directory model and places it in its Stadtteile', async () => {
		const progress: [number, number][] = [];
		const s = await importHsds(handle.db, systemPrincipal('hsds-import'), { municipality: 'koeln', file: 'kalk.json', text: file, onProgress: (d, t) => progress.push([d, t]) });
		expect(s).toMatchObject({ created: 2, updated: 0, skipped: [], outside: [] });
		expect(progress).toEqual([
			[1, 2],
			[2, 2]
		]);
		const service = (await getService(handle.db, serviceId, ['public']))!;
		expect(service.organization.name).toBe('Kalk hilft e. V.');
		expect(service.phone).toBe('+49 221 1234567');
		expect(service.contactName).toBe('Ayşe Yilmaz');
		expect(service.languages).toEqual(['de', 'tr', 'ar']);
		expect(service.costKind).toBe('paid');
		expect(service.costAmountCents).toBe(350);
		expect(service.locations.map((l) => [l.name, l.socialSpace?.name, l.postalCode])).toEqual([
			['Bürgerzentrum Kalk', 'Kalk', '51103'],
			['Treff Höhenberg', 'Höhenberg', '51103']
		]);
		expect(service.locations[0].accessibilityNote).toEqual({ de: { text: 'Rampe am Hintereingang', status: 'original' } });
		expect(service.schedules.map((x) => [x.weekday, x.opensAt, x.closesAt, x.validFrom])).toEqual([
			[2, '15:00', '17:30', '2026-01-01'],
			[4, '15:00', '17:30', '2026-01-01'],
			[5, '09:00', '11:00', null]
		]);
		expect(service.schedules[0].note).toEqual({ de: { text: 'nicht in den Ferien', status: 'original' } });
		// The search entries are built once at the end of the import: the offer and its actor are found.
		const koeln = (await findMunicipality(handle.db, 'koeln'))!;
		const found = await searchDirectory(handle.db, { municipalityId: koeln.id, text: 'Kalk hilft', lang: 'de', levels: ['public'], sort: 'relevance', page: 1, perPage: 20 });
		expect(found.hits.map((h) => [h.kind, h.id])).toEqual(expect.arrayContaining([['service', serviceId], ['organization', service.organization.id]]));
		expect(found.hits.find((h) => h.id === serviceId)?.organizationName).toBe('Kalk hilft e. V.');
	});

	it('comes back out equivalent and schema-valid, and re-importing it changes nothing', async () => {
		const input = handWritten()[0];
		const org = await getOrganizationHsds(handle.db, importedId(input.id), { ...de(), fullService: true });
		expect(hsdsErrors('organization_full', org)).toEqual([]);
		expect(hsdsDifferences(input, org)).toEqual([]);
		const before = await auditCount();
		const s = await importHsds(handle.db, systemPrincipal('hsds-import'), { municipality: 'koeln', file: 'kalk.json', text: file });
		expect(s).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
		expect(await auditCount()).toBe(before);
	});

	it('exports a later edit of a kept field and keeps what the directory does not hold', async () => {
		const service = (await getService(handle.db, serviceId, ['public']))!;
		await saveService(handle.db, systemPrincipal('test'), service.municipalityId, { ...serviceToInput(service), phone: '+49 221 999' }, { id: serviceId });
		const out = await getServiceHsds(handle.db, serviceId, de());
		expect(out.phones).toEqual([
			{ id: importedId('sc-phone-1'), number: '+49 221 999', extension: 12, description: 'Frau Yilmaz' },
			{ id: importedId('sc-phone-2'), number: '+49 176 555555', type: 'text' }
		]);
		expect(hsdsErrors('service.json', out)).toEqual([]);
	});

	it('rejects each bad record with path, field and reason and writes nothing; --skip-invalid imports the rest', async () => {
		const text = JSON.stringify({
			contents: [
				{ id: 'ok-1', name: 'Hausaufgabenhilfe', status: 'active', organization_id: importedId('kalk-hilft-ev') },
				{ id: 'bad-1', name: 5, status: 'active', organization_id: importedId('kalk-hilft-ev') },
				{ id: 'bad-2', name: 'Beratung', status: 'open', organization_id: importedId('kalk-hilft-ev') },
				{ id: 'bad-3', name: 'Ohne Träger', status: 'active', organization_id: '00000000-0000-4000-8000-000000000000' }
			]
		});
		const services = await countRows(handle, 'service');
		const audits = await auditCount();
		const err = await importHsds(handle.db, systemPrincipal('hsds-import'), { municipality: 'koeln', file: 'bad.json', text }).catch((e) => e);
		expect(err).toBeInstanceOf(ImportError);
		expect(err.file).toBe('bad.json');
		expect(err.problems).toEqual([
			'contents[1] (service): name: expected string, got number',
			'contents[2] (service): status: must be one of "active", "inactive", "defunct", "temporarily closed"',
			'contents[3] (service): organizationId: not_found'
		]);
		expect(await countRows(handle, 'service')).toBe(services);
		expect(await auditCount()).toBe(audits);
		const s = await importHsds(handle.db, systemPrincipal('hsds-import'), { municipality: 'koeln', file: 'bad.json', text, skipInvalid: true });
		expect(s.created).toBe(1);
		expect(s.skipped.map((k) => k.record)).toEqual(['contents[1] (service)', 'contents[2] (service)', 'contents[3] (service)']);
		expect(await countRows(handle, 'service')).toBe(services + 1);
	});

	it('reports files that are not JSON, a bad language, unknown properties and a service without an actor', async () => {
		await expect(importHsds(handle.db, systemPrincipal('hsds-import'), { municipality: 'koeln', file: 'x.json', text: '{"id": ' })).rejects.toThrow(/x\.json.*not valid JSON/s);
		await expect(importHsds(handle.db, systemPrincipal('hsds-import'), { municipality: 'koeln', file: 'x.json', text: '[]', language: 'not a tag' })).rejects.toThrow(/language/);
		const s = await importHsds(handle.db, systemPrincipal('hsds-import'), {
			municipality: 'koeln',
			file: 'extra.json',
			text: JSON.stringify({ id: importedId('kalk-hilft-ev'), name: 'Kalk hilft e. V.', description: 'Nachbarschaftsverein in Köln-Kalk', facebook: 'kalkhilft' })
		});
		expect(s.dropped).toEqual(['facebook']);
		const err = await importHsds(handle.db, systemPrincipal('hsds-import'), { municipality: 'koeln', file: 'o.json', text: JSON.stringify({ id: 'lonely', name: 'Allein', status: 'active', service_at_locations: [] }) }).catch((e) => e);
		expect(err.problems).toEqual(['record (service): organization_id: a new service needs organization_id or organization']);
	});
});

/** tabular.json with changes; `rows` replaces or adds whole tables. */
function tabular(rows: Record<string, unknown[]>): string {
	return JSON.stringify({ ...JSON.parse(hsdsExample('tabular.json')), ...rows });
}

describe(`HSDS import of the tabular form (${DB_KIND})`, () => {
	let tab: DatabaseHandle;
	const SERVICE = 'ac148810-d857-441c-9679-408f346de14b';
	const ORG = 'd9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610';
	const importTabular = (text: string, skipInvalid = false) =>
		importHsds(tab.db, systemPrincipal('hsds-import'), { municipality: 'beispiel', file: 'tabular.json', text, language: 'en', skipInvalid });

	beforeAll(async () => {
		tab = await freshDatabase();
		await createMunicipality(tab.db, systemPrincipal('t'), { slug: 'beispiel', name: 'Beispielstadt' });
	});
	afterAll(() => tab.close());

	it('assembles the tables into actors, offers and places with their schedules and phones', async () => {
		const s = await importTabular(hsdsExample('tabular.json'));
		expect(s).toMatchObject({ created: 2, skipped: [] });
		// The example's links that name no row of the file are listed, not guessed.
		expect(s.ignored.map((i) => i.record)).toEqual(
			expect.arrayContaining(['contacts.csv[0]', 'locations.csv[0]', 'attributes.csv[0]', 'metadata.csv[0]', 'taxonomies.csv', 'taxonomy_terms.csv', 'meta_table_descriptions.csv'])
		);
		expect(s.ignored.find((i) => i.record === 'contacts.csv[0]')?.reason).toBe(
			'organization_id "ae67a707-5893-4225-b0b1-320ab9cb596b": no row in organizations.csv, link left out'
		);
		const org = await getOrganization(tab.db, ORG, ['public']);
		expect(org?.name).toBe('Example Organization Inc.');
		expect(org?.email).toBe('email@example.com');
		const service = await getService(tab.db, SERVICE, ['public']);
		expect(service?.name).toEqual({ en: { text: 'Community Counselling', status: 'original' } });
		expect(service?.organizationId).toBe(ORG);
		expect(service?.languages).toEqual(['ur']);
		expect(service?.locations.map((l) => [l.id, l.name])).toEqual([['3a19ff88-4620-4d17-9830-ac1d859eb5d5', 'MyCity Civic Center']]);
		expect(service?.phone).toContain('+44 1234 234567');
		// The example's schedule (by week number and month day) has no weekly form: kept for the export.
		expect(service?.schedules).toEqual([]);
		expect((service?.hsdsExtra.schedules as { id: string }[]).map((x) => x.id)).toEqual(['48102e86-bb50-41c4-8f1e-e269368c41d1']);
		expect(service?.locations[0].hsdsExtra.schedules).toEqual(service?.hsdsExtra.schedules);
	});

	it('re-importing the tabular example writes nothing', async () => {
		const before = await countRows(tab, 'audit_log');
		const s = await importTabular(hsdsExample('tabular.json'));
		expect(s.created + s.updated).toBe(0);
		expect(await countRows(tab, 'audit_log')).toBe(before);
	});

	it('rejects rows whose parent is not in the file, naming table, row, field and reason, and writes nothing', async () => {
		const before = await countRows(tab, 'audit_log');
		const text = tabular({
			'organizations.csv': [{ id: ORG, name: 'Renamed Organization', description: 'd' }],
			'phones.csv': [{ id: 'p1', number: '+49 221 1', service_id: 'no-such-service' }],
			'addresses.csv': [{ id: 'a1', address_1: 'Hauptstr. 1', city: 'Köln', state_province: 'NRW', postal_code: '50667', country: 'DE', address_type: 'physical' }],
			'service_at_location.csv': [...JSON.parse(hsdsExample('tabular.json'))['service_at_location.csv'], { id: 's1', service_id: SERVICE }],
			'schedules.csv': [
				{ id: 'x', service_id: SERVICE, freq: 'WEEKLY', byday: 'MO', opens_at: '09:00', closes_at: '12:00' },
				{ id: 'x', service_id: SERVICE, freq: 'WEEKLY', byday: 'TU', opens_at: '09:00', closes_at: '12:00' },
				{ service_id: SERVICE }
			]
		});
		const err = await importTabular(text).catch((e) => e);
		expect(err).toBeInstanceOf(ImportError);
		expect(err.problems).toEqual([
			'schedules.csv[1]: id: "x" is used by an earlier row of schedules.csv',
			'schedules.csv[2]: id: required',
			'phones.csv[0]: service_id: no row with id "no-such-service" in services.csv',
			'addresses.csv[0]: location_id: names no record it belongs to (one of location_id is required)',
			'service_at_location.csv[1]: location_id: required'
		]);
		expect(await countRows(tab, 'audit_log')).toBe(before);
		expect((await getOrganization(tab.db, ORG, ['public']))?.name).toBe('Example Organization Inc.');
		// --skip-invalid: the valid rows are imported, the rejected ones listed.
		const s = await importTabular(text, true);
		expect(s.skipped.map((x) => x.record)).toEqual(['schedules.csv[1]', 'schedules.csv[2]', 'phones.csv[0]', 'addresses.csv[0]', 'service_at_location.csv[1]']);
		expect((await getOrganization(tab.db, ORG, ['public']))?.name).toBe('Renamed Organization');
		const service = await getService(tab.db, SERVICE, ['public']);
		expect(service?.schedules.map((x) => [x.weekday, x.opensAt, x.closesAt])).toEqual([[1, '09:00', '12:00']]);
	});

	it('refuses a property that is not an HSDS table and a table that is not a list', async () => {
		const err = await importTabular(JSON.stringify({ 'services.csv': [], 'leistungen.csv': [], 'phones.csv': {} })).catch((e) => e);
		expect(err).toBeInstanceOf(ImportError);
		expect(err.problems).toHaveLength(1);
		expect(err.problems[0]).toMatch(/^leistungen\.csv: not an HSDS 3\.0 table/);
		const notList = await importTabular(JSON.stringify({ 'services.csv': [], 'phones.csv': {} })).catch((e) => e);
		expect(notList.problems).toEqual(['phones.csv: expected an array of rows']);
	});
});

describe(`HSDS export of the directory imported again (${DB_KIND})`, () => {
	let osmActor: string;
	let verifiedOffer: string;

	/** The municipality's public actors, fully nested, as `export hsds` writes them. */
	async function exportKoeln(): Promise<Record<string, unknown>[]> {
		const page = await listOrganizations(handle.db, parseHsdsQuery(new URLSearchParams('municipality=koeln&full=true&full_service=true&per_page=1000&lang=de'), null));
		expect(page.last_page).toBe(true);
		return page.contents;
	}

	beforeAll(async () => {
		const koeln = (await getOrganization(handle.db, importedId('kalk-hilft-ev'), ['public']))!.municipalityId;
		osmActor = (await saveOrganization(handle.db, systemPrincipal('test'), koeln, org({ name: 'Kita Regenbogen', actorType: 'kita', description: {} }))).id;
		const caritas = (await saveOrganization(handle.db, systemPrincipal('test'), koeln, org())).id;
		verifiedOffer = (await saveService(handle.db, systemPrincipal('test'), koeln, offer(caritas))).id;
		await markVerified(handle.db, systemPrincipal('test'), 'service', verifiedOffer, 'Frau Test');
	});

	it('gives every organization a description: its own, or its type and municipality', async () => {
		const all = await exportKoeln();
		expect(all.filter((o) => typeof o.description !== 'string' || !o.description)).toEqual([]);
		const kita = all.find((o) => o.id === osmActor)!;
		expect(kita.description).toBe(organizationFallbackDescription('kita', 'Köln', 'de'));
		expect(kita.description).toMatch(/ – Köln$/);
		for (const o of all) expect(hsdsErrors('organization_full', o), String(o.name)).toEqual([]);
		const english = await getOrganizationHsds(handle.db, osmActor, en());
		expect(english.description).toBe(organizationFallbackDescription('kita', 'Köln', 'en'));
	});

	it('writes opening times with the Europe/Berlin UTC offset of the day', async () => {
		expect(berlinOffset(new Date('2026-01-15T12:00:00Z'))).toBe('+01:00');
		expect(berlinOffset(new Date('2026-07-15T12:00:00Z'))).toBe('+02:00');
		// The change to summer time at 01:00 UTC on the last Sunday of March.
		expect(berlinOffset(new Date('2026-03-29T00:59:59Z'))).toBe('+01:00');
		expect(berlinOffset(new Date('2026-03-29T01:00:00Z'))).toBe('+02:00');
		const s = await getServiceHsds(handle.db, verifiedOffer, de());
		const tz = berlinOffset(new Date());
		const [slot] = (s.service_at_locations as { schedules: Record<string, unknown>[] }[])[0].schedules;
		expect([slot.opens_at, slot.closes_at]).toEqual([`09:00${tz}`, `12:00${tz}`]);
	});

	it('imports its own export without a change: no update, no audit entry, no new last_modified', async () => {
		const exported = await exportKoeln();
		const modified = (await getServiceHsds(handle.db, verifiedOffer, de())).last_modified;
		expect((await getServiceHsds(handle.db, verifiedOffer, de())).assured_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
		const before = await auditCount();
		const s = await importHsds(handle.db, systemPrincipal('hsds-import'), { municipality: 'koeln', file: 'koeln.json', text: JSON.stringify({ contents: exported }) });
		expect(s).toMatchObject({ created: 0, updated: 0, skipped: [] });
		expect(await auditCount()).toBe(before);
		expect((await getServiceHsds(handle.db, verifiedOffer, de())).last_modified).toBe(modified);
		expect((await getOrganization(handle.db, osmActor, ['public']))!.description).toEqual({});
		// The same file read in the other season (its times carry the other offset) is the same hours.
		const other = berlinOffset(new Date()) === '+01:00' ? '+02:00' : '+01:00';
		const shifted = JSON.stringify({ contents: exported }).replace(/"(\d{2}:\d{2})\+0[12]:00"/g, `"$1${other}"`);
		expect(shifted).not.toBe(JSON.stringify({ contents: exported }));
		const again = await importHsds(handle.db, systemPrincipal('hsds-import'), { municipality: 'koeln', file: 'koeln.json', text: shifted });
		expect(again).toMatchObject({ created: 0, updated: 0 });
		expect(await auditCount()).toBe(before);
	});

	it('reads times with Berlin offsets as wall-clock time and keeps a UTC or foreign time as it is', async () => {
		const record = (id: string, opens: string, closes: string) => ({
			id,
			name: `Sprechstunde ${id}`,
			status: 'active',
			organization_id: osmActor,
			schedules: [{ id: `${id}-schedule`, freq: 'WEEKLY', byday: 'WE', opens_at: opens, closes_at: closes }]
		});
		const text = JSON.stringify([record('summer', '09:00+02:00', '11:00+02:00'), record('utc', '08:00Z', '10:00Z'), record('new-york', '09:00-05:00', '11:00-05:00')]);
		const s = await importHsds(handle.db, systemPrincipal('hsds-import'), { municipality: 'koeln', file: 'times.json', text });
		expect(s).toMatchObject({ created: 3, skipped: [] });
		const summer = (await getService(handle.db, importedId('summer'), ['public']))!;
		expect(summer.schedules.map((x) => [x.weekday, x.opensAt, x.closesAt])).toEqual([[3, '09:00', '11:00']]);
		for (const id of ['utc', 'new-york']) {
			const kept = (await getService(handle.db, importedId(id), ['public']))!;
			expect(kept.schedules, id).toEqual([]);
			const out = await getServiceHsds(handle.db, importedId(id), de());
			expect((out.schedules as Record<string, unknown>[])[0], id).toMatchObject(id === 'utc' ? { opens_at: '08:00Z', closes_at: '10:00Z' } : { opens_at: '09:00-05:00' });
		}
	});
});
