/**
 * Directory (Wegweiser) schema: actors and offers with their locations and schedules, named
 * after Open Referral HSDS 3.0 (organization, service, location, service_at_location, schedule).
 * Texts are held per language with a translation status; vocabularies are in `model.ts`.
 * Source: issue 3, HSDS 3.0 (`data/hsds/schema/`), MODEL.md §4 "Inform & refer".
 */
import { sql } from 'drizzle-orm';
import {
	boolean,
	customType,
	date,
	doublePrecision,
	index,
	integer,
	jsonb,
	pgTable,
	primaryKey,
	smallint,
	text,
	timestamp,
	unique,
	uuid
} from 'drizzle-orm/pg-core';
import { municipality, socialSpace } from '../geography/schema';
import { instance } from '../instances/schema';
import { userAccount } from '../accounts/schema';

/**
 * One language version of a text. `status` is how it came about; `basis` is the hash of the
 * original text a translation was made from, so a later change of the original marks it
 * outdated (see `texts.ts`).
 */
export interface TextVersion {
	text: string;
	status: 'original' | 'human' | 'machine';
	basis?: string;
}

/** A translatable text: one version per BCP 47 language tag, exactly one of them `original`. */
export type TranslatedText = Record<string, TextVersion>;

/** Fields of an imported HSDS object that the directory does not model, kept for export. */
export type HsdsExtra = Record<string, unknown>;

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

const timestamps = {
	createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
	updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
};

/** When and by whom an entry was last confirmed as correct (HSDS `last_modified` is separate). */
const verification = {
	lastVerifiedAt: timestamp('last_verified_at', { withTimezone: true }),
	/** A person's display name or a label such as `provider link (email)`; never an email. */
	lastVerifiedBy: text('last_verified_by')
};

/** Akteur*in (HSDS organization): a local actor, formal or informal. */
export const organization = pgTable(
	'organization',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		name: text('name').notNull(),
		alternateNames: text('alternate_names').array().notNull().default([]),
		description: jsonb('description').$type<TranslatedText>().notNull().default({}),
		actorType: text('actor_type').notNull().default('other'),
		email: text('email').notNull().default(''),
		phone: text('phone').notNull().default(''),
		website: text('website').notNull().default(''),
		visibility: text('visibility').notNull().default('public'),
		/** The instance that keeps this entry current (freshness view), if any. */
		instanceId: uuid('instance_id').references(() => instance.id, { onDelete: 'set null' }),
		/** Where the record came from: `manual`, `osm`, `hsds`, `csv`, `demo`. */
		source: text('source').notNull().default('manual'),
		/** The source's own id, e.g. `node/258045337` for OSM. */
		sourceId: text('source_id'),
		/** Attribution the source's licence requires, e.g. "© OpenStreetMap contributors, ODbL 1.0". */
		attribution: text('attribution'),
		/** For OSM actors: the `amenity` tag, shown and searched beside the type. */
		amenity: text('amenity'),
		hsdsExtra: jsonb('hsds_extra').$type<HsdsExtra>().notNull().default({}),
		isDemo: boolean('is_demo').notNull().default(false),
		...verification,
		...timestamps
	},
	(t) => [
		index('organization_municipality_idx').on(t.municipalityId, t.visibility),
		unique('organization_source_uq').on(t.municipalityId, t.source, t.sourceId)
	]
);

/** The social spaces an actor is active in. */
export const organizationSocialSpace = pgTable(
	'organization_social_space',
	{
		organizationId: uuid('organization_id')
			.notNull()
			.references(() => organization.id, { onDelete: 'cascade' }),
		socialSpaceId: uuid('social_space_id')
			.notNull()
			.references(() => socialSpace.id, { onDelete: 'cascade' })
	},
	(t) => [primaryKey({ columns: [t.organizationId, t.socialSpaceId] }), index('organization_social_space_space_idx').on(t.socialSpaceId)]
);

