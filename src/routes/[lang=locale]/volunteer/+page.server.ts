import { error, redirect } from '@sveltejs/kit';
import { formatDateTime } from '$lib/format';
import { msg } from '$lib/messages';
import { can } from '$lib/server/access';
import { getDb } from '$lib/server/db';
import { listForVolunteer } from '$lib/server/casework/accompaniment';
import { displayName } from '$lib/wegweiser';
import type { PageServerLoad } from './$types';

/**
 * Meine Begleitungen (issue 4 §4): a volunteer's assigned appointments — when, where, which
 * language, and whom to call. Nothing of the case. Volunteers only (sign-in sends them here).
 */
export const load: PageServerLoad = async ({ locals, params }) => {
	if (!locals.principal) redirect(303, `/${params.lang}/login`);
	if (!can(locals.principal, 'accompaniment:volunteer')) error(403, 'Forbidden');
	const items = await listForVolunteer(await getDb(), locals.principal);
	return {
		items: items.map((a) => ({
			when: formatDateTime(a.appointmentAt, locals.locale),
			place: a.place,
			language: displayName(a.language, locals.locale),
			status: msg(`cr_acc_status_${a.status}`),
			instanceName: a.instanceName,
			instancePhone: a.instancePhone
		}))
	};
};
