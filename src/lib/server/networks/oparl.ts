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
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { networkPeople } from '../accounts/networks-reads';
import { berlinDate } from '../casework/time';
import { isUuid, parseInteger } from '../core/validation';
import type { DbOrTx } from '../db/client';
import { meetingPlacesById, networkActors } from '../directory/networks-reads';
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

/** Everything public of one municipality that the API publishes, loaded once per request. */
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

async function published(db: DbOrTx, m: Municipality): Promise<Published> {
	const networks = await db
		.select()
		.from(network)
		.where(and(eq(network.municipalityId, m.id), eq(network.visibility, 'public')))
		.orderBy(asc(network.id));
	const ids = networks.map((n) => n.id);
	if (!ids.length) return { municipality: m, networks, parents: [], memberships: [], actors: new Map(), people: new Map(), meetings: [], items: [], versions: [] };
	const [parents, memberships, meetings] = await Promise.all([
		db.select().from(networkParent).where(inArray(networkParent.networkId, ids)),
		db.select().from(networkMembership).where(inArray(networkMembership.networkId, ids)).orderBy(asc(networkMembership.id)),
		db.select().from(meeting).where(inArray(meeting.networkId, ids)).orderBy(asc(meeting.id))
	]);
	const meetingIds = meetings.map((x) => x.id);
	const [items, versions, actors, people] = await Promise.all([
		meetingIds.length
			? db
					.select()
					.from(agendaItem)
					.where(and(inArray(agendaItem.meetingId, meetingIds), eq(agendaItem.isPublic, true), eq(agendaItem.state, 'accepted')))
					.orderBy(asc(agendaItem.position))
			: [],
		meetingIds.length ? db.select().from(minutesVersion).where(inArray(minutesVersion.meetingId, meetingIds)).orderBy(desc(minutesVersion.version)) : [],
		networkActors(db, { ids: memberships.map((x) => x.organizationId).filter((x): x is string => !!x) }),
		networkPeople(db, { ids: memberships.filter((x) => x.publicationConsent).map((x) => x.userId).filter((x): x is string => !!x) })
	]);
	return {
		municipality: m,
		networks,
		parents,
		// Memberships of actors that are not public, and of persons without consent, stay out.
		memberships: memberships.filter((x) => (x.organizationId ? actors.some((a) => a.id === x.organizationId && a.visibility === 'public') : x.publicationConsent)),
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

/** A list page (§2.5) of `all`, which is ordered by id; `self` is the page's URL without `page`. */
function page(all: { created: string; modified: string }[], q: ListQuery, self: URL): Record<string, unknown> {
	const filtered = all.filter(
		(o) =>
			(!q.createdSince || new Date(o.created) >= q.createdSince) &&
			(!q.createdUntil || new Date(o.created) <= q.createdUntil) &&
			(!q.modifiedSince || new Date(o.modified) >= q.modifiedSince) &&
			(!q.modifiedUntil || new Date(o.modified) <= q.modifiedUntil)
	);
	const totalPages = Math.max(1, Math.ceil(filtered.length / q.perPage));
	const link = (n: number) => {
		const u = new URL(self);
		u.searchParams.delete('page');
		if (n > 1) u.searchParams.set('page', String(n));
		return u.toString();
	};
	return {
		data: filtered.slice((q.page - 1) * q.perPage, q.page * q.perPage),
		pagination: { totalElements: filtered.length, elementsPerPage: q.perPage, currentPage: q.page, totalPages },
		links: {
			first: link(1),
			...(q.page > 1 ? { prev: link(Math.min(q.page - 1, totalPages)) } : {}),
			self: link(q.page),
			...(q.page < totalPages ? { next: link(q.page + 1) } : {}),
			last: link(totalPages)
		}
	};
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

/**
 * One external list of a body (`organizations`, `memberships`, `persons`, `meetings`,
 * `agendaItems`, `papers`, `consultations`, `files`), ordered by id.
 * @throws OparlError 404 (unknown body or list).
 */
export async function oparlList(db: DbOrTx, base: string, slug: string, list: string, q: ListQuery, self: URL): Promise<Record<string, unknown>> {
	if (!(OPARL_LISTS as readonly string[]).includes(list)) throw new OparlError(404, `Unbekannte Liste: ${list.slice(0, 100)}`);
	const p = await published(db, await requireBody(db, slug));
	const o = objects(p, base);
	const byId = <T extends { id: string }>(xs: T[]) => xs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	let all: Record<string, unknown>[];
	switch (list as OparlList) {
		case 'organizations':
			all = byId([...p.networks.map(o.networkOrg), ...[...p.actors.keys()].map(o.actorOrg)]);
			break;
		case 'memberships':
			all = byId(p.memberships.map(o.membership));
			break;
		case 'persons':
			all = byId([...o.persons()].map(([k, ms]) => o.person(k, ms)));
			break;
		case 'meetings': {
			const places = await meetingPlacesById(db, p.meetings.map((m) => m.locationId).filter((x): x is string => !!x));
			all = byId(p.meetings.map((m) => o.meetingObject(m, places.find((pl) => pl.id === m.locationId))));
			break;
		}
		case 'agendaItems':
			all = byId(p.items.map(o.agenda));
			break;
		case 'papers':
			all = byId(p.items.flatMap((i) => o.decisionsOf(i.id).map((d) => o.paper(d.id, i.id))));
			break;
		case 'consultations':
			all = byId(p.items.flatMap((i) => o.decisionsOf(i.id).map((d) => o.consultation(d.id, i.id))));
			break;
		case 'files':
			all = byId(p.versions.map(o.file));
			break;
	}
	return page(all as { created: string; modified: string; id: string }[], q, self);
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
	const p = await published(db, m);
	const o = objects(p, base);
	const found = await (async (): Promise<Record<string, unknown> | null> => {
		switch (type as OparlType) {
			case 'organization': {
				const n = p.networks.find((x) => x.id === id);
				return n ? o.networkOrg(n) : p.actors.has(id) && p.memberships.some((x) => x.organizationId === id) ? o.actorOrg(id) : null;
			}
			case 'membership': {
				const ms = p.memberships.find((x) => x.id === id);
				return ms ? o.membership(ms) : null;
			}
			case 'person': {
				const ms = o.persons().get(id);
				return ms ? o.person(id, ms) : null;
			}
			case 'meeting': {
				const mt = p.meetings.find((x) => x.id === id);
				if (!mt) return null;
				const [place] = mt.locationId ? await meetingPlacesById(db, [mt.locationId]) : [];
				return o.meetingObject(mt, place);
			}
			case 'agendaitem': {
				const item = p.items.find((x) => x.id === id);
				return item ? o.agenda(item) : null;
			}
			case 'paper':
			case 'consultation': {
				const item = p.items.find((i) => o.decisionsOf(i.id).some((d) => d.id === id));
				return item ? (type === 'paper' ? o.paper(id, item.id) : o.consultation(id, item.id)) : null;
			}
			case 'file': {
				const v = p.versions.find((x) => x.id === id);
				return v ? o.file(v) : null;
			}
		}
	})();
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
	const p = await published(db, m);
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
