import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { decisionMails, proposalPage, requireProposal } from '$lib/server/directory/pages/staff';
import { publishProposal, rejectProposal } from '$lib/server/directory/proposals';
import { handleForm, httpError } from '$lib/server/http/errors';
import { text } from '$lib/server/http/forms';
import { requirePrincipal } from '$lib/server/http/principal';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await proposalPage(await getDb(), p, event.params.id, event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	publish: async (event) => {
		const p = requirePrincipal(event);
		await event.request.arrayBuffer();
		const db = await getDb();
		const proposal = await requireProposal(db, p, event.params.id).catch(httpError);
		return handleForm(async () => {
			const id = await publishProposal(db, p, proposal.id, decisionMails('published'));
			redirect(303, `/${event.params.lang}/staff/directory/${proposal.entityType === 'service' ? 'offers' : 'actors'}/${id}?saved=1`);
		});
	},
	reject: async (event) => {
		const p = requirePrincipal(event);
		const note = text(await event.request.formData(), 'reviewNote');
		const db = await getDb();
		const proposal = await requireProposal(db, p, event.params.id).catch(httpError);
		return handleForm(async () => {
			await rejectProposal(db, p, proposal.id, note, decisionMails('rejected'));
			redirect(303, `/${event.params.lang}/staff/directory/proposals/${proposal.id}`);
		});
	}
};
