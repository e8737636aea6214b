/**
 * Weitervermittlungen (issue 4 §3) as staff see them: the instance's referrals with status and
 * history, overdue ones first, the partner link mailed (again) to the partner (issue 12 §7), and
 * the referral slip for an actor with the partner link.
 */
import QRCode from 'qrcode';
import { formatDateTime } from '$lib/format';
import { directionOf } from '$lib/i18n';
import { msg } from '$lib/messages';
import { m } from '$lib/paraglide/messages.js';
import type { Locale } from '$lib/paraglide/runtime';
import { authorize, type UserPrincipal } from '../../access';
import { AccessDeniedError, NotFoundError, ValidationError } from '../../core/errors';
import type { Db, DbOrTx } from '../../db/client';
import { getOrganization, visibleLevels } from '../../directory/service';
import { errorFields, log } from '../../core/log';
import { REFERRAL_LIST_LIMIT, listReferrals, mailPartnerLink, markFollowUpDone, resolvePartnerLink, topicMessageKey, type PartnerMailTexts } from '../referrals';
import { getCaseworkSettings } from '../settings';
import { inWords } from './errors';
import { textIn } from './texts';
import { chooseInstance } from './instance-choice';

/**
 * The referral list of one of the person's instances (`instance`), all or only the overdue ones
 * (`show=overdue`; any other value shows all), dates in `locale`.
 * @throws AccessDeniedError for people who work for no instance.
 */
export async function referralsPage(db: DbOrTx, principal: UserPrincipal, query: { instance: string | null; show: string | null }, locale: string, now: Date = new Date()) {
	const { chosen, mine } = await chooseInstance(db, principal, query.instance);
	if (!chosen) throw new AccessDeniedError();
	const overdueOnly = query.show === 'overdue';
	const list = await listReferrals(db, principal, chosen.id, { overdueOnly }, now);
	const { referralFollowUpDays } = await getCaseworkSettings(db, principal.municipalityId);
	const when = (d: Date) => formatDateTime(d, locale);
	return {
		instance: chosen,
		instances: mine,
		overdueOnly,
		followUpDays: referralFollowUpDays,
		limit: REFERRAL_LIST_LIMIT,
		overdueCount: list.filter((r) => r.overdue).length,
		referrals: list.map((r) => ({
			id: r.id,
			target: r.targetLabel,
			topic: msg(topicMessageKey(r.topic)),
			referenceCode: r.referenceCode,
			status: msg(`cr_status_${r.status}`),
			reason: r.failureReason ? msg(`cr_reason_${r.failureReason}`) : null,
			appointmentAt: r.appointmentAt ? when(r.appointmentAt) : null,
			since: when(r.statusChangedAt),
			linkExpired: r.expiresAt <= now,
			caseId: r.caseId,
			overdue: r.overdue,
			// The link can be mailed while it works: not final, not expired, not erased.
			mailable: !(r.status === 'helped' || r.status === 'not_possible') && r.expiresAt > now && !!r.referenceCode,
			mailedAt: r.mailedAt ? when(r.mailedAt) : null,
			followUpDone: r.followUpDone,
			final: r.status === 'helped' || r.status === 'not_possible',
			history: r.history.map((e) => ({
				status: msg(`cr_status_${e.status}`),
				reason: e.failureReason ? msg(`cr_reason_${e.failureReason}`) : null,
				by: e.by === 'partner' ? msg('cr_by_partner') : msg('cr_by_staff'),
				at: when(e.at)
			}))
		}))
	};
}

/** The partner-link mail in any language the service asks for (the partner's, and German). */
const PARTNER_MAIL: PartnerMailTexts = (locale, facts) => {
	const l = locale as Locale;
	const topic = textIn(l, topicMessageKey(facts.topic), {}, facts.topic);
	return {
		subject: m.out_referral_mail_subject({ code: facts.referenceCode, instance: facts.instance }, { locale: l }),
		body: m.out_referral_mail_body({ instance: facts.instance, topic, code: facts.referenceCode, link: facts.link, expires: formatDateTime(facts.expires, l) }, { locale: l })
	};
};

