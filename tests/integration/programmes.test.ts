import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal, type UserPrincipal } from '../../src/lib/server/access';
import { listAudit } from '../../src/lib/server/audit/service';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { saveService } from '../../src/lib/server/directory/service';
import { AccessDeniedError, NotFoundError, ValidationError } from '../../src/lib/server/core/errors';
import {
	budgetByField,
	deadlineFeed,
	deleteProgramme,
	getProgramme,
	listDeadlines,
	listProgrammes,
	programmeToInput,
	saveProgramme,
	type ProgrammeInput
} from '../../src/lib/server/steering/programmes';
import { parseEuroCents } from '../../src/lib/server/steering/model';
import { needsReport, needsReportLink } from '../../src/lib/server/steering/schema';
import { countRows, DB_KIND, freshDatabase } from '../helpers/db';
import { offer } from '../helpers/directory';
import { buildWorld } from '../helpers/world';

let h: DatabaseHandle;
const ids: Record<string, string> = {};
const people: Record<string, UserPrincipal> = {};

function input(overrides: Partial<ProgrammeInput> = {}): ProgrammeInput {
	return {
		name: 'KOMM-AN NRW',
		description: 'Förderung der Integrationsarbeit vor Ort',
		funderLevel: 'state',
		funderName: 'Land NRW',
		themeFields: ['education', 'labour'],
		targetGroups: ['newcomers'],
		socialSpaceIds: [ids.kalk],
		budget: '12.500,50',
		startsOn: '2026-01-01',
		endsOn: '2026-12-31',
		deadlines: [
			{ dueOn: '2026-03-31', label: 'Antragsfrist' },
			{ dueOn: '', label: '' },
			{ dueOn: '2026-09-30', label: 'Verwendungsnachweis' }
		],
		url: 'https://www.mkjfgfi.nrw/komm-an',
		contactName: 'Frau Beispiel',
		contactEmail: 'foerderung@example.org',
		contactPhone: '0211 123',
		serviceIds: [ids.offer],
		...overrides
	};
}

async function refused(p: Promise<unknown>): Promise<{ field: string; code: string }[]> {
	const e = await p.then(() => null, (x) => x);
	expect(e).toBeInstanceOf(ValidationError);
	return (e as ValidationError).issues.map((i) => ({ field: i.field, code: i.code }));
}

beforeAll(async () => {
	h = await freshDatabase();
	const w = await buildWorld(h.db);
	Object.assign(ids, { k: w.ids.k, o: w.ids.o, kalk: w.ids.s1a, vingst: w.ids.s1b, beuel: w.ids.so, offer: w.ids.offer });
	ids.ooffer = (await saveService(h.db, systemPrincipal('t'), ids.o, offer(w.ids.orgOther, { locations: [], schedules: [] }))).id;
	Object.assign(people, { admin: w.who.admin, staff: w.who.staffA, oadmin: w.who.adminOther });
});
afterAll(() => h?.close());

