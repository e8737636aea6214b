import { statisticsDownload } from '$lib/server/casework/pages/statistics';
import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import type { RequestHandler } from './$types';

/**
 * A report as CSV (RFC 4180, `,`, BOM) or XLSX: always with small counts suppressed,
 * whoever asks (a download leaves the instance; issue 4 §7).
 */
export const GET: RequestHandler = async (event) => {
	const p = requirePrincipal(event);
	const q = event.url.searchParams;
	try {
		const file = await statisticsDownload(await getDb(), p, { scope: q.get('scope'), period: q.get('period'), format: q.get('format') }, event.params.lang);
		return new Response(file.body, {
			headers: {
				'cache-control': 'private, no-store',
				'x-content-type-options': 'nosniff',
				'content-type': file.contentType,
				'content-disposition': `attachment; filename="${file.filename}"`
			}
		});
	} catch (e) {
		httpError(e);
	}
};
