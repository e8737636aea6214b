import { error, fail, redirect } from '@sveltejs/kit';
import type { UserPrincipal } from '$lib/server/access';
import { getDb } from '$lib/server/db';
import { propose } from '$lib/server/directory/proposals';
import { getOrganization, getService, saveService, serviceToInput, visibleLevels, type ServiceInput } from '$lib/server/directory/service';
import { formErrors, serviceInputFromForm } from '$lib/server/directory/staff-form';
import {
	COMMON_LANGUAGES,
	derivedDimensions,
	emptyService,
	entryScope,
	formRows,
	instanceChoices,
	mayEditDirectly,
	textStatuses,
	vocabularies
} from '$lib/server/directory/staff-view';
import { configuredProvider, machineTranslateService } from '$lib/server/directory/translate';
import { NotFoundError, ValidationError } from '$lib/server/core/errors';
import { formatDateTime } from '$lib/format';
import { sendLinkAction, verifyAction } from '../../actions.server';
import type { Actions, PageServerLoad } from './$types';

/** The offer as stored (null for "new"), or 404 when the principal may not see it. */
async function stored(p: UserPrincipal, id: string) {
	if (id === 'new') return null;
	const db = await getDb();
	if (!(await entryScope(db, p, 'service', id))) error(404, 'Not found');
	return (await getService(db, id, visibleLevels(p, p.municipalityId)))!;
}

async function view(p: UserPrincipal, locale: string, id: string | null, input: ServiceInput, stored: Awaited<ReturnType<typeof getService>>) {
	const db = await getDb();
	const org = await getOrganization(db, input.organizationId, visibleLevels(p, p.municipalityId));
	if (!org || org.municipalityId !== p.municipalityId) error(404, 'Not found');
	const direct = mayEditDirectly(p, p.municipalityId, stored?.instanceId, stored?.instanceId ?? input.instanceId);
	return {
		id,
		input,
		rows: formRows(input),
		statuses: textStatuses({
			name: input.name, description: input.description, costNote: input.costNote, accessRequirements: input.accessRequirements,
			requiredDocuments: input.requiredDocuments, eligibility: input.eligibility
		}),
		organization: { id: org.id, name: org.name },
		vocab: vocabularies(locale),
		derived: derivedDimensions(input),
		instances: await instanceChoices(db, p, input.instanceId),
		commonLanguages: COMMON_LANGUAGES,
		direct,
		canTranslate: direct && !!id && !!configuredProvider(),
		lastVerified: stored?.lastVerifiedAt ? { at: formatDateTime(stored.lastVerifiedAt, locale), by: stored.lastVerifiedBy ?? '' } : null,
		entryEmail: stored ? stored.email || stored.organization.email : ''
	};
}

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const p = locals.principal!;
	const current = await stored(p, params.id);
	let input: ServiceInput;
	if (current) input = serviceToInput(current);
	else {
		const orgId = url.searchParams.get('organization') ?? '';
		const scope = await entryScope(await getDb(), p, 'organization', orgId);
		if (!scope) error(404, 'Not found');
		input = emptyService(orgId, scope.instanceId);
	}
	return {
		...(await view(p, locals.locale, current?.id ?? null, input, current)),
		saved: url.searchParams.get('saved'),
		translated: url.searchParams.get('translated')
	};
};

export const actions: Actions = {
	save: async ({ locals, params, request }) => {
		const p = locals.principal!;
		const current = await stored(p, params.id);
		const { input, issues } = serviceInputFromForm(await request.formData(), current ? serviceToInput(current) : null);
		if (!current) {
			// A new offer belongs to an actor the principal can see.
			if (!(await entryScope(await getDb(), p, 'organization', input.organizationId))) error(404, 'Not found');
		} else input.organizationId = current.organizationId;
		const db = await getDb();
		const direct = mayEditDirectly(p, p.municipalityId, current?.instanceId ?? input.instanceId, input.instanceId);
		let id = current?.id ?? null;
		try {
			if (issues.length) throw new ValidationError(issues);
			if (direct) id = (await saveService(db, p.municipalityId, input, { userId: p.userId }, current ? { id: current.id } : {})).id;
			else await propose(db, p.municipalityId, 'service', current?.id ?? null, input, p.userId);
		} catch (e) {
			if (e instanceof ValidationError) {
				return fail(400, { errors: formErrors(e.issues), ...(await view(p, locals.locale, current?.id ?? null, input, current)) });
			}
			throw e;
		}
		if (!direct) redirect(303, `/${params.lang}/staff/directory/proposals?proposed=1`);
		redirect(303, `/${params.lang}/staff/directory/offers/${id}?saved=1`);
	},
	verify: async ({ locals, params }) => {
		await stored(locals.principal!, params.id);
		return verifyAction(locals.principal!, 'service', params.id);
	},
	sendLink: async ({ locals, params, request, url }) => {
		await stored(locals.principal!, params.id);
		return sendLinkAction(locals.principal!, 'service', params.id, await request.formData(), url.origin, params.lang);
	},
	translate: async ({ locals, params }) => {
		const p = locals.principal!;
		const current = await stored(p, params.id);
		if (!current || !mayEditDirectly(p, p.municipalityId, current.instanceId, current.instanceId)) error(403, 'Forbidden');
		const provider = configuredProvider();
		if (!provider) error(404, 'Not found');
		try {
			const filled = await machineTranslateService(await getDb(), current.id, provider, { userId: p.userId });
			redirect(303, `/${params.lang}/staff/directory/offers/${current.id}?translated=${Object.values(filled).flat().length}`);
		} catch (e) {
			if (e instanceof NotFoundError) error(404, 'Not found');
			if (e instanceof Error && e.message.startsWith('machine translation failed')) return fail(502, { translateFailed: true });
			throw e;
		}
	}
};
