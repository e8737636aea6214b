/**
 * Vernetzung's vocabularies, limits and rules as data (issue 14): kinds and levels of networks,
 * membership roles, relation types, meeting and minutes states, decision results, directions of
 * information flows and digest intervals. Pure: no database. The UI translates keys through
 * messages (`nw_kind_<key>`, `nw_level_<key>`, …); `wording` is the German term.
 *
 * Sources: seed 002 Part II "Vernetzung der Instanz" (two levels: vor Ort/sozialräumlich and
 * stadtweit/(über-)regional with Kommune, Regierungsbezirk, Land, Bund; "ggf. Einrichtung
 * anlassbezogene, temporäre Arbeitsgruppen"; "Regelmäßige Netzwerktreffen an einem allen
 * zugänglichen Begegnungsort"; "Melden von Bedarfen"), seed 000 (Lenkungskreis,
 * Koordinierungskreis Integration, Runder Tisch Asyl, Stadtteil- und Stadtbezirkskonferenzen,
 * Familientische), seed 003 (newsletters), OParl 1.1 for the exchange format.
 */
import type { Term } from '../directory/model';

/**
 * Kinds of networks and bodies (seed 000, seed 002). A temporary working group (`temporary_group`,
 * "anlassbezogene, temporäre Arbeitsgruppe") needs its occasion and end date.
 */
export const NETWORK_KINDS = [
	{ key: 'network', wording: 'Netzwerk' },
	{ key: 'round_table', wording: 'Runder Tisch' },
	{ key: 'working_circle', wording: 'Arbeitskreis' },
	{ key: 'temporary_group', wording: 'temporäre Arbeitsgruppe' },
	{ key: 'committee', wording: 'Gremium' },
	{ key: 'district_conference', wording: 'Stadtteilkonferenz' }
] as const satisfies readonly Term[];
export type NetworkKind = (typeof NETWORK_KINDS)[number]['key'];

/**
 * Levels (seed 002): `local` (vor Ort/sozialräumlich, for chosen social spaces) and the
 * city-wide/(supra-)regional levels Kommune, Regierungsbezirk, Land, Bund.
 */
export const NETWORK_LEVELS = [
	{ key: 'local', wording: 'vor Ort/sozialräumlich' },
	{ key: 'city', wording: 'Kommune (stadtweit)' },
	{ key: 'region', wording: 'Regierungsbezirk' },
	{ key: 'state', wording: 'Land' },
	{ key: 'federal', wording: 'Bund' }
] as const satisfies readonly Term[];
export type NetworkLevel = (typeof NETWORK_LEVELS)[number]['key'];

/**
 * Who may see a network (seed 000: informal networks must be able to take part without being
 * published): `public` everyone, with its public meetings and items; `network` everyone signed
 * in to the municipality; `internal` administrators and staff of the municipality and the
 * network's own members.
 */
export const NETWORK_VISIBILITIES = ['public', 'network', 'internal'] as const;
export type NetworkVisibility = (typeof NETWORK_VISIBILITIES)[number];

/** Roles in a network (design, after OParl Membership.role): Vorsitz, Koordination, Mitglied, Gast. */
export const MEMBERSHIP_ROLES = ['chair', 'coordinator', 'member', 'guest'] as const;
export type MembershipRole = (typeof MEMBERSHIP_ROLES)[number];

/** Roles that vote in a network (OParl Membership.votingRight): everyone but guests. */
export const VOTING_ROLES: ReadonlySet<string> = new Set<MembershipRole>(['chair', 'coordinator', 'member']);

/**
 * Typed relations between actors (issue 14 §2): kooperiert mit, ist Mitglied von, fördert,
 * beherbergt Angebote von, verweist an. `cooperates` is symmetric; the others read "from → to".
 */
export const RELATION_KINDS = ['cooperates', 'member_of', 'funds', 'hosts_offers', 'refers_to'] as const;
export type RelationKind = (typeof RELATION_KINDS)[number];

/**
 * Relations derived from the data rather than recorded (issue 14 §2): actors sharing a network
 * (`shared_network`), referrals of an instance's counselling to an actor (`referrals`, from
 * casework), and offers of one actor held at another actor's place (`hosted_offer`, from the
 * directory).
 */
export const DERIVED_RELATION_KINDS = ['shared_network', 'referrals', 'hosted_offer'] as const;
export type DerivedRelationKind = (typeof DERIVED_RELATION_KINDS)[number];

/** A meeting's state: planned, held, or cancelled (OParl `meetingState` carries the key). */
export const MEETING_STATES = ['planned', 'held', 'cancelled'] as const;
export type MeetingState = (typeof MEETING_STATES)[number];

/**
 * The minutes of a meeting go drafted → circulated → approved (issue 14 §3, after 4Minitz and the
 * OpenSlides users' request). Approved minutes are frozen as a numbered version; changing them
 * opens a new draft version (`reopenMinutes`), never edits the approved one.
 */
export const MINUTES_STATES = ['draft', 'circulated', 'approved'] as const;
export type MinutesState = (typeof MINUTES_STATES)[number];

