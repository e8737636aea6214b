/**
 * Directory (Wegweiser) service: validated, audited writes of actors (HSDS organization) and
 * offers (HSDS service with locations, service_at_location and schedules), reads scoped by
 * visibility, verification, and the search entries every write keeps current. Every write takes
 * the principal who makes it and checks `directory:edit` itself (on the entry's municipality
 * and instance — both instances when an entry moves to another); the audit log names the
 * person or the system's label.
 * Source: issue 3 §1–§2, §6; issue 11 §1; MODEL.md §4 "Inform & refer".
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { auditActor, authorize, can, type Principal } from '../access';
import { canonicalJson, diffRecords, recordAudit } from '../audit/service';
import type { Db, DbOrTx } from '../db/client';
import { NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { getSocialSpaces, hasSocialSpaceBoundaries, listSocialSpaces, locateSocialSpace, type SocialSpace } from '../geography/service';
import { canonicalLanguageTag, isEmail, isHttpUrl, isIsoDate, isUuid } from '../core/validation';
import { listInstances } from '../instances/service';
import {
	ACCESSIBILITY_FEATURES,
	ACTOR_TYPES,
	COST_KINDS,
	SERVICE_STATUSES,
	SUBTOPIC_FIELD,
	TARGET_GROUPS,
	THEME_FIELDS,
	LIMITS,
	VISIBILITIES,
	type Visibility
} from './model';
import {
	location,
	organization,
	organizationSocialSpace,
	schedule,
	service,
	serviceAtLocation,
	type HsdsExtra,
	type TranslatedText
} from './schema';
import { refreshSearchEntries } from './search-index';

export type Organization = typeof organization.$inferSelect;
export type Location = typeof location.$inferSelect;
export type Service = typeof service.$inferSelect;
export type Schedule = typeof schedule.$inferSelect;

/** What a directory entry is: an offer (HSDS service) or an actor (HSDS organization). */
export type EntryKind = 'service' | 'organization';

/** A place as entered; `id` updates an existing location of the municipality. */
export interface LocationInput {
	id?: string;
	name: string;
	street: string;
	postalCode: string;
	city: string;
	/** WGS84 degrees; both or neither. */
	latitude: number | null;
	longitude: number | null;
	accessibility: string[];
	accessibilityNote: TranslatedText;
	directions: TranslatedText;
	hsdsExtra?: HsdsExtra;
}

/** An actor as entered. */
export interface OrganizationInput {
	name: string;
	alternateNames: string[];
	description: TranslatedText;
	actorType: string;
	email: string;
	phone: string;
	website: string;
	visibility: Visibility;
	instanceId: string | null;
	/** Social spaces the actor is active in; those of its located places are added. */
	socialSpaceIds: string[];
	locations: LocationInput[];
	amenity?: string | null;
	hsdsExtra?: HsdsExtra;
}

/** A weekly slot as entered; `location` indexes into the offer's `locations` (null: all). */
export interface ScheduleInput {
	id?: string;
	weekday: number;
	opensAt: string;
	closesAt: string;
	validFrom: string | null;
	validTo: string | null;
	appointmentOnly: boolean;
	note: TranslatedText;
	location: number | null;
	hsdsExtra?: HsdsExtra;
}

/** An offer as entered. */
export interface ServiceInput {
	organizationId: string;
	instanceId: string | null;
	name: TranslatedText;
	description: TranslatedText;
	status: string;
	visibility: Visibility;
	themeFields: string[];
	subtopics: string[];
	dimensionsOverride: string[] | null;
	targetGroups: string[];
	minimumAge: number | null;
	maximumAge: number | null;
	languages: string[];
	costKind: string;
	costAmountCents: number | null;
	costNote: TranslatedText;
	lowThreshold: boolean;
	accessRequirements: TranslatedText;
	requiredDocuments: TranslatedText;
	eligibility: TranslatedText;
	url: string;
	email: string;
	phone: string;
	contactName: string;
	/** Places of the offer: existing ones by id, or new ones (created for its organization). */
	locations: LocationInput[];
	schedules: ScheduleInput[];
	/** Fields of an imported HSDS service that the directory does not model. */
	hsdsExtra?: HsdsExtra;
}

/** Options of a write: provenance and whether points outside the municipality are allowed. */
export interface WriteOptions {
	/**
	 * What the change came through, added to the audit entry's label after the principal's:
	 * `proposal:<id>` (a published proposal, so the history names the proposer too) or
	 * `mt:<provider>` (machine translation).
	 */
	via?: string;
	/** Create with this id (HSDS import keeps the source's ids), or update it when it exists. */
	id?: string;
	source?: string;
	sourceId?: string | null;
	attribution?: string | null;
	isDemo?: boolean;
	/** Importers report points outside the municipality instead of refusing them. */
	allowOutside?: boolean;
	/** Also mark the entry verified now by this name. */
	verifiedBy?: string;
	/**
	 * Build the search entries later: the entry's ids are added to this batch instead, and the
	 * caller builds them with `buildSearchBatch` before its transaction commits (importers of many
	 * entries: one build instead of one per entry, about 20 ms each on PGlite).
	 */
	searchBatch?: SearchBatch;
}

/** Offers and actors whose search entries are still to be built (`WriteOptions.searchBatch`). */
export interface SearchBatch {
	serviceIds: Set<string>;
	organizationIds: Set<string>;
}

/** An empty batch of search entries to build. */
export function searchBatch(): SearchBatch {
	return { serviceIds: new Set(), organizationIds: new Set() };
}

/**
 * Builds the search entries of a batch: its offers and actors, the offers of its actors (they
 * carry the actor's name) and the actors of its offers (they show whether they have offers).
 * Entries of ids that no longer exist (a record rolled back after it was added) are removed.
 */
