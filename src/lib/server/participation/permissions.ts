/**
 * Partizipation's fragment of the permission table (issue 16).
 * - `participation:moderate` — read the moderation queue and approve or reject feedback and map
 *   points: the municipality's administrators (integration office) and the staff of its Welcome
 *   Points, who know the offers and the places named.
 * - `participation:campaigns` — open, edit and close mapping campaigns, enter points from a paper
 *   workshop, read the internal results: administrators and Welcome Point staff of the
 *   municipality (seed 002: Partizipation as a working principle of the instance).
 * - `participation:feedback_read` — moderated feedback on the offers of the municipality, as the
 *   provider sees it on its entry: administrators, staff and partner editors (the providers).
 * - `participation:surveys` — build surveys, hand out their links, open and close them, read the
 *   staff result with the free texts and export it: administrators and Welcome Point staff of the
 *   municipality (issue 16 §3; the Welcome Points ask about the use of their own offers).
 * Anonymous participation (feedback, points) needs no permission: its services check the
 * campaign, the offer or the token instead.
 */
import { hasRole, inMunicipality, isAdminOf, isStaffIn, type Rules } from '../access/rules';

export const participationRules = {
	'participation:moderate': (p, s) => isAdminOf(p, s) || isStaffIn(p, s),
	'participation:campaigns': (p, s) => isAdminOf(p, s) || isStaffIn(p, s),
	'participation:feedback_read': (p, s) => isAdminOf(p, s) || isStaffIn(p, s) || (hasRole(p, 'partner_editor') && inMunicipality(p, s)),
	'participation:surveys': (p, s) => isAdminOf(p, s) || isStaffIn(p, s)
} satisfies Rules<string>;
