/**
 * Accounts' fragment of the permission table (issue 2; issue 11 §6).
 * - `staff_area:enter` — the staff area as a whole: administrators and instance staff.
 * - `account:own` — one's own account page (password, second factor): every signed-in person,
 *   for their own account only.
 * - `municipality:administer` — users and the audit log of a municipality: its administrators.
 */
import { hasRole, isAdminOf, type Rules } from '../access/rules';

export const accountsRules = {
	'staff_area:enter': (p) => hasRole(p, 'municipality_admin', 'instance_staff'),
	'account:own': (p, s) => s.userId === p.userId,
	'municipality:administer': isAdminOf
} satisfies Rules<string>;
