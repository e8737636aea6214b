import { fail, redirect } from '@sveltejs/kit';
import { formatDateTime } from '$lib/format';
import { getDb } from '$lib/server/db';
import { ValidationError } from '$lib/server/core/errors';
import { text } from '$lib/server/http/forms';
import {
	NEEDS_STATUSES,
	changeNeedsStatus,
	findOffersToLink,
	getNeedsReport,
	linkNeedsReport,
	listProgrammesToLink,
	respondToNeedsReport,
	unlinkNeedsReport,
	type NeedsLinkTarget
} from '$lib/server/steering/needs';
import { needsFieldErrors, needsHttpError } from '../needs-http';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const p = locals.principal!;
	const db = await getDb();
	const view = await getNeedsReport(db, p, params.id, locals.locale).catch((e) => needsHttpError(e));
	const offerQuery = url.searchParams.get('offer')?.trim() ?? '';
	const [programmes, offers] = view.canSteer
		? await Promise.all([listProgrammesToLink(db, p.municipalityId), findOffersToLink(db, p.municipalityId, offerQuery, locals.locale)])
		: [[], []];
	const linked = new Set(view.links.map((l) => l.id));
	const at = (d: Date | null) => (d ? formatDateTime(d, locals.locale) : null);
	return {
		view: {
			...view,
			report: { ...view.report, createdAt: at(view.report.createdAt), firstResponseAt: at(view.report.firstResponseAt), closedAt: at(view.report.closedAt), updatedAt: null },
			events: view.events.map((e) => ({ ...e, at: at(e.at) }))
		},
		steps: NEEDS_STATUSES.filter((s) => s !== 'declined'),
		programmes: programmes.filter((x) => !linked.has(x.id)),
		offerQuery,
		offers: offers.filter((o) => !linked.has(o.id)),
		created: url.searchParams.get('created') === '1'
	};
};

function back(lang: string, id: string, anchor: string): never {
	redirect(303, `/${lang}/staff/needs/${id}#${anchor}`);
}

function target(form: FormData): NeedsLinkTarget {
	return text(form, 'kind') === 'programme' ? { kind: 'programme', id: text(form, 'targetId') } : { kind: 'service', id: text(form, 'targetId') };
}

export const actions: Actions = {
	respond: async ({ locals, params, request }) => {
		const form = await request.formData();
		const body = text(form, 'body');
		try {
			await respondToNeedsReport(await getDb(), locals.principal!, params.id, body);
		} catch (e) {
			if (e instanceof ValidationError) return fail(400, { form: 'respond', errors: needsFieldErrors(e.issues), body });
			needsHttpError(e);
		}
		back(params.lang, params.id, 'nr-history');
	},
	status: async ({ locals, params, request }) => {
		const form = await request.formData();
		const values = { status: text(form, 'status'), reason: text(form, 'reason'), body: text(form, 'statusBody') };
		try {
			await changeNeedsStatus(await getDb(), locals.principal!, params.id, values.status, { reason: values.reason, body: values.body });
		} catch (e) {
			if (e instanceof ValidationError) {
				const transition = e.issues.some((i) => i.code === 'transition');
				return fail(transition ? 409 : 400, { form: 'status', errors: needsFieldErrors(e.issues), values });
			}
			needsHttpError(e);
		}
		back(params.lang, params.id, 'nr-history');
	},
	link: async ({ locals, params, request }) => {
		const form = await request.formData();
		try {
			await linkNeedsReport(await getDb(), locals.principal!, params.id, target(form));
		} catch (e) {
			if (e instanceof ValidationError) return fail(400, { form: 'link', errors: needsFieldErrors(e.issues) });
			needsHttpError(e);
		}
		back(params.lang, params.id, 'nr-links');
	},
	unlink: async ({ locals, params, request }) => {
		const form = await request.formData();
		await unlinkNeedsReport(await getDb(), locals.principal!, params.id, target(form)).catch((e) => needsHttpError(e));
		back(params.lang, params.id, 'nr-links');
	}
};
