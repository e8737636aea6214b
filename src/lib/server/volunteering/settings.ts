/**
 * What a municipality sets for its volunteer coordination (issue 13 §1–§2): the settings
 * (Führungszeugnis ages, retention periods, Ehrenamtskarte thresholds), the activity vocabulary
 * with its own additions and the requirements per activity, and the places (Einsatzorte) with
 * theirs. Writes need `volunteering:configure` and are audited.
 */
import { and, asc, eq } from 'drizzle-orm';
import { auditActor, authorize, type Principal } from '../access';
import { diffRecords, recordAudit } from '../audit/service';
import { NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { isStorableText, isUuid } from '../core/validation';
import type { Db, DbOrTx } from '../db/client';
import { findSocialSpaceById } from '../geography/service';
import { findInstanceById } from '../instances/service';
import { ACTIVITIES, isRequirement, LIMITS, PLACE_KINDS, placeKindRequirements, SETTINGS, sortedRequirements, withDefaults, type Requirement, type SettingKey, type Settings } from './model';
import { volunteerActivity, volunteerPlace, volunteerSetting } from './schema';

/** The municipality's settings, defaults filled in. */
export async function getSettings(db: DbOrTx, municipalityId: string): Promise<Settings> {
	const [row] = await db.select().from(volunteerSetting).where(eq(volunteerSetting.municipalityId, municipalityId));
	return withDefaults(row?.values);
}

/**
 * Changes settings (whole numbers within each setting's bounds), audited.
 * @throws AccessDeniedError without `volunteering:configure`; ValidationError `<key>` `out_of_range` {min, max}.
 */
export async function saveSettings(db: Db, principal: Principal, municipalityId: string, input: Partial<Record<SettingKey, string | number>>): Promise<Settings> {
	authorize(principal, 'volunteering:configure', { municipalityId });
	const issues: FieldIssue[] = [];
	const values: Record<string, number> = {};
	for (const [key, spec] of Object.entries(SETTINGS) as [SettingKey, (typeof SETTINGS)[SettingKey]][]) {
		const raw = input[key];
		if (raw === undefined || raw === '') continue;
		const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
		if (!Number.isInteger(n) || n < spec.min || n > spec.max) issues.push({ field: key, code: 'vo_out_of_range', params: { min: spec.min, max: spec.max } });
		else values[key] = n;
	}
	if (issues.length) throw new ValidationError(issues);
	return db.transaction(async (tx) => {
		const before = await getSettings(tx, municipalityId);
		const after = { ...before, ...values };
		await tx.insert(volunteerSetting).values({ municipalityId, values: after }).onConflictDoUpdate({ target: volunteerSetting.municipalityId, set: { values: after, updatedAt: new Date() } });
		await recordAudit(tx, { ...auditActor(principal), municipalityId, action: 'update', entityType: 'volunteer_setting', entityId: municipalityId, changes: diffRecords(before, after) });
		return after;
	});
}

/** An activity of the vocabulary: built-in (labelled by messages) or the municipality's own. */
export interface ActivityEntry {
	key: string;
	builtIn: boolean;
	labels: Record<string, string>;
	requirements: Requirement[];
}

/** The municipality's activities: the built-in ones, then its own, each with its requirements. */
export async function listActivities(db: DbOrTx, municipalityId: string): Promise<ActivityEntry[]> {
	const rows = await db.select().from(volunteerActivity).where(eq(volunteerActivity.municipalityId, municipalityId)).orderBy(asc(volunteerActivity.key));
	const byKey = new Map(rows.map((r) => [r.key, r]));
	const builtIn = ACTIVITIES.map((key) => ({ key, builtIn: true, labels: {}, requirements: sortedRequirements(byKey.get(key)?.requirements ?? []) }));
	const own = rows.filter((r) => !(ACTIVITIES as readonly string[]).includes(r.key)).map((r) => ({ key: r.key, builtIn: false, labels: r.labels, requirements: sortedRequirements(r.requirements) }));
	return [...builtIn, ...own];
}

/**
 * Adds an activity of the municipality's own, or changes an activity's requirements (and, for
 * its own, its labels), audited.
 * @param input.key a built-in key, or a new key `[a-z][a-z0-9_]{1,39}`.
 * @throws AccessDeniedError; ValidationError `key` invalid_key, `labels.de` required, `requirements` unknown_value.
 */
export async function saveActivity(db: Db, principal: Principal, municipalityId: string, input: { key: string; labels?: Record<string, string>; requirements: string[] }): Promise<ActivityEntry> {
	authorize(principal, 'volunteering:configure', { municipalityId });
	const key = input.key.trim();
	const builtIn = (ACTIVITIES as readonly string[]).includes(key);
	const issues: FieldIssue[] = [];
	if (!/^[a-z][a-z0-9_]{1,39}$/.test(key)) issues.push({ field: 'key', code: 'vo_invalid_key' });
	const labels: Record<string, string> = {};
	for (const [tag, text] of Object.entries(input.labels ?? {})) {
		const t = text.trim();
		if (!t) continue;
		if (t.length > LIMITS.name || !isStorableText(t)) issues.push({ field: `labels.${tag}`, code: 'too_long', params: { max: LIMITS.name } });
		labels[tag] = t;
	}
	if (!builtIn && !labels.de) issues.push({ field: 'labels.de', code: 'required' });
	if (input.requirements.some((r) => !isRequirement(r))) issues.push({ field: 'requirements', code: 'unknown_option' });
	if (issues.length) throw new ValidationError(issues);
	const requirements = sortedRequirements(input.requirements);
	return db.transaction(async (tx) => {
		const [before] = await tx.select().from(volunteerActivity).where(and(eq(volunteerActivity.municipalityId, municipalityId), eq(volunteerActivity.key, key)));
		const values = { labels: builtIn ? {} : labels, requirements };
		await tx.insert(volunteerActivity).values({ municipalityId, key, ...values }).onConflictDoUpdate({ target: [volunteerActivity.municipalityId, volunteerActivity.key], set: values });
		await recordAudit(tx, { ...auditActor(principal), municipalityId, action: before ? 'update' : 'create', entityType: 'volunteer_activity', entityId: key, changes: diffRecords(before ?? null, values) });
		return { key, builtIn, labels: values.labels, requirements };
	});
}

/** The requirements of an activity of the municipality (none for an unknown key). */
export async function activityRequirements(db: DbOrTx, municipalityId: string, key: string): Promise<Requirement[]> {
	const [row] = await db.select({ requirements: volunteerActivity.requirements }).from(volunteerActivity).where(and(eq(volunteerActivity.municipalityId, municipalityId), eq(volunteerActivity.key, key)));
	return sortedRequirements(row?.requirements ?? []);
}

/** Whether `key` is an activity of the municipality. */
export async function isActivityOf(db: DbOrTx, municipalityId: string, key: string): Promise<boolean> {
	if ((ACTIVITIES as readonly string[]).includes(key)) return true;
	const [row] = await db.select({ key: volunteerActivity.key }).from(volunteerActivity).where(and(eq(volunteerActivity.municipalityId, municipalityId), eq(volunteerActivity.key, key)));
	return !!row;
}

export type Place = typeof volunteerPlace.$inferSelect;

/** The municipality's places by name. */
export function listPlaces(db: DbOrTx, municipalityId: string): Promise<Place[]> {
	return db.select().from(volunteerPlace).where(eq(volunteerPlace.municipalityId, municipalityId)).orderBy(asc(volunteerPlace.name));
}

/** A place of the municipality, or null. */
export async function findPlace(db: DbOrTx, municipalityId: string, id: string): Promise<Place | null> {
	if (!isUuid(id)) return null;
	const [row] = await db.select().from(volunteerPlace).where(and(eq(volunteerPlace.id, id), eq(volunteerPlace.municipalityId, municipalityId)));
	return row ?? null;
}

/** All requirements of a place: its kind's (Masernschutz) and the ones set for it. */
export function placeRequirements(place: Pick<Place, 'kind' | 'requirements'>): Requirement[] {
	return sortedRequirements([...placeKindRequirements(place.kind), ...place.requirements]);
}

/** A place as entered. */
export interface PlaceInput {
	id?: string;
	name: string;
	address: string;
	kind: string;
	socialSpaceId: string;
	instanceId: string;
	requirements: string[];
	isDemo?: boolean;
}

/**
 * Creates or changes a place, audited.
 * @throws AccessDeniedError; NotFoundError (unknown place id); ValidationError `name` required |
 *   too_long, `kind` unknown_value, `socialSpaceId` unknown_value, `instanceId` unknown_instance,
 *   `requirements` unknown_value.
 */
export async function savePlace(db: Db, principal: Principal, municipalityId: string, input: PlaceInput): Promise<Place> {
	authorize(principal, 'volunteering:configure', { municipalityId });
	const issues: FieldIssue[] = [];
	const name = input.name.trim();
	const address = input.address.trim();
	if (!name) issues.push({ field: 'name', code: 'required' });
	else if (name.length > LIMITS.name || !isStorableText(name)) issues.push({ field: 'name', code: 'too_long', params: { max: LIMITS.name } });
	if (address.length > LIMITS.title || !isStorableText(address)) issues.push({ field: 'address', code: 'too_long', params: { max: LIMITS.title } });
	if (!(PLACE_KINDS as readonly string[]).includes(input.kind)) issues.push({ field: 'kind', code: 'unknown_option' });
	let socialSpaceId: string | null = null;
	if (input.socialSpaceId) {
		const space = await findSocialSpaceById(db, input.socialSpaceId);
		if (!space || space.municipalityId !== municipalityId) issues.push({ field: 'socialSpaceId', code: 'unknown_social_space' });
		else socialSpaceId = space.id;
	}
	let instanceId: string | null = null;
	if (input.instanceId) {
		const inst = isUuid(input.instanceId) ? await findInstanceById(db, input.instanceId) : null;
		if (!inst || inst.municipalityId !== municipalityId) issues.push({ field: 'instanceId', code: 'unknown_instance' });
		else instanceId = inst.id;
	}
	if (input.requirements.some((r) => !isRequirement(r))) issues.push({ field: 'requirements', code: 'unknown_option' });
	if (issues.length) throw new ValidationError(issues);
	const values = { name, address, kind: input.kind, socialSpaceId, instanceId, requirements: sortedRequirements(input.requirements) };
	return db.transaction(async (tx) => {
		let row: Place;
		let before: Place | null = null;
		if (input.id) {
			before = await findPlace(tx, municipalityId, input.id);
			if (!before) throw new NotFoundError(`place ${input.id}`);
			[row] = await tx.update(volunteerPlace).set(values).where(eq(volunteerPlace.id, before.id)).returning();
		} else {
			[row] = await tx.insert(volunteerPlace).values({ ...values, municipalityId, isDemo: input.isDemo ?? false }).returning();
		}
		await recordAudit(tx, { ...auditActor(principal), municipalityId, action: before ? 'update' : 'create', entityType: 'volunteer_place', entityId: row.id, changes: diffRecords(before, values) });
		return row;
	});
}
