/**
 * Coverage matrix (issue 5 §3; acceptance: "For a municipality whose data I prepare, the matrix
 * classifies cells exactly by the documented rules (gaps, duplicates, stale)"). A prepared
 * municipality where each class occurs by construction, the boundary of every configurable
 * threshold, the filters, "no data" without population, suppression and bad rules input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray, sql } from 'drizzle-orm';
import type { Polygon } from 'geojson';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { systemPrincipal, type UserPrincipal } from '../../src/lib/server/access';
import { district, socialSpace, statistic } from '../../src/lib/server/geography/schema';
import { contactAggregate, counsellingContact } from '../../src/lib/server/casework/schema';
import { markVerified, saveService, type ServiceInput } from '../../src/lib/server/directory/service';
import { refreshSearchEntries } from '../../src/lib/server/directory/search-index';
import { service } from '../../src/lib/server/directory/schema';
import { originalText } from '../../src/lib/server/directory/texts';
import { needsReport, needsReportLink, needsReportSpace } from '../../src/lib/server/steering/schema';
import { auditLog } from '../../src/lib/server/audit/schema';
import { computeCoverage, getCoverageCell, getCoverageRules, saveCoverageRules, type CoverageMatrix } from '../../src/lib/server/steering/coverage';
import { DEFAULT_COVERAGE_RULES, type CoverageRules } from '../../src/lib/server/steering/model';
import { AccessDeniedError, NotFoundError, ValidationError } from '../../src/lib/server/core/errors';
import { DB_KIND, freshDatabase } from '../helpers/db';
import { offer } from '../helpers/directory';
import { buildWorld } from '../helpers/world';

let handle: DatabaseHandle;
let municipalityId: string;
let otherSpaceId: string;
let otherMunicipality: string;
let districtId: string;
let orgId: string;
let instanceId: string;
const spaces: Record<string, string> = {};
const offers: Record<string, string> = {};
const NOW = new Date('2026-06-15T10:00:00Z');
const FRESH = new Date('2026-05-01T10:00:00Z');
const OLD = new Date('2024-01-01T10:00:00Z');

const SPACE_NAMES = ['S1 Leer', 'S2 Bedarf', 'S3 Veraltet', 'S4 Doppelt', 'S5 Dünn', 'S6 Ohne Statistik', 'S7 Unerfüllt'];

function square(i: number): Polygon {
	const x = 7 + i * 0.01;
	return { type: 'Polygon', coordinates: [[[x, 51], [x + 0.01, 51], [x + 0.01, 51.01], [x, 51.01], [x, 51]]] };
}

let admin: () => UserPrincipal;
let staff: UserPrincipal;

/** Distinct offer texts, so only the offers built to be similar are possible duplicates. */
const DISTINCT = [
	['Hausaufgabenhilfe', 'Schülerinnen lernen nachmittags Mathematik mit Ehrenamtlichen.'],
	['Fahrradwerkstatt', 'Reparieren Sie Ihr Rad gemeinsam mit Nachbarn.'],
	['Bewerbungstraining', 'Lebenslauf, Anschreiben, Vorstellungsgespräch üben.'],
	['Mietberatung', 'Fragen zu Nebenkosten, Kaution oder Kündigung?'],
	['Nähcafé', 'Stoffe, Maschinen und Geselligkeit jeden Freitag.'],
	['Schwimmkurs', 'Wassergewöhnung für Erwachsene im Hallenbad.'],
	['Computerkurs', 'E-Mail, Internet und Textverarbeitung für Einsteiger.'],
	['Theatergruppe', 'Improvisation und Bühnenspiel auf Zeit.']
];
let distinctNext = 0;

/** An offer in space `i` with field `field`; distinct texts unless `text` is given. */
async function addOffer(key: string, i: number, field: string, overrides: Partial<ServiceInput> = {}, verified: Date = FRESH) {
	const input = offer(orgId, {
		name: originalText('de', DISTINCT[distinctNext % DISTINCT.length][0]),
		description: originalText('de', DISTINCT[distinctNext++ % DISTINCT.length][1]),
		themeFields: [field],
		subtopics: [],
		targetGroups: [],
		schedules: [],
		languages: ['de'],
		locations: [{ name: '', street: `Weg ${key}`, postalCode: '50000', city: 'Test', latitude: 51.005, longitude: 7 + i * 0.01 + 0.005, accessibility: [], accessibilityNote: {}, directions: {} }],
		...overrides
	});
	offers[key] = (await saveService(handle.db, systemPrincipal('test'), municipalityId, input)).id;
	await handle.db.update(service).set({ lastVerifiedAt: verified }).where(eq(service.id, offers[key]));
}

