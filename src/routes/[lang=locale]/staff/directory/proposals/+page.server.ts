import { error } from '@sveltejs/kit';
import { can } from '$lib/server/access';
import { getDb } from '$lib/server/db';
import { listProposals, type ProposalView } from '$lib/server/directory/proposals';
import { entryNames, mayUseDirectory } from '$lib/server/directory/staff-view';
import { pickText } from '$lib/server/directory/texts';
import { formatDateTime } from '$lib/format';
import type { TranslatedText } from '$lib/server/directory/schema';
import type { PageServerLoad } from './$types';

const STATUSES = ['open', 'published', 'rejected'] as const;

/** A proposal's title: the proposed name, else the name of the entry it is about. */
function title(p: ProposalView, locale: string, current: Map<string, string>): string {
	const name = (p.payload as { name?: string | TranslatedText }).name;
	if (typeof name === 'string') return name;
	if (name) return pickText(name, locale)?.text ?? '';
	return p.entityId ? (current.get(p.entityId) ?? '') : '';
}

export const load: PageServerLoad = async ({ locals, url }) => {
	const p = locals.principal!;
	if (!mayUseDirectory(p)) error(403, 'Forbidden');
	const reviewer = can(p, 'directory:review', { municipalityId: p.municipalityId });
	const requested = url.searchParams.get('status');
	const status = (STATUSES as readonly string[]).includes(requested ?? '') ? (requested as ProposalView['status']) : 'open';
	const db = await getDb();
	const list = await listProposals(db, p.municipalityId, { status, proposedBy: reviewer ? undefined : p.userId });
	const current = await entryNames(db, list.flatMap((x) => (x.entityId ? [{ kind: x.entityType, id: x.entityId }] : [])), locals.locale);
	return {
		reviewer,
		status,
		statuses: STATUSES,
		proposed: url.searchParams.has('proposed'),
		proposals: list.map((x) => ({
			id: x.id,
			kind: x.entityType,
			isNew: !x.entityId,
			title: title(x, locals.locale, current),
			fields: Object.keys(x.payload).length,
			proposer: x.proposerName ?? '–',
			createdAt: formatDateTime(x.createdAt, locals.locale),
			reviewNote: x.reviewNote
		}))
	};
};
