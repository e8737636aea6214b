/**
 * Structural check of imported HSDS objects against the official HSDS 3.0 JSON schemas in
 * `data/hsds/schema/`, with ajv (JSON Schema draft 2020-12 as the specification publishes them,
 * formats by ajv-formats; `email` and `uuid` by the platform's own checks in
 * `core/validation.ts`, so an address the importer accepts is one the directory stores):
 * types, required properties, enumerations and formats. Properties the schema does not define
 * are removed (ajv `removeAdditional: 'all'`) and reported: another profile's extensions must
 * not leak into our exports, which validate with `additionalProperties: false`. `null` counts as
 * absent (many producers write it for empty fields). The cells of the tabular form are coerced
 * to the types their table's schema gives (ajv `coerceTypes`: CSV renderings give `1234567`
 * where HSDS says string, `"52.1"` where it says number); JSON records are not coerced, a wrong
 * type there is the producer's error and reported. Used by the importer; the test suite checks
 * exports with ajv and the schemas made strict.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import accessibility from '../../../../../data/hsds/schema/accessibility.json';
import address from '../../../../../data/hsds/schema/address.json';
import attribute from '../../../../../data/hsds/schema/attribute.json';
import contact from '../../../../../data/hsds/schema/contact.json';
import costOption from '../../../../../data/hsds/schema/cost_option.json';
import funding from '../../../../../data/hsds/schema/funding.json';
import language from '../../../../../data/hsds/schema/language.json';
import location from '../../../../../data/hsds/schema/location.json';
import metadata from '../../../../../data/hsds/schema/metadata.json';
import organization from '../../../../../data/hsds/schema/organization.json';
import organizationIdentifier from '../../../../../data/hsds/schema/organization_identifier.json';
import phone from '../../../../../data/hsds/schema/phone.json';
import program from '../../../../../data/hsds/schema/program.json';
import requiredDocument from '../../../../../data/hsds/schema/required_document.json';
import schedule from '../../../../../data/hsds/schema/schedule.json';
import service from '../../../../../data/hsds/schema/service.json';
import serviceArea from '../../../../../data/hsds/schema/service_area.json';
import serviceAtLocation from '../../../../../data/hsds/schema/service_at_location.json';
import taxonomy from '../../../../../data/hsds/schema/taxonomy.json';
import taxonomyTerm from '../../../../../data/hsds/schema/taxonomy_term.json';
import { isEmail, isUuid } from '../../core/validation';

/** The part of a schema file this module reads. */
interface Schema {
	type?: string;
	properties?: Record<string, Schema>;
}

const SCHEMAS = {
	'accessibility.json': accessibility,
	'address.json': address,
	'attribute.json': attribute,
	'contact.json': contact,
	'cost_option.json': costOption,
	'funding.json': funding,
	'language.json': language,
	'location.json': location,
	'metadata.json': metadata,
	'organization.json': organization,
	'organization_identifier.json': organizationIdentifier,
	'phone.json': phone,
	'program.json': program,
	'required_document.json': requiredDocument,
	'schedule.json': schedule,
	'service.json': service,
	'service_area.json': serviceArea,
	'service_at_location.json': serviceAtLocation,
	'taxonomy.json': taxonomy,
	'taxonomy_term.json': taxonomyTerm
} as Record<string, object>;

/** The HSDS object schemas by file name. */
export type HsdsSchemaName = keyof typeof SCHEMAS & string;

/** One problem found: JSON path (e.g. `service_at_locations[0].location.latitude`) and reason. */
export interface SchemaIssue {
	path: string;
	reason: string;
}

/** An Ajv with the formats HSDS uses; `csv` (a table's data package format) is not a string format. */
function newAjv(options: ConstructorParameters<typeof Ajv>[0]): Ajv {
	const ajv = new Ajv({ strict: false, allErrors: true, ...options });
	addFormats(ajv, ['uri', 'date-time']);
	ajv.addFormat('email', isEmail);
	ajv.addFormat('uuid', (v: string) => isUuid(v));
	ajv.addFormat('csv', true);
	return ajv;
}

/** Checks records: the schemas as published, by file name so their `$ref`s resolve. */
const checker = newAjv({ removeAdditional: 'all' });
for (const [name, schema] of Object.entries(SCHEMAS)) checker.addSchema(schema, name);

/** Coerces the cells of tabular rows: each table's scalar columns, null allowed (an empty cell). */
const coercer = newAjv({ coerceTypes: true });
const SCALARS = new Set(['string', 'number', 'integer', 'boolean']);