describe(`programmes (${DB_KIND})`, () => {
	it('saves a programme with spaces, deadlines and funded offers; budget in cents; audited', async () => {
		const p = await saveProgramme(h.db, people.admin, ids.k, input());
		expect(p.budgetCents).toBe(1_250_050);
		const d = (await getProgramme(h.db, people.admin, ids.k, p.id))!;
		expect(d.socialSpaces.map((s) => s.name)).toEqual(['Humboldt/Gremberg']);
		expect(d.deadlines.map((x) => [x.dueOn, x.label])).toEqual([
			['2026-03-31', 'Antragsfrist'],
			['2026-09-30', 'Verwendungsnachweis']
		]);
		expect(d.services.map((s) => s.id)).toEqual([ids.offer]);
		expect(programmeToInput(d).budget).toBe('12500,50');
		const [audit] = await listAudit(h.db, systemPrincipal('test'), { entityType: 'programme', entityId: p.id });
		expect(audit.action).toBe('create');
		expect(audit.actorUserId).toBe(people.admin.userId);
		expect(audit.changes.budgetCents).toEqual([null, 1_250_050]);
		expect(audit.changes.deadlines).toEqual([null, ['2026-03-31 Antragsfrist', '2026-09-30 Verwendungsnachweis']]);
		// Another municipality does not see it.
		expect(await getProgramme(h.db, people.oadmin, ids.o, p.id)).toBeNull();
	});

	it('updates keeping unchanged deadline rows (stable calendar UIDs) and audits only the difference', async () => {
		const p = await saveProgramme(h.db, people.admin, ids.k, input({ name: 'Update-Test' }));
		const before = (await getProgramme(h.db, people.admin, ids.k, p.id))!;
		const kept = before.deadlines.find((x) => x.label === 'Antragsfrist')!.id;
		await saveProgramme(h.db, people.admin, ids.k, input({ name: 'Update-Test', budget: '', deadlines: [{ dueOn: '2026-03-31', label: 'Antragsfrist' }, { dueOn: '2026-06-01', label: 'Zwischenbericht' }] }), { id: p.id });
		const after = (await getProgramme(h.db, people.admin, ids.k, p.id))!;
		expect(after.budgetCents).toBeNull();
		expect(after.deadlines.map((x) => x.label)).toEqual(['Antragsfrist', 'Zwischenbericht']);
		expect(after.deadlines[0].id).toBe(kept);
		const [audit] = await listAudit(h.db, systemPrincipal('test'), { entityType: 'programme', entityId: p.id });
		expect(audit.action).toBe('update');
		expect(Object.keys(audit.changes).sort()).toEqual(['budgetCents', 'deadlines']);
	});

	it('refuses bad input naming the field, writing nothing', async () => {
		const rows = await countRows(h, 'programme');
		const audits = await countRows(h, 'audit_log');
		expect(await refused(saveProgramme(h.db, people.admin, ids.k, input({ startsOn: '2026-05-01', endsOn: '2026-04-30' })))).toEqual([{ field: 'endsOn', code: 'pg_err_end_before_start' }]);
		expect(await refused(saveProgramme(h.db, people.admin, ids.k, input({ budget: '-500' })))).toEqual([{ field: 'budget', code: 'pg_err_negative_budget' }]);
		expect(await refused(saveProgramme(h.db, people.admin, ids.k, input({ budget: '12,345,00' })))).toEqual([{ field: 'budget', code: 'pg_err_amount' }]);
		expect(await refused(saveProgramme(h.db, people.admin, ids.k, input({ themeFields: ['education', 'astrology'] })))).toEqual([{ field: 'themeFields', code: 'pg_err_theme_field' }]);
		expect(await refused(saveProgramme(h.db, people.admin, ids.k, input({ targetGroups: ['martians'] })))).toEqual([{ field: 'targetGroups', code: 'pg_err_target_group' }]);
		expect(await refused(saveProgramme(h.db, people.admin, ids.k, input({ funderLevel: 'galactic' })))).toEqual([{ field: 'funderLevel', code: 'pg_err_level' }]);
		expect(await refused(saveProgramme(h.db, people.admin, ids.k, input({ funderLevel: '' })))).toEqual([{ field: 'funderLevel', code: 'required' }]);
		expect(await refused(saveProgramme(h.db, people.admin, ids.k, input({ socialSpaceIds: [ids.beuel] })))).toEqual([{ field: 'socialSpaceIds', code: 'pg_err_space' }]);
		expect(await refused(saveProgramme(h.db, people.admin, ids.k, input({ socialSpaceIds: ['not-a-uuid'] })))).toEqual([{ field: 'socialSpaceIds', code: 'pg_err_space' }]);
		expect(await refused(saveProgramme(h.db, people.admin, ids.k, input({ serviceIds: [ids.ooffer] })))).toEqual([{ field: 'serviceIds', code: 'pg_err_offer' }]);
		expect(await refused(saveProgramme(h.db, people.admin, ids.k, input({ startsOn: '2026-02-30' })))).toEqual([{ field: 'startsOn', code: 'invalid_date' }]);
		expect(await refused(saveProgramme(h.db, people.admin, ids.k, input({ startsOn: '' })))).toEqual([{ field: 'startsOn', code: 'required' }]);
		expect(await refused(saveProgramme(h.db, people.admin, ids.k, input({ endsOn: '31.12.2026' })))).toEqual([{ field: 'endsOn', code: 'invalid_date' }]);
		expect(await refused(saveProgramme(h.db, people.admin, ids.k, input({ contactEmail: 'nobody-at-example' })))).toEqual([{ field: 'contactEmail', code: 'invalid_email' }]);
		expect(await refused(saveProgramme(h.db, people.admin, ids.k, input({ url: 'javascript:alert(1)' })))).toEqual([{ field: 'url', code: 'invalid_url' }]);
		expect(await refused(saveProgramme(h.db, people.admin, ids.k, input({ name: ' ' })))).toEqual([{ field: 'name', code: 'required' }]);
		expect(
			await refused(saveProgramme(h.db, people.admin, ids.k, input({ deadlines: [{ dueOn: '2026-13-01', label: 'X' }, { dueOn: '2026-05-01', label: '' }, { dueOn: '', label: 'Ohne Datum' }] })))
		).toEqual([
			{ field: 'deadlines.0.dueOn', code: 'invalid_date' },
			{ field: 'deadlines.1.label', code: 'pg_err_deadline_label' },
			{ field: 'deadlines.2.dueOn', code: 'required' }
		]);
		expect(await refused(saveProgramme(h.db, people.admin, ids.k, input({ url: `https://example.org/${'x'.repeat(300)}`, contactEmail: `${'x'.repeat(300)}@example.org` })))).toEqual([
			{ field: 'url', code: 'too_long' },
			{ field: 'contactEmail', code: 'too_long' }
		]);
		expect(await refused(saveProgramme(h.db, people.admin, ids.k, input({ url: 'https://', budget: '1.2345' })))).toEqual([
			{ field: 'budget', code: 'pg_err_amount' },
			{ field: 'url', code: 'invalid_url' }
		]);
		expect(await countRows(h, 'programme')).toBe(rows);
		expect(await countRows(h, 'audit_log')).toBe(audits);
		await expect(saveProgramme(h.db, people.admin, ids.k, input(), { id: 'not-a-uuid' })).rejects.toBeInstanceOf(NotFoundError);
		expect(await getProgramme(h.db, people.admin, ids.k, 'not-a-uuid')).toBeNull();
	});

	it('reads German amounts', () => {
		expect(parseEuroCents('1.000.000')).toBe(100_000_000);
		expect(parseEuroCents('250,5')).toBe(25_050);
		expect(parseEuroCents('0')).toBe(0);
		expect(parseEuroCents('')).toBeNull();
		expect(parseEuroCents('12.50')).toBe('invalid');
		expect(parseEuroCents('-1,00')).toBe('negative');
	});

	it('allows only administrators of the same municipality to write', async () => {
		await expect(saveProgramme(h.db, people.staff, ids.k, input())).rejects.toBeInstanceOf(AccessDeniedError);
		const p = await saveProgramme(h.db, people.admin, ids.k, input({ name: 'Zu löschen' }));
		await expect(saveProgramme(h.db, people.oadmin, ids.o, input({ socialSpaceIds: [], serviceIds: [] }), { id: p.id })).rejects.toBeInstanceOf(NotFoundError);
		await expect(deleteProgramme(h.db, people.oadmin, ids.o, p.id)).rejects.toBeInstanceOf(NotFoundError);
		await expect(deleteProgramme(h.db, people.staff, ids.k, p.id)).rejects.toBeInstanceOf(AccessDeniedError);
		await deleteProgramme(h.db, people.admin, ids.k, p.id);
		expect(await getProgramme(h.db, people.admin, ids.k, p.id)).toBeNull();
		const [audit] = await listAudit(h.db, systemPrincipal('test'), { entityType: 'programme', entityId: p.id });
		expect(audit.action).toBe('delete');
	});

	it('shows needs reports linked to the programme', async () => {
		const p = await saveProgramme(h.db, people.admin, ids.k, input({ name: 'Mit Bedarf' }));
		const [r] = await h.db
			.insert(needsReport)
			.values({ municipalityId: ids.k, reference: 'B-2026-0001', title: 'Sprachkurse fehlen', description: 'x', themeField: 'education' })
			.returning();
		await h.db.insert(needsReportLink).values({ reportId: r.id, programmeId: p.id });
		expect((await getProgramme(h.db, people.admin, ids.k, p.id))!.needsReports).toEqual([{ id: r.id, reference: 'B-2026-0001', title: 'Sprachkurse fehlen', status: 'reported' }]);
	});
});

