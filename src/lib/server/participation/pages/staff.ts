/**
 * The staff pages of Partizipation (issue 16): the moderation queue of feedback and the list of
 * campaigns with the form to open one; a campaign's page with its pending points (staff see the
 * exact point and the comment to judge it), their moderation and the entry of a paper
 * workshop's points as CSV; the approved feedback on one offer as its provider sees it.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import type { UserPrincipal } from '../../access';
import { authorize } from '../../access';
import { formatDateTime } from '../../../format';
import { NotFoundError, ValidationError } from '../../core/errors';
import { formList, formText } from '../../core/form';
import type { Db, DbOrTx } from '../../db/client';
import { entryNames } from '../../directory/entries';
import { entryPlace } from '../../directory/service';
import { isUuid } from '../../core/validation';
import { listSocialSpaces } from '../../geography/service';
import { createCampaign, enterPoints, findCampaign, listCampaigns, moderatePoints, pendingPointCounts, pendingPoints, type BulkPoint } from '../campaigns';
import { approvedFeedback, feedbackCounts, feedbackQueue, moderateFeedback, type FeedbackRow } from '../feedback';
import { DEFAULT_CATEGORIES, LIMITS } from '../model';
import { categoryLabel } from './labels';
import { msg } from '../../../messages';

function feedbackView(f: FeedbackRow, names: Map<string, string>, locale: string) {
	return {
		id: f.id,
		offer: names.get(f.serviceId) ?? '',
		serviceId: f.serviceId,
		kind: msg(`pa_kind_${f.kind}`),
		via: msg(`pa_via_${f.via}`),
		answers: (['found', 'understood', 'helped'] as const).filter((q) => f[q]).map((q) => `${msg(`pa_question_${q}`)} ${msg(`pa_answer_${f[q]}`)}`),
		comment: f.comment,
		language: f.language,
		flagged: f.flagged,
		at: formatDateTime(f.createdAt, locale)
	};
}

/**
 * The participation start page for staff: pending feedback, the campaigns with their pending
 * points, and the social spaces a new campaign may cover.
 * @throws AccessDeniedError without `participation:moderate` in the person's municipality.
 */
export async function participationStaffPage(db: DbOrTx, p: UserPrincipal, locale: string) {
	const municipalityId = p.municipalityId;
	const queue = await feedbackQueue(db, p, municipalityId);
	const [names, campaigns, spaces] = await Promise.all([
		entryNames(db, queue.map((f) => ({ kind: 'service' as const, id: f.serviceId })), locale),
		listCampaigns(db, municipalityId),
		listSocialSpaces(db, { municipalityId })
	]);
	const pending = await pendingPointCounts(db, campaigns.map((c) => c.id));
	return {
		feedback: queue.map((f) => feedbackView(f, names, locale)),
		campaigns: campaigns.map((c) => ({ id: c.id, title: c.title, opensOn: c.opensOn, closesOn: c.closesOn, pending: pending.get(c.id) ?? 0, isDemo: c.isDemo })),
		spaces: spaces.filter((s) => s.hasBoundary).map((s) => ({ value: s.id, label: s.name })),
		categories: DEFAULT_CATEGORIES.map((k) => ({ value: k, label: msg(`pa_category_${k}`) })),
		defaults: { k: LIMITS.kDefault, cellMeters: LIMITS.cellDefault, retentionDays: LIMITS.retentionDefaultDays }
	};
}

/** Approve or reject one feedback from the queue. @throws as `moderateFeedback`. */
export async function moderateFeedbackFromForm(db: Db, p: UserPrincipal, form: FormData): Promise<void> {
	await moderateFeedback(db, p, formText(form, 'id'), formText(form, 'decision'));
}

function integer(text: string): number {
	return /^\d{1,6}$/.test(text) ? Number(text) : NaN;
}

/** Opens a campaign from the staff form. @returns its id. @throws as `createCampaign`. */
export async function createCampaignFromForm(db: Db, p: UserPrincipal, form: FormData): Promise<string> {
	const c = await createCampaign(db, p, {
		municipalityId: p.municipalityId,
		title: formText(form, 'title'),
		socialSpaceIds: formList(form, 'socialSpaceIds'),
		categories: formList(form, 'categories'),
		opensOn: formText(form, 'opensOn'),
		closesOn: formText(form, 'closesOn'),
		k: integer(formText(form, 'k')),
		cellMeters: integer(formText(form, 'cellMeters')),
		retentionDays: integer(formText(form, 'retentionDays'))
	});
	return c.id;
}

/** The values of the campaign form drawn again after an error. */
export function enteredCampaign(form: FormData) {
	return { title: formText(form, 'title'), socialSpaceIds: formList(form, 'socialSpaceIds'), categories: formList(form, 'categories'), opensOn: formText(form, 'opensOn'), closesOn: formText(form, 'closesOn'), k: formText(form, 'k'), cellMeters: formText(form, 'cellMeters'), retentionDays: formText(form, 'retentionDays') };
}