const rowCoercers = new Map<string, ValidateFunction>();

function typeOf(v: unknown): string {
	if (v === null) return 'null';
	if (Array.isArray(v)) return 'array';
	return typeof v;
}

/** `/a/0/b` → `a[0].b`, under `prefix`. */
function pathOf(prefix: string, pointer: string, child?: string): string {
	let out = prefix;
	for (const raw of [...pointer.split('/').slice(1), ...(child === undefined ? [] : [child])]) {
		const part = raw.replaceAll('~1', '/').replaceAll('~0', '~');
		out = /^\d+$/.test(part) ? `${out}[${part}]` : out ? `${out}.${part}` : part;
	}
	return out;
}

/** The value at a JSON pointer. */
function at(value: unknown, pointer: string): unknown {
	let v = value;
	for (const part of pointer.split('/').slice(1)) v = (v as Record<string, unknown> | undefined)?.[part.replaceAll('~1', '/').replaceAll('~0', '~')];
	return v;
}

/** A copy without object properties whose value is null (arrays keep their items). */
function withoutNulls(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(withoutNulls);
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value)
				.filter(([, v]) => v !== null)
				.map(([k, v]) => [k, withoutNulls(v)])
		);
	}
	return value;
}

/** Paths of object properties in `before` that `after` no longer has (removed by the check). */
function removed(before: unknown, after: unknown, path: string, out: string[]): string[] {
	if (Array.isArray(before) && Array.isArray(after)) before.forEach((v, i) => removed(v, after[i], `${path}[${i}]`, out));
	else if (before && typeof before === 'object' && after && typeof after === 'object' && !Array.isArray(before)) {
		for (const [k, v] of Object.entries(before)) {
			const child = path ? `${path}.${k}` : k;
			if (!(k in after)) out.push(child);
			else removed(v, (after as Record<string, unknown>)[k], child, out);
		}
	}
	return out;
}

function issueOf(e: ErrorObject, data: unknown, prefix: string): SchemaIssue {
	const path = pathOf(prefix, e.instancePath);
	if (e.keyword === 'required') return { path: pathOf(prefix, e.instancePath, String(e.params.missingProperty)), reason: 'required' };
	if (e.keyword === 'type') return { path, reason: `expected ${String(e.params.type)}, got ${typeOf(at(data, e.instancePath))}` };
	if (e.keyword === 'enum') return { path, reason: `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
	if (e.keyword === 'format') return { path, reason: `not a valid ${String(e.params.format)}` };
	return { path, reason: e.message ?? e.keyword };
}

/**
 * Checks one HSDS object against its schema (nested objects through their `$ref`s).
 * @param prefix path prefix for messages, e.g. `contents[3]`.
 * @returns the object without the properties the schema does not define (listed in `dropped`)
 *   and without nulls, and the issues (wrong type, missing required property, value not in the
 *   enumeration, bad format).
 */
export function checkHsdsObject(
	name: HsdsSchemaName,
	value: unknown,
	prefix = ''
): { value: Record<string, unknown>; issues: SchemaIssue[]; dropped: string[] } {
	const given = withoutNulls(value);
	const cleaned = structuredClone(given);
	const validate = checker.getSchema(name);
	if (!validate) throw new Error(`unknown HSDS schema ${name}`);
	const issues = validate(cleaned) ? [] : (validate.errors ?? []).map((e) => issueOf(e, cleaned, prefix));
	return { value: cleaned as Record<string, unknown>, issues, dropped: removed(given, cleaned, prefix, []) };
}

/**
 * A tabular row with its cells in the types its table's schema gives (ajv `coerceTypes`):
 * numbers where HSDS says string become strings, number-like strings where it says number
 * become numbers, `"true"`/`"false"` booleans, an empty cell of a number column null. Cells that
 * cannot be coerced are left for the schema check to report.
 */
export function coerceRow(name: HsdsSchemaName, row: Record<string, unknown>): Record<string, unknown> {
	let coerce = rowCoercers.get(name);
	if (!coerce) {
		const properties = Object.fromEntries(
			Object.entries((SCHEMAS[name] as Schema).properties ?? {})
				.filter(([, s]) => s.type && SCALARS.has(s.type))
				.map(([k, s]) => [k, { type: [s.type, 'null'] }])
		);
		coerce = coercer.compile({ type: 'object', properties });
		rowCoercers.set(name, coerce);
	}
	const out = { ...row };
	coerce(out);
	return out;
}
