import { mkdtempSync } from 'node:fs';
import { systemPrincipal } from '../../src/lib/server/access';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can, type Permission } from '../../src/lib/server/access';
import { createUser } from '../../src/lib/server/accounts/users';
import { type UserPrincipal } from '../../src/lib/server/access';
import { listAudit } from '../../src/lib/server/audit/service';
import { readConfig } from '../../src/lib/server/core/config';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { getFreshnessDays, listStaleEntries, setFreshnessDays } from '../../src/lib/server/directory/freshness';
import { getProposal, listProposals, proposalDiff, propose, publishProposal, rejectProposal } from '../../src/lib/server/directory/proposals';
import { getOrganization, getService, markVerified, organizationToInput, saveOrganization, saveService, serviceToInput } from '../../src/lib/server/directory/service';
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
import { NotFoundError, ValidationError } from '../../src/lib/server/core/errors';
import { createMunicipality } from '../../src/lib/server/geography/service';
import { createInstance, type InstanceInput } from '../../src/lib/server/instances/service';
import { readOutbox } from '../../src/lib/server/core/mail';
import { DB_KIND, countRows, freshDatabase } from '../helpers/db';
import { offer, org } from '../helpers/directory';
import { importKoelnAreas } from '../helpers/files';

process.env.DATA_DIR = mkdtempSync(path.join(os.tmpdir(), 'anl-dirstaff-'));
delete process.env.SMTP_URL;

let h: DatabaseHandle;
const ids: Record<string, string> = {};

const blank: InstanceInput = {
	name: 'X', hostOrganization: '', description: {}, street: '', postalCode: '', city: '', latitude: null, longitude: null,
	phone: '', email: '', website: '', openingHours: [], languages: [], socialSpaceIds: [], profile: {}
};

function principal(role: UserPrincipal['role'], municipalityId: string, instanceIds: string[] = []): UserPrincipal {
	return { kind: 'user', userId: 'u', email: 'x@example.org', displayName: 'X', role, municipalityId, municipalitySlug: 'x', instanceIds, totpEnabled: false };
}

