import { exportCase } from '$lib/server/casework/export';
import { renderCasePdf } from '$lib/server/casework/pages/case-pdf';
import { getDb } from '$lib/server/db';
import { requirePrincipal } from '$lib/server/http/principal';
import { caseError } from '../../case-http';
import type { RequestHandler } from './$types';

/** Everything held about the case as a tagged PDF in the person's language and German; an audited read. */
export const GET: RequestHandler = async (event) => {
	const p = requirePrincipal(event);
	try {
		const data = await exportCase(await getDb(), p, event.params.id, event.locals.sessionToken);
		const pdf = await renderCasePdf(data);
		return new Response(new Uint8Array(pdf), {
			headers: {
				'content-type': 'application/pdf',
				'content-disposition': `attachment; filename="case-${data.case.caseNumber}.pdf"`,
				'cache-control': 'private, no-store'
			}
		});
	} catch (e) {
		caseError(e, `/${event.params.lang}/staff/cases/${event.params.id}`);
	}
};
