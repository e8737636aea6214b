import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { changeSurveyFromForm, deleteQuestionFromForm, enteredForm, moveQuestionFromForm, saveQuestionFromForm, surveyStaffPage } from '$lib/server/participation/pages/surveys';
import type { Actions, PageServerLoad } from './$types';

/** A survey for staff: its questions (editable while a draft), its audiences' links and QR codes, open / close. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await surveyStaffPage(await getDb(), p, event.params.id, event.locals.locale, event.url.searchParams.get('edit'));
	} catch (e) {
		httpError(e);
	}
};

const back = (lang: string, id: string) => `/${lang}/staff/participation/surveys/${id}`;

export const actions: Actions = {
	save: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(
			async () => {
				await saveQuestionFromForm(await getDb(), p, event.params.id, form);
				redirect(303, `${back(event.params.lang, event.params.id)}?saved=1`);
			},
			() => ({ values: enteredForm(form) })
		);
	},
	delete: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(async () => {
			await deleteQuestionFromForm(await getDb(), p, event.params.id, form);
			redirect(303, back(event.params.lang, event.params.id));
		});
	},
	move: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(async () => {
			await moveQuestionFromForm(await getDb(), p, event.params.id, form);
			redirect(303, `${back(event.params.lang, event.params.id)}#questions`);
		});
	},
	change: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(async () => {
			await changeSurveyFromForm(await getDb(), p, event.params.id, form);
			redirect(303, back(event.params.lang, event.params.id));
		});
	}
};
