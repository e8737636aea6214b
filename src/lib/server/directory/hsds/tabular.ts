/**
 * Assembles the tabular form of Open Referral HSDS 3.0 (`examples/tabular.json`: one property per
 * table file, e.g. `"services.csv": [rows]`, rows linked by foreign keys) into the nested objects
 * of the HSDS API (`organization_full`, `service_full` with `service_at_locations` and their
 * `location`), which the importer understands. The nesting follows the schemas in
 * `data/hsds/schema/*.json`; a foreign key that nesting expresses is left out of the nested row,
 * as in the nested examples. A row with several parent keys (a phone of a location, an offer and
 * a contact) is nested under each of them, as the nested examples repeat it.
 *
 * Rules (issue 3 §7, "Bad input"):
 * - A row of a child table (phones, addresses, schedules, …) must belong to a row of this file:
 *   when none of its parent keys names a row of the file, it is rejected (table, row, field,
 *   reason). Parent keys that name no row, beside one that does, are listed as ignored links.
 * - Organizations, services, locations and service_at_location rows may also name records already
 *   stored (a service of a stored organization, a place of a stored offer); the importer checks
 *   those against the database.
 * - Attributes and metadata may describe any record (HSDS links them by id to any table): those
 *   whose record is not in the file are listed as ignored. Taxonomies, taxonomy terms (except
 *   inside attributes) and table descriptions are listed as ignored (the vocabularies are fixed).
 */
import { ImportError } from '../../core/errors';
import type { Json } from './mapping';
import { coerceRow, type HsdsSchemaName } from './schema-check';

/** A record to import: its kind, its place in the file (`table[row]`) and the nested HSDS object. */
export interface TabularRecord {
	kind: 'organization' | 'location' | 'service';
	path: string;
	record: Json;
	/** A service_at_location row of an offer that is not in the file: adds that place to the stored offer. */
	partialPlaces?: boolean;
}

/** A rejected row: table file name, index in its array (from 0), field and reason. */
export interface TabularRejection {
	table: string;
	row: number;
	field: string;
	reason: string;
}

/** The nested records of a tabular file, its rejected rows and what was left out (and why). */
export interface TabularAssembly {
	records: TabularRecord[];
	rejected: TabularRejection[];
	ignored: { record: string; reason: string }[];
}

/** A parent key of a child table: the column, the parent table and the parent's array property. */
interface Link {
	fk: string;
	table: string;
	into: string;
}

const ORG = 'organizations.csv';
const SERVICE = 'services.csv';
const LOCATION = 'locations.csv';
const SAL = 'service_at_location.csv';
const CONTACT = 'contacts.csv';
const PHONE = 'phones.csv';
const PROGRAM = 'programs.csv';
const TERM = 'taxonomy_terms.csv';
const TAXONOMY = 'taxonomies.csv';

const links = (into: string, parents: [string, string][]): Link[] => parents.map(([fk, table]) => ({ fk, table, into }));

/** Child tables in HSDS 3.0 and where their rows are nested (schemas' array properties). */
const CHILDREN: Record<string, Link[]> = {
	[PHONE]: links('phones', [['organization_id', ORG], ['service_id', SERVICE], ['location_id', LOCATION], ['service_at_location_id', SAL], ['contact_id', CONTACT]]),
	[CONTACT]: links('contacts', [['organization_id', ORG], ['service_id', SERVICE], ['location_id', LOCATION], ['service_at_location_id', SAL]]),
	'addresses.csv': links('addresses', [['location_id', LOCATION]]),
	'accessibility.csv': links('accessibility', [['location_id', LOCATION]]),
	'schedules.csv': links('schedules', [['service_id', SERVICE], ['location_id', LOCATION], ['service_at_location_id', SAL]]),
	'languages.csv': links('languages', [['service_id', SERVICE], ['location_id', LOCATION], ['phone_id', PHONE]]),
	'required_documents.csv': links('required_documents', [['service_id', SERVICE]]),
	'cost_options.csv': links('cost_options', [['service_id', SERVICE]]),
	'service_areas.csv': links('service_areas', [['service_id', SERVICE]]),
	'funding.csv': links('funding', [['organization_id', ORG], ['service_id', SERVICE]]),
	[PROGRAM]: links('programs', [['organization_id', ORG]]),
	'organization_identifiers.csv': links('organization_identifiers', [['organization_id', ORG]])
};

/** Tables that are read (terms inside attributes) or listed as ignored, never imported on their own. */
const IGNORED: Record<string, string> = {
	[TAXONOMY]: "taxonomies: not imported, the directory's vocabularies are fixed",
	[TERM]: "taxonomy terms: not imported, the directory's vocabularies are fixed (used inside attributes)",
	'meta_table_descriptions.csv': 'table descriptions: nothing to import'
};

