/**
 * Selbstbewertung der Instanzen (issue 5 §5): the municipality keeps a versioned catalogue of
 * tasks and quality criteria (Aufgabenkatalog und Qualitätskriterien, seed 000); each instance
 * rates itself per criterion per year (0 not met, 1 partly, 2 largely, 3 fully met) with
 * evidence; the municipality compares the instances.
 *
 * Rules: a catalogue version is edited as a DRAFT and frozen when published; a new version starts
 * as a copy of the latest one (only when that one is published). Instances assess against the
 * newest published version; an assessment is a draft until submitted, then read-only, and is
 * submitted only when every criterion is rated. Admins (`programmes:manage`) keep the catalogue
 * and compare; instance staff (`assessment:submit`) fill in their instance's assessment.
 * Error codes (`sa_err_*`) are message keys.
 */
import { and, asc, desc, eq, inArray, isNotNull } from 'drizzle-orm';
import { auditActor, authorize, can, type Principal } from '../access';
import { recordAudit } from '../audit/service';
import { NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { isUuid, parseInteger } from '../core/validation';
import type { Db, DbOrTx } from '../db/client';
import { findInstanceById, listInstances } from '../instances/service';
import { CRITERION_CODE, CRITERION_LONG_MAX, CRITERION_TEXT_MAX, maxAssessmentYear, MIN_ASSESSMENT_YEAR, RATINGS } from './model';
import { assessment, assessmentAnswer, assessmentCatalogue, assessmentCriterion } from './schema';

export type Catalogue = typeof assessmentCatalogue.$inferSelect;
export type Criterion = typeof assessmentCriterion.$inferSelect;
export type Assessment = typeof assessment.$inferSelect;

/** A criterion as entered in the catalogue editor. Rows with every field empty are ignored. */
export interface CriterionInput {
	code: string;
	task: string;
	title: string;
	description: string;
}

/** A catalogue version with its criteria in order. */
export interface CatalogueDetail extends Catalogue {
	criteria: Criterion[];
}

/** An assessment with its instance, catalogue (with criteria) and answers by criterion id. */
export interface AssessmentDetail extends Assessment {
	instanceName: string;
	catalogue: CatalogueDetail;
	answers: Record<string, { rating: number; evidence: string }>;
}

/** The municipality's catalogue versions, newest first. */
export function listCatalogues(db: DbOrTx, municipalityId: string): Promise<Catalogue[]> {
	return db.select().from(assessmentCatalogue).where(eq(assessmentCatalogue.municipalityId, municipalityId)).orderBy(desc(assessmentCatalogue.version));
}

/** One catalogue version of the municipality with its criteria; null when missing or foreign. */
export async function getCatalogue(db: DbOrTx, municipalityId: string, id: string): Promise<CatalogueDetail | null> {
	if (!isUuid(id)) return null;
	const [row] = await db.select().from(assessmentCatalogue).where(and(eq(assessmentCatalogue.id, id), eq(assessmentCatalogue.municipalityId, municipalityId)));
	if (!row) return null;
	const criteria = await db.select().from(assessmentCriterion).where(eq(assessmentCriterion.catalogueId, id)).orderBy(asc(assessmentCriterion.position));
	return { ...row, criteria };
}

/** The newest PUBLISHED version (what instances assess against); null when none is published. */
export async function currentCatalogue(db: DbOrTx, municipalityId: string): Promise<CatalogueDetail | null> {
	const [row] = await db
		.select()
		.from(assessmentCatalogue)
		.where(and(eq(assessmentCatalogue.municipalityId, municipalityId), isNotNull(assessmentCatalogue.publishedAt)))
		.orderBy(desc(assessmentCatalogue.version))
		.limit(1);
	return row ? getCatalogue(db, municipalityId, row.id) : null;
}

/**
 * Starts the next catalogue version: version 1 (empty, titled `title`) when there is none,
 * otherwise a draft copy (title and criteria) of the latest version, which must be published.
 * Audited. @throws AccessDeniedError without `programmes:manage`; ValidationError
 * `version`/`sa_err_draft_exists` when the latest version is still a draft, `title`/`required` |
 * `too_long`.
 */
export async function startCatalogueVersion(db: Db, principal: Principal, municipalityId: string, title = '', options: { isDemo?: boolean } = {}): Promise<Catalogue> {
	authorize(principal, 'programmes:manage', { municipalityId });
	return db.transaction(async (tx) => {
		const [latest] = await tx
			.select()
			.from(assessmentCatalogue)
			.where(eq(assessmentCatalogue.municipalityId, municipalityId))
			.orderBy(desc(assessmentCatalogue.version))
			.limit(1);
		if (latest && !latest.publishedAt) throw new ValidationError([{ field: 'version', code: 'sa_err_draft_exists', params: { version: latest.version } }]);
		const newTitle = (title.trim() || latest?.title || '').trim();
		if (!newTitle) throw new ValidationError([{ field: 'title', code: 'required' }]);
		if (newTitle.length > CRITERION_TEXT_MAX) throw new ValidationError([{ field: 'title', code: 'too_long', params: { max: CRITERION_TEXT_MAX } }]);
		const [row] = await tx
			.insert(assessmentCatalogue)
			.values({ municipalityId, version: (latest?.version ?? 0) + 1, title: newTitle, isDemo: options.isDemo ?? false })
			.returning();
		if (latest) {
			const criteria = await tx.select().from(assessmentCriterion).where(eq(assessmentCriterion.catalogueId, latest.id));
			if (criteria.length) {
				await tx.insert(assessmentCriterion).values(criteria.map(({ id: _id, catalogueId: _c, ...c }) => ({ ...c, catalogueId: row.id })));
			}
		}
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId,
			action: 'create',
			entityType: 'assessment_catalogue',
			entityId: row.id,
			changes: { version: [null, row.version], copiedFrom: [null, latest?.version ?? null] }
		});
		return row;
	});
}

