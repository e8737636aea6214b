/** Accounts schema: users with one role, scoped to a municipality and (staff) instances. */
import { sql } from 'drizzle-orm';
import {
	boolean,
	check,
	index,
	pgTable,
	primaryKey,
	text,
	timestamp,
	uuid
} from 'drizzle-orm/pg-core';
import { municipality } from '../geography/schema';
import { instance } from '../instances/schema';

/** A person who signs in. Email is stored lower-cased. */
export const userAccount = pgTable(
	'user_account',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		email: text('email').notNull().unique(),
		displayName: text('display_name').notNull(),
		/** argon2id PHC string. */
		passwordHash: text('password_hash').notNull(),
		/** `municipality_admin` · `instance_staff` · `partner_editor` · `volunteer`. */
		role: text('role').notNull(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		/** Base32 TOTP secret (RFC 6238) once the user started enrolment. */
		totpSecret: text('totp_secret'),
		totpEnabled: boolean('totp_enabled').notNull().default(false),
		preferredLocale: text('preferred_locale'),
		disabledAt: timestamp('disabled_at', { withTimezone: true }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		check(
			'user_role_check',
			sql`${t.role} in ('municipality_admin', 'instance_staff', 'partner_editor', 'volunteer')`
		)
	]
);

/** Which instances an instance-staff account works for. */
export const userInstance = pgTable(
	'user_instance',
	{
		userId: uuid('user_id')
			.notNull()
			.references(() => userAccount.id, { onDelete: 'cascade' }),
		instanceId: uuid('instance_id')
			.notNull()
			.references(() => instance.id, { onDelete: 'cascade' })
	},
	(t) => [primaryKey({ columns: [t.userId, t.instanceId] })]
);

/** A signed-in session; the id is the SHA-256 of the cookie token, never the token itself. */
export const session = pgTable(
	'session',
	{
		id: text('id').primaryKey(),
		userId: uuid('user_id')
			.notNull()
			.references(() => userAccount.id, { onDelete: 'cascade' }),
		/** False until the second factor was given, for users with TOTP enabled. */
		secondFactorDone: boolean('second_factor_done').notNull(),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('session_user_idx').on(t.userId)]
);

/** A single-use password-reset link; the id is the SHA-256 of the emailed token. */
export const passwordResetToken = pgTable('password_reset_token', {
	id: text('id').primaryKey(),
	userId: uuid('user_id')
		.notNull()
		.references(() => userAccount.id, { onDelete: 'cascade' }),
	expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
	usedAt: timestamp('used_at', { withTimezone: true })
});
