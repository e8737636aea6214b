/**
 * Directory → HSDS 3.0 objects: organization, location, service, service_at_location, in the
 * full (nested) form of the `/{id}` endpoints and in the one-to-one form of the list endpoints
 * (projected onto the compiled list schemas, so nothing beyond them appears), with our
 * vocabularies as attributes and the audit log as HSDS metadata. Only called with public
 * entries; visibility, instance, verifier names and other internal fields never leave.
 * Source: issue 3 §7; HSDS 3.0 `data/hsds/schema/`.
 */
import organizationList from '../../../../../data/hsds/schema/compiled/organization_list.json';
import serviceAtLocationList from '../../../../../data/hsds/schema/compiled/service_at_location_list.json';
import serviceList from '../../../../../data/hsds/schema/compiled/service_list.json';
import { auditOfEntities } from '../../audit/directory-reads';
import type { DbOrTx } from '../../db/client';
import type { TranslatedText } from '../schema';
import type { Location, Organization, Schedule, Service } from '../service';
import { pickText } from '../texts';
import { derivedId } from './ids';
import {
	exportFields,
	groupSchedules,
	locationCodecs,
	organizationCodecs,
	organizationFallbackDescription,
	passThrough,
	scheduleToHsds,
	serviceAttributes,
	serviceCodecs,
	type Codec,
	type Json,
	type ScheduleGroup,
	type ServiceAtLocationRow
} from './mapping';
import { hsdsAttribute } from './taxonomy';

/** What every export needs besides the rows: the language, the Land per municipality, metadata. */
export interface ExportContext {
	/** Language of texts and term names (BCP 47). */
	lang: string;
	/** `state_province` of a municipality's addresses. */
	landOf(municipalityId: string): string;
	/** The name of a municipality (in organizations' fallback description). */
	municipalityNameOf(municipalityId: string): string;
	/** HSDS metadata records of an entity (empty when not loaded). */
	metadataOf(entityId: string): Json[];
	/** Europe/Berlin's UTC offset at the time of the export (`berlinOffset`), written after opening times. */
	utcOffset: string;
}

/** An offer with what its HSDS form needs. */
export interface ServiceBundle {
	service: Service;
	organization: Organization;
	/** Places of the offer's service_at_location links. */
	locations: Location[];
	/** All places of the actor, when loaded (the full form nests the full organization). */
	organizationLocations?: Location[];
	links: ServiceAtLocationRow[];
	schedules: Schedule[];
}

interface ListSchema {
	properties?: Record<string, ListSchema>;
	items?: ListSchema;
}

/** Keeps only what a (compiled list) schema defines, recursively. */
function project(value: unknown, schema: ListSchema): unknown {
	if (Array.isArray(value)) return schema.items ? value.map((v) => project(v, schema.items!)) : value;
	if (value && typeof value === 'object' && schema.properties) {
		const out: Json = {};
		for (const [k, v] of Object.entries(value as Json)) {
			if (schema.properties[k]) out[k] = project(v, schema.properties[k]);
		}
		return out;
	}
	return value;
}

const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

function withMetadata(out: Json, kept: unknown, generated: Json[]): void {
	const all = [...list(kept), ...generated];
	if (all.length) out.metadata = all;
}

/** The full HSDS location (`location.json`). */
function locationToHsds(loc: Location, ctx: ExportContext): Json {
	const codecs = locationCodecs(loc.id, ctx.lang, ctx.landOf(loc.municipalityId));
	const out: Json = { id: loc.id, ...(loc.organizationId ? { organization_id: loc.organizationId } : {}) };
	exportFields(codecs, loc, loc.hsdsExtra, out);
	passThrough(loc.hsdsExtra, codecs as Codec<never>[], out);
	if (list(loc.hsdsExtra.schedules).length) out.schedules = loc.hsdsExtra.schedules;
	if (list(loc.hsdsExtra.attributes).length) out.attributes = loc.hsdsExtra.attributes;
	withMetadata(out, loc.hsdsExtra.metadata, ctx.metadataOf(loc.id));
	return out;
}

/** Our attributes of an actor: type, OSM amenity, source attribution. */
function organizationAttributes(org: Organization, lang: string): Json[] {
	return [
		hsdsAttribute('organization', org.id, 'actor_type', org.actorType, lang),
		...(org.amenity && org.source === 'osm' ? safeAmenity(org, lang) : []),
		...(org.attribution ? [hsdsAttribute('organization', org.id, 'property', 'attribution', lang, org.attribution)] : [])
	];
}

function safeAmenity(org: Organization, lang: string): Json[] {
	try {
		return [hsdsAttribute('organization', org.id, 'osm_amenity', org.amenity!, lang)];
	} catch {
		// An amenity outside our OSM vocabulary has no term; the actor type still describes it.
		return [];
	}
}