/** The catalogue version `id` of the municipality, which must still be a draft. */
async function draftOf(db: DbOrTx, municipalityId: string, id: string): Promise<Catalogue> {
	const [row] = isUuid(id) ? await db.select().from(assessmentCatalogue).where(eq(assessmentCatalogue.id, id)) : [];
	if (!row || row.municipalityId !== municipalityId) throw new NotFoundError(`catalogue ${id}`);
	if (row.publishedAt) throw new ValidationError([{ field: 'version', code: 'sa_err_published', params: { version: row.version } }]);
	return row;
}

/**
 * Replaces a DRAFT version's title and criteria (in the given order; blank rows skipped).
 * Audited. @throws AccessDeniedError; NotFoundError; ValidationError — `version`/
 * `sa_err_published` for a published version, `title`/`required`, `criteria.<i>.code`
 * (`required`, `sa_err_code`, `sa_err_code_taken`), `criteria.<i>.task`/`.title` (`required`,
 * `too_long`).
 */
export async function saveCatalogueDraft(
	db: Db,
	principal: Principal,
	municipalityId: string,
	id: string,
	input: { title: string; criteria: CriterionInput[] }
): Promise<CatalogueDetail> {
	authorize(principal, 'programmes:manage', { municipalityId });
	return db.transaction(async (tx) => {
		const row = await draftOf(tx, municipalityId, id);
		const issues: FieldIssue[] = [];
		if (!input.title.trim()) issues.push({ field: 'title', code: 'required' });
		else if (input.title.length > CRITERION_TEXT_MAX) issues.push({ field: 'title', code: 'too_long', params: { max: CRITERION_TEXT_MAX } });
		const rows = input.criteria
			.map((c, i) => ({ c: { code: c.code.trim(), task: c.task.trim(), title: c.title.trim(), description: c.description.trim() }, i }))
			.filter(({ c }) => c.code || c.task || c.title || c.description);
		const seen = new Set<string>();
		for (const { c, i } of rows) {
			if (!c.code) issues.push({ field: `criteria.${i}.code`, code: 'required' });
			else if (!CRITERION_CODE.test(c.code)) issues.push({ field: `criteria.${i}.code`, code: 'sa_err_code' });
			else if (seen.has(c.code.toLowerCase())) issues.push({ field: `criteria.${i}.code`, code: 'sa_err_code_taken', params: { code: c.code } });
			seen.add(c.code.toLowerCase());
			for (const f of ['task', 'title'] as const) {
				if (!c[f]) issues.push({ field: `criteria.${i}.${f}`, code: 'required' });
				else if (c[f].length > CRITERION_TEXT_MAX) issues.push({ field: `criteria.${i}.${f}`, code: 'too_long', params: { max: CRITERION_TEXT_MAX } });
			}
			if (c.description.length > CRITERION_LONG_MAX) issues.push({ field: `criteria.${i}.description`, code: 'too_long', params: { max: CRITERION_LONG_MAX } });
		}
		if (issues.length) throw new ValidationError(issues);
		const before = await tx.select().from(assessmentCriterion).where(eq(assessmentCriterion.catalogueId, id));
		await tx.delete(assessmentCriterion).where(eq(assessmentCriterion.catalogueId, id));
		if (rows.length) await tx.insert(assessmentCriterion).values(rows.map(({ c }, position) => ({ ...c, position, catalogueId: id })));
		await tx.update(assessmentCatalogue).set({ title: input.title.trim(), updatedAt: new Date() }).where(eq(assessmentCatalogue.id, id));
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId,
			action: 'update',
			entityType: 'assessment_catalogue',
			entityId: id,
			changes: {
				...(row.title !== input.title.trim() ? { title: [row.title, input.title.trim()] } : {}),
				criteria: [before.sort((a, b) => a.position - b.position).map((c) => c.code), rows.map(({ c }) => c.code)]
			}
		});
		return (await getCatalogue(tx, municipalityId, id))!;
	});
}

