/**
 * The public side of Vernetzung as the routes answer it (issue 14 §5): the Atom feed of a
 * municipality's public posts.
 */
import { NotFoundError } from '../../core/errors';
import type { DbOrTx } from '../../db/client';
import { findMunicipality } from '../../geography/service';
import { postsFeed } from '../public';

/**
 * The Atom feed (RFC 4287) of a municipality's public posts as a response, for feed readers:
 * no login, public posts only.
 * @param origin the public address the feed's links start with.
 * @throws NotFoundError (unknown municipality).
 */
export async function postsFeedResponse(db: DbOrTx, municipalitySlug: string, origin: string): Promise<Response> {
	const m = await findMunicipality(db, municipalitySlug);
	if (!m) throw new NotFoundError(`municipality ${municipalitySlug}`);
	return new Response(await postsFeed(db, m, origin), {
		headers: { 'content-type': 'application/atom+xml; charset=utf-8', 'cache-control': 'public, max-age=300' }
	});
}
