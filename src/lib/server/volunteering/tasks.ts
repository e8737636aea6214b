/**
 * Aufgabenprofile (issue 13 §3; seeds 001, 003, 004: friction between Hauptamt and Ehrenamt
 * calls for agreed task profiles). Each instance keeps a versioned catalogue: what volunteers
 * do, what stays with paid staff, and who supervises. A version is never changed; publishing a
 * new one asks every volunteer it applies to (those registered with the instance and those with
 * assignments there) to confirm it again.
 */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { actingUserId, auditActor, authorize, type Principal } from '../access';
import { recordAudit } from '../audit/service';
import { NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { isStorableText, isUuid } from '../core/validation';
import type { Db, DbOrTx } from '../db/client';
import { findInstanceById } from '../instances/service';
import { LIMITS } from './model';
import { ownProfile, type ProfileRow } from './profiles';
import { volunteerInvitation, volunteerNeed, volunteerTaskConfirmation, volunteerTaskProfile } from './schema';

export type TaskProfile = typeof volunteerTaskProfile.$inferSelect;

/** A task profile as entered. */
export interface TaskProfileInput {
	volunteerTasks: string;
	staffTasks: string;
	supervision: string;
}

/**
 * Publishes the next version of an instance's task profile, audited.
 * @throws NotFoundError (instance); AccessDeniedError without `volunteer_tasks:edit`;
 *   ValidationError `volunteerTasks` | `staffTasks` | `supervision` required | too_long.
 */
export async function publishTaskProfile(db: Db, principal: Principal, instanceId: string, input: TaskProfileInput, now: Date = new Date()): Promise<TaskProfile> {
	const inst = await findInstanceById(db, instanceId);
	if (!inst) throw new NotFoundError(`instance ${instanceId}`);
	authorize(principal, 'volunteer_tasks:edit', { municipalityId: inst.municipalityId, instanceId: inst.id });
	const issues: FieldIssue[] = [];
	const values = { volunteerTasks: input.volunteerTasks.trim(), staffTasks: input.staffTasks.trim(), supervision: input.supervision.trim() };
	for (const [field, text] of Object.entries(values)) {
		if (!text) issues.push({ field, code: 'required' });
		else if (text.length > LIMITS.taskText || !isStorableText(text)) issues.push({ field, code: 'too_long', params: { max: LIMITS.taskText } });
	}
	if (issues.length) throw new ValidationError(issues);
	return db.transaction(async (tx) => {
		const [last] = await tx.select({ v: sql<number>`coalesce(max(${volunteerTaskProfile.version}), 0)::int` }).from(volunteerTaskProfile).where(eq(volunteerTaskProfile.instanceId, inst.id));
		const [row] = await tx
			.insert(volunteerTaskProfile)
			.values({ municipalityId: inst.municipalityId, instanceId: inst.id, version: Number(last.v) + 1, ...values, publishedAt: now, publishedBy: actingUserId(principal) })
			.returning();
		await recordAudit(tx, { ...auditActor(principal), municipalityId: inst.municipalityId, action: 'publish', entityType: 'volunteer_task_profile', entityId: row.id, changes: { instanceId: [null, inst.id], version: [null, row.version] } });
		return row;
	});
}

/**
 * The instances whose task profile applies to a volunteer: the one they registered with and
 * those of the needs they were invited to or work for.
 */
export async function taskInstancesOf(db: DbOrTx, profile: ProfileRow): Promise<string[]> {
	const rows = await db
		.selectDistinct({ id: volunteerNeed.instanceId })
		.from(volunteerInvitation)
		.innerJoin(volunteerNeed, eq(volunteerNeed.id, volunteerInvitation.needId))
		.where(and(eq(volunteerInvitation.profileId, profile.id), inArray(volunteerInvitation.status, ['invited', 'accepted'])));
	return [...new Set([profile.instanceId, ...rows.map((r) => r.id)].filter((id): id is string => !!id))];
}

/** The current (newest) task profile of each of the instances that has one. */
export async function currentTaskProfiles(db: DbOrTx, instanceIds: readonly string[]): Promise<TaskProfile[]> {
	const ids = [...new Set(instanceIds.filter(isUuid))];
	if (!ids.length) return [];
	const rows = await db.select().from(volunteerTaskProfile).where(inArray(volunteerTaskProfile.instanceId, ids)).orderBy(desc(volunteerTaskProfile.version));
	const seen = new Set<string>();
	return rows.filter((r) => (seen.has(r.instanceId) ? false : (seen.add(r.instanceId), true)));
}

/** Every version of an instance's task profile, newest first. */
export function taskProfileVersions(db: DbOrTx, instanceId: string): Promise<TaskProfile[]> {
	return db.select().from(volunteerTaskProfile).where(eq(volunteerTaskProfile.instanceId, instanceId)).orderBy(desc(volunteerTaskProfile.version));
}

/** Of the given task profiles, the ids a profile has confirmed. */
export async function confirmedTaskProfiles(db: DbOrTx, profileId: string, taskProfileIds: readonly string[]): Promise<Set<string>> {
	if (!taskProfileIds.length) return new Set();
	const rows = await db
		.select({ id: volunteerTaskConfirmation.taskProfileId })
		.from(volunteerTaskConfirmation)
		.where(and(eq(volunteerTaskConfirmation.profileId, profileId), inArray(volunteerTaskConfirmation.taskProfileId, [...taskProfileIds])));
	return new Set(rows.map((r) => r.id));
}

/**
 * The volunteer confirms the current version of a task profile that applies to them, audited.
 * @throws NotFoundError (unknown, or not the current version of an instance); AccessDeniedError.
 */
export async function confirmTaskProfile(db: Db, principal: Principal, taskProfileId: string, now: Date = new Date()): Promise<void> {
	const profile = await ownProfile(db, principal);
	const current = await currentTaskProfiles(db, await taskInstancesOf(db, profile));
	const target = current.find((t) => t.id === taskProfileId);
	if (!target) throw new NotFoundError(`task profile ${taskProfileId}`);
	await db.transaction(async (tx) => {
		await tx.insert(volunteerTaskConfirmation).values({ profileId: profile.id, taskProfileId: target.id, confirmedAt: now }).onConflictDoNothing();
		await recordAudit(tx, { ...auditActor(principal), municipalityId: profile.municipalityId, action: 'confirm', entityType: 'volunteer_task_profile', entityId: target.id, changes: { profileId: [null, profile.id], version: [null, target.version] } });
	});
}
