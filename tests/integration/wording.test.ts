/**
 * Wording (issue 12 §8): what staff read names fields, values and people in words — no raw
 * keys ("description.de"), codes ("fa"), ids or system labels ("provider (email link)") — and
 * areas and instances come in reading order ("Stadtbezirk 2" before "Stadtbezirk 10").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareAreas, compareNames } from '../../src/lib/format';
import { systemPrincipal } from '../../src/lib/server/access';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { changeLines } from '../../src/lib/server/accounts/pages/audit';
import { entryHistory } from '../../src/lib/server/directory/entries';
import { publishHostedSlots } from '../../src/lib/server/directory/hosting-reads';
import { actorText, auditValueText, diffValueText, entryNameBook, fieldLabel, isHiddenField } from '../../src/lib/server/directory/pages/entry-labels';
import { getService, saveOrganization, saveService, serviceToInput } from '../../src/lib/server/directory/service';
import { withVersion } from '../../src/lib/server/directory/texts';
import { confirmByLink, sendVerificationLink } from '../../src/lib/server/directory/verification';
import { displayName } from '../../src/lib/wegweiser';
import { DB_KIND, freshDatabase } from '../helpers/db';
import { offer, org } from '../helpers/directory';
import { importKoelnAreas } from '../helpers/files';
import { buildWorld, type World } from '../helpers/world';
import { tempDir } from '../helpers/tmp';

process.env.DATA_DIR = tempDir('anl-wording-');
delete process.env.SMTP_URL;

let h: DatabaseHandle;
let w: World;
const T = systemPrincipal('t');

beforeAll(async () => {
	h = await freshDatabase();
	w = await buildWorld(h.db);
	await importKoelnAreas(h.db);
});
afterAll(() => h?.close());

describe('reading order and language names', () => {
	it('sorts numbers inside names by value and umlauts beside their vowel', () => {
		expect(['Stadtbezirk 10', 'Stadtbezirk 2', 'Stadtbezirk 1'].sort(compareNames)).toEqual(['Stadtbezirk 1', 'Stadtbezirk 2', 'Stadtbezirk 10']);
		expect(['Zollstock', 'Ölberg', 'Oberbilk'].sort(compareNames)).toEqual(['Oberbilk', 'Ölberg', 'Zollstock']);
		const areas = [
			{ code: '10', name: 'Garath' },
			{ code: null, name: 'Ohne Code' },
			{ code: '2', name: 'Flingern' }
		];
		expect(areas.sort(compareAreas).map((a) => a.name)).toEqual(['Flingern', 'Garath', 'Ohne Code']);
	});

	it('names languages in the reader’s language', () => {
		expect(displayName('fa', 'de')).toBe('Persisch');
		expect(displayName('uk', 'en')).toBe('Ukrainian');
		// Held per reader's language: the same tag asked in another language is named in that one.
		expect(displayName('fa', 'en')).toBe('Persian');
		expect(displayName('fa', 'de')).toBe('Persisch');
		expect(displayName('not a tag', 'de')).toBe('not a tag');
	});
});

describe(`history and proposals in words (${DB_KIND})`, () => {
	it('labels the history’s fields and values and names who changed them', async () => {
		const { id: orgId } = await saveOrganization(h.db, T, w.ids.k, org({ name: 'Diakonie Kalk' }));
		const { id } = await saveService(h.db, T, w.ids.k, offer(orgId));
		const input = serviceToInput((await getService(h.db, id, ['public']))!);
		await saveService(h.db, w.who.staffA, w.ids.k, { ...input, description: withVersion(input.description, 'de', 'Sprachkurs am Nachmittag'), languages: ['de', 'fa'], phone: '0221 1' }, { id });
		let token = '';
		await sendVerificationLink(h.db, w.who.staffA, 'service', id, {
			email: 'info@example.org',
			linkFor: (t) => {
				token = t;
				return `https://example.org/de/verify/${t}`;
			},
			texts: () => ({ subject: 'Bitte prüfen', body: (link: string) => link })
		});
		await confirmByLink(h.db, token);

		const entries = (await entryHistory(h.db, w.who.staffA, 'service', id))!;
		const names = await entryNameBook(h.db, w.ids.k, [orgId], 'de');
		const rows = entries.flatMap((e) =>
			Object.entries(e.changes)
				.filter(([field]) => !isHiddenField(field))
				.map(([field, [before, after]]) => ({
					who: e.actorName ?? actorText(e.actorLabel),
					field: fieldLabel(field, 'de', e.entityType === 'location'),
					before: auditValueText(field, before, 'de', names),
					after: auditValueText(field, after, 'de', names)
				}))
		);
		const text = JSON.stringify(rows);
		expect(rows.map((r) => r.field)).toEqual(expect.arrayContaining(['Beschreibung', 'Telefon', 'Ort: Postleitzahl']));
		expect(rows.find((r) => r.field === 'Beschreibung' && r.before)?.after).toBe('Deutsch: Sprachkurs am Nachmittag');
		expect(rows.find((r) => r.after.includes('Persisch'))?.after).toBe('Deutsch, Persisch');
		expect(rows.find((r) => r.after === 'Diakonie Kalk')?.field).toBeTruthy();
		for (const raw of ['description.de', '"fa"', 'provider (email link)', 'hsdsExtra', orgId]) expect(text).not.toContain(raw);
		expect(rows.some((r) => r.who === 'Anbieter (Bestätigungslink)' && r.after === 'Anbieter (Bestätigungslink)')).toBe(true);
		expect(rows.some((r) => r.who === 'System')).toBe(true);
	});

	it('names the confirmation time and the opening times a room booking published, never a field’s code or a raw timestamp', async () => {
		const { id: orgId } = await saveOrganization(h.db, T, w.ids.k, org({ name: 'Caritas Kalk' }), { verifiedBy: 'Anna Muster' });
		const { id } = await saveService(h.db, T, w.ids.k, offer(orgId), { verifiedBy: 'Anna Muster' });
		const [place] = (await getService(h.db, id, ['public']))!.locations;
		const slot = { weekday: 4, opensAt: '14:00', closesAt: '16:00', validFrom: '2026-12-10', validTo: '2027-06-10' };
		await publishHostedSlots(h.db, T, { serviceId: id, locationId: place.id, previousIds: [], slots: [slot], bookingId: '00000000-0000-4000-8000-000000000001' });
		const rows = await Promise.all(
			(['service', 'organization'] as const).map(async (kind) => {
				const entries = (await entryHistory(h.db, w.who.staffA, kind, kind === 'service' ? id : orgId))!;
				const names = await entryNameBook(h.db, w.ids.k, [orgId], 'fa');
				return entries.flatMap((e) =>
					Object.entries(e.changes)
						.filter(([field]) => !isHiddenField(field))
						.map(([field, [before, after]]) => ({ field: fieldLabel(field, 'fa'), before: auditValueText(field, before, 'fa', names), after: auditValueText(field, after, 'fa', names) }))
				);
			})
		).then((r) => r.flat());
		const text = JSON.stringify(rows);
		// Labels in the request's language (German here), values formatted for the page's: Persian digits.
		expect(rows.map((r) => r.field)).toEqual(expect.arrayContaining(['Zuletzt bestätigt', 'Zeitfenster aus Raumbuchungen']));
		expect(rows.find((r) => r.field === 'Zeitfenster aus Raumbuchungen')).toMatchObject({ before: '۰', after: '۱' });
		expect(rows.find((r) => r.field === 'Zuletzt bestätigt')?.after).toMatch(/^[۰-۹]/);
		// No field's code ("lastVerifiedAt", "hostingBooking"), no ISO timestamp, no booking id.
		expect(text).not.toMatch(/"field":"[a-z]+[A-Z]|\d{4}-\d{2}-\d{2}T|00000000-0000/);
	});

	it('shows a proposal’s changes with the form’s labels and values in words', async () => {
		const names = await entryNameBook(h.db, w.ids.k, [], 'de');
		expect(fieldLabel('description.ar', 'de')).toBe('Beschreibung (Arabisch)');
		expect(diffValueText('costKind', 'free', 'de', names)).not.toBe('free');
		expect(diffValueText('languages', 'de, fa', 'de', names)).toBe('Deutsch, Persisch');
		expect(diffValueText('schedules.0.weekday', '1', 'de', names)).toBe('Montag');
		expect(diffValueText('instanceId', w.ids.a, 'de', names)).not.toBe(w.ids.a);
	});

	it('labels the fields of places and opening hours by their number, and system actors by name', () => {
		expect(fieldLabel('locations.0.street', 'de')).toMatch(/^Ort 1: /);
		expect(fieldLabel('schedules.1.opensAt', 'de')).toMatch(/^Zeitfenster 2: /);
		expect(actorText('retention')).toBe('Löschplan');
		expect(actorText('something-new')).toBe('System');
	});
});

describe('the audit log in words', () => {
	it('names the kinds and states of events, registrations and surveys, not their codes', () => {
		const ctx = { locale: 'de', names: new Map(), people: new Map() };
		expect(changeLines({ kind: [null, 'open_group'] }, 'hosting_event', ctx)[0].to).toBe('Offene Gruppe (ohne Anmeldung)');
		expect(changeLines({ status: ['waiting', 'confirmed'] }, 'hosting_registration', ctx)[0]).toMatchObject({ from: 'Warteliste', to: 'angemeldet' });
		expect(changeLines({ status: ['draft', 'open'] }, 'participation_survey', ctx)[0]).toMatchObject({ from: 'Entwurf', to: 'offen' });
	});

	it('names what a volunteer profile records: activities, languages with their level, consents, the pause, every field by its label', () => {
		const ctx = { locale: 'de', names: new Map(), people: new Map() };
		const lines = changeLines(
			{
				activities: [null, ['it_help', 'office_help']],
				languages: [null, ['pl:native', 'de:fluent']],
				consents: [null, ['coordination', 'care_messages']],
				paused: [null, '2026-07-01..2026-08-31'],
				messageLocale: [null, 'ar'],
				availability: [0, 2],
				capHoursPerMonth: [null, 20],
				countInStatistics: [null, true]
			},
			'volunteer_profile',
			ctx
		);
		expect(lines.map((l) => `${l.field}: ${l.to}`)).toEqual([
			'Tätigkeiten: IT-Hilfe, Hilfe im Büro',
			'Sprachen: Polnisch (Muttersprache), Deutsch (fließend)',
			'Einwilligungen: Koordination des Ehrenamts, Nachfragen und Erinnerungen',
			'Pause: 01.07.2026 – 31.08.2026',
			'Sprache für Nachrichten: Arabisch',
			'Zeitfenster der Verfügbarkeit: 2',
			'Höchstens Stunden im Monat: 20',
			'In der Statistik gezählt: ja'
		]);
	});
});
