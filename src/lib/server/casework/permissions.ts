/**
 * Casework's (Lotsen) fragment of the permission table (issue 4 §6).
 * - `contacts:record` — staff of the instance record its counselling contacts and referrals.
 * - `cases:work` — read and write a case: staff of the holding instance, and instance staff of
 *   the municipality the case is shared with by name. Administrators never see cases; partners
 *   and volunteers never do either.
 * - `statistics:instance` — an instance's reports: its staff and the administrators.
 * - `statistics:exact` — an instance's counts unsuppressed, on screen: only its own staff;
 *   everything that leaves the instance has small counts suppressed (issue 4 §7).
 * - `statistics:municipality` — city-wide reports across instances and districts: administrators.
 * - `casework:configure` — the contact attributes and the deletion schedule: administrators.
 * - `accompaniment:volunteer` — a volunteer sees the appointments assigned to them.
 */
import { hasRole, isAdminOf, isStaffIn, isStaffOf, type Rules } from '../access/rules';

export const caseworkRules = {
	'contacts:record': isStaffOf,
	'cases:work': (p, s) => isStaffOf(p, s) || (isStaffIn(p, s) && !!s.caseSharedWith?.includes(p.userId)),
	'statistics:instance': (p, s) => isAdminOf(p, s) || isStaffOf(p, s),
	'statistics:exact': isStaffOf,
	'statistics:municipality': isAdminOf,
	'casework:configure': isAdminOf,
	'accompaniment:volunteer': (p) => hasRole(p, 'volunteer')
} satisfies Rules<string>;
