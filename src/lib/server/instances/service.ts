/**
 * Intermediary instances (intermediäre Instanz): queries, and validated writes of an instance's
 * data, Part I profile and served social spaces with an audit trail. MODEL.md §2 Part I, §4
 * "Instance". Instances and their profiles are public (profile and comparison pages); writes
 * authorise `instance:edit`.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { auditActor, authorize, type Principal } from '../access';
import { diffRecords, recordAudit } from '../audit/service';
import { compareNames } from '../../format';
import type { DbOrTx } from '../db/client';
import { NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { canonicalLanguageTag, isEmail, isHttpUrl, isUuid } from '../core/validation';
import { isSlug } from '../geography/model';
import { findMunicipalityById, getSocialSpaceRefs, listSocialSpaceIds, locateSocialSpace, type SocialSpaceRef } from '../geography/service';
import { emptyProfile, INSTANCE_LIMITS, isClockTime, isPostalCode, normaliseProfile, PROFILE_DIMENSIONS, type Profile } from './model';
import {
	instance,
	instanceProfileValue,
	instanceSocialSpace,
	type LocalizedText,
	type OpeningSlot
} from './schema';

export type Instance = typeof instance.$inferSelect;

/** An instance with its Part I profile and the social spaces it serves. */
export interface InstanceDetail extends Instance {
	profile: Profile;
	socialSpaces: SocialSpaceRef[];
}

/** Instances of a municipality (or all), by name in reading order (`compareNames`: "Stadtbezirk 2" before "10"). */
export async function listInstances(db: DbOrTx, municipalityId?: string): Promise<Instance[]> {
	if (municipalityId !== undefined && !isUuid(municipalityId)) return [];
	const rows = await db
		.select()
		.from(instance)
		.where(municipalityId ? eq(instance.municipalityId, municipalityId) : undefined);
	return rows.sort((a, b) => compareNames(a.name, b.name));
}

/** Instances serving at least one of the social spaces, by name. */
async function listInstancesServing(db: DbOrTx, socialSpaceIds: readonly string[]): Promise<Instance[]> {
	const valid = socialSpaceIds.filter(isUuid);
	if (valid.length === 0) return [];
	const rows = await db
		.selectDistinct({ i: instance })
		.from(instance)
		.innerJoin(instanceSocialSpace, eq(instanceSocialSpace.instanceId, instance.id))
		.where(inArray(instanceSocialSpace.socialSpaceId, valid));
	return rows.map((r) => r.i).sort((a, b) => compareNames(a.name, b.name));
}

/** Instances serving a social space (Sozialraum), by name; none for an id that is not a UUID. */
export async function listInstancesServingSpace(db: DbOrTx, socialSpaceId: string): Promise<Instance[]> {
	return listInstancesServing(db, [socialSpaceId]);
}

/** Instances serving at least one social space of a district, by name. */
export async function listInstancesServingDistrict(db: DbOrTx, districtId: string): Promise<Instance[]> {
	return listInstancesServing(db, await listSocialSpaceIds(db, { districtId }));
}

/**
 * The social spaces each instance serves, as `{ instanceId, socialSpaceId }` pairs (for
 * joining in JavaScript; names and districts come from geography's `getSocialSpaceRefs`).
 */
function listServedSocialSpaceIds(db: DbOrTx, instanceIds: readonly string[]): Promise<{ instanceId: string; socialSpaceId: string }[]> {
	const valid = instanceIds.filter(isUuid);
	if (valid.length === 0) return Promise.resolve([]);
	return db
		.select({ instanceId: instanceSocialSpace.instanceId, socialSpaceId: instanceSocialSpace.socialSpaceId })
		.from(instanceSocialSpace)
		.where(inArray(instanceSocialSpace.instanceId, valid));
}

