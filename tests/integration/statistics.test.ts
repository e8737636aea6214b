import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import { recordContact, type ContactInput } from '../../src/lib/server/casework/contacts';
import { SUBTOPIC_FIELD } from '../../src/lib/server/directory/model';
import { RETENTION_PRINCIPAL, runRetention } from '../../src/lib/server/casework/retention';
import { contactAggregate, contactRollup, counsellingContact, referral } from '../../src/lib/server/casework/schema';
import {
	buildReport,
	countContacts,
	parsePeriod,
	parseScope,
	periodRange,
	reportChoices,
	reportCsv,
	reportLines,
	reportXlsx,
	suppressTable,
	type Report,
	type ReportScope
} from '../../src/lib/server/casework/statistics';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { AccessDeniedError } from '../../src/lib/server/core/errors';
import { DB_KIND, freshDatabase } from '../helpers/db';
import { buildWorld, type World } from '../helpers/world';

let h: DatabaseHandle;
let w: World;
const NOW = new Date('2026-03-17T10:00:00Z');
const FEB = { year: 2026, month: 2 };
const JAN = { year: 2026, month: 1 };

/** The February contacts of instance a: 9 walk-in (6 Arabic), 2 phone, 1 message. */
function februaryInputs(): ContactInput[] {
	const list: ContactInput[] = [];
	for (let i = 0; i < 12; i++) {
		list.push({
			instanceId: w.ids.a,
			contactedAt: new Date(Date.UTC(2026, 1, 2 + i, 9)),
			channel: i < 9 ? 'walk_in' : i < 11 ? 'phone' : 'message',
			language: i < 6 ? 'ar' : i < 10 ? 'de' : 'uk',
			interpreterNeeded: i < 3,
			topics: i < 7 ? ['language_course'] : ['housing_search', 'job_search'],
			attributes: i < 10 ? { age_band: '27_44', new_arrival: i < 5 ? 'yes' : 'no' } : {},
			unmetTopics: i >= 6 ? ['housing_search'] : [],
			socialSpaceId: i === 0 ? w.ids.s2a : i < 8 ? w.ids.s1b : null,
			referrals: i < 6 ? [{ organizationId: w.ids.org, topic: 'social_counselling' }] : []
		});
	}
	return list;
}

/** January contacts of instance b, varied, and the aggregate rows the retention job would fold them into. */
function januaryInputs(): ContactInput[] {
	const channels = ['walk_in', 'phone', 'message', 'outreach', 'partner_hours'];
	const languages = ['ar', 'fa', 'de', 'tr'];
	const topics = [['language_course'], ['housing'], ['job_search', 'recognition'], ['childcare', 'school'], ['sports']];
	return Array.from({ length: 40 }, (_, i) => ({
		instanceId: w.ids.b,
		contactedAt: new Date(Date.UTC(2026, 0, 1 + (i % 28), 8 + (i % 9))),
		channel: channels[i % 5],
		language: languages[i % 4],
		interpreterNeeded: i % 3 === 0,
		topics: topics[i % 5],
		attributes: i % 7 === 0 ? ({} as Record<string, string>) : { age_band: ['18_26', '27_44', '45_64'][i % 3], household_type: ['single', 'family'][i % 2] },
		unmetTopics: i % 4 === 0 ? ['housing_search'] : [],
		socialSpaceId: i % 2 ? w.ids.s2a : null,
		referrals: []
	}));
}

function aggregateRows(inputs: ContactInput[]): Map<string, number> {
	const rows = new Map<string, number>();
	const add = (d: string, v: string) => rows.set(`${d}\u0000${v}`, (rows.get(`${d}\u0000${v}`) ?? 0) + 1);
	for (const c of inputs) {
		add('total', 'all');
		add('channel', c.channel);
		add('language', c.language);
		add('interpreter', c.interpreterNeeded ? 'yes' : 'no');
		// Unmet topics are topics of the contact too.
		const topics = new Set([...c.topics, ...(c.unmetTopics ?? [])]);
		const fields = new Set([...topics].map((t) => SUBTOPIC_FIELD[t] ?? t));
		for (const f of fields) add('theme_field', f);
		for (const t of topics) if (SUBTOPIC_FIELD[t]) add('sub_topic', t);
		for (const t of c.unmetTopics ?? []) add('unmet_topic', t);
		if (c.socialSpaceId) add('social_space', c.socialSpaceId);
		for (const [k, v] of Object.entries(c.attributes ?? {})) add(`attr:${k}`, v);
	}
	return rows;
}

