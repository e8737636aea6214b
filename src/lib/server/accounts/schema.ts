/** Accounts schema: users with one role, scoped to a municipality and (staff) instances. */
import { sql } from 'drizzle-orm';
import {
	bigint,
	boolean,
	check,
	index,
	integer,
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
		/** The last TOTP time step (30 s since the epoch) a code was accepted for: each code counts once. */
		totpLastStep: bigint('totp_last_step', { mode: 'number' }),
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
		/** Last request of the session, for the inactivity timeout (updated at most once a minute). */
		lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
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

/**
 * Failure counters of the sign-in and reset rate limits, shared by every app process. The key
 * is the SHA-256 of what is counted (`login:<email>`, `ip:<address>`, …), never the address itself.
 */
export const rateLimit = pgTable('rate_limit', {
	key: text('key').primaryKey(),
	count: integer('count').notNull(),
	resetAt: timestamp('reset_at', { withTimezone: true }).notNull()
});

/**
 * Einladung: a single-use link with which an invited person sets their first password (issue 12
 * §5). The id is the SHA-256 of the emailed token. The account exists from the invitation on,
 * so its role and instances can be changed before the person accepts; while any row exists the
 * account counts as invited. Accepting deletes every invitation of the account.
 */
export const userInvitation = pgTable(
	'user_invitation',
	{
		id: text('id').primaryKey(),
		userId: uuid('user_id')
			.notNull()
			.references(() => userAccount.id, { onDelete: 'cascade' }),
		/** The administrator who sent it (null when the system did, or the account is gone). */
		invitedBy: uuid('invited_by').references(() => userAccount.id, { onDelete: 'set null' }),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('user_invitation_user_idx').on(t.userId)]
);

/**
 * One-time recovery codes of the second factor (issue 12 §6): ten per enrolment, each the
 * SHA-256 of a random 80-bit code (enough entropy that a fast hash resists guessing, as for the
 * session tokens). A used code keeps its row with `used_at`, so it is refused the second time.
 */
export const recoveryCode = pgTable(
	'recovery_code',
	{
		userId: uuid('user_id')
			.notNull()
			.references(() => userAccount.id, { onDelete: 'cascade' }),
		codeHash: text('code_hash').notNull(),
		usedAt: timestamp('used_at', { withTimezone: true }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.userId, t.codeHash] })]
);