export async function buildSearchBatch(tx: DbOrTx, batch: SearchBatch): Promise<void> {
	const orgIds = [...batch.organizationIds];
	const services = orgIds.length ? await tx.select({ id: service.id }).from(service).where(inArray(service.organizationId, orgIds)) : [];
	const serviceIds = [...new Set([...batch.serviceIds, ...services.map((s) => s.id)])];
	const owners = serviceIds.length ? await tx.select({ id: service.organizationId }).from(service).where(inArray(service.id, serviceIds)) : [];
	await refreshSearchEntries(tx, { serviceIds, organizationIds: [...new Set([...orgIds, ...owners.map((o) => o.id)])] });
	batch.serviceIds.clear();
	batch.organizationIds.clear();
}

/** A time of day `HH:MM` (24-hour clock; `24:00` closes at midnight). */
const TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
/** A German postal code (Postleitzahl): five digits. */
const POSTAL_CODE = /^\d{5}$/;

function checkText(issues: FieldIssue[], field: string, t: TranslatedText, options: { required?: boolean; max: number }) {
	const langs = Object.keys(t);
	if (options.required && !langs.some((l) => t[l].text.trim())) issues.push({ field, code: 'required' });
	for (const lang of langs) {
		if (!canonicalLanguageTag(lang)) issues.push({ field, code: 'invalid_language', params: { value: lang } });
		if (t[lang].text.length > options.max) issues.push({ field: `${field}.${lang}`, code: 'too_long', params: { max: options.max } });
	}
	if (langs.length && langs.filter((l) => t[l].status === 'original').length !== 1) {
		issues.push({ field, code: 'one_original' });
	}
}

function checkLength(issues: FieldIssue[], field: string, value: string, max: number) {
	if (value.length > max) issues.push({ field, code: 'too_long', params: { max } });
}

function checkContact(issues: FieldIssue[], input: { email: string; phone: string; website?: string; url?: string; contactName?: string }) {
	if (input.email.length > LIMITS.email) checkLength(issues, 'email', input.email, LIMITS.email);
	else if (input.email && !isEmail(input.email)) issues.push({ field: 'email', code: 'invalid_email' });
	checkLength(issues, 'phone', input.phone, LIMITS.phone);
	const field = input.website !== undefined ? 'website' : 'url';
	const web = input.website ?? input.url ?? '';
	if (web.length > LIMITS.url) checkLength(issues, field, web, LIMITS.url);
	else if (web && !isHttpUrl(web)) issues.push({ field, code: 'invalid_url' });
	if (input.contactName !== undefined) checkLength(issues, 'contactName', input.contactName, LIMITS.contactName);
}

function checkKeys(issues: FieldIssue[], field: string, values: string[], allowed: readonly { key: string }[] | readonly string[]) {
	const keys = allowed.map((a) => (typeof a === 'string' ? a : a.key));
	for (const v of values) if (!keys.includes(v)) issues.push({ field, code: 'unknown_option', params: { value: v } });
}

/** Where each location lies; issues for coordinates outside the municipality's areas. */
async function placeLocations(
	db: DbOrTx,
	municipalityId: string,
	locations: LocationInput[],
	issues: FieldIssue[],
	allowOutside: boolean
): Promise<(string | null)[]> {
	const bounded = await hasSocialSpaceBoundaries(db, municipalityId);
	return Promise.all(
		locations.map(async (loc, i) => {
			if (loc.latitude === null || loc.longitude === null || !bounded) return null;
			const space = await locateSocialSpace(db, municipalityId, [loc.longitude, loc.latitude]);
			if (!space && !allowOutside) issues.push({ field: `locations.${i}.coordinates`, code: 'outside_municipality' });
			return space?.id ?? null;
		})
	);
}

function checkLocations(issues: FieldIssue[], locations: LocationInput[]) {
	locations.forEach((loc, i) => {
		const f = `locations.${i}`;
		if (loc.id !== undefined && !isUuid(loc.id)) issues.push({ field: `${f}.id`, code: 'invalid_id' });
		checkLength(issues, `${f}.name`, loc.name, LIMITS.title);
		checkLength(issues, `${f}.street`, loc.street, LIMITS.street);
		checkLength(issues, `${f}.city`, loc.city, LIMITS.city);
		if (loc.postalCode && !POSTAL_CODE.test(loc.postalCode)) issues.push({ field: `${f}.postalCode`, code: 'invalid_postal_code' });
		const hasLat = loc.latitude !== null;
		if (
			hasLat !== (loc.longitude !== null) ||
			(hasLat && (!Number.isFinite(loc.latitude) || Math.abs(loc.latitude!) > 90 || !Number.isFinite(loc.longitude) || Math.abs(loc.longitude!) > 180))
		) {
			issues.push({ field: `${f}.coordinates`, code: 'invalid_coordinates' });
		}
		checkKeys(issues, `${f}.accessibility`, loc.accessibility, ACCESSIBILITY_FEATURES);
		checkText(issues, `${f}.accessibilityNote`, loc.accessibilityNote, { max: LIMITS.placeNote });
		checkText(issues, `${f}.directions`, loc.directions, { max: LIMITS.placeNote });
	});
}

/**
 * Checks an actor. Field codes: `required`, `too_long` (name, alternateNames, email, phone,
 * website, places' name, street and city, texts per language), `unknown_option`,
 * `invalid_email`, `invalid_url`, `invalid_language`, `one_original`, `unknown_social_space`,
 * `invalid_postal_code`, `invalid_coordinates`, `invalid_id`.
 */
