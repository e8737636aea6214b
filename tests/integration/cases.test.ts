import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPassword, createSession, resolveSession } from '../../src/lib/server/accounts/sessions';
import { type UserPrincipal } from '../../src/lib/server/access';
import { CaseLockedError } from '../../src/lib/server/casework/access';
import {
	addNote,
	addStep,
	closeCase,
	eraseCase,
	getCaseView,
	listCases,
	markStepDone,
	openCase,
	reopenCase,
	shareCandidates,
	shareCase,
	unshareCase,
	withdrawConsent,
	type OpenCaseInput
} from '../../src/lib/server/casework/cases';
import { decryptText, keyFilePath, loadKeyring, parseKeyList } from '../../src/lib/server/casework/crypto';
import { exportCase } from '../../src/lib/server/casework/export';
import { caseExportLocales, renderCasePdf } from '../../src/lib/server/casework/pages/case-pdf';
import { choosePurpose, listCaseReads, PurposeRequiredError } from '../../src/lib/server/casework/read-audit';
import { issueReferral } from '../../src/lib/server/casework/referrals';
import { reencryptAll, rotateKeys } from '../../src/lib/server/casework/rotation';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { AccessDeniedError, NotFoundError, ValidationError } from '../../src/lib/server/core/errors';
import { countRows, DB_KIND, freshDatabase } from '../helpers/db';
import { glyphCount, pdfText } from '../helpers/pdf';
import { buildWorld, person, TEST_PASSWORD, type World } from '../helpers/world';
import { tempDir } from '../helpers/tmp';

process.env.DATA_DIR = tempDir('anl-cases-');
delete process.env.CASE_KEYS;
delete process.env.CASE_KEY_FILE;

const NAME = 'Amina Planted-Name';
const NOTE = 'Planted note: Aufenthaltstitel läuft ab';
let h: DatabaseHandle;
let w: World;
/** Cases and steps the tests create, by name. */
const ids: Record<string, string> = {};
/** Signed-in people: principal and cookie token. */
const who: Record<string, { p: UserPrincipal; token: string }> = {};

/** Signs in an account of the world (`<key>@example.org`) with a new session. */
async function signIn(key: string) {
	const login = await checkPassword(h.db, `${key}@example.org`, TEST_PASSWORD, '10.0.0.9');
	if (login.status !== 'ok') throw new Error(login.status);
	const { token } = await createSession(h.db, login.userId, true);
	const state = await resolveSession(h.db, token);
	if (state.status !== 'ok') throw new Error(state.status);
	return { p: state.principal, token };
}

function input(overrides: Partial<OpenCaseInput> = {}, consent: Partial<OpenCaseInput['consent']> = {}): OpenCaseInput {
	return {
		instanceId: w.ids.a,
		language: 'ar',
		displayName: NAME,
		...overrides,
		consent: {
			purposes: ['counselling', 'referral', 'accompaniment'],
			dataCategories: ['display_name', 'language', 'topics', 'notes', 'appointments', 'needs_summary'],
			partnerCategories: ['language', 'needs_summary'],
			givenOn: '2026-03-02',
			explainedIn: 'ar',
			confirmed: true,
			...consent
		}
	};
}

async function issues(promise: Promise<unknown>) {
	try {
		await promise;
	} catch (e) {
		if (e instanceof ValidationError) return e.issues.map((i) => `${i.field}:${i.code}`);
		throw e;
	}
	throw new Error('expected a ValidationError');
}

async function raw<T>(query: ReturnType<typeof sql>): Promise<T[]> {
	return ((await h.db.execute(query)) as unknown as { rows: T[] }).rows;
}

const NOW = new Date('2026-03-10T10:00:00Z');

beforeAll(async () => {
	h = await freshDatabase();
	w = await buildWorld(h.db);
	// A second member of staff of instance b, to share cases with.
	await person(h.db, 'colleague', 'instance_staff', { id: w.ids.k, slug: 'koeln' }, [w.ids.b]);
	for (const key of ['staffA', 'staffB', 'colleague', 'staffC', 'admin', 'partner', 'volunteer']) who[key] = await signIn(key);
});
afterAll(() => h?.close());