/**
 * Mails a referral's partner link to the partner (again), in the partner's language and German.
 * @param origin the site's origin, for the link.
 * @returns the address it went to.
 * @throws NotFoundError, AccessDeniedError; ValidationError with the `out_error_…` messages
 *   (`link_unusable`, `no_partner_email`).
 */
export async function sendPartnerMail(db: Db, principal: UserPrincipal, referralId: string, origin: string): Promise<{ email: string }> {
	const sent = await inWords(() => mailPartnerLink(db, principal, referralId, { linkFor: (token, locale) => `${origin}/${locale}/r/${token}`, texts: PARTNER_MAIL }), 'out_error_');
	return { email: sent.email };
}

/**
 * Mails the partner link of a referral just issued, where the partner has an address: the
 * referral stands whether or not the mail goes out (it can be sent again from the list).
 * @returns the address it went to, or null (no address, or the mail failed: logged).
 */
export async function mailIssuedReferral(db: Db, principal: UserPrincipal, referralId: string, origin: string): Promise<string | null> {
	try {
		return (await mailPartnerLink(db, principal, referralId, { linkFor: (token, locale) => `${origin}/${locale}/r/${token}`, texts: PARTNER_MAIL })).email;
	} catch (e) {
		if (!(e instanceof ValidationError)) log.error({ ...errorFields(e), referral: referralId }, 'partner link mail failed');
		return null;
	}
}

/**
 * Records that staff followed up an overdue referral.
 * @throws NotFoundError, AccessDeniedError; ValidationError with the `cr_error_…` messages.
 */
export function followUp(db: Db, principal: UserPrincipal, referralId: string): Promise<void> {
	return inWords(() => markFollowUpDone(db, principal, referralId), 'cr_error_');
}

/**
 * Verweiszettel for a referral to an actor (no single offer), printed by the referring staff
 * right after issuing it: the actor's name and contact, the topic, and the partner box with
 * the link and its QR code. Needs the token, which exists only at issue.
 * @param origin the site's origin, for the partner link.
 * @returns the page (`slip`), or for referrals to an offer the path of the offer's slip (`offer`).
 * @throws NotFoundError (token unknown, used up or not of this referral), AccessDeniedError
 *   without `contacts:record` on the referral's instance.
 */
export async function referralSlipPage(db: DbOrTx, principal: UserPrincipal, referralId: string, token: string, origin: string, locale: Locale) {
	const state = await resolvePartnerLink(db, token);
	if (state.status !== 'valid' || state.referral.id !== referralId) throw new NotFoundError('referral slip');
	const r = state.referral;
	authorize(principal, 'contacts:record', { municipalityId: r.municipalityId, instanceId: r.instanceId });
	if (r.serviceId) return { kind: 'offer' as const, path: `/${locale}/m/${principal.municipalitySlug}/o/${r.serviceId}/slip?ref=${encodeURIComponent(token)}` };
	const org = r.organizationId ? await getOrganization(db, r.organizationId, visibleLevels(principal, r.municipalityId)) : null;
	const link = `${origin}/de/r/${token}`;
	const qr = (await QRCode.toString(link, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' })).replace('<svg ', '<svg aria-hidden="true" focusable="false" ');
	return {
		kind: 'slip' as const,
		target: org?.name ?? r.targetLabel,
		topic: msg(topicMessageKey(r.topic)),
		contact: org ? { phone: org.phone, email: org.email, website: org.website } : null,
		places: (org?.locations ?? []).map((l) => ({ id: l.id, name: l.name, street: l.street, postalCode: l.postalCode, city: l.city })),
		partner: { token, referenceCode: r.referenceCode, link, qr, newcomer: locale, newcomerDir: directionOf(locale) }
	};
}
