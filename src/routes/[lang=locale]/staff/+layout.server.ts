import { error, redirect } from '@sveltejs/kit';
import { can } from '$lib/server/accounts/authz';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals, params, route }) => {
	if (!locals.principal) redirect(303, `/${params.lang}/login`);
	if (can(locals.principal, 'staff_area:enter')) return;
	// Partner editors work only in the directory part, where they propose changes (issue 3 §6);
	// the staff start page (where sign-in leads) sends them there.
	if (can(locals.principal, 'directory:propose', { municipalityId: locals.principal.municipalityId })) {
		if (route.id?.startsWith('/[lang=locale]/staff/directory')) return;
		if (route.id === '/[lang=locale]/staff') redirect(303, `/${params.lang}/staff/directory`);
	}
	// Volunteers see only their accompaniments, outside the staff area (issue 4 §4).
	if (can(locals.principal, 'accompaniment:volunteer') && route.id === '/[lang=locale]/staff') redirect(303, `/${params.lang}/volunteer`);
	error(403, 'Forbidden');
};
