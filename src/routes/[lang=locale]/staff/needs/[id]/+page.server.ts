import { fail, redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { formErrors, handleForm, httpError } from '$lib/server/http/errors';
import { text } from '$lib/server/http/forms';
import { requirePrincipal } from '$lib/server/http/principal';
import { attachEvidenceFromForm, detachEvidenceFromForm, needsEvidencePart } from '$lib/server/participation/pages/evidence';
import { changeNeedsStatusFromForm, linkFromForm, needsReportPage, respondFromForm, statusValues, unlinkFromForm } from '$lib/server/steering/pages/needs';
import type { Actions, PageServerLoad } from './$types';

/** One needs report (issue 5 §1): its facts, evidence (with Partizipation's, issue 16 §4), links, workflow and history. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		const db = await getDb();
		const page = await needsReportPage(db, p, event.params.id, event.locals.locale, event.url.searchParams);
		// Partizipation's evidence (issue 16 §4) joins the report here: steering imports nothing of it.
		return { ...page, participation: await needsEvidencePart(db, p, event.params.id, event.locals.locale) };
	} catch (e) {
		httpError(e);
	}
};

function back(lang: string, id: string, anchor: string): never {
	redirect(303, `/${lang}/staff/needs/${id}#${anchor}`);
}

export const actions: Actions = {
	respond: async (event) => {
		const p = requirePrincipal(event);
		const body = text(await event.request.formData(), 'body');
		return handleForm(
			async () => {
				await respondFromForm(await getDb(), p, event.params.id, body);
				back(event.params.lang, event.params.id, 'nr-history');
			},
			() => ({ form: 'respond' as const, body })
		);
	},
	status: async (event) => {
		const p = requirePrincipal(event);
		const values = statusValues(await event.request.formData());
		return handleForm(
			async () => {
				const outOfOrder = await changeNeedsStatusFromForm(await getDb(), p, event.params.id, values);
				// A step out of order clashes with the report's current state.
				if (outOfOrder) return fail(409, { form: 'status' as const, errors: formErrors(outOfOrder), values });
				back(event.params.lang, event.params.id, 'nr-history');
			},
			() => ({ form: 'status' as const, values })
		);
	},
	link: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(
			async () => {
				await linkFromForm(await getDb(), p, event.params.id, form);
				back(event.params.lang, event.params.id, 'nr-links');
			},
			() => ({ form: 'link' as const })
		);
	},
	attachParticipation: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(
			async () => {
				await attachEvidenceFromForm(await getDb(), p, event.params.id, form);
				back(event.params.lang, event.params.id, 'ps-evidence');
			},
			() => ({ form: 'participation' as const })
		);
	},
	detachParticipation: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		try {
			await detachEvidenceFromForm(await getDb(), p, event.params.id, form);
		} catch (e) {
			httpError(e);
		}
		back(event.params.lang, event.params.id, 'ps-evidence');
	},
	unlink: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		try {
			await unlinkFromForm(await getDb(), p, event.params.id, form);
		} catch (e) {
			httpError(e);
		}
		back(event.params.lang, event.params.id, 'nr-links');
	}
};
