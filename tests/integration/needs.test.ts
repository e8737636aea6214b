import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { systemPrincipal } from '../../src/lib/server/access';
import { auditLog } from '../../src/lib/server/audit/schema';
import { recordContact } from '../../src/lib/server/casework/contacts';
import { contactAggregate } from '../../src/lib/server/casework/schema';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { AccessDeniedError, NotFoundError, ValidationError } from '../../src/lib/server/core/errors';
import {
	changeNeedsStatus,
	countNeedsBySpaceAndField,
	createNeedsReport,
	findOffersToLink,
	getNeedsAttachment,
	getNeedsReport,
	linkNeedsReport,
	listNeedsReports,
	respondToNeedsReport,
	unlinkNeedsReport,
	type NeedsReportInput
} from '../../src/lib/server/steering/needs';
import { programme } from '../../src/lib/server/steering/schema';
import { countRows, DB_KIND, freshDatabase } from '../helpers/db';
import { buildWorld, type World } from '../helpers/world';

let h: DatabaseHandle;
let w: World;
let programmeId: string;
let otherProgrammeId: string;
const NOW = new Date('2026-03-17T10:00:00Z');
const PDF = Buffer.from('%PDF-1.4\n%test\n');

function input(over: Partial<NeedsReportInput> = {}): NeedsReportInput {
	return {
		municipalityId: w.ids.k,
		instanceId: w.ids.a,
		title: 'Wohnungssuche in Vingst',
		description: 'Viele Familien finden keine Beratung zur Wohnungssuche.',
		themeField: 'housing',
		subtopics: ['housing_search'],
		targetGroups: ['people_in_space'],
		socialSpaceIds: [w.ids.s1b],
		urgency: 'high',
		evidenceNote: '',
		...over
	};
}

async function issuesOf(p: Promise<unknown>): Promise<Record<string, string>> {
	try {
		await p;
	} catch (e) {
		if (e instanceof ValidationError) return Object.fromEntries(e.issues.map((i) => [i.field, i.code]));
		throw e;
	}
	throw new Error('expected a ValidationError');
}

beforeAll(async () => {
	h = await freshDatabase();
	w = await buildWorld(h.db);
	[{ id: programmeId }] = await h.db.insert(programme).values({ municipalityId: w.ids.k, name: 'Wohnraumprogramm', funderLevel: 'state', startsOn: '2026-01-01' }).returning();
	[{ id: otherProgrammeId }] = await h.db.insert(programme).values({ municipalityId: w.ids.o, name: 'Bonn-Fonds', funderLevel: 'municipality', startsOn: '2026-01-01' }).returning();
});
afterAll(() => h?.close());

