import { error, fail, redirect } from '@sveltejs/kit';
import { can } from '$lib/server/access';
import { getDb } from '$lib/server/db';
import { AccessDeniedError, ValidationError } from '$lib/server/core/errors';
import { text } from '$lib/server/http/forms';
import { listInstances } from '$lib/server/instances/service';
import {
	MIN_YEAR,
	compareAssessments,
	currentCatalogue,
	listAssessments,
	listCatalogues,
	maxYear,
	openAssessment,
	startCatalogueVersion
} from '$lib/server/steering/assessment';
import { formErrors } from '../programmes/steering-form.server';
import type { Actions, PageServerLoad } from './$types';

/**
 * Selbstbewertung (issue 5 §5): administrators see the catalogue versions and the comparison of
 * the instances for a year; instance staff start or continue their instance's assessment.
 */
export const load: PageServerLoad = async ({ locals, url }) => {
	const p = locals.principal!;
	const scope = { municipalityId: p.municipalityId };
	const canManage = can(p, 'programmes:manage', scope);
	const db = await getDb();
	const own = (await listInstances(db, p.municipalityId)).filter((i) => can(p, 'assessment:submit', { ...scope, instanceId: i.id }));
	if (!canManage && !own.length) error(403, 'Forbidden');
	const now = new Date();
	const defaultYear = now.getUTCFullYear() - 1;
	const yearText = url.searchParams.get('year') ?? String(defaultYear);
	const year = /^\d{4}$/.test(yearText) && Number(yearText) >= MIN_YEAR && Number(yearText) <= maxYear(now) ? Number(yearText) : null;
	const catalogues = await listCatalogues(db, p.municipalityId);
	const published = catalogues.filter((c) => c.publishedAt);
	const current = await currentCatalogue(db, p.municipalityId);
	const chosenVersion = url.searchParams.get('catalogue') ?? '';
	const comparison =
		canManage && year !== null ? await compareAssessments(db, p, year, published.some((c) => c.id === chosenVersion) ? chosenVersion : undefined, now) : null;
	const mine = await listAssessments(db, own.map((i) => i.id));
	return {
		canManage,
		yearText,
		yearInvalid: year === null,
		years: { min: MIN_YEAR, max: maxYear(now), default: defaultYear },
		catalogues: catalogues.map((c) => ({ id: c.id, version: c.version, title: c.title, published: !!c.publishedAt, publishedAt: c.publishedAt?.toISOString() ?? null })),
		published: published.map((c) => ({ id: c.id, version: c.version })),
		current: current ? { id: current.id, version: current.version, title: current.title, criteria: current.criteria.length } : null,
		comparison,
		instances: own.map((i) => ({ id: i.id, name: i.name })),
		mine: mine.map((a) => ({
			id: a.id,
			year: a.year,
			version: a.version,
			instance: own.find((i) => i.id === a.instanceId)?.name ?? '',
			submitted: !!a.submittedAt
		}))
	};
};

export const actions: Actions = {
	startVersion: async ({ locals, request, params }) => {
		const title = text(await request.formData(), 'title');
		let id: string;
		try {
			id = (await startCatalogueVersion(await getDb(), locals.principal!, title)).id;
		} catch (e) {
			if (e instanceof AccessDeniedError) error(403, 'Forbidden');
			if (e instanceof ValidationError) return fail(400, { startErrors: formErrors(e.issues), title });
			throw e;
		}
		redirect(303, `/${params.lang}/staff/assessment/catalogue/${id}`);
	},
	open: async ({ locals, request, params }) => {
		const form = await request.formData();
		const instanceId = text(form, 'instance');
		const yearText = text(form, 'year');
		let id: string;
		try {
			id = (await openAssessment(await getDb(), locals.principal!, instanceId, /^\d{1,4}$/.test(yearText) ? Number(yearText) : NaN)).id;
		} catch (e) {
			if (e instanceof AccessDeniedError) error(403, 'Forbidden');
			if (e instanceof ValidationError) return fail(400, { openErrors: formErrors(e.issues), yearText });
			throw e;
		}
		redirect(303, `/${params.lang}/staff/assessment/${id}`);
	}
};
