/**
 * Vernetzung's fragment of the permission table (issue 14).
 * - `networks:take_part` — the networks part of the staff area: every signed-in person of the
 *   municipality (administrators, instance staff, partner organisations, volunteers), who see the
 *   public and network-wide networks there, their own networks, and propose agenda items where
 *   they are members (membership is data, checked by the services).
 * - `networks:see_internal` — internal networks of the municipality: administrators and instance
 *   staff (members of an internal network see it through their membership).
 * - `networks:coordinate` — create and run a network (members, meetings, agenda, minutes,
 *   escalation): administrators of its municipality, and the staff of its coordinating instance
 *   (scope `instanceId`; a network coordinated by the municipality has none, so only
 *   administrators). Seed 002: "Koordination durch intermediäre Instanz (alternativ: kommunal)".
 * - `networks:relate` — record relations between actors: administrators and instance staff of
 *   the municipality (the Welcome Points "know and link local actors", seed 000).
 * - `networks:post` — write posts of the information flows: administrators (down) and instance
 *   staff (up, sideways) of the municipality.
 * - `networks:map` — the network map and metrics: administrators and instance staff (aggregates
 *   of the municipality, like `steering:view`).
 */
import { inMunicipality, isAdminOf, isStaffIn, isStaffOf, type Rules } from '../access/rules';

export const networksRules = {
	'networks:take_part': inMunicipality,
	'networks:see_internal': (p, s) => isAdminOf(p, s) || isStaffIn(p, s),
	'networks:coordinate': (p, s) => isAdminOf(p, s) || isStaffOf(p, s),
	'networks:relate': (p, s) => isAdminOf(p, s) || isStaffIn(p, s),
	'networks:post': (p, s) => isAdminOf(p, s) || isStaffIn(p, s),
	'networks:map': (p, s) => isAdminOf(p, s) || isStaffIn(p, s)
} satisfies Rules<string>;
