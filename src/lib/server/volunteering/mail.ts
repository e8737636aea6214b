/**
 * Messages to volunteers, each in the language the volunteer chose for messages (issue 13 §6,
 * §8, §10): registration links, invitations, reminders 24 hours before a shift, cancellations,
 * care messages, the reminder before a Führungszeugnis lapses and the notice before deletion.
 * Sent through `core/mail.ts` after the write they belong to has committed. Links are absolute:
 * the origin is `ORIGIN` (adapter-node's setting), else `http://localhost:<PORT>`.
 */
import { publicOrigin, sendMail } from '../core/mail';

/** Links in this module's mails start with the platform's origin (`core/mail.ts`). */
export { publicOrigin };
import { m } from '../../paraglide/messages.js';
import { isLocale, type Locale } from '../../paraglide/runtime.js';
import { withLocalDates } from '$lib/format';
import { dateTimeFormat } from '$lib/intl';

type MessageFn = (params?: Record<string, unknown>, options?: { locale?: Locale }) => string;

/** Kinds of message; each has `vo_mail_<kind>_subject` and `vo_mail_<kind>_body`. */
export type MailKind =
	| 'register'
	| 'register_exists'
	| 'invitation'
	| 'reminder'
	| 'cancelled'
	| 'first_follow_up'
	| 'match_follow_up'
	| 'return_reminder'
	| 'check_lapse'
	| 'retention_notice';


/** The UI locale for a stored message language (German when unknown). */
export function mailLocale(tag: string | null | undefined): Locale {
	const primary = (tag ?? '').toLowerCase().split('-')[0];
	return isLocale(primary) ? primary : 'de';
}

/** The message `key` in `locale`, or the key itself. */
export function textIn(locale: Locale, key: string, params: Record<string, unknown> = {}): string {
	const fn = (m as unknown as Record<string, MessageFn | undefined>)[key];
	return fn ? fn(params, { locale }) : key;
}

/** A message of `kind` to one address, in `locale`. */
export interface VolunteerMail {
	to: string;
	locale: string;
	kind: MailKind;
	params: Record<string, string | number>;
}

/** Sends the messages one after another, dates in their parameters as the mail's language writes them. @throws on the first SMTP failure (the rest are not sent). */
export async function sendVolunteerMails(mails: VolunteerMail[]): Promise<void> {
	for (const mail of mails) {
		const locale = mailLocale(mail.locale);
		const params = withLocalDates(mail.params, locale);
		await sendMail({ to: mail.to, subject: textIn(locale, `vo_mail_${mail.kind}_subject`, params), text: textIn(locale, `vo_mail_${mail.kind}_body`, params) });
	}
}

/** Date and time of an instant for a message, in Europe/Berlin and the message's language. */
export function mailWhen(at: Date, locale: string): string {
	return dateTimeFormat(mailLocale(locale), { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/Berlin' }).format(at);
}
