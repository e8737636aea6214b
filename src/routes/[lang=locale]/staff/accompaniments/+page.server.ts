import { error, fail } from '@sveltejs/kit';
import { formatDateTime } from '$lib/format';
import { msg } from '$lib/messages';
import { getDb } from '$lib/server/db';
import { CaseLockedError } from '$lib/server/casework/access';
import { assignVolunteer, listAccompaniments, listVolunteers, setAccompanimentStatus } from '$lib/server/casework/accompaniment';
import { caseLockedMessage, issueErrors } from '$lib/server/casework/referral-messages';
import { AccessDeniedError, NotFoundError, ValidationError } from '$lib/server/core/errors';
import { text } from '$lib/server/http/forms';
import { displayName } from '$lib/wegweiser';
import { chooseInstance } from '../referrals/instance-choice';
import type { Actions, PageServerLoad } from './$types';

/** Begleitungen (issue 4 §4): the instance's requested and assigned accompaniments, with assignment. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const p = locals.principal!;
	const db = await getDb();
	const { chosen, mine } = await chooseInstance(db, p, url.searchParams.get('instance'));
	if (!chosen) error(403, 'Forbidden');
	const [items, volunteers] = await Promise.all([listAccompaniments(db, p, chosen.id), listVolunteers(db, p, chosen.id)]);
	return {
		instance: chosen,
		instances: mine,
		volunteers,
		items: items.map((a) => ({
			id: a.id,
			caseId: a.caseId,
			when: formatDateTime(a.appointmentAt, locals.locale),
			place: a.place,
			language: displayName(a.language, locals.locale),
			status: msg(`cr_acc_status_${a.status}`),
			volunteerId: a.volunteerId,
			volunteerName: a.volunteerName
		}))
	};
};

async function run(id: string, write: () => Promise<unknown>) {
	try {
		await write();
	} catch (e) {
		if (e instanceof NotFoundError) error(404, 'Not Found');
		if (e instanceof AccessDeniedError) error(403, 'Forbidden');
		if (e instanceof ValidationError) return fail(400, { id, errors: issueErrors(e.issues) });
		if (e instanceof CaseLockedError) return fail(409, { id, errors: [{ field: 'case', id: 'case', message: caseLockedMessage(e) }] });
		throw e;
	}
	return { id, saved: true };
}

export const actions: Actions = {
	assign: async ({ locals, request }) => {
		const form = await request.formData();
		const id = text(form, 'id');
		return run(id, async () => assignVolunteer(await getDb(), locals.principal, id, text(form, 'volunteer')));
	},
	status: async ({ locals, request }) => {
		const form = await request.formData();
		const id = text(form, 'id');
		return run(id, async () => setAccompanimentStatus(await getDb(), locals.principal, id, text(form, 'status')));
	}
};