const TABLES = new Set([ORG, SERVICE, LOCATION, SAL, 'attributes.csv', 'metadata.csv', ...Object.keys(CHILDREN), ...Object.keys(IGNORED)]);

/** The schema of each table's rows. */
const ROW_SCHEMA: Record<string, HsdsSchemaName> = {
	[ORG]: 'organization.json',
	[SERVICE]: 'service.json',
	[LOCATION]: 'location.json',
	[SAL]: 'service_at_location.json',
	[CONTACT]: 'contact.json',
	[PHONE]: 'phone.json',
	[PROGRAM]: 'program.json',
	[TERM]: 'taxonomy_term.json',
	[TAXONOMY]: 'taxonomy.json',
	'addresses.csv': 'address.json',
	'accessibility.csv': 'accessibility.json',
	'schedules.csv': 'schedule.json',
	'languages.csv': 'language.json',
	'required_documents.csv': 'required_document.json',
	'cost_options.csv': 'cost_option.json',
	'service_areas.csv': 'service_area.json',
	'funding.csv': 'funding.json',
	'organization_identifiers.csv': 'organization_identifier.json',
	'attributes.csv': 'attribute.json',
	'metadata.csv': 'metadata.json'
};

/** A row with its cells in the types its table's schema gives (see `coerceRow`). */
function typed(table: string, row: Json): Json {
	return ROW_SCHEMA[table] ? coerceRow(ROW_SCHEMA[table], row) : row;
}

const isObject = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

/** Whether parsed JSON is in the tabular form: an object whose properties are `*.csv` tables. */
export function isTabular(data: unknown): data is Json {
	return isObject(data) && Object.keys(data).length > 0 && Object.keys(data).every((k) => k.endsWith('.csv'));
}

/** A key's value as an id, or undefined when the cell is empty. */
function key(row: Json, column: string): string | undefined {
	const v = row[column];
	return typeof v === 'string' ? (v.trim() ? v.trim() : undefined) : typeof v === 'number' ? String(v) : undefined;
}

function push(parent: Json, into: string, child: Json): void {
	const items = Array.isArray(parent[into]) ? (parent[into] as Json[]) : [];
	if (!items.includes(child)) items.push(child);
	parent[into] = items;
}

/**
 * Assembles a tabular HSDS file into nested records (see the module description for the rules).
 * @param file file name used in messages
 * @param data the parsed file (see `isTabular`)
 * @throws ImportError when a property is not an HSDS table name or a table is not an array of rows
 */
