import { exportCase, renderCasePdf } from '$lib/server/casework/export';
import { getDb } from '$lib/server/db';
import { caseHttpError } from '../../case-http';
import type { RequestHandler } from './$types';

/** Everything held about the case as a tagged PDF in the UI language; an audited read. */
export const GET: RequestHandler = async ({ locals, params }) => {
	try {
		const data = await exportCase(await getDb(), locals.principal!, params.id, locals.sessionToken);
		const pdf = await renderCasePdf(data, locals.locale);
		return new Response(new Uint8Array(pdf), {
			headers: {
				'content-type': 'application/pdf',
				'content-disposition': `attachment; filename="case-${data.case.caseNumber}.pdf"`,
				'cache-control': 'private, no-store'
			}
		});
	} catch (e) {
		caseHttpError(e, `/${params.lang}/staff/cases/${params.id}`);
	}
};
