/** The audit log of the administrator's municipality, filtered by person, entity and date (issue 12 §5). */
import { auditPage, auditQuery } from '$lib/server/accounts/pages/audit';
import { getDb } from '$lib/server/db';
import { formErrors, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		const { issues, ...page } = await auditPage(await getDb(), p, auditQuery(event.url.searchParams), event.params.lang);
		return { ...page, errors: formErrors(issues) };
	} catch (e) {
		httpError(e);
	}
};
