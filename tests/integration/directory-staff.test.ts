import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/lib/server/access';
import { listAudit } from '../../src/lib/server/audit/service';
import { readConfig } from '../../src/lib/server/core/config';
import { AccessDeniedError, NotFoundError, ValidationError } from '../../src/lib/server/core/errors';
import { readOutbox } from '../../src/lib/server/core/mail';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { importCsv } from '../../src/lib/server/directory/csv';
import { entryHistory } from '../../src/lib/server/directory/entries';
import { getFreshnessDays, listStaleEntries, setFreshnessDays } from '../../src/lib/server/directory/freshness';
import { getProposal, listProposals, proposalDiff, propose, publishProposal, rejectProposal } from '../../src/lib/server/directory/proposals';
import {
	deleteEntry,
	getOrganization,
	getService,
	markVerified,
	organizationToInput,
	saveOrganization,
	saveService,
	serviceToInput
} from '../../src/lib/server/directory/service';
import { effectiveStatus, withVersion } from '../../src/lib/server/directory/texts';
import { configuredProvider, libreTranslate, machineTranslateService } from '../../src/lib/server/directory/translate';
import {
	LinkUnusableError,
	confirmByLink,
	correctByLink,
	resolveLink,
	sendVerificationLink,
	type ProviderCorrection
} from '../../src/lib/server/directory/verification';
import { DB_KIND, countRows, freshDatabase } from '../helpers/db';
import { offer, org } from '../helpers/directory';
import { importKoelnAreas } from '../helpers/files';
import { buildWorld, type World } from '../helpers/world';
import { tempDir } from '../helpers/tmp';

process.env.DATA_DIR = tempDir('anl-dirstaff-');
delete process.env.SMTP_URL;

let h: DatabaseHandle;
let w: World;
/** Köln (`k`) with Welcome Points Kalk (`kalk`) and Porz (`porz`); Bonn (`d`), another municipality. */
const ids: Record<string, string> = {};
/** The people acting: partner editor, Kalk staff, Porz staff, administrators, a volunteer. */
let who: World['who'];
const T = systemPrincipal('t');

