import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { surveyQr } from '$lib/server/participation/pages/surveys';
import type { RequestHandler } from './$types';

/** The QR code of an audience's link, `<audience>.png` or `<audience>.svg`, to print and hand out. */
export const GET: RequestHandler = async (event) => {
	const p = requirePrincipal(event);
	try {
		const qr = await surveyQr(await getDb(), p, event.params.id, event.params.file, event.params.lang);
		return new Response(qr.body as BodyInit, { headers: { 'content-type': qr.type, 'content-disposition': `inline; filename="survey-${event.params.file}"`, 'cache-control': 'private, no-store' } });
	} catch (e) {
		httpError(e);
	}
};
