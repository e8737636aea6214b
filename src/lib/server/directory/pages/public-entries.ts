/**
 * Offer and actor pages' data: texts in the reader's language with the note the page must show
 * when it falls back or shows a machine or outdated translation, opening hours and "open now"
 * in Europe/Berlin time, and schema.org JSON-LD (GovernmentService/Service, Organization).
 * Source: issue 3 §3, §5; schema.org.
 */
import { textDirection } from '../../../text-direction';
import { EASY_GERMAN, type TranslationStatus } from '../model';
import { isOpenAt } from '../opening';
import type { TranslatedText } from '../schema';
import type { OrganizationDetail, ServiceDetail } from '../service';
import { pickText } from '../texts';
import { verifierText } from './entry-labels';
import { osmObjectUrl } from './search';

/** A text as shown: its language and direction, and why it may not be what the reader asked for. */
export interface TextView {
	text: string;
	lang: string;
	dir: 'ltr' | 'rtl';
	/** Shown in another language than asked for. */
	fallback: boolean;
	/** `machine` or `outdated` call for a note; `original` and `human` do not. */
	status: TranslationStatus;
}

/** The best version of a text for `lang` (see `pickText`), or null when it is empty. */
export function textView(t: TranslatedText, lang: string): TextView | null {
	const shown = pickText(t, lang);
	return shown && { text: shown.text, lang: shown.lang, dir: textDirection(shown.lang), fallback: shown.fallback, status: shown.status };
}

/** A place of an offer or actor. */
export interface PlaceView {
	id: string;
	name: string;
	street: string;
	postalCode: string;
	city: string;
	latitude: number | null;
	longitude: number | null;
	socialSpace: { name: string; slug: string } | null;
	accessibility: string[];
	accessibilityNote: TextView | null;
	directions: TextView | null;
}

/** One weekly opening slot. `place` names the place when the offer has several. */
export interface HoursView {
	weekday: number;
	opensAt: string;
	closesAt: string;
	appointmentOnly: boolean;
	validFrom: string | null;
	validTo: string | null;
	note: TextView | null;
	place: string | null;
}

/** Everything an offer page or slip shows, in one language. */
export interface OfferView {
	id: string;
	isDemo: boolean;
	name: TextView;
	description: TextView | null;
	status: string;
	organization: { id: string; name: string; actorType: string; attribution: string | null };
	themeFields: string[];
	subtopics: string[];
	targetGroups: string[];
	minimumAge: number | null;
	maximumAge: number | null;
	languages: string[];
	cost: { kind: string; amountCents: number | null; note: TextView | null };
	lowThreshold: boolean;
	accessRequirements: TextView | null;
	/** What to bring, one document per line. */
	requiredDocuments: { view: TextView; lines: string[] } | null;
	eligibility: TextView | null;
	contact: { name: string; phone: string; email: string; url: string };
	places: PlaceView[];
	hours: HoursView[];
	/** Every slot needs an appointment. */
	appointmentOnly: boolean;
	openNow: boolean;
	temporarilyClosed: boolean;
	lastVerifiedAt: Date | null;
	lastVerifiedBy: string | null;
	/** Some text of the offer exists in Leichte Sprache. */
	hasEasyGerman: boolean;
	/** Some text is shown in another language than asked for, or machine-made or outdated. */
	notes: { fallbackLanguages: string[]; machine: boolean; outdated: boolean };
}

function placeView(l: ServiceDetail['locations'][number], lang: string): PlaceView {
	return {
		id: l.id,
		name: l.name,
		street: l.street,
		postalCode: l.postalCode,
		city: l.city,
		latitude: l.latitude,
		longitude: l.longitude,
		socialSpace: l.socialSpace && { name: l.socialSpace.name, slug: l.socialSpace.slug },
		accessibility: l.accessibility,
		accessibilityNote: textView(l.accessibilityNote, lang),
		directions: textView(l.directions, lang)
	};
}

function notesOf(views: (TextView | null)[]): OfferView['notes'] {
	const shown = views.filter((v): v is TextView => !!v);
	return {
		fallbackLanguages: [...new Set(shown.filter((v) => v.fallback).map((v) => v.lang))],
		machine: shown.some((v) => v.status === 'machine'),
		outdated: shown.some((v) => v.status === 'outdated')
	};
}

/** Whether an offer is open at `now` (Europe/Berlin), i.e. active and inside a weekly slot. */
export function offerOpenAt(d: Pick<ServiceDetail, 'status' | 'schedules'>, now: Date): boolean {
	return (
		d.status === 'active' &&
		isOpenAt(
			d.schedules.map((s) => ({
				weekday: s.weekday,
				opensMinute: minutes(s.opensAt),
				closesMinute: minutes(s.closesAt),
				validFrom: s.validFrom,
				validTo: s.validTo
			})),
			now
		)
	);
}

