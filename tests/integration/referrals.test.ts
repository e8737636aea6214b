import { randomBytes } from 'node:crypto';
import { systemPrincipal } from '../../src/lib/server/access';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/lib/server/audit/service';
import { AccessDeniedError, NotFoundError, ValidationError } from '../../src/lib/server/core/errors';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import {
	PartnerLinkError,
	issueReferral,
	listCaseReferrals,
	listReferrals,
	markFollowUpDone,
	nextPartnerStatuses,
	referralSlipPath,
	resolvePartnerLink,
	updateReferralByToken,
	type PartnerUpdate
} from '../../src/lib/server/casework/referrals';
import { caseConsent, caseFile, caseShare, caseworkSetting, referral } from '../../src/lib/server/casework/schema';
import { parseBerlinLocal } from '../../src/lib/server/casework/time';
import { countRows, freshDatabase } from '../helpers/db';
import { buildWorld, type World } from '../helpers/world';
import { tempDir } from '../helpers/tmp';

process.env.DATA_DIR = tempDir('anl-referrals-');
process.env.CASE_KEYS = `t1:${randomBytes(32).toString('base64')}`;

let h: DatabaseHandle;
let w: World;

const T0 = new Date('2026-03-02T09:00:00Z');
const day = (n: number) => new Date(T0.getTime() + n * 86_400_000);

/** A case with consent, inserted directly (the cases module builds the real UI). */
async function makeCase(consent: { purposes?: string[]; partnerCategories?: string[]; withdrawn?: boolean } = {}): Promise<string> {
	const [c] = await h.db
		.insert(caseFile)
		.values({ municipalityId: w.ids.k, instanceId: w.ids.a, caseNumber: `K-2026-${randomBytes(3).toString('hex')}`, language: 'ar', createdBy: w.who.staffA.userId })
		.returning();
	await h.db.insert(caseConsent).values({
		caseId: c.id,
		purposes: consent.purposes ?? ['counselling', 'referral'],
		dataCategories: ['display_name', 'language', 'needs_summary'],
		partnerCategories: consent.partnerCategories ?? [],
		givenOn: '2026-03-01',
		explainedIn: 'ar',
		recordedBy: w.who.staffA.userId,
		withdrawnAt: consent.withdrawn ? T0 : null
	});
	return c.id;
}

async function issue(overrides: Partial<Parameters<typeof issueReferral>[2]> = {}, now = T0) {
	return issueReferral(h.db, w.who.staffA, { districtId: null, instanceId: w.ids.a, serviceId: w.ids.offer, topic: 'language_course', ...overrides }, now);
}

/** Everything a partner request could change, to compare before and after a refusal. */
async function snapshot(id: string) {
	const [row] = await h.db.select().from(referral).where(eq(referral.id, id));
	return { row, events: await countRows(h, 'referral_event'), audit: await countRows(h, 'audit_log') };
}

/** The same token with one character changed. */
function flipOne(token: string): string {
	const i = 10;
	return token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
}

beforeAll(async () => {
	h = await freshDatabase();
	w = await buildWorld(h.db);
});
afterAll(() => h?.close());

