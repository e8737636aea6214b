import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/lib/server/access';
import { type UserPrincipal } from '../../src/lib/server/access';
import { listAudit } from '../../src/lib/server/audit/service';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { AccessDeniedError, NotFoundError, ValidationError } from '../../src/lib/server/core/errors';
import {
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
	startCatalogueVersion
} from '../../src/lib/server/steering/assessment';
import { countRows, DB_KIND, freshDatabase } from '../helpers/db';
import { buildWorld } from '../helpers/world';

let h: DatabaseHandle;
const ids: Record<string, string> = {};
const people: Record<string, UserPrincipal> = {};
const NOW = new Date('2026-03-01T10:00:00Z');

async function issues(p: Promise<unknown>): Promise<{ field: string; code: string }[]> {
	const e = await p.then(() => null, (x) => x);
	expect(e).toBeInstanceOf(ValidationError);
	return (e as ValidationError).issues.map((i) => ({ field: i.field, code: i.code }));
}

const criteria = [
	{ code: 'V1', task: 'Verweisen', title: 'Informiert und verweist mehrsprachig', description: '' },
	{ code: 'L1', task: 'Lotsen', title: 'Begleitet bei Bedarf', description: 'mit Rückmeldung' },
	{ code: 'N1', task: 'Vernetzen', title: 'Lädt regelmäßig zum Netzwerktreffen', description: '' }
];

beforeAll(async () => {
	h = await freshDatabase();
	const w = await buildWorld(h.db);
	// Instances A (WP Kalk) and B (WP Porz) of the municipality; the other municipality has C.
	Object.assign(ids, { m: w.ids.k, o: w.ids.o, wp5: w.ids.a, wp6: w.ids.b, other: w.ids.c });
	Object.assign(people, { admin: w.who.admin, wp5: w.who.staffA, wp6: w.who.staffB, koeln: w.who.adminOther, otherStaff: w.who.staffC });
});
afterAll(() => h?.close());

describe(`self-assessment catalogue (${DB_KIND})`, () => {
	it('creates version 1, edits the draft in order, publishes and then refuses edits', async () => {
		expect(await currentCatalogue(h.db, ids.m)).toBeNull();
		const v1 = await startCatalogueVersion(h.db, people.admin, ids.m, 'Aufgabenkatalog Welcome Points');
		expect(v1.version).toBe(1);
		// A second draft while one is open is refused.
		expect(await issues(startCatalogueVersion(h.db, people.admin, ids.m, ''))).toEqual([{ field: 'version', code: 'sa_err_draft_exists' }]);
		// An empty catalogue cannot be published.
		expect(await issues(publishCatalogue(h.db, people.admin, ids.m, v1.id, NOW))).toEqual([{ field: 'criteria', code: 'sa_err_no_criteria' }]);
		const saved = await saveCatalogueDraft(h.db, people.admin, ids.m, v1.id, { title: 'Aufgabenkatalog Welcome Points', criteria: [...criteria, { code: '', task: '', title: '', description: '' }] });
		expect(saved.criteria.map((c) => [c.position, c.code])).toEqual([[0, 'V1'], [1, 'L1'], [2, 'N1']]);
		await publishCatalogue(h.db, people.admin, ids.m, v1.id, NOW);
		expect((await currentCatalogue(h.db, ids.m))!.id).toBe(v1.id);
		expect(await issues(saveCatalogueDraft(h.db, people.admin, ids.m, v1.id, { title: 'neu', criteria }))).toEqual([{ field: 'version', code: 'sa_err_published' }]);
		expect(await issues(publishCatalogue(h.db, people.admin, ids.m, v1.id, NOW))).toEqual([{ field: 'version', code: 'sa_err_published' }]);
		const audit = await listAudit(h.db, systemPrincipal('test'), { entityType: 'assessment_catalogue', entityId: v1.id });
		expect(audit.map((a) => a.action)).toEqual(['publish', 'update', 'create']);
	});

	it('refuses bad criteria naming the row and field', async () => {
		const v1 = (await currentCatalogue(h.db, ids.m))!;
		const v2 = await startCatalogueVersion(h.db, people.admin, ids.m);
		expect(v2.version).toBe(2);
		expect(v2.title).toBe(v1.title);
		const copy = (await getCatalogue(h.db, ids.m, v2.id))!;
		expect(copy.criteria.map((c) => c.code)).toEqual(['V1', 'L1', 'N1']);
		expect(copy.criteria.map((c) => c.id)).not.toEqual(v1.criteria.map((c) => c.id));
		expect(
			await issues(
				saveCatalogueDraft(h.db, people.admin, ids.m, v2.id, {
					title: '',
					criteria: [
						{ code: 'V1', task: 'Verweisen', title: 'a', description: '' },
						{ code: 'v1', task: 'Verweisen', title: 'b', description: '' },
						{ code: 'A B', task: '', title: 'c', description: '' },
						{ code: '', task: 'x', title: '', description: '' }
					]
				})
			)
		).toEqual([
			{ field: 'title', code: 'required' },
			{ field: 'criteria.1.code', code: 'sa_err_code_taken' },
			{ field: 'criteria.2.code', code: 'sa_err_code' },
			{ field: 'criteria.2.task', code: 'required' },
			{ field: 'criteria.3.code', code: 'required' },
			{ field: 'criteria.3.title', code: 'required' }
		]);
		expect((await getCatalogue(h.db, ids.m, v2.id))!.criteria).toHaveLength(3);
		// The draft v2 is not what instances assess against.
		expect((await currentCatalogue(h.db, ids.m))!.version).toBe(1);
	});

	it('refuses an over-long catalogue title, writing nothing', async () => {
		const before = await countRows(h, 'assessment_catalogue');
		const [latest] = await listCatalogues(h.db, ids.m);
		expect(await issues(saveCatalogueDraft(h.db, people.admin, ids.m, latest.id, { title: 'x'.repeat(301), criteria }))).toEqual([{ field: 'title', code: 'too_long' }]);
		expect(await issues(startCatalogueVersion(h.db, people.koeln, ids.o, 'x'.repeat(301)))).toEqual([{ field: 'title', code: 'too_long' }]);
		expect(await countRows(h, 'assessment_catalogue')).toBe(before);
	});

	it('lets only administrators of the municipality keep the catalogue', async () => {
		await expect(startCatalogueVersion(h.db, people.wp5, ids.m, 'x')).rejects.toBeInstanceOf(AccessDeniedError);
		const [v2] = await listCatalogues(h.db, ids.m);
		expect(v2.version).toBe(2);
		await expect(saveCatalogueDraft(h.db, people.koeln, ids.o, v2.id, { title: 'x', criteria })).rejects.toBeInstanceOf(NotFoundError);
		await expect(publishCatalogue(h.db, people.wp6, ids.m, v2.id)).rejects.toBeInstanceOf(AccessDeniedError);
	});
});