function minutes(hhmm: string): number {
	const [h, m] = hhmm.split(':').map(Number);
	return h * 60 + m;
}

/** The offer in `lang` (texts via `pickText`), with "open now" at `now`. */
export function offerView(d: ServiceDetail, lang: string, now = new Date()): OfferView {
	const t = (x: TranslatedText) => textView(x, lang);
	const documents = t(d.requiredDocuments);
	const view: Omit<OfferView, 'notes'> = {
		id: d.id,
		isDemo: d.isDemo,
		name: t(d.name)!,
		description: t(d.description),
		status: d.status,
		organization: { id: d.organization.id, name: d.organization.name, actorType: d.organization.actorType, attribution: d.organization.attribution },
		themeFields: d.themeFields,
		subtopics: d.subtopics,
		targetGroups: d.targetGroups,
		minimumAge: d.minimumAge,
		maximumAge: d.maximumAge,
		languages: d.languages,
		cost: { kind: d.costKind, amountCents: d.costAmountCents, note: t(d.costNote) },
		lowThreshold: d.lowThreshold,
		accessRequirements: t(d.accessRequirements),
		requiredDocuments: documents && {
			view: documents,
			lines: documents.text
				.split('\n')
				.map((l) => l.trim())
				.filter(Boolean)
		},
		eligibility: t(d.eligibility),
		contact: { name: d.contactName, phone: d.phone, email: d.email, url: d.url },
		places: d.locations.map((l) => placeView(l, lang)),
		hours: d.schedules.map((s) => ({
			weekday: s.weekday,
			opensAt: s.opensAt,
			closesAt: s.closesAt,
			appointmentOnly: s.appointmentOnly,
			validFrom: s.validFrom,
			validTo: s.validTo,
			note: t(s.note),
			place: s.locationId && d.locations.length > 1 ? (d.locations.find((l) => l.id === s.locationId)?.name ?? null) : null
		})),
		appointmentOnly: d.schedules.length > 0 && d.schedules.every((s) => s.appointmentOnly),
		openNow: offerOpenAt(d, now),
		temporarilyClosed: d.status === 'temporarily closed',
		lastVerifiedAt: d.lastVerifiedAt,
		lastVerifiedBy: d.lastVerifiedBy === null ? null : verifierText(d.lastVerifiedBy),
		hasEasyGerman: [d.name, d.description, d.accessRequirements, d.requiredDocuments, d.eligibility].some((x) => !!x[EASY_GERMAN]?.text)
	};
	return {
		...view,
		notes: notesOf([view.name, view.description, view.cost.note, view.accessRequirements, documents, view.eligibility])
	};
}

/** Everything an actor page shows, in one language. */
export interface ActorView {
	id: string;
	isDemo: boolean;
	name: string;
	alternateNames: string[];
	description: TextView | null;
	actorType: string;
	amenity: string | null;
	contact: { phone: string; email: string; website: string };
	places: PlaceView[];
	socialSpaces: { name: string; slug: string }[];
	offers: { id: string; name: TextView; status: string }[];
	attribution: string | null;
	osmUrl: string | null;
	lastVerifiedAt: Date | null;
	lastVerifiedBy: string | null;
}

/** The actor in `lang`. */
export function actorView(d: OrganizationDetail, lang: string): ActorView {
	return {
		id: d.id,
		isDemo: d.isDemo,
		name: d.name,
		alternateNames: d.alternateNames,
		description: textView(d.description, lang),
		actorType: d.actorType,
		amenity: d.amenity,
		contact: { phone: d.phone, email: d.email, website: d.website },
		places: d.locations.map((l) => placeView(l, lang)),
		socialSpaces: d.socialSpaces.map((s) => ({ name: s.name, slug: s.slug })),
		offers: d.services
			.filter((s) => s.status === 'active' || s.status === 'temporarily closed')
			.map((s) => ({ id: s.id, name: textView(s.name, lang)!, status: s.status })),
		attribution: d.attribution,
		osmUrl: d.attribution ? osmObjectUrl(d.sourceId) : null,
		lastVerifiedAt: d.lastVerifiedAt,
		lastVerifiedBy: d.lastVerifiedBy === null ? null : verifierText(d.lastVerifiedBy)
	};
}

/** JSON for a `<script type="application/ld+json">` block: `<` escaped so no text can end the element. */
export function jsonLdText(data: unknown): string {
	return JSON.stringify(data).replace(/</g, '\\u003c');
}

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const GOVERNMENT = new Set(['public_authority', 'jobcenter']);