async function addNeed(space: string, field: string, status: string, opts: { targetGroups?: string[]; link?: string } = {}) {
	const n = (await handle.db.select({ n: sql<number>`count(*)::int` }).from(needsReport))[0].n;
	const [r] = await handle.db
		.insert(needsReport)
		.values({
			municipalityId,
			reference: `B-2026-${String(n + 1).padStart(4, '0')}`,
			title: `Bedarf ${n + 1}`,
			description: 'Test',
			themeField: field,
			targetGroups: opts.targetGroups ?? [],
			status,
			declineReason: status === 'declined' ? 'nicht zuständig' : null
		})
		.returning();
	await handle.db.insert(needsReportSpace).values({ reportId: r.id, socialSpaceId: spaces[space] });
	if (opts.link) await handle.db.insert(needsReportLink).values({ reportId: r.id, serviceId: opts.link });
	return r.id;
}

async function addContacts(space: string | null, topics: string[], count: number, at: Date) {
	await handle.db.insert(counsellingContact).values(
		Array.from({ length: count }, () => ({
			municipalityId,
			instanceId,
			districtId,
			socialSpaceId: space ? spaces[space] : null,
			contactedAt: at,
			channel: 'walk_in',
			language: 'de',
			unmetTopics: topics
		}))
	);
}

function cell(m: CoverageMatrix, space: string, field: string) {
	const row = m.spaces.find((s) => s.id === spaces[space])!;
	return row.cells.find((c) => c.field === field)!;
}

async function withRules(rules: Partial<CoverageRules>) {
	await saveCoverageRules(handle.db, admin(), municipalityId, { ...DEFAULT_COVERAGE_RULES, ...rules });
	return computeCoverage(handle.db, admin(), municipalityId, { now: NOW });
}

