/**
 * The posts page of the staff area (issue 14 §5): the archive of the posts that reach the
 * signed-in person, the form to write one (down, up or sideways, addressed by network, social
 * space, role and language), and the person's digest settings.
 */
import { formatDateTime } from '$lib/format';
import { msg } from '$lib/messages';
import { can, type UserPrincipal } from '../../access';
import type { Db, DbOrTx } from '../../db/client';
import { findMunicipalityById, listSocialSpaces } from '../../geography/service';
import { DIGEST_INTERVALS, DIGEST_LANGUAGES, POST_AUDIENCE_ROLES, POST_DIRECTIONS } from '../model';
import { listNetworks } from '../networks';
import { createPost, mySubscription, postsFor, subscribe, unsubscribe, type PostRow } from '../posts';
import { forForm, formList, formText } from './forms';

/** A post as lists show it. */
export function shapePost(p: PostRow, locale: string) {
	return { id: p.id, title: p.title, body: p.body, language: p.language, isPublic: p.isPublic, when: formatDateTime(p.publishedAt, locale), directionLabel: msg(`nw_direction_${p.direction}`) };
}

/** The archive, the writing form's choices, the digest settings and the address of the public feed. */
export async function postsPage(db: DbOrTx, p: UserPrincipal, locale: string, now: Date = new Date()) {
	const m = p.municipalityId;
	const [posts, subscription, networks, spaces, municipality] = await Promise.all([
		postsFor(db, p, m, locale, now),
		mySubscription(db, p),
		listNetworks(db, p, m, now),
		listSocialSpaces(db, { municipalityId: m }),
		findMunicipalityById(db, m)
	]);
	return {
		posts: posts.map((x) => shapePost(x, locale)),
		subscription,
		canPost: can(p, 'networks:post', { municipalityId: m }),
		directions: POST_DIRECTIONS.map((d) => ({ key: d, label: msg(`nw_direction_${d}`) })),
		roles: POST_AUDIENCE_ROLES.map((r) => ({ key: r, label: msg(`nw_audience_${r}`) })),
		languages: DIGEST_LANGUAGES.map((l) => ({ key: l, label: msg(`nw_language_${l}`) })),
		intervals: DIGEST_INTERVALS.map((d) => ({ days: d, label: msg('nw_interval_days', { count: d }) })),
		networks: networks.map((n) => ({ id: n.id, name: n.name })),
		spaces: spaces.map((s) => ({ id: s.id, name: s.name })),
		feedUrl: municipality ? `/api/networks/${municipality.slug}/posts.atom` : null
	};
}

/** Writes a post from the form. */
export function postFromForm(db: Db, p: UserPrincipal, form: FormData) {
	return forForm(() =>
		createPost(db, p, {
			municipalityId: p.municipalityId,
			direction: formText(form, 'direction'),
			title: formText(form, 'title'),
			body: formText(form, 'body'),
			language: formText(form, 'language'),
			isPublic: formText(form, 'isPublic') === 'yes',
			networkIds: formList(form, 'networkIds'),
			socialSpaceIds: formList(form, 'socialSpaceIds'),
			roles: formList(form, 'roles'),
			languages: formList(form, 'languages'),
			fromInstanceId: p.instanceIds.length === 1 ? p.instanceIds[0] : null
		}),
		'nw-post'
	);
}

/** Subscribes (or changes) the digest from the form, or ends it (`interval` = `off`). */
export function subscriptionFromForm(db: Db, p: UserPrincipal, form: FormData) {
	const interval = formText(form, 'intervalDays');
	if (interval === 'off') return unsubscribe(db, p);
	return forForm(() => subscribe(db, p, { intervalDays: /^\d{1,3}$/.test(interval) ? Number(interval) : -1, language: formText(form, 'language') }), 'nw-sub');
}