function rowsOf(report: Report, table: string) {
	return Object.fromEntries([...report.contactTables, ...report.referralTables.map((t) => ({ ...t, key: `referral_${t.key}` }))].find((t) => t.key === table)!.rows.map((r) => [r.key, r.count]));
}

beforeAll(async () => {
	h = await freshDatabase();
	w = await buildWorld(h.db);
	// Recorded an hour after each contact, so the referrals are issued in February too.
	for (const c of februaryInputs()) await recordContact(h.db, w.who.staffA, c, new Date(c.contactedAt!.getTime() + 3_600_000));
	for (const c of januaryInputs()) await recordContact(h.db, w.who.staffB, c, NOW);
	// Partner feedback on the February referrals: 3 helped, 2 not possible (no capacity), 1 open.
	const refs = await h.db.select().from(referral).orderBy(referral.createdAt, referral.id);
	for (const [i, r] of refs.entries()) {
		if (i < 3) await h.db.update(referral).set({ status: 'helped' }).where(eq(referral.id, r.id));
		else if (i < 5) await h.db.update(referral).set({ status: 'not_possible', failureReason: 'no_capacity' }).where(eq(referral.id, r.id));
	}
});
afterAll(() => h?.close());

describe(`periods (${DB_KIND})`, () => {
	it('parses months and years and refuses malformed periods', () => {
		expect(parsePeriod('2026-02')).toEqual({ year: 2026, month: 2 });
		expect(parsePeriod('2026')).toEqual({ year: 2026, month: null });
		for (const bad of ['2026-13', '26-01', '2026-1', '1999', 'x']) expect(parsePeriod(bad)).toBeNull();
	});

	it('parses scopes and refuses malformed ones and unknown levels', () => {
		const id = '00000000-0000-4000-8000-0000000000AB';
		expect(parseScope(`district:${id}`)).toEqual({ level: 'district', id: id.toLowerCase() });
		for (const bad of ['', 'instance', 'instance:', 'instance:nonsense', `street:${id}`, `${id}`, `instance:${id}:x`]) expect(parseScope(bad)).toBeNull();
	});

	it('uses Berlin calendar months (winter: UTC+1, summer: UTC+2) and year boundaries', () => {
		expect(periodRange({ year: 2026, month: 2 })).toEqual({
			from: new Date('2026-01-31T23:00:00Z'),
			to: new Date('2026-02-28T23:00:00Z'),
			monthFrom: '2026-02-01',
			monthTo: '2026-03-01'
		});
		expect(periodRange({ year: 2026, month: 7 }).from).toEqual(new Date('2026-06-30T22:00:00Z'));
		expect(periodRange({ year: 2025, month: 12 }).monthTo).toBe('2026-01-01');
		expect(periodRange({ year: 2026, month: null })).toMatchObject({ monthFrom: '2026-01-01', monthTo: '2027-01-01' });
	});
});