/** The body of an .eml as written (quoted-printable soft breaks and escapes undone). */
function quotedPrintable(raw: string): string {
	return Buffer.from(raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
}

const MAIL_TEXTS = () => ({ subject: 'Bitte prüfen', body: (link: string, name: string) => `Eintrag ${name}: ${link}` });

beforeAll(async () => {
	h = await freshDatabase();
	w = await buildWorld(h.db);
	await importKoelnAreas(h.db);
	Object.assign(ids, { k: w.ids.k, d: w.ids.o, kalk: w.ids.a, porz: w.ids.b });
	who = w.who;
});
afterAll(() => h?.close());

describe(`change proposals (${DB_KIND})`, () => {
	it('records only the changed fields, shows a diff against the entry and publishes as the reviewer', async () => {
		const { id: orgId } = await saveOrganization(h.db, T, ids.k, org({ name: 'Diakonie Kalk' }));
		const { id } = await saveService(h.db, T, ids.k, offer(orgId));
		const input = serviceToInput((await getService(h.db, id, ['public']))!);
		input.description = withVersion(input.description, 'de', 'Kostenloser Sprachkurs am Nachmittag');
		input.phone = '0221 123';
		const proposalId = await propose(h.db, who.partner, ids.k, 'service', id, input);
		const p = (await getProposal(h.db, who.staffA, proposalId))!;
		expect(Object.keys(p.payload).sort()).toEqual(['description', 'phone']);
		expect(p.proposerName).toBe('partner');
		// Staff change another field meanwhile: publishing must not undo it.
		const meanwhile = serviceToInput((await getService(h.db, id, ['public']))!);
		await saveService(h.db, T, ids.k, { ...meanwhile, contactName: 'Frau Yilmaz' }, { id });
		expect(await proposalDiff(h.db, p)).toEqual([
			{ field: 'description.de', before: 'Kostenloser Sprachkurs am Vormittag', after: 'Kostenloser Sprachkurs am Nachmittag' },
			{ field: 'phone', before: '', after: '0221 123' }
		]);
		expect((await listProposals(h.db, who.staffA, ids.k)).map((x) => x.id)).toContain(proposalId);

		await publishProposal(h.db, who.staffA, proposalId);
		const after = (await getService(h.db, id, ['public']))!;
		expect(after.description.de.text).toBe('Kostenloser Sprachkurs am Nachmittag');
		expect(after.phone).toBe('0221 123');
		expect(after.contactName).toBe('Frau Yilmaz');
		const [change] = await listAudit(h.db, systemPrincipal('test'), { entityType: 'service', entityId: id, limit: 1 });
		expect(change.actorUserId).toBe(who.staffA.userId);
		expect(change.actorLabel).toBe(`proposal:${proposalId}`);
		expect(Object.keys(change.changes).sort()).toEqual(['description', 'phone']);
		const [published] = await listAudit(h.db, systemPrincipal('test'), { entityType: 'change_proposal', entityId: proposalId, limit: 1 });
		expect(published.changes.proposedBy).toEqual([null, who.partner.userId]);
		expect((await getProposal(h.db, who.staffA, proposalId))!.status).toBe('published');
		const again = await publishProposal(h.db, who.staffA, proposalId).catch((e) => e);
		expect(again).toBeInstanceOf(ValidationError);
		expect(again.issues).toEqual([{ field: 'proposal', code: 'already_reviewed' }]);
	});

	it('creates a proposed new actor only when published', async () => {
		const before = await countRows(h, 'organization');
		const proposalId = await propose(h.db, who.partner, ids.k, 'organization', null, org({ name: 'Nachbarschaftscafé Vingst', visibility: 'network' }));
		expect(await countRows(h, 'organization')).toBe(before);
		const diff = await proposalDiff(h.db, (await getProposal(h.db, who.partner, proposalId))!);
		expect(diff).toContainEqual({ field: 'name', before: '', after: 'Nachbarschaftscafé Vingst' });
		const id = await publishProposal(h.db, who.staffA, proposalId);
		expect((await getOrganization(h.db, id, ['public', 'network']))?.name).toBe('Nachbarschaftscafé Vingst');
	});

	it('refuses proposals with bad fields, outside coordinates or no change, and writes nothing', async () => {
		const { id: orgId } = await saveOrganization(h.db, T, ids.k, org({ name: 'Proposal checks' }));
		const bad = offer(orgId, { email: 'nope' });
		bad.locations[0].latitude = 48.137;
		bad.locations[0].longitude = 11.575;
		const before = await countRows(h, 'change_proposal');
		const err = await propose(h.db, who.partner, ids.k, 'service', null, bad).catch((e) => e);
		expect(err).toBeInstanceOf(ValidationError);
		expect(err.issues).toEqual(
			expect.arrayContaining([
				{ field: 'email', code: 'invalid_email' },
				{ field: 'locations.0.coordinates', code: 'outside_municipality' }
			])
		);
		const { id } = await saveService(h.db, T, ids.k, offer(orgId));
		const same = serviceToInput((await getService(h.db, id, ['public']))!);
		const none = await propose(h.db, who.partner, ids.k, 'service', id, same).catch((e) => e);
		expect(none.issues).toEqual([{ field: 'proposal', code: 'no_changes' }]);
		const foreign = await propose(h.db, who.adminOther, ids.d, 'service', id, { ...same, phone: '1' }).catch((e) => e);
		expect(foreign).toBeInstanceOf(NotFoundError);
		expect(await countRows(h, 'change_proposal')).toBe(before);
	});

	it('rejects with a note and leaves the entry unchanged', async () => {
		const { id } = await saveOrganization(h.db, T, ids.k, org({ name: 'Rejected change' }));
		const input = organizationToInput((await getOrganization(h.db, id, ['public']))!);
		const proposalId = await propose(h.db, who.partner, ids.k, 'organization', id, { ...input, website: 'https://example.org' });
		const noNote = await rejectProposal(h.db, who.staffA, proposalId, ' ').catch((e) => e);
		expect(noNote.issues).toEqual([{ field: 'reviewNote', code: 'required' }]);
		await rejectProposal(h.db, who.staffA, proposalId, 'Webseite ist nicht die des Vereins');
		const p = (await getProposal(h.db, who.partner, proposalId))!;
		expect(p.status).toBe('rejected');
		expect(p.reviewNote).toBe('Webseite ist nicht die des Vereins');
		expect(p.reviewerName).toBe('staffA');
		expect((await getOrganization(h.db, id, ['public']))?.website).toBe('');
		expect(await listProposals(h.db, who.staffA, ids.k, { status: 'rejected', proposedBy: who.partner.userId })).toHaveLength(1);
	});
});

describe(`provider confirmation links (${DB_KIND})`, () => {
	async function linkFor(kind: 'service' | 'organization', id: string, now: Date, email?: string): Promise<string> {
		let token = '';
		await sendVerificationLink(h.db, who.staffA, kind, id, {
			email,
			now,
			linkFor: (t) => {
				token = t;
				return `https://example.org/de/verify/${t}`;
			},
			texts: MAIL_TEXTS
		});
		return token;
	}

	it('mails a link to the entry’s address, stores only a hash, and confirms once', async () => {
		const { id } = await saveOrganization(h.db, T, ids.k, org({ name: 'Moschee Kalk', email: 'info@moschee.example' }));
		const now = new Date();
		const token = await linkFor('organization', id, now);
		const mail = quotedPrintable((await readOutbox()).at(-1)!.raw);
		expect(mail).toContain('To: info@moschee.example');
		expect(mail).toContain(`/de/verify/${token}`);
		const { rows } = (await h.db.execute(`select token_hash from verification_link where entity_id = '${id}'` as never)) as unknown as { rows: { token_hash: string }[] };
		expect(rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
		expect(rows[0].token_hash).not.toContain(token);
		expect((await resolveLink(h.db, token, now)).status).toBe('valid');
		await confirmByLink(h.db, token, now);
		const o = (await getOrganization(h.db, id, ['public']))!;
		expect(o.lastVerifiedBy).toBe('provider (email link)');
		expect(o.lastVerifiedAt).not.toBeNull();
		expect((await resolveLink(h.db, token, now)).status).toBe('used');
		const again = await confirmByLink(h.db, token, now).catch((e) => e);
		expect(again).toBeInstanceOf(LinkUnusableError);
		expect(again.status).toBe('used');
	});

	it('expires after 14 days and then changes nothing', async () => {
		const { id } = await saveOrganization(h.db, T, ids.k, org({ name: 'Sportverein Kalk' }));
		const sent = new Date('2026-03-01T10:00:00Z');
		const token = await linkFor('organization', id, sent, 'vorstand@sport.example');
		expect((await resolveLink(h.db, token, new Date('2026-03-15T09:59:00Z'))).status).toBe('valid');
		const late = new Date('2026-03-15T10:00:00Z');
		expect((await resolveLink(h.db, token, late)).status).toBe('expired');
		const correction: ProviderCorrection = { name: 'Sportverein Kalk 1920', description: 'x', email: '', phone: '', website: '' };
		const err = await correctByLink(h.db, token, correction, late).catch((e) => e);
		expect(err).toBeInstanceOf(LinkUnusableError);
		expect(err.status).toBe('expired');
		const o = (await getOrganization(h.db, id, ['public']))!;
		expect(o.name).toBe('Sportverein Kalk');
		expect(o.lastVerifiedAt).toBeNull();
		expect((await resolveLink(h.db, 'no-such-token', late)).status).toBe('unknown');
	});

	it('applies a correction field by field as provider-link, marks verified, keeps the link after bad input', async () => {
		const { id: orgId } = await saveOrganization(h.db, T, ids.k, org({ name: 'Bürgerverein Kalk' }));
		const base = offer(orgId, { email: 'kurs@buergerverein.example' });
		base.description = withVersion(base.description, 'en', 'Free language course in the morning');
		const { id } = await saveService(h.db, T, ids.k, base);
		const now = new Date();
		const token = await linkFor('service', id, now);
		const correction: ProviderCorrection = {
			name: 'Deutschkurs für Anfänger',
			description: 'Kostenloser Sprachkurs am Abend',
			email: 'kurs@buergerverein.example',
			phone: '0221 999',
			website: '',
			contactName: '',
			costKind: 'free',
			costAmountCents: null,
			costNote: '',
			requiredDocuments: 'Ausweis, Meldebescheinigung',
			temporarilyClosed: true,
			schedules: [
				{ weekday: 2, opensAt: '09:00', closesAt: '12:00', appointmentOnly: false },
				{ weekday: 4, opensAt: '18:00', closesAt: '17:00', appointmentOnly: false }
			]
		};
		const bad = await correctByLink(h.db, token, correction, now).catch((e) => e);
		expect(bad).toBeInstanceOf(ValidationError);
		expect(bad.issues).toEqual([{ field: 'schedules.1', code: 'closes_before_opens' }]);
		expect((await resolveLink(h.db, token, now)).status).toBe('valid');

		correction.schedules![1] = { weekday: 4, opensAt: '17:00', closesAt: '19:00', appointmentOnly: true };
		await correctByLink(h.db, token, correction, now);
		const s = (await getService(h.db, id, ['public']))!;
		expect(s.description.de.text).toBe('Kostenloser Sprachkurs am Abend');
		expect(effectiveStatus(s.description, 'en')).toBe('outdated');
		expect(s.status).toBe('temporarily closed');
		expect(s.requiredDocuments.de.text).toBe('Ausweis, Meldebescheinigung');
		expect(s.schedules.map((x) => [x.weekday, x.opensAt, x.appointmentOnly, x.locationId !== null])).toEqual([
			[2, '09:00', false, true],
			[4, '17:00', true, false]
		]);
		expect(s.lastVerifiedBy).toBe('provider (email link)');
		const history = await listAudit(h.db, systemPrincipal('test'), { entityType: 'service', entityId: id });
		const change = history.find((a) => a.actorLabel === 'provider-link' && a.changes.description)!;
		expect(change.changes.phone).toEqual(['', '0221 999']);
		expect(change.changes.status).toEqual(['active', 'temporarily closed']);
		expect(history.some((a) => a.actorLabel === 'provider-link' && a.changes.schedules)).toBe(true);
		expect((await resolveLink(h.db, token, now)).status).toBe('used');
	});

	it('refuses to send without an address or to a bad one, and for unknown entries', async () => {
		const { id } = await saveOrganization(h.db, T, ids.k, org({ name: 'Ohne Adresse' }));
		const opts = { linkFor: (t: string) => t, texts: MAIL_TEXTS };
		expect((await sendVerificationLink(h.db, who.staffA, 'organization', id, opts).catch((e) => e)).issues).toEqual([{ field: 'email', code: 'required' }]);
		expect((await sendVerificationLink(h.db, who.staffA, 'organization', id, { ...opts, email: 'kaputt' }).catch((e) => e)).issues).toEqual([{ field: 'email', code: 'invalid_email' }]);
		expect((await sendVerificationLink(h.db, who.staffA, 'service', id, opts).catch((e) => e)).issues).toEqual([{ field: 'id', code: 'not_found' }]);
	});
});

describe(`machine translation hook (${DB_KIND})`, () => {
	let server: Server;
	let url = '';
	const requests: { q: string[]; source: string; target: string }[] = [];
	let failNext = false;

	beforeAll(async () => {
		server = createServer((req, res) => {
			let body = '';
			req.on('data', (c) => (body += c));
			req.on('end', () => {
				if (req.url !== '/translate' || failNext) {
					res.writeHead(failNext ? 503 : 404).end();
					return;
				}
				const r = JSON.parse(body);
				requests.push(r);
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ translatedText: r.q.map((q: string) => `[${r.target}] ${q}`) }));
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
	});
	afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

	it('is off without configuration and refuses an unknown provider', () => {
		expect(readConfig({}).machineTranslation).toBeNull();
		expect(configuredProvider(readConfig({}))).toBeNull();
		expect(() => readConfig({ MT_PROVIDER: 'babelfish' })).toThrow(/MT_PROVIDER/);
		expect(() => readConfig({ MT_PROVIDER: 'libretranslate' })).toThrow(/MT_URL/);
		expect(() => readConfig({ MT_PROVIDER: 'deepl' })).toThrow(/MT_API_KEY/);
		expect(configuredProvider(readConfig({ MT_PROVIDER: 'libretranslate', MT_URL: `${url}/` }))?.name).toBe('libretranslate');
	});

	it('fills the missing languages as machine translations with the original as basis, keeps human ones', async () => {
		const { id: orgId } = await saveOrganization(h.db, T, ids.k, org({ name: 'MT' }));
		const input = offer(orgId);
		input.name = withVersion(input.name, 'en', 'German for beginners');
		const { id } = await saveService(h.db, T, ids.k, input);
		const provider = configuredProvider(readConfig({ MT_PROVIDER: 'libretranslate', MT_URL: url }))!;
		const filled = await machineTranslateService(h.db, who.staffA, id, provider);
		expect(filled.name.sort()).toEqual(['ar', 'fa', 'ru', 'tr', 'uk']);
		expect(filled.description.sort()).toEqual(['ar', 'en', 'fa', 'ru', 'tr', 'uk']);
		expect(filled.costNote).toBeUndefined();
		const s = (await getService(h.db, id, ['public']))!;
		expect(s.name.en).toMatchObject({ text: 'German for beginners', status: 'human' });
		expect(s.name.ar.text).toBe('[ar] Deutschkurs für Anfänger');
		expect(effectiveStatus(s.name, 'ar')).toBe('machine');
		expect(s.name['de-x-ls']).toBeUndefined();
		// One request per language pair, with all texts of that pair.
		expect(requests.find((r) => r.target === 'ar')?.q).toEqual(['Deutschkurs für Anfänger', 'Kostenloser Sprachkurs am Vormittag', 'Ausweis']);
		const [audit] = await listAudit(h.db, systemPrincipal('test'), { entityType: 'service', entityId: id, limit: 1 });
		expect(audit.actorLabel).toBe('mt:libretranslate');

		// The original changes: machine versions turn outdated and are refreshed on the next run.
		const changed = serviceToInput(s);
		changed.name = withVersion(changed.name, 'de', 'Deutschkurs für Einsteiger');
		await saveService(h.db, T, ids.k, changed, { id });
		expect(effectiveStatus((await getService(h.db, id, ['public']))!.name, 'ar')).toBe('outdated');
		const refreshed = await machineTranslateService(h.db, who.staffA, id, provider);
		expect(refreshed.name.sort()).toEqual(['ar', 'fa', 'ru', 'tr', 'uk']);
		const after = (await getService(h.db, id, ['public']))!;
		expect(after.name.ar.text).toBe('[ar] Deutschkurs für Einsteiger');
		expect(effectiveStatus(after.name, 'en')).toBe('outdated');
		expect(await machineTranslateService(h.db, who.staffA, id, provider)).toEqual({});
	});

	it('saves nothing when the provider fails', async () => {
		const { id: orgId } = await saveOrganization(h.db, T, ids.k, org({ name: 'MT fail' }));
		const { id } = await saveService(h.db, T, ids.k, offer(orgId));
		failNext = true;
		const err = await machineTranslateService(h.db, who.staffA, id, libreTranslate(url)).catch((e) => e);
		failNext = false;
		expect(String(err)).toContain('HTTP 503');
		expect(Object.keys((await getService(h.db, id, ['public']))!.name)).toEqual(['de']);
	});
});

describe(`freshness (${DB_KIND})`, () => {
	it('lists entries not verified within the municipality’s period, with instance and districts', async () => {
		expect(await getFreshnessDays(h.db, ids.d)).toBe(365);
		await markVerified(h.db, T, 'organization', w.ids.orgOther, 'Staff');
		const { id: orgId } = await saveOrganization(h.db, T, ids.d, org({ name: 'Frisch', instanceId: null }));
		const { id: stale } = await saveOrganization(h.db, T, ids.d, org({ name: 'Alt' }));
		await markVerified(h.db, T, 'organization', orgId, 'Staff');
		const now = new Date();
		const list = await listStaleEntries(h.db, who.adminOther, ids.d, 365, now);
		expect(list.map((e) => e.id)).toEqual([stale]);
		const later = new Date(now.getTime() + 40 * 86_400_000);
		expect((await listStaleEntries(h.db, who.adminOther, ids.d, 30, later)).map((e) => e.id).sort()).toEqual([orgId, stale, w.ids.orgOther].sort());

		const { id: kOrg } = await saveOrganization(h.db, T, ids.k, org({ name: 'Kalk district', instanceId: ids.kalk }));
		const { id: kOffer } = await saveService(h.db, T, ids.k, offer(kOrg, { instanceId: ids.kalk }));
		const entry = (await listStaleEntries(h.db, who.staffA, ids.k, 365, now)).find((e) => e.id === kOffer)!;
		expect(entry.instanceId).toBe(ids.kalk);
		expect(entry.districtIds).toHaveLength(1);
	});

	it('lets the period be set within 1–3650 days, audited', async () => {
		await setFreshnessDays(h.db, who.adminOther, ids.d, 180);
		expect(await getFreshnessDays(h.db, ids.d)).toBe(180);
		const err = await setFreshnessDays(h.db, who.adminOther, ids.d, 0).catch((e) => e);
		expect(err.issues).toEqual([{ field: 'freshnessDays', code: 'out_of_range', params: { min: 1, max: 3650 } }]);
		const [a] = await listAudit(h.db, systemPrincipal('test'), { entityType: 'directory_setting', limit: 1 });
		expect(a.changes.freshnessDays).toEqual([365, 180]);
	});
});

describe(`writes authorise inside and refuse bad input (${DB_KIND})`, () => {
	/** Rows of a table, to show that a refused write wrote nothing. */
	const rows = (table: string) => countRows(h, table);

	it('refuses a proposal by a volunteer and writes nothing', async () => {
		const before = await rows('change_proposal');
		const err = await propose(h.db, who.volunteer, ids.k, 'organization', null, org({ name: 'Ehrenamtscafé' })).catch((e) => e);
		expect(err).toBeInstanceOf(AccessDeniedError);
		expect(await rows('change_proposal')).toBe(before);
	});

	it('refuses an instance of another municipality (or no instance id at all) as a field error and writes nothing', async () => {
		const orgs = await rows('organization');
		const foreign = await saveOrganization(h.db, who.admin, ids.k, org({ name: 'Fremd', instanceId: w.ids.c })).catch((e) => e);
		expect(foreign).toBeInstanceOf(ValidationError);
		expect(foreign.issues).toEqual([{ field: 'instanceId', code: 'unknown_instance' }]);
		const notAnId = await saveOrganization(h.db, who.admin, ids.k, org({ name: 'Kaputt', instanceId: 'kalk' })).catch((e) => e);
		expect(notAnId.issues).toEqual([{ field: 'instanceId', code: 'unknown_instance' }]);
		expect(await rows('organization')).toBe(orgs);
		const services = await rows('service');
		const offerErr = await saveService(h.db, who.admin, ids.k, offer(w.ids.org, { instanceId: w.ids.c })).catch((e) => e);
		expect(offerErr.issues).toContainEqual({ field: 'instanceId', code: 'unknown_instance' });
		const proposed = await propose(h.db, who.partner, ids.k, 'service', null, offer(w.ids.org, { instanceId: w.ids.c })).catch((e) => e);
		expect(proposed.issues).toContainEqual({ field: 'instanceId', code: 'unknown_instance' });
		expect(await rows('service')).toBe(services);
	});

	it('lets staff write their instance’s entries and unkept ones, and move an entry only with the right on both instances', async () => {
		const { id } = await saveOrganization(h.db, who.staffA, ids.k, org({ name: 'Kalker Tafel', instanceId: ids.kalk }));
		const input = organizationToInput((await getOrganization(h.db, id, ['public']))!);
		expect(await saveOrganization(h.db, who.staffB, ids.k, { ...input, phone: '1' }, { id }).catch((e) => e)).toBeInstanceOf(AccessDeniedError);
		expect(await saveOrganization(h.db, who.staffA, ids.k, { ...input, instanceId: ids.porz }, { id }).catch((e) => e)).toBeInstanceOf(AccessDeniedError);
		expect(await saveOrganization(h.db, who.staffB, ids.k, { ...input, instanceId: ids.porz }, { id }).catch((e) => e)).toBeInstanceOf(AccessDeniedError);
		expect(await saveOrganization(h.db, who.partner, ids.k, { ...input, phone: '1' }, { id }).catch((e) => e)).toBeInstanceOf(AccessDeniedError);
		expect(await saveOrganization(h.db, who.adminOther, ids.k, org({ name: 'Aus Bonn' })).catch((e) => e)).toBeInstanceOf(AccessDeniedError);
		expect((await getOrganization(h.db, id, ['public']))?.instanceId).toBe(ids.kalk);
		await saveOrganization(h.db, who.admin, ids.k, { ...input, instanceId: ids.porz }, { id });
		expect((await getOrganization(h.db, id, ['public']))?.instanceId).toBe(ids.porz);
		const [change] = await listAudit(h.db, systemPrincipal('test'), { entityType: 'organization', entityId: id, limit: 1 });
		expect(change).toMatchObject({ actorUserId: who.admin.userId, actorLabel: null, changes: { instanceId: [ids.kalk, ids.porz] } });
		const { id: unkept } = await saveOrganization(h.db, who.staffA, ids.k, org({ name: 'Ohne Anlaufstelle' }));
		await markVerified(h.db, who.staffA, 'organization', unkept, 'staffA');
	});

	it('refuses verifying, deleting, links and machine translation without directory:edit', async () => {
		const { id: orgId } = await saveOrganization(h.db, T, ids.k, org({ name: 'Kalk gesichert', instanceId: ids.kalk, email: 'a@example.org' }));
		const { id } = await saveService(h.db, T, ids.k, offer(orgId, { instanceId: ids.kalk }));
		expect(await markVerified(h.db, who.partner, 'service', id, 'partner').catch((e) => e)).toBeInstanceOf(AccessDeniedError);
		expect(await deleteEntry(h.db, who.staffB, 'service', id).catch((e) => e)).toBeInstanceOf(AccessDeniedError);
		expect(await deleteEntry(h.db, who.staffA, 'service', '00000000-0000-4000-8000-000000000000').catch((e) => e)).toBeInstanceOf(NotFoundError);
		expect(await markVerified(h.db, who.staffA, 'service', 'not-an-id', 'x').catch((e) => e)).toBeInstanceOf(NotFoundError);
		const opts = { linkFor: (t: string) => t, texts: MAIL_TEXTS };
		expect(await sendVerificationLink(h.db, who.partner, 'organization', orgId, opts).catch((e) => e)).toBeInstanceOf(AccessDeniedError);
		const long = await sendVerificationLink(h.db, who.staffA, 'organization', orgId, { ...opts, email: `${'a'.repeat(250)}@example.org` }).catch((e) => e);
		expect(long.issues).toEqual([{ field: 'email', code: 'too_long', params: { max: 254 } }]);
		// The provider would fail (nothing listens there): refusing first means it is never asked.
		const mt = await machineTranslateService(h.db, who.staffB, id, libreTranslate('http://127.0.0.1:9')).catch((e) => e);
		expect(mt).toBeInstanceOf(AccessDeniedError);
		expect(await getService(h.db, id, ['public'])).not.toBeNull();
		expect(await rows('verification_link')).toBeGreaterThan(0);
	});

	it('refuses the freshness period to staff and the stale list to partners', async () => {
		expect(await setFreshnessDays(h.db, who.staffA, ids.k, 30).catch((e) => e)).toBeInstanceOf(AccessDeniedError);
		expect(await setFreshnessDays(h.db, who.adminOther, ids.k, 30).catch((e) => e)).toBeInstanceOf(AccessDeniedError);
		expect(await getFreshnessDays(h.db, ids.k)).toBe(365);
		expect(await listStaleEntries(h.db, who.partner, ids.k, 365).catch((e) => e)).toBeInstanceOf(AccessDeniedError);
	});

	it('lets only reviewers with the right on the entry publish or reject; partners see their own proposals', async () => {
		const { id } = await saveOrganization(h.db, T, ids.k, org({ name: 'Vorschlag Kalk', instanceId: ids.kalk }));
		const input = organizationToInput((await getOrganization(h.db, id, ['public']))!);
		const proposalId = await propose(h.db, who.partner, ids.k, 'organization', id, { ...input, phone: '0221 5' });
		expect(await publishProposal(h.db, who.partner, proposalId).catch((e) => e)).toBeInstanceOf(AccessDeniedError);
		expect(await publishProposal(h.db, who.staffB, proposalId).catch((e) => e)).toBeInstanceOf(AccessDeniedError);
		expect(await rejectProposal(h.db, who.staffB, proposalId, 'nein').catch((e) => e)).toBeInstanceOf(AccessDeniedError);
		const tooLong = await rejectProposal(h.db, who.staffA, proposalId, 'x'.repeat(5001)).catch((e) => e);
		expect(tooLong.issues).toEqual([{ field: 'reviewNote', code: 'too_long', params: { max: 5000 } }]);
		expect((await getProposal(h.db, who.staffA, proposalId))?.status).toBe('open');
		const mine = await propose(h.db, who.staffB, ids.k, 'organization', null, org({ name: 'Von Porz' }));
		expect((await listProposals(h.db, who.partner, ids.k)).map((p) => p.id)).not.toContain(mine);
		expect((await listProposals(h.db, who.partner, ids.k)).map((p) => p.id)).toContain(proposalId);
		expect(await getProposal(h.db, who.partner, mine)).toBeNull();
		expect(await getProposal(h.db, who.adminOther, proposalId)).toBeNull();
		expect(await listProposals(h.db, who.volunteer, ids.k).catch((e) => e)).toBeInstanceOf(AccessDeniedError);
		await publishProposal(h.db, who.staffA, proposalId);
		expect((await getOrganization(h.db, id, ['public']))?.phone).toBe('0221 5');
	});

	it('shows an entry’s history (with names) only to people of the directory who may open the entry', async () => {
		expect(await entryHistory(h.db, who.volunteer, 'organization', w.ids.org).catch((e) => e)).toBeInstanceOf(AccessDeniedError);
		expect(await entryHistory(h.db, who.staffA, 'organization', w.ids.orgOther)).toBeNull();
		expect(await entryHistory(h.db, who.staffA, 'organization', 'not-an-id')).toBeNull();
		expect((await entryHistory(h.db, who.staffA, 'organization', w.ids.org))?.[0]).toMatchObject({ action: 'create', actorLabel: 't' });
	});

	it('refuses over-long fields by name and writes nothing', async () => {
		const orgs = await rows('organization');
		const long = org({
			name: 'Lang',
			email: `${'x'.repeat(250)}@example.org`,
			phone: '1'.repeat(101),
			website: `https://example.org/${'p'.repeat(2100)}`,
			alternateNames: Array.from({ length: 21 }, (_, i) => `Name ${i}`),
			locations: [{ ...offer(w.ids.org).locations[0], street: 's'.repeat(301) }]
		});
		const err = await saveOrganization(h.db, who.admin, ids.k, long).catch((e) => e);
		expect(err).toBeInstanceOf(ValidationError);
		expect(err.issues).toEqual(
			expect.arrayContaining([
				{ field: 'email', code: 'too_long', params: { max: 254 } },
				{ field: 'phone', code: 'too_long', params: { max: 100 } },
				{ field: 'website', code: 'too_long', params: { max: 2048 } },
				{ field: 'alternateNames', code: 'too_many', params: { max: 20 } },
				{ field: 'locations.0.street', code: 'too_long', params: { max: 300 } }
			])
		);
		const offerErr = await saveService(h.db, who.admin, ids.k, offer(w.ids.org, { contactName: 'c'.repeat(201), url: 'ftp://example.org' })).catch((e) => e);
		expect(offerErr.issues).toEqual(
			expect.arrayContaining([
				{ field: 'contactName', code: 'too_long', params: { max: 200 } },
				{ field: 'url', code: 'invalid_url' }
			])
		);
		expect(await rows('organization')).toBe(orgs);
	});

	it('runs imports as the principal they are given', async () => {
		const err = await importCsv(h.db, who.partner, { municipality: 'koeln', kind: 'actors', file: 'a.csv', text: 'name\nVom Partner' }).catch((e) => e);
		expect(err).toBeInstanceOf(AccessDeniedError);
		const s = await importCsv(h.db, who.staffA, { municipality: 'koeln', kind: 'actors', file: 'a.csv', text: 'name\nVon Kalk' });
		expect(s.created).toBe(1);
		const [created] = await listAudit(h.db, systemPrincipal('test'), { entityType: 'organization', limit: 1 });
		expect(created.actorUserId).toBe(who.staffA.userId);
	});
});
