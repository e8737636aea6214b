/**
 * The directory's vocabularies as HSDS taxonomies and taxonomy terms, and the attributes that
 * link an actor, offer, place or opening slot to a term. This is how the data HSDS has no field
 * for travels in the exchange: actor type, OSM amenity, theme fields with sub-topics,
 * integration dimensions, target groups, accessibility features, cost, low threshold, by
 * appointment, source attribution and translation status per language. Every taxonomy and term
 * has a fixed name-based UUID, so consumers can rely on them across exports. Term names are in the
 * requested language (UI messages), descriptions give the model's German term.
 * Source: issue 3 §7; HSDS 3.0 `taxonomy.json`, `taxonomy_term.json`, `attribute.json`.
 */
import { m } from '../../../paraglide/messages.js';
import { isLocale, type Locale } from '../../../paraglide/runtime.js';
import { PROFILE_DIMENSIONS } from '../../instances/model';
import {
	ACCESSIBILITY_FEATURES,
	ACTOR_TYPES,
	COST_KINDS,
	OSM_AMENITY_TYPES,
	SUBTOPICS,
	TARGET_GROUPS,
	THEME_FIELDS,
	TRANSLATION_STATUSES
} from '../model';
import { derivedId } from './ids';

/** Keys of the directory's HSDS taxonomies. */
export type TaxonomyKey =
	| 'actor_type'
	| 'osm_amenity'
	| 'theme_field'
	| 'integration_dimension'
	| 'target_group'
	| 'accessibility'
	| 'cost'
	| 'property'
	| 'translation_status';

type Wording = { de: string; en: string };

interface TaxonomyDef {
	key: TaxonomyKey;
	name: Wording;
	description: Wording;
}

/** The taxonomies in the order `/taxonomies` lists them. */
export const HSDS_TAXONOMIES: readonly TaxonomyDef[] = [
	{
		key: 'actor_type',
		name: { de: 'Art der Akteur*in', en: 'Type of actor' },
		description: { de: 'Arten lokaler Akteur*innen im sozialräumlichen Integrationssteuerungsmodell', en: 'Types of local actors in the socio-spatial integration steering model' }
	},
	{
		key: 'osm_amenity',
		name: { de: 'OpenStreetMap-Einrichtungsart', en: 'OpenStreetMap amenity' },
		description: { de: 'Wert des OpenStreetMap-Merkmals amenity bei aus OpenStreetMap übernommenen Akteur*innen', en: 'Value of the OpenStreetMap amenity tag of actors taken from OpenStreetMap' }
	},
	{
		key: 'theme_field',
		name: { de: 'Themenfeld', en: 'Theme field' },
		description: { de: 'Die vier Themenfelder des Modells mit ihren Unterthemen (hierarchisch)', en: "The model's four theme fields with their sub-topics (hierarchical)" }
	},
	{
		key: 'integration_dimension',
		name: { de: 'Dimension der Integration', en: 'Integration dimension' },
		description: { de: 'Dimensionen der (sozialen) Integration, die ein Angebot bedient', en: 'Dimensions of (social) integration an offer serves' }
	},
	{
		key: 'target_group',
		name: { de: 'Zielgruppe', en: 'Target group' },
		description: { de: 'Zielgruppen der Angebote', en: 'Target groups of offers' }
	},
	{
		key: 'accessibility',
		name: { de: 'Barrierefreiheit', en: 'Accessibility' },
		description: { de: 'Merkmale der Barrierefreiheit eines Ortes', en: 'Accessibility features of a place' }
	},
	{
		key: 'cost',
		name: { de: 'Kosten', en: 'Cost' },
		description: { de: 'Was ein Angebot kostet: kostenlos, ermäßigt (für manche kostenlos oder günstiger) oder kostenpflichtig', en: 'What an offer costs: free, reduced (free or cheaper for some) or paid' }
	},
	{
		key: 'property',
		name: { de: 'Merkmal', en: 'Property' },
		description: { de: 'Weitere Merkmale von Angeboten, Öffnungszeiten und Einträgen', en: 'Further properties of offers, opening hours and entries' }
	},
	{
		key: 'translation_status',
		name: { de: 'Übersetzungsstand', en: 'Translation status' },
		description: { de: 'Wie die Texte eines Angebots in einer Sprache entstanden sind; der Attributwert ist das Sprachkürzel (BCP 47)', en: "How an offer's texts in one language came about; the attribute value is the language tag (BCP 47)" }
	}
];

