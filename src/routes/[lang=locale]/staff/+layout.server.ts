import { error, redirect } from '@sveltejs/kit';
import { can } from '$lib/server/accounts/authz';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals, params }) => {
	if (!locals.principal) redirect(303, `/${params.lang}/login`);
	if (!can(locals.principal, 'staff_area:enter')) error(403, 'Forbidden');
};
