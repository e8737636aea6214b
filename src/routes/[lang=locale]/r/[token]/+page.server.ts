import { error, redirect } from '@sveltejs/kit';
import { countFailure, isBlocked } from '$lib/server/accounts/rate-limit';
import { partnerLinkPage, partnerReportValues, reportThroughLink } from '$lib/server/casework/pages/partner-link';
import { PartnerLinkError } from '$lib/server/casework/referrals';
import { getDb } from '$lib/server/db';
import { handleForm } from '$lib/server/http/errors';
import { clientIp } from '$lib/server/http/forms';
import type { Actions, PageServerLoad } from './$types';

/**
 * Guessing tokens is hopeless (256 bits), but a flood of wrong ones is still refused: at most
 * 30 malformed or unknown tokens per client address in 15 minutes.
 */
const WRONG_TOKENS = { limit: 30, windowMs: 15 * 60_000 };

/** Malformed → 400, unknown → 404, expired or completed → 410; the error page says which. */
async function unusable(e: PartnerLinkError, ip: string): Promise<never> {
	if (e.status === 'malformed' || e.status === 'unknown') await countFailure(await getDb(), `partner-link:${ip}`, WRONG_TOKENS);
	error(e.status === 'malformed' ? 400 : e.status === 'unknown' ? 404 : 410, { message: `referral_link_${e.status}` });
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
	try {
		return await partnerLinkPage(await getDb(), params.token, locals.locale);
	} catch (e) {
		if (e instanceof PartnerLinkError) return unusable(e, ip);
		throw e;
	}
};

export const actions: Actions = {
	// `load` sets no-store for the re-rendered form; a refusal ends in the (uncached) error page.
	// After the token check the service acts as the system principal `partner-link`.
	default: async ({ params, request, getClientAddress }) => {
		const ip = clientIp(getClientAddress);
		const values = partnerReportValues(await request.formData());
		await guard(ip);
		return handleForm(
			async () => {
				try {
					await reportThroughLink(await getDb(), params.token, values);
				} catch (e) {
					if (e instanceof PartnerLinkError) await unusable(e, ip);
					throw e;
				}
				redirect(303, `/${params.lang}/r/thanks?status=${encodeURIComponent(values.status)}`);
			},
			() => ({ values })
		);
	}
};