export function validateOrganizationInput(input: OrganizationInput, socialSpaceIds: string[]): FieldIssue[] {
	const issues: FieldIssue[] = [];
	if (!input.name.trim()) issues.push({ field: 'name', code: 'required' });
	checkLength(issues, 'name', input.name, LIMITS.title);
	if (input.alternateNames.length > LIMITS.alternateNames) issues.push({ field: 'alternateNames', code: 'too_many', params: { max: LIMITS.alternateNames } });
	else if (input.alternateNames.some((n) => n.length > LIMITS.title)) issues.push({ field: 'alternateNames', code: 'too_long', params: { max: LIMITS.title } });
	checkKeys(issues, 'actorType', [input.actorType], ACTOR_TYPES);
	checkKeys(issues, 'visibility', [input.visibility], VISIBILITIES);
	checkText(issues, 'description', input.description, { max: LIMITS.description });
	checkContact(issues, input);
	for (const id of input.socialSpaceIds) {
		if (!socialSpaceIds.includes(id)) issues.push({ field: 'socialSpaces', code: 'unknown_social_space', params: { value: id } });
	}
	checkLocations(issues, input.locations);
	return issues;
}

/**
 * Checks an offer. Field codes as `validateOrganizationInput` (plus `too_long` for url and
 * contactName), and `invalid_age`, `age_range`, `invalid_amount`, `invalid_time`,
 * `closes_before_opens`, `invalid_date`, `valid_to_before_from`, `unknown_location`.
 */
export function validateServiceInput(input: ServiceInput): FieldIssue[] {
	const issues: FieldIssue[] = [];
	checkText(issues, 'name', input.name, { required: true, max: LIMITS.title });
	checkText(issues, 'description', input.description, { max: LIMITS.description });
	for (const f of ['costNote', 'accessRequirements', 'requiredDocuments', 'eligibility'] as const) {
		checkText(issues, f, input[f], { max: LIMITS.detail });
	}
	checkKeys(issues, 'status', [input.status], SERVICE_STATUSES);
	checkKeys(issues, 'visibility', [input.visibility], VISIBILITIES);
	checkKeys(issues, 'themeFields', input.themeFields, THEME_FIELDS);
	checkKeys(issues, 'subtopics', input.subtopics, Object.keys(SUBTOPIC_FIELD));
	if (input.dimensionsOverride) checkKeys(issues, 'dimensions', input.dimensionsOverride, ['culturation', 'placement', 'interaction', 'identification']);
	checkKeys(issues, 'targetGroups', input.targetGroups, TARGET_GROUPS);
	checkKeys(issues, 'costKind', [input.costKind], COST_KINDS);
	for (const [field, age] of [['minimumAge', input.minimumAge], ['maximumAge', input.maximumAge]] as const) {
		if (age !== null && (!Number.isInteger(age) || age < 0 || age > 120)) issues.push({ field, code: 'invalid_age' });
	}
	if (input.minimumAge !== null && input.maximumAge !== null && input.maximumAge < input.minimumAge) {
		issues.push({ field: 'maximumAge', code: 'age_range' });
	}
	if (input.costAmountCents !== null && (!Number.isSafeInteger(input.costAmountCents) || input.costAmountCents < 0)) {
		issues.push({ field: 'costAmount', code: 'invalid_amount' });
	}
	for (const tag of input.languages) {
		if (!canonicalLanguageTag(tag)) issues.push({ field: 'languages', code: 'invalid_language', params: { value: tag } });
	}
	checkContact(issues, input);
	checkLocations(issues, input.locations);
	input.schedules.forEach((s, i) => {
		const f = `schedules.${i}`;
		if (!Number.isInteger(s.weekday) || s.weekday < 1 || s.weekday > 7) issues.push({ field: `${f}.weekday`, code: 'invalid_time' });
		if (!TIME.test(s.opensAt) || !TIME.test(s.closesAt)) issues.push({ field: f, code: 'invalid_time' });
		else if (s.closesAt <= s.opensAt) issues.push({ field: f, code: 'closes_before_opens' });
		for (const d of [s.validFrom, s.validTo]) {
			if (d !== null && !isIsoDate(d)) issues.push({ field: f, code: 'invalid_date' });
		}
		if (s.validFrom && s.validTo && s.validTo < s.validFrom) issues.push({ field: f, code: 'valid_to_before_from' });
		if (s.location !== null && !(s.location >= 0 && s.location < input.locations.length)) {
			issues.push({ field: f, code: 'unknown_location' });
		}
		checkText(issues, `${f}.note`, s.note, { max: LIMITS.scheduleNote });
	});
	return issues;
}

/** An `instanceId` issue unless the instance is one of the municipality's (or none). */
async function checkInstance(db: DbOrTx, municipalityId: string, instanceId: string | null, issues: FieldIssue[]): Promise<void> {
	if (instanceId === null) return;
	const ours = isUuid(instanceId) && (await listInstances(db, municipalityId)).some((i) => i.id === instanceId);
	if (!ours) issues.push({ field: 'instanceId', code: 'unknown_instance' });
}

/**
 * Every check a save of an actor makes, without writing: the fields, the instance (one of the
 * municipality's), the social spaces and where the places lie.
 * @returns the issues and each place's social space id (null: unplaced).
 */
export async function checkOrganization(
	db: DbOrTx,
	municipalityId: string,
	input: OrganizationInput,
	allowOutside = false
): Promise<{ issues: FieldIssue[]; spaces: (string | null)[] }> {
	const spaceIds = (await listSocialSpaces(db, { municipalityId })).map((s) => s.id);
	const issues = validateOrganizationInput(input, spaceIds);
	await checkInstance(db, municipalityId, input.instanceId, issues);
	const spaces = await placeLocations(db, municipalityId, input.locations, issues, allowOutside);
	return { issues, spaces };
}

/**
 * Every check a save of an offer makes, without writing: as `checkOrganization`, plus
 * `organizationId: not_found` when the actor is not one of the municipality's.
 */
