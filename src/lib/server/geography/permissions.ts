/**
 * Geography's fragment of the permission table.
 * - `geography:manage` — create municipalities' areas, import boundaries and statistics:
 *   administrators of the municipality (the command line acts as the system).
 */
import { isAdminOf, type Rules } from '../access/rules';

export const geographyRules = {
	'geography:manage': isAdminOf
} satisfies Rules<string>;
