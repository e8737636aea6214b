/**
 * Hosting's fragment of the permission table (issue 15).
 * - `hosting:manage` — rooms, direct bookings, decisions on requests, own events, registrations
 *   and attendance of an instance: its staff and the municipality's administrators.
 * - `hosting:request` — ask for a room of the municipality for an external offer: partner editors
 *   (external providers), staff and administrators of the municipality. Never across
 *   municipalities: a partner sees the rooms of their own municipality only.
 * - `hosting:see_internal` — internal rooms, pending requests and the room feed: staff and
 *   administrators of the municipality.
 * Registering for an event needs no account (Mobilizon): the public service checks the event,
 * and the cancellation link is checked by its token (system principal `hosting-link`).
 */
import { hasRole, inMunicipality, isAdminOf, isStaffIn, isStaffOf, type Rules } from '../access/rules';

export const hostingRules = {
	'hosting:manage': (p, s) => isAdminOf(p, s) || isStaffOf(p, s),
	'hosting:request': (p, s) => inMunicipality(p, s) && hasRole(p, 'municipality_admin', 'instance_staff', 'partner_editor'),
	'hosting:see_internal': (p, s) => isAdminOf(p, s) || isStaffIn(p, s)
} satisfies Rules<string>;