export async function checkService(
	db: DbOrTx,
	municipalityId: string,
	input: ServiceInput,
	allowOutside = false
): Promise<{ issues: FieldIssue[]; spaces: (string | null)[] }> {
	const issues = validateServiceInput(input);
	const [org] = isUuid(input.organizationId)
		? await db.select({ municipalityId: organization.municipalityId }).from(organization).where(eq(organization.id, input.organizationId))
		: [];
	if (!org || org.municipalityId !== municipalityId) issues.push({ field: 'organizationId', code: 'not_found' });
	await checkInstance(db, municipalityId, input.instanceId, issues);
	const spaces = await placeLocations(db, municipalityId, input.locations, issues, allowOutside);
	return { issues, spaces };
}

/** The audit columns of a write: the principal, with what it came through added to the label. */
interface AuditBy {
	actorUserId?: string;
	actorLabel?: string;
}

function auditBy(principal: Principal, via: string | undefined): AuditBy {
	const actor = auditActor(principal);
	const label = [actor.actorLabel, via].filter(Boolean).join(' ');
	return { actorUserId: actor.actorUserId, actorLabel: label || undefined };
}

function audit(tx: DbOrTx, by: AuditBy, municipalityId: string, action: string, entityType: string, entityId: string, changes: Record<string, [unknown, unknown]>) {
	return recordAudit(tx, { ...by, municipalityId, action, entityType, entityId, changes });
}

/**
 * Checks `directory:edit` for a write: on the entry as it is (its instance) and as it will be
 * (the chosen instance), so moving an entry needs the right on both.
 * @throws AccessDeniedError.
 */
function authorizeEdit(principal: Principal, municipalityId: string, before: { instanceId: string | null } | undefined, after: string | null): void {
	if (before) authorize(principal, 'directory:edit', { municipalityId, instanceId: before.instanceId });
	authorize(principal, 'directory:edit', { municipalityId, instanceId: after });
}

function locationColumns(loc: LocationInput) {
	return {
		name: loc.name.trim(),
		street: loc.street.trim(),
		postalCode: loc.postalCode.trim(),
		city: loc.city.trim(),
		latitude: loc.latitude,
		longitude: loc.longitude,
		accessibility: [...new Set(loc.accessibility)],
		accessibilityNote: loc.accessibilityNote,
		directions: loc.directions,
		hsdsExtra: loc.hsdsExtra ?? {}
	};
}

/**
 * Writes locations (update by id within the municipality, else insert) and returns their ids in
 * input order, auditing every field that changed.
 */
async function writeLocations(
	tx: DbOrTx,
	municipalityId: string,
	organizationId: string,
	locations: LocationInput[],
	spaces: (string | null)[],
	by: AuditBy
): Promise<string[]> {
	const ids: string[] = [];
	for (const [i, loc] of locations.entries()) {
		const columns = { ...locationColumns(loc), socialSpaceId: spaces[i] };
		const [existing] = loc.id ? await tx.select().from(location).where(eq(location.id, loc.id)) : [];
		if (existing && existing.municipalityId !== municipalityId) {
			throw new ValidationError([{ field: `locations.${i}.id`, code: 'unknown_location' }]);
		}
		if (existing) {
			const changes = diffRecords(existing as unknown as Record<string, unknown>, columns);
			if (Object.keys(changes).length) {
				await tx.update(location).set({ ...columns, updatedAt: new Date() }).where(eq(location.id, existing.id));
				await audit(tx, by, municipalityId, 'update', 'location', existing.id, changes);
			}
			ids.push(existing.id);
		} else {
			const [row] = await tx
				.insert(location)
				.values({ ...(loc.id ? { id: loc.id } : {}), municipalityId, organizationId, ...columns })
				.returning({ id: location.id });
			await audit(tx, by, municipalityId, 'create', 'location', row.id, diffRecords(null, columns));
			ids.push(row.id);
		}
	}
	return ids;
}

/** Columns a new entry takes from the write options: its id, where it came from, demo flag. */
function provenance(options: WriteOptions) {
	return {
		...(options.id ? { id: options.id } : {}),
		source: options.source ?? 'manual',
		sourceId: options.sourceId ?? null,
		isDemo: options.isDemo ?? false,
		verifying: !!options.verifiedBy
	};
}

/**
 * Updates an existing actor or offer with `columns` (written only when a field changed or it is
 * being verified) or inserts it with the provenance columns, auditing the fields that changed.
 * @returns the entry's id.
 */
async function writeEntry(
	tx: DbOrTx,
	kind: EntryKind,
	existing: { id: string } | undefined,
	columns: Record<string, unknown>,
	by: AuditBy,
	municipalityId: string,
	{ verifying, ...insertOnly }: ReturnType<typeof provenance> & { attribution?: string | null }
): Promise<string> {
	const table = kind === 'service' ? service : organization;
	if (existing) {
		const changes = diffRecords(existing as unknown as Record<string, unknown>, columns);
		delete changes.lastVerifiedAt;
		if (Object.keys(changes).length || verifying) {
			await tx.update(table).set({ ...columns, updatedAt: new Date() } as never).where(eq(table.id, existing.id));
		}
		if (Object.keys(changes).length) await audit(tx, by, municipalityId, 'update', kind, existing.id, changes);
		return existing.id;
	}
	const [row] = await tx
		.insert(table)
		.values({ municipalityId, ...columns, ...insertOnly } as never)
		.returning({ id: table.id });
	await audit(tx, by, municipalityId, 'create', kind, row.id, diffRecords(null, columns));
	return row.id;
}

/** The stored entry a write with `options.id` updates; refused when it is another municipality's. */
async function existingEntry<T extends Organization | Service>(tx: DbOrTx, kind: EntryKind, municipalityId: string, id: string | undefined): Promise<T | undefined> {
	if (!id) return undefined;
	if (!isUuid(id)) throw new ValidationError([{ field: 'id', code: 'invalid_id' }]);
	const table = kind === 'service' ? service : organization;
	const [existing] = (await tx.select().from(table).where(eq(table.id, id))) as T[];
	if (existing && existing.municipalityId !== municipalityId) throw new ValidationError([{ field: 'id', code: 'taken' }]);
	return existing;
}

