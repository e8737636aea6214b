/**
 * The self-assessment pages (issue 5 §5): the overview (catalogue versions and the comparison of
 * the instances for administrators, their own assessments for instance staff), one assessment,
 * and one catalogue version with its editor. Reads the forms and the query and shapes the
 * services' answers for the pages; form errors keep the services' field paths, which are the
 * form's element ids (`answers-<criterion>-rating`, `criteria-<i>-code`).
 */
import { can, type UserPrincipal } from '../../access';
import { AccessDeniedError, NotFoundError } from '../../core/errors';
import { parseInteger } from '../../core/validation';
import type { Db, DbOrTx } from '../../db/client';
import { listInstances } from '../../instances/service';
import {
	assessmentYear,
	compareAssessments,
	currentCatalogue,
	getAssessment,
	getCatalogue,
	listAssessments,
	listCatalogues,
	openAssessment,
	publishCatalogue,
	saveAssessment,
	saveCatalogueDraft,
	startCatalogueVersion,
	type AnswerInput,
	type CriterionInput
} from '../assessment';
import { maxAssessmentYear, MIN_ASSESSMENT_YEAR } from '../model';
import { formText } from './forms';

/** Blank criterion rows offered below the filled ones. */
export const BLANK_CRITERION_ROWS = 3;

/** Most criterion rows a form may send. */
const MAX_CRITERION_ROWS = 200;

/** The year asked for, when it is an assessment year; null otherwise. */
function yearOf(text: string, now: Date): number | null {
	try {
		return assessmentYear(text, now);
	} catch {
		return null;
	}
}

/**
 * The overview: for administrators (`programmes:manage`) the catalogue versions and the
 * comparison of the instances for `?year` (default last year) and `?catalogue` (a published
 * version, default the current one); for instance staff their instances' assessments. A
 * malformed year shows no comparison and is pointed out.
 * @throws AccessDeniedError for those who neither keep the catalogue nor assess an instance.
 */
export async function assessmentOverviewPage(db: DbOrTx, principal: UserPrincipal, query: URLSearchParams) {
	const municipalityId = principal.municipalityId;
	const scope = { municipalityId };
	const canManage = can(principal, 'programmes:manage', scope);
	const own = (await listInstances(db, municipalityId)).filter((i) => can(principal, 'assessment:submit', { ...scope, instanceId: i.id }));
	if (!canManage && !own.length) throw new AccessDeniedError();
	const now = new Date();
	const defaultYear = now.getUTCFullYear() - 1;
	const yearText = query.get('year') ?? String(defaultYear);
	const year = yearOf(yearText, now);
	const [catalogues, current, mine] = await Promise.all([
		listCatalogues(db, municipalityId),
		currentCatalogue(db, municipalityId),
		listAssessments(db, own.map((i) => i.id))
	]);
	const published = catalogues.filter((c) => c.publishedAt);
	const chosenVersion = query.get('catalogue') ?? '';
	const comparison =
		canManage && year !== null ? await compareAssessments(db, principal, municipalityId, year, published.some((c) => c.id === chosenVersion) ? chosenVersion : undefined, now) : null;
	return {
		canManage,
		yearText,
		yearInvalid: year === null,
		years: { min: MIN_ASSESSMENT_YEAR, max: maxAssessmentYear(now), default: defaultYear },
		catalogues: catalogues.map((c) => ({ id: c.id, version: c.version, title: c.title, published: !!c.publishedAt, publishedAt: c.publishedAt?.toISOString() ?? null })),
		published: published.map((c) => ({ id: c.id, version: c.version })),
		current: current ? { id: current.id, version: current.version, title: current.title, criteria: current.criteria.length } : null,
		comparison,
		instances: own.map((i) => ({ id: i.id, name: i.name })),
		mine: mine.map((a) => ({
			id: a.id,
			year: a.year,
			version: a.version,
			instance: own.find((i) => i.id === a.instanceId)?.name ?? '',
			submitted: !!a.submittedAt
		}))
	};
}

/** Starts the next catalogue version of the principal's municipality. @returns its id. @throws as `startCatalogueVersion`. */
export async function startVersionFromForm(db: Db, principal: UserPrincipal, title: string): Promise<string> {
	return (await startCatalogueVersion(db, principal, principal.municipalityId, title)).id;
}

