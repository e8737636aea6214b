import { LANGUAGE_NAMES, directionOf, locales, switchLocalePath } from '$lib/i18n';
import { can } from '$lib/server/accounts/authz';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals, url }) => {
	const p = locals.principal;
	return {
		locale: locals.locale,
		dir: directionOf(locals.locale),
		user: p
			? {
					displayName: p.displayName,
					role: p.role,
					staff: can(p, 'staff_area:enter'),
					admin: p.role === 'municipality_admin',
					directory: can(p, 'directory:propose', { municipalityId: p.municipalityId }),
					volunteer: can(p, 'accompaniment:volunteer')
				}
			: null,
		languages: locales.map((l) => ({
			locale: l,
			name: LANGUAGE_NAMES[l],
			dir: directionOf(l),
			href: switchLocalePath(url.pathname, l) + url.search
		}))
	};
};