/**
 * Creates or updates an actor (by `options.id`) with its places and social spaces, audited field
 * by field as the principal, in one transaction.
 * @param municipalityId the municipality the actor belongs to.
 * @returns the actor's id and the indexes of places that lie outside the municipality.
 * @throws AccessDeniedError without `directory:edit` on the actor's instance (as stored and as
 *   chosen).
 * @throws ValidationError (see `validateOrganizationInput`, plus `instanceId: unknown_instance`
 *   for an instance that is not the municipality's, `locations.<i>.coordinates:
 *   outside_municipality`, `id: taken` for another municipality's actor).
 */
export async function saveOrganization(
	db: Db,
	principal: Principal,
	municipalityId: string,
	input: OrganizationInput,
	options: WriteOptions = {}
): Promise<{ id: string; outside: number[] }> {
	return db.transaction(async (tx) => {
		const existing = await existingEntry<Organization>(tx, 'organization', municipalityId, options.id);
		authorizeEdit(principal, municipalityId, existing, input.instanceId);
		const { issues, spaces } = await checkOrganization(tx, municipalityId, input, options.allowOutside ?? false);
		if (issues.length) throw new ValidationError(issues);
		const by = auditBy(principal, options.via);
		const columns = {
			name: input.name.trim(),
			alternateNames: input.alternateNames.map((n) => n.trim()).filter(Boolean),
			description: input.description,
			actorType: input.actorType,
			email: input.email.trim(),
			phone: input.phone.trim(),
			website: input.website.trim(),
			visibility: input.visibility,
			instanceId: input.instanceId,
			amenity: input.amenity ?? null,
			hsdsExtra: input.hsdsExtra ?? {},
			...(options.verifiedBy ? { lastVerifiedAt: new Date(), lastVerifiedBy: options.verifiedBy } : {})
		};
		const id = await writeEntry(tx, 'organization', existing, columns, by, municipalityId, {
			...provenance(options),
			attribution: options.attribution ?? null
		});
		await writeLocations(tx, municipalityId, id, input.locations, spaces, by);
		const spaceIds = [...new Set([...input.socialSpaceIds, ...spaces.filter((s): s is string => !!s)])].sort();
		const before = (await tx.select().from(organizationSocialSpace).where(eq(organizationSocialSpace.organizationId, id)))
			.map((r) => r.socialSpaceId)
			.sort();
		if (before.join() !== spaceIds.join()) {
			await tx.delete(organizationSocialSpace).where(eq(organizationSocialSpace.organizationId, id));
			if (spaceIds.length) await tx.insert(organizationSocialSpace).values(spaceIds.map((socialSpaceId) => ({ organizationId: id, socialSpaceId })));
			if (existing) await audit(tx, by, municipalityId, 'update', 'organization', id, { socialSpaceIds: [before, spaceIds] });
		}
		if (options.searchBatch) options.searchBatch.organizationIds.add(id);
		else {
			const services = await tx.select({ id: service.id }).from(service).where(eq(service.organizationId, id));
			await refreshSearchEntries(tx, { organizationIds: [id], serviceIds: services.map((s) => s.id) });
		}
		return { id, outside: spaces.flatMap((s, i) => (s === null && input.locations[i].latitude !== null ? [i] : [])) };
	});
}

/** Theme fields of an offer: those chosen plus those its sub-topics belong to, in the model's order. */
export function themeFieldsWithSubtopics(themeFields: string[], subtopics: string[]): string[] {
	const all = new Set([...themeFields, ...subtopics.map((s) => SUBTOPIC_FIELD[s]).filter(Boolean)]);
	return THEME_FIELDS.map((t) => t.key).filter((k) => all.has(k));
}

type ScheduleRow = typeof schedule.$inferInsert;

/**
 * Writes an offer's weekly slots keeping rows by id, so ids other modules hold (a hosting
 * booking's published schedules) stay valid: a slot with the id of one of the offer's rows
 * updates that row in place (only when it changed); a slot without an id takes over an unclaimed
 * row that is identical (a form that does not carry ids re-saves without new ids); the rest are
 * inserted (with their id where given, e.g. an HSDS import); rows no slot claims are deleted.
 */
async function writeSchedules(tx: DbOrTx, oldSlots: readonly Schedule[], slots: readonly ScheduleRow[], slotKey: (s: Partial<Schedule>) => string): Promise<void> {
	const unclaimed = new Map(oldSlots.map((o) => [o.id, o]));
	const placed: { slot: ScheduleRow; row: Schedule | undefined }[] = slots.map((slot) => {
		const row = slot.id ? unclaimed.get(slot.id) : undefined;
		if (row) unclaimed.delete(row.id);
		return { slot, row };
	});
	for (const p of placed) {
		if (p.row || p.slot.id) continue;
		const key = slotKey(p.slot as Partial<Schedule>);
		p.row = [...unclaimed.values()].find((o) => slotKey(o) === key);
		if (p.row) unclaimed.delete(p.row.id);
	}
	if (unclaimed.size) await tx.delete(schedule).where(inArray(schedule.id, [...unclaimed.keys()]));
	for (const { slot, row } of placed) {
		if (row && slotKey(row) !== slotKey(slot as Partial<Schedule>)) await tx.update(schedule).set({ ...slot, id: row.id }).where(eq(schedule.id, row.id));
	}
	const fresh = placed.filter((p) => !p.row).map((p) => p.slot);
	if (fresh.length) await tx.insert(schedule).values(fresh);
}