describe('partner link: the closed loop', () => {
	it('runs issued → received → appointment → helped, with history, events and audit by partner-link', async () => {
		const { referral: r, token } = await issue();
		expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
		const state = await resolvePartnerLink(h.db, token, day(1));
		expect(state.status).toBe('valid');
		if (state.status !== 'valid') return;
		expect(state.referral.topic).toBe('language_course');
		expect(state.shared).toEqual({});
		expect(nextPartnerStatuses('issued')).toEqual(['received', 'appointment', 'helped', 'not_possible']);

		await updateReferralByToken(h.db, token, { status: 'received' }, day(1));
		const appointment = parseBerlinLocal('2026-03-10T14:30')!;
		expect(appointment.toISOString()).toBe('2026-03-10T13:30:00.000Z');
		await updateReferralByToken(h.db, token, { status: 'appointment', appointmentAt: appointment }, day(2));
		const done = await updateReferralByToken(h.db, token, { status: 'helped' }, day(9));
		expect(done.status).toBe('helped');
		expect(done.appointmentAt?.toISOString()).toBe('2026-03-10T13:30:00.000Z');
		expect(done.statusChangedAt).toEqual(day(9));

		const [listed] = (await listReferrals(h.db, w.who.staffA, w.ids.a, {}, day(10))).filter((x) => x.id === r.id);
		expect(listed.history.map((e) => [e.status, e.by])).toEqual([
			['issued', 'staff'],
			['received', 'partner'],
			['appointment', 'partner'],
			['helped', 'partner']
		]);
		const audit = await listAudit(h.db, systemPrincipal('test'), { entityType: 'referral', entityId: r.id });
		expect(audit).toHaveLength(3);
		expect(audit.every((a) => a.actorLabel === 'partner-link' && a.actorUserId === null)).toBe(true);
		const appointmentAudit = audit.find((a) => (a.changes.status as unknown[])[1] === 'appointment')!;
		expect(appointmentAudit.changes).toEqual({ status: ['received', 'appointment'], appointmentAt: ['…', '…'] });

		// A final status uses the link up.
		expect((await resolvePartnerLink(h.db, token, day(10))).status).toBe('completed');
	});

	it('allows skipping "appointment made" and records the reason of "not possible"', async () => {
		const { referral: r, token } = await issue();
		await updateReferralByToken(h.db, token, { status: 'not_possible', failureReason: 'no_capacity' }, day(1));
		const [row] = await h.db.select().from(referral).where(eq(referral.id, r.id));
		expect([row.status, row.failureReason]).toEqual(['not_possible', 'no_capacity']);
		const [audit] = await listAudit(h.db, systemPrincipal('test'), { entityType: 'referral', entityId: r.id });
		expect(audit.changes).toEqual({ status: ['issued', 'not_possible'], failureReason: [null, 'no_capacity'] });
	});

	it('gives the slip path with the token: offer slip for offers, referral slip for actors', async () => {
		const { referral: r, token } = await issue();
		expect(referralSlipPath('ar', 'koeln', r, token)).toBe(`/ar/m/koeln/o/${w.ids.offer}/slip?ref=${token}`);
		const actor = await issue({ serviceId: null, organizationId: w.ids.org });
		expect(actor.referral.targetLabel).toBe('Caritas Köln');
		expect(referralSlipPath('de', 'koeln', actor.referral, actor.token)).toBe(`/de/staff/referrals/${actor.referral.id}/slip?ref=${actor.token}`);
	});
});

describe('partner link: every refusal changes nothing', () => {
	async function refused(token: string, input: PartnerUpdate, now: Date, referralId: string) {
		const before = await snapshot(referralId);
		let error: unknown;
		try {
			await updateReferralByToken(h.db, token, input, now);
		} catch (e) {
			error = e;
		}
		expect(await snapshot(referralId)).toEqual(before);
		return error;
	}

	it('refuses a tampered token (one character flipped) as unknown', async () => {
		const { referral: r, token } = await issue();
		const e = await refused(flipOne(token), { status: 'received' }, day(1), r.id);
		expect(e).toBeInstanceOf(PartnerLinkError);
		expect((e as PartnerLinkError).status).toBe('unknown');
		expect((await resolvePartnerLink(h.db, flipOne(token), day(1))).status).toBe('unknown');
	});

	it('refuses malformed and unknown tokens', async () => {
		const { referral: r } = await issue();
		expect(((await refused('short', { status: 'received' }, day(1), r.id)) as PartnerLinkError).status).toBe('malformed');
		expect(((await refused('x'.repeat(44), { status: 'received' }, day(1), r.id)) as PartnerLinkError).status).toBe('malformed');
		const unknown = randomBytes(32).toString('base64url');
		expect(((await refused(unknown, { status: 'received' }, day(1), r.id)) as PartnerLinkError).status).toBe('unknown');
	});

	it('refuses an expired link (clock moved past the token period) and an erased token', async () => {
		const { referral: r, token } = await issue();
		expect(r.expiresAt).toEqual(day(90));
		expect((await resolvePartnerLink(h.db, token, day(89))).status).toBe('valid');
		expect((await resolvePartnerLink(h.db, token, day(90))).status).toBe('expired');
		expect(((await refused(token, { status: 'received' }, day(91), r.id)) as PartnerLinkError).status).toBe('expired');
		// The Löschplan erases the hash: the link is gone for good.
		await h.db.update(referral).set({ tokenHash: null, referenceCode: null }).where(eq(referral.id, r.id));
		expect((await resolvePartnerLink(h.db, token, day(1))).status).toBe('unknown');
	});

	it('refuses a used link', async () => {
		const { referral: r, token } = await issue();
		await updateReferralByToken(h.db, token, { status: 'helped' }, day(1));
		expect(((await refused(token, { status: 'not_possible', failureReason: 'other' }, day(2), r.id)) as PartnerLinkError).status).toBe('completed');
	});

	it('refuses going back, repeating a status, "issued" and unknown statuses as a form error', async () => {
		const { referral: r, token } = await issue();
		await updateReferralByToken(h.db, token, { status: 'appointment' }, day(1));
		for (const status of ['received', 'appointment', 'issued', 'lost']) {
			const e = await refused(token, { status }, day(2), r.id);
			expect(e).toBeInstanceOf(ValidationError);
			expect((e as ValidationError).issues).toEqual([{ field: 'status', code: 'invalid_transition' }]);
		}
		expect((await resolvePartnerLink(h.db, token, day(2))).status).toBe('valid');
	});

	it('refuses "not possible" without a reason or with an unknown reason', async () => {
		const { referral: r, token } = await issue();
		const missing = await refused(token, { status: 'not_possible' }, day(1), r.id);
		expect((missing as ValidationError).issues).toEqual([{ field: 'failureReason', code: 'required' }]);
		const unknown = await refused(token, { status: 'not_possible', failureReason: 'bored' }, day(1), r.id);
		expect((unknown as ValidationError).issues).toEqual([{ field: 'failureReason', code: 'unknown_value' }]);
	});

	it('refuses an appointment time that is no date', async () => {
		const { referral: r, token } = await issue();
		const e = await refused(token, { status: 'appointment', appointmentAt: new Date('nonsense') }, day(1), r.id);
		expect((e as ValidationError).issues).toEqual([{ field: 'appointmentAt', code: 'invalid_datetime' }]);
		expect(parseBerlinLocal('2026-02-30T10:00')).toBeNull();
		expect(parseBerlinLocal('10.03.2026 14:30')).toBeNull();
	});

	it('stops the link when the consent of the case was withdrawn', async () => {
		const caseId = await makeCase({ partnerCategories: ['language'] });
		const { referral: r, token } = await issue({ caseId, shared: { language: 'ar' } });
		await h.db.update(caseConsent).set({ withdrawnAt: day(1) }).where(eq(caseConsent.caseId, caseId));
		expect(((await refused(token, { status: 'received' }, day(2), r.id)) as PartnerLinkError).status).toBe('expired');
	});
});

