/**
 * The meeting pages of the staff area (issue 14 §3, §4): planning a meeting, its agenda with the
 * members' proposals, attendance, minutes, decisions, action items (carried over ones too), the
 * minutes' states and frozen versions, the invitation, and escalating a decision upward. Reads
 * the forms, calls the services and shapes the meeting for the page in the reader's language.
 */
import { formatDateTime, formatTime } from '$lib/format';
import { formatDay } from '$lib/wegweiser';
import { getLocale } from '$lib/paraglide/runtime.js';
import { msg } from '$lib/messages';
import { can, type UserPrincipal } from '../../access';
import { NotFoundError } from '../../core/errors';
import type { Db, DbOrTx } from '../../db/client';
import { meetingPlaces, networkActors } from '../../directory/networks-reads';
import { SUBTOPICS, THEME_FIELDS } from '../../directory/model';
import { listSocialSpaces } from '../../geography/service';
import { NEEDS_URGENCIES } from '../../steering/model';
import { escalateToAgenda, escalateToNeedsReport, escalationsOf } from '../escalations';
import { meetingCalendar, sendInvitations } from '../mails';
import {
	addActionItem,
	addAgendaItem,
	addDecision,
	berlinDateTime,
	changeAgendaItem,
	changeMinutesState,
	createMeeting,
	getMeeting,
	getMinutesVersion,
	proposeAgendaItem,
	recordAttendance,
	reopenMinutes,
	saveItemMinutes,
	setActionItemDone,
	setMeetingState,
	type MeetingView
} from '../meetings';
import { DECISION_RESULTS } from '../model';
import { listNetworks } from '../networks';
import { forForm, formList, formText } from './forms';

/** The choices of the meeting form of a network: places with their accessibility, and the series. */
export async function meetingFormChoices(db: DbOrTx, municipalityId: string) {
	const places = await meetingPlaces(db, municipalityId);
	return {
		places: places.map((p) => ({
			id: p.id,
			label: [p.organizationName, p.name, p.street].filter(Boolean).join(', '),
			stepFree: p.accessibility.includes('step_free'),
			accessibility: p.accessibility.map((a) => msg(`access_${a}`))
		}))
	};
}

/** Plans a meeting from the network page's form. @returns its id and the step-free warning. */
export function createMeetingFromForm(db: Db, p: UserPrincipal, networkId: string, form: FormData) {
	return forForm(() =>
		createMeeting(db, p, networkId, {
			name: formText(form, 'name'),
			startsAt: formText(form, 'startsAt'),
			endsAt: formText(form, 'endsAt'),
			locationId: formText(form, 'locationId') || null,
			placeText: formText(form, 'placeText'),
			proposalDeadline: formText(form, 'proposalDeadline'),
			seriesId: formText(form, 'seriesId') || null,
			newSeriesName: formText(form, 'newSeriesName')
		})
	);
}

/** A meeting's end as its time alone when it ends on the day it starts (Berlin), else date and time. */
function endOf(startsAt: Date, endsAt: Date, locale: string): string {
	const [start, end] = [berlinDateTime(startsAt), berlinDateTime(endsAt)];
	return start.slice(0, 10) === end.slice(0, 10) ? formatTime(end.slice(11, 16), locale) : formatDateTime(endsAt, locale);
}

