import { error } from '@sveltejs/kit';
import QRCode from 'qrcode';
import { directionOf, locales, type Locale } from '$lib/i18n';
import { getDb } from '$lib/server/db';
import { getService, visibleLevels } from '$lib/server/directory/service';
import { offerView } from '$lib/server/wegweiser/entries';
import type { PageServerLoad } from './$types';

const FORMATS = ['a4', 'a6'] as const;

/**
 * Verweiszettel (referral slip): the offer in the newcomer's language (the URL's) and German side
 * by side — or in German and the language chosen by `?to=` when the page is German — with a QR
 * code to the offer page. `?format=a4|a6` sets the printed page size.
 */
export const load: PageServerLoad = async ({ parent, params, locals, url }) => {
	const { municipality } = await parent();
	const detail = await getService(await getDb(), params.id, visibleLevels(locals.principal, municipality.id));
	if (!detail || detail.municipalityId !== municipality.id) error(404, 'Not Found');
	const to = url.searchParams.get('to');
	const chosen = to && (locales as readonly string[]).includes(to) && to !== locals.locale ? (to as Locale) : null;
	const second: Locale | null = chosen ?? (locals.locale === 'de' ? null : 'de');
	const formatParam = url.searchParams.get('format');
	const format = FORMATS.find((f) => f === formatParam) ?? null;
	const now = new Date();
	const offerUrl = `${url.origin}/${params.lang}/m/${municipality.slug}/o/${detail.id}`;
	const qr = (await QRCode.toString(offerUrl, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' })).replace('<svg ', '<svg aria-hidden="true" focusable="false" ');
	return {
		columns: [locals.locale, ...(second ? [second] : [])].map((l) => ({ locale: l, dir: directionOf(l), offer: offerView(detail, l, now) })),
		second: chosen,
		format,
		offerUrl,
		qr,
		id: detail.id
	};
};
