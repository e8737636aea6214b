/**
 * Steuerung's fragment of the permission table (issue 5).
 * - `needs:report` — an instance's staff report needs for it and answer on their reports.
 * - `needs:read` — a needs report with its history and attachment: administrators of its
 *   municipality, and the staff of the reporting instance (a report by the municipality itself,
 *   without an instance, is the administrators' only).
 * - `needs:steer` — every needs report of the municipality, its workflow, responses and links:
 *   administrators.
 * - `programmes:manage` — the programme registry, the self-assessment catalogue and the coverage
 *   rules: administrators.
 * - `steering:view` — the coverage matrix, the programme registry and the municipality
 *   dashboard: administrators and instance staff of the municipality (all aggregated).
 * - `assessment:submit` — an instance's staff assess their instance against the catalogue.
 */
import { isAdminOf, isStaffIn, isStaffOf, type Rules } from '../access/rules';

export const steeringRules = {
	'needs:report': isStaffOf,
	'needs:read': (p, s) => isAdminOf(p, s) || isStaffOf(p, s),
	'needs:steer': isAdminOf,
	'programmes:manage': isAdminOf,
	'steering:view': (p, s) => isAdminOf(p, s) || isStaffIn(p, s),
	'assessment:submit': isStaffOf
} satisfies Rules<string>;

/**
 * Whether an entry in a needs report's history was written for the municipality (shown as "the
 * municipality's" side): by an account of the role that holds `needs:steer`, the administrators.
 */
export function speaksForMunicipality(role: string | undefined): boolean {
	return role === 'municipality_admin';
}
