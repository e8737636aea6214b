import { error } from '@sveltejs/kit';
import { can } from '$lib/server/access';
import { berlinDate } from '$lib/server/casework/time';
import { getDb } from '$lib/server/db';
import { listDeadlines } from '$lib/server/steering/programmes';
import type { PageServerLoad } from './$types';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** `YYYY-MM` of the month `delta` months from `year`/`month`. */
function shift(year: number, month: number, delta: number): string {
	const d = new Date(Date.UTC(year, month - 1 + delta, 1));
	return d.toISOString().slice(0, 7);
}

/**
 * Deadline calendar (issue 5 §2): one Europe/Berlin month (`?month=YYYY-MM`, default the current
 * one) of programme deadlines grouped by day, with links to the neighbouring months and the
 * public iCalendar feed.
 */
export const load: PageServerLoad = async ({ locals, url }) => {
	const p = locals.principal!;
	if (!can(p, 'steering:view', { municipalityId: p.municipalityId })) error(403, 'Forbidden');
	const asked = url.searchParams.get('month') ?? '';
	const chosen = MONTH.exec(asked) ? asked : berlinDate(new Date()).slice(0, 7);
	const [year, month] = chosen.split('-').map(Number);
	const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
	const deadlines = await listDeadlines(await getDb(), p.municipalityId, `${chosen}-01`, `${chosen}-${String(last).padStart(2, '0')}`);
	const days: { date: string; items: typeof deadlines }[] = [];
	for (const d of deadlines) {
		const day = days.find((x) => x.date === d.dueOn);
		if (day) day.items.push(d);
		else days.push({ date: d.dueOn, items: [d] });
	}
	return {
		month: chosen,
		monthInvalid: asked !== '' && asked !== chosen,
		previous: shift(year, month, -1),
		next: shift(year, month, 1),
		days,
		feedPath: `/api/steering/${p.municipalitySlug}/deadlines.ics`,
		origin: url.origin
	};
};