describe(`small-count suppression (${DB_KIND})`, () => {
	it('shows counts 1–4 as suppressed and keeps zero-free larger counts', () => {
		const t = suppressTable({ key: 'x', total: 26, rows: [{ key: 'a', count: 20 }, { key: 'b', count: 3 }, { key: 'c', count: 3 }] });
		expect(t.rows.map((r) => r.count)).toEqual([20, null, null]);
		expect(t.total).toBe(26);
	});

	it('suppresses the next-smallest cell when a single suppressed cell could be computed from the total', () => {
		const t = suppressTable({ key: 'x', total: 31, rows: [{ key: 'a', count: 20 }, { key: 'b', count: 7 }, { key: 'c', count: 4 }] });
		expect(t.rows.map((r) => r.count)).toEqual([20, null, null]);
		const none = suppressTable({ key: 'x', total: 17, rows: [{ key: 'z', count: 6 }, { key: 'y', count: 6 }, { key: 'w', count: 5 }] });
		expect(none.rows.map((r) => r.count)).toEqual([6, 6, 5]);
		// Ties for the next-smallest cell: the first key in alphabetical order (b before c).
		const two = suppressTable({ key: 'x', total: 11, rows: [{ key: 'b', count: 6 }, { key: 'a', count: 1 }, { key: 'c', count: 6 }] });
		expect(two.rows.map((r) => r.count)).toEqual([null, null, 6]);
	});

	it('suppresses a total from 1 to 4', () => {
		const t = suppressTable({ key: 'x', total: 4, rows: [{ key: 'a', count: 4 }] });
		expect(t).toEqual({ key: 'x', total: null, rows: [{ key: 'a', count: null }] });
	});
});

describe(`instance reports (${DB_KIND})`, () => {
	it('gives the instance’s own staff exact counts on screen', async () => {
		const r = await buildReport(h.db, w.who.staffA, { level: 'instance', id: w.ids.a }, FEB);
		expect(r.exact).toBe(true);
		expect(r.contacts).toBe(12);
		expect(rowsOf(r, 'channel')).toEqual({ walk_in: 9, phone: 2, message: 1 });
		expect(rowsOf(r, 'language')).toEqual({ ar: 6, de: 4, uk: 2 });
		expect(rowsOf(r, 'interpreter')).toEqual({ no: 9, yes: 3 });
		expect(rowsOf(r, 'theme_field')).toEqual({ education: 7, housing: 6, labour: 5 });
		expect(rowsOf(r, 'sub_topic')).toEqual({ language_course: 7, housing_search: 6, job_search: 5 });
		expect(rowsOf(r, 'attr:age_band')).toEqual({ '27_44': 10 });
		expect(rowsOf(r, 'attr:new_arrival')).toEqual({ yes: 5, no: 5 });
		expect(rowsOf(r, 'attr:household_type')).toEqual({});
		expect(rowsOf(r, 'social_space')).toEqual({ [w.ids.s1b]: 7, [w.ids.s2a]: 1 });
		expect(r.contactTables.find((t) => t.key === 'social_space')!.rows[0].label).toBe('Vingst');
		expect(r.topUnmet).toEqual([{ key: 'housing_search', count: 6 }]);
		expect(r.referrals).toBe(6);
		expect(rowsOf(r, 'referral_target')).toEqual({ 'Caritas Köln': 6 });
		expect(rowsOf(r, 'referral_organization')).toEqual({ [w.ids.org]: 6 });
		expect(rowsOf(r, 'referral_status')).toEqual({ helped: 3, not_possible: 2, issued: 1 });
		expect(rowsOf(r, 'referral_failure_reason')).toEqual({ no_capacity: 2 });
		expect(rowsOf(r, 'referral_topic')).toEqual({ social_counselling: 6 });
	});

	it('suppresses small counts for administrators, and for everyone in downloads', async () => {
		for (const [who, download] of [['admin', false], ['staffA', true]] as const) {
			const r = await buildReport(h.db, w.who[who], { level: 'instance', id: w.ids.a }, FEB, { download });
			expect(r.exact).toBe(false);
			expect(r.contacts).toBe(12);
			// phone 2 and message 1 are small; walk_in 9 stays (two suppressed cells).
			expect(rowsOf(r, 'channel')).toEqual({ walk_in: 9, phone: null, message: null });
			// uk 2 is small and alone: de 4 is small anyway, so ar stays.
			expect(rowsOf(r, 'language')).toEqual({ ar: 6, de: null, uk: null });
			// yes 3 alone would be 12 − 9: no is suppressed too.
			expect(rowsOf(r, 'interpreter')).toEqual({ no: null, yes: null });
			expect(rowsOf(r, 'social_space')).toEqual({ [w.ids.s1b]: null, [w.ids.s2a]: null });
			expect(rowsOf(r, 'referral_status')).toEqual({ helped: null, not_possible: null, issued: null });
			expect(JSON.stringify(r)).not.toMatch(/"count":[1-4][,}]/);
		}
	});

	it('refuses staff of other instances, partners, volunteers and other municipalities', async () => {
		for (const key of ['staffB', 'staffC', 'partner', 'volunteer', 'adminOther'] as const) {
			await expect(buildReport(h.db, w.who[key], { level: 'instance', id: w.ids.a }, FEB)).rejects.toBeInstanceOf(AccessDeniedError);
		}
		await expect(buildReport(h.db, w.who.admin, { level: 'instance', id: '00000000-0000-4000-8000-000000000000' }, FEB)).rejects.toBeInstanceOf(AccessDeniedError);
	});
});