function shape(view: MeetingView, locale: string, actors: { id: string; name: string; typeLabel: string }[]) {
	const memberName = new Map(view.members.map((m) => [m.id, m.name]));
	return {
		meeting: {
			...view.meeting,
			when: `${formatDateTime(view.meeting.startsAt, locale)} – ${endOf(view.meeting.startsAt, view.meeting.endsAt, locale)}`,
			deadline: formatDateTime(view.meeting.proposalDeadline, locale),
			stateLabel: msg(`nw_meeting_${view.meeting.state}`),
			minutesLabel: msg(`nw_minutes_${view.meeting.minutesState}`),
			startsAtInput: berlinDateTime(view.meeting.startsAt)
		},
		network: { id: view.network.id, name: view.network.name, level: view.network.level, municipalityId: view.network.municipalityId },
		seriesName: view.seriesName,
		place: view.place
			? { label: [view.place.organizationName, view.place.name, view.place.street, [view.place.postalCode, view.place.city].filter(Boolean).join(' ')].filter(Boolean).join(', '), accessibility: view.place.accessibility.map((a) => msg(`access_${a}`)) }
			: { label: view.meeting.placeText, accessibility: [] as string[] },
		stepFreeWarning: view.stepFreeWarning,
		items: view.items.map((i) => ({
			id: i.id,
			position: i.position,
			title: i.title,
			description: i.description,
			isPublic: i.isPublic,
			state: i.state,
			stateLabel: msg(`nw_agenda_${i.state}`),
			minutes: i.minutes,
			fromNetwork: !!i.proposedByNetworkId,
			decisions: i.decisions.map((d) => ({ id: d.id, text: d.text, result: d.result, resultLabel: msg(`nw_result_${d.result}`), votes: d.votesFor === null ? null : { for: d.votesFor, against: d.votesAgainst, abstain: d.votesAbstain } }))
		})),
		actionItems: view.actionItems.map((a) => ({ ...a, dueLabel: a.dueOn, ownerName: memberName.get(a.ownerMembershipId) ?? a.ownerName })),
		attendance: view.attendance,
		members: view.members.filter((m) => m.active).map((m) => ({ id: m.id, name: m.name, kind: m.kind, consented: m.consented, organizationId: m.organizationId })),
		actors,
		versions: view.versions.map((v) => ({ version: v.version, approvedAt: formatDateTime(v.approvedAt, locale) })),
		canCoordinate: view.canCoordinate,
		canPropose: view.canPropose,
		seriesMeetings: view.seriesMeetings.map((s) => ({ ...s, when: formatDateTime(s.startsAt, locale) }))
	};
}

/**
 * A meeting for the staff pages, which are for its network's municipality (like the network
 * page): others see a public network's meetings through the public view and OParl.
 * @throws NotFoundError (unknown, not visible, or of another municipality).
 */
async function staffMeeting(db: DbOrTx, p: UserPrincipal, id: string, now: Date = new Date()): Promise<MeetingView> {
	const view = await getMeeting(db, p, id, now);
	if (!can(p, 'networks:take_part', { municipalityId: view.network.municipalityId })) throw new NotFoundError(`meeting ${id}`);
	return view;
}

/**
 * The meeting page: meeting, place with accessibility, agenda, attendance, minutes, decisions,
 * action items, versions; for coordinators also the choices of the escalation forms.
 * @throws NotFoundError.
 */
export async function meetingPage(db: DbOrTx, p: UserPrincipal, id: string, locale: string, now: Date = new Date()) {
	const view = await staffMeeting(db, p, id, now);
	const actors = view.canCoordinate ? (await networkActors(db, { municipalityId: view.network.municipalityId })).map((a) => ({ id: a.id, name: a.name, typeLabel: msg(`actor_type_${a.actorType}`) })) : [];
	const base = { ...shape(view, locale, actors), results: DECISION_RESULTS.map((r) => ({ key: r, label: msg(`nw_result_${r}`) })) };
	if (!view.canCoordinate) return { ...base, escalation: null };
	const [spaces, networks, escalations] = await Promise.all([listSocialSpaces(db, { municipalityId: view.network.municipalityId }), listNetworks(db, p, view.network.municipalityId, now), escalationsOf(db, view.network.id)]);
	return {
		...base,
		escalation: {
			fields: THEME_FIELDS.map((f) => ({ key: f.key, label: msg(`opt_theme_fields_${f.key}`), subtopics: SUBTOPICS[f.key as keyof typeof SUBTOPICS].map((s) => ({ key: s.key, label: msg(`subtopic_${s.key}`) })) })),
			urgencies: NEEDS_URGENCIES.map((u) => ({ key: u, label: msg(`nr_urgency_${u}`) })),
			spaces: spaces.map((s) => ({ id: s.id, name: s.name })),
			targets: view.network.level === 'local' ? networks.filter((n) => n.level !== 'local' && n.id !== view.network.id).map((n) => ({ id: n.id, name: n.name })) : [],
			done: escalations.filter((e) => e.sourceMeetingId === view.meeting.id).map((e) => ({ decisionId: e.decisionId, kind: e.kind, reportId: e.report?.id ?? null, reference: e.report?.reference ?? null, proposalNetwork: e.proposal?.networkName ?? null }))
		}
	};
}

