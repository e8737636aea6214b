/**
 * What Ehrenamt (issue 13 §4) reads of casework: the accompaniment requests that become
 * Einsatzbedarfe, with nothing of the case — when, where to meet, which language, which
 * instance, and the request's status. No case id, number, name, notes or topics leave casework;
 * accompaniments of cases whose consent was withdrawn count as cancelled.
 */
import { and, eq, gte, isNotNull, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { accompaniment, caseConsent, caseFile } from './schema';

/** An accompaniment request as volunteering sees it. */
export interface AccompanimentRequestView {
	id: string;
	municipalityId: string;
	instanceId: string;
	appointmentAt: Date;
	place: string;
	language: string;
	/** `requested` · `assigned` · `done` · `cancelled` (also for withdrawn consent). */
	status: string;
	volunteerUserId: string | null;
}

/**
 * Accompaniment requests whose appointment is at or after `since`, of one municipality or all.
 */
export async function accompanimentRequests(db: DbOrTx, since: Date, municipalityId?: string): Promise<AccompanimentRequestView[]> {
	const rows = await db
		.select({
			id: accompaniment.id,
			municipalityId: accompaniment.municipalityId,
			instanceId: accompaniment.instanceId,
			appointmentAt: accompaniment.appointmentAt,
			place: accompaniment.place,
			language: accompaniment.language,
			status: accompaniment.status,
			volunteerUserId: accompaniment.volunteerId,
			withdrawn: sql<boolean>`${or(isNotNull(caseConsent.withdrawnAt), eq(caseFile.status, 'withdrawn'))}`
		})
		.from(accompaniment)
		.innerJoin(caseFile, eq(caseFile.id, accompaniment.caseId))
		.leftJoin(caseConsent, eq(caseConsent.caseId, accompaniment.caseId))
		.where(and(gte(accompaniment.appointmentAt, since), municipalityId ? eq(accompaniment.municipalityId, municipalityId) : undefined));
	return rows.map(({ withdrawn, ...r }) => ({ ...r, status: withdrawn ? 'cancelled' : r.status }));
}