/**
 * Creates or updates an offer (by `options.id`) with its places, service_at_location links and
 * schedules, audited field by field as the principal, in one transaction.
 * @param municipalityId the municipality the offer belongs to.
 * @throws AccessDeniedError without `directory:edit` on the offer's instance (as stored and as
 *   chosen).
 * @throws ValidationError (see `validateServiceInput`, plus `organizationId: not_found` when the
 *   actor is not in the municipality, `instanceId: unknown_instance`, `outside_municipality`,
 *   `id: taken`).
 */
export async function saveService(
	db: Db,
	principal: Principal,
	municipalityId: string,
	input: ServiceInput,
	options: WriteOptions = {}
): Promise<{ id: string; outside: number[] }> {
	return db.transaction(async (tx) => {
		const existing = await existingEntry<Service>(tx, 'service', municipalityId, options.id);
		authorizeEdit(principal, municipalityId, existing, input.instanceId);
		const { issues, spaces } = await checkService(tx, municipalityId, input, options.allowOutside ?? false);
		if (issues.length) throw new ValidationError(issues);
		const by = auditBy(principal, options.via);
		const columns = {
			organizationId: input.organizationId,
			instanceId: input.instanceId,
			name: input.name,
			description: input.description,
			status: input.status,
			visibility: input.visibility,
			themeFields: themeFieldsWithSubtopics(input.themeFields, input.subtopics),
			subtopics: [...new Set(input.subtopics)],
			dimensionsOverride: input.dimensionsOverride,
			targetGroups: [...new Set(input.targetGroups)],
			minimumAge: input.minimumAge,
			maximumAge: input.maximumAge,
			languages: [...new Set(input.languages.map((t) => canonicalLanguageTag(t)!))],
			costKind: input.costKind,
			costAmountCents: input.costKind === 'free' ? null : input.costAmountCents,
			costNote: input.costNote,
			lowThreshold: input.lowThreshold,
			accessRequirements: input.accessRequirements,
			requiredDocuments: input.requiredDocuments,
			eligibility: input.eligibility,
			url: input.url.trim(),
			email: input.email.trim(),
			phone: input.phone.trim(),
			contactName: input.contactName.trim(),
			hsdsExtra: input.hsdsExtra ?? {},
			...(options.verifiedBy ? { lastVerifiedAt: new Date(), lastVerifiedBy: options.verifiedBy } : {})
		};
		const id = await writeEntry(tx, 'service', existing, columns, by, municipalityId, provenance(options));
		const locationIds = await writeLocations(tx, municipalityId, input.organizationId, input.locations, spaces, by);
		const links = await tx.select().from(serviceAtLocation).where(eq(serviceAtLocation.serviceId, id));
		const stale = links.filter((l) => !locationIds.includes(l.locationId)).map((l) => l.id);
		if (stale.length) await tx.delete(serviceAtLocation).where(inArray(serviceAtLocation.id, stale));
		const missing = locationIds.filter((l) => !links.some((k) => k.locationId === l));
		if (missing.length) await tx.insert(serviceAtLocation).values(missing.map((locationId) => ({ serviceId: id, locationId })));
		const slots = input.schedules.map((s) => ({
			...(s.id ? { id: s.id } : {}),
			serviceId: id,
			locationId: s.location === null ? null : locationIds[s.location],
			weekday: s.weekday,
			opensAt: s.opensAt,
			closesAt: s.closesAt,
			validFrom: s.validFrom,
			validTo: s.validTo,
			appointmentOnly: s.appointmentOnly,
			note: s.note,
			hsdsExtra: s.hsdsExtra ?? {}
		}));
		const oldSlots = await tx.select().from(schedule).where(eq(schedule.serviceId, id));
		// Canonical JSON: jsonb reorders object keys, and kept HSDS fields count as a change too.
		const slotKey = (s: Partial<Schedule>) =>
			canonicalJson([s.weekday, s.opensAt, s.closesAt, s.validFrom, s.validTo, s.appointmentOnly, s.locationId, s.note, s.hsdsExtra ?? {}]);
		const oldKeys = oldSlots.map(slotKey).sort();
		const newKeys = slots.map((s) => slotKey(s as Partial<Schedule>)).sort();
		await writeSchedules(tx, oldSlots, slots, slotKey);
		if (existing && oldKeys.join('|') !== newKeys.join('|')) await audit(tx, by, municipalityId, 'update', 'service', id, { schedules: [oldKeys, newKeys] });
		if (options.searchBatch) options.searchBatch.serviceIds.add(id);
		else await refreshSearchEntries(tx, { serviceIds: [id], organizationIds: [input.organizationId] });
		return { id, outside: spaces.flatMap((s, i) => (s === null && input.locations[i].latitude !== null ? [i] : [])) };
	});
}

/**
 * Creates or updates several offers as `saveService` does each, all in one transaction (one
 * fails, none is written), building their search entries once at the end (`searchBatch`): for
 * loaders of many offers (the demo's 456 Köln offers took 13.2 s on PGlite one by one, 3.3 s
 * together).
 * @returns per input, in order, what `saveService` returns.
 * @throws as `saveService`, for the first input that fails; a ValidationError's fields begin
 *   with that input's index (`3.locations.0.coordinates`).
 */
export async function saveServices(
	db: Db,
	principal: Principal,
	municipalityId: string,
	offers: { input: ServiceInput; options?: WriteOptions }[]
): Promise<{ id: string; outside: number[] }[]> {
	return db.transaction(async (tx) => {
		const batch = searchBatch();
		const saved = [];
		for (const [i, { input, options }] of offers.entries()) {
			try {
				saved.push(await saveService(tx, principal, municipalityId, input, { ...options, searchBatch: batch }));
			} catch (e) {
				if (e instanceof ValidationError) throw new ValidationError(e.issues.map((issue) => ({ ...issue, field: `${i}.${issue.field}` })));
				throw e;
			}
		}
		await buildSearchBatch(tx, batch);
		return saved;
	});
}

