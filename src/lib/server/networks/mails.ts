/**
 * The mails of Vernetzung (issue 14 §3, §5): meeting invitations with an iCalendar part (RFC
 * 5545, made by ical-generator) and the newsletter digests with a one-click unsubscribe link
 * (RFC 8058 `List-Unsubscribe` / `List-Unsubscribe-Post`). Written in each recipient's language
 * (their digest language; German otherwise), so this file makes text for people outside
 * `pages/`: the digest is sent by a background job, which has no page (architecture test
 * `MESSAGE_USERS`). Mail goes through `core/mail.ts`; nothing personal is logged.
 *
 * Links in mails use `ORIGIN` (the public address adapter-node reads), or
 * `http://localhost:<PORT>` when it is unset.
 */
import { eq } from 'drizzle-orm';
import ical, { ICalCalendarMethod } from 'ical-generator';
import { m } from '../../paraglide/messages.js';
import { auditActor, type Principal } from '../access';
import { recordAudit } from '../audit/service';
import { berlinTime } from '../casework/time';
import { formatPlainNumber, formatTime } from '../../format';
import { formatDay } from '../../wegweiser';
import { AccessDeniedError } from '../core/errors';
import { log } from '../core/log';
import { publicOrigin, sendMail, type Mail } from '../core/mail';

/** Links in this module's mails start with the platform's origin (`core/mail.ts`). */
export { publicOrigin };
import type { Db } from '../db/client';
import { DIGEST_LANGUAGES } from './model';
import { getMeeting, type MeetingView } from './meetings';
import { dueDigests, markDigestsSent, subscriptionLanguages, type Digest } from './posts';
import { meeting } from './schema';

type Locale = (typeof DIGEST_LANGUAGES)[number];


/** The place of a meeting in words: the directory place's name and address, or the text given. */
function placeLine(view: MeetingView): string {
	if (!view.place) return view.meeting.placeText;
	const p = view.place;
	return [p.organizationName, p.name, p.street, [p.postalCode, p.city].filter(Boolean).join(' ')].filter(Boolean).join(', ');
}

/**
 * The meeting as an iCalendar object (RFC 5545, METHOD:PUBLISH): one VEVENT with a stable UID
 * (the meeting's id), DTSTAMP, DTSTART/DTEND in UTC, SUMMARY, LOCATION, the accepted agenda in
 * DESCRIPTION and a growing SEQUENCE, so calendars update the event when it is sent again.
 */
export function meetingCalendar(view: MeetingView, sequence: number, now: Date): string {
	const calendar = ical({ prodId: { company: 'anlaufstelle', product: 'networks', language: 'DE' }, method: ICalCalendarMethod.PUBLISH });
	const agenda = view.items.filter((i) => i.state === 'accepted').map((i, n) => `${n + 1}. ${i.title}`);
	calendar.createEvent({
		id: `${view.meeting.id}@anlaufstelle.meeting`,
		sequence,
		stamp: now,
		start: view.meeting.startsAt,
		end: view.meeting.endsAt,
		summary: `${view.network.name}: ${view.meeting.name}`,
		location: placeLine(view) || null,
		description: agenda.join('\n') || null,
		url: `${publicOrigin()}/de/staff/networks/meetings/${view.meeting.id}`
	});
	return calendar.toString();
}

/** An instant's Berlin time as the reader's language writes it (`17:00`; `۱۷:۰۰`); its day is `formatDay`'s. */
const timeIn = (at: Date, locale: Locale) => formatTime(berlinTime(at), locale);

/** The invitation mail for one recipient in their language: dates and times as that language writes them. */
export function invitationMail(view: MeetingView, to: string, locale: Locale, sequence: number, now: Date): Mail {
	const o = { locale };
	const when = m.nw_mail_when({ date: formatDay(view.meeting.startsAt, locale), start: timeIn(view.meeting.startsAt, locale), end: timeIn(view.meeting.endsAt, locale) }, o);
	const lines = [
		m.nw_mail_invitation_intro({ network: view.network.name, meeting: view.meeting.name }, o),
		'',
		when,
		m.nw_mail_where({ place: placeLine(view) }, o),
		...(view.stepFreeWarning ? [m.nw_mail_no_step_free({}, o)] : []),
		m.nw_mail_deadline({ date: formatDay(view.meeting.proposalDeadline, locale), time: timeIn(view.meeting.proposalDeadline, locale) }, o),
		'',
		m.nw_mail_agenda({}, o),
		...view.items.filter((i) => i.state === 'accepted').map((i, n) => `${formatPlainNumber(n + 1, locale)}. ${i.title}`),
		'',
		`${publicOrigin()}/${locale}/staff/networks/meetings/${view.meeting.id}`
	];
	return {
		to,
		subject: m.nw_mail_invitation_subject({ network: view.network.name, date: formatDay(view.meeting.startsAt, locale) }, o),
		text: lines.join('\n'),
		attachments: [{ filename: 'einladung.ics', content: meetingCalendar(view, sequence, now), contentType: 'text/calendar; charset=utf-8; method=PUBLISH' }]
	};
}

