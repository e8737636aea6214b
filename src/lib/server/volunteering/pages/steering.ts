/**
 * Ehrenamt on Steuerung's pages (issue 13 §9): the panel of the municipality dashboard
 * (volunteers by activity, social space and language; hours per month; needs filled and open;
 * time to fill) and the volunteer capacity per social space for the coverage view — aggregated,
 * small counts suppressed, opted-out volunteers left out (`steering-reads.ts`). The steering
 * routes add these to their pages; steering's own code cannot import this module (it sits left
 * of it).
 */
import { msg } from '$lib/messages';
import { authorize, type UserPrincipal } from '../../access';
import type { DbOrTx } from '../../db/client';
import { spacesWithDistricts } from '../../geography/steering-reads';
import { activityLabel, languageLabel } from './labels';
import { listActivities } from '../settings';
import { capacityBySocialSpace, volunteeringStatistics } from '../steering-reads';
import { dateTimeFormat, numberFormat } from '$lib/intl';

/** A count as shown: the number, or "<5" when suppressed. */
function shown(n: number | null, locale: string): string {
	return n === null ? msg('vo_suppressed') : numberFormat(locale).format(n);
}

/**
 * The dashboard panel of the principal's municipality.
 * @throws AccessDeniedError without `steering:view`.
 */
export async function steeringPanel(db: DbOrTx, principal: UserPrincipal, locale: string, now: Date = new Date()) {
	const m = principal.municipalityId;
	authorize(principal, 'steering:view', { municipalityId: m });
	const [stats, activities, spaces] = await Promise.all([volunteeringStatistics(db, m, now), listActivities(db, m), spacesWithDistricts(db, m)]);
	const spaceName = new Map(spaces.map((s) => [s.id, `${s.name} (${s.districtName})`]));
	return {
		volunteers: shown(stats.volunteers, locale),
		byActivity: stats.byActivity.map((r) => ({ label: activityLabel(activities, r.key, locale), value: shown(r.count, locale) })),
		bySpace: stats.bySocialSpace.map((r) => ({ label: spaceName.get(r.key) ?? r.key, value: shown(r.count, locale) })).sort((a, b) => a.label.localeCompare(b.label)),
		byLanguage: stats.byLanguage.map((r) => ({ label: languageLabel(r.key, locale), value: shown(r.count, locale) })),
		hours: stats.hoursByMonth.map((h) => ({ label: dateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${h.month}-15T12:00:00Z`)), value: h.hours === null ? msg('vo_suppressed') : numberFormat(locale, { maximumFractionDigits: 1 }).format(h.hours) })),
		needsOpen: stats.needsOpen,
		needsFilled: stats.needsFilled,
		// A number (tenths of days): the message writes it in the reader's digits and picks its plural form.
		medianDaysToFill: stats.medianDaysToFill
	};
}

/**
 * Volunteer capacity per social space for the coverage view: people and hours a month offered.
 * @throws AccessDeniedError without `steering:view`.
 */
export async function coverageCapacity(db: DbOrTx, principal: UserPrincipal, locale: string, now: Date = new Date()) {
	const m = principal.municipalityId;
	authorize(principal, 'steering:view', { municipalityId: m });
	const [capacity, spaces] = await Promise.all([capacityBySocialSpace(db, m, now), spacesWithDistricts(db, m)]);
	const by = new Map(capacity.map((c) => [c.socialSpaceId, c]));
	return spaces.map((s) => {
		const c = by.get(s.id);
		return { space: s.name, district: s.districtName, volunteers: c ? shown(c.volunteers, locale) : '0', hours: c ? (c.hoursPerMonth === null ? msg('vo_suppressed') : numberFormat(locale).format(c.hoursPerMonth)) : '0' };
	});
}