/** Ort (HSDS location): a physical place with address and coordinates. */
export const location = pgTable(
	'location',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		organizationId: uuid('organization_id').references(() => organization.id, { onDelete: 'cascade' }),
		name: text('name').notNull().default(''),
		street: text('street').notNull().default(''),
		postalCode: text('postal_code').notNull().default(''),
		city: text('city').notNull().default(''),
		/** WGS84 degrees. */
		latitude: doublePrecision('latitude'),
		longitude: doublePrecision('longitude'),
		/** Placed automatically by point-in-polygon when coordinates and boundaries exist. */
		socialSpaceId: uuid('social_space_id').references(() => socialSpace.id, { onDelete: 'set null' }),
		/** Keys of `ACCESSIBILITY_FEATURES` present at the place. */
		accessibility: text('accessibility').array().notNull().default([]),
		accessibilityNote: jsonb('accessibility_note').$type<TranslatedText>().notNull().default({}),
		/** How to get there, e.g. "Eingang im Hof". */
		directions: jsonb('directions').$type<TranslatedText>().notNull().default({}),
		hsdsExtra: jsonb('hsds_extra').$type<HsdsExtra>().notNull().default({}),
		...timestamps
	},
	(t) => [index('location_organization_idx').on(t.organizationId), index('location_space_idx').on(t.socialSpaceId)]
);

/** Angebot (HSDS service): an offer of an actor. */
export const service = pgTable(
	'service',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		organizationId: uuid('organization_id')
			.notNull()
			.references(() => organization.id, { onDelete: 'cascade' }),
		/** The instance that hosts, runs or keeps this offer current, if any. */
		instanceId: uuid('instance_id').references(() => instance.id, { onDelete: 'set null' }),
		name: jsonb('name').$type<TranslatedText>().notNull(),
		description: jsonb('description').$type<TranslatedText>().notNull().default({}),
		status: text('status').notNull().default('active'),
		visibility: text('visibility').notNull().default('public'),
		themeFields: text('theme_fields').array().notNull().default([]),
		subtopics: text('subtopics').array().notNull().default([]),
		/** Staff's choice of integration dimensions; null means derived from the theme fields. */
		dimensionsOverride: text('dimensions_override').array(),
		targetGroups: text('target_groups').array().notNull().default([]),
		/** Age range in years, inclusive; null = no limit. */
		minimumAge: smallint('minimum_age'),
		maximumAge: smallint('maximum_age'),
		/** Languages spoken at the offer, BCP 47 tags. */
		languages: text('languages').array().notNull().default([]),
		costKind: text('cost_kind').notNull().default('free'),
		/** Price in euro cents when paid or reduced. */
		costAmountCents: integer('cost_amount_cents'),
		costNote: jsonb('cost_note').$type<TranslatedText>().notNull().default({}),
		/** Niedrigschwellig: no appointment, no documents, no registration needed. */
		lowThreshold: boolean('low_threshold').notNull().default(false),
		/** Zugangsvoraussetzungen (HSDS application_process). */
		accessRequirements: jsonb('access_requirements').$type<TranslatedText>().notNull().default({}),
		/** Documents to bring, one per line (HSDS required_document). */
		requiredDocuments: jsonb('required_documents').$type<TranslatedText>().notNull().default({}),
		eligibility: jsonb('eligibility').$type<TranslatedText>().notNull().default({}),
		url: text('url').notNull().default(''),
		email: text('email').notNull().default(''),
		phone: text('phone').notNull().default(''),
		contactName: text('contact_name').notNull().default(''),
		source: text('source').notNull().default('manual'),
		sourceId: text('source_id'),
		hsdsExtra: jsonb('hsds_extra').$type<HsdsExtra>().notNull().default({}),
		isDemo: boolean('is_demo').notNull().default(false),
		...verification,
		...timestamps
	},
	(t) => [
		index('service_organization_idx').on(t.organizationId),
		index('service_municipality_idx').on(t.municipalityId, t.visibility),
		index('service_instance_idx').on(t.instanceId),
		// The steering dashboard's offers added per year and field (steering-reads.ts) read only
		// these columns: an index-only scan instead of the municipality's whole offer rows.
		index('service_municipality_created_idx').on(t.municipalityId, t.createdAt, t.id, t.themeFields)
	]
);