/** Allowed steps of the minutes. */
export const MINUTES_TRANSITIONS: Record<MinutesState, readonly MinutesState[]> = {
	draft: ['circulated'],
	circulated: ['draft', 'approved'],
	approved: []
};

/** Results of a decision (Loomio "outcome"): beschlossen, abgelehnt, vertagt, zur Kenntnis genommen. */
export const DECISION_RESULTS = ['adopted', 'rejected', 'deferred', 'noted'] as const;
export type DecisionResult = (typeof DECISION_RESULTS)[number];

/** States of a proposed agenda item: proposed by a member, accepted onto the agenda by the coordinator, or declined. */
export const AGENDA_STATES = ['proposed', 'accepted', 'declined'] as const;
export type AgendaState = (typeof AGENDA_STATES)[number];

/**
 * Escalation of a local network's item or decision (issue 14 §4, seed 002 "Melden von Bedarfen
 * aus dem Sozialraum"): as an agenda proposal to a city-wide body, or as a needs report of
 * steering.
 */
export const ESCALATION_KINDS = ['agenda_proposal', 'needs_report'] as const;
export type EscalationKind = (typeof ESCALATION_KINDS)[number];

/**
 * Directions of information flows (issue 14 §5): down (city → instances, networks,
 * volunteers), up (district → city), sideways (between instances).
 */
export const POST_DIRECTIONS = ['down', 'up', 'sideways'] as const;
export type PostDirection = (typeof POST_DIRECTIONS)[number];

/** Roles a post can be addressed to: the account roles, and external network contacts. */
export const POST_AUDIENCE_ROLES = ['municipality_admin', 'instance_staff', 'partner_editor', 'volunteer', 'external'] as const;
export type PostAudienceRole = (typeof POST_AUDIENCE_ROLES)[number];

/** How often a reader gets the newsletter digest, in days (seed 003: newsletters for volunteers). */
export const DIGEST_INTERVALS = [1, 7, 14, 30] as const;

/** The languages a digest can be written in: the UI languages. */
export const DIGEST_LANGUAGES = ['de', 'en', 'ar', 'fa', 'uk', 'tr', 'ru'] as const;

/**
 * Actor types the model expects in a local network (seed 002, "vor Ort/sozialräumlich":
 * Ehrenamtliche, Vereine, Kitas, JFE, Schulen, Beratungsstellen, Kirchengemeinden,
 * Wohnungsgesellschaften, Migrantenorganisationen): the network map lists per social space which
 * of them take part in a local network there and which are missing.
 */
export const MODEL_LOCAL_ACTOR_TYPES = [
	'volunteer_initiative',
	'association',
	'kita',
	'youth_centre',
	'school',
	'counselling_centre',
	'parish',
	'housing_company',
	'migrant_organisation'
] as const;

/** Longest values, in characters; longer input is refused field by field (`too_long`). */
export const NETWORK_LIMITS = {
	name: 200,
	shortText: 300,
	text: 10_000,
	minutes: 50_000,
	personName: 200,
	email: 254,
	/** Most social spaces, theme fields, parents, audiences in one form. */
	list: 200,
	/** Most votes in one count. */
	votes: 100_000
} as const;

/** How long before a meeting members may still propose agenda items, by default (hours). */
export const DEFAULT_PROPOSAL_LEAD_HOURS = 72;

/** Longest meeting, in hours (a day-long conference is the most a network meeting lasts). */
export const MEETING_MAX_HOURS = 24;

/** An action item is overdue when its due date (Berlin) lies before today and it is not done. */
export function isOverdue(item: { dueOn: string; doneAt: Date | null }, today: string): boolean {
	return !item.doneAt && item.dueOn < today;
}

/**
 * Whether an action item of a series is shown at a meeting: made at an earlier meeting of the
 * same series (or at this one) and not done before this meeting started (4Minitz: action items
 * carry over until done).
 */
export function carriesOverTo(item: { originStartsAt: Date; doneAt: Date | null }, meeting: { startsAt: Date }): boolean {
	return item.originStartsAt.getTime() <= meeting.startsAt.getTime() && (!item.doneAt || item.doneAt.getTime() > meeting.startsAt.getTime());
}

/**
 * Whether a post reaches a reader (issue 14 §5): every audience dimension the post names must
 * match (an empty dimension means everyone): one of its networks is the reader's, one of its
 * social spaces is the reader's, the reader's role is listed, the reader's language is listed.
 */
export function postReaches(
	post: { networkIds: readonly string[]; socialSpaceIds: readonly string[]; roles: readonly string[]; languages: readonly string[] },
	reader: { networkIds: ReadonlySet<string>; socialSpaceIds: ReadonlySet<string>; role: string; language: string }
): boolean {
	if (post.networkIds.length && !post.networkIds.some((n) => reader.networkIds.has(n))) return false;
	if (post.socialSpaceIds.length && !post.socialSpaceIds.some((s) => reader.socialSpaceIds.has(s))) return false;
	if (post.roles.length && !post.roles.includes(reader.role)) return false;
	if (post.languages.length && !post.languages.includes(reader.language)) return false;
	return true;
}
