/**
 * What hosting (issue 15 §3) writes into casework: the attendance counts of an instance's own
 * events as group work (Gruppenarbeit) for the contact statistics — no personal data, only the
 * event's kind and theme fields, the number present and the number of languages. Hosting calls
 * `recordGroupWork` in the transaction that takes the attendance.
 */
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { THEME_FIELDS } from '../directory/model';
import { caseworkInstance } from '../instances/casework-reads';
import { firstDistrictOf } from './places';
import { groupWorkSession } from './schema';

/** One session's attendance as hosting reports it. */
export interface GroupWorkInput {
	municipalityId: string;
	instanceId: string;
	eventId: string;
	/** The session's calendar day (Europe/Berlin), `YYYY-MM-DD`. */
	sessionDay: string;
	/** `single`, `course` or `open_group`. */
	eventKind: string;
	themeFields: readonly string[];
	/** Persons present (0 or more). */
	participants: number;
	/** Number of languages the session was held in. */
	languages: number;
}

/**
 * Records (or replaces) one session's attendance as group work, under the instance's district
 * (its first social space's) for district reports; theme fields outside the directory's
 * vocabulary are left out. Call inside the attendance's transaction.
 */
export async function recordGroupWork(tx: DbOrTx, input: GroupWorkInput): Promise<void> {
	const inst = await caseworkInstance(tx, input.instanceId);
	const districtId = inst ? await firstDistrictOf(tx, inst.socialSpaceIds) : null;
	const values = {
		municipalityId: input.municipalityId,
		instanceId: input.instanceId,
		districtId,
		eventId: input.eventId,
		sessionDay: input.sessionDay,
		eventKind: input.eventKind,
		themeFields: [...new Set(input.themeFields)].filter((f) => THEME_FIELDS.some((t) => t.key === f)),
		participants: input.participants,
		languages: input.languages
	};
	await tx
		.insert(groupWorkSession)
		.values(values)
		.onConflictDoUpdate({ target: [groupWorkSession.eventId, groupWorkSession.sessionDay], set: { ...values, recordedAt: sql`now()` } });
}
