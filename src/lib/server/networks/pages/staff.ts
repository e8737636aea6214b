/**
 * The networks pages of the staff area (issue 14 §1, §4): the list of networks, the form for a
 * new one with its overlap warning, and one network with its members, meetings, escalations
 * (the answers that came back) and figures. Reads the forms, calls the services and shapes their
 * answers for the pages, in the reader's language.
 */
import { formatDateTime } from '$lib/format';
import { msg } from '$lib/messages';
import { can, type UserPrincipal } from '../../access';
import { networkPeople } from '../../accounts/networks-reads';
import { berlinDate } from '../../casework/time';
import { NotFoundError } from '../../core/errors';
import type { Db, DbOrTx } from '../../db/client';
import { networkActors } from '../../directory/networks-reads';
import { THEME_FIELDS } from '../../directory/model';
import { listDistricts, listSocialSpaces } from '../../geography/service';
import { listInstances } from '../../instances/service';
import { coordinatedNetwork, coordinates, visibleNetwork } from '../access';
import { escalationsOf } from '../escalations';
import { meetingsOf, seriesOf } from '../meetings';
import { MEMBERSHIP_ROLES, NETWORK_KINDS, NETWORK_LEVELS, NETWORK_VISIBILITIES } from '../model';
import { addMembership, createNetwork, endMembership, findOverlappingNetworks, listNetworks, membershipsOf, networkSpaceIds, parentIdsOf, updateNetwork, type MembershipInput, type NetworkInput } from '../networks';
import { forForm, formList, formText } from './forms';
import { meetingFormChoices } from './meeting';

/** The labels of a network's keys in the reader's language. */
function labels(n: { kind: string; level: string; visibility: string }) {
	return { kindLabel: msg(`nw_kind_${n.kind}`), levelLabel: msg(`nw_level_${n.level}`), visibilityLabel: msg(`nw_visibility_${n.visibility}`) };
}

/** The networks the person may see, with what they may do here. */
export async function networksListPage(db: DbOrTx, p: UserPrincipal, now: Date = new Date()) {
	const m = p.municipalityId;
	const [networks, instances] = await Promise.all([listNetworks(db, p, m, now), listInstances(db, m)]);
	const instanceName = new Map(instances.map((i) => [i.id, i.name]));
	return {
		networks: networks.map((n) => ({ ...n, ...labels(n), coordinator: n.coordinatingInstanceId ? (instanceName.get(n.coordinatingInstanceId) ?? '') : msg('nw_by_municipality') })),
		canCreate: can(p, 'networks:coordinate', { municipalityId: m, instanceId: null }) || p.instanceIds.some((i) => can(p, 'networks:coordinate', { municipalityId: m, instanceId: i })),
		canMap: can(p, 'networks:map', { municipalityId: m }),
		canPost: can(p, 'networks:post', { municipalityId: m })
	};
}

/** The choices of the network form: vocabularies, social spaces by district, instances the person may coordinate for, possible parent bodies. */
export async function networkFormChoices(db: DbOrTx, p: UserPrincipal, now: Date = new Date()) {
	const m = p.municipalityId;
	const [districts, spaces, instances, networks] = await Promise.all([listDistricts(db, m), listSocialSpaces(db, { municipalityId: m }), listInstances(db, m), listNetworks(db, p, m, now)]);
	return {
		kinds: NETWORK_KINDS.map((k) => ({ key: k.key, label: msg(`nw_kind_${k.key}`) })),
		levels: NETWORK_LEVELS.map((l) => ({ key: l.key, label: msg(`nw_level_${l.key}`) })),
		visibilities: NETWORK_VISIBILITIES.map((v) => ({ key: v, label: msg(`nw_visibility_${v}`), hint: msg(`nw_visibility_${v}_hint`) })),
		fields: THEME_FIELDS.map((f) => ({ key: f.key, label: msg(`opt_theme_fields_${f.key}`) })),
		districts: districts.map((d) => ({ id: d.id, name: d.name, spaces: spaces.filter((s) => s.districtId === d.id).map((s) => ({ id: s.id, name: s.name })) })),
		instances: instances.filter((i) => can(p, 'networks:coordinate', { municipalityId: m, instanceId: i.id })).map((i) => ({ id: i.id, name: i.name })),
		asMunicipality: can(p, 'networks:coordinate', { municipalityId: m, instanceId: null }),
		parents: networks.filter((n) => n.level !== 'local').map((n) => ({ id: n.id, name: n.name }))
	};
}

