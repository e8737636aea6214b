import Ajv from 'ajv';
import { describe, expect, inject, it } from 'vitest';
import { Client } from '../helpers/http';
import { hsdsErrors } from '../helpers/hsds';

const base = inject('baseUrl');
const dbKind = inject('dbKind');

async function getJson(path: string, headers: Record<string, string> = {}, client = new Client(base)) {
	const res = await client.request(path, { headers: { accept: 'application/json', ...headers } });
	return { res, body: (await res.json()) as Record<string, unknown> };
}

const LISTS = [
	['/api/hsds/services', 'compiled/service_list.json', '/api/hsds/services/', 'service.json'],
	['/api/hsds/organizations', 'compiled/organization_list.json', '/api/hsds/organizations/', 'organization_full'],
	['/api/hsds/service_at_locations', 'compiled/service_at_location_list.json', '/api/hsds/service_at_locations/', 'service_at_location_full'],
	['/api/hsds/taxonomies', 'taxonomy.json', '/api/hsds/taxonomies/', 'taxonomy.json'],
	['/api/hsds/taxonomy_terms', 'taxonomy_term.json', '/api/hsds/taxonomy_terms/', 'taxonomy_term.json']
] as const;

describe(`HSDS API over HTTP on the demo data (${dbKind})`, () => {
	it('answers the root with and without the trailing slash, untouched by the language redirect, with CORS', async () => {
		for (const path of ['/api/hsds/', '/api/hsds']) {
			const { res, body } = await getJson(path, { 'accept-language': 'ar' });
			expect(res.status).toBe(200);
			expect(res.headers.get('access-control-allow-origin')).toBe('*');
			expect(res.headers.get('content-type')).toMatch(/^application\/json/);
			expect(hsdsErrors('root', body)).toEqual([]);
			expect(body.openapi_url).toBe(`${base}/api/hsds/openapi.json`);
		}
		const openapi = await getJson('/api/hsds/openapi.json');
		expect(openapi.body.openapi).toBe('3.1.0');
		expect((openapi.body.servers as { url: string }[]).map((s) => s.url)).toEqual([`${base}/api/hsds`]);
	});

	it('serves every list and every object in it valid against the strict HSDS schemas, gzipped on request', async () => {
		for (const [list, itemSchema, detail, detailSchema] of LISTS) {
			const { res, body } = await getJson(`${list}?per_page=20&lang=en`);
			expect(res.status, list).toBe(200);
			expect(res.headers.get('content-language')).toBe('en');
			expect(hsdsErrors('page', body), list).toEqual([]);
			for (const item of body.contents as Record<string, unknown>[]) {
				expect(hsdsErrors(itemSchema, item), list).toEqual([]);
				const one = await getJson(`${detail}${item.id as string}?lang=ar`);
				expect(one.res.status).toBe(200);
				expect(hsdsErrors(detailSchema, one.body), `${detail}${item.id as string}`).toEqual([]);
			}
		}
		// fetch decompresses the body and keeps the header.
		const zipped = await fetch(`${base}/api/hsds/taxonomy_terms?per_page=1000`, { headers: { 'accept-encoding': 'gzip' } });
		expect(zipped.headers.get('content-encoding')).toBe('gzip');
		expect(((await zipped.json()) as { total_items: number }).total_items).toBeGreaterThan(50);
	});

	it('streams a whole list as NDJSON', async () => {
		const { body } = await getJson('/api/hsds/taxonomy_terms?per_page=5');
		const res = await fetch(`${base}/api/hsds/taxonomy_terms?format=ndjson`);
		expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
		const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l));
		expect(lines).toHaveLength(body.total_items as number);
		for (const term of lines) expect(hsdsErrors('taxonomy_term.json', term)).toEqual([]);
	});

	it('shows signed-in staff the same public data as everyone', async () => {
		const staff = new Client(base);
		expect(await staff.login('admin.koeln@example.org')).toBe(303);
		for (const [list] of LISTS) {
			const anonymous = await getJson(list);
			const signedIn = await getJson(list, {}, staff);
			expect(signedIn.body.total_items, list).toBe(anonymous.body.total_items);
		}
	});

	it('answers bad parameters with 400 and unknown ids with 404, as JSON the OpenAPI definition declares', async () => {
		const openapi = (await getJson('/api/hsds/openapi.json')).body as { components: { schemas: { Error: object } } };
		const declared = new Ajv({ strict: false }).compile(openapi.components.schemas.Error);
		const bad = await getJson('/api/hsds/services?per_page=0');
		expect(bad.res.status).toBe(400);
		expect(bad.body).toEqual({ error: 'per_page must be a whole number from 1 to 1000', parameter: 'per_page' });
		const unknown = await getJson('/api/hsds/services/4b1f0a3e-0000-4000-8000-000000000000');
		expect(unknown.res.status).toBe(404);
		expect(unknown.body.error).toContain('4b1f0a3e-0000-4000-8000-000000000000');
		const noSuchId = await getJson('/api/hsds/organizations/nope');
		expect(noSuchId.res.status).toBe(404);
		const badLang = await getJson('/api/hsds/taxonomies/x?lang=%C3%A4');
		expect(badLang.res.status).toBe(400);
		const badMunicipality = await getJson('/api/hsds/service_at_locations?municipality=atlantis');
		expect(badMunicipality.res.status).toBe(400);
		for (const answer of [bad, unknown, noSuchId, badLang, badMunicipality]) expect(declared(answer.body), JSON.stringify(answer.body)).toBe(true);
		expect(badLang.body.parameter).toBe('lang');
		expect(badMunicipality.body.parameter).toBe('municipality');
	});
});
