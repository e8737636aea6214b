/**
 * Schema of the intermediary instances (intermediäre Instanz, e.g. Düsseldorf's Welcome Points)
 * and their Part I profile (seed 002, MODEL.md §2 Part I).
 */
import {
	boolean,
	doublePrecision,
	index,
	jsonb,
	pgTable,
	primaryKey,
	text,
	timestamp,
	unique,
	uuid
} from 'drizzle-orm/pg-core';
import { municipality, socialSpace } from '../geography/schema';

/** Text held per BCP 47 language tag, e.g. `{ "de": "…", "ar": "…" }`. */
export type LocalizedText = Record<string, string>;

/** One opening slot: ISO weekday 1 (Monday) … 7 (Sunday), local Europe/Berlin times `HH:MM`. */
export interface OpeningSlot {
	day: number;
	opens: string;
	closes: string;
}

/** Intermediäre Instanz: the intermediary instance of one or more social spaces. */
export const instance = pgTable(
	'instance',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		slug: text('slug').notNull(),
		name: text('name').notNull(),
		/** Träger: the host organisation running the instance. */
		hostOrganization: text('host_organization').notNull().default(''),
		description: jsonb('description').$type<LocalizedText>().notNull().default({}),
		street: text('street').notNull().default(''),
		postalCode: text('postal_code').notNull().default(''),
		city: text('city').notNull().default(''),
		latitude: doublePrecision('latitude'),
		longitude: doublePrecision('longitude'),
		phone: text('phone').notNull().default(''),
		email: text('email').notNull().default(''),
		website: text('website').notNull().default(''),
		openingHours: jsonb('opening_hours').$type<OpeningSlot[]>().notNull().default([]),
		/** Languages spoken by staff, BCP 47 tags. */
		languages: text('languages').array().notNull().default([]),
		isDemo: boolean('is_demo').notNull().default(false),
		/**
		 * When the instance stopped working (issue 12 §5): it leaves the public lists and takes no
		 * new staff; its records stay for their retention periods. Null while it works.
		 */
		retiredAt: timestamp('retired_at', { withTimezone: true }),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [unique().on(t.municipalityId, t.slug)]
);

/** The social spaces an instance serves. */
export const instanceSocialSpace = pgTable(
	'instance_social_space',
	{
		instanceId: uuid('instance_id')
			.notNull()
			.references(() => instance.id, { onDelete: 'cascade' }),
		socialSpaceId: uuid('social_space_id')
			.notNull()
			.references(() => socialSpace.id, { onDelete: 'cascade' })
	},
	(t) => [
		primaryKey({ columns: [t.instanceId, t.socialSpaceId] }),
		index('instance_social_space_space_idx').on(t.socialSpaceId)
	]
);

/** One chosen option of one Part I dimension (multi-select, seed 002). */
export const instanceProfileValue = pgTable(
	'instance_profile_value',
	{
		instanceId: uuid('instance_id')
			.notNull()
			.references(() => instance.id, { onDelete: 'cascade' }),
		dimension: text('dimension').notNull(),
		option: text('option').notNull()
	},
	(t) => [primaryKey({ columns: [t.instanceId, t.dimension, t.option] })]
);
