/**
 * The needs-report pages (issue 5 §1): the list with its filters, map and counts per social
 * space; the report form; one report with its history, links and workflow. Reads the forms and
 * the query, calls the services of `needs.ts` and shapes their answers for the pages, in the
 * reader's language. Form errors name the element of the form they belong to.
 */
import type { Geometry } from 'geojson';
import { formatDateTime } from '$lib/format';
import { can, type Principal, type UserPrincipal } from '../../access';
import { berlinDate } from '../../casework/time';
import { AccessDeniedError, ValidationError, type FieldIssue } from '../../core/errors';
import type { Db, DbOrTx } from '../../db/client';
import { SUBTOPICS, TARGET_GROUPS, THEME_FIELDS } from '../../directory/model';
import { drawAreas } from '../../geography/map';
import { listDistricts, listSocialSpaces } from '../../geography/service';
import { listInstances } from '../../instances/service';
import { NEEDS_STATUS_FILTERS, NEEDS_STATUSES, NEEDS_URGENCIES, OPEN_NEEDS_STATUSES, needsTopicKeys } from '../model';
import {
	answeredSince,
	changeNeedsStatus,
	createNeedsReport,
	findOffersToLink,
	getNeedsAttachment,
	getNeedsReport,
	linkNeedsReport,
	listNeedsReports,
	listProgrammesToLink,
	respondToNeedsReport,
	unlinkNeedsReport,
	type NeedsFilters,
	type NeedsLinkTarget,
	type NeedsReportInput
} from '../needs';
import { forForm, formList, formText, needsCode, viewIssues } from './forms';

/** Query parameters of the list and the filters they set. */
const FILTER_PARAMS = { status: 'status', field: 'themeField', space: 'socialSpaceId', district: 'districtId', instance: 'instanceId', urgency: 'urgency' } as const;

/** The form element of each field of the report form. */
const REPORT_FIELDS: Record<string, string> = {
	instanceId: 'nr-instance',
	title: 'nr-title',
	description: 'nr-description',
	themeField: 'nr-theme',
	subtopics: 'nr-subtopics',
	targetGroups: 'nr-groups',
	socialSpaceIds: 'nr-spaces',
	urgency: 'nr-urgency-medium',
	evidenceTopic: 'nr-evidence-topic',
	evidenceFrom: 'nr-evidence-from',
	evidenceTo: 'nr-evidence-to',
	evidenceNote: 'nr-evidence-note',
	attachment: 'nr-attachment'
};

/** The form elements of the status, response and link forms of a report. */
const STATUS_FIELDS = { status: 'nr-to-status', reason: 'nr-reason', body: 'nr-status-body' };
const RESPOND_FIELDS = { body: 'nr-body' };
const LINK_FIELDS = { serviceId: 'nr-offer-search', programmeId: 'nr-programme' };

/**
 * The report list of the principal's municipality, filtered by the query (`status`, `field`,
 * `space`, `district`, `instance`, `urgency`, `open=1`, `answered=1`: answered by someone else
 * within `NEW_ANSWER_DAYS` of `needs.ts`), with the map of the social spaces (or,
 * where they have no boundaries, the districts) and the counts per social space.
 * @throws ValidationError naming a malformed filter (`listNeedsReports`), answered 400.
 */
