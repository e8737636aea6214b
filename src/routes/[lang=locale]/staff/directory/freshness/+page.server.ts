import { error, fail } from '@sveltejs/kit';
import { can } from '$lib/server/access';
import { getDb } from '$lib/server/db';
import { getFreshnessDays, listStaleEntries, setFreshnessDays, type StaleEntry } from '$lib/server/directory/freshness';
import { formErrors } from '$lib/server/directory/staff-form';
import { pickText } from '$lib/server/directory/texts';
import { ValidationError } from '$lib/server/core/errors';
import { text } from '$lib/server/http/forms';
import { listDistricts } from '$lib/server/geography/service';
import { listInstances } from '$lib/server/instances/service';
import { formatDateTime } from '$lib/format';
import { msg } from '$lib/messages';
import { sendLinkAction } from '../actions.server';
import type { Actions, PageServerLoad } from './$types';

const NONE = 'none';
const SHOWN = 200;

export const load: PageServerLoad = async ({ locals, url }) => {
	const p = locals.principal!;
	if (!can(p, 'directory:review', { municipalityId: p.municipalityId })) error(403, 'Forbidden');
	const db = await getDb();
	const days = await getFreshnessDays(db, p.municipalityId);
	const [stale, instances, districts] = await Promise.all([
		listStaleEntries(db, p.municipalityId, days),
		listInstances(db, p.municipalityId),
		listDistricts(db, p.municipalityId)
	]);
	const count = (pred: (e: StaleEntry) => boolean) => stale.filter(pred).length;
	const byInstance = [
		...instances.map((i) => ({ key: i.id, name: i.name, count: count((e) => e.instanceId === i.id) })),
		{ key: NONE, name: msg('ds_no_instance'), count: count((e) => !e.instanceId) }
	];
	const byDistrict = [
		...districts.map((d) => ({ key: d.id, name: d.name, count: count((e) => e.districtIds.includes(d.id)) })),
		{ key: NONE, name: msg('ds_no_district'), count: count((e) => !e.districtIds.length) }
	];
	const instance = url.searchParams.get('instance');
	const district = url.searchParams.get('district');
	const group = instance ? byInstance.find((g) => g.key === instance) : district ? byDistrict.find((g) => g.key === district) : undefined;
	const selected = !group
		? []
		: stale.filter((e) =>
				instance ? (instance === NONE ? !e.instanceId : e.instanceId === instance) : district === NONE ? !e.districtIds.length : e.districtIds.includes(district!)
			);
	return {
		days,
		total: stale.length,
		mayConfigure: can(p, 'municipality:administer', { municipalityId: p.municipalityId }),
		byInstance: byInstance.filter((g) => g.count),
		byDistrict: byDistrict.filter((g) => g.count),
		group: group ? { name: group.name, by: instance ? 'instance' : 'district' } : null,
		more: selected.length > SHOWN,
		entries: selected.slice(0, SHOWN).map((e) => ({
			kind: e.kind,
			id: e.id,
			name: typeof e.name === 'string' ? e.name : (pickText(e.name, locals.locale)?.text ?? ''),
			organizationName: e.organizationName,
			lastVerified: e.lastVerifiedAt ? formatDateTime(e.lastVerifiedAt, locals.locale) : null,
			hasEmail: e.hasEmail,
			direct: can(p, 'directory:edit', { municipalityId: p.municipalityId, instanceId: e.instanceId })
		}))
	};
};

export const actions: Actions = {
	days: async ({ locals, request }) => {
		const p = locals.principal!;
		if (!can(p, 'municipality:administer', { municipalityId: p.municipalityId })) error(403, 'Forbidden');
		const raw = text(await request.formData(), 'freshnessDays');
		try {
			await setFreshnessDays(await getDb(), p.municipalityId, /^\d+$/.test(raw) ? Number(raw) : NaN, { userId: p.userId });
		} catch (e) {
			if (e instanceof ValidationError) return fail(400, { errors: formErrors(e.issues), freshnessDays: raw });
			throw e;
		}
		return { daysSaved: true };
	},
	sendLink: async ({ locals, request, url, params }) => {
		const form = await request.formData();
		const kind = text(form, 'kind');
		if (kind !== 'service' && kind !== 'organization') error(400, 'Bad request');
		return sendLinkAction(locals.principal!, kind, text(form, 'id'), form, url.origin, params.lang);
	}
};