async function loadProfiles(db: DbOrTx, ids: string[]): Promise<Map<string, Profile>> {
	const out = new Map<string, Profile>(ids.map((id) => [id, emptyProfile()]));
	if (ids.length === 0) return out;
	const rows = await db.select().from(instanceProfileValue).where(inArray(instanceProfileValue.instanceId, ids));
	for (const r of rows) {
		const p = out.get(r.instanceId)!;
		(p[r.dimension as keyof Profile] ??= []).push(r.option);
	}
	for (const [id, p] of out) out.set(id, normaliseProfile(p).profile);
	return out;
}

async function detail(db: DbOrTx, rows: Instance[]): Promise<InstanceDetail[]> {
	const ids = rows.map((r) => r.id);
	const profiles = await loadProfiles(db, ids);
	const links = await listServedSocialSpaceIds(db, ids);
	const spaces = await getSocialSpaceRefs(db, [...new Set(links.map((l) => l.socialSpaceId))]);
	return rows.map((r) => ({
		...r,
		profile: profiles.get(r.id)!,
		socialSpaces: spaces.filter((s) => links.some((l) => l.instanceId === r.id && l.socialSpaceId === s.id))
	}));
}

/** One instance by municipality and slug, with profile and social spaces; null if absent. */
export async function findInstanceBySlug(
	db: DbOrTx,
	municipalityId: string,
	slug: string
): Promise<InstanceDetail | null> {
	if (!isUuid(municipalityId)) return null;
	const rows = await db
		.select()
		.from(instance)
		.where(and(eq(instance.municipalityId, municipalityId), eq(instance.slug, slug)));
	return rows.length ? (await detail(db, rows))[0] : null;
}

/** One instance by id with profile and social spaces; null if absent or `id` is not a UUID. */
export async function findInstanceById(db: DbOrTx, id: string): Promise<InstanceDetail | null> {
	if (!isUuid(id)) return null;
	const rows = await db.select().from(instance).where(eq(instance.id, id));
	return rows.length ? (await detail(db, rows))[0] : null;
}

/** Several instances by id with profiles, in the given order; ids that are not UUIDs or unknown are left out. */
export async function getInstancesForComparison(db: DbOrTx, ids: readonly string[]): Promise<InstanceDetail[]> {
	const valid = ids.filter(isUuid);
	if (valid.length === 0) return [];
	const rows = await db.select().from(instance).where(inArray(instance.id, valid));
	const details = await detail(db, rows);
	return valid.map((id) => details.find((d) => d.id === id)).filter((d): d is InstanceDetail => !!d);
}

/** Everything an instance's staff may edit. Text fields are trimmed; empty means "none". */
export interface InstanceInput {
	name: string;
	hostOrganization: string;
	description: LocalizedText;
	street: string;
	postalCode: string;
	city: string;
	latitude: number | null;
	longitude: number | null;
	phone: string;
	email: string;
	website: string;
	openingHours: OpeningSlot[];
	languages: string[];
	socialSpaceIds: string[];
	profile: Partial<Record<string, string[]>>;
}

/**
 * Checks an instance input. Field codes: `required`, `too_long` (limits: `INSTANCE_LIMITS`),
 * `invalid_email`, `invalid_url`, `invalid_postal_code`, `invalid_coordinates`,
 * `invalid_language`, `invalid_time`, `closes_before_opens`, `unknown_option`,
 * `unknown_social_space`.
 * @param allowedSocialSpaceIds the social spaces of the instance's municipality.
 * @returns the issues (empty when valid).
 */