describe(`needs reports (${DB_KIND})`, () => {
	it('instance staff report a need with evidence from unmet topics (raw and folded months) and an attachment', async () => {
		// February: 6 raw contacts with housing_search unmet; January: 3 folded in aggregates.
		for (let i = 0; i < 6; i++) {
			await recordContact(h.db, w.who.staffA, {
				instanceId: w.ids.a,
				contactedAt: new Date(Date.UTC(2026, 1, 3 + i, 10)),
				channel: 'walk_in',
				language: 'ar',
				interpreterNeeded: false,
				topics: ['housing_search'],
				attributes: {},
				unmetTopics: ['housing_search'],
				socialSpaceId: null,
				referrals: []
			}, NOW);
		}
		await h.db.insert(contactAggregate).values({ municipalityId: w.ids.k, instanceId: w.ids.a, districtId: w.ids.d1, month: '2026-01-01', dimension: 'unmet_topic', value: 'housing_search', count: 3 });
		const created = await createNeedsReport(h.db, w.who.staffA, {
			...input(),
			evidence: { topic: 'housing_search', fromMonth: '2026-01', toMonth: '2026-02' },
			attachment: { name: 'nachweis.pdf', type: 'application/pdf', data: PDF }
		}, { now: NOW });
		expect(created.reference).toBe('B-2026-0001');
		const view = await getNeedsReport(h.db, w.who.staffA, created.id);
		expect(view.report.evidence).toEqual([{ topic: 'housing_search', fromMonth: '2026-01', toMonth: '2026-02', count: 9, suppressed: false }]);
		expect(view.report.status).toBe('reported');
		expect(view.spaces.map((s) => s.name)).toEqual(['Vingst']);
		expect(view.events.map((e) => e.kind)).toEqual(['reported']);
		expect(view.report.attachmentSize).toBe(PDF.length);
		expect((await getNeedsAttachment(h.db, w.who.admin, created.id)).data.equals(PDF)).toBe(true);
		await expect(getNeedsAttachment(h.db, w.who.staffB, created.id)).rejects.toBeInstanceOf(AccessDeniedError);
		const [audit] = await h.db.select().from(auditLog).where(and(eq(auditLog.entityType, 'needs_report'), eq(auditLog.entityId, created.id)));
		expect(audit.changes.title).toEqual([null, '…']);
		expect(JSON.stringify(audit.changes)).not.toContain('Vingst');
	});

	it('suppresses evidence counts of 1–4 and keeps 0 as 0', async () => {
		const small = await createNeedsReport(h.db, w.who.staffA, { ...input(), evidence: { topic: 'housing_search', fromMonth: '2026-01', toMonth: '2026-01' } }, { now: NOW });
		expect((await getNeedsReport(h.db, w.who.admin, small.id)).report.evidence[0]).toMatchObject({ count: null, suppressed: true });
		const none = await createNeedsReport(h.db, w.who.staffA, { ...input(), evidence: { topic: 'childcare', fromMonth: '2026-01', toMonth: '2026-02' } }, { now: NOW });
		expect((await getNeedsReport(h.db, w.who.admin, none.id)).report.evidence[0]).toMatchObject({ count: 0, suppressed: false });
	});

	it('numbers references per municipality, safely under concurrent inserts', async () => {
		const refs = await Promise.all(Array.from({ length: 5 }, () => createNeedsReport(h.db, w.who.staffB, input({ instanceId: w.ids.b, socialSpaceIds: [w.ids.s2a] }), { now: NOW })));
		const numbers = refs.map((r) => r.reference).sort();
		expect(new Set(numbers).size).toBe(5);
		expect(numbers.at(-1)).toBe('B-2026-0008');
		const bonn = await createNeedsReport(h.db, w.who.staffC, input({ municipalityId: w.ids.o, instanceId: w.ids.c, socialSpaceIds: [w.ids.so] }), { now: NOW });
		expect(bonn.reference).toBe('B-2026-0001');
	});

	it('administrators may report for the municipality without an instance; staff may not', async () => {
		const r = await createNeedsReport(h.db, w.who.admin, input({ instanceId: null, socialSpaceIds: [w.ids.s1a, w.ids.s2a] }), { now: NOW });
		expect((await getNeedsReport(h.db, w.who.admin, r.id)).instanceName).toBeNull();
		await expect(getNeedsReport(h.db, w.who.staffA, r.id)).rejects.toBeInstanceOf(AccessDeniedError);
		await expect(createNeedsReport(h.db, w.who.staffA, input({ instanceId: null }))).rejects.toBeInstanceOf(AccessDeniedError);
	});

	it('refuses bad input field by field and writes nothing', async () => {
		const before = await countRows(h, 'needs_report');
		expect(
			await issuesOf(
				createNeedsReport(h.db, w.who.staffA, input({ title: '  ', description: '', themeField: 'weather', targetGroups: ['aliens'], socialSpaceIds: [w.ids.so], urgency: 'urgent' }), { now: NOW })
			)
		).toEqual({
			title: 'required',
			description: 'required',
			themeField: 'nr_unknown_theme_field',
			targetGroups: 'nr_unknown_target_group',
			socialSpaceIds: 'nr_space_other_municipality',
			urgency: 'nr_bad_urgency'
		});
		expect(await issuesOf(createNeedsReport(h.db, w.who.staffA, input({ socialSpaceIds: [] })))).toEqual({ socialSpaceIds: 'nr_space_required' });
		expect(await issuesOf(createNeedsReport(h.db, w.who.staffA, input({ socialSpaceIds: ['not-a-uuid'] })))).toEqual({ socialSpaceIds: 'nr_space_other_municipality' });
		expect(await issuesOf(createNeedsReport(h.db, w.who.staffA, input({ subtopics: ['job_search'] })))).toEqual({ subtopics: 'nr_unknown_subtopic' });
		expect(await issuesOf(createNeedsReport(h.db, w.who.staffA, input({ title: 'x'.repeat(201) })))).toEqual({ title: 'too_long' });
		expect(await issuesOf(createNeedsReport(h.db, w.who.staffA, input({ evidence: { topic: 'magic', fromMonth: '2026-13', toMonth: 'soon' } }), { now: NOW }))).toEqual({
			evidenceTopic: 'nr_unknown_topic',
			evidenceFrom: 'nr_bad_month',
			evidenceTo: 'nr_bad_month'
		});
		expect(await issuesOf(createNeedsReport(h.db, w.who.staffA, input({ evidence: { topic: 'housing', fromMonth: '2026-02', toMonth: '2026-01' } }), { now: NOW }))).toEqual({ evidenceTo: 'nr_month_order' });
		expect(await issuesOf(createNeedsReport(h.db, w.who.staffA, input({ evidence: { topic: 'housing', fromMonth: '2026-02', toMonth: '2026-04' } }), { now: NOW }))).toEqual({ evidenceTo: 'nr_month_future' });
		expect(await issuesOf(createNeedsReport(h.db, w.who.staffA, input({ evidence: { topic: 'housing', fromMonth: '2023-01', toMonth: '2026-01' } }), { now: NOW }))).toEqual({ evidenceFrom: 'nr_period_too_long' });
		const big = Buffer.concat([PDF, Buffer.alloc(5 * 1024 * 1024)]);
		expect(await issuesOf(createNeedsReport(h.db, w.who.staffA, input({ attachment: { name: 'a.pdf', type: 'application/pdf', data: big } })))).toEqual({ attachment: 'nr_file_too_big' });
		expect(await issuesOf(createNeedsReport(h.db, w.who.staffA, input({ attachment: { name: 'a.exe', type: 'application/x-msdownload', data: Buffer.from('MZ') } })))).toEqual({ attachment: 'nr_file_type' });
		// A declared PDF that is not one.
		expect(await issuesOf(createNeedsReport(h.db, w.who.staffA, input({ attachment: { name: 'a.pdf', type: 'application/pdf', data: Buffer.from('<html>') } })))).toEqual({ attachment: 'nr_file_type' });
		expect(await countRows(h, 'needs_report')).toBe(before);
	});

	it('refuses to report for an instance one does not belong to, and partners and volunteers', async () => {
		await expect(createNeedsReport(h.db, w.who.staffB, input())).rejects.toBeInstanceOf(AccessDeniedError);
		await expect(createNeedsReport(h.db, w.who.staffC, input())).rejects.toBeInstanceOf(AccessDeniedError);
		await expect(createNeedsReport(h.db, w.who.partner, input())).rejects.toBeInstanceOf(AccessDeniedError);
		await expect(createNeedsReport(h.db, w.who.volunteer, input())).rejects.toBeInstanceOf(AccessDeniedError);
		await expect(createNeedsReport(h.db, w.who.adminOther, input())).rejects.toBeInstanceOf(AccessDeniedError);
		await expect(createNeedsReport(h.db, w.who.staffA, input({ instanceId: '00000000-0000-0000-0000-000000000000' }))).rejects.toBeInstanceOf(NotFoundError);
	});

	it('travels reported → under review → in planning → implemented with responses, links and history', async () => {
		const { id } = await createNeedsReport(h.db, w.who.staffA, input({ title: 'Sprachkurs mit Kinderbetreuung', themeField: 'education', subtopics: ['language_course', 'childcare'] }), { now: NOW });
		const t = (min: number) => new Date(NOW.getTime() + min * 60_000);
		await respondToNeedsReport(h.db, w.who.staffA, id, 'Ergänzung: vor allem vormittags.', t(1));
		expect((await getNeedsReport(h.db, w.who.admin, id)).report.firstResponseAt).toBeNull();
		await changeNeedsStatus(h.db, w.who.admin, id, 'under_review', { body: 'Wir prüfen das.', now: t(2) });
		await respondToNeedsReport(h.db, w.who.admin, id, 'Gespräch mit der VHS läuft.', t(3));
		await changeNeedsStatus(h.db, w.who.admin, id, 'in_planning', { now: t(4) });
		expect(await linkNeedsReport(h.db, w.who.admin, id, { kind: 'service', id: w.ids.offer }, t(5))).toBe(true);
		expect(await linkNeedsReport(h.db, w.who.admin, id, { kind: 'service', id: w.ids.offer }, t(5))).toBe(false);
		await linkNeedsReport(h.db, w.who.admin, id, { kind: 'programme', id: programmeId }, t(6));
		await unlinkNeedsReport(h.db, w.who.admin, id, { kind: 'programme', id: programmeId }, t(7));
		await changeNeedsStatus(h.db, w.who.admin, id, 'implemented', { body: 'Kurs startet.', now: t(8) });
		const view = await getNeedsReport(h.db, w.who.staffA, id);
		expect(view.report.status).toBe('implemented');
		expect(view.report.firstResponseAt).toEqual(t(2));
		expect(view.report.closedAt).toEqual(t(8));
		expect(view.links).toEqual([{ kind: 'service', id: w.ids.offer, name: expect.any(String) }]);
		expect(view.events.map((e) => `${e.kind}:${e.toStatus ?? e.targetKind ?? ''}`)).toEqual([
			'reported:reported',
			'response:',
			'status:under_review',
			'response:',
			'status:in_planning',
			'link:service',
			'link:programme',
			'unlink:programme',
			'status:implemented'
		]);
		expect(view.events[6].targetName).toBe('Wohnraumprogramm');
		expect(view.events[1].byMunicipality).toBe(false);
		expect(view.events[3].byMunicipality).toBe(true);
		expect(view.nextStatuses).toEqual([]);
		// Final: no way back, no further steps.
		expect(await issuesOf(changeNeedsStatus(h.db, w.who.admin, id, 'under_review'))).toEqual({ status: 'transition' });
		expect(await issuesOf(changeNeedsStatus(h.db, w.who.admin, id, 'declined', { reason: 'x' }))).toEqual({ status: 'transition' });
		const events = await countRows(h, 'needs_report_event');
		expect(events).toBeGreaterThan(0);
	});

	it('a response by the municipality is its first response too', async () => {
		const { id } = await createNeedsReport(h.db, w.who.staffA, input(), { now: NOW });
		const at = new Date(NOW.getTime() + 3600_000);
		await respondToNeedsReport(h.db, w.who.admin, id, 'Danke, angekommen.', at);
		expect((await getNeedsReport(h.db, w.who.admin, id)).report.firstResponseAt).toEqual(at);
	});

	it('refuses skipped steps, unknown statuses, declines without reason and empty responses', async () => {
		const { id } = await createNeedsReport(h.db, w.who.staffA, input(), { now: NOW });
		expect(await issuesOf(changeNeedsStatus(h.db, w.who.admin, id, 'implemented'))).toEqual({ status: 'transition' });
		expect(await issuesOf(changeNeedsStatus(h.db, w.who.admin, id, 'in_planning'))).toEqual({ status: 'transition' });
		expect(await issuesOf(changeNeedsStatus(h.db, w.who.admin, id, 'done'))).toEqual({ status: 'nr_unknown_status' });
		expect(await issuesOf(changeNeedsStatus(h.db, w.who.admin, id, 'declined', { reason: '  ' }))).toEqual({ reason: 'required' });
		expect(await issuesOf(respondToNeedsReport(h.db, w.who.staffA, id, ' '))).toEqual({ body: 'required' });
		expect((await getNeedsReport(h.db, w.who.admin, id)).report.status).toBe('reported');
		await changeNeedsStatus(h.db, w.who.admin, id, 'under_review');
		await changeNeedsStatus(h.db, w.who.admin, id, 'declined', { reason: 'Angebot besteht bereits in Kalk.' });
		const view = await getNeedsReport(h.db, w.who.staffA, id);
		expect(view.report.status).toBe('declined');
		expect(view.report.declineReason).toBe('Angebot besteht bereits in Kalk.');
		expect(view.report.closedAt).not.toBeNull();
		expect(view.events.at(-1)?.body).toContain('Angebot besteht bereits');
		expect(await issuesOf(changeNeedsStatus(h.db, w.who.admin, id, 'in_planning'))).toEqual({ status: 'transition' });
	});

	it('only administrators steer and link; staff of other instances and municipalities, partners and volunteers are refused', async () => {
		const { id } = await createNeedsReport(h.db, w.who.staffA, input(), { now: NOW });
		for (const p of [w.who.staffA, w.who.staffB, w.who.adminOther, w.who.partner, w.who.volunteer]) {
			await expect(changeNeedsStatus(h.db, p, id, 'under_review')).rejects.toBeInstanceOf(AccessDeniedError);
			await expect(linkNeedsReport(h.db, p, id, { kind: 'service', id: w.ids.offer })).rejects.toBeInstanceOf(AccessDeniedError);
		}
		for (const p of [w.who.staffB, w.who.staffC, w.who.adminOther, w.who.partner, w.who.volunteer]) {
			await expect(respondToNeedsReport(h.db, p, id, 'Hallo')).rejects.toBeInstanceOf(AccessDeniedError);
			await expect(getNeedsReport(h.db, p, id)).rejects.toBeInstanceOf(AccessDeniedError);
		}
		await expect(getNeedsReport(h.db, w.who.admin, '00000000-0000-0000-0000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
		await expect(getNeedsReport(h.db, w.who.admin, 'nonsense')).rejects.toBeInstanceOf(NotFoundError);
	});

	it('refuses links to unknown offers or programmes and those of another municipality', async () => {
		const { id } = await createNeedsReport(h.db, w.who.staffA, input(), { now: NOW });
		expect(await issuesOf(linkNeedsReport(h.db, w.who.admin, id, { kind: 'programme', id: otherProgrammeId }))).toEqual({ programmeId: 'nr_unknown_target' });
		expect(await issuesOf(linkNeedsReport(h.db, w.who.admin, id, { kind: 'service', id: '00000000-0000-0000-0000-000000000000' }))).toEqual({ serviceId: 'nr_unknown_target' });
		expect(await issuesOf(linkNeedsReport(h.db, w.who.admin, id, { kind: 'service', id: 'x' }))).toEqual({ serviceId: 'nr_unknown_target' });
		await expect(unlinkNeedsReport(h.db, w.who.admin, id, { kind: 'service', id: w.ids.offer })).rejects.toBeInstanceOf(NotFoundError);
		expect((await getNeedsReport(h.db, w.who.admin, id)).links).toEqual([]);
	});

	it('lists reports by role and filters', async () => {
		const all = await listNeedsReports(h.db, w.who.admin, w.ids.k);
		expect(all.every((r) => r.reference.startsWith('B-2026-'))).toBe(true);
		const ofA = await listNeedsReports(h.db, w.who.staffA, w.ids.k);
		expect(ofA.length).toBeGreaterThan(0);
		expect(ofA.every((r) => r.instanceId === w.ids.a)).toBe(true);
		expect((await listNeedsReports(h.db, w.who.staffB, w.ids.k)).every((r) => r.instanceId === w.ids.b)).toBe(true);
		expect(await listNeedsReports(h.db, w.who.partner, w.ids.k)).toEqual([]);
		expect(await listNeedsReports(h.db, w.who.volunteer, w.ids.k)).toEqual([]);
		expect((await listNeedsReports(h.db, w.who.adminOther, w.ids.o)).map((r) => r.instanceId)).toEqual([w.ids.c]);
		expect((await listNeedsReports(h.db, w.who.admin, w.ids.k, { status: 'implemented' })).map((r) => r.title)).toEqual(['Sprachkurs mit Kinderbetreuung']);
		expect((await listNeedsReports(h.db, w.who.admin, w.ids.k, { themeField: 'education' })).length).toBe(1);
		const open = await listNeedsReports(h.db, w.who.admin, w.ids.k, { openOnly: true });
		expect(open.every((r) => ['reported', 'under_review', 'in_planning'].includes(r.status))).toBe(true);
		const byGroup = async (status: string) => (await listNeedsReports(h.db, w.who.admin, w.ids.k, { status })).map((r) => r.id).sort();
		expect(await byGroup('open')).toEqual(open.map((r) => r.id).sort());
		const closed = all.filter((r) => ['implemented', 'declined'].includes(r.status)).map((r) => r.id).sort();
		expect(closed.length).toBeGreaterThan(0);
		expect(await byGroup('closed')).toEqual(closed);
		const porz = await listNeedsReports(h.db, w.who.admin, w.ids.k, { districtId: w.ids.d2 });
		expect(porz.every((r) => r.spaces.some((s) => s.id === w.ids.s2a))).toBe(true);
		expect(porz.length).toBe(6);
		expect((await listNeedsReports(h.db, w.who.admin, w.ids.k, { socialSpaceId: w.ids.s2a })).length).toBe(6);
		expect((await listNeedsReports(h.db, w.who.admin, w.ids.k, { instanceId: w.ids.b })).length).toBe(5);
		expect((await listNeedsReports(h.db, w.who.admin, w.ids.k, { urgency: 'low' })).length).toBe(0);
		await expect(listNeedsReports(h.db, w.who.admin, w.ids.k, { socialSpaceId: 'junk' })).rejects.toMatchObject({ issues: [{ field: 'socialSpaceId', code: 'invalid_id' }] });
	});

	it('counts open, unanswered and closed reports per social space and theme field', async () => {
		const cells = await countNeedsBySpaceAndField(h.db, w.ids.k);
		const vingstEducation = cells.find((c) => c.socialSpaceId === w.ids.s1b && c.themeField === 'education');
		expect(vingstEducation).toEqual({ socialSpaceId: w.ids.s1b, themeField: 'education', open: 0, unanswered: 0, closed: 1 });
		const porz = cells.find((c) => c.socialSpaceId === w.ids.s2a && c.themeField === 'housing')!;
		expect(porz).toMatchObject({ open: 6, unanswered: 6, closed: 0 });
		const { id } = (await listNeedsReports(h.db, w.who.admin, w.ids.k, { instanceId: w.ids.b }))[0];
		await linkNeedsReport(h.db, w.who.admin, id, { kind: 'programme', id: programmeId });
		const after = (await countNeedsBySpaceAndField(h.db, w.ids.k)).find((c) => c.socialSpaceId === w.ids.s2a && c.themeField === 'housing')!;
		expect(after).toMatchObject({ open: 6, unanswered: 5 });
		expect((await countNeedsBySpaceAndField(h.db, w.ids.o)).map((c) => c.socialSpaceId)).toEqual([w.ids.so]);
	});

	it('refuses malformed list filters, naming each', async () => {
		const err = await listNeedsReports(h.db, w.who.admin, w.ids.k, {
			status: 'done',
			themeField: 'weather',
			urgency: 'urgent',
			socialSpaceId: 'x',
			districtId: 'not-a-uuid',
			instanceId: '00000000'
		}).catch((e) => e);
		expect(err).toBeInstanceOf(ValidationError);
		expect((err as ValidationError).issues).toEqual([
			{ field: 'status', code: 'unknown_option', params: { value: 'done' } },
			{ field: 'themeField', code: 'unknown_option', params: { value: 'weather' } },
			{ field: 'urgency', code: 'unknown_option', params: { value: 'urgent' } },
			{ field: 'socialSpaceId', code: 'invalid_id' },
			{ field: 'districtId', code: 'invalid_id' },
			{ field: 'instanceId', code: 'invalid_id' }
		]);
		// Well-formed ids of nothing in the municipality match nothing.
		expect(await listNeedsReports(h.db, w.who.admin, w.ids.k, { districtId: w.ids.o, instanceId: w.ids.c })).toEqual([]);
	});

	it('refuses a report in an unknown municipality or for another municipality\'s instance, writing nothing', async () => {
		const before = await countRows(h, 'needs_report');
		await expect(createNeedsReport(h.db, w.who.admin, input({ municipalityId: 'koeln', instanceId: null }))).rejects.toBeInstanceOf(NotFoundError);
		await expect(createNeedsReport(h.db, w.who.staffA, input({ municipalityId: w.ids.o }))).rejects.toBeInstanceOf(NotFoundError);
		expect(await issuesOf(createNeedsReport(h.db, w.who.staffA, input({ description: 'x'.repeat(10_001), evidenceNote: 'x'.repeat(10_001) })))).toEqual({ description: 'too_long', evidenceNote: 'too_long' });
		expect(await issuesOf(createNeedsReport(h.db, w.who.staffA, input({ evidence: { topic: 'housing', fromMonth: '2026-1', toMonth: '2026-02-01' } }), { now: NOW }))).toEqual({
			evidenceFrom: 'nr_bad_month',
			evidenceTo: 'nr_bad_month'
		});
		expect(await countRows(h, 'needs_report')).toBe(before);
		const { id } = await createNeedsReport(h.db, w.who.staffA, input(), { now: NOW });
		expect(await issuesOf(changeNeedsStatus(h.db, w.who.admin, id, 'declined', { reason: 'x'.repeat(10_001) }))).toEqual({ reason: 'too_long' });
		expect(await issuesOf(respondToNeedsReport(h.db, w.who.staffA, id, 'x'.repeat(10_001)))).toEqual({ body: 'too_long' });
		expect((await getNeedsReport(h.db, w.who.admin, id)).events).toHaveLength(1);
	});

	it('lets the system report and steer, naming it in the audit and no person in the history', async () => {
		const system = systemPrincipal('cli');
		const { id } = await createNeedsReport(h.db, system, input({ instanceId: null, socialSpaceIds: [w.ids.s1a] }), { now: NOW });
		await changeNeedsStatus(h.db, system, id, 'under_review', { now: new Date(NOW.getTime() + 60_000) });
		const view = await getNeedsReport(h.db, w.who.admin, id);
		expect(view.report.reportedBy).toBeNull();
		expect(view.events.map((e) => [e.kind, e.actorName, e.byMunicipality])).toEqual([
			['reported', null, false],
			['status', null, false]
		]);
		const audits = await h.db.select().from(auditLog).where(and(eq(auditLog.entityType, 'needs_report'), eq(auditLog.entityId, id)));
		expect(audits.map((a) => [a.action, a.actorLabel, a.actorUserId])).toEqual(expect.arrayContaining([['create', 'cli', null], ['status', 'cli', null]]));
	});

	it('finds offers of the own municipality by name for linking', async () => {
		const found = await findOffersToLink(h.db, w.who.admin, w.ids.k, 'deutsch');
		expect(found.map((f) => f.id)).toContain(w.ids.offer);
		expect(await findOffersToLink(h.db, w.who.adminOther, w.ids.o, 'deutsch')).toEqual([]);
		expect(await findOffersToLink(h.db, w.who.admin, w.ids.k, '%')).toEqual([]);
		await expect(findOffersToLink(h.db, w.who.staffA, w.ids.k, 'deutsch')).rejects.toBeInstanceOf(AccessDeniedError);
	});
});
