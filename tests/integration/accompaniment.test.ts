import { randomBytes } from 'node:crypto';
import { systemPrincipal } from '../../src/lib/server/access';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type UserPrincipal } from '../../src/lib/server/access';
import { listAudit } from '../../src/lib/server/audit/service';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { AccessDeniedError, NotFoundError, ValidationError } from '../../src/lib/server/core/errors';
import { CaseLockedError } from '../../src/lib/server/casework/access';
import {
	assignVolunteer,
	listAccompaniments,
	listForVolunteer,
	listVolunteers,
	requestAccompaniment,
	setAccompanimentStatus,
	type AccompanimentRequest
} from '../../src/lib/server/casework/accompaniment';
import { accompaniment, caseConsent, caseFile, caseStep } from '../../src/lib/server/casework/schema';
import { countRows, freshDatabase } from '../helpers/db';
import { buildWorld, person, type World } from '../helpers/world';
import { tempDir } from '../helpers/tmp';

process.env.DATA_DIR = tempDir('anl-accompaniment-');
process.env.CASE_KEYS = `t1:${randomBytes(32).toString('base64')}`;

let h: DatabaseHandle;
let w: World;
/** The world's principals, and a second volunteer of `k` and one of `o`. */
const people: Record<string, UserPrincipal> = {};

const NOW = new Date('2026-03-02T09:00:00Z');
const appointment: AccompanimentRequest = { appointmentAt: new Date('2026-03-12T08:30:00Z'), place: 'Ausländerbehörde, Kalker Hauptstraße 247', language: 'ar' };

/** A case with consent, inserted directly (the cases module builds the real UI). */
async function makeCase(purposes: string[] = ['counselling', 'accompaniment'], instanceId = w.ids.a): Promise<string> {
	const [c] = await h.db
		.insert(caseFile)
		.values({ municipalityId: w.ids.k, instanceId, caseNumber: `K-2026-${randomBytes(3).toString('hex')}`, language: 'ar', displayNameEnc: null })
		.returning();
	await h.db.insert(caseConsent).values({ caseId: c.id, purposes, dataCategories: ['appointments'], givenOn: '2026-03-01', explainedIn: 'ar' });
	return c.id;
}

async function writes() {
	return { steps: await countRows(h, 'case_step'), rows: await countRows(h, 'accompaniment'), audit: await countRows(h, 'audit_log') };
}

beforeAll(async () => {
	h = await freshDatabase();
	w = await buildWorld(h.db);
	// The volunteer calls the instance: it needs a phone number.
	await h.db.execute(sql`update instance set phone = '0221 4711' where id = ${w.ids.a}`);
	Object.assign(people, { staff: w.who.staffA, porz: w.who.staffB, admin: w.who.admin, vol: w.who.volunteer, partner: w.who.partner });
	people.vol2 = await person(h.db, 'vol2', 'volunteer', { id: w.ids.k, slug: 'koeln' });
	people.volD = await person(h.db, 'vold', 'volunteer', { id: w.ids.o, slug: 'bonn' });
});
afterAll(() => h?.close());