/**
 * Publishes a draft version: from now on it is frozen and instances assess against it.
 * Audited. @throws AccessDeniedError; NotFoundError; ValidationError `version`/`sa_err_published`
 * (already published) or `criteria`/`sa_err_no_criteria` (empty catalogue).
 */
export async function publishCatalogue(db: Db, principal: Principal, municipalityId: string, id: string, now: Date = new Date()): Promise<Catalogue> {
	authorize(principal, 'programmes:manage', { municipalityId });
	return db.transaction(async (tx) => {
		await draftOf(tx, municipalityId, id);
		const criteria = await tx.select({ id: assessmentCriterion.id }).from(assessmentCriterion).where(eq(assessmentCriterion.catalogueId, id));
		if (!criteria.length) throw new ValidationError([{ field: 'criteria', code: 'sa_err_no_criteria' }]);
		const [row] = await tx.update(assessmentCatalogue).set({ publishedAt: now, updatedAt: now }).where(eq(assessmentCatalogue.id, id)).returning();
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId,
			action: 'publish',
			entityType: 'assessment_catalogue',
			entityId: id,
			changes: { publishedAt: [null, now.toISOString()] }
		});
		return row;
	});
}

/**
 * The assessment year from a number or text (`"2025"`).
 * @throws ValidationError `year`/`sa_err_year` outside MIN_ASSESSMENT_YEAR … next year.
 */
export function assessmentYear(value: number | string, now: Date = new Date()): number {
	const max = maxAssessmentYear(now);
	const year = typeof value === 'number' ? (Number.isInteger(value) ? value : null) : parseInteger(value, { min: MIN_ASSESSMENT_YEAR, max });
	if (year === null || year < MIN_ASSESSMENT_YEAR || year > max) throw new ValidationError([{ field: 'year', code: 'sa_err_year', params: { min: MIN_ASSESSMENT_YEAR, max } }]);
	return year;
}

/**
 * The instance's assessment for `year` against the current published version, created (empty,
 * draft) when there is none yet. Audited on creation.
 * @throws AccessDeniedError without `assessment:submit` on the instance; ValidationError
 *   `year`/`sa_err_year` (see `assessmentYear`) or `catalogue`/`sa_err_no_catalogue`;
 *   NotFoundError for an unknown instance.
 */