/** Where an entry belongs, at any visibility: its municipality and instance; null when missing. */
export async function entryPlace(db: DbOrTx, kind: EntryKind, id: string): Promise<{ municipalityId: string; instanceId: string | null } | null> {
	if (!isUuid(id)) return null;
	const table = kind === 'service' ? service : organization;
	const [row] = await db.select({ municipalityId: table.municipalityId, instanceId: table.instanceId }).from(table).where(eq(table.id, id));
	return row ?? null;
}

/**
 * The entry's place, checked for `directory:edit` by the principal.
 * @throws NotFoundError when there is no such entry; AccessDeniedError without the right.
 */
export async function requireEditable(db: DbOrTx, principal: Principal, kind: EntryKind, id: string): Promise<{ municipalityId: string; instanceId: string | null }> {
	const place = await entryPlace(db, kind, id);
	if (!place) throw new NotFoundError(`${kind} not found`);
	authorize(principal, 'directory:edit', place);
	return place;
}

/**
 * Marks an entry as verified now (last verified date and by whom), audited.
 * @param by who confirmed, as shown ("last verified by"): a person's name or
 *   `provider (email link)`.
 * @throws NotFoundError when there is no such entry; AccessDeniedError without
 *   `directory:edit` on it.
 */
export async function markVerified(db: Db, principal: Principal, kind: EntryKind, id: string, by: string): Promise<void> {
	await db.transaction(async (tx) => {
		const place = await requireEditable(tx, principal, kind, id);
		const table = kind === 'service' ? service : organization;
		await tx.update(table).set({ lastVerifiedAt: new Date(), lastVerifiedBy: by }).where(eq(table.id, id));
		await audit(tx, auditBy(principal, undefined), place.municipalityId, 'verify', kind, id, { lastVerifiedBy: [null, by] });
	});
}

/**
 * Deletes an offer or an actor (with its offers and places), audited without content.
 * @throws NotFoundError when there is no such entry; AccessDeniedError without
 *   `directory:edit` on it.
 */
export async function deleteEntry(db: Db, principal: Principal, kind: EntryKind, id: string): Promise<void> {
	await db.transaction(async (tx) => {
		const place = await requireEditable(tx, principal, kind, id);
		const table = kind === 'service' ? service : organization;
		const services = kind === 'organization' ? await tx.select({ id: service.id }).from(service).where(eq(service.organizationId, id)) : [];
		// An offer's actor is re-indexed too: whether it has offers decides its rank (issue 12 §1).
		const owner = kind === 'service' ? await tx.select({ id: service.organizationId }).from(service).where(eq(service.id, id)) : [];
		await tx.delete(table).where(eq(table.id, id));
		await audit(tx, auditBy(principal, undefined), place.municipalityId, 'delete', kind, id, {});
		await refreshSearchEntries(tx, kind === 'service' ? { serviceIds: [id], organizationIds: owner.map((o) => o.id) } : { organizationIds: [id], serviceIds: services.map((s) => s.id) });
	});
}

/**
 * The visibilities a principal may see in a municipality (seed 000: graded, opt-in
 * visibility): everyone `public`; signed-in partners and volunteers of the municipality also
 * `network`; staff and administrators of the municipality also `internal`; the system (command
 * line, importers, checked links) all three.
 */
export function visibleLevels(principal: Principal | null | undefined, municipalityId: string): Visibility[] {
	if (can(principal, 'directory:see_internal', { municipalityId })) return ['public', 'network', 'internal'];
	if (can(principal, 'directory:see_network', { municipalityId })) return ['public', 'network'];
	return ['public'];
}

/** An offer with everything its pages, slip and API need. */
export interface ServiceDetail extends Service {
	organization: Organization;
	locations: (Location & { socialSpace: SocialSpace | null })[];
	schedules: Schedule[];
	serviceAtLocations: { id: string; locationId: string }[];
}

/** An actor with its places, social spaces and offers visible at the same levels. */
export interface OrganizationDetail extends Organization {
	locations: (Location & { socialSpace: SocialSpace | null })[];
	socialSpaces: SocialSpace[];
	services: Service[];
}

async function withSpaces(db: DbOrTx, locs: Location[]) {
	const spaces = await getSocialSpaces(db, [...new Set(locs.map((l) => l.socialSpaceId).filter((s): s is string => !!s))]);
	return locs.map((l) => ({ ...l, socialSpace: spaces.find((s) => s.id === l.socialSpaceId) ?? null }));
}

/**
 * Offers by id with actor, places (with social space), schedules and service_at_location ids,
 * in the order of `ids`; those whose offer or actor is not visible at `levels` (or missing)
 * are left out.
 */
export async function getServices(db: DbOrTx, ids: string[], levels: Visibility[]): Promise<ServiceDetail[]> {
	const valid = ids.filter((id) => isUuid(id));
	if (!valid.length) return [];
	// An offer is never more visible than its actor (an informal actor stays unpublished).
	const joined = await db
		.select({ s: service, o: organization })
		.from(service)
		.innerJoin(organization, eq(organization.id, service.organizationId))
		.where(and(inArray(service.id, valid), inArray(service.visibility, levels), inArray(organization.visibility, levels)));
	if (!joined.length) return [];
	const rows = joined.map((j) => j.s);
	const orgs = joined.map((j) => j.o);
	const links = await db.select().from(serviceAtLocation).where(inArray(serviceAtLocation.serviceId, rows.map((r) => r.id)));
	const locs = links.length
		? await withSpaces(db, await db.select().from(location).where(inArray(location.id, [...new Set(links.map((l) => l.locationId))])))
		: [];
	const slots = await db
		.select()
		.from(schedule)
		.where(inArray(schedule.serviceId, rows.map((r) => r.id)))
		.orderBy(asc(schedule.weekday), asc(schedule.opensAt));
	return valid
		.map((id) => rows.find((r) => r.id === id))
		.filter((r): r is Service => !!r)
		.map((r) => {
			const own = links.filter((l) => l.serviceId === r.id);
			return {
				...r,
				organization: orgs.find((o) => o.id === r.organizationId)!,
				locations: own.map((l) => locs.find((x) => x.id === l.locationId)!),
				schedules: slots.filter((s) => s.serviceId === r.id),
				serviceAtLocations: own.map((l) => ({ id: l.id, locationId: l.locationId }))
			};
		});
}