/**
 * The HSDS organization. `full`: with places, identifiers, attributes and metadata
 * (`organization.json`); else the one-to-one fields of `compiled/organization_list.json`.
 * @param services the offers to nest (`services`, as the compiled full organization has them).
 */
export function organizationToHsds(org: Organization, ctx: ExportContext, full: false): Json;
export function organizationToHsds(org: Organization, ctx: ExportContext, full: true, locations: Location[], services?: Json[]): Json;
export function organizationToHsds(org: Organization, ctx: ExportContext, full: boolean, locations: Location[] = [], services?: Json[]): Json {
	const codecs = organizationCodecs(org.id, ctx.lang, organizationFallbackDescription(org.actorType, ctx.municipalityNameOf(org.municipalityId), ctx.lang));
	const out: Json = { id: org.id };
	exportFields(codecs, org, org.hsdsExtra, out);
	passThrough(org.hsdsExtra, codecs as Codec<never>[], out, ['organization_identifiers']);
	if (!full) return project(out, organizationList as ListSchema) as Json;
	if (locations.length) out.locations = locations.map((l) => locationToHsds(l, ctx));
	const identifiers = [
		...list(org.hsdsExtra.organization_identifiers),
		...(org.source === 'osm' && org.sourceId
			? [{ id: derivedId(org.id, 'osm'), organization_id: org.id, identifier_scheme: 'OSM', identifier_type: 'OpenStreetMap', identifier: org.sourceId }]
			: [])
	];
	if (identifiers.length) out.organization_identifiers = identifiers;
	out.attributes = [...organizationAttributes(org, ctx.lang), ...list(org.hsdsExtra.attributes)];
	withMetadata(out, org.hsdsExtra.metadata, ctx.metadataOf(org.id));
	if (services) out.services = services;
	return out;
}

/** The offer's schedule groups at one location (null: at every location). */
function schedulesAt(groups: ScheduleGroup[], locationId: string | null): ScheduleGroup[] {
	return groups.filter((g) => g.locationId === locationId);
}

/**
 * The full HSDS service_at_location (`service_at_location.json`): kept fields (description,
 * contacts, phones), the offer's schedules at that place and the full location.
 */
export function serviceAtLocationToHsds(b: ServiceBundle, link: ServiceAtLocationRow, ctx: ExportContext, groups = groupSchedules(b.schedules)): Json {
	const loc = b.locations.find((l) => l.id === link.locationId)!;
	const out: Json = { id: link.id, service_id: b.service.id, location_id: link.locationId };
	passThrough(link.hsdsExtra, [], out);
	const schedules = [
		...schedulesAt(groups, link.locationId).map((g) => scheduleToHsds(g, ctx.lang, ctx.utcOffset, { serviceId: b.service.id, serviceAtLocationId: link.id })),
		...list(link.hsdsExtra.schedules)
	];
	if (schedules.length) out.schedules = schedules;
	out.location = locationToHsds(loc, ctx);
	if (list(link.hsdsExtra.attributes).length) out.attributes = link.hsdsExtra.attributes;
	if (list(link.hsdsExtra.metadata).length) out.metadata = link.hsdsExtra.metadata;
	return out;
}

/**
 * The HSDS service. `full`: nested phones, schedules, service_at_locations with locations,
 * languages, cost options, documents, contacts, organization, attributes and metadata
 * (`service.json`); else the one-to-one fields of `compiled/service_list.json`.
 * @param withLocations false leaves `service_at_locations` out (a service nested in one).
 */
export function serviceToHsds(b: ServiceBundle, ctx: ExportContext, full: boolean, withLocations = true): Json {
	const s = b.service;
	const codecs = serviceCodecs(s.id, ctx.lang);
	const out: Json = { id: s.id, organization_id: s.organizationId };
	exportFields(codecs, s, s.hsdsExtra, out);
	passThrough(s.hsdsExtra, codecs as Codec<never>[], out, ['assured_date']);
	const assured = s.lastVerifiedAt ? s.lastVerifiedAt.toISOString().slice(0, 10) : s.hsdsExtra.assured_date;
	if (assured) out.assured_date = assured;
	out.last_modified = s.updatedAt.toISOString();
	if (!full) return project({ ...out, organization: organizationToHsds(b.organization, ctx, false) }, serviceList as ListSchema) as Json;
	out.organization = b.organizationLocations
		? organizationToHsds(b.organization, ctx, true, b.organizationLocations)
		: organizationToHsds(b.organization, ctx, false);
	const groups = groupSchedules(b.schedules);
	const schedules = [...schedulesAt(groups, null).map((g) => scheduleToHsds(g, ctx.lang, ctx.utcOffset, { serviceId: s.id })), ...list(s.hsdsExtra.schedules)];
	if (schedules.length) out.schedules = schedules;
	if (withLocations && b.links.length) out.service_at_locations = b.links.map((l) => serviceAtLocationToHsds(b, l, ctx, groups));
	out.attributes = [...serviceAttributes(s, ctx.lang), ...list(s.hsdsExtra.attributes)];
	withMetadata(out, s.hsdsExtra.metadata, ctx.metadataOf(s.id));
	return out;
}

