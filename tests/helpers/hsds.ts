/**
 * HSDS 3.0 test helpers: strict validation with ajv against the official schemas in
 * `data/hsds/schema` (additionalProperties: false forced on every object schema, as the
 * specification's own check does; schemas registered by file name so `$ref`s resolve), the
 * examples, and an equivalence check for import → export round trips.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { importedId, isUuid } from '../../src/lib/server/directory/hsds/ids';

const SCHEMA_DIR = path.resolve('data/hsds/schema');

type Schema = Record<string, unknown>;

function strict(s: unknown): unknown {
	if (Array.isArray(s)) return s.map(strict);
	if (s && typeof s === 'object') {
		const o = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, strict(v)])) as Schema;
		if (o.type === 'object' || o.properties) o.additionalProperties = false;
		return o;
	}
	return s;
}

function readSchema(rel: string): Schema {
	return JSON.parse(readFileSync(path.join(SCHEMA_DIR, rel), 'utf8')) as Schema;
}

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
for (const f of readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.json') && f !== 'openapi.json')) ajv.addSchema(strict(readSchema(f)) as Schema, f);
for (const f of readdirSync(path.join(SCHEMA_DIR, 'compiled'))) ajv.addSchema(strict(readSchema(`compiled/${f}`)) as Schema, `compiled/${f}`);

const openapi = readSchema('openapi.json') as {
	paths: Record<string, { get: { responses: { 200: { content: { 'application/json': { schema: Schema } } } } } }>;
	components: { schemas: { Page: Schema } };
};

/** Base schema plus one property, as the compiled full schemas of HSDS 3.0 add it. */
function withProperty(base: string, property: string, items: Schema): Schema {
	const schema = strict(readSchema(base)) as Schema & { properties: Record<string, unknown> };
	return { ...schema, $id: `${base}#with-${property}`, properties: { ...schema.properties, [property]: items } };
}

const extra: Record<string, Schema> = {
	root: strict(openapi.paths['/'].get.responses[200].content['application/json'].schema) as Schema,
	page: strict({ ...openapi.components.schemas.Page, properties: { ...(openapi.components.schemas.Page.properties as Schema), contents: { type: 'array' } } }) as Schema,
	'organization_full': withProperty('organization.json', 'services', { type: 'array', items: { $ref: 'service.json' } }),
	'service_at_location_full': withProperty('service_at_location.json', 'service', { $ref: 'service.json' })
};
for (const [k, s] of Object.entries(extra)) ajv.addSchema(s, k);

/** Names the validator knows: schema file names, `compiled/*_list.json`, and the composed ones. */
export type HsdsSchemaRef = string;

const compiled = new Map<string, ValidateFunction>();

/**
 * Validation errors of `data` against an HSDS schema (strict), as readable strings; empty
 * when valid.
 */
export function hsdsErrors(schema: HsdsSchemaRef, data: unknown): string[] {
	let v = compiled.get(schema);
	if (!v) {
		v = ajv.getSchema(schema);
		if (!v) throw new Error(`unknown schema ${schema}`);
		compiled.set(schema, v);
	}
	return v(data) ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
}

/** Text of `data/hsds/examples/<name>`. */
export function hsdsExample(name: string): string {
	return readFileSync(path.resolve('data/hsds/examples', name), 'utf8');
}

/** Names of all example files. */
export function hsdsExampleNames(): string[] {
	return readdirSync(path.resolve('data/hsds/examples')).filter((f) => f.endsWith('.json')).sort();
}

/**
 * Keys our export may add that an imported object did not have: our attributes and metadata,
 * link ids, the nested organization of a service, and an actor's places (they include the
 * places of its offers).
 */
const ADDED_KEYS = new Set(['attributes', 'metadata', 'last_modified', 'service_id', 'location_id', 'organization_id', 'service_at_location_id', 'link_id', 'organization', 'locations']);
/** Keys not compared (the exporter regenerates them). */
const IGNORED_KEYS = new Set(['last_modified', 'metadata']);

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * Differences between an imported HSDS value and the exported one: every field HSDS defines
 * that the input has must come back equal (ids mapped as the importer maps them; arrays of
 * objects matched by id, order ignored). The export may add our attributes, metadata,
 * last_modified and link ids; imported attributes must all be there.
 * @returns paths and what differs; empty when equivalent.
 */
export function hsdsDifferences(input: unknown, output: unknown, at = ''): string[] {
	if (Array.isArray(input)) {
		if (!Array.isArray(output)) return input.length ? [`${at}: expected an array`] : [];
		const byId = input.every((x) => isObj(x) && typeof x.id === 'string');
		if (!byId) return JSON.stringify(input) === JSON.stringify(output) ? [] : [`${at}: ${JSON.stringify(input)} ≠ ${JSON.stringify(output)}`];
		const out: string[] = [];
		const isAttributes = at.endsWith('attributes');
		if (!isAttributes && input.length !== output.length) out.push(`${at}: ${input.length} items in, ${output.length} out`);
		for (const item of input as Record<string, unknown>[]) {
			const id = expectedId(item.id as string);
			const match = (output as Record<string, unknown>[]).find((o) => isObj(o) && o.id === id);
			if (!match) out.push(`${at}[id=${id}]: missing`);
			else out.push(...hsdsDifferences(item, match, `${at}[id=${id}]`));
		}
		return out;
	}
	if (isObj(input)) {
		if (!isObj(output)) return [`${at}: expected an object`];
		const out: string[] = [];
		for (const [k, v] of Object.entries(input)) {
			if (IGNORED_KEYS.has(k) || v === null || (Array.isArray(v) && !v.length)) continue;
			if (k === 'id' || k.endsWith('_id')) {
				if (output[k] !== expectedId(v as string)) out.push(`${at}.${k}: ${String(v)} ≠ ${String(output[k])}`);
				continue;
			}
			if (!(k in output)) out.push(`${at}.${k}: missing`);
			else out.push(...hsdsDifferences(v, output[k], `${at}.${k}`));
		}
		for (const k of Object.keys(output)) {
			if (!(k in input) && !ADDED_KEYS.has(k)) out.push(`${at}.${k}: added`);
		}
		return out;
	}
	if (/\.(opens_at|closes_at)$/.test(at) && sameBerlinTime(input, output)) return [];
	return JSON.stringify(input) === JSON.stringify(output) ? [] : [`${at}: ${JSON.stringify(input)} ≠ ${JSON.stringify(output)}`];
}

/**
 * An imported opening time without UTC offset (read as Europe/Berlin wall-clock time) comes back
 * as the same time with Berlin's offset of the day (`10:00:00` → `10:00+01:00`).
 */
function sameBerlinTime(input: unknown, output: unknown): boolean {
	const i = /^(\d{2}:\d{2})(:00)?$/.exec(String(input));
	const o = /^(\d{2}:\d{2})\+0[12]:00$/.exec(String(output));
	return !!i && !!o && i[1] === o[1];
}

function expectedId(raw: string): string {
	return isUuid(raw) ? raw.toLowerCase() : importedId(raw);
}
