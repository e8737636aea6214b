/**
 * Löschplan job (issue 4 §5): with the clock moved past each period, `runRetention` deletes
 * exactly what the schedule says, folds contact months into aggregates equal to the raw counts,
 * erases referral tokens, audits every deletion without content, and a second run changes
 * nothing. Plus the validation paths of the settings.
 */
import { randomBytes } from 'node:crypto';
import { desc, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { session } from '../../src/lib/server/accounts/schema';
import { auditLog } from '../../src/lib/server/audit/schema';
import { saveCaseworkSettings, validateCaseworkSettings, type CaseworkSettingsInput } from '../../src/lib/server/casework/configure';
import { encryptText, parseKeyList } from '../../src/lib/server/casework/crypto';
import { findReferralByToken, hashReferralToken } from '../../src/lib/server/casework/referrals';
import { RETENTION_PRINCIPAL, runRetention } from '../../src/lib/server/casework/retention';
import { runRetentionExclusive } from '../../src/lib/server/casework/retention-job';
import { readConfig } from '../../src/lib/server/core/config';
import {
	accompaniment,
	caseConsent,
	caseFile,
	caseNote,
	caseReadPurpose,
	caseShare,
	caseStep,
	caseworkSetting,
	counsellingContact,
	referral
} from '../../src/lib/server/casework/schema';
import { getCaseworkSettings } from '../../src/lib/server/casework/settings';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { AccessDeniedError, ValidationError } from '../../src/lib/server/core/errors';
import { socialSpacePlaces } from '../../src/lib/server/geography/casework-reads';
import { DB_KIND, countRows, freshDatabase } from '../helpers/db';
import { buildWorld, type World } from '../helpers/world';

const ring = parseKeyList(`t1:${randomBytes(32).toString('base64')}`);
const PLANTED_NAME = 'Amira Planted-Testname';
const PLANTED_NOTE = 'Notiz mit Aufenthaltsstatus Duldung';
const NOW = new Date('2026-09-15T10:00:00Z');
const DAY = 86_400_000;

let h: DatabaseHandle;
let w: World;
/** The world's places under the names of this test (m: the municipality with the default periods), and the rows it makes. */
const ids = {} as Record<string, string>;
const tokens = {} as Record<string, string>;
const ciphertexts: string[] = [];

function monthsBefore(date: Date, months: number, plusDays = 0): Date {
	const d = new Date(date);
	d.setUTCMonth(d.getUTCMonth() - months);
	return new Date(d.getTime() + plusDays * DAY);
}

function addMonths(date: Date, months: number): Date {
	return monthsBefore(date, -months);
}

async function insertCase(municipalityId: string, instanceId: string, number: string, values: Partial<typeof caseFile.$inferInsert>) {
	const name = encryptText(`${PLANTED_NAME} ${number}`, ring);
	ciphertexts.push(name);
	const [row] = await h.db
		.insert(caseFile)
		.values({ municipalityId, instanceId, caseNumber: number, displayNameEnc: name, language: 'ar', openedAt: new Date('2025-01-10T09:00:00Z'), ...values })
		.returning();
	await h.db.insert(caseConsent).values({ caseId: row.id, purposes: ['counselling', 'referral'], dataCategories: ['display_name', 'notes'], givenOn: '2025-01-10', explainedIn: 'ar' });
	const note = encryptText(`${PLANTED_NOTE} ${number}`, ring);
	ciphertexts.push(note);
	await h.db.insert(caseNote).values({ caseId: row.id, bodyEnc: note });
	return row.id;
}

/** Contacts of the test: deterministic variety of every dimension. */
function contactRows(municipalityId: string, instanceId: string, districtId: string | null, spaceId: string, from: Date, count: number, spanMs: number) {
	const channels = ['walk_in', 'phone', 'message'];
	const languages = ['ar', 'uk', 'fa', 'de'];
	return Array.from({ length: count }, (_, i) => ({
		municipalityId,
		instanceId,
		districtId,
		socialSpaceId: i % 3 === 0 ? spaceId : null,
		contactedAt: new Date(from.getTime() + Math.floor((spanMs * i) / count)),
		channel: channels[i % channels.length],
		language: languages[i % languages.length],
		interpreterNeeded: i % 4 === 0,
		themeFields: i % 2 ? ['education_language'] : ['housing', 'work'],
		subTopics: i % 5 === 0 ? [] : ['language_course'],
		unmetTopics: i % 7 === 0 ? ['housing_search'] : [],
		attributes: (i % 2 ? { age_band: '27_44', new_arrival: 'yes' } : { household_type: 'family' }) as Record<string, string>
	}));
}

type Contact = ReturnType<typeof contactRows>[number];

/** The aggregate rows a set of contacts should become, as `instance|district|month|dimension|value` → count. */
function expectedAggregates(contacts: Contact[], monthOf: (d: Date) => string): Map<string, number> {
	const out = new Map<string, number>();
	const add = (c: Contact, dimension: string, value: string) => {
		const key = [c.instanceId, c.districtId ?? '', monthOf(c.contactedAt), dimension, value].join('|');
		out.set(key, (out.get(key) ?? 0) + 1);
	};
	for (const c of contacts) {
		add(c, 'total', 'all');
		add(c, 'channel', c.channel);
		add(c, 'language', c.language);
		add(c, 'interpreter', c.interpreterNeeded ? 'yes' : 'no');
		for (const t of c.themeFields) add(c, 'theme_field', t);
		for (const t of c.subTopics) add(c, 'sub_topic', t);
		for (const t of c.unmetTopics) add(c, 'unmet_topic', t);
		if (c.socialSpaceId) add(c, 'social_space', c.socialSpaceId);
		for (const [k, v] of Object.entries(c.attributes)) add(c, `attr:${k}`, v);
	}
	return out;
}

const berlinMonth = (d: Date) => {
	const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit' }).format(d);
	return `${parts.slice(0, 7)}-01`;
};

async function aggregateMap(): Promise<Map<string, number>> {
	const rows = (await h.db.execute(sql`select instance_id, coalesce(district_id::text, '') as district_id, to_char(month, 'YYYY-MM-DD') as month, dimension, value, count from contact_aggregate`)) as unknown as {
		rows: { instance_id: string; district_id: string; month: string; dimension: string; value: string; count: number }[];
	};
	const out = new Map<string, number>();
	for (const r of rows.rows) {
		const key = [r.instance_id, r.district_id, r.month, r.dimension, r.value].join('|');
		expect(out.has(key), `one aggregate row per key: ${key}`).toBe(false);
		out.set(key, r.count);
	}
	return out;
}

async function snapshot() {
	const tables = ['case_file', 'case_consent', 'case_note', 'case_step', 'case_share', 'accompaniment', 'case_read_purpose', 'counselling_contact', 'contact_aggregate', 'referral', 'session'];
	const counts: Record<string, number> = {};
	for (const t of tables) counts[t] = await countRows(h, t);
	const referrals = await h.db.select().from(referral).orderBy(referral.id);
	return { counts, referrals, aggregates: await aggregateMap() };
}

const folded: Contact[] = [];

beforeAll(async () => {
	h = await freshDatabase();
	w = await buildWorld(h.db);
	const [{ districtId: dO }] = await socialSpacePlaces(h.db, [w.ids.so]);
	Object.assign(ids, { m: w.ids.k, m2: w.ids.o, d: w.ids.d1, d2: dO, space: w.ids.s1a, space2: w.ids.so, i1: w.ids.a, i2: w.ids.b, i3: w.ids.c });
	Object.assign(ids, { staff: w.who.staffA.userId, colleague: w.who.staffB.userId });
	await h.db.insert(session).values([
		{ id: 'live-session', userId: ids.staff, secondFactorDone: true, expiresAt: new Date(Date.now() + DAY) },
		{ id: 'expired-session', userId: ids.staff, secondFactorDone: true, expiresAt: new Date(Date.now() - DAY) }
	]);
	// Bonn keeps cases 12 months and contact detail 3 months.
	await h.db.insert(caseworkSetting).values({ municipalityId: ids.m2, caseMonthsAfterClosure: 12, contactDetailMonths: 3 });

	// Cases in Köln (6 months after closure by default).
	const closedLong = monthsBefore(NOW, 6, -1);
	const closedShort = monthsBefore(NOW, 6, 1);
	ids.gone = await insertCase(ids.m, ids.i1, 'K-2025-0001', { status: 'closed', closedAt: closedLong, deleteAfter: addMonths(closedLong, 6) });
	ids.kept = await insertCase(ids.m, ids.i1, 'K-2025-0002', { status: 'closed', closedAt: closedShort, deleteAfter: addMonths(closedShort, 6) });
	ids.withdrawn = await insertCase(ids.m, ids.i1, 'K-2026-0003', { status: 'withdrawn', deleteAfter: new Date(NOW.getTime() - 3600_000) });
	ids.open = await insertCase(ids.m, ids.i1, 'K-2023-0004', { status: 'open', openedAt: new Date('2023-01-01T09:00:00Z') });
	ids.koelnClosed = await insertCase(ids.m2, ids.i3, 'K-2025-0001', { status: 'closed', closedAt: monthsBefore(NOW, 7), deleteAfter: addMonths(monthsBefore(NOW, 7), 12) });

	// Contacts: Köln months up to July 2026 (Europe/Berlin) are past the 1-month detail period on 15 Sep.
	const june = contactRows(ids.m, ids.i1, ids.d, ids.space, new Date('2026-05-31T22:00:00Z'), 30, 30 * DAY);
	const july = contactRows(ids.m, ids.i2, ids.d, ids.space, new Date('2026-06-30T22:00:00Z'), 25, 31 * DAY - 1000);
	const julyNoDistrict = contactRows(ids.m, ids.i1, null, ids.space, new Date('2026-07-10T08:00:00Z'), 4, DAY);
	const lastSecondOfJuly = contactRows(ids.m, ids.i1, ids.d, ids.space, new Date('2026-07-31T21:59:59Z'), 1, 0);
	const firstSecondOfAugust = contactRows(ids.m, ids.i1, ids.d, ids.space, new Date('2026-07-31T22:00:00Z'), 1, 0);
	const august = contactRows(ids.m, ids.i1, ids.d, ids.space, new Date('2026-08-02T08:00:00Z'), 12, 20 * DAY);
	// Bonn (3 months): May is folded, June and July are kept.
	const koelnMay = contactRows(ids.m2, ids.i3, ids.d2, ids.space2, new Date('2026-05-01T08:00:00Z'), 9, 20 * DAY);
	const koelnJuly = contactRows(ids.m2, ids.i3, ids.d2, ids.space2, new Date('2026-07-01T08:00:00Z'), 7, 20 * DAY);
	folded.push(...june, ...july, ...julyNoDistrict, ...lastSecondOfJuly, ...koelnMay);
	await h.db.insert(counsellingContact).values([...june, ...july, ...julyNoDistrict, ...lastSecondOfJuly, ...firstSecondOfAugust, ...august, ...koelnMay, ...koelnJuly]);
	const [julyContact] = await h.db.select({ id: counsellingContact.id }).from(counsellingContact).where(sql`instance_id = ${ids.i2} limit 1`);
	const [augustContact] = await h.db.select({ id: counsellingContact.id }).from(counsellingContact).where(sql`contacted_at = '2026-07-31T22:00:00Z'`);
	Object.assign(ids, { julyContact: julyContact.id, augustContact: augustContact.id });

	// Everything hanging on the case due for erasure, and on the kept one.
	const stepNote = encryptText(`${PLANTED_NOTE} Schritt`, ring);
	ciphertexts.push(stepNote);
	const [goneStep] = await h.db
		.insert(caseStep)
		.values({ caseId: ids.gone, kind: 'accompaniment', at: new Date('2026-02-01T09:00:00Z'), noteEnc: stepNote, contactId: julyContact.id })
		.returning();
	const [keptStep] = await h.db.insert(caseStep).values({ caseId: ids.kept, kind: 'contact', at: new Date('2026-07-12T09:00:00Z'), contactId: julyContact.id }).returning();
	const [keptStepAugust] = await h.db.insert(caseStep).values({ caseId: ids.kept, kind: 'contact', at: new Date('2026-08-01T09:00:00Z'), contactId: augustContact.id }).returning();
	Object.assign(ids, { keptStep: keptStep.id, keptStepAugust: keptStepAugust.id });
	await h.db.insert(accompaniment).values({ caseId: ids.gone, stepId: goneStep.id, municipalityId: ids.m, instanceId: ids.i1, appointmentAt: new Date('2026-02-01T09:00:00Z'), place: 'Amt', language: 'ar' });
	await h.db.insert(caseShare).values({ caseId: ids.gone, userId: ids.colleague });
	await h.db.insert(caseReadPurpose).values([
		{ sessionId: 'live-session', caseId: ids.gone, purpose: 'counselling' },
		{ sessionId: 'live-session', caseId: ids.kept, purpose: 'counselling' },
		{ sessionId: 'expired-session', caseId: ids.kept, purpose: 'follow_up' }
	]);

	// Referrals: 90 days by default.
	const referralRow = (key: string, createdAt: Date, extra: Partial<typeof referral.$inferInsert> = {}) => {
		tokens[key] = randomBytes(32).toString('base64url');
		return {
			municipalityId: ids.m,
			instanceId: ids.i1,
			districtId: ids.d,
			targetLabel: 'Migrationsberatung',
			topic: 'social_counselling',
			tokenHash: hashReferralToken(tokens[key]),
			referenceCode: `${key.slice(0, 4).toUpperCase().padEnd(4, 'X')}-${randomBytes(2).toString('hex').toUpperCase()}`,
			createdAt,
			statusChangedAt: createdAt,
			expiresAt: new Date(createdAt.getTime() + 90 * DAY),
			...extra
		};
	};
	const shared = encryptText(JSON.stringify({ displayName: PLANTED_NAME }), ring);
	ciphertexts.push(shared);
	const refs = await h.db
		.insert(referral)
		.values([
			referralRow('old', new Date(NOW.getTime() - 91 * DAY), { status: 'helped' }),
			referralRow('young', new Date(NOW.getTime() - 89 * DAY)),
			referralRow('ofcase', new Date(NOW.getTime() - 10 * DAY), { caseId: ids.gone, sharedEnc: shared }),
			referralRow('ofkept', new Date(NOW.getTime() - 10 * DAY), { caseId: ids.kept, sharedEnc: shared })
		])
		.returning();
	Object.assign(ids, { refOld: refs[0].id, refYoung: refs[1].id, refOfCase: refs[2].id, refOfKept: refs[3].id });
});
afterAll(() => h?.close());

describe(`retention job (${DB_KIND})`, () => {
	it('a dry run counts what is due and changes nothing', async () => {
		const before = await snapshot();
		const audited = await countRows(h, 'audit_log');
		const report = await runRetention(h.db, RETENTION_PRINCIPAL, { now: NOW, dryRun: true });
		const dus = report.municipalities.find((x) => x.slug === 'koeln')!;
		expect(dus.cases).toEqual({ closed: 1, withdrawn: 1, deleteAfter: 0 });
		expect(dus.contactsFolded).toBe(60);
		expect(dus.monthsFolded).toBe(3);
		expect(dus.referralTokensErased).toBe(1);
		const bonn = report.municipalities.find((x) => x.slug === 'bonn')!;
		expect(bonn.cases).toEqual({ closed: 0, withdrawn: 0, deleteAfter: 0 });
		expect(bonn.contactsFolded).toBe(9);
		expect(await snapshot()).toEqual(before);
		expect(await countRows(h, 'audit_log')).toBe(audited);
	});

	it('with the clock moved past the periods, deletes exactly what the schedule says', async () => {
		const rawBefore = await countRows(h, 'counselling_contact');
		const report = await runRetention(h.db, RETENTION_PRINCIPAL, { now: NOW });
		const dus = report.municipalities.find((x) => x.slug === 'koeln')!;
		expect(dus.cases).toEqual({ closed: 1, withdrawn: 1, deleteAfter: 0 });
		expect(dus.contactsFolded).toBe(60);
		expect(report.sessionsPurged).toBe(1);

		const cases = await h.db.select({ id: caseFile.id }).from(caseFile);
		expect(cases.map((c) => c.id).sort()).toEqual([ids.kept, ids.open, ids.koelnClosed].sort());
		// Everything that hung on the erased cases is gone with them.
		for (const [table, n] of Object.entries({ case_consent: 3, case_note: 3, case_share: 0, accompaniment: 0, case_step: 2 })) {
			expect(await countRows(h, table), table).toBe(n);
		}
		const purposes = await h.db.select().from(caseReadPurpose);
		expect(purposes).toEqual([expect.objectContaining({ sessionId: 'live-session', caseId: ids.kept })]);

		// Contacts: folded months gone, kept months (and the first second of August) untouched.
		expect(await countRows(h, 'counselling_contact')).toBe(rawBefore - 69);
		const left = await h.db.select({ at: counsellingContact.contactedAt, m: counsellingContact.municipalityId }).from(counsellingContact);
		expect(left.filter((c) => c.m === ids.m).every((c) => c.at >= new Date('2026-07-31T22:00:00Z'))).toBe(true);
		expect(left.filter((c) => c.m === ids.m2).every((c) => c.at >= new Date('2026-06-30T22:00:00Z'))).toBe(true);
		expect(left.filter((c) => c.m === ids.m2)).toHaveLength(7);
		// Aggregates equal the raw counts they replace, per instance, district, month and dimension.
		expect(await aggregateMap()).toEqual(expectedAggregates(folded, berlinMonth));
		// Steps keep existing; their link to a folded contact is cut, to a kept one stays.
		const steps = await h.db.select({ id: caseStep.id, contactId: caseStep.contactId }).from(caseStep);
		expect(steps.find((s) => s.id === ids.keptStep)!.contactId).toBeNull();
		expect(steps.find((s) => s.id === ids.keptStepAugust)!.contactId).toBe(ids.augustContact);

		// Referrals: tokens erased after 90 days; the row stays as an anonymous statistic.
		const refs = new Map((await h.db.select().from(referral)).map((r) => [r.id, r]));
		expect(refs.size).toBe(4);
		expect(refs.get(ids.refOld)).toMatchObject({ tokenHash: null, referenceCode: null, sharedEnc: null, status: 'helped', topic: 'social_counselling' });
		expect(await findReferralByToken(h.db, tokens.old)).toBeNull();
		expect((await findReferralByToken(h.db, tokens.young))?.id).toBe(ids.refYoung);
		// The erased case's referral loses its case link and the data shared with the partner.
		expect(refs.get(ids.refOfCase)).toMatchObject({ caseId: null, sharedEnc: null });
		expect(refs.get(ids.refOfCase)!.tokenHash).not.toBeNull();
		expect(refs.get(ids.refOfKept)!.sharedEnc).not.toBeNull();
	});

	it('the audit log shows each deletion, without the deleted content', async () => {
		const rows = await h.db.select().from(auditLog).orderBy(auditLog.id);
		const deletes = rows.filter((r) => r.action === 'retention.delete');
		expect(deletes.map((r) => ({ id: r.entityId, type: r.entityType, m: r.municipalityId, changes: r.changes, actor: r.actorLabel })).sort((a, b) => a.id!.localeCompare(b.id!))).toEqual(
			[
				{ id: ids.gone, type: 'case', m: ids.m, changes: { rule: [null, 'closed+6m'] }, actor: 'retention' },
				{ id: ids.withdrawn, type: 'case', m: ids.m, changes: { rule: [null, 'withdrawn'] }, actor: 'retention' }
			].sort((a, b) => a.id.localeCompare(b.id))
		);
		const runs = rows.filter((r) => r.action === 'retention.run');
		expect(runs.map((r) => r.municipalityId).sort()).toEqual([ids.m, ids.m2].sort());
		expect(runs.find((r) => r.municipalityId === ids.m)!.changes).toMatchObject({
			now: [null, NOW.toISOString()],
			casesClosed: [null, 1],
			casesWithdrawn: [null, 1],
			contactsFolded: [null, 60],
			monthsFolded: [null, 3],
			referralTokensErased: [null, 1]
		});
		const everything = JSON.stringify(rows);
		for (const c of ciphertexts) expect(everything).not.toContain(c.split(':')[4]);
		expect(everything).not.toContain('Planted');
		expect(everything).not.toContain('Duldung');
		expect(everything).not.toContain('K-2025-0001');
	});

	it('a second run changes nothing', async () => {
		const before = await snapshot();
		const report = await runRetention(h.db, RETENTION_PRINCIPAL, { now: NOW });
		for (const m of report.municipalities) {
			expect(m.cases).toEqual({ closed: 0, withdrawn: 0, deleteAfter: 0 });
			expect([m.contactsFolded, m.monthsFolded, m.referralTokensErased]).toEqual([0, 0, 0]);
		}
		expect(await snapshot()).toEqual(before);
	});

	it('one day later the case closed 6 months − 1 day ago is erased; the open case never', async () => {
		const report = await runRetention(h.db, RETENTION_PRINCIPAL, { now: new Date(NOW.getTime() + 1.5 * DAY), municipalityId: ids.m });
		expect(report.municipalities.map((m) => m.slug)).toEqual(['koeln']);
		expect(report.municipalities[0].cases.closed).toBe(1);
		const left = await h.db.select({ id: caseFile.id }).from(caseFile);
		expect(left.map((c) => c.id).sort()).toEqual([ids.open, ids.koelnClosed].sort());
		expect((await h.db.select().from(caseReadPurpose)).length).toBe(0);
		const far = await runRetention(h.db, RETENTION_PRINCIPAL, { now: new Date('2040-01-01T00:00:00Z'), municipalityId: ids.m, dryRun: true });
		expect(far.municipalities[0].cases).toEqual({ closed: 0, withdrawn: 0, deleteAfter: 0 });
		expect((await h.db.select({ id: caseFile.id }).from(caseFile)).map((c) => c.id)).toContain(ids.open);
	});

	it('a contact recorded late into a folded month is merged into that month', async () => {
		const late = contactRows(ids.m, ids.i2, ids.d, ids.space, new Date('2026-07-20T10:00:00Z'), 3, DAY);
		await h.db.insert(counsellingContact).values(late);
		await runRetention(h.db, RETENTION_PRINCIPAL, { now: NOW, municipalityId: ids.m });
		const expected = expectedAggregates([...folded, ...late], berlinMonth);
		const actual = await aggregateMap();
		for (const [key, n] of expected) if (key.startsWith(ids.i2)) expect(actual.get(key), key).toBe(n);
		expect(await h.db.select().from(counsellingContact).where(sql`contacted_at = '2026-07-20T10:00:00Z'`)).toEqual([]);
	});

	it('a shortened case period applies to cases already closed, by the settings of their municipality', async () => {
		await saveCaseworkSettings(h.db, w.who.adminOther, ids.m2, { contactAttributes: ['age_band'], caseMonthsAfterClosure: '6', contactDetailMonths: '3', referralTokenDays: '90', referralFollowUpDays: '14' });
		const report = await runRetention(h.db, RETENTION_PRINCIPAL, { now: NOW, municipalityId: ids.m2 });
		expect(report.municipalities[0].cases).toEqual({ closed: 1, withdrawn: 0, deleteAfter: 0 });
		const [row] = await h.db.select().from(auditLog).where(sql`action = 'retention.delete' and entity_id = ${ids.koelnClosed}`);
		expect(row.changes).toEqual({ rule: [null, 'closed+6m'] });
	});
});

describe(`casework settings (${DB_KIND})`, () => {
	const valid: CaseworkSettingsInput = { contactAttributes: ['new_arrival', 'age_band'], caseMonthsAfterClosure: '6', contactDetailMonths: '1', referralTokenDays: '90', referralFollowUpDays: '14' };
	const issuesOf = (input: Partial<CaseworkSettingsInput>) => {
		try {
			validateCaseworkSettings({ ...valid, ...input });
		} catch (e) {
			expect(e).toBeInstanceOf(ValidationError);
			return (e as ValidationError).issues;
		}
		return [];
	};
	it('accepts the boundaries of the ranges and orders attributes as the vocabulary does', () => {
		expect(validateCaseworkSettings({ ...valid, caseMonthsAfterClosure: 0, contactDetailMonths: '36', referralTokenDays: ' 730 ', referralFollowUpDays: '365' })).toEqual({
			contactAttributes: ['age_band', 'new_arrival'],
			caseMonthsAfterClosure: 0,
			contactDetailMonths: 36,
			referralTokenDays: 730,
			referralFollowUpDays: 365
		});
		expect(validateCaseworkSettings({ ...valid, contactAttributes: [] }).contactAttributes).toEqual([]);
	});

	it('names the field and why for each bad value', () => {
		expect(issuesOf({ caseMonthsAfterClosure: '121' })).toEqual([{ field: 'caseMonthsAfterClosure', code: 'out_of_range', params: { min: 0, max: 120 } }]);
		expect(issuesOf({ caseMonthsAfterClosure: '-1' })).toEqual([{ field: 'caseMonthsAfterClosure', code: 'out_of_range', params: { min: 0, max: 120 } }]);
		expect(issuesOf({ contactDetailMonths: '37' })).toEqual([{ field: 'contactDetailMonths', code: 'out_of_range', params: { min: 0, max: 36 } }]);
		expect(issuesOf({ referralTokenDays: '0' })).toEqual([{ field: 'referralTokenDays', code: 'out_of_range', params: { min: 1, max: 730 } }]);
		expect(issuesOf({ referralFollowUpDays: '366' })).toEqual([{ field: 'referralFollowUpDays', code: 'out_of_range', params: { min: 1, max: 365 } }]);
		expect(issuesOf({ referralTokenDays: '1.5' })).toEqual([{ field: 'referralTokenDays', code: 'not_whole_number' }]);
		expect(issuesOf({ contactDetailMonths: 'zwei' })).toEqual([{ field: 'contactDetailMonths', code: 'not_whole_number' }]);
		expect(issuesOf({ referralFollowUpDays: '' })).toEqual([{ field: 'referralFollowUpDays', code: 'required' }]);
		expect(issuesOf({ contactAttributes: ['age_band', 'religion'] })).toEqual([{ field: 'contactAttributes', code: 'unknown_option' }]);
	});

	it('saves with an audit row of the changed fields; bad input and other roles change nothing', async () => {
		const before = await getCaseworkSettings(h.db, ids.m);
		await expect(saveCaseworkSettings(h.db, w.who.admin, ids.m, { ...valid, caseMonthsAfterClosure: '200' })).rejects.toBeInstanceOf(ValidationError);
		await expect(saveCaseworkSettings(h.db, w.who.staffA, ids.m, valid)).rejects.toBeInstanceOf(AccessDeniedError);
		await expect(saveCaseworkSettings(h.db, w.who.adminOther, ids.m, valid)).rejects.toBeInstanceOf(AccessDeniedError);
		expect(await getCaseworkSettings(h.db, ids.m)).toEqual(before);

		await saveCaseworkSettings(h.db, w.who.admin, ids.m, { ...valid, contactAttributes: ['household_type'], referralTokenDays: '5' });
		expect(await getCaseworkSettings(h.db, ids.m)).toEqual({ ...before, contactAttributes: ['household_type'], referralTokenDays: 5 });
		const [row] = await h.db.select().from(auditLog).where(sql`entity_type = 'casework_setting' and municipality_id = ${ids.m}`);
		expect(row).toMatchObject({ action: 'update', actorUserId: w.who.admin.userId, changes: { contactAttributes: [['age_band', 'household_type', 'new_arrival'], ['household_type']], referralTokenDays: [90, 5] } });
		// The shortened token period applies to referrals issued before (10 days ago, 90-day links).
		expect(await findReferralByToken(h.db, tokens.ofkept)).not.toBeNull();
		const report = await runRetention(h.db, RETENTION_PRINCIPAL, { now: NOW, municipalityId: ids.m });
		expect(report.municipalities[0].referralTokensErased).toBe(2);
		expect(await findReferralByToken(h.db, tokens.ofkept)).toBeNull();
	});
});

describe(`retention schedule and configuration (${DB_KIND})`, () => {
	it('never runs twice at once in one process', async () => {
		const [a, b] = await Promise.all([runRetentionExclusive(h.db, RETENTION_PRINCIPAL, { now: NOW }), runRetentionExclusive(h.db, RETENTION_PRINCIPAL, { now: NOW })]);
		expect(a?.municipalities).toHaveLength(2);
		expect(b).toBeNull();
		expect(await runRetentionExclusive(h.db, RETENTION_PRINCIPAL, { now: NOW, dryRun: true })).not.toBeNull();
	});

	it('lets an administrator run their own municipality only, named on the summary row', async () => {
		const audited = await countRows(h, 'audit_log');
		await expect(runRetention(h.db, w.who.admin, { now: NOW })).rejects.toBeInstanceOf(AccessDeniedError);
		await expect(runRetention(h.db, w.who.admin, { now: NOW, municipalityId: ids.m2 })).rejects.toBeInstanceOf(AccessDeniedError);
		await expect(runRetentionExclusive(h.db, w.who.staffA, { now: NOW, municipalityId: ids.m })).rejects.toBeInstanceOf(AccessDeniedError);
		expect(await countRows(h, 'audit_log')).toBe(audited);
		const report = await runRetentionExclusive(h.db, w.who.admin, { now: NOW, municipalityId: ids.m });
		expect(report?.municipalities.map((m) => m.slug)).toEqual(['koeln']);
		const [run] = await h.db.select().from(auditLog).where(sql`action = 'retention.run'`).orderBy(desc(auditLog.id)).limit(1);
		expect(run).toMatchObject({ actorUserId: w.who.admin.userId, actorLabel: 'retention', municipalityId: ids.m });
	});

	it('gives an empty report for an unknown or malformed municipality', async () => {
		for (const municipalityId of ['00000000-0000-4000-8000-000000000000', 'nonsense']) {
			expect((await runRetention(h.db, RETENTION_PRINCIPAL, { now: NOW, municipalityId, dryRun: true })).municipalities).toEqual([]);
		}
	});

	it('reads RETENTION_INTERVAL_MINUTES and ANLAUFSTELLE_NOW, naming the variable when they are bad', () => {
		expect(readConfig({})).toMatchObject({ retentionIntervalMinutes: 60, retentionNow: null });
		expect(readConfig({ RETENTION_INTERVAL_MINUTES: '0', ANLAUFSTELLE_NOW: '2027-06-01T00:00:00Z' })).toMatchObject({
			retentionIntervalMinutes: 0,
			retentionNow: new Date('2027-06-01T00:00:00Z')
		});
		expect(() => readConfig({ RETENTION_INTERVAL_MINUTES: '-5' })).toThrow(/RETENTION_INTERVAL_MINUTES/);
		expect(() => readConfig({ RETENTION_INTERVAL_MINUTES: 'hourly' })).toThrow(/RETENTION_INTERVAL_MINUTES/);
		expect(() => readConfig({ ANLAUFSTELLE_NOW: 'tomorrow' })).toThrow(/ANLAUFSTELLE_NOW/);
		expect(() => readConfig({ ANLAUFSTELLE_NOW: '2027-13-45' })).toThrow(/ANLAUFSTELLE_NOW/);
	});
});