/** The one-to-one form of a service_at_location (`compiled/service_at_location_list.json`). */
export function serviceAtLocationListItem(b: ServiceBundle, link: ServiceAtLocationRow, ctx: ExportContext): Json {
	const full = serviceAtLocationToHsds(b, link, ctx);
	return project({ ...full, service: serviceToHsds(b, ctx, false) }, serviceAtLocationList as ListSchema) as Json;
}

/** HSDS field names of the audited directory fields (others, e.g. visibility, are not published). */
const AUDITED_FIELDS: Record<string, Record<string, string>> = {
	service: {
		name: 'name',
		description: 'description',
		status: 'status',
		url: 'url',
		email: 'email',
		phone: 'phones',
		contactName: 'contacts',
		accessRequirements: 'application_process',
		costNote: 'fees_description',
		eligibility: 'eligibility_description',
		minimumAge: 'minimum_age',
		maximumAge: 'maximum_age',
		languages: 'languages',
		requiredDocuments: 'required_documents',
		costAmountCents: 'cost_options',
		costKind: 'attributes',
		themeFields: 'attributes',
		subtopics: 'attributes',
		targetGroups: 'attributes',
		dimensionsOverride: 'attributes',
		lowThreshold: 'attributes',
		schedules: 'schedules'
	},
	organization: {
		name: 'name',
		alternateNames: 'alternate_name',
		description: 'description',
		email: 'email',
		website: 'website',
		phone: 'phones',
		actorType: 'attributes',
		amenity: 'attributes'
	},
	location: {
		name: 'name',
		street: 'addresses',
		postalCode: 'addresses',
		city: 'addresses',
		latitude: 'latitude',
		longitude: 'longitude',
		accessibility: 'accessibility',
		accessibilityNote: 'accessibility',
		directions: 'transportation'
	}
};

function auditValue(v: unknown, lang: string): string {
	if (v === null || v === undefined) return '';
	if (typeof v === 'string') return v;
	if (typeof v === 'number' || typeof v === 'boolean') return String(v);
	if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', ');
	const values = Object.values(v as Record<string, unknown>);
	if (values.length && values.every((x) => x && typeof x === 'object' && 'text' in (x as object))) {
		return pickText(v as TranslatedText, lang)?.text ?? '';
	}
	return JSON.stringify(v);
}

/** Latest audit entries per entity published as metadata (bounds the size of a response). */
const METADATA_ENTRIES = 50;

/**
 * HSDS metadata of entities from the audit log, one record per changed field that HSDS has
 * (newest first, at most 50 entries per entity). `updated_by` is the system label of the
 * change (`cli`, `hsds-import`, `provider-link` …) or `staff`: people's names are not published.
 * @returns records by entity id.
 */
export async function loadMetadata(db: DbOrTx, entityIds: string[], lang: string): Promise<Map<string, Json[]>> {
	const out = new Map<string, Json[]>();
	if (!entityIds.length) return out;
	const rows = await auditOfEntities(db, { entityTypes: Object.keys(AUDITED_FIELDS), entityIds }, 'asc');
	const perEntity = new Map<string, typeof rows>();
	for (const r of rows) {
		const list = perEntity.get(r.entityId!);
		if (list) list.push(r);
		else perEntity.set(r.entityId!, [r]);
	}
	for (const [entityId, entries] of perEntity) {
		const records: Json[] = [];
		for (const e of entries.slice(-METADATA_ENTRIES).reverse()) {
			const fields = AUDITED_FIELDS[e.entityType];
			for (const [field, [before, after]] of Object.entries(e.changes)) {
				const name = fields[field];
				if (!name) continue;
				records.push({
					id: derivedId('metadata', e.id, field),
					resource_id: entityId,
					resource_type: e.entityType,
					last_action_date: e.at.toISOString(),
					last_action_type: e.action,
					field_name: name,
					previous_value: auditValue(before, lang),
					replacement_value: auditValue(after, lang),
					updated_by: e.actorLabel ?? 'staff'
				});
			}
		}
		out.set(entityId, records);
	}
	return out;
}
