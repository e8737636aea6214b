import { error } from '@sveltejs/kit';
import { berlinDate } from '$lib/server/casework/time';
import { buildReport, formatPeriod, parsePeriod, parseScope, reportChoices } from '$lib/server/casework/statistics';
import { getDb } from '$lib/server/db';
import { AccessDeniedError } from '$lib/server/core/errors';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const principal = locals.principal!;
	const db = await getDb();
	const choices = await reportChoices(db, principal);
	// Default: the previous month, the first complete one.
	const [y, mo] = berlinDate(new Date()).split('-').map(Number);
	const defaultPeriod = mo === 1 ? `${y - 1}-12` : `${y}-${String(mo - 1).padStart(2, '0')}`;
	const periodText = url.searchParams.get('period') ?? defaultPeriod;
	const period = parsePeriod(periodText);
	const fallbackScope = choices.instances[0] ? `instance:${choices.instances[0].id}` : choices.municipality ? `municipality:${choices.municipality.id}` : '';
	const scopeText = url.searchParams.get('scope') ?? fallbackScope;
	const scope = parseScope(scopeText);
	let report = null;
	if (scope && period) {
		try {
			report = await buildReport(db, principal, scope, period);
		} catch (e) {
			if (e instanceof AccessDeniedError) error(403, 'Forbidden');
			throw e;
		}
	}
	return {
		choices,
		scopeText,
		periodText,
		periodInvalid: !period,
		report,
		download: report && period ? new URLSearchParams({ scope: scopeText, period: formatPeriod(period) }).toString() : null
	};
};
