/**
 * Schema of Vernetzung (issue 14): networks and bodies on both levels with their memberships,
 * typed relations between actors, meetings with agenda, attendance, minutes (frozen versions),
 * decisions and action items, escalations upward, posts (information flows) and the readers'
 * digest subscriptions.
 *
 * Source: seed 002 Part II (Vernetzung vor Ort/sozialräumlich and stadtweit/(über-)regional),
 * seed 000 (Düsseldorf's bodies; informal networks), seed 003 (newsletters), OParl 1.1 (the
 * exchange format the tables are shaped to: Organization, Membership, Meeting, AgendaItem,
 * Paper/Consultation for decisions).
 */
import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { userAccount } from '../accounts/schema';
import { location, organization } from '../directory/schema';
import { municipality, socialSpace } from '../geography/schema';
import { instance } from '../instances/schema';
import { needsReport } from '../steering/schema';

const timestamps = {
	createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
	updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
};

/**
 * Netzwerk / Gremium: a network or body (Netzwerk, Runder Tisch, Arbeitskreis, temporäre
 * Arbeitsgruppe, Gremium, Stadtteilkonferenz) on the local level (for chosen social spaces) or a
 * city-wide/(supra-)regional one, coordinated by an instance or by the municipality.
 */
export const network = pgTable(
	'network',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		name: text('name').notNull(),
		shortName: text('short_name').notNull().default(''),
		description: text('description').notNull().default(''),
		/** Key of `NETWORK_KINDS`. */
		kind: text('kind').notNull(),
		/** Key of `NETWORK_LEVELS`. */
		level: text('level').notNull(),
		/** For a temporary working group: its occasion (Anlass) and end date. */
		occasion: text('occasion').notNull().default(''),
		endsOn: date('ends_on'),
		/** The coordinating instance; null = coordinated by the municipality. */
		coordinatingInstanceId: uuid('coordinating_instance_id').references(() => instance.id, { onDelete: 'set null' }),
		/** Keys of the directory's THEME_FIELDS. */
		themeFields: text('theme_fields').array().notNull().default([]),
		/** `public`, `network`, `internal`. */
		visibility: text('visibility').notNull().default('network'),
		/** Set when the network was dissolved or merged (it stays readable). */
		dissolvedOn: date('dissolved_on'),
		isDemo: boolean('is_demo').notNull().default(false),
		...timestamps
	},
	(t) => [
		index('network_municipality_idx').on(t.municipalityId, t.visibility),
		check('network_kind_check', sql`${t.kind} in ('network', 'round_table', 'working_circle', 'temporary_group', 'committee', 'district_conference')`),
		check('network_level_check', sql`${t.level} in ('local', 'city', 'region', 'state', 'federal')`),
		check('network_visibility_check', sql`${t.visibility} in ('public', 'network', 'internal')`),
		check('network_temporary_check', sql`${t.kind} <> 'temporary_group' or ${t.endsOn} is not null`)
	]
);

/** The social spaces a local network works in. */
export const networkSpace = pgTable(
	'network_space',
	{
		networkId: uuid('network_id')
			.notNull()
			.references(() => network.id, { onDelete: 'cascade' }),
		socialSpaceId: uuid('social_space_id')
			.notNull()
			.references(() => socialSpace.id, { onDelete: 'cascade' })
	},
	(t) => [primaryKey({ columns: [t.networkId, t.socialSpaceId] }), index('network_space_space_idx').on(t.socialSpaceId)]
);

/** Übergeordnete Gremien: the bodies a network reports to (OParl Organization.subOrganizationOf). */
export const networkParent = pgTable(
	'network_parent',
	{
		networkId: uuid('network_id')
			.notNull()
			.references(() => network.id, { onDelete: 'cascade' }),
		parentId: uuid('parent_id')
			.notNull()
			.references(() => network.id, { onDelete: 'cascade' })
	},
	(t) => [primaryKey({ columns: [t.networkId, t.parentId] }), index('network_parent_parent_idx').on(t.parentId), check('network_parent_self_check', sql`${t.networkId} <> ${t.parentId}`)]
);

/**
 * Mitgliedschaft: an actor (organisation of the directory) or a person — an account, or an
 * external contact who consented to being recorded — in a network, with role and dates.
 * `publicationConsent` is the person's consent to appear by name in public minutes and the OParl
 * API (OParl 1.1 "Datenschutz"); actors are organisations and need none.
 */