/** One offer (see `getServices`), or null when missing or not visible. */
export async function getService(db: DbOrTx, id: string, levels: Visibility[]): Promise<ServiceDetail | null> {
	return (await getServices(db, [id], levels))[0] ?? null;
}

/** One actor with places, social spaces and its offers visible at `levels`; null when missing or not visible. */
export async function getOrganization(db: DbOrTx, id: string, levels: Visibility[]): Promise<OrganizationDetail | null> {
	if (!isUuid(id)) return null;
	const [org] = await db.select().from(organization).where(and(eq(organization.id, id), inArray(organization.visibility, levels)));
	if (!org) return null;
	const locs = await withSpaces(db, await db.select().from(location).where(eq(location.organizationId, id)).orderBy(asc(location.name)));
	const links = await db.select().from(organizationSocialSpace).where(eq(organizationSocialSpace.organizationId, id));
	const services = await db
		.select()
		.from(service)
		.where(and(eq(service.organizationId, id), inArray(service.visibility, levels)))
		.orderBy(sql`${service.name}::text`);
	return { ...org, locations: locs, socialSpaces: await getSocialSpaces(db, links.map((l) => l.socialSpaceId)), services };
}

/** Ids of a municipality's offers and actors (all, or those visible at `levels`), for exports. */
export async function listEntryIds(
	db: DbOrTx,
	municipalityId: string,
	levels: Visibility[]
): Promise<{ organizationIds: string[]; serviceIds: string[] }> {
	const orgs = await db
		.select({ id: organization.id })
		.from(organization)
		.where(and(eq(organization.municipalityId, municipalityId), inArray(organization.visibility, levels)))
		.orderBy(asc(organization.name));
	const services = await db
		.select({ id: service.id })
		.from(service)
		.where(and(eq(service.municipalityId, municipalityId), inArray(service.visibility, levels)))
		.orderBy(asc(service.createdAt));
	return { organizationIds: orgs.map((o) => o.id), serviceIds: services.map((s) => s.id) };
}

/** An offer with nothing filled in but its actor: active, public, free; the start of imports. */
export function emptyServiceInput(organizationId: string): ServiceInput {
	return {
		organizationId,
		instanceId: null,
		name: {},
		description: {},
		status: 'active',
		visibility: 'public',
		themeFields: [],
		subtopics: [],
		dimensionsOverride: null,
		targetGroups: [],
		minimumAge: null,
		maximumAge: null,
		languages: [],
		costKind: 'free',
		costAmountCents: null,
		costNote: {},
		lowThreshold: false,
		accessRequirements: {},
		requiredDocuments: {},
		eligibility: {},
		url: '',
		email: '',
		phone: '',
		contactName: '',
		locations: [],
		schedules: []
	};
}

/** An existing offer as a `ServiceInput`, for edit forms, proposals and CSV export. */
export function serviceToInput(d: ServiceDetail): ServiceInput {
	return {
		organizationId: d.organizationId,
		instanceId: d.instanceId,
		name: d.name,
		description: d.description,
		status: d.status,
		visibility: d.visibility as Visibility,
		themeFields: d.themeFields,
		subtopics: d.subtopics,
		dimensionsOverride: d.dimensionsOverride,
		targetGroups: d.targetGroups,
		minimumAge: d.minimumAge,
		maximumAge: d.maximumAge,
		languages: d.languages,
		costKind: d.costKind,
		costAmountCents: d.costAmountCents,
		costNote: d.costNote,
		lowThreshold: d.lowThreshold,
		accessRequirements: d.accessRequirements,
		requiredDocuments: d.requiredDocuments,
		eligibility: d.eligibility,
		url: d.url,
		email: d.email,
		phone: d.phone,
		contactName: d.contactName,
		locations: d.locations.map(locationToInput),
		schedules: d.schedules.map((s) => ({
			id: s.id,
			weekday: s.weekday,
			opensAt: s.opensAt,
			closesAt: s.closesAt,
			validFrom: s.validFrom,
			validTo: s.validTo,
			appointmentOnly: s.appointmentOnly,
			note: s.note,
			location: s.locationId ? d.locations.findIndex((l) => l.id === s.locationId) : null,
			hsdsExtra: s.hsdsExtra
		})),
		hsdsExtra: d.hsdsExtra
	};
}

/** An existing place as a `LocationInput`. */
export function locationToInput(l: Location): LocationInput {
	return {
		id: l.id,
		name: l.name,
		street: l.street,
		postalCode: l.postalCode,
		city: l.city,
		latitude: l.latitude,
		longitude: l.longitude,
		accessibility: l.accessibility,
		accessibilityNote: l.accessibilityNote,
		directions: l.directions,
		hsdsExtra: l.hsdsExtra
	};
}

/** An existing actor as an `OrganizationInput`. */
export function organizationToInput(d: OrganizationDetail): OrganizationInput {
	return {
		name: d.name,
		alternateNames: d.alternateNames,
		description: d.description,
		actorType: d.actorType,
		email: d.email,
		phone: d.phone,
		website: d.website,
		visibility: d.visibility as Visibility,
		instanceId: d.instanceId,
		socialSpaceIds: d.socialSpaces.map((s) => s.id),
		locations: d.locations.map(locationToInput),
		amenity: d.amenity,
		hsdsExtra: d.hsdsExtra
	};
}