describe(`cases on ${DB_KIND}`, () => {
	it('refuses a case without a complete consent, at the service level, writing nothing', async () => {
		const none = input({}, { purposes: [], dataCategories: [], givenOn: '', explainedIn: '', confirmed: false });
		expect(await issues(openCase(h.db, who.staffA.p, none, NOW))).toEqual([
			'purposes:required',
			'dataCategories:required',
			'partnerCategories:not_in_data_categories',
			'givenOn:required',
			'explainedIn:required',
			'confirmed:required',
			'displayName:consent_not_covered'
		]);
		expect(await countRows(h, 'case_file')).toBe(0);
		expect(await countRows(h, 'case_consent')).toBe(0);
	});

	it.each([
		[{ purposes: ['referral'] }, 'purposes:counselling_required'],
		[{ purposes: ['counselling', 'marketing'] }, 'purposes:unknown_value'],
		[{ dataCategories: ['display_name', 'language', 'needs_summary', 'health'] }, 'dataCategories:unknown_value'],
		[{ partnerCategories: ['notes'] }, 'partnerCategories:not_shareable'],
		[{ dataCategories: ['display_name', 'notes'], partnerCategories: ['language'] }, 'partnerCategories:not_in_data_categories'],
		[{ givenOn: '2026-02-30' }, 'givenOn:invalid_date'],
		[{ givenOn: '02.03.2026' }, 'givenOn:invalid_date'],
		[{ givenOn: '2026-03-11' }, 'givenOn:in_future'],
		[{ explainedIn: 'arabic!' }, 'explainedIn:invalid_language'],
		[{ confirmed: false }, 'confirmed:required']
	])('refuses the consent %j with %s', async (consent, expected) => {
		expect(await issues(openCase(h.db, who.staffA.p, input({}, consent as Partial<OpenCaseInput['consent']>), NOW))).toEqual([expected]);
	});

	it('refuses a display name the consent does not cover, a bad language and a missing instance', async () => {
		expect(await issues(openCase(h.db, who.staffA.p, input({}, { dataCategories: ['language'], partnerCategories: [] }), NOW))).toEqual(['displayName:consent_not_covered']);
		expect(await issues(openCase(h.db, who.staffA.p, input({ language: '' }), NOW))).toEqual(['language:required']);
		expect(await issues(openCase(h.db, who.staffA.p, input({ language: 'x y' }), NOW))).toEqual(['language:invalid_language']);
		expect(await issues(openCase(h.db, who.staffA.p, input({ displayName: 'x'.repeat(121) }), NOW))).toEqual(['displayName:too_long']);
		expect(await issues(openCase(h.db, who.staffA.p, input({ instanceId: '' }), NOW))).toEqual(['instanceId:required']);
		await expect(openCase(h.db, who.staffA.p, input({ instanceId: '00000000-0000-0000-0000-000000000000' }), NOW)).rejects.toThrow(NotFoundError);
		expect(await countRows(h, 'case_file')).toBe(0);
	});

	it('opens cases with consecutive numbers per instance and year, also when opened at once', async () => {
		const opened = (await Promise.all([1, 2, 3, 4].map(() => openCase(h.db, who.staffA.p, input(), NOW)))).sort((a, b) => a.caseNumber.localeCompare(b.caseNumber));
		expect(opened.map((c) => c.caseNumber)).toEqual(['K-2026-0001', 'K-2026-0002', 'K-2026-0003', 'K-2026-0004']);
		const other = await openCase(h.db, who.staffB.p, input({ instanceId: w.ids.b, displayName: null }), NOW);
		expect(other.caseNumber).toBe('K-2026-0001');
		const nextYear = await openCase(h.db, who.staffB.p, input({ instanceId: w.ids.b, displayName: null }), new Date('2027-01-01T00:30:00+01:00'));
		expect(nextYear.caseNumber).toBe('K-2027-0001');
		const [consent] = await raw<{ purposes: string[]; recorded_by: string }>(sql`select purposes, recorded_by from case_consent where case_id = ${opened[0].id}`);
		expect(consent.purposes).toEqual(['counselling', 'referral', 'accompaniment']);
		expect(consent.recorded_by).toBe(who.staffA.p.userId);
		ids.case = opened[0].id;
		ids.case2 = opened[1].id;
		ids.case3 = opened[2].id;
		ids.case4 = opened[3].id;
	});

	it('keeps names and notes encrypted at rest and out of the audit log', async () => {
		ids.step = await addStep(h.db, who.staffA.p, ids.case, { kind: 'appointment', at: '2026-03-12T09:30', followUpOn: '2026-03-09', topics: ['language_course'], note: NOTE }, NOW);
		await addNote(h.db, who.staffA.p, ids.case, NOTE, NOW);
		const [c] = await raw<{ display_name_enc: string }>(sql`select display_name_enc from case_file where id = ${ids.case}`);
		const [n] = await raw<{ body_enc: string }>(sql`select body_enc from case_note where case_id = ${ids.case}`);
		const [s] = await raw<{ note_enc: string; at: Date }>(sql`select note_enc, at from case_step where id = ${ids.step}`);
		for (const value of [c.display_name_enc, n.body_enc, s.note_enc]) {
			expect(value).toMatch(/^v1:/);
			expect(value).not.toContain('Amina');
			expect(value).not.toContain('Aufenthalt');
		}
		expect(decryptText(n.body_enc)).toBe(NOTE);
		// 09:30 Berlin wall time in March (CET) is 08:30 UTC.
		expect(new Date(s.at).toISOString()).toBe('2026-03-12T08:30:00.000Z');
		const audit = JSON.stringify(await raw(sql`select * from audit_log`));
		expect(audit).not.toContain('Amina');
		expect(audit).not.toContain('Aufenthalt');
	});

	it('checks steps and notes against the consent and the vocabulary', async () => {
		const p = who.staffA.p;
		expect(await issues(addStep(h.db, p, ids.case, { kind: 'visit', at: '' }))).toEqual(['kind:unknown_value', 'at:required']);
		expect(await issues(addStep(h.db, p, ids.case, { kind: 'contact', at: 'soon', followUpOn: '2026-13-01', topics: ['astrology'] }))).toEqual([
			'at:invalid_date',
			'followUpOn:invalid_date',
			'topics:unknown_value'
		]);
		expect(await issues(addNote(h.db, p, ids.case, '  '))).toEqual(['body:required']);
		expect(await issues(addNote(h.db, p, ids.case, 'x'.repeat(10_001)))).toEqual(['body:too_long']);
		const lean = await openCase(h.db, p, input({ displayName: null }, { purposes: ['counselling'], dataCategories: ['language'], partnerCategories: [] }), NOW);
		expect(await issues(addNote(h.db, p, lean.id, 'x'))).toEqual(['body:consent_not_covered']);
		expect(await issues(addStep(h.db, p, lean.id, { kind: 'contact', at: NOW, topics: ['language_course'], note: 'x' }))).toEqual([
			'topics:consent_not_covered',
			'note:consent_not_covered'
		]);
		expect(await issues(addStep(h.db, p, lean.id, { kind: 'appointment', at: NOW }))).toEqual(['kind:consent_not_covered']);
		expect(await issues(addStep(h.db, p, lean.id, { kind: 'referral', at: NOW }))).toEqual(['kind:consent_not_covered']);
		await expect(addStep(h.db, p, lean.id, { kind: 'contact', at: NOW })).resolves.toMatch(/^[0-9a-f-]{36}$/);
		await expect(markStepDone(h.db, p, lean.id, ids.step)).rejects.toThrow(NotFoundError);
		await eraseCase(h.db, p, lean.id);
	});

	it('lists only workable cases, open ones with due follow-ups first, without names', async () => {
		await addStep(h.db, who.staffA.p, ids.case3, { kind: 'contact', at: NOW, followUpOn: '2026-04-01' }, NOW);
		const list = await listCases(h.db, who.staffA.p, NOW);
		expect(list.map((c) => c.caseNumber)).toEqual(['K-2026-0001', 'K-2026-0003', 'K-2026-0004', 'K-2026-0002']);
		expect(list[0]).toMatchObject({ nextFollowUp: '2026-03-09', due: true, shared: false, status: 'open' });
		expect(list[1]).toMatchObject({ nextFollowUp: '2026-04-01', due: false });
		expect(JSON.stringify(list)).not.toContain('Amina');
		await markStepDone(h.db, who.staffA.p, ids.case, ids.step, NOW);
		expect((await listCases(h.db, who.staffA.p, NOW))[0].caseNumber).toBe('K-2026-0003');
		expect((await listCases(h.db, who.staffB.p, NOW)).map((c) => c.caseNumber)).toEqual(['K-2027-0001', 'K-2026-0001']);
		expect(await listCases(h.db, who.staffC.p, NOW)).toEqual([]);
	});

	it('asks for a read purpose per session and audits every read with it', async () => {
		const { p, token } = who.staffA;
		await expect(getCaseView(h.db, p, ids.case, token)).rejects.toThrow(PurposeRequiredError);
		await expect(getCaseView(h.db, p, ids.case, undefined)).rejects.toThrow(PurposeRequiredError);
		expect(await issues(choosePurpose(h.db, p, ids.case, token, 'curiosity'))).toEqual(['purpose:unknown_value']);
		expect(await issues(choosePurpose(h.db, p, ids.case, token, ''))).toEqual(['purpose:required']);
		await expect(choosePurpose(h.db, p, ids.case, undefined, 'counselling')).rejects.toThrow(AccessDeniedError);
		await choosePurpose(h.db, p, ids.case, token, 'counselling');
		const view = await getCaseView(h.db, p, ids.case, token);
		expect(view.case.displayName).toBe(NAME);
		expect(view.notes.map((n) => n.body)).toEqual([NOTE]);
		expect(view.steps[0]).toMatchObject({ kind: 'appointment', note: NOTE, topics: ['language_course'], followUpOn: '2026-03-09' });
		await getCaseView(h.db, p, ids.case, token);
		const rows = await raw<{ action: string; entity_type: string; entity_id: string; actor_user_id: string; changes: unknown }>(
			sql`select action, entity_type, entity_id, actor_user_id, changes from audit_log where action = 'read' order by id`
		);
		expect(rows).toHaveLength(2);
		expect(rows[0]).toEqual({ action: 'read', entity_type: 'case', entity_id: ids.case, actor_user_id: p.userId, changes: { purpose: [null, 'counselling'] } });
		// A second session of the same person has to choose again.
		const other = await signIn('staffA');
		await expect(getCaseView(h.db, other.p, ids.case, other.token)).rejects.toThrow(PurposeRequiredError);
		await choosePurpose(h.db, other.p, ids.case, other.token, 'follow_up');
		await getCaseView(h.db, other.p, ids.case, other.token);
		const log = await listCaseReads(h.db, p, ids.case);
		expect(log.map((r) => r.purpose)).toEqual(['follow_up', 'counselling', 'counselling']);
		expect(log[0].actor).toBe('staffA');
	});

	it('issues a referral from the case and shows its status', async () => {
		const { referral, token } = await issueReferral(h.db, who.staffA.p, {
			districtId: null,
			instanceId: w.ids.a,
			serviceId: w.ids.offer,
			topic: 'language_course',
			caseId: ids.case,
			shared: { language: 'ar', needsSummary: 'Sprachkurs gesucht' }
		});
		expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
		ids.referral = referral.id;
		const view = await getCaseView(h.db, who.staffA.p, ids.case, who.staffA.token);
		expect(view.referrals).toHaveLength(1);
		expect(view.referrals[0]).toMatchObject({ status: 'issued', topic: 'language_course', shared: { language: 'ar', needsSummary: 'Sprachkurs gesucht' } });
		expect(view.referrals[0].events.map((e) => e.status)).toEqual(['issued']);
	});

	it('exports everything held as JSON and as a tagged PDF, both audited reads', async () => {
		const { p, token } = who.staffA;
		const before = (await listCaseReads(h.db, p, ids.case)).length;
		const data = await exportCase(h.db, p, ids.case, token, NOW);
		expect(data.format).toBe('anlaufstelle-case-export/1');
		expect(data.case).toMatchObject({ caseNumber: 'K-2026-0001', displayName: NAME, language: 'ar', status: 'open' });
		expect(data.consent).toMatchObject({ givenOn: '2026-03-02', explainedIn: 'ar', recordedBy: 'staffA', partnerCategories: ['language', 'needs_summary'] });
		expect(data.notes.map((n) => n.body)).toEqual([NOTE]);
		expect(data.steps).toHaveLength(1);
		expect(data.referrals[0]).toMatchObject({ status: 'issued', targetLabel: 'Deutschkurs für Anfänger' });
		expect(data.readLog.length).toBe(before + 1);
		expect(data.readLog[0].purpose).toBe('counselling');
		// The person's language (the case's: Arabic) first, then German for the Welcome Point.
		expect(caseExportLocales(data)).toEqual(['ar', 'de']);
		const pdf = await renderCasePdf(data);
		const raw = pdf.toString('latin1');
		expect(raw.startsWith('%PDF-1.7')).toBe(true);
		expect(raw).toContain('/StructTreeRoot');
		expect(raw).toContain('/MarkInfo');
		expect(raw).toMatch(/\/Lang \(ar\)/);
		// The German version's elements carry their language.
		expect(raw).toMatch(/\/Lang \(de\)/);
		expect(raw).toContain('/DisplayDocTitle true');
		for (const tag of ['/H1', '/H2', '/P']) expect(raw).toContain(`/S ${tag}`);
		const text = pdfText(pdf).replace(/\s+/g, ' ');
		expect(text).toContain('Auskunft zu Fall K-2026-0001');
		expect(text).toContain('البيانات المحفوظة عن الحالة K-2026-0001');
		expect(text).toContain(NAME);
		expect(text).toContain(NOTE);
		expect(text).toContain('Sprache der Person: Arabisch');
		expect(text).toContain('Deutschkurs für Anfänger');
		expect(await glyphCount(pdf)).toMatchObject({ notdef: 0 });
		await expect(exportCase(h.db, who.staffB.p, ids.case, who.staffB.token)).rejects.toThrow(AccessDeniedError);
	});

	it('exports a case with an Arabic name and note in Arabic and German, every glyph drawn, names whole', async () => {
		const { p, token } = who.staffA;
		const arabicName = 'أمينة الحسن';
		const note = 'موعد في Jobcenter Köln-Kalk يوم الاثنين، الساعة 9:30';
		const opened = await openCase(h.db, p, input({ displayName: arabicName, language: 'ar' }), NOW);
		await addNote(h.db, p, opened.id, note, NOW);
		await choosePurpose(h.db, p, opened.id, token, 'counselling');
		const data = await exportCase(h.db, p, opened.id, token, NOW);
		const pdf = await renderCasePdf(data);
		const text = pdfText(pdf).replace(/\s+/g, ' ');
		expect(text).toContain(arabicName);
		expect(text).toContain('Jobcenter Köln-Kalk');
		expect(text).toContain('موعد في');
		expect(text).toContain('يوم الاثنين');
		// Names and dates beside Arabic labels keep their own order (isolated): the ISO date of the
		// consent is not read as 02-03-2026, and the Arabic date does not pull the name apart.
		const arabic = text.slice(0, text.indexOf('Auskunft zu Fall'));
		expect(arabic).toContain('2026-03-02');
		expect(arabic).not.toMatch(/\/staffA/);
		expect(await glyphCount(pdf)).toMatchObject({ notdef: 0 });
		// A person who reads German gets the German version alone; Dari is read in the Dari/Farsi version.
		expect(caseExportLocales({ ...data, case: { ...data.case, language: 'de' }, consent: { ...data.consent, explainedIn: 'de' } })).toEqual(['de']);
		expect(caseExportLocales({ ...data, case: { ...data.case, language: 'prs' } })).toEqual(['fa', 'de']);
		expect(caseExportLocales({ ...data, case: { ...data.case, language: 'ti' }, consent: { ...data.consent, explainedIn: 'ti' } })).toEqual(['de']);
		const german = await renderCasePdf({ ...data, case: { ...data.case, language: 'de' }, consent: { ...data.consent, explainedIn: 'de' } });
		expect(german.toString('latin1')).toMatch(/\/Lang \(de\)/);
		expect(pdfText(german)).not.toContain('البيانات المحفوظة');
	});

	it('closes a case: writes are refused, erasure is scheduled after the Löschplan period, reopening clears it', async () => {
		const p = who.staffA.p;
		const deleteAfter = await closeCase(h.db, p, ids.case2, NOW);
		expect(deleteAfter.toISOString()).toBe('2026-09-10T10:00:00.000Z');
		for (const write of [
			() => addStep(h.db, p, ids.case2, { kind: 'contact', at: NOW }),
			() => addNote(h.db, p, ids.case2, 'x'),
			() => closeCase(h.db, p, ids.case2),
			() => shareCase(h.db, p, ids.case2, who.colleague.p.userId)
		]) {
			await expect(write()).rejects.toThrow(new CaseLockedError('case_closed'));
		}
		await reopenCase(h.db, p, ids.case2, NOW);
		expect(await issues(reopenCase(h.db, p, ids.case2))).toEqual(['status:not_closed']);
		const [row] = await raw<{ status: string; delete_after: Date | null }>(sql`select status, delete_after from case_file where id = ${ids.case2}`);
		expect(row).toEqual({ status: 'open', delete_after: null });
	});

	it('withdrawn consent stops processing: every write is refused and deletion starts now', async () => {
		const p = who.staffA.p;
		const { referral } = await issueReferral(h.db, p, { districtId: null, instanceId: w.ids.a, serviceId: w.ids.offer, topic: 'language_course', caseId: ids.case4, shared: { needsSummary: 'x' } });
		const stepId = await addStep(h.db, p, ids.case4, { kind: 'contact', at: NOW });
		await shareCase(h.db, p, ids.case4, who.colleague.p.userId);
		await closeCase(h.db, p, ids.case4, NOW);
		await withdrawConsent(h.db, p, ids.case4, NOW);
		const [row] = await raw<{ status: string; delete_after: Date; withdrawn_at: Date }>(
			sql`select c.status, c.delete_after, k.withdrawn_at from case_file c join case_consent k on k.case_id = c.id where c.id = ${ids.case4}`
		);
		expect(row.status).toBe('withdrawn');
		expect(new Date(row.delete_after).toISOString()).toBe(NOW.toISOString());
		expect(new Date(row.withdrawn_at).toISOString()).toBe(NOW.toISOString());
		const [r] = await raw<{ shared_enc: string | null }>(sql`select shared_enc from referral where id = ${referral.id}`);
		expect(r.shared_enc).toBeNull();
		const locked = new CaseLockedError('consent_withdrawn');
		for (const write of [
			() => addStep(h.db, p, ids.case4, { kind: 'contact', at: NOW }),
			() => markStepDone(h.db, p, ids.case4, stepId),
			() => addNote(h.db, p, ids.case4, 'x'),
			() => closeCase(h.db, p, ids.case4),
			() => reopenCase(h.db, p, ids.case4),
			() => withdrawConsent(h.db, p, ids.case4),
			() => shareCase(h.db, p, ids.case4, who.staffB.p.userId),
			() => unshareCase(h.db, p, ids.case4, who.colleague.p.userId),
			() => issueReferral(h.db, p, { districtId: null, instanceId: w.ids.a, serviceId: w.ids.offer, topic: 'language_course', caseId: ids.case4 })
		]) {
			await expect(write()).rejects.toThrow(locked);
		}
		// Reading stays possible (e.g. for the person's access request) until the case is erased.
		await choosePurpose(h.db, p, ids.case4, who.staffA.token, 'data_subject_request');
		expect((await getCaseView(h.db, p, ids.case4, who.staffA.token)).writable).toBe(false);
	});

	it('erases a case on request at once, keeping the referral only as an anonymous statistic', async () => {
		const p = who.staffA.p;
		await eraseCase(h.db, p, ids.case4);
		for (const table of ['case_file', 'case_consent', 'case_step', 'case_share', 'case_read_purpose']) {
			const [row] = await raw<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(table)} where ${sql.identifier(table === 'case_file' ? 'id' : 'case_id')} = ${ids.case4}`);
			expect(row.n, table).toBe(0);
		}
		const [r] = await raw<{ case_id: string | null; topic: string; shared_enc: string | null }>(sql`select case_id, topic, shared_enc from referral where topic = 'language_course' and case_id is null`);
		expect(r).toEqual({ case_id: null, topic: 'language_course', shared_enc: null });
		const [audit] = await raw<{ action: string; changes: Record<string, unknown> }>(sql`select action, changes from audit_log where action = 'erase' and entity_id = ${ids.case4}`);
		expect(audit.changes).toEqual({ caseNumber: ['K-2026-0004', null], status: ['withdrawn', null], reason: [null, 'data_subject_request'] });
		await expect(getCaseView(h.db, p, ids.case4, who.staffA.token)).rejects.toThrow(NotFoundError);
	});
});

describe(`case access on ${DB_KIND}`, () => {
	/** Every service function on a case, as `who` would call it. */
	function calls(caseId: string, stepId: string, person: { p: UserPrincipal; token: string }) {
		const { p, token } = person;
		return {
			getCaseView: () => getCaseView(h.db, p, caseId, token),
			choosePurpose: () => choosePurpose(h.db, p, caseId, token, 'counselling'),
			listCaseReads: () => listCaseReads(h.db, p, caseId),
			exportCase: () => exportCase(h.db, p, caseId, token),
			shareCandidates: () => shareCandidates(h.db, p, caseId),
			addStep: () => addStep(h.db, p, caseId, { kind: 'contact', at: NOW }),
			markStepDone: () => markStepDone(h.db, p, caseId, stepId),
			addNote: () => addNote(h.db, p, caseId, 'x'),
			shareCase: () => shareCase(h.db, p, caseId, who.staffB.p.userId),
			unshareCase: () => unshareCase(h.db, p, caseId, who.colleague.p.userId),
			closeCase: () => closeCase(h.db, p, caseId),
			reopenCase: () => reopenCase(h.db, p, caseId),
			withdrawConsent: () => withdrawConsent(h.db, p, caseId),
			eraseCase: () => eraseCase(h.db, p, caseId)
		};
	}

	it.each(['staffC', 'staffB', 'admin', 'partner', 'volunteer'])('refuses %s every service function on a case of instance a', async (name) => {
		const { id } = await openCase(h.db, who.staffA.p, input(), NOW);
		const stepId = await addStep(h.db, who.staffA.p, id, { kind: 'contact', at: NOW });
		await shareCase(h.db, who.staffA.p, id, who.colleague.p.userId);
		for (const [fn, call] of Object.entries(calls(id, stepId, who[name]))) {
			await expect(call(), `${name} ${fn}`).rejects.toThrow(AccessDeniedError);
		}
		await expect(openCase(h.db, who[name].p, input(), NOW)).rejects.toThrow(AccessDeniedError);
		await expect(
			issueReferral(h.db, who[name].p, { districtId: null, instanceId: w.ids.a, serviceId: w.ids.offer, topic: 'language_course', caseId: id })
		).rejects.toThrow(AccessDeniedError);
		if (name === 'admin' || name === 'partner' || name === 'volunteer') {
			await expect(listCases(h.db, who[name].p)).rejects.toThrow(AccessDeniedError);
		} else {
			expect((await listCases(h.db, who[name].p)).map((c) => c.id)).not.toContain(id);
		}
		const [state] = await raw<{ n: number }>(sql`select count(*)::int as n from case_step where case_id = ${id}`);
		expect(state.n).toBe(1);
	});

	it('allows a named colleague every service function, and ends it with the share', async () => {
		const { id } = await openCase(h.db, who.staffA.p, input(), NOW);
		const stepId = await addStep(h.db, who.staffA.p, id, { kind: 'contact', at: NOW });
		expect(await issues(shareCase(h.db, who.staffA.p, id, who.staffC.p.userId))).toEqual(['userId:unknown_colleague']);
		expect(await issues(shareCase(h.db, who.staffA.p, id, who.admin.p.userId))).toEqual(['userId:unknown_colleague']);
		expect((await shareCandidates(h.db, who.staffA.p, id)).map((c) => c.displayName)).toEqual(['colleague', 'staffB']);
		await shareCase(h.db, who.staffA.p, id, who.colleague.p.userId);
		expect(await issues(shareCase(h.db, who.staffA.p, id, who.colleague.p.userId))).toEqual(['userId:already_shared']);
		const c = calls(id, stepId, who.colleague);
		await c.choosePurpose();
		expect((await c.getCaseView()).case.displayName).toBe(NAME);
		expect((await c.listCaseReads())[0].actor).toBe('colleague');
		expect((await c.exportCase()).case.id).toBe(id);
		expect((await c.shareCandidates()).map((x) => x.displayName)).toEqual(['staffB']);
		await c.addStep();
		await c.markStepDone();
		await c.addNote();
		await c.shareCase();
		await issueReferral(h.db, who.colleague.p, { districtId: null, instanceId: w.ids.a, serviceId: w.ids.offer, topic: 'language_course', caseId: id });
		expect((await listCases(h.db, who.colleague.p)).find((x) => x.id === id)).toMatchObject({ shared: true });
		await c.closeCase();
		await c.reopenCase();
		await unshareCase(h.db, who.staffA.p, id, who.staffB.p.userId);
		await c.withdrawConsent();
		await c.eraseCase();
		expect(await countRows(h, 'case_file')).toBeGreaterThan(0);
		await expect(getCaseView(h.db, who.staffA.p, id, who.staffA.token)).rejects.toThrow(NotFoundError);
	});

	it('ends a colleague’s access and their read purposes when the share ends', async () => {
		const { id } = await openCase(h.db, who.staffA.p, input(), NOW);
		await shareCase(h.db, who.staffA.p, id, who.colleague.p.userId);
		await choosePurpose(h.db, who.colleague.p, id, who.colleague.token, 'handover');
		await unshareCase(h.db, who.staffA.p, id, who.colleague.p.userId);
		await expect(getCaseView(h.db, who.colleague.p, id, who.colleague.token)).rejects.toThrow(AccessDeniedError);
		const [row] = await raw<{ n: number }>(sql`select count(*)::int as n from case_read_purpose where case_id = ${id}`);
		expect(row.n).toBe(0);
		await expect(unshareCase(h.db, who.staffA.p, id, who.colleague.p.userId)).rejects.toThrow(NotFoundError);
	});
});

describe(`key rotation on ${DB_KIND}`, () => {
	/** Every encrypted value (in no particular order: rewriting rows moves them). */
	async function encryptedValues() {
		return raw<{ v: string }>(
			sql`select display_name_enc as v from case_file where display_name_enc is not null
				union all select body_enc from case_note
				union all select note_enc from case_step where note_enc is not null
				union all select shared_enc from referral where shared_enc is not null`
		);
	}

	it('re-encrypts every column under a new file key and drops the old key', async () => {
		const before = (await encryptedValues()).map((r) => decryptText(r.v)).sort();
		const oldKey = loadKeyring().current;
		expect(before.length).toBeGreaterThan(4);
		const report = await rotateKeys(h.db, { batchSize: 2 });
		expect(report.currentKey).not.toBe(oldKey);
		expect(report.droppedKeys).toEqual([oldKey]);
		expect(Object.values(report.reencrypted).reduce((a, b) => a + b, 0)).toBe(before.length);
		const after = await encryptedValues();
		expect(after.every((r) => r.v.startsWith(`v1:${report.currentKey}:`))).toBe(true);
		expect(after.map((r) => decryptText(r.v)).sort()).toEqual(before);
		const file = JSON.parse(fs.readFileSync(keyFilePath(), 'utf8'));
		expect(Object.keys(file.keys)).toEqual([report.currentKey]);
	});

	it('stops at a tampered value, naming the row, and changes nothing', async () => {
		const [note] = await raw<{ id: string; body_enc: string }>(sql`select id, body_enc from case_note limit 1`);
		const parts = note.body_enc.split(':');
		parts[4] = (parts[4][0] === 'A' ? 'B' : 'A') + parts[4].slice(1);
		await h.db.execute(sql`update case_note set body_enc = ${parts.join(':')} where id = ${note.id}`);
		const target = parseKeyList(`${loadKeyring().current}:${loadKeyring().keys.get(loadKeyring().current)!.toString('base64')},next:${randomBytes(32).toString('base64')}`);
		const snapshot = await encryptedValues();
		await expect(reencryptAll(h.db, target)).rejects.toThrow(new RegExp(`case_note\\.body_enc of row ${note.id} cannot be decrypted: .*failed authentication`));
		expect(await encryptedValues()).toEqual(snapshot);
		await h.db.execute(sql`update case_note set body_enc = ${note.body_enc} where id = ${note.id}`);
	});

	it('with CASE_KEYS re-encrypts to the last key and reports the unused old ids', async () => {
		const ring = loadKeyring();
		const env = { ...process.env, CASE_KEYS: `${ring.current}:${ring.keys.get(ring.current)!.toString('base64')},next:${randomBytes(32).toString('base64')}` };
		const before = (await encryptedValues()).map((r) => decryptText(r.v)).sort();
		const report = await rotateKeys(h.db, { env });
		expect(report).toMatchObject({ currentKey: 'next', droppedKeys: [], unusedKeys: [ring.current] });
		const envRing = loadKeyring(env);
		expect((await encryptedValues()).map((r) => decryptText(r.v, envRing)).sort()).toEqual(before);
	});
});
