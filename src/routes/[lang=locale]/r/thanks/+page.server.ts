import { msg } from '$lib/messages';
import { FINAL_REFERRAL_STATUSES, REFERRAL_STATUSES, type ReferralStatus } from '$lib/server/casework/model';
import type { PageServerLoad } from './$types';

/** After a partner's report: which status was saved (only a vocabulary key travels in the URL). */
export const load: PageServerLoad = ({ url, setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store' });
	const param = url.searchParams.get('status') ?? '';
	const status = (REFERRAL_STATUSES as readonly string[]).includes(param) ? (param as ReferralStatus) : null;
	return { statusLabel: status ? msg(`cr_status_${status}`) : null, final: !!status && FINAL_REFERRAL_STATUSES.includes(status) };
};
