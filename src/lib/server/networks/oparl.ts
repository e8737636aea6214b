/**
 * The OParl 1.1 export of Vernetzung (issue 14 §7; OParl 1.1.1, `data/oparl/`, docs/oparl.md): a
 * read-only view of the public networks as a council information system would publish them.
 *
 * | OParl | anlaufstelle |
 * |---|---|
 * | System | the installation |
 * | Body | a municipality |
 * | Organization | a public network (`organizationType` Gremium), and a public actor of the directory that is a member of one (`classification` Akteur) |
 * | Membership | an actor's membership (`onBehalfOf` the actor), or a person's who consented to publication |
 * | Person | a member person who consented to publication (name only) |
 * | Meeting | a meeting of a public network, with its public agenda embedded |
 * | AgendaItem | a public, accepted agenda item; result and resolution from the approved minutes |
 * | Paper, Consultation | a decision of the approved minutes on a public item (Beschluss), and its treatment in the meeting |
 * | File | an approved version of a meeting's minutes, its public items only, as text |
 *
 * Only `public` networks appear; of them only public agenda items, decisions of approved minutes,
 * public actors and persons who consented (OParl 1.1 "Datenschutz": personal data only with
 * explicit consent). Lists are paginated as OParl 1.1 §2.5 says (`data`, `pagination`, `links`,
 * stable order by id, `page` and `elementsPerPage`, the filters `created_since`,
 * `created_until`, `modified_since`, `modified_until`). Errors are OParl error objects (§2.9):
 * 400 for bad parameters, 404 for unknown ids.
 */