/** A member proposes an agenda item from the form. @throws NotFoundError for another municipality's meeting. */
export async function proposeFromForm(db: Db, p: UserPrincipal, meetingId: string, form: FormData) {
	await staffMeeting(db, p, meetingId);
	return forForm(() => proposeAgendaItem(db, p, meetingId, { title: formText(form, 'title'), description: formText(form, 'description') }), 'nw-propose');
}

/** The coordinator sets an item on the agenda from the form. */
export function addItemFromForm(db: Db, p: UserPrincipal, meetingId: string, form: FormData) {
	return forForm(() => addAgendaItem(db, p, meetingId, { title: formText(form, 'title'), description: formText(form, 'description'), isPublic: formText(form, 'isPublic') === 'yes' }), 'nw-add');
}

/** The coordinator's buttons on an item: accept, decline, public, internal, up, down. */
export function changeItemFromForm(db: Db, p: UserPrincipal, form: FormData) {
	const itemId = formText(form, 'itemId');
	const change = formText(form, 'change');
	const map: Record<string, Parameters<typeof changeAgendaItem>[3]> = {
		accept: { state: 'accepted' },
		decline: { state: 'declined' },
		public: { isPublic: true },
		internal: { isPublic: false },
		up: { move: 'up' },
		down: { move: 'down' }
	};
	return forForm(() => changeAgendaItem(db, p, itemId, map[change] ?? { state: change }));
}

/** Saves one item's minutes from its form. */
export function minutesFromForm(db: Db, p: UserPrincipal, form: FormData) {
	const itemId = formText(form, 'itemId');
	return forForm(() => saveItemMinutes(db, p, itemId, formText(form, 'minutes')), `nw-item-${itemId}`);
}

/** Records a decision from the form. */
export function decisionFromForm(db: Db, p: UserPrincipal, form: FormData) {
	const itemId = formText(form, 'itemId');
	return forForm(() =>
		addDecision(db, p, itemId, {
			text: formText(form, 'text'),
			result: formText(form, 'result'),
			votesFor: formText(form, 'votesFor'),
			votesAgainst: formText(form, 'votesAgainst'),
			votesAbstain: formText(form, 'votesAbstain')
		}),
		`nw-dec-${itemId}`
	);
}

/** Records an action item from the form. */
export function actionFromForm(db: Db, p: UserPrincipal, meetingId: string, form: FormData) {
	return forForm(() =>
		addActionItem(db, p, meetingId, { title: formText(form, 'title'), ownerMembershipId: formText(form, 'ownerMembershipId'), dueOn: formText(form, 'dueOn'), agendaItemId: formText(form, 'agendaItemId') || null }),
		'nw-action'
	);
}

/** Marks an action item done or open again. */
export function actionDoneFromForm(db: Db, p: UserPrincipal, form: FormData) {
	return setActionItemDone(db, p, formText(form, 'actionItemId'), formText(form, 'done') === 'yes');
}

/** Records attendance from the form's checkboxes. */
export function attendanceFromForm(db: Db, p: UserPrincipal, meetingId: string, form: FormData) {
	return forForm(() => recordAttendance(db, p, meetingId, { organizationIds: formList(form, 'organizationIds'), membershipIds: formList(form, 'membershipIds') }), 'nw-att');
}

