/**
 * Rückmeldung (issue 4 §3): what the receiving partner sees through the link — the topic, the
 * target, the reference code and only what the consent allowed — and their report of the next
 * status, in the partner's language.
 */
import { formatDateTime } from '$lib/format';
import { msg } from '$lib/messages';
import { displayName } from '$lib/wegweiser';
import type { Db, DbOrTx } from '../../db/client';
import { FINAL_REFERRAL_STATUSES, REFERRAL_FAILURE_REASONS, REFERRAL_STATUSES, type ReferralStatus } from '../model';
import { PartnerLinkError, nextPartnerStatuses, resolvePartnerLink, topicMessageKey, updateReferralByToken } from '../referrals';
import { parseBerlinLocal } from '../time';
import { inWords } from './errors';

/**
 * The partner page of a token, in `locale`.
 * @throws PartnerLinkError when the link cannot be used (malformed, unknown, expired, completed).
 */
export async function partnerLinkPage(db: DbOrTx, token: string, locale: string) {
	const state = await resolvePartnerLink(db, token);
	if (state.status !== 'valid') throw new PartnerLinkError(state.status);
	const r = state.referral;
	const current = r.status as ReferralStatus;
	return {
		topic: msg(topicMessageKey(r.topic)),
		target: r.targetLabel,
		referenceCode: r.referenceCode,
		status: current,
		statusLabel: msg(`cr_status_${current}`),
		appointmentAt: r.appointmentAt ? formatDateTime(r.appointmentAt, locale) : null,
		expires: formatDateTime(r.expiresAt, locale),
		shared: { ...state.shared, language: state.shared.language ? displayName(state.shared.language, locale) : undefined },
		next: nextPartnerStatuses(current).map((s) => ({ value: s, label: msg(`cr_status_${s}`) })),
		reasons: REFERRAL_FAILURE_REASONS.map((x) => ({ value: x.key, label: msg(`cr_reason_${x.key}`) }))
	};
}

/** The partner's report as entered (the form is drawn again with it). */
export function partnerReportValues(form: FormData) {
	const field = (name: string) => String(form.get(name) ?? '').trim();
	return { status: field('status'), appointmentAt: field('appointmentAt'), failureReason: field('failureReason') };
}

/**
 * Saves the partner's report.
 * @throws PartnerLinkError (nothing changed); ValidationError with the `cr_error_…` messages.
 */
export async function reportThroughLink(db: Db, token: string, values: ReturnType<typeof partnerReportValues>): Promise<void> {
	const appointmentAt = values.appointmentAt ? (parseBerlinLocal(values.appointmentAt) ?? new Date(Number.NaN)) : null;
	await inWords(() => updateReferralByToken(db, token, { status: values.status, appointmentAt, failureReason: values.failureReason }), 'cr_error_');
}

/** The thank-you page after a report: which status was saved (a vocabulary key from the URL, else nothing). */
export function partnerThanksPage(statusParam: string) {
	const status = (REFERRAL_STATUSES as readonly string[]).includes(statusParam) ? (statusParam as ReferralStatus) : null;
	return { statusLabel: status ? msg(`cr_status_${status}`) : null, final: !!status && FINAL_REFERRAL_STATUSES.includes(status) };
}