export async function needsListPage(db: DbOrTx, principal: UserPrincipal, locale: string, query: URLSearchParams, now: Date = new Date()) {
	const municipalityId = principal.municipalityId;
	const filters: NeedsFilters = { openOnly: query.get('open') === '1' };
	const chosen: Record<string, string> = { open: filters.openOnly ? '1' : '', answered: query.get('answered') === '1' ? '1' : '' };
	if (chosen.answered) filters.answeredSince = answeredSince(now);
	for (const [param, key] of Object.entries(FILTER_PARAMS)) {
		const v = query.get(param)?.trim() ?? '';
		chosen[param] = v;
		if (v) filters[key] = v;
	}
	const reports = await listNeedsReports(db, principal, municipalityId, filters);
	const steer = can(principal, 'needs:steer', { municipalityId });
	const [districts, spaces, instances] = await Promise.all([
		listDistricts(db, municipalityId),
		listSocialSpaces(db, { municipalityId, districtId: chosen.district || undefined, withBoundaries: true }),
		listInstances(db, municipalityId)
	]);
	const open = new Set<string>(OPEN_NEEDS_STATUSES);
	const perSpace = new Map<string, { open: number; closed: number }>();
	for (const r of reports) {
		for (const s of r.spaces) {
			const c = perSpace.get(s.id) ?? { open: 0, closed: 0 };
			if (open.has(r.status)) c.open++;
			else c.closed++;
			perSpace.set(s.id, c);
		}
	}
	// Each area links to the list filtered by that social space, keeping the other filters.
	const hrefFor = (spaceId: string) => {
		const q = new URLSearchParams(Object.entries(chosen).filter(([k, v]) => v && k !== 'space'));
		q.set('space', spaceId);
		return `/${locale}/staff/needs?${q}`;
	};
	let drawn = drawAreas(spaces.map((s) => ({ id: s.id, label: s.name, href: hrefFor(s.id), boundary: s.boundary as Geometry | null })));
	const counts = new Map(spaces.map((s) => [s.id, perSpace.get(s.id)]));
	// Where the social spaces have no boundaries (Düsseldorf's Stadtteile), the districts are
	// drawn instead, each with the reports of its social spaces (a report counts once per district).
	let byDistrict = false;
	if (!drawn && !chosen.district) {
		const withBoundaries = await listDistricts(db, municipalityId, { withBoundaries: true });
		const districtOf = new Map(spaces.map((s) => [s.id, s.districtId]));
		for (const d of withBoundaries) counts.set(d.id, { open: 0, closed: 0 });
		for (const r of reports) {
			for (const d of new Set(r.spaces.map((s) => districtOf.get(s.id)))) {
				const c = d && counts.get(d);
				if (c) c[open.has(r.status) ? 'open' : 'closed']++;
			}
		}
		const q = new URLSearchParams(Object.entries(chosen).filter(([k, v]) => v && k !== 'space' && k !== 'district'));
		drawn = drawAreas(withBoundaries.map((d) => ({ id: d.id, label: d.name, href: `/${locale}/staff/needs?${q}${q.size ? '&' : ''}district=${d.id}`, boundary: d.boundary as Geometry | null })));
		byDistrict = !!drawn;
	}
	const reportsFor = (instanceId: string) => can(principal, 'needs:report', { municipalityId, instanceId });
	return {
		canReport: principal.instanceIds.some(reportsFor) || steer,
		steer,
		chosen,
		reports: reports.map((r) => ({
			...r,
			createdAt: formatDateTime(r.createdAt, locale),
			firstResponseAt: r.firstResponseAt ? formatDateTime(r.firstResponseAt, locale) : null
		})),
		byDistrict,
		map: drawn && {
			...drawn,
			areas: drawn.areas.map((a) => {
				const c = counts.get(a.id);
				return { ...a, open: c?.open ?? 0, closed: c?.closed ?? 0 };
			})
		},
		spaceCounts: spaces.filter((s) => perSpace.has(s.id)).map((s) => ({ id: s.id, name: s.name, href: hrefFor(s.id), ...perSpace.get(s.id)! })),
		options: {
			statuses: [...NEEDS_STATUS_FILTERS],
			urgencies: [...NEEDS_URGENCIES],
			fields: THEME_FIELDS.map((t) => t.key),
			districts: districts.map((d) => ({ id: d.id, name: d.name })),
			spaces: spaces.map((s) => ({ id: s.id, name: s.name })),
			instances: instances.filter((i) => steer || reportsFor(i.id)).map((i) => ({ id: i.id, name: i.name }))
		}
	};
}

/** Instances the principal may report for; administrators may also report for the municipality. */
async function reportingChoices(db: DbOrTx, p: UserPrincipal) {
	const all = await listInstances(db, p.municipalityId);
	const instances = all.filter((i) => can(p, 'needs:report', { municipalityId: p.municipalityId, instanceId: i.id })).map((i) => ({ id: i.id, name: i.name }));
	return { instances, asMunicipality: can(p, 'needs:steer', { municipalityId: p.municipalityId }) };
}