export async function openAssessment(db: Db, principal: Principal, instanceId: string, yearInput: number | string, now: Date = new Date()): Promise<Assessment> {
	const inst = await findInstanceById(db, instanceId);
	if (!inst) throw new NotFoundError(`instance ${instanceId}`);
	const municipalityId = inst.municipalityId;
	authorize(principal, 'assessment:submit', { municipalityId, instanceId: inst.id });
	const year = assessmentYear(yearInput, now);
	const catalogue = await currentCatalogue(db, municipalityId);
	if (!catalogue) throw new ValidationError([{ field: 'catalogue', code: 'sa_err_no_catalogue' }]);
	return db.transaction(async (tx) => {
		const [existing] = await tx
			.select()
			.from(assessment)
			.where(and(eq(assessment.instanceId, instanceId), eq(assessment.catalogueId, catalogue.id), eq(assessment.year, year)));
		if (existing) return existing;
		const [row] = await tx.insert(assessment).values({ instanceId, catalogueId: catalogue.id, year }).returning();
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId,
			action: 'create',
			entityType: 'assessment',
			entityId: row.id,
			changes: { year: [null, year], catalogueVersion: [null, catalogue.version] }
		});
		return row;
	});
}

/** An assessment with the municipality of its catalogue; null when `id` is unknown or malformed. */
async function assessmentWithMunicipality(db: DbOrTx, id: string): Promise<{ row: Assessment; municipalityId: string } | null> {
	const [found] = isUuid(id)
		? await db
				.select({ row: assessment, municipalityId: assessmentCatalogue.municipalityId })
				.from(assessment)
				.innerJoin(assessmentCatalogue, eq(assessmentCatalogue.id, assessment.catalogueId))
				.where(eq(assessment.id, id))
		: [];
	return found ?? null;
}

/**
 * One assessment with catalogue and answers, for the instance's staff and the municipality's
 * administrators (read-only for them). @throws NotFoundError (missing, or not visible to the
 * principal — the page does not tell the two apart).
 */
export async function getAssessment(db: DbOrTx, principal: Principal, id: string): Promise<AssessmentDetail> {
	const found = await assessmentWithMunicipality(db, id);
	const scope = found && { municipalityId: found.municipalityId, instanceId: found.row.instanceId };
	if (!found || !scope || (!can(principal, 'assessment:submit', scope) && !can(principal, 'programmes:manage', scope))) throw new NotFoundError(`assessment ${id}`);
	const { row } = found;
	const catalogue = (await getCatalogue(db, scope.municipalityId, row.catalogueId))!;
	const answers = await db.select().from(assessmentAnswer).where(eq(assessmentAnswer.assessmentId, id));
	const inst = (await listInstances(db, scope.municipalityId)).find((i) => i.id === row.instanceId);
	return {
		...row,
		instanceName: inst?.name ?? '',
		catalogue,
		answers: Object.fromEntries(answers.map((a) => [a.criterionId, { rating: a.rating, evidence: a.evidence }]))
	};
}

/** One criterion's answer as entered; `rating` '' or null = not rated yet. */
export interface AnswerInput {
	criterionId: string;
	rating: string | number | null;
	evidence: string;
}

/**
 * Saves the answers of a draft assessment (replacing earlier ones for the criteria given), and
 * with `submit` marks it submitted — then it is read-only. A draft may be incomplete; submitting
 * needs a rating for every criterion. Audited (criterion codes and ratings; evidence only as
 * "changed"). One transaction.
 * @throws AccessDeniedError without `assessment:submit` on the assessment's instance;
 *   NotFoundError; ValidationError — `assessment`/`sa_err_submitted` (already submitted),
 *   `answers.<criterionId>.criterion`/`sa_err_criterion` (not in the catalogue version),
 *   `answers.<criterionId>.rating`/`sa_err_rating` (not 0–3), `.evidence`/`too_long`,
 *   `answers.<criterionId>.rating`/`sa_err_missing` for each unrated criterion on submit.
 */
