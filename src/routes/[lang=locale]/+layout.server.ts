import { LANGUAGE_NAMES, directionOf, locales, switchLocalePath } from '$lib/i18n';
import { can } from '$lib/server/access';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals, url }) => {
	const p = locals.principal;
	return {
		locale: locals.locale,
		dir: directionOf(locals.locale),
		user: p
			? {
					displayName: p.displayName,
					staff: can(p, 'staff_area:enter'),
					admin: can(p, 'municipality:administer', { municipalityId: p.municipalityId }),
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