describe(`district and municipality reports (${DB_KIND})`, () => {
	it('count contacts for the district of the person’s Sozialraum, suppressed, for administrators only', async () => {
		const d1 = await buildReport(h.db, w.who.admin, { level: 'district', id: w.ids.d1 }, FEB);
		expect(d1.exact).toBe(false);
		expect(d1.contacts).toBe(11);
		const d2 = await buildReport(h.db, w.who.admin, { level: 'district', id: w.ids.d2 }, FEB);
		expect(d2.contacts).toBeNull();
		const city = await buildReport(h.db, w.who.admin, { level: 'municipality', id: w.ids.k }, { year: 2026, month: null });
		expect(city.contacts).toBe(52);
		for (const key of ['staffA', 'partner', 'volunteer', 'adminOther'] as const) {
			await expect(buildReport(h.db, w.who[key], { level: 'district', id: w.ids.d1 }, FEB)).rejects.toBeInstanceOf(AccessDeniedError);
			await expect(buildReport(h.db, w.who[key], { level: 'municipality', id: w.ids.k }, FEB)).rejects.toBeInstanceOf(AccessDeniedError);
		}
	});

	it('offers each principal only the scopes they may open', async () => {
		expect(await reportChoices(h.db, w.who.staffA)).toEqual({ instances: [{ id: w.ids.a, name: 'WP Kalk' }], districts: [], municipality: null });
		const admin = await reportChoices(h.db, w.who.admin);
		expect(admin.instances.map((i) => i.name)).toEqual(['WP Kalk', 'WP Porz']);
		expect(admin.districts.map((d) => d.name)).toEqual(['Porz', 'Kalk']);
		expect(admin.municipality?.id).toBe(w.ids.k);
		expect(await reportChoices(h.db, w.who.partner)).toEqual({ instances: [], districts: [], municipality: null });
	});
});