import { and, asc, desc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import { networkPeople } from '../accounts/networks-reads';
import { berlinDate } from '../casework/time';
import { isUuid, parseInteger } from '../core/validation';
import type { DbOrTx } from '../db/client';
import { isPublicActor, meetingPlacesById, networkActors } from '../directory/networks-reads';
import { findMunicipality, findMunicipalityById, listMunicipalities, type Municipality } from '../geography/service';
import { DECISION_RESULTS, MEMBERSHIP_ROLES, NETWORK_KINDS, VOTING_ROLES } from './model';
import { agendaItem, decision, meeting, minutesVersion, network, networkMembership, networkParent, type MinutesSnapshot } from './schema';

const SCHEMA = 'https://schema.oparl.org/1.1/';

/** A request the API cannot answer: 400 (bad parameter) or 404 (unknown object). */
export class OparlError extends Error {
	constructor(
		public readonly status: 400 | 404,
		message: string,
		public readonly debug = ''
	) {
		super(message);
		this.name = 'OparlError';
	}
}

/** The OParl error object of an error (§2.9). */
export function oparlErrorBody(e: OparlError): { type: string; message: string; debug: string } {
	return { type: `${SCHEMA}Error`, message: e.message, debug: e.debug };
}

/** Object types with their own URL, as path segments. */
export const OPARL_TYPES = ['organization', 'membership', 'person', 'meeting', 'agendaitem', 'paper', 'consultation', 'file'] as const;
export type OparlType = (typeof OPARL_TYPES)[number];

/** External lists of a body, as path segments. */
export const OPARL_LISTS = ['organizations', 'memberships', 'persons', 'meetings', 'agendaItems', 'papers', 'consultations', 'files'] as const;
export type OparlList = (typeof OPARL_LISTS)[number];

/** Most objects on one list page, and the default. */
export const OPARL_MAX_PER_PAGE = 100;
const DEFAULT_PER_PAGE = 50;

/** German wordings of OParl values (the API's content language). */
const KIND_WORDING = Object.fromEntries(NETWORK_KINDS.map((k) => [k.key, k.wording]));
const ROLE_WORDING: Record<(typeof MEMBERSHIP_ROLES)[number], string> = { chair: 'Vorsitz', coordinator: 'Koordination', member: 'Mitglied', guest: 'Gast' };
const RESULT_WORDING: Record<(typeof DECISION_RESULTS)[number], string> = { adopted: 'beschlossen', rejected: 'abgelehnt', deferred: 'vertagt', noted: 'zur Kenntnis genommen' };
const STATE_WORDING: Record<string, string> = { planned: 'geplant', held: 'durchgeführt', cancelled: 'abgesagt' };

/** A list request's paging and filters, checked. */
export interface ListQuery {
	page: number;
	perPage: number;
	createdSince?: Date;
	createdUntil?: Date;
	modifiedSince?: Date;
	modifiedUntil?: Date;
}

const FILTERS = { created_since: 'createdSince', created_until: 'createdUntil', modified_since: 'modifiedSince', modified_until: 'modifiedUntil' } as const;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Reads `page`, `elementsPerPage` and the date filters of a list URL.
 * @throws OparlError 400 naming the parameter: `page` not a whole number ≥ 1, `elementsPerPage`
 *   not 1–100, a filter not a full date-time with offset (§2.5 "vollständige date-time-Angabe").
 */
export function parseListQuery(params: URLSearchParams): ListQuery {
	const page = params.has('page') ? parseInteger(params.get('page')!, { min: 1, max: 1_000_000 }) : 1;
	if (page === null) throw new OparlError(400, 'Ungültiger Parameter page: eine ganze Zahl ab 1 erwartet.', 'page');
	const perPage = params.has('elementsPerPage') ? parseInteger(params.get('elementsPerPage')!, { min: 1, max: OPARL_MAX_PER_PAGE }) : DEFAULT_PER_PAGE;
	if (perPage === null) throw new OparlError(400, `Ungültiger Parameter elementsPerPage: eine ganze Zahl von 1 bis ${OPARL_MAX_PER_PAGE} erwartet.`, 'elementsPerPage');
	const q: ListQuery = { page, perPage };
	for (const [param, key] of Object.entries(FILTERS) as [keyof typeof FILTERS, (typeof FILTERS)[keyof typeof FILTERS]][]) {
		const raw = params.get(param);
		if (raw === null) continue;
		const at = new Date(raw);
		if (!DATE_TIME.test(raw) || Number.isNaN(at.getTime())) throw new OparlError(400, `Ungültiger Parameter ${param}: eine vollständige date-time-Angabe (RFC 3339) erwartet.`, param);
		q[key] = at;
	}
	return q;
}

const iso = (d: Date) => d.toISOString();

/**
 * The published objects one response needs (a list page's rows, one object), loaded for those
 * rows only: `networks` and `memberships` are the public ones among those asked for, `meetings`
 * those of public networks with their public, accepted agenda items and approved minutes
 * versions (newest first).
 */
interface Published {
	municipality: Municipality;
	networks: (typeof network.$inferSelect)[];
	parents: { networkId: string; parentId: string }[];
	memberships: (typeof networkMembership.$inferSelect)[];
	actors: Map<string, { id: string; name: string; actorType: string; visibility: string }>;
	people: Map<string, string>;
	meetings: (typeof meeting.$inferSelect)[];
	items: (typeof agendaItem.$inferSelect)[];
	versions: (typeof minutesVersion.$inferSelect)[];
}

/** What to load: networks (with their parent links) and meetings by id, memberships by a condition. */
interface Scope {
	networkIds?: readonly string[];
	memberships?: SQL;
	meetingIds?: readonly string[];
}

/** SQL: the ids of the municipality's public networks. */
const publicNetworkIds = (m: Municipality) => sql`(select ${network.id} from ${network} where ${network.municipalityId} = ${m.id} and ${network.visibility} = 'public')`;

/**
 * SQL condition on `network_membership`: published — in a public network of `m`, and of a
 * public actor or of a person who consented to publication (OParl 1.1 "Datenschutz").
 */
const publishedMembership = (m: Municipality) =>
	sql`${networkMembership.networkId} in ${publicNetworkIds(m)} and (case when ${networkMembership.organizationId} is not null then ${isPublicActor(networkMembership.organizationId)} else ${networkMembership.publicationConsent} end)`;

async function published(db: DbOrTx, m: Municipality, scope: Scope): Promise<Published> {
	const meetings = scope.meetingIds?.length
		? await db
				.select()
				.from(meeting)
				.where(and(inArray(meeting.id, [...new Set(scope.meetingIds)]), sql`${meeting.networkId} in ${publicNetworkIds(m)}`))
				.orderBy(asc(meeting.id))
		: [];
	const meetingIds = meetings.map((x) => x.id);
	const networkIds = [...new Set([...(scope.networkIds ?? []), ...meetings.map((x) => x.networkId)])];
	const [parents, items, versions] = await Promise.all([
		networkIds.length ? db.select({ networkId: networkParent.networkId, parentId: networkParent.parentId }).from(networkParent).where(inArray(networkParent.networkId, networkIds)) : [],
		meetingIds.length
			? db
					.select()
					.from(agendaItem)
					.where(and(inArray(agendaItem.meetingId, meetingIds), eq(agendaItem.isPublic, true), eq(agendaItem.state, 'accepted')))
					.orderBy(asc(agendaItem.position), asc(agendaItem.id))
			: [],
		meetingIds.length ? db.select().from(minutesVersion).where(inArray(minutesVersion.meetingId, meetingIds)).orderBy(desc(minutesVersion.version)) : []
	]);
	// Parents are loaded too, so that a network names only a public parent.
	const withParents = [...new Set([...networkIds, ...parents.map((x) => x.parentId)])];
	// Persons named as attending in the latest approved minutes of the meetings.
	const attending = [...new Set(meetingIds.flatMap((id) => versions.find((v) => v.meetingId === id)?.snapshot.attendance.membershipIds ?? []))].filter(isUuid);
	const which = [scope.memberships, attending.length ? inArray(networkMembership.id, attending) : undefined].filter((x): x is SQL => !!x);
	const [networks, memberships] = await Promise.all([
		withParents.length
			? db
					.select()
					.from(network)
					.where(and(inArray(network.id, withParents), eq(network.municipalityId, m.id), eq(network.visibility, 'public')))
					.orderBy(asc(network.id))
			: [],
		which.length
			? db
					.select()
					.from(networkMembership)
					.where(and(publishedMembership(m), or(...which)))
					.orderBy(asc(networkMembership.id))
			: []
	]);
	const [actors, people] = await Promise.all([
		networkActors(db, { ids: memberships.map((x) => x.organizationId).filter((x): x is string => !!x) }),
		networkPeople(db, { ids: memberships.filter((x) => x.publicationConsent).map((x) => x.userId).filter((x): x is string => !!x) })
	]);
	return {
		municipality: m,
		networks,
		parents,
		memberships,
		actors: new Map(actors.filter((a) => a.visibility === 'public').map((a) => [a.id, a])),
		people: new Map(people.map((p) => [p.id, p.displayName])),
		meetings,
		items,
		versions
	};
}

/** The public parts of the latest approved minutes of a meeting, or null. */
function latestMinutes(p: Published, meetingId: string): { version: typeof minutesVersion.$inferSelect; items: MinutesSnapshot['items'] } | null {
	const version = p.versions.find((v) => v.meetingId === meetingId);
	return version ? { version, items: version.snapshot.items.filter((i) => i.isPublic) } : null;
}

/** A person's id: the account's, or the external contact's membership's. */
function personKey(ms: typeof networkMembership.$inferSelect): string | null {
	if (ms.organizationId || !ms.publicationConsent) return null;
	return ms.userId ?? ms.id;
}

function personName(p: Published, ms: typeof networkMembership.$inferSelect): string {
	return ms.userId ? (p.people.get(ms.userId) ?? '') : (ms.personName ?? '');
}

/** Builds the OParl objects of one municipality; `base` is the API's absolute URL. */
function objects(p: Published, base: string) {
	const url = (type: OparlType, id: string) => `${base}/${type}/${id}`;
	const bodyUrl = `${base}/body/${p.municipality.slug}`;
	const publicNetworks = new Set(p.networks.map((n) => n.id));
	const networkOf = new Map(p.networks.map((n) => [n.id, n]));
	const meetingById = new Map(p.meetings.map((x) => [x.id, x]));

	const membership = (ms: typeof networkMembership.$inferSelect) => {
		const person = personKey(ms);
		return {
			id: url('membership', ms.id),
			type: `${SCHEMA}Membership`,
			organization: url('organization', ms.networkId),
			...(person ? { person: url('person', person) } : {}),
			...(ms.organizationId ? { onBehalfOf: url('organization', ms.organizationId) } : {}),
			role: ROLE_WORDING[ms.role as keyof typeof ROLE_WORDING] ?? ms.role,
			votingRight: VOTING_ROLES.has(ms.role),
			startDate: ms.startsOn,
			...(ms.endsOn ? { endDate: ms.endsOn } : {}),
			created: iso(ms.createdAt),
			modified: iso(ms.updatedAt)
		};
	};

	const networkOrg = (n: typeof network.$inferSelect) => {
		const parent = p.parents.find((x) => x.networkId === n.id && publicNetworks.has(x.parentId));
		return {
			id: url('organization', n.id),
			type: `${SCHEMA}Organization`,
			body: bodyUrl,
			name: n.name,
			...(n.shortName ? { shortName: n.shortName } : {}),
			membership: p.memberships.filter((x) => x.networkId === n.id).map((x) => url('membership', x.id)),
			...(parent ? { subOrganizationOf: url('organization', parent.parentId) } : {}),
			organizationType: 'Gremium',
			classification: KIND_WORDING[n.kind] ?? n.kind,
			startDate: berlinDate(n.createdAt),
			...(n.dissolvedOn || n.endsOn ? { endDate: (n.dissolvedOn ?? n.endsOn)! } : {}),
			keyword: [...n.themeFields],
			created: iso(n.createdAt),
			modified: iso(n.updatedAt)
		};
	};

	const actorOrg = (id: string) => {
		const a = p.actors.get(id)!;
		const ms = p.memberships.filter((x) => x.organizationId === id);
		const first = ms.reduce((d, x) => (x.createdAt < d ? x.createdAt : d), ms[0].createdAt);
		const last = ms.reduce((d, x) => (x.updatedAt > d ? x.updatedAt : d), ms[0].updatedAt);
		return {
			id: url('organization', id),
			type: `${SCHEMA}Organization`,
			body: bodyUrl,
			name: a.name,
			membership: ms.map((x) => url('membership', x.id)),
			organizationType: 'Sonstiges',
			classification: 'Akteur',
			keyword: [a.actorType],
			created: iso(first),
			modified: iso(last)
		};
	};

	const persons = () => {
		const out = new Map<string, typeof networkMembership.$inferSelect[]>();
		for (const ms of p.memberships) {
			const key = personKey(ms);
			if (key) (out.get(key) ?? out.set(key, []).get(key)!).push(ms);
		}
		return out;
	};
	const person = (key: string, ms: typeof networkMembership.$inferSelect[]) => ({
		id: url('person', key),
		type: `${SCHEMA}Person`,
		body: bodyUrl,
		name: personName(p, ms[0]),
		membership: ms.map(membership),
		created: iso(ms.reduce((d, x) => (x.createdAt < d ? x.createdAt : d), ms[0].createdAt)),
		modified: iso(ms.reduce((d, x) => (x.updatedAt > d ? x.updatedAt : d), ms[0].updatedAt))
	});

	const file = (v: typeof minutesVersion.$inferSelect) => {
		const m = meetingById.get(v.meetingId)!;
		return {
			id: url('file', v.id),
			type: `${SCHEMA}File`,
			name: `Protokoll ${m.name} (Version ${v.version})`,
			fileName: `protokoll-${berlinDate(m.startsAt)}-v${v.version}.txt`,
			mimeType: 'text/plain',
			date: berlinDate(v.approvedAt),
			accessUrl: `${url('file', v.id)}/content`,
			meeting: [url('meeting', m.id)],
			agendaItem: v.snapshot.items.filter((i) => i.isPublic).map((i) => url('agendaitem', i.id)),
			created: iso(v.approvedAt),
			modified: iso(v.approvedAt)
		};
	};

	const decisionsOf = (itemId: string) => {
		const item = p.items.find((i) => i.id === itemId);
		if (!item) return [];
		return latestMinutes(p, item.meetingId)?.items.find((i) => i.id === itemId)?.decisions ?? [];
	};

	const consultation = (decisionId: string, itemId: string) => {
		const item = p.items.find((i) => i.id === itemId)!;
		const m = meetingById.get(item.meetingId)!;
		const v = latestMinutes(p, m.id)!.version;
		return {
			id: url('consultation', decisionId),
			type: `${SCHEMA}Consultation`,
			paper: url('paper', decisionId),
			agendaItem: url('agendaitem', item.id),
			meeting: url('meeting', m.id),
			organization: [url('organization', m.networkId)],
			authoritative: true,
			role: 'Beschlussfassung',
			created: iso(v.approvedAt),
			modified: iso(v.approvedAt)
		};
	};

	const agenda = (item: typeof agendaItem.$inferSelect) => {
		const decisions = decisionsOf(item.id);
		const frozen = latestMinutes(p, item.meetingId)?.items.find((i) => i.id === item.id);
		const title = frozen?.title ?? item.title;
		return {
			id: url('agendaitem', item.id),
			type: `${SCHEMA}AgendaItem`,
			meeting: url('meeting', item.meetingId),
			number: String(item.position),
			order: item.position,
			name: title,
			public: true,
			...(decisions.length ? { consultation: url('consultation', decisions[0].id) } : {}),
			...(decisions.length ? { result: decisions.map((d) => RESULT_WORDING[d.result as keyof typeof RESULT_WORDING] ?? d.result).join('; ') } : {}),
			...(decisions.length ? { resolutionText: decisions.map((d) => d.text).join('\n\n') } : {}),
			created: iso(item.createdAt),
			modified: iso(item.updatedAt)
		};
	};

	const paper = (decisionId: string, itemId: string) => {
		const item = p.items.find((i) => i.id === itemId)!;
		const m = meetingById.get(item.meetingId)!;
		const d = decisionsOf(itemId).find((x) => x.id === decisionId)!;
		const n = networkOf.get(m.networkId)!;
		const v = latestMinutes(p, m.id)!.version;
		return {
			id: url('paper', decisionId),
			type: `${SCHEMA}Paper`,
			body: bodyUrl,
			name: d.text.split('\n')[0].slice(0, 200),
			reference: `${n.shortName || n.name} ${berlinDate(m.startsAt)} TOP ${item.position}`,
			date: berlinDate(m.startsAt),
			paperType: 'Beschluss',
			underDirectionOf: [url('organization', n.id)],
			consultation: [consultation(decisionId, itemId)],
			created: iso(v.approvedAt),
			modified: iso(v.approvedAt)
		};
	};

	const meetingObject = (m: typeof meeting.$inferSelect, place: Awaited<ReturnType<typeof meetingPlacesById>>[number] | undefined) => {
		const minutes = latestMinutes(p, m.id);
		const participants = [...new Set((minutes?.version.snapshot.attendance.membershipIds ?? []).map((id) => p.memberships.find((x) => x.id === id)).filter((x) => x && personKey(x)).map((x) => url('person', personKey(x!)!)))];
		return {
			id: url('meeting', m.id),
			type: `${SCHEMA}Meeting`,
			name: m.name,
			meetingState: STATE_WORDING[m.state] ?? m.state,
			cancelled: m.state === 'cancelled',
			start: iso(m.startsAt),
			end: iso(m.endsAt),
			location: {
				id: `${url('meeting', m.id)}#location`,
				type: `${SCHEMA}Location`,
				description: place ? [place.organizationName, place.name].filter(Boolean).join(', ') || place.street : m.placeText,
				...(place?.street ? { streetAddress: place.street } : {}),
				...(place?.postalCode ? { postalCode: place.postalCode } : {}),
				...(place?.city ? { locality: place.city } : {}),
				...(place?.latitude != null && place.longitude != null ? { geojson: { type: 'Feature', geometry: { type: 'Point', coordinates: [place.longitude, place.latitude] }, properties: {} } } : {})
			},
			organization: [url('organization', m.networkId)],
			...(participants.length ? { participant: participants } : {}),
			...(minutes ? { resultsProtocol: file(minutes.version) } : {}),
			agendaItem: p.items.filter((i) => i.meetingId === m.id).map(agenda),
			created: iso(m.createdAt),
			modified: iso(m.updatedAt)
		};
	};

	return { url, bodyUrl, membership, networkOrg, actorOrg, persons, person, file, agenda, paper, consultation, meetingObject, decisionsOf };
}

/** The System object (§3 System): the installation with its bodies list. */
export function oparlSystem(base: string): Record<string, unknown> {
	return {
		id: base,
		type: `${SCHEMA}System`,
		oparlVersion: 'https://schema.oparl.org/1.1/',
		name: 'anlaufstelle – Vernetzung',
		body: `${base}/bodies`,
		product: 'https://github.com/anlaufstelle/anlaufstelle',
		license: 'https://creativecommons.org/licenses/by/4.0/'
	};
}

function bodyObject(m: Municipality, base: string): Record<string, unknown> {
	const b = `${base}/body/${m.slug}`;
	return {
		id: b,
		type: `${SCHEMA}Body`,
		system: base,
		name: m.name,
		shortName: m.slug,
		...(m.officialCode ? { ags: m.officialCode } : {}),
		organization: `${b}/organizations`,
		person: `${b}/persons`,
		meeting: `${b}/meetings`,
		paper: `${b}/papers`,
		agendaItem: `${b}/agendaItems`,
		consultation: `${b}/consultations`,
		file: `${b}/files`,
		membership: `${b}/memberships`,
		legislativeTerm: [],
		created: iso(m.createdAt),
		modified: iso(m.createdAt)
	};
}

/** A list page's body (§2.5): `data`, `pagination` and `links`; `self` is the page's URL. */
function pageBody(data: unknown[], total: number, q: ListQuery, self: URL): Record<string, unknown> {
	const totalPages = Math.max(1, Math.ceil(total / q.perPage));
	const link = (n: number) => {
		const u = new URL(self);
		u.searchParams.delete('page');
		if (n > 1) u.searchParams.set('page', String(n));
		return u.toString();
	};
	return {
		data,
		pagination: { totalElements: total, elementsPerPage: q.perPage, currentPage: q.page, totalPages },
		links: {
			first: link(1),
			...(q.page > 1 ? { prev: link(Math.min(q.page - 1, totalPages)) } : {}),
			self: link(q.page),
			...(q.page < totalPages ? { next: link(q.page + 1) } : {}),
			last: link(totalPages)
		}
	};
}

/** A list page (§2.5) of `all`, which is ordered by id and held in memory (the bodies list). */
function page(all: { created: string; modified: string }[], q: ListQuery, self: URL): Record<string, unknown> {
	const filtered = all.filter(
		(o) =>
			(!q.createdSince || new Date(o.created) >= q.createdSince) &&
			(!q.createdUntil || new Date(o.created) <= q.createdUntil) &&
			(!q.modifiedSince || new Date(o.modified) >= q.modifiedSince) &&
			(!q.modifiedUntil || new Date(o.modified) <= q.modifiedUntil)
	);
	return pageBody(filtered.slice((q.page - 1) * q.perPage, q.page * q.perPage), filtered.length, q, self);
}
/** The bodies list (every municipality). */
export async function oparlBodies(db: DbOrTx, base: string, q: ListQuery, self: URL): Promise<Record<string, unknown>> {
	const all = (await listMunicipalities(db)).sort((a, b) => a.id.localeCompare(b.id)).map((m) => bodyObject(m, base) as { created: string; modified: string });
	return page(all, q, self);
}

async function requireBody(db: DbOrTx, slug: string): Promise<Municipality> {
	const m = /^[a-z0-9-]{1,100}$/.test(slug) ? await findMunicipality(db, slug) : null;
	if (!m) throw new OparlError(404, `Unbekannte Körperschaft: ${slug.slice(0, 100)}`);
	return m;
}

/** One Body. @throws OparlError 404. */
export async function oparlBody(db: DbOrTx, base: string, slug: string): Promise<Record<string, unknown>> {
	return bodyObject(await requireBody(db, slug), base);
}

/** The list an object type is listed in. */
const LIST_OF: Record<OparlType, OparlList> = {
	organization: 'organizations',
	membership: 'memberships',
	person: 'persons',
	meeting: 'meetings',
	agendaitem: 'agendaItems',
	paper: 'papers',
	consultation: 'consultations',
	file: 'files'
};

/** The latest approved minutes version of each meeting of a public network of `m`. */
const latestVersions = (m: Municipality) => sql`(select distinct on (v.meeting_id) v.* from ${minutesVersion} v join ${meeting} mt on mt.id = v.meeting_id
	where mt.network_id in ${publicNetworkIds(m)} order by v.meeting_id, v.version desc)`;

/**
 * A list's published objects as SQL rows: `id` (uuid; the objects' order, as their URLs differ
 * only in it), `ref` and `meeting` (what building the object needs: `n`/`a` for a network or an
 * actor, the agenda item of a decision; the meeting it belongs to), `created` and `modified`
 * (the values the date filters compare, as the objects show them).
 */
function listRows(list: OparlList, m: Municipality): SQL {
	const nets = publicNetworkIds(m);
	const pub = publishedMembership(m);
	switch (list) {
		case 'organizations':
			return sql`select n.id, 'n' as ref, null::uuid as meeting, n.created_at as created, n.updated_at as modified from ${network} n where n.municipality_id = ${m.id} and n.visibility = 'public'
				union all
				select ${networkMembership.organizationId}, 'a', null::uuid, min(${networkMembership.createdAt}), max(${networkMembership.updatedAt}) from ${networkMembership}
				where ${networkMembership.organizationId} is not null and ${pub} group by ${networkMembership.organizationId}`;
		case 'memberships':
			return sql`select ${networkMembership.id} as id, null as ref, null::uuid as meeting, ${networkMembership.createdAt} as created, ${networkMembership.updatedAt} as modified from ${networkMembership} where ${pub}`;
		case 'persons':
			// A person is an account, or an external contact's membership (see personKey).
			return sql`select coalesce(${networkMembership.userId}, ${networkMembership.id}) as id, null as ref, null::uuid as meeting, min(${networkMembership.createdAt}) as created, max(${networkMembership.updatedAt}) as modified
				from ${networkMembership} where ${networkMembership.organizationId} is null and ${pub} group by 1`;
		case 'meetings':
			return sql`select mt.id, null as ref, mt.id as meeting, mt.created_at as created, mt.updated_at as modified from ${meeting} mt where mt.network_id in ${nets}`;
		case 'agendaItems':
			return sql`select ai.id, null as ref, ai.meeting_id as meeting, ai.created_at as created, ai.updated_at as modified from ${agendaItem} ai join ${meeting} mt on mt.id = ai.meeting_id
				where mt.network_id in ${nets} and ai.is_public and ai.state = 'accepted'`;
		case 'papers':
		case 'consultations':
			// Decisions on public items in the latest approved minutes (decisionsOf).
			return sql`select (d->>'id')::uuid as id, ai.id::text as ref, v.meeting_id as meeting, v.approved_at as created, v.approved_at as modified
				from ${latestVersions(m)} v
				cross join lateral jsonb_array_elements(v.snapshot->'items') i
				join ${agendaItem} ai on ai.id = (i->>'id')::uuid and ai.meeting_id = v.meeting_id and ai.is_public and ai.state = 'accepted'
				cross join lateral jsonb_array_elements(i->'decisions') d
				where (i->>'isPublic')::boolean`;
		case 'files':
			return sql`select v.id, null as ref, v.meeting_id as meeting, v.approved_at as created, v.approved_at as modified from ${minutesVersion} v join ${meeting} mt on mt.id = v.meeting_id
				where mt.network_id in ${nets}`;
	}
}

interface ListRow {
	id: string;
	ref: string | null;
	meeting: string | null;
}

/**
 * One page of a list's rows in id order, filtered and counted in SQL (`only`: the row of one id).
 * The filters compare at millisecond precision, as the objects' date-times are written.
 */
async function pageRows(db: DbOrTx, list: OparlList, m: Municipality, q: ListQuery, only?: string): Promise<{ rows: ListRow[]; total: number }> {
	const ms = (col: string) => sql.raw(`date_trunc('milliseconds', s.${col})`);
	const where = [
		...(q.createdSince ? [sql`${ms('created')} >= ${iso(q.createdSince)}::timestamptz`] : []),
		...(q.createdUntil ? [sql`${ms('created')} <= ${iso(q.createdUntil)}::timestamptz`] : []),
		...(q.modifiedSince ? [sql`${ms('modified')} >= ${iso(q.modifiedSince)}::timestamptz`] : []),
		...(q.modifiedUntil ? [sql`${ms('modified')} <= ${iso(q.modifiedUntil)}::timestamptz`] : []),
		...(only ? [sql`s.id = ${only}::uuid`] : [])
	];
	const filtered = sql`from (${listRows(list, m)}) s${where.length ? sql` where ${sql.join(where, sql` and `)}` : sql``}`;
	const result = (await db.execute(
		sql`select s.id::text as id, s.ref::text as ref, s.meeting::text as meeting, count(*) over ()::int as total ${filtered} order by s.id limit ${q.perPage} offset ${(q.page - 1) * q.perPage}`
	)) as unknown as { rows: (ListRow & { total: number })[] };
	let total = result.rows[0]?.total ?? 0;
	// A page past the end has no row to carry the count.
	if (!result.rows.length && q.page > 1) {
		const counted = (await db.execute(sql`select count(*)::int as total ${filtered}`)) as unknown as { rows: { total: number }[] };
		total = counted.rows[0].total;
	}
	return { rows: result.rows.map((r) => ({ id: r.id, ref: r.ref, meeting: r.meeting })), total: Number(total) };
}

/** The OParl objects of a list's rows, in their order, loading only what they need. */
async function build(db: DbOrTx, base: string, m: Municipality, list: OparlList, rows: ListRow[]): Promise<Record<string, unknown>[]> {
	if (!rows.length) return [];
	const ids = rows.map((r) => r.id);
	const meetingIds = [...new Set(rows.map((r) => r.meeting).filter((x): x is string => !!x))];
	let scope: Scope;
	switch (list) {
		case 'organizations': {
			const networkIds = rows.filter((r) => r.ref === 'n').map((r) => r.id);
			const actorIds = rows.filter((r) => r.ref === 'a').map((r) => r.id);
			const which = [networkIds.length ? inArray(networkMembership.networkId, networkIds) : undefined, actorIds.length ? inArray(networkMembership.organizationId, actorIds) : undefined].filter((x): x is SQL => !!x);
			scope = { networkIds, memberships: or(...which) };
			break;
		}
		case 'memberships':
			scope = { memberships: inArray(networkMembership.id, ids) };
			break;
		case 'persons':
			scope = { memberships: and(sql`${networkMembership.organizationId} is null`, inArray(sql`coalesce(${networkMembership.userId}, ${networkMembership.id})`, ids)) };
			break;
		default:
			scope = { meetingIds };
	}
	const p = await published(db, m, scope);
	const o = objects(p, base);
	switch (list) {
		case 'organizations':
			return rows.map((r) => (r.ref === 'n' ? o.networkOrg(p.networks.find((n) => n.id === r.id)!) : o.actorOrg(r.id)));
		case 'memberships':
			return rows.map((r) => o.membership(p.memberships.find((x) => x.id === r.id)!));
		case 'persons': {
			const persons = o.persons();
			return rows.map((r) => o.person(r.id, persons.get(r.id)!));
		}
		case 'meetings': {
			const places = await meetingPlacesById(db, p.meetings.map((x) => x.locationId).filter((x): x is string => !!x));
			return rows.map((r) => {
				const mt = p.meetings.find((x) => x.id === r.id)!;
				return o.meetingObject(mt, places.find((pl) => pl.id === mt.locationId));
			});
		}
		case 'agendaItems':
			return rows.map((r) => o.agenda(p.items.find((x) => x.id === r.id)!));
		case 'papers':
			return rows.map((r) => o.paper(r.id, r.ref!));
		case 'consultations':
			return rows.map((r) => o.consultation(r.id, r.ref!));
		case 'files':
			return rows.map((r) => o.file(p.versions.find((x) => x.id === r.id)!));
	}
}

/**
 * One external list of a body (`organizations`, `memberships`, `persons`, `meetings`,
 * `agendaItems`, `papers`, `consultations`, `files`), ordered by id. The page is selected,
 * filtered and counted in SQL, and only its objects are built, so a page costs about the same
 * at any size of the export (bench/networks.ts).
 * @throws OparlError 404 (unknown body or list).
 */
export async function oparlList(db: DbOrTx, base: string, slug: string, list: string, q: ListQuery, self: URL): Promise<Record<string, unknown>> {
	if (!(OPARL_LISTS as readonly string[]).includes(list)) throw new OparlError(404, `Unbekannte Liste: ${list.slice(0, 100)}`);
	const m = await requireBody(db, slug);
	const { rows, total } = await pageRows(db, list as OparlList, m, q);
	return pageBody(await build(db, base, m, list as OparlList, rows), total, q, self);
}

/** The municipality an object of `type` with `id` belongs to, when it is public; null otherwise. */
async function bodyOf(db: DbOrTx, type: OparlType, id: string): Promise<Municipality | null> {
	let networkId: string | null = null;
	if (type === 'organization') {
		const [n] = await db.select({ id: network.id }).from(network).where(eq(network.id, id));
		if (n) networkId = n.id;
		else {
			const [ms] = await db.select({ networkId: networkMembership.networkId }).from(networkMembership).where(eq(networkMembership.organizationId, id)).limit(1);
			networkId = ms?.networkId ?? null;
		}
	} else if (type === 'membership') {
		[{ networkId } = { networkId: null }] = await db.select({ networkId: networkMembership.networkId }).from(networkMembership).where(eq(networkMembership.id, id));
	} else if (type === 'person') {
		const [ms] = await db.select({ networkId: networkMembership.networkId }).from(networkMembership).where(eq(networkMembership.userId, id)).limit(1);
		const [own] = ms ? [] : await db.select({ networkId: networkMembership.networkId }).from(networkMembership).where(eq(networkMembership.id, id));
		networkId = ms?.networkId ?? own?.networkId ?? null;
	} else if (type === 'meeting') {
		[{ networkId } = { networkId: null }] = await db.select({ networkId: meeting.networkId }).from(meeting).where(eq(meeting.id, id));
	} else if (type === 'agendaitem') {
		[{ networkId } = { networkId: null }] = await db.select({ networkId: meeting.networkId }).from(agendaItem).innerJoin(meeting, eq(meeting.id, agendaItem.meetingId)).where(eq(agendaItem.id, id));
	} else if (type === 'file') {
		[{ networkId } = { networkId: null }] = await db.select({ networkId: meeting.networkId }).from(minutesVersion).innerJoin(meeting, eq(meeting.id, minutesVersion.meetingId)).where(eq(minutesVersion.id, id));
	} else {
		// Papers and consultations are decisions (whether approved minutes hold them is checked below).
		[{ networkId } = { networkId: null }] = await db
			.select({ networkId: meeting.networkId })
			.from(decision)
			.innerJoin(agendaItem, eq(agendaItem.id, decision.agendaItemId))
			.innerJoin(meeting, eq(meeting.id, agendaItem.meetingId))
			.where(eq(decision.id, id));
	}
	if (!networkId) return null;
	const [n] = await db.select({ municipalityId: network.municipalityId, visibility: network.visibility }).from(network).where(eq(network.id, networkId));
	if (!n || n.visibility !== 'public') return null;
	return findMunicipalityById(db, n.municipalityId);
}

/**
 * One object by type and id, if it is published.
 * @throws OparlError 404 (unknown type, malformed or unknown id, or not public).
 */
export async function oparlObject(db: DbOrTx, base: string, type: string, id: string): Promise<Record<string, unknown>> {
	const notFound = () => new OparlError(404, `Unbekanntes Objekt: ${type.slice(0, 40)}/${id.slice(0, 100)}`);
	if (!(OPARL_TYPES as readonly string[]).includes(type) || !isUuid(id)) throw notFound();
	const m = await bodyOf(db, type as OparlType, id);
	if (!m) throw notFound();
	const list = LIST_OF[type as OparlType];
	const { rows } = await pageRows(db, list, m, { page: 1, perPage: 1 }, id);
	const [found] = await build(db, base, m, list, rows);
	if (!found) throw notFound();
	return found;
}

/**
 * The text of a published minutes version (the File's `accessUrl`): its public items with
 * minutes and decisions, in German as recorded.
 * @throws OparlError 404.
 */
export async function oparlFileText(db: DbOrTx, id: string): Promise<string> {
	const notFound = new OparlError(404, `Unbekannte Datei: ${id.slice(0, 100)}`);
	if (!isUuid(id)) throw notFound;
	const m = await bodyOf(db, 'file', id);
	if (!m) throw notFound;
	const [row] = (await pageRows(db, 'files', m, { page: 1, perPage: 1 }, id)).rows;
	if (!row) throw notFound;
	const p = await published(db, m, { meetingIds: [row.meeting!] });
	const v = p.versions.find((x) => x.id === id);
	if (!v) throw notFound;
	const mt = p.meetings.find((x) => x.id === v.meetingId)!;
	const n = p.networks.find((x) => x.id === mt.networkId)!;
	const lines = [`${n.name}: ${mt.name}`, `${berlinDate(mt.startsAt)} · Protokoll, Version ${v.version}, freigegeben am ${berlinDate(v.approvedAt)}`, ''];
	for (const item of v.snapshot.items.filter((i) => i.isPublic)) {
		lines.push(`TOP ${item.position}: ${item.title}`, ...(item.minutes ? [item.minutes] : []));
		for (const d of item.decisions) lines.push(`Beschluss (${RESULT_WORDING[d.result as keyof typeof RESULT_WORDING] ?? d.result}): ${d.text}${d.votesFor !== null ? ` – Ja ${d.votesFor}, Nein ${d.votesAgainst}, Enthaltung ${d.votesAbstain}` : ''}`);
		lines.push('');
	}
	return lines.join('\n');
}
