/**
 * Part I of the sozialräumliches Integrationssteuerungsmodell: the framework and concept of an
 * intermediary instance, as data. Source: seed `002_3edd42d7b55d61a5.txt` (INTESO final
 * conference slides, 13.09.2019), distilled in MODEL.md §2. `wording` is the model's German
 * wording verbatim; the UI translates option keys through messages (`dim_<key>`,
 * `opt_<dimension>_<option>`) and shows the German wording beside the translation.
 * Also the limits and formats of an instance's contact data. Pure, no database.
 */
import { z } from '../core/validation';

/** Part I has two halves: the framework (Rahmenbedingungen) and the concept (Konzept). */
export type ProfilePart = 'framework' | 'concept';

export interface ProfileDimension {
	key: string;
	part: ProfilePart;
	wording: string;
	options: { key: string; wording: string }[];
}

/** The twelve Part I dimensions in the model's order, every option multi-select. */
export const PROFILE_DIMENSIONS = [
	{
		key: 'institutional_affiliation',
		part: 'framework',
		wording: 'Institutionelle Anbindung',
		options: [
			{ key: 'municipal', wording: 'kommunale Trägerschaft' },
			{ key: 'independent', wording: 'freie Trägerschaft' },
			{ key: 'unaffiliated', wording: 'ohne Anbindung an bestehende Institutionen' }
		]
	},
	{
		key: 'site',
		part: 'framework',
		wording: 'Standort',
		options: [
			{ key: 'central', wording: 'zentral' },
			{ key: 'decentral', wording: 'dezentral' },
			{ key: 'attached', wording: 'Anbindung an vorhandene Institutionen/Angebote' },
			{ key: 'integrated', wording: 'Integration in vorhandene Institutionen/Angebote' }
		]
	},
	{
		key: 'staff',
		part: 'framework',
		wording: 'Personelle Ressourcen',
		options: [
			{ key: 'paid', wording: 'hauptamtliche Mitarbeiter*innen' },
			{ key: 'volunteer', wording: 'ehrenamtliche Mitarbeiter*innen' }
		]
	},
	{
		key: 'naming',
		part: 'framework',
		wording: 'Name/Bezeichnung',
		options: [
			{ key: 'target_group', wording: 'Anpassung an jeweilige Zielgruppe' },
			{ key: 'open', wording: '(zielgruppen)offener Name' },
			{ key: 'social_space', wording: 'Bezug zum Sozialraum' },
			{ key: 'uniform', wording: 'einheitlich' }
		]
	},
	{
		key: 'organisation_forms',
		part: 'concept',
		wording: 'Organisationsformen',
		options: [
			{ key: 'refer', wording: 'Verweisen (informieren und verweisen)' },
			{ key: 'guide', wording: 'Lotsen (informieren, verweisen und begleiten)' },
			{ key: 'integrative', wording: 'Integrativer Ansatz (Plattform für externe Angebote)' },
			{ key: 'own_offers', wording: 'definierte eigene Angebote („Alles unter einem Dach“)' }
		]
	},
	{
		key: 'working_principles',
		part: 'concept',
		wording: 'Arbeitsprinzipien',
		options: [
			{ key: 'participation', wording: 'Partizipation' },
			{ key: 'inclusion', wording: 'Inklusion' }
		]
	},
	{
		key: 'methods',
		part: 'concept',
		wording: 'Methodisches Handeln',
		options: [
			{ key: 'casework', wording: 'Einzelfallhilfe' },
			{ key: 'group_work', wording: 'Gruppenarbeit' },
			{ key: 'networking', wording: 'Vernetzung' },
			{ key: 'social_space_orientation', wording: 'Sozialraumorientierung' }
		]
	},
	{
		key: 'target_groups',
		part: 'concept',
		wording: 'Zielgruppen',
		options: [
			{ key: 'people_in_space', wording: 'Personen im Sozialraum' },
			{ key: 'residents', wording: 'Bewohner*innen des Sozialraums' },
			{ key: 'institutional_actors', wording: 'institutionelle Akteur*innen im Sozialraum' },
			{ key: 'newcomers', wording: 'Neu-Düsseldorfer*innen' },
			{ key: 'migration_history', wording: 'Personen mit Migrationsgeschichte' },
			{ key: 'refugee_experience', wording: 'Personen mit Fluchterfahrung' },
			{ key: 'whole_society', wording: 'Gesamte Stadtgesellschaft' }
		]
	},
	{
		key: 'goals',
		part: 'concept',
		wording: 'Ziele',
		options: [
			{ key: 'social_integration', wording: '(soziale) Integration' },
			{ key: 'democratisation', wording: 'Demokratisierung der gesamten Gesellschaft' }
		]
	},
	{
		key: 'integration_dimensions',
		part: 'concept',
		wording: 'Dimensionen der (sozialen) Integration',
		options: [
			{ key: 'culturation', wording: 'Kulturation' },
			{ key: 'placement', wording: 'Platzierung' },
			{ key: 'interaction', wording: 'Interaktion' },
			{ key: 'identification', wording: 'Identifikation' }
		]
	},
	{
		key: 'theme_fields',
		part: 'concept',
		wording: 'Themenfelder',
		options: [
			{ key: 'housing', wording: 'Wohnen und Unterbringung' },
			{ key: 'education', wording: 'Schule und Bildung (formell und informell)' },
			{ key: 'labour', wording: 'Ausbildung, Arbeitsmarkt und Qualifizierung' },
			{ key: 'civil_society', wording: 'Zivilgesellschaft (u.a. Austausch)' }
		]
	},
	{
		key: 'tasks',
		part: 'concept',
		wording: 'Aufgaben',
		options: [
			{ key: 'integration', wording: 'Integration' },
			{ key: 'volunteer_offers', wording: 'Angebote für Ehrenamtliche' },
			{ key: 'encounter', wording: 'Begegnung und Austausch für Vergesellschaftung' },
			{ key: 'networking', wording: 'Vernetzung' }
		]
	}
] as const satisfies readonly ProfileDimension[];

