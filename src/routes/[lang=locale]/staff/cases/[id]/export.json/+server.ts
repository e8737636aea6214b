import { exportCase } from '$lib/server/casework/export';
import { getDb } from '$lib/server/db';
import { requirePrincipal } from '$lib/server/http/principal';
import { caseError } from '../../case-http';
import type { RequestHandler } from './$types';

/** Everything held about the case as JSON (Art. 15/20 GDPR); an audited read. */
export const GET: RequestHandler = async (event) => {
	const p = requirePrincipal(event);
	try {
		const data = await exportCase(await getDb(), p, event.params.id, event.locals.sessionToken);
		return new Response(JSON.stringify(data, null, '\t'), {
			headers: {
				'content-type': 'application/json; charset=utf-8',
				'content-disposition': `attachment; filename="case-${data.case.caseNumber}.json"`,
				'cache-control': 'private, no-store'
			}
		});
	} catch (e) {
		caseError(e, `/${event.params.lang}/staff/cases/${event.params.id}`);
	}
};
