/**
 * The public Wegweiser pages of one municipality (issue 3 §5): an offer, an actor, a referral
 * slip's offer columns and the list saved on this device, each at the visibilities the reader
 * may see (`visibleLevels`: the public, or more for people signed in to the municipality).
 * An entry that is missing, hidden from the reader or another municipality's is not found.
 */
import type { Principal } from '../../access';
import { NotFoundError } from '../../core/errors';
import type { DbOrTx } from '../../db/client';
import { EASY_GERMAN } from '../model';
import { getOrganization, getService, getServices, visibleLevels, type ServiceDetail } from '../service';
import { actorJsonLd, actorView, jsonLdText, offerJsonLd, offerOpenAt, offerView, textView } from './public-entries';

/** The municipality a public page belongs to, as its layout loads it. */
export interface PublicMunicipality {
	id: string;
	slug: string;
	name: string;
}

/**
 * An offer of the municipality the reader may see.
 * @throws NotFoundError when it is missing, hidden from them or another municipality's.
 */
export async function visibleOffer(db: DbOrTx, reader: Principal | null | undefined, municipalityId: string, id: string): Promise<ServiceDetail> {
	const detail = await getService(db, id, visibleLevels(reader, municipalityId));
	if (!detail || detail.municipalityId !== municipalityId) throw new NotFoundError('offer not found');
	return detail;
}

/**
 * The offer page: the offer in the reader's language — or in Leichte Sprache when a German
 * reader asks for `?text=de-x-ls` — and its schema.org JSON-LD.
 * @param base the municipality's pages, absolute (`https://…/de/m/koeln`).
 * @throws NotFoundError.
 */
export async function offerPage(
	db: DbOrTx,
	reader: Principal | null | undefined,
	municipality: PublicMunicipality,
	id: string,
	options: { locale: string; textParam: string | null; base: string }
) {
	const detail = await visibleOffer(db, reader, municipality.id, id);
	const easy = options.locale === 'de' && options.textParam === EASY_GERMAN;
	const offer = offerView(detail, easy ? EASY_GERMAN : options.locale);
	const urls = { offer: `${options.base}/o/${detail.id}`, actor: `${options.base}/a/${detail.organizationId}` };
	return { id: detail.id, offer, easy, jsonLd: jsonLdText(offerJsonLd(offer, urls, municipality.name)) };
}

/**
 * The actor page with its JSON-LD.
 * @param base the municipality's pages, absolute.
 * @throws NotFoundError when the actor is missing, hidden from the reader or another municipality's.
 */
export async function actorPage(db: DbOrTx, reader: Principal | null | undefined, municipality: PublicMunicipality, id: string, locale: string, base: string) {
	const detail = await getOrganization(db, id, visibleLevels(reader, municipality.id));
	if (!detail || detail.municipalityId !== municipality.id) throw new NotFoundError('actor not found');
	const actor = actorView(detail, locale);
	return { actor, jsonLd: jsonLdText(actorJsonLd(actor, `${base}/a/${detail.id}`, municipality.name)) };
}

/**
 * The saved list: the offers saved on this device (`ids`, newest first) that are this
 * municipality's and visible to the reader, and how many saved ones are not shown here.
 */
export async function savedPage(db: DbOrTx, reader: Principal | null | undefined, municipalityId: string, ids: string[], locale: string, now = new Date()) {
	const details = (await getServices(db, ids, visibleLevels(reader, municipalityId))).filter((d) => d.municipalityId === municipalityId);
	return {
		offers: details.map((d) => ({
			id: d.id,
			name: textView(d.name, locale)!,
			organizationName: d.organization.name,
			address: d.locations[0] ? `${d.locations[0].street}, ${d.locations[0].postalCode} ${d.locations[0].city}` : null,
			openNow: offerOpenAt(d, now),
			temporarilyClosed: d.status === 'temporarily closed'
		})),
		elsewhere: ids.length - details.length
	};
}
