/**
 * The public side of Vernetzung as the routes answer it (issue 14 §5): the Atom feed of a
 * municipality's public posts, and the digest's unsubscribe link.
 */
import { systemPrincipal } from '../../access';
import { NotFoundError } from '../../core/errors';
import type { Db, DbOrTx } from '../../db/client';
import { findMunicipality } from '../../geography/service';
import { unsubscribeByToken } from '../posts';
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

/**
 * Ends the digest subscription of an unsubscribe link (the digest mail's link is the proof; the
 * audit log names the link as the actor).
 * @returns whether a subscription ended (false: unknown token, or already ended).
 */
export function unsubscribeFromLink(db: Db, token: string): Promise<boolean> {
	return unsubscribeByToken(db, token, systemPrincipal('unsubscribe-link'));
}
