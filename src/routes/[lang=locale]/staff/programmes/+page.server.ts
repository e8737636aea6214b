import { error } from '@sveltejs/kit';
import { can } from '$lib/server/access';
import { berlinDate } from '$lib/server/casework/time';
import { getDb } from '$lib/server/db';
import { THEME_FIELDS } from '$lib/server/directory/model';
import { listSocialSpaces } from '$lib/server/geography/service';
import { FUNDER_LEVELS, isIsoDate, listProgrammes } from '$lib/server/steering/programmes';
import type { PageServerLoad } from './$types';

/** Programme registry (issue 5 §2): the municipality's programmes, filterable by field, funder level, social space and date. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const p = locals.principal!;
	if (!can(p, 'steering:view', { municipalityId: p.municipalityId })) error(403, 'Forbidden');
	const db = await getDb();
	const fields = THEME_FIELDS.map((t) => t.key);
	const q = (k: string) => url.searchParams.get(k) ?? '';
	const filter = {
		field: fields.includes(q('field')) ? q('field') : '',
		level: (FUNDER_LEVELS as readonly string[]).includes(q('level')) ? q('level') : '',
		space: q('space'),
		active: isIsoDate(q('active')) ? q('active') : '',
		year: /^(19|20)\d\d$/.test(q('year')) ? q('year') : ''
	};
	const spaces = await listSocialSpaces(db, { municipalityId: p.municipalityId });
	if (!spaces.some((s) => s.id === filter.space)) filter.space = '';
	const today = berlinDate(new Date());
	const list = await listProgrammes(
		db,
		p.municipalityId,
		{ field: filter.field || undefined, funderLevel: filter.level || undefined, socialSpaceId: filter.space || undefined, activeOn: filter.active || undefined, activeInYear: filter.year ? Number(filter.year) : undefined },
		today
	);
	return {
		filter,
		activeInvalid: q('active') !== '' && !filter.active,
		yearInvalid: q('year') !== '' && !filter.year,
		canManage: can(p, 'programmes:manage', { municipalityId: p.municipalityId }),
		vocab: { levels: [...FUNDER_LEVELS], fields },
		spaces: spaces.map((s) => ({ id: s.id, name: s.name })),
		programmes: list.map((r) => ({
			id: r.id,
			name: r.name,
			funderLevel: r.funderLevel,
			funderName: r.funderName,
			themeFields: r.themeFields,
			startsOn: r.startsOn,
			endsOn: r.endsOn,
			budgetCents: r.budgetCents,
			nextDeadline: r.nextDeadline,
			isDemo: r.isDemo
		}))
	};
};