/** A network's input from its form. */
export function networkFromForm(form: FormData, municipalityId: string): NetworkInput {
	return {
		municipalityId,
		name: formText(form, 'name'),
		shortName: formText(form, 'shortName'),
		description: formText(form, 'description'),
		kind: formText(form, 'kind'),
		level: formText(form, 'level'),
		occasion: formText(form, 'occasion'),
		endsOn: formText(form, 'endsOn') || null,
		coordinatingInstanceId: formText(form, 'coordinatingInstanceId') || null,
		socialSpaceIds: formList(form, 'socialSpaceIds'),
		parentIds: formList(form, 'parentIds'),
		themeFields: formList(form, 'themeFields'),
		visibility: formText(form, 'visibility')
	};
}

/**
 * Creates a network from the form — unless networks overlap it and the person has not yet seen
 * them (`overlapSeen` unset): then the overlaps come back for the warning, and nothing is made.
 * @returns `{ id }` of the new network, or `{ overlaps }` to show.
 * @throws ValidationError with the form's element ids, AccessDeniedError.
 */
export async function createNetworkFromForm(db: Db, p: UserPrincipal, form: FormData, now: Date = new Date()) {
	const input = networkFromForm(form, p.municipalityId);
	if (formText(form, 'overlapSeen') !== '1') {
		const overlaps = await findOverlappingNetworks(db, p, { municipalityId: p.municipalityId, level: input.level, socialSpaceIds: input.socialSpaceIds, themeFields: input.themeFields }, now);
		if (overlaps.length) {
			const spaces = await listSocialSpaces(db, { municipalityId: p.municipalityId });
			const name = new Map(spaces.map((s) => [s.id, s.name]));
			return {
				overlaps: overlaps.map((o) => ({
					id: o.id,
					name: o.name,
					...labels(o),
					sharedSpaces: o.sharedSpaceIds.map((s) => name.get(s) ?? ''),
					sharedFields: o.sharedFields.map((f) => msg(`opt_theme_fields_${f}`))
				}))
			};
		}
	}
	return { id: (await forForm(() => createNetwork(db, p, input, { now }))).id };
}

/**
 * The edit page of a network: the form's choices and the network's values as the form holds them.
 * @throws NotFoundError (unknown, not visible), AccessDeniedError (not coordinating it).
 */
export async function networkEditPage(db: DbOrTx, p: UserPrincipal, id: string, now: Date = new Date()) {
	const net = await coordinatedNetwork(db, p, id, berlinDate(now));
	const [choices, socialSpaceIds, parentIds] = await Promise.all([networkFormChoices(db, p, now), networkSpaceIds(db, net.id), parentIdsOf(db, net.id)]);
	return {
		...choices,
		parents: choices.parents.filter((x) => x.id !== net.id),
		network: { id: net.id, name: net.name },
		values: {
			name: net.name,
			shortName: net.shortName,
			description: net.description,
			kind: net.kind,
			level: net.level,
			occasion: net.occasion,
			endsOn: net.endsOn ?? '',
			coordinatingInstanceId: net.coordinatingInstanceId ?? '',
			socialSpaceIds,
			parentIds,
			themeFields: net.themeFields,
			visibility: net.visibility
		} as Record<string, string | string[]>
	};
}

/** Saves the network's form. @throws as `updateNetwork`, with the form's element ids. */
export function updateNetworkFromForm(db: Db, p: UserPrincipal, id: string, form: FormData): Promise<void> {
	return forForm(() => updateNetwork(db, p, id, networkFromForm(form, p.municipalityId)));
}

/**
 * One network with members, meetings, escalations (with the answers that came back, times in
 * `locale`) and what the person may do; for its coordinators the choices of the member and
 * meeting forms (actors, accounts, places with their accessibility).
 * @throws NotFoundError (unknown, not visible, or of another municipality than the person's).
 */