/** An offer at a place (HSDS service_at_location). */
export const serviceAtLocation = pgTable(
	'service_at_location',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		serviceId: uuid('service_id')
			.notNull()
			.references(() => service.id, { onDelete: 'cascade' }),
		locationId: uuid('location_id')
			.notNull()
			.references(() => location.id, { onDelete: 'cascade' }),
		hsdsExtra: jsonb('hsds_extra').$type<HsdsExtra>().notNull().default({})
	},
	(t) => [unique('service_at_location_uq').on(t.serviceId, t.locationId), index('service_at_location_location_idx').on(t.locationId)]
);

/**
 * Öffnungszeit (HSDS schedule): one weekly slot of an offer, optionally at one location.
 * Times are local Europe/Berlin wall-clock times.
 */
export const schedule = pgTable(
	'schedule',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		serviceId: uuid('service_id')
			.notNull()
			.references(() => service.id, { onDelete: 'cascade' }),
		/** null = at every location of the offer. */
		locationId: uuid('location_id').references(() => location.id, { onDelete: 'cascade' }),
		/** ISO weekday 1 (Monday) … 7 (Sunday). */
		weekday: smallint('weekday').notNull(),
		/** `HH:MM`, 24 h. */
		opensAt: text('opens_at').notNull(),
		closesAt: text('closes_at').notNull(),
		validFrom: date('valid_from'),
		validTo: date('valid_to'),
		appointmentOnly: boolean('appointment_only').notNull().default(false),
		note: jsonb('note').$type<TranslatedText>().notNull().default({}),
		hsdsExtra: jsonb('hsds_extra').$type<HsdsExtra>().notNull().default({})
	},
	(t) => [index('schedule_service_idx').on(t.serviceId, t.weekday)]
);

/**
 * Search entry: one row per searchable actor or offer, rebuilt on every write. Holds the
 * weighted text of all languages and the filter facets, so a search is one indexed query.
 */
export const searchEntry = pgTable(
	'search_entry',
	{
		/** `service` or `organization`. */
		kind: text('kind').notNull(),
		entityId: uuid('entity_id').notNull(),
		municipalityId: uuid('municipality_id').notNull(),
		visibility: text('visibility').notNull(),
		/** Title in every language, for display without a join. */
		title: jsonb('title').$type<Record<string, string>>().notNull(),
		organizationName: text('organization_name').notNull(),
		document: tsvector('document').notNull(),
		themeFields: text('theme_fields').array().notNull().default([]),
		subtopics: text('subtopics').array().notNull().default([]),
		targetGroups: text('target_groups').array().notNull().default([]),
		languages: text('languages').array().notNull().default([]),
		socialSpaceIds: uuid('social_space_ids').array().notNull().default([]),
		districtIds: uuid('district_ids').array().notNull().default([]),
		costKind: text('cost_kind'),
		lowThreshold: boolean('low_threshold').notNull().default(false),
		stepFree: boolean('step_free').notNull().default(false),
		/** HSDS service status; actors are `active`. */
		status: text('status').notNull().default('active'),
		/** The offer's `last_verified_at`, kept equal by the trigger of migration 0008 whatever writes
		 * the service, so the coverage matrix counts fresh offers from this table alone. */
		lastVerifiedAt: timestamp('last_verified_at', { withTimezone: true }),
		minimumAge: smallint('minimum_age'),
		maximumAge: smallint('maximum_age'),
		/** First location's coordinates, for distance sorting and the results map. */
		latitude: doublePrecision('latitude'),
		longitude: doublePrecision('longitude'),
		/** Weekly opening slots as `[weekday, opensMinute, closesMinute, validFrom, validTo, appointmentOnly]`. */
		openingSlots: jsonb('opening_slots').$type<[number, number, number, string | null, string | null, boolean][]>().notNull().default([]),
		isDemo: boolean('is_demo').notNull().default(false),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.kind, t.entityId] }),
		index('search_entry_document_idx').using('gin', t.document),
		index('search_entry_municipality_idx').on(t.municipalityId, t.visibility, t.kind),
		index('search_entry_social_spaces_idx').using('gin', t.socialSpaceIds),
		index('search_entry_districts_idx').using('gin', t.districtIds),
		// `search_opening_hours` (migration 0023): the hours of the week the slots touch, per municipality, for "open now".
		index('search_entry_opening_hours_idx').using('gin', sql`search_opening_hours(${t.municipalityId}, ${t.openingSlots})`)
	]
);

