/**
 * Vernetzung's figures on the steering dashboard (issue 14 §6: "these figures join the steering
 * dashboards"): the counts of `steering-reads.ts` with their labels, for readers who may see the
 * network map. The steering route joins them to its page (steering itself, left of networks in
 * the module order, does not import this module).
 */
import { formatNumber } from '$lib/format';
import { msg } from '$lib/messages';
import { can, type UserPrincipal } from '../../access';
import type { DbOrTx } from '../../db/client';
import { networkDashboardFigures } from '../steering-reads';

/**
 * The rows of the dashboard's networks section of the person's municipality (label, value), or
 * null for someone without `networks:map`.
 */
export async function networksDashboardSection(db: DbOrTx, p: UserPrincipal, locale: string, now: Date = new Date()) {
	if (!can(p, 'networks:map', { municipalityId: p.municipalityId })) return null;
	const f = await networkDashboardFigures(db, p.municipalityId, now);
	const n = (x: number) => formatNumber(x, locale);
	const local = f.networksByLevel.local ?? 0;
	const wider = Object.entries(f.networksByLevel).reduce((s, [level, c]) => (level === 'local' ? s : s + c), 0);
	return [
		{ label: msg('nw_dash_local'), value: n(local) },
		{ label: msg('nw_dash_wider'), value: n(wider) },
		{ label: msg('nw_dash_meetings'), value: n(f.meetingsHeld) },
		{ label: msg('nw_dash_open'), value: n(f.openActions) },
		{ label: msg('nw_dash_overdue'), value: n(f.overdueActions) },
		{ label: msg('nw_dash_escalations'), value: n(f.escalations) },
		{ label: msg('nw_dash_unnetworked'), value: `${n(f.actorsInNoNetwork)} / ${n(f.actors)}` },
		{ label: msg('nw_dash_spaces_with'), value: `${n(f.spacesWithLocalNetwork)} / ${n(f.spaces)}` },
		{ label: msg('nw_dash_spaces_missing'), value: n(f.spacesMissingTypes) }
	];
}