export function assembleTabular(file: string, data: Json): TabularAssembly {
	const unknown = Object.keys(data).filter((t) => !TABLES.has(t));
	if (unknown.length) throw new ImportError(file, unknown.map((t) => `${t}: not an HSDS 3.0 table (known: ${[...TABLES].sort().join(', ')})`));
	const notLists = Object.keys(data).filter((t) => !Array.isArray(data[t]));
	if (notLists.length) throw new ImportError(file, notLists.map((t) => `${t}: expected an array of rows`));

	const out: TabularAssembly = { records: [], rejected: [], ignored: [] };
	const reject = (table: string, row: number, field: string, reason: string) => out.rejected.push({ table, row, field, reason });
	const ignore = (table: string, row: number, reason: string) => out.ignored.push({ record: `${table}[${row}]`, reason });

	/** Rows (copies, nested in place) by table and id; rows without a usable id are rejected here. */
	const rows = new Map<string, { row: Json; index: number; id: string }[]>();
	const byId = new Map<string, Map<string, Json>>();
	for (const [table, given] of Object.entries(data)) {
		const kept: { row: Json; index: number; id: string }[] = [];
		const ids = new Map<string, Json>();
		for (const [index, raw] of (given as unknown[]).entries()) {
			if (!isObject(raw)) {
				reject(table, index, 'row', 'not a JSON object');
				continue;
			}
			const id = key(raw, 'id');
			if (!id) reject(table, index, 'id', 'required');
			else if (ids.has(id)) reject(table, index, 'id', `"${id}" is used by an earlier row of ${table}`);
			else {
				const row = typed(table, raw);
				ids.set(id, row);
				kept.push({ row, index, id });
			}
		}
		rows.set(table, kept);
		byId.set(table, ids);
	}
	const rowsOf = (table: string) => rows.get(table) ?? [];
	const find = (table: string, id: string | undefined) => (id === undefined ? undefined : byId.get(table)?.get(id));
	for (const table of Object.keys(IGNORED)) if (rowsOf(table).length) out.ignored.push({ record: table, reason: IGNORED[table] });

	const programsOfServices = new Set(rowsOf(SERVICE).map(({ row }) => key(row, 'program_id')).filter((id) => find(PROGRAM, id)));
	for (const [table, parents] of Object.entries(CHILDREN)) {
		for (const { row, index, id } of rowsOf(table)) {
			const dangling: Link[] = [];
			let attached = table === PROGRAM && programsOfServices.has(id);
			for (const link of parents) {
				const parentId = key(row, link.fk);
				if (parentId === undefined) continue;
				const parent = find(link.table, parentId);
				if (parent) {
					push(parent, link.into, row);
					attached = true;
				} else dangling.push(link);
			}
			if (!attached) {
				const field = dangling[0]?.fk ?? parents.map((l) => l.fk).join(' / ');
				const reason = dangling.length
					? `no row with id "${key(row, dangling[0].fk)}" in ${dangling[0].table}`
					: `names no record it belongs to (one of ${parents.map((l) => l.fk).join(', ')} is required)`;
				reject(table, index, field, reason);
				continue;
			}
			for (const link of dangling) ignore(table, index, `${link.fk} "${key(row, link.fk)}": no row in ${link.table}, link left out`);
			for (const link of parents) delete row[link.fk];
		}
	}

	/** Locations nested in a service_at_location (they need no organization of their own). */
	const placed = new Set<string>();
	for (const { row, index } of rowsOf(SAL)) {
		const serviceId = key(row, 'service_id');
		const locationId = key(row, 'location_id');
		if (!serviceId || !locationId) {
			reject(SAL, index, serviceId ? 'location_id' : 'service_id', 'required');
			continue;
		}
		const location = find(LOCATION, locationId);
		if (location) {
			row.location = location;
			delete row.location_id;
			placed.add(locationId);
		}
		const service = find(SERVICE, serviceId);
		if (service) {
			delete row.service_id;
			push(service, 'service_at_locations', row);
		} else out.records.push({ kind: 'service', path: `${SAL}[${index}]`, record: { id: serviceId, service_at_locations: [row] }, partialPlaces: true });
	}

	for (const { row, index, id } of rowsOf(LOCATION)) {
		const orgId = key(row, 'organization_id');
		const org = find(ORG, orgId);
		if (org) push(org, 'locations', row);
		else if (!placed.has(id)) {
			out.records.push({ kind: 'location', path: `${LOCATION}[${index}]`, record: row });
			continue;
		} else if (orgId) ignore(LOCATION, index, `organization_id "${orgId}": no row in ${ORG}; the place belongs to the organization of its offers`);
		delete row.organization_id;
	}

	const anything = new Map<string, Json[]>();
	for (const table of [...rows.keys()].filter((t) => t !== 'metadata.csv')) {
		for (const { row, id } of rowsOf(table)) anything.set(id, [...(anything.get(id) ?? []), row]);
	}
	for (const { row, index } of rowsOf('attributes.csv')) {
		const termId = key(row, 'taxonomy_term_id');
		const term = find(TERM, termId);
		if (term) {
			const { taxonomy_id: taxonomyId, ...rest } = term;
			const taxonomy = find(TAXONOMY, key(term, 'taxonomy_id'));
			row.taxonomy_term = taxonomy ? { ...rest, taxonomy_detail: taxonomy } : { ...rest, ...(taxonomyId !== undefined ? { taxonomy_id: taxonomyId } : {}) };
			delete row.taxonomy_term_id;
		}
		const linkId = key(row, 'link_id');
		if (!linkId) {
			reject('attributes.csv', index, 'link_id', 'required');
			continue;
		}
		const targets = anything.get(linkId) ?? [];
		if (!targets.length) {
			ignore('attributes.csv', index, `link_id "${linkId}": no record with this id in the file, attribute left out`);
			continue;
		}
		delete row.link_id;
		for (const t of targets) push(t, 'attributes', row);
	}
	for (const { row, index } of rowsOf('metadata.csv')) {
		const resourceId = key(row, 'resource_id');
		const targets = resourceId ? (anything.get(resourceId) ?? []) : [];
		if (!targets.length) {
			ignore('metadata.csv', index, `resource_id "${resourceId ?? ''}": no record with this id in the file, metadata left out`);
			continue;
		}
		delete row.resource_id;
		for (const t of targets) push(t, 'metadata', row);
	}

	for (const { row } of rowsOf(SERVICE)) {
		const program = find(PROGRAM, key(row, 'program_id'));
		if (program) {
			row.program = program;
			delete row.program_id;
		}
	}
	for (const { row, index } of rowsOf(ORG)) out.records.push({ kind: 'organization', path: `${ORG}[${index}]`, record: row });
	for (const { row, index } of rowsOf(SERVICE)) out.records.push({ kind: 'service', path: `${SERVICE}[${index}]`, record: row });
	return out;
}