export const networkMembership = pgTable(
	'network_membership',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		networkId: uuid('network_id')
			.notNull()
			.references(() => network.id, { onDelete: 'cascade' }),
		organizationId: uuid('organization_id').references(() => organization.id, { onDelete: 'cascade' }),
		userId: uuid('user_id').references(() => userAccount.id, { onDelete: 'cascade' }),
		/** An external contact: name and email, recorded only with consent (`consentOn`). */
		personName: text('person_name'),
		personEmail: text('person_email'),
		/** The day the person consented to being recorded as a member (external contacts). */
		consentOn: date('consent_on'),
		publicationConsent: boolean('publication_consent').notNull().default(false),
		/** Key of `MEMBERSHIP_ROLES`. */
		role: text('role').notNull().default('member'),
		startsOn: date('starts_on').notNull(),
		endsOn: date('ends_on'),
		...timestamps
	},
	(t) => [
		index('network_membership_network_idx').on(t.networkId),
		index('network_membership_org_idx').on(t.organizationId),
		index('network_membership_user_idx').on(t.userId),
		check('network_membership_who_check', sql`num_nonnulls(${t.organizationId}, ${t.userId}, ${t.personName}) = 1`),
		check('network_membership_consent_check', sql`${t.personName} is null or ${t.consentOn} is not null`),
		check('network_membership_role_check', sql`${t.role} in ('chair', 'coordinator', 'member', 'guest')`),
		check('network_membership_dates_check', sql`${t.endsOn} is null or ${t.endsOn} >= ${t.startsOn}`)
	]
);

/** A typed, dated relation between two actors of a municipality (kooperiert mit, fördert, …). */
export const actorRelation = pgTable(
	'actor_relation',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		fromOrganizationId: uuid('from_organization_id')
			.notNull()
			.references(() => organization.id, { onDelete: 'cascade' }),
		toOrganizationId: uuid('to_organization_id')
			.notNull()
			.references(() => organization.id, { onDelete: 'cascade' }),
		/** Key of `RELATION_KINDS`. */
		kind: text('kind').notNull(),
		startsOn: date('starts_on'),
		endsOn: date('ends_on'),
		note: text('note').notNull().default(''),
		isDemo: boolean('is_demo').notNull().default(false),
		...timestamps
	},
	(t) => [
		index('actor_relation_municipality_idx').on(t.municipalityId),
		index('actor_relation_from_idx').on(t.fromOrganizationId),
		index('actor_relation_to_idx').on(t.toOrganizationId),
		check('actor_relation_kind_check', sql`${t.kind} in ('cooperates', 'member_of', 'funds', 'hosts_offers', 'refers_to')`),
		check('actor_relation_self_check', sql`${t.fromOrganizationId} <> ${t.toOrganizationId}`)
	]
);

/** Sitzungsreihe: regular meetings of a network; open action items carry over within it. */
export const meetingSeries = pgTable(
	'meeting_series',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		networkId: uuid('network_id')
			.notNull()
			.references(() => network.id, { onDelete: 'cascade' }),
		name: text('name').notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('meeting_series_network_idx').on(t.networkId)]
);

/**
 * Netzwerktreffen / Sitzung: a meeting of a network, at a place of the directory (whose
 * accessibility is shown) or a place named in words, with the deadline for agenda proposals and
 * the state of its minutes.
 */
export const meeting = pgTable(
	'meeting',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		networkId: uuid('network_id')
			.notNull()
			.references(() => network.id, { onDelete: 'cascade' }),
		seriesId: uuid('series_id').references(() => meetingSeries.id, { onDelete: 'set null' }),
		name: text('name').notNull(),
		startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
		endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
		locationId: uuid('location_id').references(() => location.id, { onDelete: 'set null' }),
		placeText: text('place_text').notNull().default(''),
		proposalDeadline: timestamp('proposal_deadline', { withTimezone: true }).notNull(),
		/** Key of `MEETING_STATES`. */
		state: text('state').notNull().default('planned'),
		/** Key of `MINUTES_STATES`. */
		minutesState: text('minutes_state').notNull().default('draft'),
		/** The version the current minutes will get when approved (1 for the first). */
		minutesVersion: integer('minutes_version').notNull().default(1),
		/** When invitations were last mailed. */
		invitedAt: timestamp('invited_at', { withTimezone: true }),
		isDemo: boolean('is_demo').notNull().default(false),
		...timestamps
	},
	(t) => [
		index('meeting_network_idx').on(t.networkId, t.startsAt),
		index('meeting_series_idx').on(t.seriesId, t.startsAt),
		check('meeting_time_check', sql`${t.endsAt} > ${t.startsAt}`),
		check('meeting_state_check', sql`${t.state} in ('planned', 'held', 'cancelled')`),
		check('meeting_minutes_check', sql`${t.minutesState} in ('draft', 'circulated', 'approved')`)
	]
);