describe('partner link: only what the consent allows', () => {
	it('shows nothing but token and topic for a contact referral and a case without partner categories', async () => {
		const plain = await issue();
		const caseId = await makeCase();
		const fromCase = await issue({ caseId });
		for (const { token } of [plain, fromCase]) {
			const state = await resolvePartnerLink(h.db, token, day(1));
			expect(state.status === 'valid' && state.shared).toEqual({});
		}
	});

	it('shows the consented categories, encrypted at rest, and narrows them when the consent is narrowed', async () => {
		const caseId = await makeCase({ partnerCategories: ['display_name', 'language'] });
		const { referral: r, token } = await issue({ caseId, shared: { displayName: 'Amira S.', language: 'ar' } });
		expect(r.sharedEnc).toMatch(/^v1:t1:/);
		expect(r.sharedEnc).not.toContain('Amira');
		const state = await resolvePartnerLink(h.db, token, day(1));
		expect(state.status === 'valid' && state.shared).toEqual({ displayName: 'Amira S.', language: 'ar' });
		await h.db.update(caseConsent).set({ partnerCategories: ['language'] }).where(eq(caseConsent.caseId, caseId));
		const narrowed = await resolvePartnerLink(h.db, token, day(1));
		expect(narrowed.status === 'valid' && narrowed.shared).toEqual({ language: 'ar' });
	});

	it('refuses to pass on data the consent does not cover', async () => {
		const caseId = await makeCase({ partnerCategories: ['language'] });
		const before = await countRows(h, 'referral');
		await expect(issue({ caseId, shared: { displayName: 'Amira S.' } })).rejects.toThrow(ValidationError);
		expect(await countRows(h, 'referral')).toBe(before);
	});
});

