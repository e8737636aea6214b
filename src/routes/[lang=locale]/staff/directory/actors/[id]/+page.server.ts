import { error, fail, redirect } from '@sveltejs/kit';
import type { UserPrincipal } from '$lib/server/access';
import { getDb } from '$lib/server/db';
import { propose } from '$lib/server/directory/proposals';
import { getOrganization, organizationToInput, saveOrganization, visibleLevels, type OrganizationInput } from '$lib/server/directory/service';
import { formErrors, organizationInputFromForm } from '$lib/server/directory/staff-form';
import { districtChoices, emptyOrganization, entryScope, formRows, instanceChoices, mayEditDirectly, textStatuses, vocabularies } from '$lib/server/directory/staff-view';
import { pickText } from '$lib/server/directory/texts';
import { ValidationError } from '$lib/server/core/errors';
import { formatDateTime } from '$lib/format';
import { sendLinkAction, verifyAction } from '../../actions.server';
import type { Actions, PageServerLoad } from './$types';

/** The actor as stored (null for "new"), or 404 when the principal may not see it. */
async function stored(p: UserPrincipal, id: string) {
	if (id === 'new') return null;
	const db = await getDb();
	if (!(await entryScope(db, p, 'organization', id))) error(404, 'Not found');
	return (await getOrganization(db, id, visibleLevels(p, p.municipalityId)))!;
}

async function view(p: UserPrincipal, locale: string, input: OrganizationInput, current: Awaited<ReturnType<typeof stored>>) {
	const db = await getDb();
	const direct = mayEditDirectly(p, p.municipalityId, current?.instanceId ?? input.instanceId, input.instanceId);
	return {
		id: current?.id ?? null,
		input,
		rows: formRows(input),
		statuses: textStatuses({ description: input.description }),
		vocab: vocabularies(locale),
		instances: await instanceChoices(db, p, input.instanceId),
		districts: await districtChoices(db, p.municipalityId),
		direct,
		services: (current?.services ?? []).map((s) => ({ id: s.id, name: pickText(s.name, locale)?.text ?? '', status: s.status, visibility: s.visibility })),
		lastVerified: current?.lastVerifiedAt ? { at: formatDateTime(current.lastVerifiedAt, locale), by: current.lastVerifiedBy ?? '' } : null,
		attribution: current?.attribution ?? null
	};
}

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const p = locals.principal!;
	const current = await stored(p, params.id);
	const input = current ? organizationToInput(current) : emptyOrganization(p.role === 'instance_staff' ? (p.instanceIds[0] ?? null) : null);
	return { ...(await view(p, locals.locale, input, current)), saved: url.searchParams.get('saved') };
};

export const actions: Actions = {
	save: async ({ locals, params, request }) => {
		const p = locals.principal!;
		const current = await stored(p, params.id);
		const { input, issues } = organizationInputFromForm(await request.formData(), current ? organizationToInput(current) : null);
		const db = await getDb();
		const direct = mayEditDirectly(p, p.municipalityId, current?.instanceId ?? input.instanceId, input.instanceId);
		let id = current?.id ?? null;
		try {
			if (issues.length) throw new ValidationError(issues);
			if (direct) id = (await saveOrganization(db, p.municipalityId, input, { userId: p.userId }, current ? { id: current.id } : {})).id;
			else await propose(db, p.municipalityId, 'organization', current?.id ?? null, input, p.userId);
		} catch (e) {
			if (e instanceof ValidationError) return fail(400, { errors: formErrors(e.issues), ...(await view(p, locals.locale, input, current)) });
			throw e;
		}
		if (!direct) redirect(303, `/${params.lang}/staff/directory/proposals?proposed=1`);
		redirect(303, `/${params.lang}/staff/directory/actors/${id}?saved=1`);
	},
	verify: async ({ locals, params }) => {
		await stored(locals.principal!, params.id);
		return verifyAction(locals.principal!, 'organization', params.id);
	},
	sendLink: async ({ locals, params, request, url }) => {
		await stored(locals.principal!, params.id);
		return sendLinkAction(locals.principal!, 'organization', params.id, await request.formData(), url.origin, params.lang);
	}
};