async function staffCampaign(db: DbOrTx, p: UserPrincipal, id: string) {
	const c = await findCampaign(db, id);
	if (!c || c.municipalityId !== p.municipalityId) throw new NotFoundError('participation_campaign');
	return c;
}

/**
 * A campaign for staff: its pending points with category, space, facts and comment, and the
 * links to the public page and result.
 * @throws NotFoundError for a campaign of another municipality; AccessDeniedError without
 *   `participation:moderate`.
 */
export async function campaignStaffPage(db: DbOrTx, p: UserPrincipal, id: string, locale: string) {
	const c = await staffCampaign(db, p, id);
	authorize(p, 'participation:campaigns', { municipalityId: c.municipalityId });
	const [points, spaces] = await Promise.all([pendingPoints(db, p, c), listSocialSpaces(db, { municipalityId: c.municipalityId })]);
	const spaceName = new Map(spaces.map((s) => [s.id, s.name]));
	return {
		campaign: { id: c.id, title: c.title, opensOn: c.opensOn, closesOn: c.closesOn, k: c.k, cellMeters: c.cellMeters, deleted: !!c.pointsDeletedAt },
		publicBase: `/${locale}/m/${p.municipalitySlug}/participation/${c.id}`,
		points: points.map((pt) => ({
			id: pt.id,
			category: categoryLabel(c, pt.category, locale),
			space: (pt.socialSpaceId && spaceName.get(pt.socialSpaceId)) || '',
			position: pt.latitude === null || pt.longitude === null ? '–' : `${pt.latitude.toFixed(5)}, ${pt.longitude.toFixed(5)}`,
			facts: [pt.ageGroup && msg(`pa_age_${pt.ageGroup}`), pt.newSince && msg(`pa_new_since_${pt.newSince}`)].filter(Boolean).join(' · '),
			comment: pt.comment,
			flagged: pt.flagged
		})),
		categoryKeys: c.categories.join(', ')
	};
}

/** Approve or reject the checked points. @returns how many changed. @throws as `moderatePoints`. */
export async function moderatePointsFromForm(db: Db, p: UserPrincipal, id: string, form: FormData): Promise<number> {
	return moderatePoints(db, p, await staffCampaign(db, p, id), formList(form, 'ids'), formText(form, 'decision'));
}

/**
 * The points of a paper workshop as CSV lines `latitude,longitude,category[,comment,ageGroup,newSince]`
 * (comma or semicolon, a header line allowed).
 * @returns how many points were entered.
 * @throws ValidationError `points` pa_csv_unreadable; otherwise as `enterPoints`.
 */
export async function enterPointsFromForm(db: Db, p: UserPrincipal, id: string, form: FormData): Promise<number> {
	const c = await staffCampaign(db, p, id);
	const text = formText(form, 'points');
	let rows: string[][];
	try {
		rows = parseCsv(text, { delimiter: text.includes(';') ? ';' : ',', relax_column_count: true, skip_empty_lines: true, trim: true, bom: true });
	} catch {
		throw new ValidationError([{ field: 'points', code: 'pa_csv_unreadable' }]);
	}
	if (rows.length && /^lat/i.test(rows[0][0] ?? '')) rows = rows.slice(1);
	const points: BulkPoint[] = rows.map(([latitude = '', longitude = '', category = '', comment = '', ageGroup = '', newSince = '']) => ({ latitude, longitude, category, comment, ageGroup, newSince }));
	return enterPoints(db, p, c.id, points);
}

/**
 * The approved feedback on one offer of the person's municipality, as its provider sees it, with
 * its counts (feedback, "helped: yes", closed and moved reports).
 * @throws AccessDeniedError without `participation:feedback_read`; NotFoundError for an offer
 *   missing or of another municipality.
 */
export async function offerFeedbackStaffPage(db: DbOrTx, p: UserPrincipal, serviceId: string, locale: string) {
	const place = isUuid(serviceId) ? await entryPlace(db, 'service', serviceId) : null;
	if (!place || place.municipalityId !== p.municipalityId) throw new NotFoundError('service');
	const [rows, names, [counts]] = await Promise.all([
		approvedFeedback(db, p, p.municipalityId, serviceId),
		entryNames(db, [{ kind: 'service', id: serviceId }], locale),
		feedbackCounts(db, p, p.municipalityId, [serviceId])
	]);
	const c = counts ?? { feedback: 0, helped: 0, closed: 0, moved: 0 };
	return {
		offer: { id: serviceId, name: names.get(serviceId)! },
		counts: (['feedback', 'helped', 'closed', 'moved'] as const).map((key) => ({ key, label: msg(`pa_count_${key}`), n: c[key] })),
		feedback: rows.map((f) => feedbackView(f, names, locale))
	};
}