/** The body of an .eml as written (quoted-printable soft breaks and escapes undone). */
function quotedPrintable(raw: string): string {
	return Buffer.from(raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
}

const MAIL_TEXTS = { subject: 'Bitte prüfen', body: (link: string, name: string) => `Eintrag ${name}: ${link}` };

beforeAll(async () => {
	h = await freshDatabase();
	ids.k = (await createMunicipality(h.db, systemPrincipal('t'), { slug: 'koeln', name: 'Köln' })).id;
	ids.d = (await createMunicipality(h.db, systemPrincipal('t'), { slug: 'duesseldorf', name: 'Düsseldorf' })).id;
	await importKoelnAreas(h.db);
	ids.kalk = (await createInstance(h.db, systemPrincipal('t'), { ...blank, name: 'WP Kalk', municipalityId: ids.k, slug: 'kalk' })).id;
	ids.porz = (await createInstance(h.db, systemPrincipal('t'), { ...blank, name: 'WP Porz', municipalityId: ids.k, slug: 'porz' })).id;
	for (const [key, role, instanceIds] of [
		['partner', 'partner_editor', []],
		['staff', 'instance_staff', [ids.kalk]]
	] as const) {
		const u = await createUser(h.db, systemPrincipal('test'), { email: `${key}@example.org`, displayName: `Name ${key}`, role, municipalityId: ids.k, instanceIds: [...instanceIds], password: 'long enough password' });
		ids[key] = u.id;
	}
});
afterAll(() => h?.close());

describe('directory permissions', () => {
	const k = () => ({ municipalityId: ids.k });
	const cases: [string, () => UserPrincipal, Permission, () => { municipalityId: string; instanceId?: string | null }, boolean][] = [
		['admin edits any entry of the municipality', () => principal('municipality_admin', ids.k), 'directory:edit', () => ({ ...k(), instanceId: ids.porz }), true],
		['admin of another municipality is refused', () => principal('municipality_admin', ids.d), 'directory:edit', () => ({ ...k(), instanceId: null }), false],
		['instance staff edit their instance’s entries', () => principal('instance_staff', ids.k, [ids.kalk]), 'directory:edit', () => ({ ...k(), instanceId: ids.kalk }), true],
		['instance staff edit entries of no instance', () => principal('instance_staff', ids.k, [ids.kalk]), 'directory:edit', () => ({ ...k(), instanceId: null }), true],
		['instance staff may not edit another instance’s entries', () => principal('instance_staff', ids.k, [ids.kalk]), 'directory:edit', () => ({ ...k(), instanceId: ids.porz }), false],
		['instance staff of another municipality are refused', () => principal('instance_staff', ids.d, [ids.kalk]), 'directory:edit', () => ({ ...k(), instanceId: null }), false],
		['partner editors cannot edit directly', () => principal('partner_editor', ids.k), 'directory:edit', () => ({ ...k(), instanceId: null }), false],
		['volunteers cannot edit', () => principal('volunteer', ids.k), 'directory:edit', () => ({ ...k(), instanceId: null }), false],
		['partner editors propose', () => principal('partner_editor', ids.k), 'directory:propose', k, true],
		['instance staff propose too', () => principal('instance_staff', ids.k, [ids.kalk]), 'directory:propose', k, true],
		['admins propose too', () => principal('municipality_admin', ids.k), 'directory:propose', k, true],
		['partner editors of another municipality cannot propose here', () => principal('partner_editor', ids.d), 'directory:propose', k, false],
		['volunteers cannot propose', () => principal('volunteer', ids.k), 'directory:propose', k, false],
		['admins review', () => principal('municipality_admin', ids.k), 'directory:review', k, true],
		['instance staff review', () => principal('instance_staff', ids.k, [ids.kalk]), 'directory:review', k, true],
		['partner editors do not review', () => principal('partner_editor', ids.k), 'directory:review', k, false],
		['admins of another municipality do not review here', () => principal('municipality_admin', ids.d), 'directory:review', k, false]
	];
	it.each(cases)('%s', (_name, who, permission, scope, expected) => {
		expect(can(who(), permission, scope())).toBe(expected);
	});
	it('refuses without a principal', () => {
		expect(can(null, 'directory:propose', { municipalityId: ids.k })).toBe(false);
	});
});

describe(`change proposals (${DB_KIND})`, () => {
	it('records only the changed fields, shows a diff against the entry and publishes as the reviewer', async () => {
		const { id: orgId } = await saveOrganization(h.db, ids.k, org({ name: 'Diakonie Kalk' }), { label: 't' });
		const { id } = await saveService(h.db, ids.k, offer(orgId), { label: 't' });
		const input = serviceToInput((await getService(h.db, id, ['public']))!);
		input.description = withVersion(input.description, 'de', 'Kostenloser Sprachkurs am Nachmittag');
		input.phone = '0221 123';
		const proposalId = await propose(h.db, ids.k, 'service', id, input, ids.partner);
		const p = (await getProposal(h.db, proposalId))!;
		expect(Object.keys(p.payload).sort()).toEqual(['description', 'phone']);
		expect(p.proposerName).toBe('Name partner');
		// Staff change another field meanwhile: publishing must not undo it.
		const meanwhile = serviceToInput((await getService(h.db, id, ['public']))!);
		await saveService(h.db, ids.k, { ...meanwhile, contactName: 'Frau Yilmaz' }, { label: 't' }, { id });
		expect(await proposalDiff(h.db, p)).toEqual([
			{ field: 'description.de', before: 'Kostenloser Sprachkurs am Vormittag', after: 'Kostenloser Sprachkurs am Nachmittag' },
			{ field: 'phone', before: '', after: '0221 123' }
		]);
		expect((await listProposals(h.db, ids.k)).map((x) => x.id)).toContain(proposalId);

		await publishProposal(h.db, proposalId, ids.staff);
		const after = (await getService(h.db, id, ['public']))!;
		expect(after.description.de.text).toBe('Kostenloser Sprachkurs am Nachmittag');
		expect(after.phone).toBe('0221 123');
		expect(after.contactName).toBe('Frau Yilmaz');
		const [change] = await listAudit(h.db, { entityType: 'service', entityId: id, limit: 1 });
		expect(change.actorUserId).toBe(ids.staff);
		expect(change.actorLabel).toBe(`proposal:${proposalId}`);
		expect(Object.keys(change.changes).sort()).toEqual(['description', 'phone']);
		const [published] = await listAudit(h.db, { entityType: 'change_proposal', entityId: proposalId, limit: 1 });
		expect(published.changes.proposedBy).toEqual([null, ids.partner]);
		expect((await getProposal(h.db, proposalId))!.status).toBe('published');
		const again = await publishProposal(h.db, proposalId, ids.staff).catch((e) => e);
		expect(again).toBeInstanceOf(ValidationError);
		expect(again.issues).toEqual([{ field: 'proposal', code: 'already_reviewed' }]);
	});

	it('creates a proposed new actor only when published', async () => {
		const before = await countRows(h, 'organization');
		const proposalId = await propose(h.db, ids.k, 'organization', null, org({ name: 'Nachbarschaftscafé Vingst', visibility: 'network' }), ids.partner);
		expect(await countRows(h, 'organization')).toBe(before);
		const diff = await proposalDiff(h.db, (await getProposal(h.db, proposalId))!);
		expect(diff).toContainEqual({ field: 'name', before: '', after: 'Nachbarschaftscafé Vingst' });
		const id = await publishProposal(h.db, proposalId, ids.staff);
		expect((await getOrganization(h.db, id, ['public', 'network']))?.name).toBe('Nachbarschaftscafé Vingst');
	});

	it('refuses proposals with bad fields, outside coordinates or no change, and writes nothing', async () => {
		const { id: orgId } = await saveOrganization(h.db, ids.k, org({ name: 'Proposal checks' }), { label: 't' });
		const bad = offer(orgId, { email: 'nope' });
		bad.locations[0].latitude = 48.137;
		bad.locations[0].longitude = 11.575;
		const before = await countRows(h, 'change_proposal');
		const err = await propose(h.db, ids.k, 'service', null, bad, ids.partner).catch((e) => e);
		expect(err).toBeInstanceOf(ValidationError);
		expect(err.issues).toEqual(
			expect.arrayContaining([
				{ field: 'email', code: 'invalid_email' },
				{ field: 'locations.0.coordinates', code: 'outside_municipality' }
			])
		);
		const { id } = await saveService(h.db, ids.k, offer(orgId), { label: 't' });
		const same = serviceToInput((await getService(h.db, id, ['public']))!);
		const none = await propose(h.db, ids.k, 'service', id, same, ids.partner).catch((e) => e);
		expect(none.issues).toEqual([{ field: 'proposal', code: 'no_changes' }]);
		const foreign = await propose(h.db, ids.d, 'service', id, { ...same, phone: '1' }, ids.partner).catch((e) => e);
		expect(foreign).toBeInstanceOf(NotFoundError);
		expect(await countRows(h, 'change_proposal')).toBe(before);
	});

	it('rejects with a note and leaves the entry unchanged', async () => {
		const { id } = await saveOrganization(h.db, ids.k, org({ name: 'Rejected change' }), { label: 't' });
		const input = organizationToInput((await getOrganization(h.db, id, ['public']))!);
		const proposalId = await propose(h.db, ids.k, 'organization', id, { ...input, website: 'https://example.org' }, ids.partner);
		const noNote = await rejectProposal(h.db, proposalId, ids.staff, ' ').catch((e) => e);
		expect(noNote.issues).toEqual([{ field: 'reviewNote', code: 'required' }]);
		await rejectProposal(h.db, proposalId, ids.staff, 'Webseite ist nicht die des Vereins');
		const p = (await getProposal(h.db, proposalId))!;
		expect(p.status).toBe('rejected');
		expect(p.reviewNote).toBe('Webseite ist nicht die des Vereins');
		expect(p.reviewerName).toBe('Name staff');
		expect((await getOrganization(h.db, id, ['public']))?.website).toBe('');
		expect(await listProposals(h.db, ids.k, { status: 'rejected', proposedBy: ids.partner })).toHaveLength(1);
	});
});

describe(`provider confirmation links (${DB_KIND})`, () => {
	async function linkFor(kind: 'service' | 'organization', id: string, now: Date, email?: string): Promise<string> {
		let token = '';
		await sendVerificationLink(h.db, kind, id, {
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
		const { id } = await saveOrganization(h.db, ids.k, org({ name: 'Moschee Kalk', email: 'info@moschee.example' }), { label: 't' });
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
		const { id } = await saveOrganization(h.db, ids.k, org({ name: 'Sportverein Kalk' }), { label: 't' });
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
		const { id: orgId } = await saveOrganization(h.db, ids.k, org({ name: 'Bürgerverein Kalk' }), { label: 't' });
		const base = offer(orgId, { email: 'kurs@buergerverein.example' });
		base.description = withVersion(base.description, 'en', 'Free language course in the morning');
		const { id } = await saveService(h.db, ids.k, base, { label: 't' });
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
		const history = await listAudit(h.db, { entityType: 'service', entityId: id });
		const change = history.find((a) => a.actorLabel === 'provider-link' && a.changes.description)!;
		expect(change.changes.phone).toEqual(['', '0221 999']);
		expect(change.changes.status).toEqual(['active', 'temporarily closed']);
		expect(history.some((a) => a.actorLabel === 'provider-link' && a.changes.schedules)).toBe(true);
		expect((await resolveLink(h.db, token, now)).status).toBe('used');
	});

	it('refuses to send without an address or to a bad one, and for unknown entries', async () => {
		const { id } = await saveOrganization(h.db, ids.k, org({ name: 'Ohne Adresse' }), { label: 't' });
		const opts = { linkFor: (t: string) => t, texts: MAIL_TEXTS };
		expect((await sendVerificationLink(h.db, 'organization', id, opts).catch((e) => e)).issues).toEqual([{ field: 'email', code: 'required' }]);
		expect((await sendVerificationLink(h.db, 'organization', id, { ...opts, email: 'kaputt' }).catch((e) => e)).issues).toEqual([{ field: 'email', code: 'invalid_email' }]);
		expect((await sendVerificationLink(h.db, 'service', id, opts).catch((e) => e)).issues).toEqual([{ field: 'id', code: 'not_found' }]);
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
		const { id: orgId } = await saveOrganization(h.db, ids.k, org({ name: 'MT' }), { label: 't' });
		const input = offer(orgId);
		input.name = withVersion(input.name, 'en', 'German for beginners');
		const { id } = await saveService(h.db, ids.k, input, { label: 't' });
		const provider = configuredProvider(readConfig({ MT_PROVIDER: 'libretranslate', MT_URL: url }))!;
		const filled = await machineTranslateService(h.db, id, provider, { userId: ids.staff });
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
		const [audit] = await listAudit(h.db, { entityType: 'service', entityId: id, limit: 1 });
		expect(audit.actorLabel).toBe('mt:libretranslate');

		// The original changes: machine versions turn outdated and are refreshed on the next run.
		const changed = serviceToInput(s);
		changed.name = withVersion(changed.name, 'de', 'Deutschkurs für Einsteiger');
		await saveService(h.db, ids.k, changed, { label: 't' }, { id });
		expect(effectiveStatus((await getService(h.db, id, ['public']))!.name, 'ar')).toBe('outdated');
		const refreshed = await machineTranslateService(h.db, id, provider, { userId: ids.staff });
		expect(refreshed.name.sort()).toEqual(['ar', 'fa', 'ru', 'tr', 'uk']);
		const after = (await getService(h.db, id, ['public']))!;
		expect(after.name.ar.text).toBe('[ar] Deutschkurs für Einsteiger');
		expect(effectiveStatus(after.name, 'en')).toBe('outdated');
		expect(await machineTranslateService(h.db, id, provider, { userId: ids.staff })).toEqual({});
	});

	it('saves nothing when the provider fails', async () => {
		const { id: orgId } = await saveOrganization(h.db, ids.k, org({ name: 'MT fail' }), { label: 't' });
		const { id } = await saveService(h.db, ids.k, offer(orgId), { label: 't' });
		failNext = true;
		const err = await machineTranslateService(h.db, id, libreTranslate(url), { userId: ids.staff }).catch((e) => e);
		failNext = false;
		expect(String(err)).toContain('HTTP 503');
		expect(Object.keys((await getService(h.db, id, ['public']))!.name)).toEqual(['de']);
	});
});

describe(`freshness (${DB_KIND})`, () => {
	it('lists entries not verified within the municipality’s period, with instance and districts', async () => {
		expect(await getFreshnessDays(h.db, ids.d)).toBe(365);
		const { id: orgId } = await saveOrganization(h.db, ids.d, org({ name: 'Frisch', instanceId: null }), { label: 't' });
		const { id: stale } = await saveOrganization(h.db, ids.d, org({ name: 'Alt' }), { label: 't' });
		await markVerified(h.db, 'organization', orgId, 'Staff', { label: 't' });
		const now = new Date();
		const list = await listStaleEntries(h.db, ids.d, 365, now);
		expect(list.map((e) => e.id)).toEqual([stale]);
		const later = new Date(now.getTime() + 40 * 86_400_000);
		expect((await listStaleEntries(h.db, ids.d, 30, later)).map((e) => e.id).sort()).toEqual([orgId, stale].sort());

		const { id: kOrg } = await saveOrganization(h.db, ids.k, org({ name: 'Kalk district', instanceId: ids.kalk }), { label: 't' });
		const { id: kOffer } = await saveService(h.db, ids.k, offer(kOrg, { instanceId: ids.kalk }), { label: 't' });
		const entry = (await listStaleEntries(h.db, ids.k, 365, now)).find((e) => e.id === kOffer)!;
		expect(entry.instanceId).toBe(ids.kalk);
		expect(entry.districtIds).toHaveLength(1);
	});

	it('lets the period be set within 1–3650 days, audited', async () => {
		await setFreshnessDays(h.db, ids.d, 180, { userId: ids.staff });
		expect(await getFreshnessDays(h.db, ids.d)).toBe(180);
		const err = await setFreshnessDays(h.db, ids.d, 0, {}).catch((e) => e);
		expect(err.issues).toEqual([{ field: 'freshnessDays', code: 'out_of_range', params: { min: 1, max: 3650 } }]);
		const [a] = await listAudit(h.db, { entityType: 'directory_setting', limit: 1 });
		expect(a.changes.freshnessDays).toEqual([365, 180]);
	});
});
