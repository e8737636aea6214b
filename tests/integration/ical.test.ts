/**
 * The iCalendar feed of programme deadlines as calendar apps read it: every content line ends
 * with CRLF (the last one too) and is folded at 75 octets (RFC 5545 §3.1), and an independent
 * parser (ical.js, Mozilla's, used by Thunderbird) reads the calendar and each event: one
 * all-day event per deadline with a stable UID, summary and URL.
 */
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/lib/server/access';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { createMunicipality } from '../../src/lib/server/geography/service';
import { deadlineFeed, saveProgramme, type ProgrammeInput } from '../../src/lib/server/steering/programmes';
import { DB_KIND, freshDatabase } from '../helpers/db';

let h: DatabaseHandle;
let withDeadlines: { id: string; name: string };
let empty: { id: string; name: string };
const NOW = new Date('2026-02-01T10:00:00Z');

function programme(overrides: Partial<ProgrammeInput>): ProgrammeInput {
	return {
		name: 'KOMM-AN NRW',
		description: '',
		funderLevel: 'state',
		funderName: 'Land NRW',
		themeFields: ['education'],
		targetGroups: [],
		socialSpaceIds: [],
		budget: '',
		startsOn: '2026-01-01',
		endsOn: '',
		deadlines: [],
		url: '',
		contactName: '',
		contactEmail: '',
		contactPhone: '',
		serviceIds: [],
		...overrides
	};
}

beforeAll(async () => {
	h = await freshDatabase();
	const k = await createMunicipality(h.db, systemPrincipal('t'), { slug: 'koeln', name: 'Köln' });
	const b = await createMunicipality(h.db, systemPrincipal('t'), { slug: 'bonn', name: 'Bonn' });
	withDeadlines = { id: k.id, name: k.name };
	empty = { id: b.id, name: b.name };
	await saveProgramme(h.db, systemPrincipal('test'), k.id, programme({ deadlines: [{ dueOn: '2026-03-31', label: 'Antragsfrist' }, { dueOn: '2026-09-30', label: 'Verwendungsnachweis' }], url: 'https://www.mkjfgfi.nrw/komm-an' }));
	await saveProgramme(
		h.db,
		systemPrincipal('test'),
		k.id,
		programme({
			name: 'Förderprogramm „Zusammenhalt stärken – Nachbarschaften, Begegnung und Teilhabe in den Veedeln“; Köln, 2026',
			deadlines: [{ dueOn: '2026-05-15', label: 'Zwischenbericht, Teil 1' }]
		})
	);
});
afterAll(() => h?.close());

/** The content lines of a feed, checked to end with CRLF and to fit in 75 octets each. */
function contentLines(feed: string): string[] {
	expect(feed.endsWith('\r\n')).toBe(true);
	expect(feed).not.toMatch(/[^\r]\n|\r[^\n]/);
	const lines = feed.slice(0, -2).split('\r\n');
	for (const line of lines) expect(Buffer.byteLength(line, 'utf8'), line).toBeLessThanOrEqual(75);
	return lines;
}

describe(`iCalendar feed of programme deadlines (${DB_KIND})`, () => {
	it('ends every line with CRLF and is read by ical.js: one all-day event per deadline', async () => {
		const feed = await deadlineFeed(h.db, withDeadlines, NOW);
		expect(contentLines(feed).at(-1)).toBe('END:VCALENDAR');
		const calendar = new ICAL.Component(ICAL.parse(feed));
		expect(calendar.name).toBe('vcalendar');
		expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
		expect(calendar.getFirstPropertyValue('prodid')).toMatch(/anlaufstelle/);
		const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
		expect(events.map((e) => [e.startDate.toString(), e.startDate.isDate, e.summary])).toEqual([
			['2026-03-31', true, 'Antragsfrist – KOMM-AN NRW'],
			['2026-05-15', true, 'Zwischenbericht, Teil 1 – Förderprogramm „Zusammenhalt stärken – Nachbarschaften, Begegnung und Teilhabe in den Veedeln“; Köln, 2026'],
			['2026-09-30', true, 'Verwendungsnachweis – KOMM-AN NRW']
		]);
		expect(new Set(events.map((e) => e.uid)).size).toBe(3);
		expect(calendar.getAllSubcomponents('vevent')[0].getFirstPropertyValue('url')).toBe('https://www.mkjfgfi.nrw/komm-an');
		// The same feed later: the same UIDs, so calendar apps update instead of duplicating.
		const again = new ICAL.Component(ICAL.parse(await deadlineFeed(h.db, withDeadlines, NOW)));
		expect(again.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v).uid)).toEqual(events.map((e) => e.uid));
	});

	it('ends with CRLF and parses when there is no deadline at all', async () => {
		const feed = await deadlineFeed(h.db, empty, NOW);
		contentLines(feed);
		const calendar = new ICAL.Component(ICAL.parse(feed));
		expect(calendar.getAllSubcomponents('vevent')).toEqual([]);
	});
});