describe(`single contacts and folded aggregates (${DB_KIND})`, () => {
	it('give identical reports before and after the month is folded', async () => {
		const scopes: ReportScope[] = [
			{ level: 'instance', id: w.ids.b },
			{ level: 'district', id: w.ids.d2 },
			{ level: 'municipality', id: w.ids.k }
		];
		const periods = [JAN, { year: 2026, month: null }];
		const viewers = [w.who.staffB, w.who.admin];
		const before: Report[] = [];
		for (const s of scopes) for (const p of periods) for (const v of viewers) if (s.level === 'instance' || v === w.who.admin) before.push(await buildReport(h.db, v, s, p));
		expect(before[0].contacts).toBe(40);

		// The real retention job folds January (past the one-month detail period by mid-March);
		// its rows must be the ones counted independently here from the inputs.
		await runRetention(h.db, RETENTION_PRINCIPAL, { now: NOW, municipalityId: w.ids.k });
		const written = await h.db.select().from(contactAggregate).where(eq(contactAggregate.instanceId, w.ids.b));
		expect(new Set(written.map((r) => r.month))).toEqual(new Set(['2026-01-01']));
		expect(new Map(written.map((r) => [`${r.dimension}\u0000${r.value}`, r.count]))).toEqual(aggregateRows(januaryInputs()));
		const [{ n }] = (await h.db.execute<{ n: number }>(`select count(*)::int as n from counselling_contact where instance_id = '${w.ids.b}'`)).rows;
		expect(n).toBe(0);
		const after: Report[] = [];
		for (const s of scopes) for (const p of periods) for (const v of viewers) if (s.level === 'instance' || v === w.who.admin) after.push(await buildReport(h.db, v, s, p));
		expect(after).toEqual(before);
	});

	it('count only the dimensions asked for, with the figures of the full count, from single and folded months alike', async () => {
		const scope: ReportScope = { level: 'municipality', id: w.ids.k };
		const year = { year: 2026, month: null };
		const dims = ['total', 'unmet_topic', 'social_space', 'attr'] as const;
		const full = await countContacts(h.db, scope, year);
		const part = await countContacts(h.db, scope, year, dims);
		expect(full.get('channel')!.size).toBeGreaterThan(0);
		expect(full.get('attr:age_band')!.size).toBeGreaterThan(0);
		expect(new Map([...full].filter(([k]) => dims.some((d) => k === d || (d === 'attr' && k.startsWith('attr:')))))).toEqual(part);
		// January of instance B is folded by now (previous test), the other months are single contacts
		const [{ n }] = (await h.db.execute<{ n: number }>(`select count(*)::int as n from contact_aggregate where month = '2026-01-01'`)).rows;
		expect(n).toBeGreaterThan(0);
		expect(await countContacts(h.db, scope, year, ['total'])).toEqual(new Map([['total', full.get('total')]]));
	});
});

describe(`downloads (${DB_KIND})`, () => {
	it('write the suppressed figures as CSV (RFC 4180, comma) and as XLSX', async () => {
		const r = await buildReport(h.db, w.who.staffA, { level: 'instance', id: w.ids.a }, FEB, { download: true });
		const lines = reportLines(r, (_t, row) => row.label ?? row.key, { section: (t) => t, total: 'Gesamt', header: ['Bereich', 'Schlüssel', 'Bezeichnung', 'Anzahl'] });
		const csv = reportCsv(lines);
		expect(csv.startsWith('\uFEFFBereich,Schlüssel,Bezeichnung,Anzahl\r\n')).toBe(true);
		expect(csv).toContain('contacts,total,Gesamt,12\r\n');
		expect(csv).toContain('channel,phone,phone,<5\r\n');
		expect(csv).toContain('referral_target,Caritas Köln,Caritas Köln,6\r\n');
		const xlsx = await reportXlsx(lines, 'WP Kalk 2026-02');
		expect(xlsx.subarray(0, 2).toString()).toBe('PK');
	});
});

/** Berlin calendar month of an instant, as `YYYY-MM-01`. */
function berlinMonth(at: Date): string {
	return `${new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit' }).format(at)}-01`;
}

/** What `contact_rollup` should hold, counted here contact by contact from the single contacts. */
async function directCounts(): Promise<Map<string, number>> {
	const counts = new Map<string, number>();
	for (const c of await h.db.select().from(counsellingContact)) {
		const key = (d: string, v: string) => `${c.instanceId}|${c.districtId}|${berlinMonth(c.contactedAt)}|${d}|${v}`;
		const add = (d: string, v: string) => counts.set(key(d, v), (counts.get(key(d, v)) ?? 0) + 1);
		add('total', 'all');
		add('channel', c.channel);
		add('language', c.language);
		add('interpreter', c.interpreterNeeded ? 'yes' : 'no');
		new Set(c.themeFields).forEach((t) => add('theme_field', t));
		new Set(c.subTopics).forEach((t) => add('sub_topic', t));
		new Set(c.unmetTopics).forEach((t) => add('unmet_topic', t));
		if (c.socialSpaceId) add('social_space', c.socialSpaceId);
		Object.entries(c.attributes).forEach(([k, v]) => add(`attr:${k}`, v));
	}
	return counts;
}

async function rollupCounts(): Promise<Map<string, number>> {
	const rows = await h.db.select().from(contactRollup);
	return new Map(rows.map((r) => [`${r.instanceId}|${r.districtId}|${r.month}|${r.dimension}|${r.value}`, r.count]));
}