/**
 * Tagesordnungspunkt: an agenda item proposed by a member or set by the coordinator, ordered,
 * marked public or internal, with its minutes text.
 */
export const agendaItem = pgTable(
	'agenda_item',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		meetingId: uuid('meeting_id')
			.notNull()
			.references(() => meeting.id, { onDelete: 'cascade' }),
		position: integer('position').notNull(),
		title: text('title').notNull(),
		description: text('description').notNull().default(''),
		isPublic: boolean('is_public').notNull().default(false),
		/** Key of `AGENDA_STATES`. */
		state: text('state').notNull().default('proposed'),
		proposedByUserId: uuid('proposed_by_user_id').references(() => userAccount.id, { onDelete: 'set null' }),
		/** For proposals that came from another network's escalation. */
		proposedByNetworkId: uuid('proposed_by_network_id').references(() => network.id, { onDelete: 'set null' }),
		/** Protokoll of this item. */
		minutes: text('minutes').notNull().default(''),
		/** Names of persons in the minutes text, each with a membership that consented (checked on public items). */
		namedMembershipIds: uuid('named_membership_ids').array().notNull().default([]),
		...timestamps
	},
	(t) => [index('agenda_item_meeting_idx').on(t.meetingId, t.position), check('agenda_item_state_check', sql`${t.state} in ('proposed', 'accepted', 'declined')`)]
);

/** Beschluss: a decision on an agenda item, with its result and the votes where taken. */
export const decision = pgTable(
	'decision',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		agendaItemId: uuid('agenda_item_id')
			.notNull()
			.references(() => agendaItem.id, { onDelete: 'cascade' }),
		text: text('text').notNull(),
		/** Key of `DECISION_RESULTS`. */
		result: text('result').notNull(),
		votesFor: integer('votes_for'),
		votesAgainst: integer('votes_against'),
		votesAbstain: integer('votes_abstain'),
		...timestamps
	},
	(t) => [index('decision_item_idx').on(t.agendaItemId), check('decision_result_check', sql`${t.result} in ('adopted', 'rejected', 'deferred', 'noted')`)]
);

/**
 * Aufgabe: an action item with its owner (a membership) and due date, made at a meeting; it is
 * shown at every later meeting of the same series until it is done.
 */
export const actionItem = pgTable(
	'action_item',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		networkId: uuid('network_id')
			.notNull()
			.references(() => network.id, { onDelete: 'cascade' }),
		meetingId: uuid('meeting_id')
			.notNull()
			.references(() => meeting.id, { onDelete: 'cascade' }),
		agendaItemId: uuid('agenda_item_id').references(() => agendaItem.id, { onDelete: 'set null' }),
		title: text('title').notNull(),
		ownerMembershipId: uuid('owner_membership_id')
			.notNull()
			.references(() => networkMembership.id, { onDelete: 'restrict' }),
		dueOn: date('due_on').notNull(),
		doneAt: timestamp('done_at', { withTimezone: true }),
		...timestamps
	},
	(t) => [index('action_item_network_idx').on(t.networkId, t.doneAt), index('action_item_meeting_idx').on(t.meetingId)]
);

/**
 * Anwesenheit: who attended, by organisation of the actor registry; persons (memberships of
 * accounts or consenting contacts) only with their consent.
 */
export const attendance = pgTable(
	'attendance',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		meetingId: uuid('meeting_id')
			.notNull()
			.references(() => meeting.id, { onDelete: 'cascade' }),
		organizationId: uuid('organization_id').references(() => organization.id, { onDelete: 'cascade' }),
		membershipId: uuid('membership_id').references(() => networkMembership.id, { onDelete: 'cascade' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		unique('attendance_org_uq').on(t.meetingId, t.organizationId),
		unique('attendance_member_uq').on(t.meetingId, t.membershipId),
		check('attendance_who_check', sql`num_nonnulls(${t.organizationId}, ${t.membershipId}) = 1`)
	]
);

/** What an approved version of the minutes froze: the items with minutes, decisions and attendance as they were. */
export interface MinutesSnapshot {
	items: {
		id: string;
		position: number;
		title: string;
		isPublic: boolean;
		minutes: string;
		decisions: { id: string; text: string; result: string; votesFor: number | null; votesAgainst: number | null; votesAbstain: number | null }[];
	}[];
	attendance: { organizationIds: string[]; membershipIds: string[] };
}

/** Freigegebenes Protokoll: an approved version of a meeting's minutes, frozen. */
export const minutesVersion = pgTable(
	'minutes_version',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		meetingId: uuid('meeting_id')
			.notNull()
			.references(() => meeting.id, { onDelete: 'cascade' }),
		version: integer('version').notNull(),
		snapshot: jsonb('snapshot').$type<MinutesSnapshot>().notNull(),
		approvedAt: timestamp('approved_at', { withTimezone: true }).notNull(),
		approvedBy: uuid('approved_by').references(() => userAccount.id, { onDelete: 'set null' })
	},
	(t) => [unique('minutes_version_uq').on(t.meetingId, t.version)]
);

