/**
 * The public profile page of an instance (`/{lang}/m/{municipality}/i/{instance}`): its data,
 * its Part I profile and the social space its address lies in. MODEL.md §2 Part I.
 */
import { NotFoundError } from '../../core/errors';
import type { DbOrTx } from '../../db/client';
import { findInstanceBySlug, locatedSocialSpace } from '../service';
import { publicInstanceView } from './view';

/**
 * What the profile page draws, in the reader's language; `retiredAt` (ISO) when the instance no
 * longer works, which the page says (an old slip may still link to it).
 * @param locale the UI language (for the description's language choice).
 * @throws NotFoundError when the municipality has no instance with this slug.
 */
export async function instanceProfilePage(db: DbOrTx, municipalityId: string, slug: string, locale: string) {
	const inst = await findInstanceBySlug(db, municipalityId, slug);
	if (!inst) throw new NotFoundError('instance');
	const located = await locatedSocialSpace(db, inst);
	return { instance: publicInstanceView(inst, locale), located: located ? { slug: located.slug, name: located.name } : null, retiredAt: inst.retiredAt?.toISOString() ?? null };
}