/** A term of one of the directory's taxonomies. */
export interface TermDef {
	taxonomy: TaxonomyKey;
	key: string;
	/** Key of the parent term in the same taxonomy (sub-topics under their theme field). */
	parent?: string;
	/** UI message that names the term, when there is one. */
	message?: string;
	/** The model's German term and an English name (the English one only used without a message). */
	wording: Wording;
}

const PROPERTY_TERMS: TermDef[] = [
	{ taxonomy: 'property', key: 'low_threshold', wording: { de: 'niedrigschwellig (ohne Termin, Unterlagen oder Anmeldung)', en: 'low-threshold (no appointment, documents or registration needed)' } },
	{ taxonomy: 'property', key: 'appointment_only', wording: { de: 'nur mit Termin', en: 'by appointment only' } },
	{ taxonomy: 'property', key: 'attribution', wording: { de: 'Quellenangabe (Lizenz der Daten)', en: 'Attribution (licence of the data)' } }
];

const DIMENSIONS = PROFILE_DIMENSIONS.find((d) => d.key === 'integration_dimensions')!.options;

type MessageFn = (inputs: object, options: { locale: Locale }) => string;

function message(key: string): MessageFn | undefined {
	return (m as unknown as Record<string, MessageFn | undefined>)[key];
}

function vocabulary(taxonomy: TaxonomyKey, prefix: string, terms: readonly { key: string; wording: string }[], parent?: string): TermDef[] {
	return terms.map((t) => ({
		taxonomy,
		key: t.key,
		...(parent ? { parent } : {}),
		message: `${prefix}${t.key}`,
		wording: { de: t.wording, en: t.wording }
	}));
}

/** Every term of every taxonomy, parents before their children. */
export const HSDS_TERMS: readonly TermDef[] = [
	...vocabulary('actor_type', 'actor_type_', ACTOR_TYPES),
	...vocabulary('osm_amenity', 'osm_amenity_', Object.keys(OSM_AMENITY_TYPES).map((key) => ({ key, wording: key }))),
	...vocabulary('theme_field', 'opt_theme_fields_', THEME_FIELDS),
	...Object.entries(SUBTOPICS).flatMap(([field, terms]) => vocabulary('theme_field', 'subtopic_', terms, field)),
	...vocabulary('integration_dimension', 'opt_integration_dimensions_', DIMENSIONS),
	...vocabulary('target_group', 'opt_target_groups_', TARGET_GROUPS),
	...vocabulary('accessibility', 'access_', ACCESSIBILITY_FEATURES),
	...vocabulary('cost', 'cost_', COST_KINDS.map((key) => ({ key, wording: { free: 'kostenlos', reduced: 'ermäßigt', paid: 'kostenpflichtig' }[key] }))),
	...PROPERTY_TERMS,
	...vocabulary('translation_status', 'translation_', TRANSLATION_STATUSES.map((key) => ({ key, wording: { original: 'Original', human: 'menschliche Übersetzung', machine: 'maschinelle Übersetzung', outdated: 'veraltete Übersetzung' }[key] })))
];

/** The id of a taxonomy. */
export function taxonomyId(key: TaxonomyKey): string {
	return derivedId('taxonomy', key);
}

/** The id of a term. */
export function termId(taxonomy: TaxonomyKey, key: string): string {
	return derivedId('taxonomy_term', taxonomy, key);
}

const TERM_BY_ID = new Map(HSDS_TERMS.map((t) => [termId(t.taxonomy, t.key), t]));
const TAXONOMY_BY_ID = new Map(HSDS_TAXONOMIES.map((t) => [taxonomyId(t.key), t]));

/** The term with this id, if it is one of ours. */
export function findTerm(id: string): TermDef | undefined {
	return TERM_BY_ID.get(id.toLowerCase());
}

/** The taxonomy with this id, if it is one of ours. */
export function findTaxonomy(id: string): TaxonomyDef | undefined {
	return TAXONOMY_BY_ID.get(id.toLowerCase());
}

/** The UI locale names are given in for a content language (`de-x-ls` → `de`, `en-GB` → `en`). */
export function uiLocaleFor(lang: string): Locale {
	const primary = lang.split('-')[0];
	return isLocale(primary) ? primary : 'de';
}