describe(`programme lists, deadlines and budget (${DB_KIND})`, () => {
	let other: DatabaseHandle;
	const o: Record<string, string> = {};
	beforeAll(async () => {
		// Own database: the assertions count every programme of the municipality.
		other = await freshDatabase();
		const w = await buildWorld(other.db);
		Object.assign(o, { m: w.ids.k, a: w.ids.s1a, b: w.ids.s1b });
		const sys = systemPrincipal('test');
		const base = { description: '', funderName: '', targetGroups: [], url: '', contactName: '', contactEmail: '', contactPhone: '', serviceIds: [] };
		o.p1 = (await saveProgramme(other.db, sys, o.m, { ...base, name: 'Land A', funderLevel: 'state', themeFields: ['education', 'labour'], socialSpaceIds: [o.a], budget: '1.000,01', startsOn: '2025-07-01', endsOn: '2026-06-30', deadlines: [{ dueOn: '2026-03-15', label: 'Antrag' }] })).id;
		o.p2 = (await saveProgramme(other.db, sys, o.m, { ...base, name: 'EU B', funderLevel: 'eu', themeFields: ['education'], socialSpaceIds: [], budget: '500', startsOn: '2026-01-01', endsOn: '', deadlines: [{ dueOn: '2026-03-15', label: 'Zwischenbericht' }, { dueOn: '2026-04-01', label: 'Antrag' }] })).id;
		o.p3 = (await saveProgramme(other.db, sys, o.m, { ...base, name: 'Stiftung C', funderLevel: 'foundation', themeFields: [], socialSpaceIds: [o.b], budget: '', startsOn: '2024-01-01', endsOn: '2024-12-31', deadlines: [] })).id;
	});
	afterAll(() => other?.close());

	it('filters by field, funder level, space (incl. whole-municipality programmes) active date and year', async () => {
		const names = async (f: Parameters<typeof listProgrammes>[3]) => (await listProgrammes(other.db, systemPrincipal('test'), o.m, f)).map((p) => p.name).sort();
		expect(await names({})).toEqual(['EU B', 'Land A', 'Stiftung C']);
		expect(await names({ field: 'labour' })).toEqual(['Land A']);
		expect(await names({ funderLevel: 'eu' })).toEqual(['EU B']);
		expect(await names({ socialSpaceId: o.b })).toEqual(['EU B', 'Stiftung C']);
		expect(await names({ activeOn: '2026-07-01' })).toEqual(['EU B']);
		expect(await names({ activeOn: '2024-06-01' })).toEqual(['Stiftung C']);
		expect(await names({ activeInYear: 2025 })).toEqual(['Land A']);
		expect(await names({ activeInYear: 2026 })).toEqual(['EU B', 'Land A']);
		expect(await names({ activeInYear: 2023 })).toEqual([]);
		const [eu] = await listProgrammes(other.db, systemPrincipal('test'), o.m, { funderLevel: 'eu' }, '2026-03-16');
		expect(eu.nextDeadline).toEqual({ dueOn: '2026-04-01', label: 'Antrag' });
	});

	it('refuses malformed date ranges and readers without steering:view', async () => {
		const err = await listDeadlines(other.db, systemPrincipal('test'), o.m, '2026-02-30', 'soon').catch((e) => e);
		expect(err).toBeInstanceOf(ValidationError);
		expect((err as ValidationError).issues).toEqual([
			{ field: 'from', code: 'invalid_date' },
			{ field: 'to', code: 'invalid_date' }
		]);
		await expect(listProgrammes(h.db, people.oadmin, ids.k)).rejects.toBeInstanceOf(AccessDeniedError);
		await expect(listDeadlines(h.db, people.oadmin, ids.k, '2026-01-01', '2026-12-31')).rejects.toBeInstanceOf(AccessDeniedError);
		await expect(getProgramme(h.db, people.oadmin, ids.k, ids.offer)).rejects.toBeInstanceOf(AccessDeniedError);
	});

	it('records the system by its label in the audit log', async () => {
		const p = await saveProgramme(other.db, systemPrincipal('demo-loader'), o.m, input({ name: 'Label-Test', socialSpaceIds: [], serviceIds: [], deadlines: [] }));
		const [audit] = await listAudit(other.db, systemPrincipal('test'), { entityType: 'programme', entityId: p.id });
		expect(audit).toMatchObject({ action: 'create', actorLabel: 'demo-loader', actorUserId: null });
		await deleteProgramme(other.db, systemPrincipal('cli'), o.m, p.id);
	});

	it('lists deadlines in a date range by day and programme', async () => {
		const list = await listDeadlines(other.db, systemPrincipal('test'), o.m, '2026-03-01', '2026-03-31');
		expect(list.map((d) => [d.dueOn, d.programmeName, d.label])).toEqual([
			['2026-03-15', 'EU B', 'Zwischenbericht'],
			['2026-03-15', 'Land A', 'Antrag']
		]);
	});

	it('splits a multi-field budget evenly and counts programmes per field', async () => {
		const b2026 = await budgetByField(other.db, o.m, 2026);
		const row = (f: string) => b2026.fields.find((x) => x.field === f)!;
		// Land A: 100001 cents over education and work → 50001 + 50000; EU B: 50000 to education.
		expect(row('education')).toEqual({ field: 'education', budgetCents: 100_001, programmes: 2, shared: 1, unknownBudget: 0 });
		expect(row('labour')).toEqual({ field: 'labour', budgetCents: 50_000, programmes: 1, shared: 1, unknownBudget: 0 });
		expect(b2026.totalCents).toBe(150_001);
		expect(b2026.fields.reduce((s, f) => s + f.budgetCents, 0)).toBe(b2026.totalCents);
		expect(b2026.fields.some((f) => f.field === 'none')).toBe(false);
		const b2024 = await budgetByField(other.db, o.m, 2024);
		expect(b2024.fields.find((f) => f.field === 'none')).toEqual({ field: 'none', budgetCents: 0, programmes: 1, shared: 0, unknownBudget: 1 });
		expect(b2024.totalCents).toBe(0);
	});

	it('publishes an iCalendar feed of all-day events with stable UIDs and nothing but name, label and URL', async () => {
		const now = new Date('2026-02-01T10:00:00Z');
		const feed = await deadlineFeed(other.db, { id: o.m, name: 'Bonn' }, now);
		const again = await deadlineFeed(other.db, { id: o.m, name: 'Bonn' }, now);
		expect(feed).toMatch(/^BEGIN:VCALENDAR\r\n/);
		expect(feed).toMatch(/END:VCALENDAR\r?\n?$/);
		const events = feed.split('BEGIN:VEVENT').slice(1);
		expect(events).toHaveLength(3);
		expect(feed).toContain('DTSTART;VALUE=DATE:20260315');
		expect(feed).toContain('DTSTART;VALUE=DATE:20260401');
		expect(feed).toContain('SUMMARY:Antrag – Land A');
		const uids = (t: string) => [...t.matchAll(/^UID:(.+)$/gm)].map((m) => m[1].trim());
		expect(uids(feed)).toHaveLength(3);
		expect(uids(again)).toEqual(uids(feed));
		expect(new Set(uids(feed)).size).toBe(3);
		expect(feed).not.toMatch(/DTSTART:\d{8}T/);
	});
});
