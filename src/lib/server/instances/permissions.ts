/**
 * Instances' fragment of the permission table (issue 2).
 * - `instance:edit` — an instance's profile: administrators of its municipality and its own staff.
 */
import { isAdminOf, isStaffOf, type Rules } from '../access/rules';

export const instancesRules = {
	'instance:edit': (p, s) => isAdminOf(p, s) || isStaffOf(p, s)
} satisfies Rules<string>;
