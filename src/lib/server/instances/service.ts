/**
 * Intermediary instances (intermediäre Instanz): queries, validated profile updates with an
 * audit trail, and the data for profile and comparison pages. MODEL.md §2 Part I, §4 "Instance".
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { diffRecords, recordAudit } from '../audit/service';
import type { Db, DbOrTx } from '../db/client';
import { ValidationError, type FieldIssue } from '../core/errors';
import { canonicalLanguageTag } from '../core/validation';
import { getSocialSpaces, locateSocialSpace, type SocialSpace } from '../geography/service';
import { socialSpace } from '../geography/schema';
import { emptyProfile, normaliseProfile, PROFILE_DIMENSIONS, type Profile } from './model';
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
	socialSpaces: SocialSpace[];
}

/** Instances of a municipality (or all), by name. */
export function listInstances(db: DbOrTx, municipalityId?: string): Promise<Instance[]> {
	return db
		.select()
		.from(instance)
		.where(municipalityId ? eq(instance.municipalityId, municipalityId) : undefined)
		.orderBy(asc(instance.name));
}

/** Instances serving at least one social space of a district. */
export async function listInstancesServingDistrict(db: DbOrTx, districtId: string): Promise<Instance[]> {
	const rows = await db
		.selectDistinct({ i: instance })
		.from(instance)
		.innerJoin(instanceSocialSpace, eq(instanceSocialSpace.instanceId, instance.id))
		.innerJoin(socialSpace, eq(socialSpace.id, instanceSocialSpace.socialSpaceId))
		.where(eq(socialSpace.districtId, districtId))
		.orderBy(asc(instance.name));
	return rows.map((r) => r.i);
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
	const links = ids.length
		? await db.select().from(instanceSocialSpace).where(inArray(instanceSocialSpace.instanceId, ids))
		: [];
	const spaces = await getSocialSpaces(db, [...new Set(links.map((l) => l.socialSpaceId))]);
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
	const rows = await db
		.select()
		.from(instance)
		.where(and(eq(instance.municipalityId, municipalityId), eq(instance.slug, slug)));
	return rows.length ? (await detail(db, rows))[0] : null;
}

/** One instance by id with profile and social spaces; null if absent or `id` is not a UUID. */
export async function findInstanceById(db: DbOrTx, id: string): Promise<InstanceDetail | null> {
	if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
	const rows = await db.select().from(instance).where(eq(instance.id, id));
	return rows.length ? (await detail(db, rows))[0] : null;
}

/** Several instances by id with profiles, in the given order; unknown ids are left out. */
export async function getInstancesForComparison(db: DbOrTx, ids: string[]): Promise<InstanceDetail[]> {
	const valid = ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
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

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Checks an instance input. Field codes: `required`, `too_long`, `invalid_email`,
 * `invalid_url`, `invalid_postal_code`, `invalid_coordinates`, `invalid_language`,
 * `invalid_time`, `closes_before_opens`, `unknown_option`, `unknown_social_space`.
 * @returns the issues (empty when valid).
 */
export function validateInstanceInput(input: InstanceInput, allowedSocialSpaceIds: string[]): FieldIssue[] {
	const issues: FieldIssue[] = [];
	if (!input.name.trim()) issues.push({ field: 'name', code: 'required' });
	if (input.name.length > 200) issues.push({ field: 'name', code: 'too_long', params: { max: 200 } });
	if (input.email && !EMAIL.test(input.email)) issues.push({ field: 'email', code: 'invalid_email' });
	if (input.website) {
		let ok = false;
		try {
			ok = ['http:', 'https:'].includes(new URL(input.website).protocol);
		} catch {
			ok = false;
		}
		if (!ok) issues.push({ field: 'website', code: 'invalid_url' });
	}
	if (input.postalCode && !/^\d{5}$/.test(input.postalCode)) {
		issues.push({ field: 'postalCode', code: 'invalid_postal_code' });
	}
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
		if (text.length > 5000) issues.push({ field: `description.${lang}`, code: 'too_long', params: { max: 5000 } });
	}
	input.openingHours.forEach((slot) => {
		const field = `openingHours.${slot.day}`;
		if (!Number.isInteger(slot.day) || slot.day < 1 || slot.day > 7) {
			issues.push({ field, code: 'invalid_time' });
		} else if (!TIME.test(slot.opens) || !TIME.test(slot.closes)) {
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

async function socialSpaceIdsOf(db: DbOrTx, municipalityId: string): Promise<string[]> {
	const rows = await db.select({ id: socialSpace.id }).from(socialSpace).where(eq(socialSpace.municipalityId, municipalityId));
	return rows.map((r) => r.id);
}

/** Who makes a change, for the audit log. */
export interface Actor {
	userId?: string;
	label?: string;
}

/**
 * Creates an instance in a municipality, with profile and served social spaces, audited.
 * @throws ValidationError (see `validateInstanceInput`, plus `slug`: `invalid_slug` | `taken`).
 */
export async function createInstance(
	db: Db,
	municipalityId: string,
	slug: string,
	input: InstanceInput,
	actor: Actor,
	options: { isDemo?: boolean } = {}
): Promise<InstanceDetail> {
	return db.transaction(async (tx) => {
		const issues = validateInstanceInput(input, await socialSpaceIdsOf(tx, municipalityId));
		if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug)) issues.push({ field: 'slug', code: 'invalid_slug' });
		else if (await findInstanceBySlug(tx, municipalityId, slug)) issues.push({ field: 'slug', code: 'taken' });
		if (issues.length) throw new ValidationError(issues);
		const columns = columnsOf(input);
		const { profile } = normaliseProfile(input.profile);
		const [row] = await tx
			.insert(instance)
			.values({ municipalityId, slug, isDemo: options.isDemo ?? false, ...columns })
			.returning();
		await writeProfileAndSpaces(tx, row.id, profile, input.socialSpaceIds);
		await recordAudit(tx, {
			actorUserId: actor.userId,
			actorLabel: actor.label,
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
 * Replaces an instance's editable data, profile and served social spaces, audited field by field.
 * Authorisation is the caller's job (see accounts/authz).
 * @throws ValidationError (see `validateInstanceInput`).
 */
export async function updateInstance(db: Db, id: string, input: InstanceInput, actor: Actor): Promise<InstanceDetail> {
	return db.transaction(async (tx) => {
		const current = await findInstanceById(tx, id);
		if (!current) throw new ValidationError([{ field: 'id', code: 'not_found' }]);
		const issues = validateInstanceInput(input, await socialSpaceIdsOf(tx, current.municipalityId));
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
				actorUserId: actor.userId,
				actorLabel: actor.label,
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

/** The instance as an `InstanceInput`, for prefilling an edit form. */
export function toInput(d: InstanceDetail): InstanceInput {
	return {
		name: d.name,
		hostOrganization: d.hostOrganization,
		description: d.description,
		street: d.street,
		postalCode: d.postalCode,
		city: d.city,
		latitude: d.latitude,
		longitude: d.longitude,
		phone: d.phone,
		email: d.email,
		website: d.website,
		openingHours: d.openingHours,
		languages: d.languages,
		socialSpaceIds: d.socialSpaces.map((s) => s.id),
		profile: d.profile
	};
}
