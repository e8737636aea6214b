/**
 * Structural check of imported HSDS objects against the official HSDS 3.0 JSON schemas in
 * `data/hsds/schema/`: types, required properties, enumerations and the formats uuid, email,
 * uri and date-time. Properties the schema does not define are removed and reported (another
 * profile's extensions must not leak into our exports, which validate with
 * `additionalProperties: false`). Used by the importer; the test suite checks exports with ajv.
 */
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

interface Schema {
	type?: string;
	properties?: Record<string, Schema>;
	items?: Schema;
	$ref?: string;
	enum?: unknown[];
	required?: string[];
	format?: string;
}

const SCHEMAS: Record<string, Schema> = {
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
} as Record<string, Schema>;

/** The HSDS object schemas by file name. */
export type HsdsSchemaName = keyof typeof SCHEMAS & string;

/** One problem found: JSON path (e.g. `service_at_locations[0].location.latitude`) and reason. */
export interface SchemaIssue {
	path: string;
	reason: string;
}

const FORMATS: Record<string, (v: string) => boolean> = {
	uuid: (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
	email: (v) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v),
	uri: (v) => {
		try {
			return Boolean(new URL(v).protocol);
		} catch {
			return false;
		}
	},
	'date-time': (v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(v) && !Number.isNaN(Date.parse(v))
};

function typeOf(v: unknown): string {
	if (v === null) return 'null';
	if (Array.isArray(v)) return 'array';
	return typeof v;
}

function matchesType(type: string, v: unknown): boolean {
	if (type === 'integer') return Number.isInteger(v);
	if (type === 'number') return typeof v === 'number' && Number.isFinite(v);
	return typeOf(v) === type;
}

function walk(schema: Schema, value: unknown, path: string, issues: SchemaIssue[], dropped: string[]): unknown {
	const s = schema.$ref ? SCHEMAS[schema.$ref] : schema;
	if (!s) throw new Error(`unknown HSDS schema ${schema.$ref}`);
	if (s.type && !matchesType(s.type, value)) {
		issues.push({ path, reason: `expected ${s.type}, got ${typeOf(value)}` });
		return value;
	}
	if (s.enum && !s.enum.includes(value)) {
		issues.push({ path, reason: `must be one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}` });
	}
	if (s.format && typeof value === 'string' && FORMATS[s.format] && !FORMATS[s.format](value)) {
		issues.push({ path, reason: `not a valid ${s.format}` });
	}
	if (s.type === 'array' && s.items) {
		return (value as unknown[]).map((item, i) => walk(s.items!, item, `${path}[${i}]`, issues, dropped));
	}
	if (s.type === 'object' && s.properties) {
		const out: Record<string, unknown> = {};
		for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
			const child = `${path ? `${path}.` : ''}${key}`;
			const prop = s.properties[key];
			if (!prop) dropped.push(child);
			else if (v !== null) out[key] = walk(prop, v, child, issues, dropped);
		}
		for (const key of s.required ?? []) {
			if (out[key] === undefined) issues.push({ path: `${path ? `${path}.` : ''}${key}`, reason: 'required' });
		}
		return out;
	}
	return value;
}

/**
 * Checks one HSDS object against its schema (nested objects through their `$ref`s).
 * `null` values count as absent (many producers write them for empty fields).
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
	const issues: SchemaIssue[] = [];
	const dropped: string[] = [];
	const cleaned = walk({ $ref: name }, value, prefix, issues, dropped) as Record<string, unknown>;
	return { value: cleaned, issues, dropped };
}

/**
 * The top-level scalar property types of an HSDS schema (`string`, `number`, `integer`,
 * `boolean`), by property name: the tabular form comes from CSV cells, whose JSON rendering
 * may give `1234567` where HSDS says string.
 */
export function scalarTypes(name: HsdsSchemaName): Map<string, string> {
	const types = new Map<string, string>();
	for (const [key, s] of Object.entries(SCHEMAS[name].properties ?? {})) {
		if (s.type && ['string', 'number', 'integer', 'boolean'].includes(s.type)) types.set(key, s.type);
	}
	return types;
}
