import { partnerThanksPage } from '$lib/server/casework/pages/partner-link';
import type { PageServerLoad } from './$types';

/** After a partner's report: which status was saved (only a vocabulary key travels in the URL). */
export const load: PageServerLoad = ({ url, setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store' });
	return partnerThanksPage(url.searchParams.get('status') ?? '');
};
