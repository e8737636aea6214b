/**
 * Instances' fragment of the permission table (issue 2; MODEL.md §4 "Instance").
 * - `instance:edit` — an instance's profile: administrators of its municipality and the
 *   instance's own staff. Asked with `{ municipalityId, instanceId }` to edit an instance, and
 *   with `{ municipalityId }` alone to create or retire one: without an instance only
 *   administrators of the municipality hold it (a new instance has no staff yet, and its own
 *   staff do not close it); the command line and the demo loader act as the system principal.
 */
import { isAdminOf, isStaffOf, type Rules } from '../access/rules';

export const instancesRules = {
	'instance:edit': (p, s) => isAdminOf(p, s) || isStaffOf(p, s)
} satisfies Rules<string>;