function validateInstanceInput(input: InstanceInput, allowedSocialSpaceIds: readonly string[]): FieldIssue[] {
	const issues: FieldIssue[] = [];
	if (!input.name.trim()) issues.push({ field: 'name', code: 'required' });
	for (const field of ['name', 'hostOrganization', 'street', 'city', 'phone', 'email', 'website'] as const) {
		const max = INSTANCE_LIMITS[field];
		if (input[field].trim().length > max) issues.push({ field, code: 'too_long', params: { max } });
	}
	const email = input.email.trim();
	if (email && email.length <= INSTANCE_LIMITS.email && !isEmail(email)) issues.push({ field: 'email', code: 'invalid_email' });
	const website = input.website.trim();
	if (website && website.length <= INSTANCE_LIMITS.website && !isHttpUrl(website)) issues.push({ field: 'website', code: 'invalid_url' });
	if (input.postalCode.trim() && !isPostalCode(input.postalCode.trim())) issues.push({ field: 'postalCode', code: 'invalid_postal_code' });
	const hasLat = input.latitude !== null;
	const hasLon = input.longitude !== null;
	if (
		hasLat !== hasLon ||
		(hasLat && (!Number.isFinite(input.latitude) || Math.abs(input.latitude!) > 90)) ||
		(hasLon && (!Number.isFinite(input.longitude) || Math.abs(input.longitude!) > 180))
	) {
		issues.push({ field: 'coordinates', code: 'invalid_coordinates' });
	}
	for (const tag of input.languages) {
		if (!canonicalLanguageTag(tag)) issues.push({ field: 'languages', code: 'invalid_language', params: { value: tag } });
	}
	for (const [lang, text] of Object.entries(input.description)) {
		if (!canonicalLanguageTag(lang)) issues.push({ field: 'description', code: 'invalid_language', params: { value: lang } });
		if (text.length > INSTANCE_LIMITS.description) issues.push({ field: `description.${lang}`, code: 'too_long', params: { max: INSTANCE_LIMITS.description } });
	}
	input.openingHours.forEach((slot) => {
		const field = `openingHours.${slot.day}`;
		if (!Number.isInteger(slot.day) || slot.day < 1 || slot.day > 7) {
			issues.push({ field, code: 'invalid_time' });
		} else if (!isClockTime(slot.opens) || !isClockTime(slot.closes)) {
			issues.push({ field, code: 'invalid_time' });
		} else if (slot.closes <= slot.opens) {
			issues.push({ field, code: 'closes_before_opens' });
		}
	});
	for (const id of input.socialSpaceIds) {
		if (!allowedSocialSpaceIds.includes(id)) issues.push({ field: 'socialSpaces', code: 'unknown_social_space' });
	}
	const { unknown } = normaliseProfile(input.profile);
	for (const key of unknown) issues.push({ field: 'profile', code: 'unknown_option', params: { value: key } });
	return issues;
}

function columnsOf(input: InstanceInput) {
	return {
		name: input.name.trim(),
		hostOrganization: input.hostOrganization.trim(),
		description: Object.fromEntries(
			Object.entries(input.description)
				.map(([k, v]) => [canonicalLanguageTag(k)!, v.trim()])
				.filter(([, v]) => v)
		),
		street: input.street.trim(),
		postalCode: input.postalCode.trim(),
		city: input.city.trim(),
		latitude: input.latitude,
		longitude: input.longitude,
		phone: input.phone.trim(),
		email: input.email.trim(),
		website: input.website.trim(),
		openingHours: [...input.openingHours].sort((a, b) => a.day - b.day || a.opens.localeCompare(b.opens)),
		languages: [...new Set(input.languages.map((t) => canonicalLanguageTag(t)!))]
	};
}

async function writeProfileAndSpaces(
	tx: DbOrTx,
	instanceId: string,
	profile: Profile,
	socialSpaceIds: string[]
): Promise<void> {
	await tx.delete(instanceProfileValue).where(eq(instanceProfileValue.instanceId, instanceId));
	const values = PROFILE_DIMENSIONS.flatMap((d) => profile[d.key].map((option) => ({ instanceId, dimension: d.key, option })));
	if (values.length) await tx.insert(instanceProfileValue).values(values);
	await tx.delete(instanceSocialSpace).where(eq(instanceSocialSpace.instanceId, instanceId));
	const unique = [...new Set(socialSpaceIds)];
	if (unique.length) await tx.insert(instanceSocialSpace).values(unique.map((socialSpaceId) => ({ instanceId, socialSpaceId })));
}

/** A new instance: its municipality, its URL slug, and everything its staff may edit. */
export interface NewInstance extends InstanceInput {
	municipalityId: string;
	slug: string;
	/** Invented content of the demo, marked as such on its pages. */
	isDemo?: boolean;
}

