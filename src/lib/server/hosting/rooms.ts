/**
 * Rooms (issue 15 §1): an instance's rooms with capacity, accessibility and equipment, bookable
 * hours, closures (holidays, single days), how far ahead they can be booked, and a public or
 * internal listing. Staff of the instance and the municipality's administrators keep them.
 */
import { and, asc, eq } from 'drizzle-orm';
import { auditActor, authorize, can, type Principal } from '../access';
import { diffRecords, recordAudit } from '../audit/service';
import { NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { isIsoDate, isStorableText, isUuid } from '../core/validation';
import type { Db, DbOrTx } from '../db/client';
import { hostingPlace } from '../directory/hosting-reads';
import { findInstanceById } from '../instances/service';
import { minutesOf, ROOM_ACCESSIBILITY, ROOM_EQUIPMENT } from './model';
import { hostingRoom, type BookableSlot, type Closure } from './schema';

export type Room = typeof hostingRoom.$inferSelect;

/** A room as entered. */
export interface RoomInput {
	instanceId: string;
	locationId: string | null;
	name: string;
	capacity: number;
	accessibility: string[];
	equipment: string[];
	bookableHours: BookableSlot[];
	closures: Closure[];
	maxAdvanceDays: number;
	listing: 'public' | 'internal';
}

/** Checks a room; each problem names its field (and the slot or closure by index). */
async function checkRoom(db: DbOrTx, municipalityId: string, input: RoomInput): Promise<FieldIssue[]> {
	const issues: FieldIssue[] = [];
	const name = input.name.trim();
	if (!name) issues.push({ field: 'name', code: 'required' });
	else if (name.length > 120 || !isStorableText(name)) issues.push({ field: 'name', code: 'too_long', params: { max: 120 } });
	if (!Number.isInteger(input.capacity) || input.capacity < 1 || input.capacity > 10_000) issues.push({ field: 'capacity', code: 'out_of_range', params: { min: 1, max: 10_000 } });
	for (const a of input.accessibility) if (!(ROOM_ACCESSIBILITY as readonly string[]).includes(a)) issues.push({ field: 'accessibility', code: 'ho_unknown_value', params: { value: a } });
	for (const e of input.equipment) if (!(ROOM_EQUIPMENT as readonly string[]).includes(e)) issues.push({ field: 'equipment', code: 'ho_unknown_value', params: { value: e } });
	input.bookableHours.forEach((h, i) => {
		const opens = minutesOf(h.opens);
		const closes = minutesOf(h.closes);
		if (!Number.isInteger(h.day) || h.day < 1 || h.day > 7 || opens === null || closes === null || closes <= opens) issues.push({ field: `bookableHours.${i}`, code: 'ho_invalid_slot' });
	});
	input.closures.forEach((c, i) => {
		if (!isIsoDate(c.from) || !isIsoDate(c.to) || c.to < c.from) issues.push({ field: `closures.${i}`, code: 'ho_invalid_range', params: { from: c.from, to: c.to } });
	});
	if (!Number.isInteger(input.maxAdvanceDays) || input.maxAdvanceDays < 1 || input.maxAdvanceDays > 1100) issues.push({ field: 'maxAdvanceDays', code: 'out_of_range', params: { min: 1, max: 1100 } });
	if (input.listing !== 'public' && input.listing !== 'internal') issues.push({ field: 'listing', code: 'ho_unknown_value', params: { value: String(input.listing) } });
	if (input.locationId !== null) {
		const place = await hostingPlace(db, input.locationId);
		if (!place || place.municipalityId !== municipalityId) issues.push({ field: 'locationId', code: 'not_found' });
	}
	return issues;
}

/**
 * Creates a room (no `id`) or updates one, audited.
 * @throws NotFoundError unknown instance or room; AccessDeniedError without `hosting:manage` on
 *   the instance; ValidationError per field (see `checkRoom`).
 */
export async function saveRoom(db: Db, principal: Principal, input: RoomInput, id?: string, options: { isDemo?: boolean } = {}): Promise<Room> {
	const inst = isUuid(input.instanceId) ? await findInstanceById(db, input.instanceId) : null;
	if (!inst) throw new NotFoundError('instance');
	authorize(principal, 'hosting:manage', { municipalityId: inst.municipalityId, instanceId: inst.id });
	const existing = id ? await findRoom(db, id) : null;
	if (id && (!existing || existing.instanceId !== inst.id)) throw new NotFoundError('room');
	const issues = await checkRoom(db, inst.municipalityId, input);
	if (issues.length) throw new ValidationError(issues);
	const values = {
		municipalityId: inst.municipalityId,
		instanceId: inst.id,
		locationId: input.locationId,
		name: input.name.trim(),
		capacity: input.capacity,
		accessibility: [...new Set(input.accessibility)],
		equipment: [...new Set(input.equipment)],
		bookableHours: input.bookableHours,
		closures: [...input.closures].sort((a, b) => a.from.localeCompare(b.from)),
		maxAdvanceDays: input.maxAdvanceDays,
		listing: input.listing,
		isDemo: options.isDemo ?? existing?.isDemo ?? false
	};
	return db.transaction(async (tx) => {
		const [row] = existing
			? await tx.update(hostingRoom).set({ ...values, updatedAt: new Date() }).where(eq(hostingRoom.id, existing.id)).returning()
			: await tx.insert(hostingRoom).values(values).returning();
		await recordAudit(tx, { ...auditActor(principal), municipalityId: inst.municipalityId, action: existing ? 'update' : 'create', entityType: 'hosting_room', entityId: row.id, changes: diffRecords(existing, values) });
		return row;
	});
}

/** The room with this id, or null (also for a malformed id). */
export async function findRoom(db: DbOrTx, id: string): Promise<Room | null> {
	if (!isUuid(id)) return null;
	const [row] = await db.select().from(hostingRoom).where(eq(hostingRoom.id, id));
	return row ?? null;
}

/**
 * The rooms of a municipality the principal may see: public ones for everyone, internal ones
 * for holders of `hosting:see_internal`; optionally of one instance. By name.
 */
export async function listRooms(db: DbOrTx, principal: Principal | null, municipalityId: string, instanceId?: string): Promise<Room[]> {
	const rows = await db
		.select()
		.from(hostingRoom)
		.where(and(eq(hostingRoom.municipalityId, municipalityId), instanceId ? eq(hostingRoom.instanceId, instanceId) : undefined))
		.orderBy(asc(hostingRoom.name));
	const internal = can(principal, 'hosting:see_internal', { municipalityId });
	return rows.filter((r) => r.listing === 'public' || internal);
}