function postalAddress(p: PlaceView) {
	return { '@type': 'PostalAddress', streetAddress: p.street || undefined, postalCode: p.postalCode || undefined, addressLocality: p.city || undefined, addressCountry: 'DE' };
}

function place(p: PlaceView) {
	return {
		'@type': 'Place',
		name: p.name || undefined,
		address: postalAddress(p),
		geo: p.latitude !== null && p.longitude !== null ? { '@type': 'GeoCoordinates', latitude: p.latitude, longitude: p.longitude } : undefined
	};
}

function areaServed(places: PlaceView[], spaces: { name: string }[], municipalityName: string) {
	const names = [...new Set([...spaces.map((s) => s.name), ...places.flatMap((p) => (p.socialSpace ? [p.socialSpace.name] : []))])];
	return names.length
		? names.map((name) => ({ '@type': 'Place', name, containedInPlace: { '@type': 'City', name: municipalityName } }))
		: { '@type': 'City', name: municipalityName };
}

/**
 * The offer's service channels (schema.org `ServiceChannel`): one per place, or one without a
 * place when the offer is reached by phone or web only. The languages spoken at the offer
 * (`availableLanguage`, BCP 47 tags) are a property of the channel: schema.org defines
 * `availableLanguage` for ServiceChannel and ContactPoint, not for Service.
 */
function serviceChannels(v: OfferView): Record<string, unknown>[] {
	const common = {
		'@type': 'ServiceChannel',
		availableLanguage: v.languages.length ? v.languages.map((tag) => ({ '@type': 'Language', alternateName: tag })) : undefined,
		servicePhone: v.contact.phone ? { '@type': 'ContactPoint', telephone: v.contact.phone } : undefined,
		serviceUrl: v.contact.url || undefined
	};
	if (v.places.length) return v.places.map((p) => ({ ...common, serviceLocation: place(p) }));
	return v.languages.length || v.contact.phone || v.contact.url ? [common] : [];
}

/**
 * schema.org JSON-LD of an offer: `GovernmentService` when an authority or Jobcenter provides it,
 * else `Service`, with provider, areaServed, hoursAvailable (OpeningHoursSpecification) and its
 * service channels (places, phone, web address, languages spoken; see `serviceChannels`).
 * Checked against schema.org's vocabulary in `tests/integration/json-ld.test.ts`.
 * @param urls absolute URLs of the offer page and the actor page.
 */
export function offerJsonLd(v: OfferView, urls: { offer: string; actor: string }, municipalityName: string): Record<string, unknown> {
	return {
		'@context': 'https://schema.org',
		'@type': GOVERNMENT.has(v.organization.actorType) ? 'GovernmentService' : 'Service',
		'@id': urls.offer,
		url: urls.offer,
		name: v.name.text,
		description: v.description?.text,
		provider: {
			'@type': GOVERNMENT.has(v.organization.actorType) ? 'GovernmentOrganization' : 'Organization',
			'@id': urls.actor,
			name: v.organization.name,
			url: urls.actor
		},
		areaServed: areaServed(v.places, [], municipalityName),
		hoursAvailable: v.hours.map((h) => ({
			'@type': 'OpeningHoursSpecification',
			dayOfWeek: `https://schema.org/${DAYS[h.weekday - 1]}`,
			opens: h.opensAt,
			closes: h.closesAt,
			validFrom: h.validFrom ?? undefined,
			validThrough: h.validTo ?? undefined
		})),
		availableChannel: serviceChannels(v),
		offers: {
			'@type': 'Offer',
			price: v.cost.kind === 'free' ? 0 : v.cost.amountCents !== null ? v.cost.amountCents / 100 : undefined,
			priceCurrency: 'EUR'
		},
		termsOfService: v.eligibility?.text
	};
}

/** schema.org JSON-LD of an actor (Organization, GovernmentOrganization for authorities). */
export function actorJsonLd(v: ActorView, url: string, municipalityName: string): Record<string, unknown> {
	const sameAs = [v.contact.website, v.osmUrl].filter((x): x is string => !!x);
	return {
		'@context': 'https://schema.org',
		'@type': GOVERNMENT.has(v.actorType) ? 'GovernmentOrganization' : 'Organization',
		'@id': url,
		url,
		name: v.name,
		alternateName: v.alternateNames.length ? v.alternateNames : undefined,
		description: v.description?.text,
		email: v.contact.email || undefined,
		telephone: v.contact.phone || undefined,
		sameAs: sameAs.length ? sameAs : undefined,
		location: v.places.map(place),
		areaServed: areaServed(v.places, v.socialSpaces, municipalityName)
	};
}
