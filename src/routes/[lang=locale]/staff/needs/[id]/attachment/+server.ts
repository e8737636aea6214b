import { getDb } from '$lib/server/db';
import { getNeedsAttachment } from '$lib/server/steering/needs';
import { needsHttpError } from '../../needs-http';
import type { RequestHandler } from './$types';

/** The report's attachment as a download (never shown inline: the file comes from a user). */
export const GET: RequestHandler = async ({ locals, params }) => {
	if (!locals.principal) return new Response('Forbidden', { status: 403 });
	const file = await getNeedsAttachment(await getDb(), locals.principal, params.id).catch((e) => needsHttpError(e));
	const ascii = file.name.replace(/[^\w.\- ]/g, '_');
	return new Response(new Uint8Array(file.data), {
		headers: {
			'content-type': file.type,
			'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
			'x-content-type-options': 'nosniff',
			'cache-control': 'private, no-store'
		}
	});
};