/**
 * Creates an instance in a municipality, with profile and served social spaces, audited
 * (`create` of `instance`).
 * @throws AccessDeniedError without `instance:edit` on the municipality (administrators of the
 *   municipality, or the system principal).
 * @throws NotFoundError when the municipality does not exist.
 * @throws ValidationError (see `validateInstanceInput`, plus `slug`: `invalid_slug` | `taken`).
 */
export async function createInstance(db: DbOrTx, principal: Principal, input: NewInstance): Promise<InstanceDetail> {
	authorize(principal, 'instance:edit', { municipalityId: input.municipalityId });
	const { municipalityId, slug } = input;
	return db.transaction(async (tx) => {
		if (!(await findMunicipalityById(tx, municipalityId))) throw new NotFoundError('municipality');
		const issues = validateInstanceInput(input, await listSocialSpaceIds(tx, { municipalityId }));
		if (!isSlug(slug)) issues.push({ field: 'slug', code: 'invalid_slug' });
		else if (await findInstanceBySlug(tx, municipalityId, slug)) issues.push({ field: 'slug', code: 'taken' });
		if (issues.length) throw new ValidationError(issues);
		const columns = columnsOf(input);
		const { profile } = normaliseProfile(input.profile);
		const [row] = await tx
			.insert(instance)
			.values({ municipalityId, slug, isDemo: input.isDemo ?? false, ...columns })
			.returning();
		await writeProfileAndSpaces(tx, row.id, profile, input.socialSpaceIds);
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId,
			action: 'create',
			entityType: 'instance',
			entityId: row.id,
			changes: diffRecords(null, { slug, ...columns, profile, socialSpaceIds: input.socialSpaceIds })
		});
		return (await detail(tx, [row]))[0];
	});
}

/**
 * Replaces an instance's editable data, profile and served social spaces, audited field by
 * field (`update` of `instance`; nothing is recorded when nothing changed).
 * @throws AccessDeniedError without `instance:edit` on the instance (also when a person names
 *   an instance that does not exist: nothing is said about its existence).
 * @throws NotFoundError when `id` is not a UUID, or no instance has it (system principal).
 * @throws ValidationError (see `validateInstanceInput`).
 */
export async function updateInstance(db: DbOrTx, principal: Principal, id: string, input: InstanceInput): Promise<InstanceDetail> {
	if (!isUuid(id)) throw new NotFoundError('instance');
	return db.transaction(async (tx) => {
		const current = await findInstanceById(tx, id);
		authorize(principal, 'instance:edit', { municipalityId: current?.municipalityId, instanceId: current?.id });
		if (!current) throw new NotFoundError('instance');
		const issues = validateInstanceInput(input, await listSocialSpaceIds(tx, { municipalityId: current.municipalityId }));
		if (issues.length) throw new ValidationError(issues);
		const columns = columnsOf(input);
		const { profile } = normaliseProfile(input.profile);
		await tx.update(instance).set({ ...columns, updatedAt: new Date() }).where(eq(instance.id, id));
		await writeProfileAndSpaces(tx, id, profile, input.socialSpaceIds);
		const before = {
			...Object.fromEntries(Object.keys(columns).map((k) => [k, current[k as keyof Instance]])),
			profile: current.profile,
			socialSpaceIds: current.socialSpaces.map((s) => s.id).sort()
		};
		const changes = diffRecords(before, { ...columns, profile, socialSpaceIds: [...new Set(input.socialSpaceIds)].sort() });
		if (Object.keys(changes).length) {
			await recordAudit(tx, {
				...auditActor(principal),
				municipalityId: current.municipalityId,
				action: 'update',
				entityType: 'instance',
				entityId: id,
				changes
			});
		}
		return (await findInstanceById(tx, id))!;
	});
}

/** The social space that contains the instance's coordinates, or null. */
export async function locatedSocialSpace(db: DbOrTx, inst: Instance) {
	if (inst.latitude === null || inst.longitude === null) return null;
	return locateSocialSpace(db, inst.municipalityId, [inst.longitude, inst.latitude]);
}
