/**
 * The directory's (Wegweiser) fragment of the permission table (issue 3 §6).
 * - `directory:edit` — write actors and offers directly. Administrators: every entry of their
 *   municipality. Instance staff: entries kept by one of their instances, and entries kept by no
 *   instance (most actors of a city, e.g. imported OSM actors, belong to none; the Welcome Points
 *   are the ones who know them). An entry kept by another instance is that instance's. Moving an
 *   entry between instances needs the right on both (the service asks twice).
 * - `directory:propose` — submit change proposals: partner editors of the municipality, and
 *   everyone who may edit (staff may use the same queue).
 * - `directory:review` — see the proposal queue and publish or reject: administrators and
 *   instance staff of the municipality; publishing also needs `directory:edit` on the entry.
 * - `directory:see_network` — entries visible to the network (seed 000: graded, opt-in
 *   visibility): everyone signed in to the municipality, volunteers included.
 * - `directory:see_internal` — internal entries: administrators and instance staff.
 * - `directory:configure` — the directory's settings of a municipality (the freshness period):
 *   its administrators, who set the rules the Welcome Points work by.
 */
import { hasRole, inMunicipality, isAdminOf, isStaffIn, type Rules } from '../access/rules';

export const directoryRules = {
	'directory:edit': (p, s) => isAdminOf(p, s) || (isStaffIn(p, s) && (!s.instanceId || p.instanceIds.includes(s.instanceId))),
	'directory:propose': (p, s) => inMunicipality(p, s) && hasRole(p, 'municipality_admin', 'instance_staff', 'partner_editor'),
	'directory:review': (p, s) => isAdminOf(p, s) || isStaffIn(p, s),
	'directory:see_network': inMunicipality,
	'directory:see_internal': (p, s) => isAdminOf(p, s) || isStaffIn(p, s),
	'directory:configure': isAdminOf
} satisfies Rules<string>;
