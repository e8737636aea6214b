import { error, fail } from '@sveltejs/kit';
import { can } from '$lib/server/access';
import { getDb } from '$lib/server/db';
import { getFreshnessDays } from '$lib/server/directory/freshness';
import { ValidationError } from '$lib/server/core/errors';
import { text } from '$lib/server/http/forms';
import { COVERAGE_RULE_KEYS, COVERAGE_RULE_LIMITS, DEFAULT_COVERAGE_RULES, getCoverageRules, saveCoverageRules } from '$lib/server/steering/coverage';
import { msg } from '$lib/messages';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const p = locals.principal!;
	if (!can(p, 'steering:view', { municipalityId: p.municipalityId })) error(403, 'Forbidden');
	const db = await getDb();
	return {
		rules: await getCoverageRules(db, p.municipalityId),
		defaults: DEFAULT_COVERAGE_RULES,
		limits: COVERAGE_RULE_LIMITS,
		keys: COVERAGE_RULE_KEYS,
		freshnessDays: await getFreshnessDays(db, p.municipalityId),
		mayConfigure: can(p, 'programmes:manage', { municipalityId: p.municipalityId })
	};
};

export const actions: Actions = {
	default: async ({ locals, request }) => {
		const p = locals.principal!;
		if (!can(p, 'programmes:manage', { municipalityId: p.municipalityId })) error(403, 'Forbidden');
		const form = await request.formData();
		const values = Object.fromEntries(COVERAGE_RULE_KEYS.map((k) => [k, text(form, k)]));
		try {
			await saveCoverageRules(await getDb(), p, p.municipalityId, values);
		} catch (e) {
			if (e instanceof ValidationError) {
				return fail(400, { values, errors: e.issues.map((i) => ({ field: i.field, id: `cv-${i.field}`, message: msg(`cv_error_${i.code}`, i.params ?? {}, msg('cv_error_invalid')) })) });
			}
			throw e;
		}
		return { saved: true };
	}
};
