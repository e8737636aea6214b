import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

/** `/` sends people to their language: the remembered choice, else the browser's, else German. */
export const load: PageServerLoad = ({ locals }) => {
	redirect(303, `/${locals.locale}`);
};
