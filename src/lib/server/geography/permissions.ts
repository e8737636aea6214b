/**
 * Geography's fragment of the permission table (MODEL.md §4 "Geography").
 * - `geography:manage` — a municipality's areas: create districts and social spaces, import
 *   boundaries and statistics. Administrators of the municipality; the command line and the
 *   demo loader act as the system principal.
 * - `municipality:create` — set up a new municipality. No signed-in person holds it, not even an
 *   administrator (who administers one municipality, not the platform): a municipality is set up
 *   by the operator on the command line, i.e. by the system principal, which `can()` lets do
 *   everything. The rule is therefore "never" for every person.
 */
import { isAdminOf, type Rules } from '../access/rules';

export const geographyRules = {
	'geography:manage': isAdminOf,
	'municipality:create': () => false
} satisfies Rules<string>;