beforeAll(async () => {
	handle = await freshDatabase();
	// The world's second municipality (Bonn: district Beuel, instance C, actor Caritas Bonn) gets a
	// prepared district of seven social spaces; Köln's spaces are another municipality's.
	const w = await buildWorld(handle.db);
	municipalityId = w.ids.o;
	otherSpaceId = w.ids.s1a;
	otherMunicipality = w.ids.k;
	orgId = w.ids.orgOther;
	instanceId = w.ids.c;
	admin = () => w.who.adminOther;
	staff = w.who.staffC;
	const [d] = await handle.db
		.insert(district)
		.values({ municipalityId, slug: 'bezirk-1', name: 'Bezirk 1', boundary: { type: 'Polygon', coordinates: [[[7, 51], [7.07, 51], [7.07, 51.01], [7, 51.01], [7, 51]]] } })
		.returning();
	districtId = d.id;
	for (const [i, name] of SPACE_NAMES.entries()) {
		const [s] = await handle.db.insert(socialSpace).values({ municipalityId, districtId, slug: `s${i + 1}`, name, boundary: square(i) }).returning();
		spaces[name] = s.id;
	}
	const pop = (name: string, value: number, metric = 'population') => ({ municipalityId, socialSpaceId: spaces[name], metric, value, unit: 'persons', asOf: '2025', source: 'test' });
	await handle.db.insert(statistic).values([pop('S2 Bedarf', 1000), pop('S3 Veraltet', 1000), pop('S4 Doppelt', 1000), pop('S5 Dünn', 100_000), pop('S7 Unerfüllt', 1000, 'eligible_voters')]);

	// S2: three fresh offers in education and labour; an unanswered open report in education,
	// an answered one in labour, a declined one in housing.
	for (const k of ['a', 'b', 'c']) await addOffer(`s2-edu-${k}`, 1, 'education');
	for (const k of ['a', 'b', 'c']) await addOffer(`s2-lab-${k}`, 1, 'labour');
	await addNeed('S2 Bedarf', 'education', 'under_review', { targetGroups: ['refugee_experience'] });
	await addNeed('S2 Bedarf', 'labour', 'in_planning', { link: offers['s2-lab-a'] });
	await addNeed('S2 Bedarf', 'housing', 'declined');
	// S3: one of three offers fresh.
	await addOffer('s3-a', 2, 'education');
	await addOffer('s3-b', 2, 'education', {}, OLD);
	await addOffer('s3-c', 2, 'education', {}, OLD);
	// S4: two near-identical offers (same target group) and a distinct one.
	const dupText = { name: originalText('de', 'Sprachcafé im Nachbarschaftstreff'), description: originalText('de', 'Jeden Dienstag Deutsch üben bei Kaffee und Kuchen, offen für alle.') };
	await addOffer('s4-a', 3, 'education', { ...dupText, targetGroups: ['newcomers'] });
	await addOffer('s4-b', 3, 'education', { name: originalText('de', 'Sprachcafé im Nachbarschaftstreff'), description: originalText('de', 'Jeden Dienstag Deutsch üben bei Kaffee und Kuchen, offen für alle Nachbarn.'), targetGroups: ['newcomers', 'migration_history'] as string[] });
	await addOffer('s4-c', 3, 'education', { ...dupText, targetGroups: ['refugee_experience'] });
	// S5: three fresh offers for 100,000 residents (0.3 per 10,000); one in labour.
	for (const k of ['a', 'b', 'c']) await addOffer(`s5-${k}`, 4, 'education');
	await addOffer('s5-lab', 4, 'labour');
	// S6: no statistic; three fresh offers with different target groups and languages.
	await addOffer('s6-a', 5, 'education', { targetGroups: ['newcomers'], languages: ['de'] });
	await addOffer('s6-b', 5, 'education', { targetGroups: ['refugee_experience'], languages: ['ar'] });
	await addOffer('s6-c', 5, 'education', { targetGroups: [], languages: ['de', 'uk'] });
	// S7: three fresh offers, ten contacts with an unmet education topic in the window (one
	// contact names two education topics: counted once), one before the window.
	for (const k of ['a', 'b', 'c']) await addOffer(`s7-${k}`, 6, 'education');
	await addContacts('S7 Unerfüllt', ['language_course'], 9, new Date('2026-01-10T10:00:00Z'));
	await addContacts('S7 Unerfüllt', ['language_course', 'education'], 1, new Date('2025-06-02T10:00:00Z'));
	await addContacts('S7 Unerfüllt', ['language_course'], 5, new Date('2025-05-20T10:00:00Z'));
	await addContacts('S7 Unerfüllt', ['language_course'], 3, new Date('2026-06-02T10:00:00Z'));
	// S6: four contacts (suppressed), district contacts without space and a folded month.
	await addContacts('S6 Ohne Statistik', ['homework_help'], 4, new Date('2026-03-10T10:00:00Z'));
	await addContacts(null, ['housing_search'], 6, new Date('2026-03-10T10:00:00Z'));
	await handle.db.insert(contactAggregate).values({ municipalityId, instanceId, districtId, month: '2025-09-01', dimension: 'unmet_topic', value: 'language_course', count: 7 });
	// A closed offer does not count.
	await addOffer('s1-closed', 0, 'education', { status: 'inactive' });
}, 120_000);

afterAll(async () => {
	await handle?.close();
});

