/**
 * Boundaries and statistics in the browser (issue 12 §5): an upload is previewed with a dry run
 * of the command line's importer and imported on confirmation, or refused with its problems.
 */
import { outcomeView, uploadInput, uploadsPage } from '$lib/server/accounts/pages/uploads';
import { ValidationError } from '$lib/server/core/errors';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { text } from '$lib/server/http/forms';
import { requirePrincipal } from '$lib/server/http/principal';
import { placeUnplacedLocations } from '$lib/server/directory/placement';
import { confirmUpload, discardUpload, previewUpload, type UploadKind } from '$lib/server/geography/uploads';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = (event) => {
	const p = requirePrincipal(event);
	try {
		return uploadsPage(p);
	} catch (e) {
		httpError(e);
	}
};

/**
 * Previews an upload of one kind: the outcome, and the forms redrawn with what was chosen. The
 * two forms share field names, so a form's errors are named `<kind>.<field>` (distinct ids).
 */
async function upload(event: RequestEvent, kind: UploadKind) {
	const p = requirePrincipal(event);
	const input = await uploadInput(kind, await event.request.formData());
	const db = await getDb();
	const entered = { kind, options: input.options };
	return handleForm(
		async () => {
			const outcome = await previewUpload(db, p, p.municipalityId, input).catch((e) => {
				throw e instanceof ValidationError ? new ValidationError(e.issues.map((i) => ({ ...i, field: `${kind}.${i.field}` }))) : e;
			});
			return { outcome: await outcomeView(db, p, outcome, event.params.lang), ...uploadsPage(p, entered) };
		},
		() => uploadsPage(p, entered)
	);
}

export const actions: Actions = {
	boundaries: (event) => upload(event, 'boundaries'),
	statistics: (event) => upload(event, 'statistics'),
	confirm: async (event) => {
		const p = requirePrincipal(event);
		const id = text(await event.request.formData(), 'upload');
		const db = await getDb();
		return handleForm(async () => {
			const outcome = await confirmUpload(db, p, id);
			// Places saved before these boundaries existed get their Stadtteil now, as `place locations` does on the command line.
			const placement = outcome.status === 'imported' ? await placeUnplacedLocations(db, p, p.municipalityId) : null;
			return { outcome: await outcomeView(db, p, outcome, event.params.lang), placement };
		});
	},
	discard: async (event) => {
		const p = requirePrincipal(event);
		const id = text(await event.request.formData(), 'upload');
		const db = await getDb();
		return handleForm(async () => {
			await discardUpload(db, p, id);
			return { discarded: true as const };
		});
	}
};