/**
 * Eskalation: an agenda item or decision of a network taken upward, as an agenda proposal to a
 * city-wide body (`targetAgendaItemId`) or as a needs report of steering (`needsReportId`).
 * Status and answer are read back from the target.
 */
export const escalation = pgTable(
	'escalation',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		networkId: uuid('network_id')
			.notNull()
			.references(() => network.id, { onDelete: 'cascade' }),
		agendaItemId: uuid('agenda_item_id').references(() => agendaItem.id, { onDelete: 'set null' }),
		decisionId: uuid('decision_id').references(() => decision.id, { onDelete: 'set null' }),
		/** Key of `ESCALATION_KINDS`. */
		kind: text('kind').notNull(),
		needsReportId: uuid('needs_report_id').references(() => needsReport.id, { onDelete: 'set null' }),
		targetNetworkId: uuid('target_network_id').references(() => network.id, { onDelete: 'set null' }),
		targetAgendaItemId: uuid('target_agenda_item_id').references(() => agendaItem.id, { onDelete: 'set null' }),
		createdBy: uuid('created_by').references(() => userAccount.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('escalation_network_idx').on(t.networkId),
		index('escalation_report_idx').on(t.needsReportId),
		check('escalation_kind_check', sql`${t.kind} in ('agenda_proposal', 'needs_report')`)
	]
);

/**
 * Beitrag: a post of an information flow — down, up or sideways — addressed by network, social
 * space, role and language (empty = everyone of that dimension); public posts appear in the
 * archive and the Atom feed.
 */
export const networkPost = pgTable(
	'network_post',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		authorUserId: uuid('author_user_id').references(() => userAccount.id, { onDelete: 'set null' }),
		/** The instance or network the post speaks for, if any. */
		fromInstanceId: uuid('from_instance_id').references(() => instance.id, { onDelete: 'set null' }),
		direction: text('direction').notNull(),
		title: text('title').notNull(),
		body: text('body').notNull(),
		/** BCP 47 tag of the text. */
		language: text('language').notNull().default('de'),
		isPublic: boolean('is_public').notNull().default(false),
		networkIds: uuid('network_ids').array().notNull().default([]),
		socialSpaceIds: uuid('social_space_ids').array().notNull().default([]),
		roles: text('roles').array().notNull().default([]),
		languages: text('languages').array().notNull().default([]),
		publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
		isDemo: boolean('is_demo').notNull().default(false),
		...timestamps
	},
	(t) => [index('network_post_municipality_idx').on(t.municipalityId, t.publishedAt), check('network_post_direction_check', sql`${t.direction} in ('down', 'up', 'sideways')`)]
);

/**
 * Newsletter-Abo: a reader's digest of posts — an account, or an external member contact — at
 * the interval they chose, in their language, with a one-click unsubscribe token. The token is
 * stored as it is (every digest mail carries it, RFC 8058 needs a stable link): it grants nothing
 * but ending this one digest.
 */
export const digestSubscription = pgTable(
	'digest_subscription',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		userId: uuid('user_id').references(() => userAccount.id, { onDelete: 'cascade' }),
		membershipId: uuid('membership_id').references(() => networkMembership.id, { onDelete: 'cascade' }),
		intervalDays: integer('interval_days').notNull(),
		language: text('language').notNull(),
		unsubscribeToken: text('unsubscribe_token').notNull().unique(),
		lastSentAt: timestamp('last_sent_at', { withTimezone: true }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		unique('digest_subscription_user_uq').on(t.userId),
		unique('digest_subscription_member_uq').on(t.membershipId),
		index('digest_subscription_municipality_idx').on(t.municipalityId),
		check('digest_subscription_who_check', sql`num_nonnulls(${t.userId}, ${t.membershipId}) = 1`)
	]
);