describe(`monthly roll-ups (${DB_KIND})`, () => {
	const year = { year: 2026, month: null };
	const city = (): ReportScope => ({ level: 'municipality', id: w.ids.k });

	it('equal the direct counts of the single contacts after inserts, also across a Berlin month boundary', async () => {
		expect(await rollupCounts()).toEqual(await directCounts());
		// 23:30 UTC on 28 February is 1 March in Berlin: counted for March.
		const late = { ...februaryInputs()[8], contactedAt: new Date('2026-02-28T23:30:00Z'), referrals: [] };
		await recordContact(h.db, w.who.staffA, late, NOW);
		const rolled = await rollupCounts();
		expect(rolled.get(`${w.ids.a}|${w.ids.d1}|2026-03-01|total|all`)).toBe(1);
		expect(rolled).toEqual(await directCounts());
	});

	it('move counts when contacts are changed (month, channel, topics, attributes, district), and ignore changes that count nothing', async () => {
		const rows = await h.db.select().from(counsellingContact).where(eq(counsellingContact.instanceId, w.ids.a)).orderBy(counsellingContact.contactedAt);
		const before = (await countContacts(h.db, city(), year)).get('channel')!;
		await h.db
			.update(counsellingContact)
			.set({ channel: 'outreach', subTopics: ['sports'], themeFields: ['leisure'], attributes: { age_band: '65_plus' } })
			.where(inArray(counsellingContact.id, rows.slice(0, 3).map((r) => r.id)));
		await h.db.update(counsellingContact).set({ contactedAt: new Date('2026-03-05T10:00:00Z'), districtId: null }).where(eq(counsellingContact.id, rows[3].id));
		await h.db.update(counsellingContact).set({ caseId: null });
		expect(await rollupCounts()).toEqual(await directCounts());
		const after = (await countContacts(h.db, city(), year)).get('channel')!;
		expect(after.get('outreach')).toBe((before.get('outreach') ?? 0) + 3);
		expect([...after.values()].reduce((a, b) => a + b, 0)).toBe([...before.values()].reduce((a, b) => a + b, 0));
	});

	it('subtract deleted contacts and keep no zero rows', async () => {
		const rows = await h.db.select().from(counsellingContact).where(eq(counsellingContact.instanceId, w.ids.a)).orderBy(counsellingContact.contactedAt);
		const total = (await countContacts(h.db, { level: 'instance', id: w.ids.a }, year, ['total'])).get('total')!.get('all')!;
		await h.db.delete(counsellingContact).where(inArray(counsellingContact.id, rows.slice(0, 4).map((r) => r.id)));
		expect(await rollupCounts()).toEqual(await directCounts());
		expect((await countContacts(h.db, { level: 'instance', id: w.ids.a }, year, ['total'])).get('total')!.get('all')).toBe(total - 4);
		const [{ n }] = (await h.db.execute<{ n: number }>('select count(*)::int as n from contact_rollup where count <= 0')).rows;
		expect(n).toBe(0);
	});

	it('hand their counts to the aggregates when the retention job folds the months, without counting them twice', async () => {
		const scopes: ReportScope[] = [city(), { level: 'instance', id: w.ids.a }, { level: 'district', id: w.ids.d1 }];
		const before = await Promise.all(scopes.map((s) => countContacts(h.db, s, year)));
		const report = await runRetention(h.db, RETENTION_PRINCIPAL, { now: new Date('2026-05-10T10:00:00Z'), municipalityId: w.ids.k });
		expect(report.municipalities[0].contactsFolded).toBeGreaterThan(0);
		expect(await rollupCounts()).toEqual(await directCounts());
		const [{ n }] = (await h.db.execute<{ n: number }>(`select count(*)::int as n from contact_rollup where month < '2026-04-01'`)).rows;
		expect(n).toBe(0);
		expect(await Promise.all(scopes.map((s) => countContacts(h.db, s, year)))).toEqual(before);
	});
});