/** The name of one of our terms in `lang`. @throws Error for a term that is not ours. */
export function termLabel(taxonomy: TaxonomyKey, key: string, lang: string): string {
	const term = HSDS_TERMS.find((t) => t.taxonomy === taxonomy && t.key === key);
	if (!term) throw new Error(`no HSDS term ${taxonomy}/${key}`);
	return termName(term, lang);
}

function termName(t: TermDef, lang: string): string {
	const locale = uiLocaleFor(lang);
	const fn = t.message ? message(t.message) : undefined;
	if (fn) return fn({}, { locale });
	return locale === 'de' ? t.wording.de : t.wording.en;
}

/** An HSDS taxonomy object (`taxonomy.json`). */
export function toHsdsTaxonomy(t: TaxonomyDef, lang: string): Record<string, unknown> {
	const de = uiLocaleFor(lang) === 'de';
	return { id: taxonomyId(t.key), name: de ? t.name.de : t.name.en, description: de ? t.description.de : t.description.en, version: '1' };
}

/**
 * An HSDS taxonomy term object (`taxonomy_term.json`): name in the requested language (German
 * when the language has no UI messages), description the model's German term.
 * @param withDetail also nest the taxonomy object (`taxonomy_detail`).
 */
export function toHsdsTerm(t: TermDef, lang: string, withDetail = false): Record<string, unknown> {
	const taxonomy = HSDS_TAXONOMIES.find((x) => x.key === t.taxonomy)!;
	const locale = uiLocaleFor(lang);
	return {
		id: termId(t.taxonomy, t.key),
		code: t.key,
		name: termName(t, lang),
		description: t.wording.de,
		...(t.parent ? { parent_id: termId(t.taxonomy, t.parent) } : {}),
		taxonomy: locale === 'de' ? taxonomy.name.de : taxonomy.name.en,
		...(withDetail ? { taxonomy_detail: toHsdsTaxonomy(taxonomy, lang) } : {}),
		language: locale,
		taxonomy_id: taxonomyId(t.taxonomy)
	};
}

/** What an attribute links: the HSDS table name of the entity. */
export type LinkEntity = 'service' | 'organization' | 'location' | 'schedule' | 'accessibility';

/**
 * An HSDS attribute linking an entity to one of our terms, with the term nested.
 * @param value e.g. the language tag of a translation status or an attribution text.
 * @throws Error when the term is not one of ours (a programming error).
 */
export function hsdsAttribute(linkEntity: LinkEntity, linkId: string, taxonomy: TaxonomyKey, key: string, lang: string, value?: string): Record<string, unknown> {
	const term = HSDS_TERMS.find((t) => t.taxonomy === taxonomy && t.key === key);
	if (!term) throw new Error(`no HSDS term ${taxonomy}/${key}`);
	return {
		id: derivedId('attribute', linkId, taxonomy, key, value ?? ''),
		link_id: linkId,
		taxonomy_term_id: termId(taxonomy, key),
		link_type: taxonomy,
		link_entity: linkEntity,
		...(value !== undefined ? { value } : {}),
		taxonomy_term: toHsdsTerm(term, lang)
	};
}

/** One of our terms found in an imported attribute, with the attribute's value. */
export interface KnownAttribute {
	taxonomy: TaxonomyKey;
	key: string;
	value: string | undefined;
}

/**
 * Splits imported HSDS attributes into ours (recognised by taxonomy term id, the attribute's
 * own or its nested term's) and foreign ones, kept as they are.
 */
export function readAttributes(attributes: unknown): { known: KnownAttribute[]; foreign: Record<string, unknown>[] } {
	const known: KnownAttribute[] = [];
	const foreign: Record<string, unknown>[] = [];
	for (const a of Array.isArray(attributes) ? (attributes as Record<string, unknown>[]) : []) {
		const id = (a.taxonomy_term_id ?? (a.taxonomy_term as Record<string, unknown> | undefined)?.id) as string | undefined;
		const term = typeof id === 'string' ? findTerm(id) : undefined;
		if (term) known.push({ taxonomy: term.taxonomy, key: term.key, value: typeof a.value === 'string' ? a.value : undefined });
		else foreign.push(a);
	}
	return { known, foreign };
}