describe(`coverage matrix on ${DB_KIND}`, () => {
	it('classifies every prepared cell by the documented rules', async () => {
		const m = await computeCoverage(handle.db, admin(), municipalityId, { now: NOW });
		expect(m.fields).toEqual(['housing', 'education', 'labour', 'civil_society']);
		// The world's Beuel-Mitte (district Beuel, no offers) and the prepared district.
		expect(m.spaces.map((s) => s.name)).toEqual(['Beuel-Mitte', ...SPACE_NAMES]);
		expect(m.unmetFrom).toBe('2025-06');
		expect(m.unmetTo).toBe('2026-05');
		// gap by no current offer (the inactive offer is not current)
		for (const f of m.fields) expect(cell(m, 'S1 Leer', f)).toMatchObject({ offers: 0, class: 'gap', reasons: ['no_offer'], freshShare: null });
		// gap by an unanswered open needs report; an answered one and a declined one do not
		expect(cell(m, 'S2 Bedarf', 'education')).toMatchObject({ offers: 3, openNeeds: 1, unansweredNeeds: 1, class: 'gap', reasons: ['unanswered_need'] });
		expect(cell(m, 'S2 Bedarf', 'labour')).toMatchObject({ offers: 3, openNeeds: 1, unansweredNeeds: 0, class: 'covered', per10k: 30, freshShare: 1 });
		expect(cell(m, 'S2 Bedarf', 'housing')).toMatchObject({ openNeeds: 0, reasons: ['no_offer'] });
		// stale
		expect(cell(m, 'S3 Veraltet', 'education')).toMatchObject({ offers: 3, class: 'stale', reasons: ['stale'] });
		expect(cell(m, 'S3 Veraltet', 'education').freshShare).toBeCloseTo(1 / 3);
		// possible duplicate: the two similar texts with overlapping target groups
		const dup = cell(m, 'S4 Doppelt', 'education');
		expect(dup).toMatchObject({ class: 'duplicate', reasons: ['duplicate'], duplicateChecked: true });
		expect(dup.duplicateGroups).toEqual([[offers['s4-a'], offers['s4-b']].sort()]);
		// thin by per 10,000 and by count
		expect(cell(m, 'S5 Dünn', 'education')).toMatchObject({ class: 'thin', reasons: ['thin_per10k'], per10k: 0.3 });
		expect(cell(m, 'S5 Dünn', 'labour')).toMatchObject({ class: 'thin', reasons: ['thin_per10k', 'thin_count'] });
		// covered; no statistic → "no data"
		const s6 = m.spaces.find((s) => s.id === spaces['S6 Ohne Statistik'])!;
		expect(s6.population).toBeNull();
		expect(cell(m, 'S6 Ohne Statistik', 'education')).toMatchObject({ offers: 3, per10k: null, class: 'covered', reasons: [] });
		// gap by unmet topics: ten contacts in the window (one naming two education topics)
		expect(cell(m, 'S7 Unerfüllt', 'education')).toMatchObject({ unmetTopics: 10, unmetSuppressed: false, class: 'gap', reasons: ['unmet_topics'] });
		expect(m.spaces.find((s) => s.id === spaces['S7 Unerfüllt'])!.population).toEqual({ metric: 'eligible_voters', value: 1000, asOf: '2025' });
		// 1–4 suppressed
		expect(cell(m, 'S6 Ohne Statistik', 'education')).toMatchObject({ unmetTopics: null, unmetSuppressed: true });
		expect(cell(m, 'S6 Ohne Statistik', 'housing')).toMatchObject({ unmetTopics: 0, unmetSuppressed: false });
		expect(Object.values(m.totals).reduce((a, b) => a + b, 0)).toBe((SPACE_NAMES.length + 1) * 4);
		expect(m.totals.duplicate).toBe(1);
		expect(m.totals.stale).toBe(1);
	});

	it('follows every configurable threshold at its boundary', async () => {
		let m = await withRules({ gapOnUnansweredNeed: 0 });
		expect(cell(m, 'S2 Bedarf', 'education').class).toBe('covered');

		m = await withRules({ gapUnmetTopics: 10 });
		expect(cell(m, 'S7 Unerfüllt', 'education').class).toBe('gap');
		m = await withRules({ gapUnmetTopics: 11 });
		expect(cell(m, 'S7 Unerfüllt', 'education').class).toBe('covered');

		const third = cell(m, 'S3 Veraltet', 'education').freshShare!;
		m = await withRules({ staleBelowFreshShare: Math.round(third * 1e6) / 1e6 - 0.000001 });
		expect(cell(m, 'S3 Veraltet', 'education').class).toBe('covered');
		m = await withRules({ staleBelowFreshShare: 0.34 });
		expect(cell(m, 'S3 Veraltet', 'education').class).toBe('stale');

		const [{ s }] = (
			await handle.db.execute<{ s: number }>(sql`select similarity(${'Sprachcafé im Nachbarschaftstreff Jeden Dienstag Deutsch üben bei Kaffee und Kuchen, offen für alle.'}, ${'Sprachcafé im Nachbarschaftstreff Jeden Dienstag Deutsch üben bei Kaffee und Kuchen, offen für alle Nachbarn.'}) as s`)
		).rows;
		expect(Number(s)).toBeLessThan(1);
		m = await withRules({ duplicateSimilarity: Number(s) });
		expect(cell(m, 'S4 Doppelt', 'education').class).toBe('duplicate');
		m = await withRules({ duplicateSimilarity: 1 });
		expect(cell(m, 'S4 Doppelt', 'education').class).toBe('covered');

		m = await withRules({ duplicateMaxOffers: 3 });
		expect(cell(m, 'S4 Doppelt', 'education').class).toBe('duplicate');
		m = await withRules({ duplicateMaxOffers: 2 });
		expect(cell(m, 'S4 Doppelt', 'education')).toMatchObject({ class: 'covered', duplicateChecked: false, duplicateGroups: [] });

		m = await withRules({ thinPer10k: 0.3 });
		expect(cell(m, 'S5 Dünn', 'education').class).toBe('covered');
		m = await withRules({ thinPer10k: 0.31 });
		expect(cell(m, 'S5 Dünn', 'education').class).toBe('thin');

		m = await withRules({ thinBelowCount: 3 });
		expect(cell(m, 'S6 Ohne Statistik', 'education').class).toBe('covered');
		m = await withRules({ thinBelowCount: 4 });
		expect(cell(m, 'S6 Ohne Statistik', 'education')).toMatchObject({ class: 'thin', reasons: ['thin_count'] });

		await withRules({});
		expect(await getCoverageRules(handle.db, municipalityId)).toEqual(DEFAULT_COVERAGE_RULES);
	});

	it('restricts offers by target group and language, and needs reports by target group', async () => {
		const women = await computeCoverage(handle.db, admin(), municipalityId, { now: NOW, targetGroup: 'newcomers' });
		// s6-a (newcomers) and s6-c (no target group)
		expect(cell(women, 'S6 Ohne Statistik', 'education').offers).toBe(2);
		// the S2 report names only refugee_experience: not counted for newcomers; S2 offers name no group
		expect(cell(women, 'S2 Bedarf', 'education')).toMatchObject({ offers: 3, openNeeds: 0, class: 'covered' });
		const refugees = await computeCoverage(handle.db, admin(), municipalityId, { now: NOW, targetGroup: 'refugee_experience' });
		expect(cell(refugees, 'S2 Bedarf', 'education')).toMatchObject({ unansweredNeeds: 1, class: 'gap' });
		const arabic = await computeCoverage(handle.db, admin(), municipalityId, { now: NOW, language: 'ar' });
		expect(cell(arabic, 'S6 Ohne Statistik', 'education')).toMatchObject({ offers: 1, class: 'thin' });
		// a regional tag matches by its primary language, as in the Wegweiser search
		const syrian = await computeCoverage(handle.db, admin(), municipalityId, { now: NOW, language: 'ar-SY' });
		expect(cell(syrian, 'S6 Ohne Statistik', 'education').offers).toBe(1);
		const ukrainian = await computeCoverage(handle.db, admin(), municipalityId, { now: NOW, language: 'uk' });
		expect(cell(ukrainian, 'S6 Ohne Statistik', 'education').offers).toBe(1);
		expect(cell(ukrainian, 'S3 Veraltet', 'education')).toMatchObject({ offers: 0, class: 'gap' });
	});

	it('refuses unknown filter values', async () => {
		await expect(computeCoverage(handle.db, admin(), municipalityId, { targetGroup: 'aliens' })).rejects.toMatchObject({ issues: [{ field: 'target', code: 'unknown' }] });
		await expect(computeCoverage(handle.db, admin(), municipalityId, { language: 'not a tag' })).rejects.toMatchObject({ issues: [{ field: 'language', code: 'invalid' }] });
		await expect(computeCoverage(handle.db, admin(), municipalityId, { language: 'ar(' })).rejects.toMatchObject({ issues: [{ field: 'language', code: 'invalid' }] });
		// A tag in another case is the same language.
		expect(cell(await computeCoverage(handle.db, admin(), municipalityId, { now: NOW, language: 'AR' }), 'S6 Ohne Statistik', 'education').offers).toBe(1);
		await expect(computeCoverage(handle.db, staff, otherMunicipality, {})).rejects.toBeInstanceOf(AccessDeniedError);
		await expect(getCoverageCell(handle.db, admin(), municipalityId, 'not-a-uuid', 'education')).rejects.toBeInstanceOf(NotFoundError);
	});

	it('drills down to the offers, reports and unmet topics of a cell', async () => {
		const dup = await getCoverageCell(handle.db, admin(), municipalityId, spaces['S4 Doppelt'], 'education', { now: NOW });
		expect(dup.cell.class).toBe('duplicate');
		expect(dup.offers).toHaveLength(3);
		const groups = Object.fromEntries(dup.offers.map((o) => [o.id, o.duplicateGroup]));
		expect(groups).toEqual({ [offers['s4-a']]: 1, [offers['s4-b']]: 1, [offers['s4-c']]: null });
		expect(dup.offers[0]).toMatchObject({ organizationName: 'Caritas Bonn', fresh: true });

		const stale = await getCoverageCell(handle.db, admin(), municipalityId, spaces['S3 Veraltet'], 'education', { now: NOW });
		expect(stale.offers.filter((o) => o.fresh).map((o) => o.id)).toEqual([offers['s3-a']]);
		expect(stale.offers.find((o) => o.id === offers['s3-b'])!.lastVerifiedAt).toEqual(OLD);

		const need = await getCoverageCell(handle.db, admin(), municipalityId, spaces['S2 Bedarf'], 'education', { now: NOW });
		expect(need.needs).toEqual([expect.objectContaining({ status: 'under_review', unanswered: true, reference: expect.stringMatching(/^B-2026-/) })]);
		const answered = await getCoverageCell(handle.db, admin(), municipalityId, spaces['S2 Bedarf'], 'labour', { now: NOW });
		expect(answered.needs).toEqual([expect.objectContaining({ unanswered: false })]);

		// district: 10 (S7 in window) + 4 (S6, homework_help → education) + 7 folded = 21
		const unmet = await getCoverageCell(handle.db, admin(), municipalityId, spaces['S7 Unerfüllt'], 'education', { now: NOW });
		expect(unmet.cell.unmetTopics).toBe(10);
		expect(unmet.districtUnmet).toBe(21);
		const housing = await getCoverageCell(handle.db, admin(), municipalityId, spaces['S6 Ohne Statistik'], 'housing', { now: NOW });
		expect(housing.districtUnmet).toBe(6);

		await expect(getCoverageCell(handle.db, admin(), municipalityId, otherSpaceId, 'education')).rejects.toBeInstanceOf(NotFoundError);
		await expect(getCoverageCell(handle.db, admin(), municipalityId, spaces['S1 Leer'], 'astrology')).rejects.toMatchObject({ issues: [{ field: 'field', code: 'unknown' }] });
	});

	it('sees a verification at once, whichever way it is written, and keeps it when the entry is rebuilt', async () => {
		const staleCell = async () => cell(await computeCoverage(handle.db, admin(), municipalityId, { now: NOW }), 'S3 Veraltet', 'education');
		expect(await staleCell()).toMatchObject({ class: 'stale', freshShare: 1 / 3 });
		await markVerified(handle.db, systemPrincipal('test'), 'service', offers['s3-b'], 'Test');
		expect(await staleCell()).toMatchObject({ class: 'covered', freshShare: 2 / 3 });
		await refreshSearchEntries(handle.db, { serviceIds: [offers['s3-b']] });
		expect((await staleCell()).freshShare).toBe(2 / 3);
		await handle.db.update(service).set({ lastVerifiedAt: OLD }).where(eq(service.id, offers['s3-b']));
		expect(await staleCell()).toMatchObject({ class: 'stale', freshShare: 1 / 3 });
	});

	it('validates rules with a named field for every problem, writes nothing then, and audits a change', async () => {
		const bad = { ...DEFAULT_COVERAGE_RULES, gapOnUnansweredNeed: '2', gapUnmetTopics: '3', staleBelowFreshShare: 'viel', duplicateSimilarity: '0,05', duplicateMaxOffers: '2.5', thinPer10k: '', thinBelowCount: '-1' };
		const err = await saveCoverageRules(handle.db, admin(), municipalityId, bad).catch((e) => e);
		expect(err).toBeInstanceOf(ValidationError);
		expect((err as ValidationError).issues).toEqual([
			{ field: 'gapOnUnansweredNeed', code: 'out_of_range', params: { min: 0, max: 1 } },
			{ field: 'gapUnmetTopics', code: 'out_of_range', params: { min: 5, max: 100000 } },
			{ field: 'staleBelowFreshShare', code: 'not_a_number' },
			{ field: 'duplicateSimilarity', code: 'out_of_range', params: { min: 0.1, max: 1 } },
			{ field: 'duplicateMaxOffers', code: 'not_an_integer' },
			{ field: 'thinPer10k', code: 'required' },
			{ field: 'thinBelowCount', code: 'out_of_range', params: { min: 0, max: 1000 } }
		]);
		const infinite = await saveCoverageRules(handle.db, admin(), municipalityId, { ...DEFAULT_COVERAGE_RULES, thinPer10k: 'Infinity', gapUnmetTopics: '1e9' }).catch((e) => e);
		expect((infinite as ValidationError).issues).toEqual([
			{ field: 'gapUnmetTopics', code: 'out_of_range', params: { min: 5, max: 100000 } },
			{ field: 'thinPer10k', code: 'not_a_number' }
		]);
		expect(await getCoverageRules(handle.db, municipalityId)).toEqual(DEFAULT_COVERAGE_RULES);

		await expect(saveCoverageRules(handle.db, staff, municipalityId, { ...DEFAULT_COVERAGE_RULES })).rejects.toBeInstanceOf(AccessDeniedError);

		await saveCoverageRules(handle.db, admin(), municipalityId, { ...DEFAULT_COVERAGE_RULES, thinPer10k: '2,5' });
		expect((await getCoverageRules(handle.db, municipalityId)).thinPer10k).toBe(2.5);
		const audits = await handle.db.select().from(auditLog).where(inArray(auditLog.entityType, ['coverage_setting'])).orderBy(auditLog.id);
		expect(audits.at(-1)!.changes).toEqual({ thinPer10k: [1, 2.5] });
		await saveCoverageRules(handle.db, admin(), municipalityId, { ...DEFAULT_COVERAGE_RULES });
	});

	it('divides by the population where there is one, eligible voters only where there is none, and says which figures it used', async () => {
		let m = await computeCoverage(handle.db, admin(), municipalityId, { now: NOW });
		expect(m.denominators).toEqual([
			{ metric: 'population', asOf: '2025', spaces: 4 },
			{ metric: 'eligible_voters', asOf: '2025', spaces: 1 }
		]);
		expect(m.withoutPopulation).toBe(3); // Beuel-Mitte, S1, S6

		// A newer eligible-voters figure does not replace a population; an older population does
		// not replace a newer one; a population replaces the proxy where it arrives.
		const stat = (name: string, metric: string, value: number, asOf: string) => ({ municipalityId, socialSpaceId: spaces[name], metric, value, unit: 'persons', asOf, source: 'test' });
		const added = await handle.db
			.insert(statistic)
			.values([stat('S2 Bedarf', 'eligible_voters', 500, '2026-01-01'), stat('S2 Bedarf', 'population', 4000, '2012'), stat('S7 Unerfüllt', 'population', 2000, '2024-12-31')])
			.returning({ id: statistic.id });
		m = await computeCoverage(handle.db, admin(), municipalityId, { now: NOW });
		expect(m.spaces.find((s) => s.id === spaces['S2 Bedarf'])!.population).toEqual({ metric: 'population', value: 1000, asOf: '2025' });
		expect(cell(m, 'S2 Bedarf', 'labour').per10k).toBe(30);
		expect(m.spaces.find((s) => s.id === spaces['S7 Unerfüllt'])!.population).toEqual({ metric: 'population', value: 2000, asOf: '2024-12-31' });
		expect(cell(m, 'S7 Unerfüllt', 'education').per10k).toBe(15);
		expect(m.denominators).toEqual([
			{ metric: 'population', asOf: '2025', spaces: 4 },
			{ metric: 'population', asOf: '2024-12-31', spaces: 1 }
		]);
		expect(m.withoutPopulation).toBe(3);
		await handle.db.delete(statistic).where(inArray(statistic.id, added.map((r) => r.id)));
	});
});