describe('follow-up of overdue referrals', () => {
	let overdueId: string;
	let freshId: string;

	beforeAll(async () => {
		await h.db.insert(caseworkSetting).values({ municipalityId: w.ids.k, referralFollowUpDays: 7 });
		overdueId = (await issue({}, day(-20))).referral.id;
		const received = await issue({}, day(-30));
		await updateReferralByToken(h.db, received.token, { status: 'received' }, day(-3));
		freshId = received.referral.id;
	});

	it('lists overdue referrals first, only those without a status change for the follow-up period', async () => {
		const list = await listReferrals(h.db, w.who.staffA, w.ids.a, {}, T0);
		const firstNotOverdue = list.findIndex((r) => !r.overdue);
		expect(list.slice(firstNotOverdue).some((r) => r.overdue)).toBe(false);
		const overdue = list.find((r) => r.id === overdueId)!;
		expect(overdue.overdue).toBe(true);
		expect(list.indexOf(overdue)).toBe(0);
		expect(list.find((r) => r.id === freshId)!.overdue).toBe(false);
		// Final ones never are overdue, however old.
		expect(list.filter((r) => r.status === 'helped' || r.status === 'not_possible').every((r) => !r.overdue)).toBe(true);
		const only = await listReferrals(h.db, w.who.staffA, w.ids.a, { overdueOnly: true }, T0);
		expect(only.map((r) => r.id)).toEqual([overdueId]);
		// Seven days after the last change it is due.
		expect((await listReferrals(h.db, w.who.staffA, w.ids.a, { overdueOnly: true }, day(4))).map((r) => r.id)).toContain(freshId);
	});

	it('"follow-up done" takes it off the list, audited, until the partner moves it again', async () => {
		await markFollowUpDone(h.db, w.who.staffA, overdueId);
		await markFollowUpDone(h.db, w.who.staffA, overdueId);
		const audit = await listAudit(h.db, systemPrincipal('test'), { entityType: 'referral', entityId: overdueId });
		expect(audit.map((a) => [a.action, a.actorUserId, a.changes])).toEqual([['follow_up', w.who.staffA.userId, { followUpDone: [false, true] }]]);
		expect((await listReferrals(h.db, w.who.staffA, w.ids.a, { overdueOnly: true }, T0)).map((r) => r.id)).not.toContain(overdueId);
	});

	it('refuses follow-up of a final referral', async () => {
		const { referral: r, token } = await issue();
		await updateReferralByToken(h.db, token, { status: 'helped' }, day(1));
		await expect(markFollowUpDone(h.db, w.who.staffA, r.id)).rejects.toThrow(ValidationError);
	});

	it('is only for staff of the instance; case referrals also for colleagues the case is shared with', async () => {
		await expect(listReferrals(h.db, w.who.staffB, w.ids.a)).rejects.toThrow(AccessDeniedError);
		await expect(listReferrals(h.db, w.who.admin, w.ids.a)).rejects.toThrow(AccessDeniedError);
		await expect(listReferrals(h.db, null, w.ids.a)).rejects.toThrow(AccessDeniedError);
		await expect(markFollowUpDone(h.db, w.who.staffB, freshId)).rejects.toThrow(AccessDeniedError);
		const caseId = await makeCase();
		const { referral: r } = await issue({ caseId });
		await expect(listCaseReferrals(h.db, w.who.staffB, caseId)).rejects.toThrow(AccessDeniedError);
		await h.db.insert(caseShare).values({ caseId, userId: w.who.staffB.userId });
		expect((await listCaseReferrals(h.db, w.who.staffB, caseId)).map((x) => x.id)).toEqual([r.id]);
		await markFollowUpDone(h.db, w.who.staffB, r.id);
		await expect(listCaseReferrals(h.db, w.who.admin, caseId)).rejects.toThrow(AccessDeniedError);
	});
});

describe('referrals: bad input and the audit of case referrals', () => {
	it('refuses a needs summary over 1000 characters at its field, writing nothing', async () => {
		const caseId = await makeCase({ partnerCategories: ['needs_summary'] });
		const before = [await countRows(h, 'referral'), await countRows(h, 'audit_log')];
		const e = await issue({ caseId, shared: { needsSummary: 'x'.repeat(1001) } }).catch((x) => x);
		expect(e).toBeInstanceOf(ValidationError);
		expect((e as ValidationError).issues).toEqual([{ field: 'shared.needsSummary', code: 'too_long', params: { max: 1000 } }]);
		expect([await countRows(h, 'referral'), await countRows(h, 'audit_log')]).toEqual(before);
	});

	it('refuses an unknown or malformed instance like a foreign one, and unknown ids with 404', async () => {
		const before = await countRows(h, 'referral');
		for (const instanceId of ['00000000-0000-4000-8000-000000000000', 'nonsense']) {
			await expect(issue({ instanceId })).rejects.toThrow(AccessDeniedError);
			await expect(listReferrals(h.db, w.who.staffA, instanceId)).rejects.toThrow(NotFoundError);
		}
		await expect(markFollowUpDone(h.db, w.who.staffA, 'nonsense')).rejects.toThrow(NotFoundError);
		await expect(markFollowUpDone(h.db, w.who.staffA, '00000000-0000-4000-8000-000000000000')).rejects.toThrow(NotFoundError);
		expect(await countRows(h, 'referral')).toBe(before);
	});

	it('audits a referral from a case with the case and the target, the shared data only as a marker', async () => {
		const caseId = await makeCase({ partnerCategories: ['display_name'] });
		const { referral: r } = await issue({ caseId, shared: { displayName: 'Amira S.' } });
		const [audit] = await listAudit(h.db, systemPrincipal('test'), { entityType: 'referral', entityId: r.id });
		expect(audit).toMatchObject({ action: 'create', actorUserId: w.who.staffA.userId });
		expect(audit.changes).toEqual({ caseId: [null, caseId], topic: [null, 'language_course'], serviceId: [null, w.ids.offer], organizationId: [null, w.ids.org], shared: [null, '…'] });
		expect(JSON.stringify(audit)).not.toContain('Amira');
	});
});
