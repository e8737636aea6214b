/**
 * What hosting (issue 15 §3) reads of Ehrenamt: the volunteers who may host an own event
 * (language café, homework help) and their names. Eligible are the active volunteers of the
 * event's municipality — the account not disabled, not paused on the day asked — who registered
 * with the event's instance or with none in particular. Public pages show the first name only.
 */
import { and, eq, inArray, isNull, or } from 'drizzle-orm';
import { accountContacts } from '../accounts/volunteering-reads';
import { isUuid } from '../core/validation';
import type { DbOrTx } from '../db/client';
import { isPaused } from './model';
import { volunteerProfile } from './schema';

/** A volunteer as hosting names them: profile id, full display name and first name. */
export interface HostVolunteer {
	id: string;
	name: string;
	firstName: string;
}

/** The first word of a display name ("Amira K." → "Amira"). */
function firstNameOf(name: string): string {
	return name.trim().split(/\s+/)[0] ?? '';
}

/**
 * The volunteers who may host an event of `instanceId` in `municipalityId` on `day` (a Berlin
 * `YYYY-MM-DD`): active accounts, not paused that day, of that instance or of none. By name.
 */
export async function eligibleHosts(db: DbOrTx, municipalityId: string, instanceId: string, day: string): Promise<HostVolunteer[]> {
	const rows = await db
		.select({ id: volunteerProfile.id, userId: volunteerProfile.userId, pausedFrom: volunteerProfile.pausedFrom, pausedUntil: volunteerProfile.pausedUntil })
		.from(volunteerProfile)
		.where(and(eq(volunteerProfile.municipalityId, municipalityId), or(eq(volunteerProfile.instanceId, instanceId), isNull(volunteerProfile.instanceId))));
	const accounts = await accountContacts(db, rows.map((r) => r.userId));
	return rows
		.filter((r) => accounts.get(r.userId)?.active && !isPaused(r, day))
		.map((r) => {
			const name = accounts.get(r.userId)!.displayName;
			return { id: r.id, name, firstName: firstNameOf(name) };
		})
		.sort((a, b) => a.name.localeCompare(b.name));
}

/** Names of volunteer profiles by id (unknown ids are left out), for pages that list hosts. */
export async function hostNames(db: DbOrTx, ids: readonly string[]): Promise<Map<string, HostVolunteer>> {
	const valid = [...new Set(ids)].filter(isUuid);
	if (!valid.length) return new Map();
	const rows = await db.select({ id: volunteerProfile.id, userId: volunteerProfile.userId }).from(volunteerProfile).where(inArray(volunteerProfile.id, valid));
	const accounts = await accountContacts(db, rows.map((r) => r.userId));
	return new Map(rows.map((r) => {
		const name = accounts.get(r.userId)?.displayName ?? '';
		return [r.id, { id: r.id, name, firstName: firstNameOf(name) }];
	}));
}

/** The volunteer profile id of an account, or null when the account has none. */
export async function profileIdOfUser(db: DbOrTx, userId: string): Promise<string | null> {
	const [row] = await db.select({ id: volunteerProfile.id }).from(volunteerProfile).where(eq(volunteerProfile.userId, userId));
	return row?.id ?? null;
}
