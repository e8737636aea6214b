import { error, fail, redirect } from '@sveltejs/kit';
import { can } from '$lib/server/access';
import { berlinDate } from '$lib/server/casework/time';
import { getDb } from '$lib/server/db';
import { SUBTOPICS, TARGET_GROUPS, THEME_FIELDS } from '$lib/server/directory/model';
import { ValidationError } from '$lib/server/core/errors';
import { text } from '$lib/server/http/forms';
import { listDistricts, listSocialSpaces } from '$lib/server/geography/service';
import { listInstances } from '$lib/server/instances/service';
import type { UserPrincipal } from '$lib/server/access';
import { NEEDS_URGENCIES, createNeedsReport, needsTopicKeys } from '$lib/server/steering/needs';
import { needsFieldErrors, needsHttpError } from '../needs-http';
import type { Actions, PageServerLoad } from './$types';

/** Instances the principal may report for; administrators may also report for the municipality (''). */
async function reportingChoices(p: UserPrincipal) {
	const all = await listInstances(await getDb(), p.municipalityId);
	const instances = all.filter((i) => can(p, 'needs:report', { municipalityId: p.municipalityId, instanceId: i.id })).map((i) => ({ id: i.id, name: i.name }));
	return { instances, asMunicipality: can(p, 'needs:steer', { municipalityId: p.municipalityId }) };
}

function monthsBack(n: number): string {
	const [y, mo] = berlinDate(new Date()).split('-').map(Number);
	const i = y * 12 + mo - 1 - n;
	return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

export const load: PageServerLoad = async ({ locals }) => {
	const p = locals.principal!;
	const choices = await reportingChoices(p);
	if (!choices.instances.length && !choices.asMunicipality) error(403, 'Forbidden');
	const db = await getDb();
	const [districts, spaces] = await Promise.all([listDistricts(db, p.municipalityId), listSocialSpaces(db, { municipalityId: p.municipalityId })]);
	return {
		...choices,
		districts: districts
			.map((d) => ({ id: d.id, name: d.name, spaces: spaces.filter((s) => s.districtId === d.id).map((s) => ({ id: s.id, name: s.name })) }))
			.filter((d) => d.spaces.length),
		fields: THEME_FIELDS.map((f) => ({ key: f.key, subtopics: SUBTOPICS[f.key as keyof typeof SUBTOPICS].map((s) => s.key) })),
		targetGroups: TARGET_GROUPS.map((t) => t.key),
		urgencies: [...NEEDS_URGENCIES],
		topics: needsTopicKeys(),
		defaultFrom: monthsBack(3),
		defaultTo: monthsBack(0)
	};
};

export const actions: Actions = {
	default: async ({ locals, params, request }) => {
		const p = locals.principal!;
		const form = await request.formData();
		const choices = await reportingChoices(p);
		const values = {
			instanceId: text(form, 'instanceId') || (choices.instances.length === 1 && !choices.asMunicipality ? choices.instances[0].id : ''),
			title: text(form, 'title'),
			description: text(form, 'description'),
			themeField: text(form, 'themeField'),
			subtopics: form.getAll('subtopics').map(String),
			targetGroups: form.getAll('targetGroups').map(String),
			socialSpaceIds: form.getAll('socialSpaceIds').map(String),
			urgency: text(form, 'urgency'),
			evidenceNote: text(form, 'evidenceNote'),
			evidenceTopic: text(form, 'evidenceTopic'),
			evidenceFrom: text(form, 'evidenceFrom'),
			evidenceTo: text(form, 'evidenceTo')
		};
		const file = form.get('attachment');
		const attachment = file instanceof File && file.size > 0 ? { name: file.name, type: file.type, data: Buffer.from(await file.arrayBuffer()) } : null;
		let created: { id: string };
		try {
			created = await createNeedsReport(await getDb(), p, {
				instanceId: values.instanceId || null,
				title: values.title,
				description: values.description,
				themeField: values.themeField,
				subtopics: values.subtopics,
				targetGroups: values.targetGroups,
				socialSpaceIds: values.socialSpaceIds,
				urgency: values.urgency,
				evidenceNote: values.evidenceNote,
				evidence: values.evidenceTopic ? { topic: values.evidenceTopic, fromMonth: values.evidenceFrom, toMonth: values.evidenceTo } : null,
				attachment
			});
		} catch (e) {
			if (e instanceof ValidationError) return fail(400, { errors: needsFieldErrors(e.issues), values });
			needsHttpError(e);
		}
		redirect(303, `/${params.lang}/staff/needs/${created.id}?created=1`);
	}
};