/** Opens (or continues) the assessment of the form's instance and year. @returns its id. @throws as `openAssessment`. */
export async function openAssessmentFromForm(db: Db, principal: UserPrincipal, form: FormData): Promise<string> {
	return (await openAssessment(db, principal, formText(form, 'instance'), formText(form, 'year'))).id;
}

/**
 * One assessment as its page shows it: read-only once submitted and for administrators.
 * @throws NotFoundError when missing or not visible to the principal.
 */
export async function assessmentPage(db: DbOrTx, principal: UserPrincipal, id: string, query: URLSearchParams) {
	const a = await getAssessment(db, principal, id);
	const editable = !a.submittedAt && can(principal, 'assessment:submit', { municipalityId: principal.municipalityId, instanceId: a.instanceId });
	return {
		assessment: {
			id: a.id,
			year: a.year,
			instanceName: a.instanceName,
			submittedAt: a.submittedAt?.toISOString() ?? null,
			version: a.catalogue.version,
			catalogueTitle: a.catalogue.title,
			criteria: a.catalogue.criteria.map((c) => ({ id: c.id, code: c.code, task: c.task, title: c.title, description: c.description })),
			answers: a.answers
		},
		editable,
		saved: query.get('saved')
	};
}

/** The answers of the assessment form (one `criterion` field per criterion, `rating_<id>`, `evidence_<id>`). */
export function answersFromForm(form: FormData): AnswerInput[] {
	const ids = form.getAll('criterion').filter((v): v is string => typeof v === 'string');
	return ids.map((criterionId) => ({ criterionId, rating: formText(form, `rating_${criterionId}`), evidence: formText(form, `evidence_${criterionId}`) }));
}

/** Saves the answers of the form as a draft or, with `submit`, submits them. @throws as `saveAssessment`. */
export async function saveAssessmentFromForm(db: Db, principal: UserPrincipal, id: string, answers: AnswerInput[], submit: boolean): Promise<void> {
	await saveAssessment(db, principal, id, answers, { submit });
}

/**
 * One catalogue version of the principal's municipality: read-only when published or for
 * those who may not keep it; a draft is edited with blank rows below the criteria.
 * @throws AccessDeniedError without `steering:view`; NotFoundError when it is not there.
 */
export async function cataloguePage(db: DbOrTx, principal: UserPrincipal, id: string) {
	const scope = { municipalityId: principal.municipalityId };
	if (!can(principal, 'steering:view', scope)) throw new AccessDeniedError();
	const catalogue = await getCatalogue(db, principal.municipalityId, id);
	if (!catalogue) throw new NotFoundError(`catalogue ${id}`);
	return {
		catalogue: {
			id: catalogue.id,
			version: catalogue.version,
			title: catalogue.title,
			publishedAt: catalogue.publishedAt?.toISOString() ?? null,
			criteria: catalogue.criteria.map((c) => ({ code: c.code, task: c.task, title: c.title, description: c.description }))
		},
		editable: !catalogue.publishedAt && can(principal, 'programmes:manage', scope),
		rows: catalogue.criteria.length + BLANK_CRITERION_ROWS
	};
}

/** The criterion rows of the catalogue form (`rows`, then `code_<i>`, `task_<i>`, `title_<i>`, `description_<i>`). */
export function criteriaFromForm(form: FormData): CriterionInput[] {
	const rows = Math.min(parseInteger(formText(form, 'rows'), { min: 0 }) ?? 0, MAX_CRITERION_ROWS);
	return Array.from({ length: rows }, (_, i) => ({
		code: formText(form, `code_${i}`),
		task: formText(form, `task_${i}`),
		title: formText(form, `title_${i}`),
		description: formText(form, `description_${i}`)
	}));
}

/** Saves a draft version's title and criteria. @throws as `saveCatalogueDraft`. */
export async function saveCatalogueFromForm(db: Db, principal: UserPrincipal, id: string, input: { title: string; criteria: CriterionInput[] }): Promise<void> {
	await saveCatalogueDraft(db, principal, principal.municipalityId, id, input);
}

/** Publishes a draft version. @throws as `publishCatalogue`. */
export async function publishCatalogueFromForm(db: Db, principal: UserPrincipal, id: string): Promise<void> {
	await publishCatalogue(db, principal, principal.municipalityId, id);
}
