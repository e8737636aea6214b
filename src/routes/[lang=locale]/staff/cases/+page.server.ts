import { fail, redirect } from '@sveltejs/kit';
import { formatDateTime } from '$lib/format';
import { listCases, openCase } from '$lib/server/casework/cases';
import { CONSENT_DATA_CATEGORIES, CONSENT_PURPOSES, PARTNER_SHAREABLE_CATEGORIES } from '$lib/server/casework/model';
import { getDb } from '$lib/server/db';
import { ValidationError } from '$lib/server/core/errors';
import { text } from '$lib/server/http/forms';
import { listInstances } from '$lib/server/instances/service';
import { caseFieldErrors, caseHttpError } from './case-http';
import type { Actions, PageServerLoad } from './$types';

/** Today in Europe/Berlin, `YYYY-MM-DD`, as the default consent date. */
function today(): string {
	return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

async function instancesOf(principalInstanceIds: string[], municipalityId: string) {
	return (await listInstances(await getDb(), municipalityId)).filter((i) => principalInstanceIds.includes(i.id)).map((i) => ({ id: i.id, name: i.name }));
}

export const load: PageServerLoad = async ({ locals, url }) => {
	const p = locals.principal!;
	const cases = await listCases(await getDb(), p).catch((e) => caseHttpError(e));
	return {
		cases: cases.map((c) => ({ ...c, openedAt: formatDateTime(c.openedAt, locals.locale) })),
		instances: await instancesOf(p.instanceIds, p.municipalityId),
		purposes: CONSENT_PURPOSES.map((x) => x.key),
		categories: CONSENT_DATA_CATEGORIES.map((x) => x.key),
		shareable: [...PARTNER_SHAREABLE_CATEGORIES],
		today: today(),
		erased: url.searchParams.get('erased') === '1'
	};
};

export const actions: Actions = {
	open: async ({ locals, params, request }) => {
		const p = locals.principal!;
		const form = await request.formData();
		const instances = await instancesOf(p.instanceIds, p.municipalityId);
		const values = {
			instanceId: text(form, 'instanceId') || (instances.length === 1 ? instances[0].id : ''),
			language: text(form, 'language'),
			displayName: text(form, 'displayName'),
			purposes: form.getAll('purposes').map(String),
			dataCategories: form.getAll('dataCategories').map(String),
			partnerCategories: form.getAll('partnerCategories').map(String),
			givenOn: text(form, 'givenOn'),
			explainedIn: text(form, 'explainedIn'),
			confirmed: form.get('confirmed') === 'yes'
		};
		let created: { id: string };
		try {
			created = await openCase(await getDb(), p, {
				instanceId: values.instanceId,
				language: values.language,
				displayName: values.displayName,
				consent: {
					purposes: values.purposes,
					dataCategories: values.dataCategories,
					partnerCategories: values.partnerCategories,
					givenOn: values.givenOn,
					explainedIn: values.explainedIn,
					confirmed: values.confirmed
				}
			});
		} catch (e) {
			// The name is sent back only to refill the form of the person who typed it.
			if (e instanceof ValidationError) return fail(400, { errors: caseFieldErrors(e.issues), values });
			caseHttpError(e);
		}
		redirect(303, `/${params.lang}/staff/cases/${created.id}`);
	}
};