export async function saveAssessment(
	db: Db,
	principal: Principal,
	id: string,
	answers: AnswerInput[],
	options: { submit?: boolean; now?: Date } = {}
): Promise<Assessment> {
	const now = options.now ?? new Date();
	return db.transaction(async (tx) => {
		const found = await assessmentWithMunicipality(tx, id);
		if (!found) throw new NotFoundError(`assessment ${id}`);
		const { row, municipalityId } = found;
		authorize(principal, 'assessment:submit', { municipalityId, instanceId: row.instanceId });
		if (row.submittedAt) throw new ValidationError([{ field: 'assessment', code: 'sa_err_submitted' }]);
		const criteria = await tx.select().from(assessmentCriterion).where(eq(assessmentCriterion.catalogueId, row.catalogueId)).orderBy(asc(assessmentCriterion.position));
		const issues: FieldIssue[] = [];
		const writes: { criterionId: string; rating: number; evidence: string }[] = [];
		const cleared: string[] = [];
		for (const a of answers) {
			const field = `answers.${a.criterionId}`;
			if (!criteria.some((c) => c.id === a.criterionId)) {
				issues.push({ field: `${field}.criterion`, code: 'sa_err_criterion', params: { value: a.criterionId } });
				continue;
			}
			const evidence = a.evidence.trim();
			if (evidence.length > CRITERION_LONG_MAX) issues.push({ field: `${field}.evidence`, code: 'too_long', params: { max: CRITERION_LONG_MAX } });
			const raw = a.rating === null ? '' : String(a.rating).trim();
			if (raw === '') {
				cleared.push(a.criterionId);
				continue;
			}
			const rating = parseInteger(raw, { min: RATINGS[0], max: RATINGS[RATINGS.length - 1] });
			if (rating === null) {
				issues.push({ field: `${field}.rating`, code: 'sa_err_rating', params: { value: raw } });
				continue;
			}
			writes.push({ criterionId: a.criterionId, rating, evidence });
		}
		if (issues.length) throw new ValidationError(issues);
		const before = await tx.select().from(assessmentAnswer).where(eq(assessmentAnswer.assessmentId, id));
		const touched = [...writes.map((w) => w.criterionId), ...cleared];
		if (touched.length) await tx.delete(assessmentAnswer).where(and(eq(assessmentAnswer.assessmentId, id), inArray(assessmentAnswer.criterionId, touched)));
		if (writes.length) await tx.insert(assessmentAnswer).values(writes.map((w) => ({ ...w, assessmentId: id })));
		if (options.submit) {
			const rated = new Set(await tx.select({ c: assessmentAnswer.criterionId }).from(assessmentAnswer).where(eq(assessmentAnswer.assessmentId, id)).then((r) => r.map((x) => x.c)));
			const missing = criteria.filter((c) => !rated.has(c.id));
			if (missing.length) {
				throw new ValidationError(missing.map((c) => ({ field: `answers.${c.id}.rating`, code: 'sa_err_missing', params: { code: c.code } })));
			}
		}
		const [saved] = await tx
			.update(assessment)
			.set({ updatedAt: now, ...(options.submit ? { submittedAt: now } : {}) })
			.where(eq(assessment.id, id))
			.returning();
		const code = (cid: string) => criteria.find((c) => c.id === cid)!.code;
		const changes: Record<string, [unknown, unknown]> = {};
		for (const w of writes) {
			const old = before.find((b) => b.criterionId === w.criterionId);
			if (old?.rating !== w.rating) changes[`rating:${code(w.criterionId)}`] = [old?.rating ?? null, w.rating];
			if ((old?.evidence ?? '') !== w.evidence) changes[`evidence:${code(w.criterionId)}`] = ['…', '…'];
		}
		for (const cid of cleared) {
			const old = before.find((b) => b.criterionId === cid);
			if (old) changes[`rating:${code(cid)}`] = [old.rating, null];
		}
		if (options.submit) changes.submittedAt = [null, now.toISOString()];
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId,
			action: options.submit ? 'submit' : 'update',
			entityType: 'assessment',
			entityId: id,
			changes
		});
		return saved;
	});
}

