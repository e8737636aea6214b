import QRCode from 'qrcode';
import { directionOf, locales, type Locale } from '$lib/i18n';
import { resolvePartnerLink } from '$lib/server/casework/referrals';
import { getDb } from '$lib/server/db';
import { visibleOffer } from '$lib/server/directory/pages/public';
import { offerView } from '$lib/server/directory/pages/public-entries';
import { httpError } from '$lib/server/http/errors';
import type { PageServerLoad } from './$types';

const FORMATS = ['a4', 'a6'] as const;

/**
 * Verweiszettel (referral slip): the offer in the newcomer's language (the URL's) and German side
 * by side — or in German and the language chosen by `?to=` when the page is German — with a QR
 * code to the offer page. `?format=a4|a6` sets the printed page size.
 *
 * With `?ref=<token>` of a valid, unexpired referral to this offer (issue 4 §3) a box for the
 * receiving partner is added: reference code, the partner link (always German: `/de/r/<token>`)
 * as text and QR code, and a one-line instruction in German and in the newcomer's language. Any
 * other `ref` is ignored. Such a page is never cached and sends no referrer.
 */
export const load: PageServerLoad = async ({ parent, params, locals, url, setHeaders }) => {
	const { municipality } = await parent();
	const db = await getDb();
	const detail = await visibleOffer(db, locals.principal, municipality.id, params.id).catch(httpError);
	const to = url.searchParams.get('to');
	const chosen = to && (locales as readonly string[]).includes(to) && to !== locals.locale ? (to as Locale) : null;
	const second: Locale | null = chosen ?? (locals.locale === 'de' ? null : 'de');
	const formatParam = url.searchParams.get('format');
	const format = FORMATS.find((f) => f === formatParam) ?? null;
	const now = new Date();
	const offerUrl = `${url.origin}/${params.lang}/m/${municipality.slug}/o/${detail.id}`;
	const qr = (await QRCode.toString(offerUrl, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' })).replace('<svg ', '<svg aria-hidden="true" focusable="false" ');
	const partner = await partnerBox(db, url, detail.id, locals.locale === 'de' ? (chosen ?? 'de') : locals.locale);
	if (partner) setHeaders({ 'cache-control': 'no-store' });
	return {
		partner,
		columns: [locals.locale, ...(second ? [second] : [])].map((l) => ({ locale: l, dir: directionOf(l), offer: offerView(detail, l, now) })),
		second: chosen,
		format,
		offerUrl,
		qr,
		id: detail.id
	};
};

/** The partner box of a slip, or null when `ref` is absent or not a usable referral to `serviceId`. */
async function partnerBox(db: Awaited<ReturnType<typeof getDb>>, url: URL, serviceId: string, newcomer: Locale) {
	const token = url.searchParams.get('ref');
	if (!token) return null;
	const state = await resolvePartnerLink(db, token);
	if (state.status !== 'valid' || state.referral.serviceId !== serviceId) return null;
	const link = `${url.origin}/de/r/${token}`;
	const qr = (await QRCode.toString(link, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' })).replace('<svg ', '<svg aria-hidden="true" focusable="false" ');
	return { token, referenceCode: state.referral.referenceCode, link, qr, newcomer, newcomerDir: directionOf(newcomer) };
}
