import type { PageServerLoad } from './$types';

export const load: PageServerLoad = ({ url }) => ({ corrected: url.searchParams.get('result') === 'corrected' });
