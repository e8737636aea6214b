/**
 * What Vernetzung (networks, issue 14 §4) reads of the needs reports its networks raised: the
 * status and the municipality's answers travel back down to the network. Read by id of the
 * reports a network's escalations point at; the networks service decides who sees them (members
 * of the network), as the report was made on the network's behalf.
 */
import { asc, inArray } from 'drizzle-orm';
import { isUuid } from '../core/validation';
import type { DbOrTx } from '../db/client';
import { speaksForMunicipality } from './permissions';
import { needsReport, needsReportEvent } from './schema';
import { userNames } from '../accounts/users';

/** A needs report's state as the raising network sees it. */
export interface EscalatedReport {
	id: string;
	reference: string;
	title: string;
	status: string;
	declineReason: string | null;
	/**
	 * The municipality's side, oldest first: every status change (only `needs:steer` moves a
	 * report) and the responses of administrators or of the system acting for the municipality.
	 */
	answers: { at: Date; kind: string; toStatus: string | null; body: string }[];
}

/** Reports by id with their status and the municipality's answers; unknown ids are left out. */
export async function escalatedReports(db: DbOrTx, ids: readonly string[]): Promise<EscalatedReport[]> {
	const valid = [...new Set(ids.filter(isUuid))];
	if (!valid.length) return [];
	const [reports, events] = await Promise.all([
		db
			.select({ id: needsReport.id, reference: needsReport.reference, title: needsReport.title, status: needsReport.status, declineReason: needsReport.declineReason })
			.from(needsReport)
			.where(inArray(needsReport.id, valid)),
		db.select().from(needsReportEvent).where(inArray(needsReportEvent.reportId, valid)).orderBy(asc(needsReportEvent.at), asc(needsReportEvent.id))
	]);
	const actors = await userNames(db, events.map((e) => e.actorUserId).filter((u): u is string => !!u));
	return reports.map((r) => ({
		...r,
		answers: events
			.filter((e) => e.reportId === r.id && (e.kind === 'status' || (e.kind === 'response' && (!e.actorUserId || speaksForMunicipality(actors.get(e.actorUserId)?.role)))))
			.map((e) => ({ at: e.at, kind: e.kind, toStatus: e.toStatus, body: e.body }))
	}));
}
