import { consentFormPage } from '$lib/server/casework/pages/consent-form';
import { getDb } from '$lib/server/db';
import { requirePrincipal } from '$lib/server/http/principal';
import { caseError } from '../../case-http';
import type { PageServerLoad } from './$types';

/**
 * The printable Einwilligungserklärung (issue 4 §2) in the person's language beside the German
 * text. It shows case data, so it is an audited read.
 */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await consentFormPage(await getDb(), p, event.params.id, event.locals.sessionToken);
	} catch (e) {
		caseError(e, `/${event.params.lang}/staff/cases/${event.params.id}`);
	}
};
