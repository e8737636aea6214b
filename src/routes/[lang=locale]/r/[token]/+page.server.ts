import { parseBerlinLocal } from '$lib/server/casework/time';
import { error, fail, redirect } from '@sveltejs/kit';
import { formatDateTime } from '$lib/format';
import { displayName } from '$lib/wegweiser';
import { msg } from '$lib/messages';
import { countFailure, isBlocked } from '$lib/server/accounts/rate-limit';
import { getDb } from '$lib/server/db';
import { REFERRAL_FAILURE_REASONS, type ReferralStatus } from '$lib/server/casework/model';
import { issueErrors } from '$lib/server/casework/referral-messages';
import {
	PartnerLinkError,
	nextPartnerStatuses,
	resolvePartnerLink,
	topicMessageKey,
	updateReferralByToken
} from '$lib/server/casework/referrals';
import { ValidationError } from '$lib/server/core/errors';
import { clientIp, text } from '$lib/server/http/forms';
import type { Actions, PageServerLoad } from './$types';

/**
 * Guessing tokens is hopeless (256 bits), but a flood of wrong ones is still refused: at most
 * 30 malformed or unknown tokens per client address in 15 minutes.
 */
const WRONG_TOKENS = { limit: 30, windowMs: 15 * 60_000 };

type Unusable = PartnerLinkError['status'];

/** Malformed → 400, unknown → 404, expired or completed → 410; the error page says which. */
async function unusable(status: Unusable, ip: string): Promise<never> {
	if (status === 'malformed' || status === 'unknown') await countFailure(await getDb(), `partner-link:${ip}`, WRONG_TOKENS);
	error(status === 'malformed' ? 400 : status === 'unknown' ? 404 : 410, { message: `referral_link_${status}` });
}

async function guard(ip: string): Promise<void> {
	if (await isBlocked(await getDb(), `partner-link:${ip}`, WRONG_TOKENS)) error(429, { message: 'referral_link_rate_limited' });
}

/**
 * Rückmeldung (issue 4 §3): the receiving partner, without an account, sees the topic, the
 * target, the reference code and only what the consent allowed, and reports the next status.
 * The page is never cached and sends no referrer, so the token leaks nowhere.
 */
export const load: PageServerLoad = async ({ params, locals, setHeaders, getClientAddress }) => {
	setHeaders({ 'cache-control': 'no-store' });
	const ip = clientIp(getClientAddress);
	await guard(ip);
	const state = await resolvePartnerLink(await getDb(), params.token);
	if (state.status !== 'valid') return unusable(state.status, ip);
	const r = state.referral;
	const current = r.status as ReferralStatus;
	return {
		topic: msg(topicMessageKey(r.topic)),
		target: r.targetLabel,
		referenceCode: r.referenceCode,
		status: current,
		statusLabel: msg(`cr_status_${current}`),
		appointmentAt: r.appointmentAt ? formatDateTime(r.appointmentAt, locals.locale) : null,
		expires: formatDateTime(r.expiresAt, locals.locale),
		shared: { ...state.shared, language: state.shared.language ? displayName(state.shared.language, locals.locale) : undefined },
		next: nextPartnerStatuses(current).map((s) => ({ value: s, label: msg(`cr_status_${s}`) })),
		reasons: REFERRAL_FAILURE_REASONS.map((x) => ({ value: x.key, label: msg(`cr_reason_${x.key}`) }))
	};
};

export const actions: Actions = {
	// `load` sets no-store for the re-rendered form; a refusal ends in the (uncached) error page.
	default: async ({ params, request, getClientAddress }) => {
		const ip = clientIp(getClientAddress);
		await guard(ip);
		const form = await request.formData();
		const status = text(form, 'status');
		const when = text(form, 'appointmentAt');
		const failureReason = text(form, 'failureReason');
		const appointmentAt = when ? (parseBerlinLocal(when) ?? new Date(Number.NaN)) : null;
		try {
			await updateReferralByToken(await getDb(), params.token, { status, appointmentAt, failureReason });
		} catch (e) {
			if (e instanceof PartnerLinkError) await unusable(e.status, ip);
			if (e instanceof ValidationError) return fail(400, { errors: issueErrors(e.issues), values: { status, appointmentAt: when, failureReason } });
			throw e;
		}
		redirect(303, `/${params.lang}/r/thanks?status=${encodeURIComponent(status)}`);
	}
};