/** The assessments of the given instances (all years, all versions), newest year first. */
export async function listAssessments(db: DbOrTx, instanceIds: string[]): Promise<(Assessment & { version: number })[]> {
	if (!instanceIds.length) return [];
	const rows = await db
		.select({ a: assessment, version: assessmentCatalogue.version })
		.from(assessment)
		.innerJoin(assessmentCatalogue, eq(assessmentCatalogue.id, assessment.catalogueId))
		.where(inArray(assessment.instanceId, instanceIds))
		.orderBy(desc(assessment.year), desc(assessmentCatalogue.version));
	return rows.map((r) => ({ ...r.a, version: r.version }));
}

/** The comparison table of one year and catalogue version (see `compareAssessments`). */
export interface Comparison {
	year: number;
	catalogue: CatalogueDetail;
	/** Every instance of the municipality; ratings only from SUBMITTED assessments. */
	instances: {
		id: string;
		name: string;
		/** `none` (no assessment), `draft` (started, not submitted) or `submitted`. */
		state: 'none' | 'draft' | 'submitted';
		assessmentId: string | null;
		/** Rating per criterion id; null where not submitted. */
		ratings: Record<string, number | null>;
		/** Mean rating over the criteria; null when not submitted. */
		average: number | null;
	}[];
	/** Mean rating per criterion id over the submitted assessments; null when none. */
	criterionAverages: Record<string, number | null>;
}

/**
 * Compares the municipality's instances for a year: instance × criterion ratings of the given
 * catalogue version (default: the current published one) with averages per instance and per
 * criterion. Drafts are shown as such but not counted — only submitted self-assessments are
 * the instance's statement. @returns null when no version is published (or `catalogueId` is
 * unknown). @throws AccessDeniedError without `programmes:manage`; ValidationError `year`.
 */
export async function compareAssessments(
	db: DbOrTx,
	principal: Principal,
	municipalityId: string,
	yearInput: number | string,
	catalogueId?: string,
	now: Date = new Date()
): Promise<Comparison | null> {
	authorize(principal, 'programmes:manage', { municipalityId });
	const year = assessmentYear(yearInput, now);
	const catalogue = catalogueId ? await getCatalogue(db, municipalityId, catalogueId) : await currentCatalogue(db, municipalityId);
	if (!catalogue || !catalogue.publishedAt) return null;
	const instances = await listInstances(db, municipalityId);
	const rows = await db.select().from(assessment).where(and(eq(assessment.catalogueId, catalogue.id), eq(assessment.year, year)));
	const answers = rows.length ? await db.select().from(assessmentAnswer).where(inArray(assessmentAnswer.assessmentId, rows.map((r) => r.id))) : [];
	const mean = (xs: number[]) => (xs.length ? Math.round((xs.reduce((s, x) => s + x, 0) / xs.length) * 100) / 100 : null);
	const table = instances.map((inst) => {
		const a = rows.find((r) => r.instanceId === inst.id);
		const submitted = !!a?.submittedAt;
		const ratings: Record<string, number | null> = {};
		for (const c of catalogue.criteria) ratings[c.id] = submitted ? (answers.find((x) => x.assessmentId === a!.id && x.criterionId === c.id)?.rating ?? null) : null;
		const values = Object.values(ratings).filter((v): v is number => v !== null);
		return {
			id: inst.id,
			name: inst.name,
			state: (a ? (submitted ? 'submitted' : 'draft') : 'none') as 'none' | 'draft' | 'submitted',
			assessmentId: a?.id ?? null,
			ratings,
			average: submitted ? mean(values) : null
		};
	});
	const criterionAverages = Object.fromEntries(
		catalogue.criteria.map((c) => [c.id, mean(table.map((t) => t.ratings[c.id]).filter((v): v is number => v !== null))])
	);
	return { year, catalogue, instances: table, criterionAverages };
}

