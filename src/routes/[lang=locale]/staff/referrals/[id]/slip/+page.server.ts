import { error, redirect } from '@sveltejs/kit';
import QRCode from 'qrcode';
import { directionOf } from '$lib/i18n';
import { msg } from '$lib/messages';
import { can } from '$lib/server/access';
import { getDb } from '$lib/server/db';
import { getOrganization, visibleLevels } from '$lib/server/directory/service';
import { resolvePartnerLink, topicMessageKey } from '$lib/server/casework/referrals';
import type { PageServerLoad } from './$types';

/**
 * Verweiszettel for a referral to an actor (no single offer), printed by the referring staff
 * right after issuing it: the actor's name and contact, the topic, and the partner box. Needs
 * the token (`?ref=`), which exists only at issue; referrals to an offer go to the offer's slip.
 */
export const load: PageServerLoad = async ({ params, url, locals, setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store' });
	const db = await getDb();
	const token = url.searchParams.get('ref') ?? '';
	const state = await resolvePartnerLink(db, token);
	if (state.status !== 'valid' || state.referral.id !== params.id) error(404, 'Not Found');
	const r = state.referral;
	if (!can(locals.principal, 'contacts:record', { municipalityId: r.municipalityId, instanceId: r.instanceId })) error(403, 'Forbidden');
	if (r.serviceId) redirect(303, `/${params.lang}/m/${locals.principal!.municipalitySlug}/o/${r.serviceId}/slip?ref=${encodeURIComponent(token)}`);
	const org = r.organizationId ? await getOrganization(db, r.organizationId, visibleLevels(locals.principal, r.municipalityId)) : null;
	const link = `${url.origin}/de/r/${token}`;
	const qr = (await QRCode.toString(link, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' })).replace('<svg ', '<svg aria-hidden="true" focusable="false" ');
	return {
		target: org?.name ?? r.targetLabel,
		topic: msg(topicMessageKey(r.topic)),
		contact: org ? { phone: org.phone, email: org.email, website: org.website } : null,
		places: (org?.locations ?? []).map((l) => ({ id: l.id, name: l.name, street: l.street, postalCode: l.postalCode, city: l.city })),
		partner: { token, referenceCode: r.referenceCode, link, qr, newcomer: locals.locale, newcomerDir: directionOf(locals.locale) }
	};
};