export async function networkPage(db: DbOrTx, p: UserPrincipal, id: string, locale: string, now: Date = new Date()) {
	const today = berlinDate(now);
	const net = await visibleNetwork(db, p, id, today);
	// The staff page names members (persons too): it is for the network's municipality. Others
	// see a public network through its public view and the OParl API, which publish consented persons only.
	if (!can(p, 'networks:take_part', { municipalityId: net.municipalityId })) throw new NotFoundError(`network ${id}`);
	const canCoordinate = coordinates(p, net);
	const [members, meetings, series, escalations, spaces, instances, all, parentIds, networkSpaces] = await Promise.all([
		membershipsOf(db, [net.id], today),
		meetingsOf(db, net.id),
		seriesOf(db, net.id),
		escalationsOf(db, net.id),
		listSocialSpaces(db, { municipalityId: net.municipalityId }),
		listInstances(db, net.municipalityId),
		listNetworks(db, p, net.municipalityId, now),
		parentIdsOf(db, net.id),
		networkSpaceIds(db, net.id)
	]);
	const [actors, people, choices] = canCoordinate
		? await Promise.all([networkActors(db, { municipalityId: net.municipalityId }), networkPeople(db, { municipalityId: net.municipalityId }), meetingFormChoices(db, net.municipalityId)])
		: [[], [], { places: [] }];
	const spaceName = new Map(spaces.map((s) => [s.id, s.name]));
	const parents = all.filter((n) => n.level !== 'local' && n.id !== net.id);
	return {
		network: { ...net, ...labels(net), coordinator: net.coordinatingInstanceId ? (instances.find((i) => i.id === net.coordinatingInstanceId)?.name ?? '') : msg('nw_by_municipality') },
		spaces: networkSpaces.map((s) => spaceName.get(s) ?? ''),
		parents: parents.filter((x) => parentIds.includes(x.id)).map((x) => ({ id: x.id, name: x.name })),
		themeFields: net.themeFields.map((f) => msg(`opt_theme_fields_${f}`)),
		members: members.map((x) => ({ ...x, roleLabel: msg(`nw_role_${x.role}`), typeLabel: x.actorType ? msg(`actor_type_${x.actorType}`) : msg(`nw_member_${x.kind}`), email: canCoordinate ? x.email : '' })),
		meetings: meetings.map((x) => ({ id: x.id, name: x.name, startsAt: x.startsAt, when: formatDateTime(x.startsAt, locale), state: x.state, stateLabel: msg(`nw_meeting_${x.state}`), minutesLabel: msg(`nw_minutes_${x.minutesState}`) })),
		series,
		escalations: escalations.map((e) => ({
			...e,
			when: formatDateTime(e.createdAt, locale),
			reportStatusLabel: e.report ? msg(`nr_status_${e.report.status}`) : '',
			proposalStateLabel: e.proposal ? msg(`nw_agenda_${e.proposal.state}`) : '',
			answers: e.report?.answers.map((a) => ({ ...a, when: formatDateTime(a.at, locale), statusLabel: a.toStatus ? msg(`nr_status_${a.toStatus}`) : '' })) ?? [],
			decisions: e.proposal?.decisions.map((d) => ({ ...d, resultLabel: msg(`nw_result_${d.result}`) })) ?? []
		})),
		canCoordinate,
		roles: MEMBERSHIP_ROLES.map((r) => ({ key: r, label: msg(`nw_role_${r}`) })),
		actors: actors.filter((a) => !members.some((x) => x.organizationId === a.id && x.active)).map((a) => ({ id: a.id, name: a.name, typeLabel: msg(`actor_type_${a.actorType}`) })),
		people: people.filter((x) => !members.some((y) => y.userId === x.id && y.active)).map((x) => ({ id: x.id, name: x.displayName })),
		places: choices.places,
		today
	};
}

/** A membership's input from the member form (`kind`: actor, account or person). */
export function membershipFromForm(form: FormData): MembershipInput {
	const kind = formText(form, 'kind');
	return {
		organizationId: kind === 'actor' ? formText(form, 'organizationId') || null : null,
		userId: kind === 'account' ? formText(form, 'userId') || null : null,
		person: kind === 'person' ? { name: formText(form, 'personName'), email: formText(form, 'personEmail'), consentOn: formText(form, 'consentOn') } : null,
		consentOn: kind === 'account' ? formText(form, 'consentOn') || null : null,
		publicationConsent: formText(form, 'publicationConsent') === 'yes',
		role: formText(form, 'role'),
		startsOn: formText(form, 'startsOn'),
		endsOn: formText(form, 'endsOn') || null
	};
}

/** Adds a member from the form. @throws as `addMembership`, with the form's element ids. */
export function addMemberFromForm(db: Db, p: UserPrincipal, networkId: string, form: FormData): Promise<{ id: string }> {
	return forForm(() => addMembership(db, p, networkId, membershipFromForm(form)));
}

/** Ends a membership from its row's form. @throws as `endMembership`. */
export function endMemberFromForm(db: Db, p: UserPrincipal, form: FormData): Promise<void> {
	return forForm(() => endMembership(db, p, formText(form, 'membershipId'), formText(form, 'endsOn')));
}