/** `YYYY-MM` of the month `n` months before this one (Europe/Berlin). */
function monthsBack(n: number): string {
	const [y, mo] = berlinDate(new Date()).split('-').map(Number);
	const i = y * 12 + mo - 1 - n;
	return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

/**
 * The report form: the instances the principal may report for (and the municipality itself for
 * administrators), the social spaces by district, the vocabularies and the default evidence
 * period (the last three months). @throws AccessDeniedError for those who may report for none.
 */
export async function needsFormPage(db: DbOrTx, principal: UserPrincipal) {
	const choices = await reportingChoices(db, principal);
	if (!choices.instances.length && !choices.asMunicipality) throw new AccessDeniedError();
	const [districts, spaces] = await Promise.all([listDistricts(db, principal.municipalityId), listSocialSpaces(db, { municipalityId: principal.municipalityId })]);
	return {
		...choices,
		districts: districts
			.map((d) => ({ id: d.id, name: d.name, spaces: spaces.filter((s) => s.districtId === d.id).map((s) => ({ id: s.id, name: s.name })) }))
			.filter((d) => d.spaces.length),
		fields: THEME_FIELDS.map((f) => ({ key: f.key, subtopics: SUBTOPICS[f.key as keyof typeof SUBTOPICS].map((s) => s.key) })),
		targetGroups: TARGET_GROUPS.map((t) => t.key),
		urgencies: [...NEEDS_URGENCIES],
		topics: needsTopicKeys(),
		defaultFrom: monthsBack(3),
		defaultTo: monthsBack(0)
	};
}

/** The report form as entered, to draw it again. */
export type NeedsFormValues = Pick<NeedsReportInput, 'title' | 'description' | 'themeField' | 'subtopics' | 'targetGroups' | 'socialSpaceIds' | 'urgency'> & {
	/** '' for a report by the municipality. */
	instanceId: string;
	evidenceNote: string;
	evidenceTopic: string;
	evidenceFrom: string;
	evidenceTo: string;
};

/** The entered values of the report form (the attachment is read by `createNeedsReportFromForm`). */
export async function needsFormValues(db: DbOrTx, principal: UserPrincipal, form: FormData): Promise<NeedsFormValues> {
	const choices = await reportingChoices(db, principal);
	const list = (name: string) => formList(form, name);
	return {
		instanceId: formText(form, 'instanceId') || (choices.instances.length === 1 && !choices.asMunicipality ? choices.instances[0].id : ''),
		title: formText(form, 'title'),
		description: formText(form, 'description'),
		themeField: formText(form, 'themeField'),
		subtopics: list('subtopics'),
		targetGroups: list('targetGroups'),
		socialSpaceIds: list('socialSpaceIds'),
		urgency: formText(form, 'urgency'),
		evidenceNote: formText(form, 'evidenceNote'),
		evidenceTopic: formText(form, 'evidenceTopic'),
		evidenceFrom: formText(form, 'evidenceFrom'),
		evidenceTo: formText(form, 'evidenceTo')
	};
}

/**
 * Creates a needs report from the form in the principal's municipality.
 * @returns the new report's id.
 * @throws ValidationError with the form's element ids (see `createNeedsReport`), and its other errors.
 */
export async function createNeedsReportFromForm(db: Db, principal: UserPrincipal, values: NeedsFormValues, form: FormData): Promise<string> {
	const file = form.get('attachment');
	const attachment = file instanceof File && file.size > 0 ? { name: file.name, type: file.type, data: Buffer.from(await file.arrayBuffer()) } : null;
	const created = await forForm(
		() =>
			createNeedsReport(db, principal, {
				municipalityId: principal.municipalityId,
				instanceId: values.instanceId || null,
				title: values.title,
				description: values.description,
				themeField: values.themeField,
				subtopics: values.subtopics,
				targetGroups: values.targetGroups,
				socialSpaceIds: values.socialSpaceIds,
				urgency: values.urgency,
				evidenceNote: values.evidenceNote,
				evidence: values.evidenceTopic ? { topic: values.evidenceTopic, fromMonth: values.evidenceFrom, toMonth: values.evidenceTo } : null,
				attachment
			}),
		{ fields: REPORT_FIELDS, code: needsCode }
	);
	return created.id;
}

/**
 * One report as its page shows it: dates in the reader's language, the workflow steps, and for
 * administrators the programmes and (with `offer` in the query) the offers to link.
 * @throws NotFoundError, AccessDeniedError (see `getNeedsReport`).
 */
export async function needsReportPage(db: DbOrTx, principal: UserPrincipal, id: string, locale: string, query: URLSearchParams) {
	const view = await getNeedsReport(db, principal, id, locale);
	const offerQuery = query.get('offer')?.trim() ?? '';
	const municipalityId = view.report.municipalityId;
	const [programmes, offers] = view.canSteer
		? await Promise.all([listProgrammesToLink(db, principal, municipalityId), findOffersToLink(db, principal, municipalityId, offerQuery, locale)])
		: [[], []];
	const linked = new Set(view.links.map((l) => l.id));
	const at = (d: Date | null) => (d ? formatDateTime(d, locale) : null);
	return {
		view: {
			...view,
			report: { ...view.report, createdAt: at(view.report.createdAt), firstResponseAt: at(view.report.firstResponseAt), closedAt: at(view.report.closedAt), updatedAt: null },
			events: view.events.map((e) => ({ ...e, at: at(e.at) }))
		},
		steps: NEEDS_STATUSES.filter((s) => s !== 'declined'),
		programmes: programmes.filter((x) => !linked.has(x.id)),
		offerQuery,
		offers: offers.filter((o) => !linked.has(o.id)),
		created: query.get('created') === '1'
	};
}

/** The status form as entered. */
export function statusValues(form: FormData): { status: string; reason: string; body: string } {
	return { status: formText(form, 'status'), reason: formText(form, 'reason'), body: formText(form, 'statusBody') };
}

/**
 * Moves a report to the status of the form.
 * @returns the issues of a step out of order (`transition`, with the form's element ids) — the
 *   page answers them as a conflict (409) — or null when the status was changed.
 * @throws ValidationError with the form's element ids for other bad input; NotFoundError,
 *   AccessDeniedError.
 */
export async function changeNeedsStatusFromForm(db: Db, principal: Principal, id: string, values: { status: string; reason: string; body: string }): Promise<FieldIssue[] | null> {
	const view = { fields: STATUS_FIELDS, code: needsCode };
	try {
		await changeNeedsStatus(db, principal, id, values.status, { reason: values.reason, body: values.body });
		return null;
	} catch (e) {
		if (e instanceof ValidationError && e.issues.some((i) => i.code === 'transition')) return viewIssues(e.issues, view);
		if (e instanceof ValidationError) throw new ValidationError(viewIssues(e.issues, view));
		throw e;
	}
}

/** Writes the response of the form. @throws ValidationError with the form's element ids; NotFoundError, AccessDeniedError. */
export function respondFromForm(db: Db, principal: Principal, id: string, body: string): Promise<void> {
	return forForm(() => respondToNeedsReport(db, principal, id, body), { fields: RESPOND_FIELDS, code: needsCode });
}

/** The offer or programme a link form names. */
function linkTarget(form: FormData): NeedsLinkTarget {
	return formText(form, 'kind') === 'programme' ? { kind: 'programme', id: formText(form, 'targetId') } : { kind: 'service', id: formText(form, 'targetId') };
}

/** Links the offer or programme of the form. @throws ValidationError with the form's element ids; NotFoundError, AccessDeniedError. */
export async function linkFromForm(db: Db, principal: Principal, id: string, form: FormData): Promise<void> {
	await forForm(() => linkNeedsReport(db, principal, id, linkTarget(form)), { fields: LINK_FIELDS, code: needsCode });
}

/** Removes the link the form names. @throws NotFoundError, AccessDeniedError. */
export function unlinkFromForm(db: Db, principal: Principal, id: string, form: FormData): Promise<void> {
	return unlinkNeedsReport(db, principal, id, linkTarget(form));
}

/**
 * The attachment of a report as a download response: never shown inline (the file comes from a
 * user), not cached. @throws NotFoundError, AccessDeniedError.
 */
export async function needsAttachmentResponse(db: DbOrTx, principal: Principal, id: string): Promise<Response> {
	const file = await getNeedsAttachment(db, principal, id);
	const ascii = file.name.replace(/[^\w.\- ]/g, '_');
	return new Response(new Uint8Array(file.data), {
		headers: {
			'content-type': file.type,
			'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
			'x-content-type-options': 'nosniff',
			'cache-control': 'private, no-store'
		}
	});
}