export type DimensionKey = (typeof PROFILE_DIMENSIONS)[number]['key'];
/** The chosen options per dimension. */
export type Profile = Record<DimensionKey, string[]>;

export type ThemeField = 'housing' | 'education' | 'labour' | 'civil_society';
export type IntegrationDimension = 'culturation' | 'placement' | 'interaction' | 'identification';

/**
 * Which theme fields serve which integration dimension (seed 002, "relevante Zusammenhänge"):
 * Kulturation — Bildung, Zivilgesellschaft; Platzierung — Bildung, Arbeit, Wohnen,
 * Zivilgesellschaft; Interaktion and Identifikation — all four.
 */
export const DIMENSION_THEME_FIELDS: Record<IntegrationDimension, readonly ThemeField[]> = {
	culturation: ['education', 'civil_society'],
	placement: ['education', 'labour', 'housing', 'civil_society'],
	interaction: ['housing', 'education', 'labour', 'civil_society'],
	identification: ['housing', 'education', 'labour', 'civil_society']
};

/** The integration dimensions that the given theme fields serve, in the model's order. */
export function dimensionsServedBy(themeFields: readonly string[]): IntegrationDimension[] {
	return (Object.keys(DIMENSION_THEME_FIELDS) as IntegrationDimension[]).filter((d) =>
		DIMENSION_THEME_FIELDS[d].some((f) => themeFields.includes(f))
	);
}

/** Integration dimensions an instance aims at that none of its theme fields serves. */
export function unservedDimensions(profile: Pick<Profile, 'integration_dimensions' | 'theme_fields'>): string[] {
	const served = dimensionsServedBy(profile.theme_fields);
	return profile.integration_dimensions.filter((d) => !served.includes(d as IntegrationDimension));
}

/** An empty profile: every dimension present, nothing chosen. */
export function emptyProfile(): Profile {
	return Object.fromEntries(PROFILE_DIMENSIONS.map((d) => [d.key, []])) as unknown as Profile;
}

/**
 * Normalises a profile: keeps known options in the model's order, and adds Verweisen where
 * Lotsen is chosen, because the organisation forms build on each other ("Lotsen = Verweisen +
 * begleiten", seed 002).
 * @returns the normalised profile and the unknown `dimension.option` keys it dropped.
 */
export function normaliseProfile(input: Partial<Record<string, string[]>>): {
	profile: Profile;
	unknown: string[];
} {
	const profile = emptyProfile();
	const unknown: string[] = [];
	for (const [dim, values] of Object.entries(input)) {
		const def = PROFILE_DIMENSIONS.find((d) => d.key === dim);
		for (const v of values ?? []) {
			if (!def || !def.options.some((o) => o.key === v)) unknown.push(`${dim}.${v}`);
		}
	}
	for (const def of PROFILE_DIMENSIONS) {
		const chosen = new Set(input[def.key] ?? []);
		if (def.key === 'organisation_forms' && chosen.has('guide')) chosen.add('refer');
		profile[def.key] = def.options.map((o) => o.key).filter((k) => chosen.has(k));
	}
	return { profile, unknown };
}

/**
 * Longest texts of an instance's profile (characters); longer input is refused for its field.
 * An email address is at most 254 characters (RFC 5321 §4.5.3.1.3 with RFC 3696 erratum 1690).
 */
export const INSTANCE_LIMITS = {
	name: 200,
	hostOrganization: 200,
	description: 5000,
	street: 200,
	city: 100,
	phone: 50,
	email: 254,
	website: 2000
} as const;

/** True for a German postal code (Postleitzahl): five digits. */
export function isPostalCode(text: string): boolean {
	return /^\d{5}$/.test(text);
}

const clockTime = z.iso.time({ precision: -1 });

/** True for a time of day `HH:MM` (00:00–23:59), as opening hours are given. */
export function isClockTime(text: string): boolean {
	return clockTime.safeParse(text).success;
}

/**
 * Text in `locale`, else German (the base language of the platform), else any language.
 * @param texts text per BCP 47 tag, e.g. an instance's or offer's description.
 * @returns the text, its language, and whether it is a fallback; null when there is no text.
 */
export function pickLanguage(texts: Record<string, string>, locale: string): { text: string; lang: string; fallback: boolean } | null {
	const lang = texts[locale] ? locale : texts.de ? 'de' : Object.keys(texts)[0];
	return lang ? { text: texts[lang], lang, fallback: lang !== locale } : null;
}
