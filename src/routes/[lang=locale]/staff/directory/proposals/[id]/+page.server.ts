import { error, fail, redirect } from '@sveltejs/kit';
import { can } from '$lib/server/access';
import type { UserPrincipal } from '$lib/server/access';
import { getDb } from '$lib/server/db';
import { getProposal, proposalDiff, publishProposal, rejectProposal, type ProposalView } from '$lib/server/directory/proposals';
import { formErrors } from '$lib/server/directory/staff-form';
import { entryScope, mayEditDirectly, mayUseDirectory } from '$lib/server/directory/staff-view';
import { NotFoundError, ValidationError } from '$lib/server/core/errors';
import { text } from '$lib/server/http/forms';
import { formatDateTime } from '$lib/format';
import type { Actions, PageServerLoad } from './$types';

/** The proposal if the principal may see it: reviewers all of the municipality, partners their own. */
async function visible(p: UserPrincipal, id: string): Promise<ProposalView> {
	if (!mayUseDirectory(p)) error(403, 'Forbidden');
	const proposal = await getProposal(await getDb(), id);
	const reviewer = can(p, 'directory:review', { municipalityId: p.municipalityId });
	if (!proposal || proposal.municipalityId !== p.municipalityId || (!reviewer && proposal.proposedBy !== p.userId)) error(404, 'Not found');
	return proposal;
}

/** Whether the principal may publish: reviewer, with the right to edit the entry as it is and as proposed. */
async function mayPublish(p: UserPrincipal, proposal: ProposalView): Promise<boolean> {
	if (!can(p, 'directory:review', { municipalityId: p.municipalityId })) return false;
	const scope = proposal.entityId ? await entryScope(await getDb(), p, proposal.entityType, proposal.entityId) : null;
	const proposedInstance = 'instanceId' in proposal.payload ? (proposal.payload.instanceId ?? null) : (scope?.instanceId ?? null);
	return mayEditDirectly(p, p.municipalityId, scope?.instanceId ?? proposedInstance, proposedInstance);
}

export const load: PageServerLoad = async ({ locals, params }) => {
	const p = locals.principal!;
	const proposal = await visible(p, params.id);
	const db = await getDb();
	return {
		proposal: {
			id: proposal.id,
			kind: proposal.entityType,
			entityId: proposal.entityId,
			status: proposal.status,
			proposer: proposal.proposerName ?? '–',
			reviewer: proposal.reviewerName,
			createdAt: formatDateTime(proposal.createdAt, locals.locale),
			reviewedAt: proposal.reviewedAt ? formatDateTime(proposal.reviewedAt, locals.locale) : null,
			reviewNote: proposal.reviewNote
		},
		diff: await proposalDiff(db, proposal),
		mayPublish: proposal.status === 'open' && (await mayPublish(p, proposal))
	};
};

export const actions: Actions = {
	publish: async ({ locals, params }) => {
		const p = locals.principal!;
		const proposal = await visible(p, params.id);
		if (!(await mayPublish(p, proposal))) error(403, 'Forbidden');
		let id: string;
		try {
			id = await publishProposal(await getDb(), proposal.id, p.userId);
		} catch (e) {
			if (e instanceof ValidationError) return fail(400, { errors: formErrors(e.issues) });
			if (e instanceof NotFoundError) error(404, 'Not found');
			throw e;
		}
		redirect(303, `/${params.lang}/staff/directory/${proposal.entityType === 'service' ? 'offers' : 'actors'}/${id}?saved=1`);
	},
	reject: async ({ locals, params, request }) => {
		const p = locals.principal!;
		const proposal = await visible(p, params.id);
		if (!(await mayPublish(p, proposal))) error(403, 'Forbidden');
		try {
			await rejectProposal(await getDb(), proposal.id, p.userId, text(await request.formData(), 'reviewNote'));
		} catch (e) {
			if (e instanceof ValidationError) return fail(400, { errors: formErrors(e.issues) });
			throw e;
		}
		redirect(303, `/${params.lang}/staff/directory/proposals/${proposal.id}`);
	}
};
