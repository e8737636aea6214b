/**
 * Ehrenamt's fragment of the permission table (issue 13).
 * - `volunteers:coordinate` — the volunteers of a municipality (profiles, checks, invitations,
 *   hours, recognition, export and erasure, statistics): its administrators (municipal volunteer
 *   coordination) and the staff of its Welcome Points, who bundle and organise volunteering
 *   together (seed 000). Every read of a profile is audited.
 * - `volunteer_needs:post` — post an Einsatzbedarf: administrators, staff for their own instance,
 *   and partner editors of the municipality for a need of no instance (their organisation's).
 * - `volunteer_needs:enter` — the needs pages: everyone who may post a need somewhere in the
 *   municipality (what a page shows still depends on the need).
 * - `volunteer_tasks:edit` — publish a new version of an instance's task profile
 *   (Hauptamt/Ehrenamt): the instance's staff and the administrators.
 * - `volunteering:configure` — activities and their requirements, places, settings:
 *   administrators.
 * - `volunteering:self` — a volunteer's own profile, shifts, hours, certificate and export, in
 *   their municipality. Volunteers never see a case (casework keeps that rule).
 */
import { hasRole, inMunicipality, isAdminOf, isStaffIn, isStaffOf, type Rules } from '../access/rules';

export const volunteeringRules = {
	'volunteers:coordinate': (p, s) => isAdminOf(p, s) || isStaffIn(p, s),
	'volunteer_needs:post': (p, s) => isAdminOf(p, s) || isStaffOf(p, s) || (hasRole(p, 'partner_editor') && inMunicipality(p, s) && !s.instanceId),
	'volunteer_needs:enter': (p, s) => isAdminOf(p, s) || isStaffIn(p, s) || (hasRole(p, 'partner_editor') && inMunicipality(p, s)),
	'volunteer_tasks:edit': (p, s) => isAdminOf(p, s) || isStaffOf(p, s),
	'volunteering:configure': isAdminOf,
	'volunteering:self': (p, s) => hasRole(p, 'volunteer') && inMunicipality(p, s)
} satisfies Rules<string>;
