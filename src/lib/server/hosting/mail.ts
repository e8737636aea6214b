/**
 * Messages of hosting (issue 15), each in its recipient's language through `composeMail`:
 * the decision on a booking request (approved, or rejected with the reason) to the provider,
 * the registration confirmation with its cancellation link, the notice of a place freed from the
 * waiting list, the reminder before a session, and the notice that an event was cancelled. Sent after the write they belong to has
 * committed. Links are absolute: the origin is `ORIGIN` (adapter-node's setting), else
 * `http://localhost:<PORT>`.
 */
import { publicOrigin, composeMail, sendMail } from '../core/mail';

/** Links in hosting's mails start with the platform's origin (`core/mail.ts`). */
export { publicOrigin };
import { dateTimeFormat } from '../../intl';
import { m } from '../../paraglide/messages.js';
import { formatDay } from '../../wegweiser';
import { uiLocaleFor } from '../directory/hsds/taxonomy';
import type { Locale } from '../../paraglide/runtime.js';

type MessageFn = (params?: Record<string, unknown>, options?: { locale?: Locale }) => string;

/** Kinds of message; each has `ho_mail_<kind>_subject` and `ho_mail_<kind>_body`. */
export type HostingMailKind = 'approved' | 'rejected' | 'registered' | 'waiting' | 'promoted' | 'reminder' | 'event_cancelled';

/** One message to send. `params` fill the texts (`title`, `when`, `link`, `reason`, …). */
export interface HostingMail {
	to: string;
	locale: string;
	kind: HostingMailKind;
	params: Record<string, string | number>;
}


/** The UI locale for a stored language tag (German when the platform has no such locale). */
export function hostingLocale(tag: string | null | undefined): Locale {
	return uiLocaleFor((tag ?? '').toLowerCase());
}

function textIn(locale: Locale, key: string, params: Record<string, unknown>): string {
	const fn = (m as unknown as Record<string, MessageFn | undefined>)[key];
	return fn ? fn(params, { locale }) : key;
}

/** Date and time of an instant for a message, in Europe/Berlin and the message's language. */
export function mailWhen(at: Date, locale: string): string {
	return dateTimeFormat(hostingLocale(locale), { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/Berlin' }).format(at);
}

/** A calendar day `YYYY-MM-DD` for a message, as a medium date in the message's language. */
export function mailDay(day: string, locale: string): string {
	return formatDay(day, hostingLocale(locale));
}

/** Sends the messages one after another. @throws on the first SMTP failure (the rest are not sent). */
export async function sendHostingMails(mails: readonly HostingMail[]): Promise<void> {
	for (const mail of mails) {
		const lang = hostingLocale(mail.locale);
		await sendMail(composeMail(mail.to, [{ lang, subject: textIn(lang, `ho_mail_${mail.kind}_subject`, mail.params), text: textIn(lang, `ho_mail_${mail.kind}_body`, mail.params) }]));
	}
}