/**
 * Mails the invitation with its iCalendar part to every active member with an address (accounts,
 * external contacts, actors' contact addresses), once per address, and notes when it was sent.
 * @returns how many mails went out.
 * @throws NotFoundError, AccessDeniedError (not coordinating the network).
 */
export async function sendInvitations(db: Db, principal: Principal, meetingId: string, now: Date = new Date()): Promise<{ sent: number }> {
	const view = await getMeeting(db, principal, meetingId, now);
	if (!view.canCoordinate) throw new AccessDeniedError();
	const recipients = new Map<string, string | null>();
	for (const member of view.members) if (member.active && member.email) recipients.set(member.email.toLowerCase(), member.userId);
	const languages = await subscriptionLanguages(db, [...recipients.values()].filter((u): u is string => !!u));
	// SEQUENCE must grow with each revision (RFC 5545 §3.8.7.4): minutes since the meeting was planned.
	const sequence = Math.max(0, Math.floor((now.getTime() - view.meeting.createdAt.getTime()) / 60_000));
	for (const [email, userId] of recipients) {
		const lang = ((userId && languages.get(userId)) || 'de') as Locale;
		await sendMail(invitationMail(view, email, lang, sequence, now));
	}
	await db.transaction(async (tx) => {
		await tx.update(meeting).set({ invitedAt: now }).where(eq(meeting.id, view.meeting.id));
		await recordAudit(tx, { ...auditActor(principal), municipalityId: view.network.municipalityId, action: 'invite', entityType: 'meeting', entityId: view.meeting.id, changes: { recipients: [null, recipients.size] } });
	});
	return { sent: recipients.size };
}

/** One digest as a mail, in the reader's language (dates too), with the one-click unsubscribe headers. */
export function digestMail(digest: Digest): Mail {
	const o = { locale: digest.language as Locale };
	const unsubscribe = `${publicOrigin()}/${digest.language}/networks/unsubscribe/${digest.token}`;
	const body = digest.posts.flatMap((p) => [`■ ${p.title}`, `${formatDay(p.publishedAt, o.locale)} · ${m[`nw_direction_${p.direction as 'down' | 'up' | 'sideways'}`]({}, o)}`, '', p.body, '']);
	return {
		to: digest.email,
		subject: m.nw_mail_digest_subject({ count: digest.posts.length }, o),
		text: [m.nw_mail_digest_intro({ count: digest.posts.length }, o), '', ...body, '—', m.nw_mail_unsubscribe({ url: unsubscribe }, o)].join('\n'),
		headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }
	};
}

/**
 * The digest job: sends every due digest that has posts and marks all due ones sent (a quiet
 * interval sends nothing). A failed mail leaves its subscription due for the next run.
 * @returns counts for the job log: sent, without posts, failed.
 */
export async function runDigests(db: Db, now: Date = new Date(), send: (mail: Mail) => Promise<void> = sendMail): Promise<{ sent: number; empty: number; failed: number }> {
	const digests = await dueDigests(db, now);
	const done: string[] = [];
	let sent = 0;
	let failed = 0;
	for (const d of digests) {
		if (!d.posts.length) {
			done.push(d.subscriptionId);
			continue;
		}
		try {
			await send(digestMail(d));
			done.push(d.subscriptionId);
			sent++;
		} catch (e) {
			failed++;
			log.warn({ job: 'network-digest', error: (e as Error)?.name ?? 'Error' }, 'digest mail failed');
		}
	}
	await markDigestsSent(db, done, now);
	return { sent, empty: digests.length - sent - failed, failed };
}