describe('requesting an accompaniment', () => {
	it('creates a case step of kind accompaniment and the request, audited without place or time', async () => {
		const caseId = await makeCase();
		const row = await requestAccompaniment(h.db, people.staff, caseId, appointment, NOW);
		expect(row).toMatchObject({ status: 'requested', language: 'ar', instanceId: w.ids.a, volunteerId: null, place: appointment.place });
		const [step] = await h.db.select().from(caseStep).where(eq(caseStep.id, row.stepId));
		expect([step.kind, step.caseId, step.at.toISOString()]).toEqual(['accompaniment', caseId, '2026-03-12T08:30:00.000Z']);
		const [audit] = await listAudit(h.db, systemPrincipal('test'), { entityType: 'accompaniment', entityId: row.id });
		expect(JSON.stringify(audit.changes)).not.toContain('Kalker');
		expect(audit.changes.place).toEqual(['…', '…']);
	});

	it('refuses a case whose consent does not cover accompaniment, writing nothing', async () => {
		const caseId = await makeCase(['counselling', 'referral']);
		const before = await writes();
		const e = await requestAccompaniment(h.db, people.staff, caseId, appointment, NOW).catch((x) => x);
		expect(e).toBeInstanceOf(ValidationError);
		expect((e as ValidationError).issues).toEqual([{ field: 'case', code: 'consent_missing_purpose' }]);
		expect(await writes()).toEqual(before);
	});

	it('refuses a case whose consent was withdrawn, writing nothing', async () => {
		const caseId = await makeCase();
		await h.db.update(caseConsent).set({ withdrawnAt: NOW }).where(eq(caseConsent.caseId, caseId));
		const before = await writes();
		const e = await requestAccompaniment(h.db, people.staff, caseId, appointment, NOW).catch((x) => x);
		expect(e).toBeInstanceOf(CaseLockedError);
		expect((e as CaseLockedError).reason).toBe('consent_withdrawn');
		expect(await writes()).toEqual(before);
	});

	it('refuses bad appointment details with field errors', async () => {
		const caseId = await makeCase();
		const before = await writes();
		const e = await requestAccompaniment(
			h.db,
			people.staff,
			caseId,
			{ appointmentAt: new Date('2026-03-01T08:00:00Z'), place: ' ', language: 'Arabisch' },
			NOW
		).catch((x) => x);
		expect((e as ValidationError).issues.map((i) => `${i.field}:${i.code}`)).toEqual(['appointmentAt:in_past', 'place:required', 'language:invalid_language']);
		const long = await requestAccompaniment(h.db, people.staff, caseId, { ...appointment, place: 'x'.repeat(201) }, NOW).catch((x) => x);
		expect((long as ValidationError).issues).toEqual([{ field: 'place', code: 'too_long', params: { max: 200 } }]);
		const noDate = await requestAccompaniment(h.db, people.staff, caseId, { ...appointment, appointmentAt: new Date('x') }, NOW).catch((x) => x);
		expect((noDate as ValidationError).issues).toEqual([{ field: 'appointmentAt', code: 'required' }]);
		expect(await writes()).toEqual(before);
	});

	it('refuses staff of another instance, administrators and volunteers', async () => {
		const caseId = await makeCase();
		for (const p of [people.porz, people.admin, people.vol, people.partner]) {
			await expect(requestAccompaniment(h.db, p, caseId, appointment, NOW)).rejects.toThrow(AccessDeniedError);
		}
	});
});

describe('assigning a volunteer', () => {
	it('assigns a volunteer of the municipality, audited, and lists the volunteers to choose from', async () => {
		const row = await requestAccompaniment(h.db, people.staff, await makeCase(), appointment, NOW);
		expect((await listVolunteers(h.db, people.staff, w.ids.a)).map((v) => v.displayName)).toEqual(['vol2', 'volunteer']);
		const assigned = await assignVolunteer(h.db, people.staff, row.id, people.vol.userId);
		expect([assigned.status, assigned.volunteerId]).toEqual(['assigned', people.vol.userId]);
		const [audit] = await listAudit(h.db, systemPrincipal('test'), { entityType: 'accompaniment', entityId: row.id });
		expect(audit.changes).toEqual({ volunteerId: [null, people.vol.userId], status: ['requested', 'assigned'] });
		const open = await listAccompaniments(h.db, people.staff, w.ids.a);
		expect(open.find((a) => a.id === row.id)?.volunteerName).toBe('volunteer');
	});

	it('refuses a non-volunteer and a volunteer of another municipality, changing nothing', async () => {
		const row = await requestAccompaniment(h.db, people.staff, await makeCase(), appointment, NOW);
		for (const userId of [people.staff.userId, people.partner.userId, people.volD.userId, 'not-a-uuid']) {
			const e = await assignVolunteer(h.db, people.staff, row.id, userId).catch((x) => x);
			expect((e as ValidationError).issues).toEqual([{ field: 'volunteer', code: 'not_a_volunteer' }]);
		}
		const [after] = await h.db.select().from(accompaniment).where(eq(accompaniment.id, row.id));
		expect([after.status, after.volunteerId]).toEqual(['requested', null]);
	});

	it('is only for staff of the holding instance', async () => {
		const row = await requestAccompaniment(h.db, people.staff, await makeCase(), appointment, NOW);
		for (const p of [people.porz, people.admin, people.vol]) {
			await expect(assignVolunteer(h.db, p, row.id, people.vol.userId)).rejects.toThrow(AccessDeniedError);
		}
		await expect(listAccompaniments(h.db, people.porz, w.ids.a)).rejects.toThrow(AccessDeniedError);
		await expect(listVolunteers(h.db, people.vol, w.ids.a)).rejects.toThrow(AccessDeniedError);
	});

	it('closes as done or cancelled, and refuses changes after that', async () => {
		const row = await requestAccompaniment(h.db, people.staff, await makeCase(), appointment, NOW);
		await assignVolunteer(h.db, people.staff, row.id, people.vol2.userId);
		await setAccompanimentStatus(h.db, people.staff, row.id, 'done', NOW);
		const [step] = await h.db.select().from(caseStep).where(eq(caseStep.id, row.stepId));
		expect(step.doneAt).toEqual(NOW);
		await expect(setAccompanimentStatus(h.db, people.staff, row.id, 'cancelled', NOW)).rejects.toThrow(ValidationError);
		await expect(assignVolunteer(h.db, people.staff, row.id, people.vol.userId)).rejects.toThrow(ValidationError);
		await expect(setAccompanimentStatus(h.db, people.staff, row.id, 'assigned', NOW)).rejects.toThrow(ValidationError);
		expect((await listAccompaniments(h.db, people.staff, w.ids.a)).map((a) => a.id)).not.toContain(row.id);
	});
});

