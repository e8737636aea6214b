/**
 * OParl 1.1.1 validation for the tests: every object the API returns is checked with ajv (an
 * independent JSON Schema validator) against the official schemas in `data/oparl/schema`. The
 * schemas' own keywords are honoured: `"format": "url"` (an absolute http(s) URL) and
 * `"schema": "<Type>.json"` for embedded objects, which are validated against that type's schema
 * in turn (a Meeting's agenda items and protocol, a Paper's consultations, a Person's memberships).
 * Additional properties are refused, so a misspelt property fails too.
 */
import Ajv, { type AnySchema, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const DIR = path.resolve('data/oparl/schema');

type Schema = Record<string, unknown>;

/** The schema with `additionalProperties: false` on its top object. */
function closed(s: Schema): Schema {
	return { ...s, additionalProperties: false };
}

// The schemas escape ':' in their patterns, which only non-unicode regular expressions accept.
const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
addFormats(ajv);
ajv.addFormat('url', { type: 'string', validate: (v: string) => /^https?:\/\/[^\s]+$/.test(v) && URL.canParse(v) });
ajv.addKeyword({
	keyword: 'schema',
	// An embedded object (or each item of an embedded list) must be valid against the named type.
	validate: function check(name: string, data: unknown) {
		if (data === null || typeof data !== 'object' || Array.isArray(data)) return true;
		const v = ajv.getSchema(name);
		if (!v) throw new Error(`no OParl schema ${name}`);
		const ok = v(data) as boolean;
		if (!ok) (check as unknown as { errors: unknown[] }).errors = v.errors ?? [];
		return ok;
	},
	errors: true
});
for (const f of readdirSync(DIR).filter((x) => x.endsWith('.json'))) ajv.addSchema(closed(JSON.parse(readFileSync(path.join(DIR, f), 'utf8')) as Schema) as AnySchema, f);

const page = ajv.compile({
	type: 'object',
	required: ['data', 'pagination', 'links'],
	additionalProperties: false,
	properties: {
		data: { type: 'array' },
		pagination: {
			type: 'object',
			additionalProperties: false,
			properties: { totalElements: { type: 'integer' }, elementsPerPage: { type: 'integer' }, currentPage: { type: 'integer' }, totalPages: { type: 'integer' } }
		},
		links: {
			type: 'object',
			additionalProperties: false,
			properties: Object.fromEntries(['first', 'prev', 'self', 'next', 'last', 'web'].map((k) => [k, { type: 'string', format: 'url' }]))
		}
	}
});

/** The problems of `data` against the OParl type (`Meeting`, …), as readable lines (empty: valid). */
export function oparlProblems(type: string, data: unknown): string[] {
	const v: ValidateFunction | undefined = ajv.getSchema(`${type}.json`);
	if (!v) throw new Error(`no OParl schema ${type}`);
	return v(data) ? [] : (v.errors ?? []).map((e) => `${type}${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

/** The problems of a list page: its envelope (§2.5) and every object against `type`. */
export function oparlPageProblems(type: string, body: unknown): string[] {
	if (!page(body)) return (page.errors ?? []).map((e) => `page${e.instancePath} ${e.message}`);
	return (body as { data: unknown[] }).data.flatMap((o, i) => oparlProblems(type, o).map((p) => `[${i}] ${p}`));
}