describe(`self-assessment of instances (${DB_KIND})`, () => {
	it('saves a draft, refuses bad answers, refuses incomplete submission, submits, then is read-only', async () => {
		const a = await openAssessment(h.db, people.wp5, ids.wp5, 2025, NOW);
		expect((await openAssessment(h.db, people.wp5, ids.wp5, 2025, NOW)).id).toBe(a.id);
		const detail = await getAssessment(h.db, people.wp5, a.id);
		expect(detail.catalogue.version).toBe(1);
		const [v, l, n] = detail.catalogue.criteria.map((c) => c.id);
		await saveAssessment(h.db, people.wp5, a.id, [
			{ criterionId: v, rating: '3', evidence: 'Flyer in 6 Sprachen' },
			{ criterionId: l, rating: '', evidence: '' }
		]);
		expect((await getAssessment(h.db, people.wp5, a.id)).answers).toEqual({ [v]: { rating: 3, evidence: 'Flyer in 6 Sprachen' } });

		const before = await countRows(h, 'assessment_answer');
		expect(await issues(saveAssessment(h.db, people.wp5, a.id, [{ criterionId: l, rating: '4', evidence: '' }]))).toEqual([{ field: `answers.${l}.rating`, code: 'sa_err_rating' }]);
		expect(await issues(saveAssessment(h.db, people.wp5, a.id, [{ criterionId: l, rating: '-1', evidence: '' }]))).toEqual([{ field: `answers.${l}.rating`, code: 'sa_err_rating' }]);
		expect(await issues(saveAssessment(h.db, people.wp5, a.id, [{ criterionId: l, rating: '1.5', evidence: '' }]))).toEqual([{ field: `answers.${l}.rating`, code: 'sa_err_rating' }]);
		const foreign = '00000000-0000-4000-8000-000000000000';
		expect(await issues(saveAssessment(h.db, people.wp5, a.id, [{ criterionId: foreign, rating: '1', evidence: '' }]))).toEqual([{ field: `answers.${foreign}.criterion`, code: 'sa_err_criterion' }]);
		expect(await issues(saveAssessment(h.db, people.wp5, a.id, [{ criterionId: l, rating: '2', evidence: '' }], { submit: true }))).toEqual([{ field: `answers.${n}.rating`, code: 'sa_err_missing' }]);
		// Nothing of a refused call was written (the L1 rating of the refused submission neither).
		expect(await countRows(h, 'assessment_answer')).toBe(before);
		expect((await getAssessment(h.db, people.wp5, a.id)).submittedAt).toBeNull();

		await saveAssessment(h.db, people.wp5, a.id, [
			{ criterionId: l, rating: '2', evidence: 'Begleitungen dokumentiert' },
			{ criterionId: n, rating: 1, evidence: '' }
		], { submit: true, now: NOW });
		const done = await getAssessment(h.db, people.wp5, a.id);
		expect(done.submittedAt).toEqual(NOW);
		expect(await issues(saveAssessment(h.db, people.wp5, a.id, [{ criterionId: n, rating: '3', evidence: '' }]))).toEqual([{ field: 'assessment', code: 'sa_err_submitted' }]);
		const [audit] = await listAudit(h.db, systemPrincipal('test'), { entityType: 'assessment', entityId: a.id });
		expect(audit.action).toBe('submit');
		expect(audit.changes['rating:L1']).toEqual([null, 2]);
		expect(audit.changes['evidence:L1']).toEqual(['…', '…']);
	});

	it('refuses years out of range, other instances and a municipality without published catalogue', async () => {
		expect(await issues(openAssessment(h.db, people.wp5, ids.wp5, 1999, NOW))).toEqual([{ field: 'year', code: 'sa_err_year' }]);
		expect(await issues(openAssessment(h.db, people.wp5, ids.wp5, 2028, NOW))).toEqual([{ field: 'year', code: 'sa_err_year' }]);
		await openAssessment(h.db, people.wp5, ids.wp5, 2027, NOW);
		await expect(openAssessment(h.db, people.wp5, ids.wp6, 2025, NOW)).rejects.toBeInstanceOf(AccessDeniedError);
		await expect(openAssessment(h.db, people.admin, ids.wp5, 2025, NOW)).rejects.toBeInstanceOf(AccessDeniedError);
		const a = await openAssessment(h.db, people.wp6, ids.wp6, 2025, NOW);
		await expect(saveAssessment(h.db, people.wp5, a.id, [])).rejects.toBeInstanceOf(AccessDeniedError);
		await expect(getAssessment(h.db, people.wp5, a.id)).rejects.toBeInstanceOf(NotFoundError);
		await expect(getAssessment(h.db, people.koeln, a.id)).rejects.toBeInstanceOf(NotFoundError);
		expect((await getAssessment(h.db, people.admin, a.id)).instanceName).toBe('WP Porz');
		expect(await issues(openAssessment(h.db, people.otherStaff, ids.other, 2025, NOW))).toEqual([{ field: 'catalogue', code: 'sa_err_no_catalogue' }]);
		// The year as typed into the form.
		expect(await issues(openAssessment(h.db, people.wp5, ids.wp5, 'abc', NOW))).toEqual([{ field: 'year', code: 'sa_err_year' }]);
		expect(await issues(openAssessment(h.db, people.wp5, ids.wp5, '2025.5', NOW))).toEqual([{ field: 'year', code: 'sa_err_year' }]);
		expect((await openAssessment(h.db, people.wp5, ids.wp5, ' 2027 ', NOW)).year).toBe(2027);
		await expect(openAssessment(h.db, people.wp5, 'not-a-uuid', 2025, NOW)).rejects.toBeInstanceOf(NotFoundError);
		await expect(openAssessment(h.db, people.wp5, '00000000-0000-4000-8000-000000000000', 2025, NOW)).rejects.toBeInstanceOf(NotFoundError);
		await expect(getAssessment(h.db, people.admin, 'not-a-uuid')).rejects.toBeInstanceOf(NotFoundError);
		await expect(saveAssessment(h.db, people.wp5, 'not-a-uuid', [])).rejects.toBeInstanceOf(NotFoundError);
	});

	it('compares instances: submitted ratings only, with averages and the catalogue version', async () => {
		const wp6 = (await listAssessments(h.db, [ids.wp6]))[0];
		const cmp = (await compareAssessments(h.db, people.admin, ids.m, 2025, undefined, NOW))!;
		expect(cmp.catalogue.version).toBe(1);
		const [v, l, n] = cmp.catalogue.criteria.map((c) => c.id);
		const row5 = cmp.instances.find((i) => i.name === 'WP Kalk')!;
		expect(row5.state).toBe('submitted');
		expect(row5.ratings).toEqual({ [v]: 3, [l]: 2, [n]: 1 });
		expect(row5.average).toBe(2);
		const row6 = cmp.instances.find((i) => i.name === 'WP Porz')!;
		expect(row6).toMatchObject({ state: 'draft', assessmentId: wp6.id, average: null });
		expect(cmp.criterionAverages).toEqual({ [v]: 3, [l]: 2, [n]: 1 });
		await saveAssessment(h.db, people.wp6, wp6.id, [
			{ criterionId: v, rating: '2', evidence: '' },
			{ criterionId: l, rating: '2', evidence: '' },
			{ criterionId: n, rating: '2', evidence: '' }
		], { submit: true });
		const after = (await compareAssessments(h.db, people.admin, ids.m, 2025, undefined, NOW))!;
		expect(after.criterionAverages).toEqual({ [v]: 2.5, [l]: 2, [n]: 1.5 });
		expect((await compareAssessments(h.db, people.admin, ids.m, 2024, undefined, NOW))!.instances.every((i) => i.state === 'none')).toBe(true);
		await expect(compareAssessments(h.db, people.wp5, ids.m, 2025, undefined, NOW)).rejects.toBeInstanceOf(AccessDeniedError);
		expect(await issues(compareAssessments(h.db, people.admin, ids.m, 1990, undefined, NOW))).toEqual([{ field: 'year', code: 'sa_err_year' }]);
	});
});
