/**
 * Meine Begleitungen (issue 4 §4): a volunteer's assigned appointments as their page shows them
 * — when, where, which language, and whom to call. Nothing of the case.
 */
import { formatDateTime } from '$lib/format';
import { msg } from '$lib/messages';
import { displayName } from '$lib/wegweiser';
import type { UserPrincipal } from '../../access';
import type { DbOrTx } from '../../db/client';
import { listForVolunteer } from '../accompaniment';

/**
 * The page of the signed-in volunteer, dates and languages in `locale`.
 * @throws AccessDeniedError for anyone but a volunteer.
 */
export async function volunteerPage(db: DbOrTx, principal: UserPrincipal, locale: string) {
	const items = await listForVolunteer(db, principal);
	return {
		items: items.map((a) => ({
			when: formatDateTime(a.appointmentAt, locale),
			place: a.place,
			language: displayName(a.language, locale),
			status: msg(`cr_acc_status_${a.status}`),
			instanceName: a.instanceName,
			instancePhone: a.instancePhone
		}))
	};
}
