/**
 * Geography schema: Kommune → Stadtbezirk → Stadtteil/Quartier, with optional GeoJSON
 * boundaries and dated statistics. Source: MODEL.md §2 and §4 ("Geography").
 */
import { sql } from 'drizzle-orm';
import {
	boolean,
	check,
	doublePrecision,
	index,
	jsonb,
	pgTable,
	text,
	timestamp,
	unique,
	uuid
} from 'drizzle-orm/pg-core';
import type { Geometry } from 'geojson';

/** Kommune: a municipality (city or district town) running the steering model. */
export const municipality = pgTable('municipality', {
	id: uuid('id').primaryKey().defaultRandom(),
	slug: text('slug').notNull().unique(),
	name: text('name').notNull(),
	/** Amtlicher Gemeindeschlüssel (AGS), 8 digits, where known. */
	officialCode: text('official_code'),
	isDemo: boolean('is_demo').notNull().default(false),
	createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
});

/** Stadtbezirk: an administrative city district (with a Bezirksvertretung). */
export const district = pgTable(
	'district',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		slug: text('slug').notNull(),
		name: text('name').notNull(),
		code: text('code'),
		/** GeoJSON Polygon or MultiPolygon in WGS84 (lon, lat). */
		boundary: jsonb('boundary').$type<Geometry>(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [unique().on(t.municipalityId, t.slug), unique().on(t.municipalityId, t.code)]
);

/** Sozialraum: a social space (Stadtteil or Quartier) inside a district. */
export const socialSpace = pgTable(
	'social_space',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		districtId: uuid('district_id')
			.notNull()
			.references(() => district.id, { onDelete: 'cascade' }),
		slug: text('slug').notNull(),
		name: text('name').notNull(),
		code: text('code'),
		/** `stadtteil` (official neighbourhood) or `quartier` (smaller, locally defined). */
		kind: text('kind').notNull().default('stadtteil'),
		boundary: jsonb('boundary').$type<Geometry>(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		unique().on(t.municipalityId, t.slug),
		unique().on(t.municipalityId, t.code),
		index('social_space_district_idx').on(t.districtId),
		check('social_space_kind_check', sql`${t.kind} in ('stadtteil', 'quartier')`)
	]
);

/**
 * A dated statistic about a municipality, district or social space (exactly one area level:
 * both `districtId` and `socialSpaceId` null means the whole municipality).
 */
export const statistic = pgTable(
	'statistic',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		districtId: uuid('district_id').references(() => district.id, { onDelete: 'cascade' }),
		socialSpaceId: uuid('social_space_id').references(() => socialSpace.id, {
			onDelete: 'cascade'
		}),
		/** Machine name, e.g. `population`, `eligible_voters`, `share_refugees`. */
		metric: text('metric').notNull(),
		value: doublePrecision('value').notNull(),
		/** e.g. `persons`, `percent`, `ha`. */
		unit: text('unit').notNull(),
		/** ISO 8601 date with the precision the source gives: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. */
		asOf: text('as_of').notNull(),
		source: text('source').notNull()
	},
	(t) => [
		unique('statistic_area_metric_date')
			.on(t.municipalityId, t.districtId, t.socialSpaceId, t.metric, t.asOf)
			.nullsNotDistinct(),
		check(
			'statistic_one_level',
			sql`${t.districtId} is null or ${t.socialSpaceId} is null`
		),
		check('statistic_as_of_format', sql`${t.asOf} ~ '^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$'`),
		index('statistic_district_idx').on(t.districtId),
		index('statistic_social_space_idx').on(t.socialSpaceId)
	]
);

/**
 * A boundary or statistics file an administrator uploaded in the browser, kept between its
 * preview and the confirmation (issue 12 §5), so the file is imported exactly as previewed
 * without being sent twice. Held at most `UPLOAD_MINUTES`; deleted when imported or discarded.
 * `uploaded_by` names the account (no foreign key: accounts build on geography, not the reverse).
 */
export const importUpload = pgTable('import_upload', {
	id: uuid('id').primaryKey().defaultRandom(),
	municipalityId: uuid('municipality_id')
		.notNull()
		.references(() => municipality.id, { onDelete: 'cascade' }),
	uploadedBy: uuid('uploaded_by'),
	/** `boundaries` or `statistics`. */
	kind: text('kind').notNull(),
	/** The importer's options as chosen on the upload form (level, properties, columns, …). */
	options: jsonb('options').$type<Record<string, string>>().notNull(),
	fileName: text('file_name').notNull(),
	content: text('content').notNull(),
	createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
});