/** Moves the meeting (held, cancelled) or its minutes (circulated, approved, back to draft, a new version). */
export function stateFromForm(db: Db, p: UserPrincipal, meetingId: string, form: FormData) {
	const to = formText(form, 'to');
	if (to === 'held' || to === 'cancelled' || to === 'planned') return forForm(() => setMeetingState(db, p, meetingId, to), 'nw-state');
	if (to === 'reopen') return forForm(() => reopenMinutes(db, p, meetingId), 'nw-state');
	return forForm(() => changeMinutesState(db, p, meetingId, to), 'nw-state');
}

/** Mails the invitations. @returns how many went out. */
export function inviteFromForm(db: Db, p: UserPrincipal, meetingId: string) {
	return sendInvitations(db, p, meetingId);
}

/**
 * Escalates a decision from its form: `to=needs` raises a needs report (with a line naming the
 * network, meeting and decision, in German and the reader's language, and the path back);
 * `to=agenda` proposes it to the chosen city-wide body.
 * @returns the new needs report's id, or null for an agenda proposal.
 */
export async function escalateFromForm(db: Db, p: UserPrincipal, meetingId: string, form: FormData, origin: string) {
	const decisionId = formText(form, 'decisionId');
	if (formText(form, 'to') === 'agenda') {
		await forForm(() => escalateToAgenda(db, p, { decisionId }, { targetNetworkId: formText(form, 'targetNetworkId') }), 'nw-up');
		return null;
	}
	const view = await staffMeeting(db, p, meetingId);
	const back = msg('nw_escalation_origin', { network: view.network.name, meeting: view.meeting.name, date: formatDay(view.meeting.startsAt, getLocale()), url: `${origin}/de/staff/networks/meetings/${meetingId}` });
	const made = await forForm(() =>
		escalateToNeedsReport(
			db,
			p,
			{ decisionId },
			{
				title: formText(form, 'title'),
				description: formText(form, 'description'),
				themeField: formText(form, 'themeField'),
				subtopics: formList(form, 'subtopics'),
				socialSpaceIds: formList(form, 'socialSpaceIds'),
				urgency: formText(form, 'urgency') || 'medium'
			},
			back
		),
		'nw-esc'
	);
	return made.needsReportId;
}

/** An approved version of the minutes as its page shows it. @throws NotFoundError. */
export async function minutesVersionPage(db: DbOrTx, p: UserPrincipal, meetingId: string, version: string, locale: string) {
	const n = /^\d{1,6}$/.test(version) ? Number(version) : 0;
	const view = await staffMeeting(db, p, meetingId);
	const v = await getMinutesVersion(db, p, meetingId, n);
	const members = new Map(view.members.map((m) => [m.id, m.name]));
	const actors = new Map((await networkActors(db, { ids: v.snapshot.attendance.organizationIds })).map((a) => [a.id, a.name]));
	return {
		meeting: { id: view.meeting.id, name: view.meeting.name, when: formatDateTime(view.meeting.startsAt, locale) },
		network: { id: view.network.id, name: view.network.name },
		version: v.version,
		approvedAt: formatDateTime(v.approvedAt, locale),
		items: v.snapshot.items.map((i) => ({ ...i, decisions: i.decisions.map((d) => ({ ...d, resultLabel: msg(`nw_result_${d.result}`) })) })),
		present: [...v.snapshot.attendance.organizationIds.map((id) => actors.get(id) ?? ''), ...v.snapshot.attendance.membershipIds.map((id) => members.get(id) ?? '')].filter(Boolean)
	};
}

/** The meeting as an iCalendar file (RFC 5545) for those who may see it. @throws NotFoundError. */
export async function meetingIcs(db: DbOrTx, p: UserPrincipal, meetingId: string, now: Date = new Date()): Promise<string> {
	const view = await staffMeeting(db, p, meetingId, now);
	return meetingCalendar(view, Math.max(0, Math.floor((now.getTime() - view.meeting.createdAt.getTime()) / 60_000)), now);
}