describe('what a volunteer sees', () => {
	it('only their own assignments, and only appointment, place, language, status and the instance to call', async () => {
		const mine = await requestAccompaniment(h.db, people.staff, await makeCase(), { ...appointment, appointmentAt: new Date('2026-04-01T10:00:00Z') }, NOW);
		await assignVolunteer(h.db, people.staff, mine.id, people.vol.userId);
		const other = await requestAccompaniment(h.db, people.staff, await makeCase(), { ...appointment, place: 'Jobcenter Porz' }, NOW);
		await assignVolunteer(h.db, people.staff, other.id, people.vol2.userId);

		const seen = await listForVolunteer(h.db, people.vol);
		expect(seen.length).toBeGreaterThan(0);
		for (const item of seen) {
			expect(Object.keys(item).sort()).toEqual(['appointmentAt', 'instanceName', 'instancePhone', 'language', 'place', 'status']);
			expect(item.place).not.toBe('Jobcenter Porz');
		}
		expect(seen.at(-1)).toEqual({
			appointmentAt: new Date('2026-04-01T10:00:00Z'),
			place: appointment.place,
			language: 'ar',
			status: 'assigned',
			instanceName: 'WP Kalk',
			instancePhone: '0221 4711'
		});
		const json = JSON.stringify(seen);
		const [c] = await h.db.select().from(caseFile).where(eq(caseFile.id, mine.caseId));
		expect(json).not.toContain(c.caseNumber);
		expect(json).not.toContain(mine.caseId);
	});

	it('loses sight of an appointment when the consent is withdrawn', async () => {
		const caseId = await makeCase();
		const row = await requestAccompaniment(h.db, people.staff, caseId, { ...appointment, place: 'Withdrawn place' }, NOW);
		await assignVolunteer(h.db, people.staff, row.id, people.vol.userId);
		expect((await listForVolunteer(h.db, people.vol)).map((a) => a.place)).toContain('Withdrawn place');
		await h.db.update(caseConsent).set({ withdrawnAt: NOW }).where(eq(caseConsent.caseId, caseId));
		expect((await listForVolunteer(h.db, people.vol)).map((a) => a.place)).not.toContain('Withdrawn place');
		await expect(assignVolunteer(h.db, people.staff, row.id, people.vol2.userId)).rejects.toThrow(CaseLockedError);
		// Cancelling stays possible: it stops processing.
		expect((await setAccompanimentStatus(h.db, people.staff, row.id, 'cancelled', NOW)).status).toBe('cancelled');
	});

	it('is refused to everyone who is not a volunteer', async () => {
		for (const p of [people.staff, people.admin, people.partner, null]) {
			await expect(listForVolunteer(h.db, p)).rejects.toThrow(AccessDeniedError);
		}
	});
});

describe('accompaniment: ids and language codes', () => {
	it('answers unknown and malformed ids with 404, changing nothing', async () => {
		const before = await writes();
		for (const id of ['nonsense', '00000000-0000-4000-8000-000000000000']) {
			await expect(assignVolunteer(h.db, people.staff, id, people.vol.userId)).rejects.toThrow(NotFoundError);
			await expect(setAccompanimentStatus(h.db, people.staff, id, 'done', NOW)).rejects.toThrow(NotFoundError);
			await expect(listAccompaniments(h.db, people.staff, id)).rejects.toThrow(NotFoundError);
			await expect(listVolunteers(h.db, people.staff, id)).rejects.toThrow(NotFoundError);
		}
		await expect(requestAccompaniment(h.db, people.staff, 'nonsense', appointment, NOW)).rejects.toThrow(NotFoundError);
		expect(await writes()).toEqual(before);
	});

	it('stores the language code canonical and refuses what is no language code', async () => {
		const caseId = await makeCase();
		expect((await requestAccompaniment(h.db, people.staff, caseId, { ...appointment, language: ' AR ' }, NOW)).language).toBe('ar');
		expect((await requestAccompaniment(h.db, people.staff, caseId, { ...appointment, language: 'fa-af' }, NOW)).language).toBe('fa-AF');
		const before = await writes();
		for (const language of ['arabisch', 'a', 'x'.repeat(300), '']) {
			const e = await requestAccompaniment(h.db, people.staff, caseId, { ...appointment, language }, NOW).catch((x) => x);
			expect((e as ValidationError).issues.map((i) => `${i.field}:${i.code}`)).toEqual(['language:invalid_language']);
		}
		expect(await writes()).toEqual(before);
	});
});
