/**
 * The staff start page "Heute" (issue 12 §10): what is waiting for the signed-in person today,
 * each as a count that links to the list filtered to exactly those items — follow-ups of cases
 * due, referrals waiting for feedback, change proposals to review, needs reports with new
 * answers (and, for the municipality, reports still without a first answer), directory entries
 * going stale. Each count is asked only where the person's role may open the list it links to,
 * through the same services (and so the same permission checks) as that list.
 */
import { can, type UserPrincipal } from '../../access';
import { listCases } from '../../casework/cases';
import { listReferrals } from '../../casework/referrals';
import type { DbOrTx } from '../../db/client';
import { getFreshnessDays, listStaleEntries } from '../../directory/freshness';
import { openProposalCount } from '../../directory/proposals';
import { listInstances } from '../../instances/service';
import { answeredSince, listNeedsReports } from '../needs';

/** Kinds of things waiting, in the order the page lists them. */
export type TodayKind = 'follow_ups' | 'referrals' | 'proposals' | 'needs_answers' | 'needs_waiting' | 'stale';

/** One count of the start page: what, how many, the filtered list, and the instance it is about (several instances: one line each). */
export interface TodayItem {
	kind: TodayKind;
	count: number;
	/** Path below `/<lang>/staff`, with the list's filter. */
	href: string;
	instance: string | null;
}

/**
 * The counts for `principal` (each only when the role may open its list), in `TodayKind` order.
 * Instance staff get referrals and stale entries per instance of theirs; administrators the
 * municipality's proposals, stale entries and needs reports. Counts of 0 are kept: "nothing
 * waiting" is worth seeing.
 */
export async function todayPage(db: DbOrTx, principal: UserPrincipal, now: Date = new Date()): Promise<{ items: TodayItem[] }> {
	const municipalityId = principal.municipalityId;
	const instances = (await listInstances(db, municipalityId)).filter((i) => principal.instanceIds.includes(i.id));
	const several = instances.length > 1;
	const items: TodayItem[] = [];
	const scope = (instanceId: string) => ({ municipalityId, instanceId });

	if (instances.some((i) => can(principal, 'cases:work', scope(i.id)))) {
		const cases = await listCases(db, principal, now);
		items.push({ kind: 'follow_ups', count: cases.filter((c) => c.status === 'open' && c.due).length, href: '/cases?due=1', instance: null });
	}
	for (const i of instances.filter((x) => can(principal, 'contacts:record', scope(x.id)))) {
		const overdue = await listReferrals(db, principal, i.id, { overdueOnly: true }, now);
		items.push({ kind: 'referrals', count: overdue.length, href: `/referrals?instance=${i.id}&show=overdue`, instance: several ? i.name : null });
	}
	if (can(principal, 'directory:review', { municipalityId })) {
		items.push({ kind: 'proposals', count: await openProposalCount(db, principal, municipalityId), href: '/directory/proposals?status=open', instance: null });
	}
	const reports = instances.some((i) => can(principal, 'needs:report', scope(i.id)));
	const steers = can(principal, 'needs:steer', { municipalityId });
	if (reports || steers) {
		const answered = await listNeedsReports(db, principal, municipalityId, { answeredSince: answeredSince(now) });
		items.push({ kind: 'needs_answers', count: answered.length, href: '/needs?answered=1', instance: null });
	}
	if (steers) {
		const waiting = await listNeedsReports(db, principal, municipalityId, { status: 'reported' });
		items.push({ kind: 'needs_waiting', count: waiting.length, href: '/needs?status=reported', instance: null });
	}
	if (can(principal, 'directory:review', { municipalityId })) {
		const stale = await listStaleEntries(db, principal, municipalityId, await getFreshnessDays(db, municipalityId), now);
		if (instances.length && !steers) {
			for (const i of instances) {
				items.push({ kind: 'stale', count: stale.filter((e) => e.instanceId === i.id).length, href: `/directory/freshness?instance=${i.id}`, instance: several ? i.name : null });
			}
		} else {
			items.push({ kind: 'stale', count: stale.length, href: '/directory/freshness', instance: null });
		}
	}
	return { items };
}