/**
 * The state of a municipality's search entries: a fresh random token whenever any of them is
 * written (statement-level triggers on `search_entry`, migration 0024), so a process that holds
 * an index of them in memory (`search-memory.ts`) knows it is current by one key lookup. Other
 * writes of the municipality (contacts, cases) leave it alone, unlike the data version. A token,
 * not a counter: a restored backup brings back the token of the entries it brings back. No
 * foreign key: the triggers run while a municipality's entries are deleted with it.
 */
export const searchEntryState = pgTable('search_entry_state', {
	municipalityId: uuid('municipality_id').primaryKey(),
	token: uuid('token').notNull()
});

/** Suchwort: distinct words of all search entries, for typo-tolerant query expansion (pg_trgm). */
export const searchWord = pgTable(
	'search_word',
	{
		/** A word that occurs (or occurred) in some entry; stale words only widen a query harmlessly. */
		word: text('word').primaryKey()
	},
	(t) => [index('search_word_trgm_idx').using('gin', sql`${t.word} gin_trgm_ops`)]
);

/** Änderungsvorschlag: a partner's proposed new entry or change, published after staff review. */
export const changeProposal = pgTable(
	'change_proposal',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		/** `service` or `organization`. */
		entityType: text('entity_type').notNull(),
		/** null for a proposed new entry. */
		entityId: uuid('entity_id'),
		/** The proposed input, in the shape the directory service's create/update accepts. */
		payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
		/** `open`, `published`, `rejected`. */
		status: text('status').notNull().default('open'),
		proposedBy: uuid('proposed_by').references(() => userAccount.id, { onDelete: 'set null' }),
		reviewedBy: uuid('reviewed_by').references(() => userAccount.id, { onDelete: 'set null' }),
		reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
		reviewNote: text('review_note').notNull().default(''),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('change_proposal_status_idx').on(t.municipalityId, t.status)]
);

/** An expiring link that lets a provider confirm or correct an entry without an account. */
export const verificationLink = pgTable(
	'verification_link',
	{
		/** SHA-256 of the token in the link; the token itself is never stored. */
		tokenHash: text('token_hash').primaryKey(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		/** `service` or `organization`. */
		entityType: text('entity_type').notNull(),
		entityId: uuid('entity_id').notNull(),
		createdBy: uuid('created_by').references(() => userAccount.id, { onDelete: 'set null' }),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		usedAt: timestamp('used_at', { withTimezone: true }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('verification_link_entity_idx').on(t.entityType, t.entityId)]
);

/** Directory settings of a municipality. */
export const directorySetting = pgTable('directory_setting', {
	municipalityId: uuid('municipality_id')
		.primaryKey()
		.references(() => municipality.id, { onDelete: 'cascade' }),
	/** An entry not verified for this many days counts as stale (freshness view). */
	freshnessDays: integer('freshness_days').notNull().default(365)
});

