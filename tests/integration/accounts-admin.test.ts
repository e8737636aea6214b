/**
 * Administration in the browser and account security (issue 12 §5, §6), below the pages:
 * invitations, role and instance changes, disabling, resetting and recovering the second factor,
 * changing one's own password, opening and retiring instances, boundary and statistics uploads
 * with their preview. The pages' wording (audit log labels, the invitation mail's language) is
 * checked through HTTP in tests/browser/admin-journey.test.ts.
 */
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal, type UserPrincipal } from '../../src/lib/server/access';
import { acceptInvitation, invitationFor, inviteUser, resendInvitation, type InvitationMail } from '../../src/lib/server/accounts/invitations';
import { changeOwnPassword } from '../../src/lib/server/accounts/password-change';
import { rateLimit, recoveryCode, userInvitation } from '../../src/lib/server/accounts/schema';
import { checkPassword, completeSecondFactor, createSession, resolveSession } from '../../src/lib/server/accounts/sessions';
import { beginTotpEnrolment, confirmTotp, currentTotp, disableTotp, renewRecoveryCodes, resetSecondFactor, totpCodeAt } from '../../src/lib/server/accounts/totp';
import { createUser, getUser, setUserDisabled, updateUserAccess } from '../../src/lib/server/accounts/users';
import { listAudit } from '../../src/lib/server/audit/service';
import { AccessDeniedError, ConflictError, NotFoundError, ValidationError } from '../../src/lib/server/core/errors';
import { readOutbox } from '../../src/lib/server/core/mail';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { listDistricts, createMunicipality } from '../../src/lib/server/geography/service';
import { confirmUpload, discardUpload, previewUpload } from '../../src/lib/server/geography/uploads';
import { openInstance, setInstanceRetired } from '../../src/lib/server/instances/lifecycle';
import { instanceLinks } from '../../src/lib/server/instances/pages/lists';
import { createInstance, type InstanceInput } from '../../src/lib/server/instances/service';
import { DB_KIND, freshDatabase } from '../helpers/db';
import { tempDir } from '../helpers/tmp';

process.env.DATA_DIR = tempDir('anl-accounts-admin-');
delete process.env.SMTP_URL;

let h: DatabaseHandle;
const ids: Record<string, string> = {};
const PASSWORD = 'correct horse battery';
const system = systemPrincipal('test');

const blank: InstanceInput = {
	name: 'X', hostOrganization: '', description: {}, street: '', postalCode: '', city: '', latitude: null, longitude: null,
	phone: '', email: '', website: '', openingHours: [], languages: [], socialSpaceIds: [], profile: {}
};

/** A mail whose link is easy to read back from the outbox. */
const mail: InvitationMail = { linkFor: (t) => `http://x/de/invitation/${t}`, subject: 'Einladung', body: (link) => `Link: ${link}` };

/** The invitation token of the newest mail to `email`. */
async function lastInvitationToken(email: string): Promise<string> {
	const mails = (await readOutbox()).filter((m) => m.raw.includes(`To: ${email}`));
	return /invitation\/([A-Za-z0-9_-]+)/.exec(mails.at(-1)!.raw)![1];
}

async function signIn(email: string, password = PASSWORD, ip = '10.0.0.1'): Promise<{ principal: UserPrincipal; token: string }> {
	const login = await checkPassword(h.db, email, password, ip);
	if (login.status !== 'ok') throw new Error(login.status);
	const { token } = await createSession(h.db, login.userId, true);
	const state = await resolveSession(h.db, token);
	if (state.status !== 'ok') throw new Error(state.status);
	return { principal: state.principal, token };
}

const principalOf = async (email: string) => (await signIn(email)).principal;

/** The issues of a rejected promise as `field:code`. */
async function issues(p: Promise<unknown>): Promise<string[]> {
	const e = await p.then(() => null, (x) => x);
	expect(e).toBeInstanceOf(ValidationError);
	return (e as ValidationError).issues.map((i) => `${i.field}:${i.code}`).sort();
}

const count = async (table: string) => Number(((await h.db.execute(`select count(*)::int as n from ${table}` as never)) as unknown as { rows: { n: number }[] }).rows[0].n);

beforeAll(async () => {
	h = await freshDatabase();
	ids.d = (await createMunicipality(h.db, system, { slug: 'd', name: 'Düsseldorf' })).id;
	ids.k = (await createMunicipality(h.db, system, { slug: 'k', name: 'Köln' })).id;
	ids.wp5 = (await createInstance(h.db, system, { ...blank, name: 'WP 5', municipalityId: ids.d, slug: 'wp5' })).id;
	ids.wp6 = (await createInstance(h.db, system, { ...blank, name: 'WP 6', municipalityId: ids.d, slug: 'wp6' })).id;
	for (const [email, role, municipalityId, instanceIds] of [
		['admin.d@example.org', 'municipality_admin', ids.d, []],
		['wp5@example.org', 'instance_staff', ids.d, [ids.wp5]],
		['admin.k@example.org', 'municipality_admin', ids.k, []]
	] as const) {
		await createUser(h.db, system, { email, displayName: email, role, municipalityId, instanceIds: [...instanceIds], password: PASSWORD });
	}
});
afterAll(() => h?.close());

describe(`administration and account security on ${DB_KIND}`, () => {
	it('invites a person by mail; the link sets their first password once, and the account cannot be signed in to before', async () => {
		const admin = await principalOf('admin.d@example.org');
		const { id } = await inviteUser(h.db, admin, { email: ' New.Person@Example.org ', displayName: 'Neue Person', role: 'instance_staff', municipalityId: ids.d, instanceIds: [ids.wp6], locale: 'ar' }, mail);
		const user = await getUser(h.db, admin, id);
		expect(user).toMatchObject({ email: 'new.person@example.org', invited: true, instanceIds: [ids.wp6], preferredLocale: 'ar' });
		expect((await checkPassword(h.db, 'new.person@example.org', PASSWORD, '10.1.0.1')).status).toBe('invalid');
		const token = await lastInvitationToken('new.person@example.org');
		expect(await invitationFor(h.db, token)).toEqual({ email: 'new.person@example.org', displayName: 'Neue Person' });
		expect(await issues(acceptInvitation(h.db, token, 'short'))).toEqual(['password:password_too_short']);
		// A refused password keeps the link working.
		expect(await invitationFor(h.db, token)).not.toBeNull();
		expect(await acceptInvitation(h.db, token, PASSWORD)).toBe(id);
		expect(await issues(acceptInvitation(h.db, token, PASSWORD))).toEqual(['token:invalid_token']);
		expect(await invitationFor(h.db, token)).toBeNull();
		expect((await getUser(h.db, admin, id)).invited).toBe(false);
		expect((await checkPassword(h.db, 'new.person@example.org', PASSWORD, '10.1.0.1')).status).toBe('ok');
		const audit = await listAudit(h.db, system, { entityType: 'user' });
		expect(audit.filter((a) => a.entityId === id).map((a) => a.action).sort()).toEqual(['accept_invitation', 'invite']);
		expect(JSON.stringify(audit)).not.toContain(token);
	});

	it('tells the administrator when the address already has an account, here or in another municipality, and writes nothing', async () => {
		const admin = await principalOf('admin.d@example.org');
		const before = await count('user_account');
		for (const email of ['WP5@example.org', 'admin.k@example.org']) {
			expect(await issues(inviteUser(h.db, admin, { email, displayName: 'X', role: 'volunteer', municipalityId: ids.d, locale: 'de' }, mail))).toEqual(['email:adm_email_has_account']);
		}
		expect(
			await issues(inviteUser(h.db, admin, { email: 'not an address', displayName: ' ', role: 'instance_staff', municipalityId: ids.d, instanceIds: [], locale: 'xx' }, mail))
		).toEqual(['displayName:required', 'email:invalid_email', 'instances:required', 'locale:unknown_value']);
		expect(await count('user_account')).toBe(before);
		expect(await count('user_invitation')).toBe(0);
		await expect(inviteUser(h.db, admin, { email: 'x@example.org', displayName: 'X', role: 'volunteer', municipalityId: ids.k, locale: 'de' }, mail)).rejects.toBeInstanceOf(AccessDeniedError);
	});

	it('refuses an expired invitation, and a resent one voids the earlier link', async () => {
		const admin = await principalOf('admin.d@example.org');
		const { id } = await inviteUser(h.db, admin, { email: 'late@example.org', displayName: 'Spät', role: 'volunteer', municipalityId: ids.d, locale: 'de' }, mail);
		const first = await lastInvitationToken('late@example.org');
		await resendInvitation(h.db, admin, id, mail);
		const second = await lastInvitationToken('late@example.org');
		expect(second).not.toBe(first);
		expect(await invitationFor(h.db, first)).toBeNull();
		await h.db.update(userInvitation).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(userInvitation.userId, id));
		expect(await issues(acceptInvitation(h.db, second, PASSWORD))).toEqual(['token:invalid_token']);
		await resendInvitation(h.db, admin, id, mail);
		await acceptInvitation(h.db, await lastInvitationToken('late@example.org'), PASSWORD);
		await expect(resendInvitation(h.db, admin, id, mail)).rejects.toBeInstanceOf(ConflictError);
	});

	it('changes role and instances with old → new in the log; administrators keep their own role; retired instances take no one new', async () => {
		const admin = await principalOf('admin.d@example.org');
		const staff = await getUser(h.db, admin, (await principalOf('wp5@example.org')).userId);
		await updateUserAccess(h.db, admin, staff.id, { role: 'instance_staff', instanceIds: [ids.wp5, ids.wp6] });
		expect((await getUser(h.db, admin, staff.id)).instanceIds.sort()).toEqual([ids.wp5, ids.wp6].sort());
		// The person's next request sees the change.
		expect((await principalOf('wp5@example.org')).instanceIds.sort()).toEqual([ids.wp5, ids.wp6].sort());
		await updateUserAccess(h.db, admin, staff.id, { role: 'volunteer', instanceIds: [ids.wp5] });
		expect(await getUser(h.db, admin, staff.id)).toMatchObject({ role: 'volunteer', instanceIds: [] });
		const [last] = await listAudit(h.db, system, { entityType: 'user', limit: 1 });
		expect(last.changes).toMatchObject({ role: ['instance_staff', 'volunteer'] });
		expect(await issues(updateUserAccess(h.db, admin, admin.userId, { role: 'volunteer', instanceIds: [] }))).toEqual(['role:adm_own_account']);
		expect(await issues(updateUserAccess(h.db, admin, staff.id, { role: 'instance_staff', instanceIds: [] }))).toEqual(['instances:required']);
		expect(await issues(updateUserAccess(h.db, admin, staff.id, { role: 'nobody' as never, instanceIds: [] }))).toEqual(['role:unknown_role']);
		const retired = await openInstance(h.db, admin, { municipalityId: ids.d, name: 'Alte Stelle', slug: '', hostOrganization: '', city: '' });
		await setInstanceRetired(h.db, admin, retired.id, true);
		expect(await issues(updateUserAccess(h.db, admin, staff.id, { role: 'instance_staff', instanceIds: [retired.id] }))).toEqual(['instances:adm_retired_instance']);
		await updateUserAccess(h.db, admin, staff.id, { role: 'instance_staff', instanceIds: [ids.wp5] });
		const kAdmin = await principalOf('admin.k@example.org');
		await expect(updateUserAccess(h.db, kAdmin, staff.id, { role: 'volunteer', instanceIds: [] })).rejects.toBeInstanceOf(AccessDeniedError);
		await expect(getUser(h.db, admin, 'not-a-uuid')).rejects.toBeInstanceOf(NotFoundError);
	});

	it('disables an account: its sessions end and it cannot sign in until enabled; nobody disables themselves', async () => {
		const admin = await principalOf('admin.d@example.org');
		const { principal: staff, token } = await signIn('wp5@example.org');
		await setUserDisabled(h.db, admin, staff.userId, true);
		expect((await resolveSession(h.db, token)).status).not.toBe('ok');
		expect((await checkPassword(h.db, 'wp5@example.org', PASSWORD, '10.2.0.1')).status).toBe('invalid');
		expect(await issues(setUserDisabled(h.db, admin, admin.userId, true))).toEqual(['disabled:adm_own_account']);
		await setUserDisabled(h.db, admin, staff.userId, false);
		expect((await checkPassword(h.db, 'wp5@example.org', PASSWORD, '10.2.0.1')).status).toBe('ok');
		const actions = (await listAudit(h.db, system, { entityType: 'user' })).filter((a) => a.entityId === staff.userId).map((a) => a.action);
		expect(actions).toEqual(expect.arrayContaining(['disable', 'enable']));
	});

	it('issues ten recovery codes at enrolment; each signs in once at the second-factor step, typed loosely', async () => {
		const me = await principalOf('wp5@example.org');
		const { secret } = await beginTotpEnrolment(h.db, me);
		const codes = (await confirmTotp(h.db, me, currentTotp(secret)))!;
		expect(codes).toHaveLength(10);
		expect(new Set(codes).size).toBe(10);
		for (const c of codes) expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
		const stored = await h.db.select().from(recoveryCode).where(eq(recoveryCode.userId, me.userId));
		expect(stored).toHaveLength(10);
		expect(JSON.stringify(stored)).not.toContain(codes[0].replaceAll('-', ''));
		const login = await checkPassword(h.db, 'wp5@example.org', PASSWORD, '10.3.0.1');
		expect(login).toMatchObject({ needsSecondFactor: true });
		const pending = async () => (await createSession(h.db, me.userId, false)).token;
		const first = await pending();
		expect(await completeSecondFactor(h.db, first, ` ${codes[0].toLowerCase().replaceAll('-', ' ')} `, '10.3.0.1')).toBe(true);
		expect((await resolveSession(h.db, first)).status).toBe('ok');
		const second = await pending();
		expect(await completeSecondFactor(h.db, second, codes[0], '10.3.0.1')).toBe(false);
		expect(await completeSecondFactor(h.db, second, 'ZZZZ-ZZZZ-ZZZZ-ZZZZ', '10.3.0.1')).toBe(false);
		expect(await completeSecondFactor(h.db, second, codes[1], '10.3.0.1')).toBe(true);
		const used = await h.db.select().from(recoveryCode).where(and(eq(recoveryCode.userId, me.userId)));
		expect(used.filter((r) => r.usedAt)).toHaveLength(2);
	});

	it('renews the recovery codes only with the current password (a wrong one is counted); the old ones stop working', async () => {
		const me = await principalOf('wp5@example.org');
		const wrongBefore = await count('rate_limit');
		expect(await issues(renewRecoveryCodes(h.db, me, { password: 'wrong password!', ip: '10.4.0.1' }))).toEqual(['password:invalid_password']);
		expect(await count('rate_limit')).toBeGreaterThan(wrongBefore);
		const [oldRow] = await h.db.select().from(recoveryCode).where(eq(recoveryCode.userId, me.userId));
		const fresh = await renewRecoveryCodes(h.db, me, { password: PASSWORD, ip: '10.4.0.1' });
		expect(fresh).toHaveLength(10);
		const rows = await h.db.select().from(recoveryCode).where(eq(recoveryCode.userId, me.userId));
		expect(rows.map((r) => r.codeHash)).not.toContain(oldRow.codeHash);
		expect(rows.every((r) => !r.usedAt)).toBe(true);
		// Switching the factor off with a recovery code forgets the codes.
		await disableTotp(h.db, me, { password: PASSWORD, code: fresh[3], ip: '10.4.0.1' });
		expect(await h.db.select().from(recoveryCode).where(eq(recoveryCode.userId, me.userId))).toHaveLength(0);
	});

	it("resets a person's lost second factor: next sign-in asks only the password; not one's own, not another municipality's", async () => {
		const admin = await principalOf('admin.d@example.org');
		const me = await principalOf('wp5@example.org');
		const { secret } = await beginTotpEnrolment(h.db, me);
		await confirmTotp(h.db, me, totpCodeAt(secret, Date.now()));
		const { token } = await createSession(h.db, me.userId, false);
		expect(await issues(resetSecondFactor(h.db, admin, admin.userId))).toEqual(['totp:adm_own_account']);
		await expect(resetSecondFactor(h.db, await principalOf('admin.k@example.org'), me.userId)).rejects.toBeInstanceOf(AccessDeniedError);
		await resetSecondFactor(h.db, admin, me.userId);
		expect((await resolveSession(h.db, token)).status).toBe('none');
		expect(await checkPassword(h.db, 'wp5@example.org', PASSWORD, '10.5.0.1')).toMatchObject({ status: 'ok', needsSecondFactor: false });
		expect(await h.db.select().from(recoveryCode).where(eq(recoveryCode.userId, me.userId))).toHaveLength(0);
		expect(await issues(resetSecondFactor(h.db, admin, me.userId))).toEqual(['totp:adm_totp_inactive']);
	});

	it('changes one’s own password: the current one is required, a wrong one is counted by the sign-in limiter until it blocks', async () => {
		const { principal: me, token: keep } = await signIn('admin.k@example.org');
		const { token: other } = await signIn('admin.k@example.org', PASSWORD, '10.6.0.9');
		const change = (current: string, next: string, ip = '10.6.0.1') => changeOwnPassword(h.db, me, { current, next, ip, sessionToken: keep });
		expect(await issues(change('wrong password!', 'a new long passphrase'))).toEqual(['current:invalid_password']);
		const [counted] = await h.db.select().from(rateLimit).where(eq(rateLimit.key, createHash('sha256').update('login:admin.k@example.org').digest('hex')));
		expect(counted.count).toBe(1);
		expect(await issues(change(PASSWORD, 'short'))).toEqual(['next:password_too_short']);
		expect(await issues(change(PASSWORD, PASSWORD))).toEqual(['next:adm_password_unchanged']);
		await change(PASSWORD, 'a new long passphrase');
		expect((await resolveSession(h.db, keep)).status).toBe('ok');
		expect((await resolveSession(h.db, other)).status).toBe('none');
		expect((await checkPassword(h.db, 'admin.k@example.org', PASSWORD, '10.6.0.2')).status).toBe('invalid');
		expect((await checkPassword(h.db, 'admin.k@example.org', 'a new long passphrase', '10.6.0.2')).status).toBe('ok');
		const audit = await listAudit(h.db, system, { entityType: 'user' });
		expect(JSON.stringify(audit)).not.toContain('a new long passphrase');
		// Ten wrong current passwords block the account's sign-in, as ten failed sign-ins do.
		for (let i = 0; i < 10; i++) await change(`wrong ${i} password`, 'another long passphrase', `10.6.1.${i}`).catch(() => undefined);
		expect(await issues(change('a new long passphrase', 'another long passphrase'))).toEqual(['current:rate_limited']);
		expect((await checkPassword(h.db, 'admin.k@example.org', 'a new long passphrase', '10.6.2.1')).status).toBe('rate_limited');
	});

	it('opens and retires instances: a retired one leaves the public lists, and only administrators do either', async () => {
		const admin = await principalOf('admin.d@example.org');
		const staff = await principalOf('wp5@example.org');
		const opened = await openInstance(h.db, admin, { municipalityId: ids.d, name: 'Welcome Point 7', slug: '', hostOrganization: 'Diakonie', city: 'Düsseldorf' });
		expect(opened.slug).toBe('welcome-point-7');
		expect(await issues(openInstance(h.db, admin, { municipalityId: ids.d, name: 'Welcome Point 7', slug: '', hostOrganization: '', city: '' }))).toEqual(['slug:taken']);
		expect((await instanceLinks(h.db, { municipalityId: ids.d })).map((i) => i.slug)).toContain('welcome-point-7');
		await expect(setInstanceRetired(h.db, staff, ids.wp5, true)).rejects.toBeInstanceOf(AccessDeniedError);
		await expect(openInstance(h.db, staff, { municipalityId: ids.d, name: 'X', slug: '', hostOrganization: '', city: '' })).rejects.toBeInstanceOf(AccessDeniedError);
		await setInstanceRetired(h.db, admin, opened.id, true);
		expect((await instanceLinks(h.db, { municipalityId: ids.d })).map((i) => i.slug)).not.toContain('welcome-point-7');
		await expect(setInstanceRetired(h.db, admin, opened.id, true)).rejects.toBeInstanceOf(ConflictError);
		await setInstanceRetired(h.db, admin, opened.id, false);
		expect((await instanceLinks(h.db, { municipalityId: ids.d })).map((i) => i.slug)).toContain('welcome-point-7');
		const actions = (await listAudit(h.db, system, { entityType: 'instance' })).filter((a) => a.entityId === opened.id).map((a) => a.action);
		expect(actions).toEqual(expect.arrayContaining(['create', 'retire', 'reactivate']));
	});

	const square = (x: number, name: string, code: string) => ({
		type: 'Feature',
		properties: { name, code },
		geometry: { type: 'Polygon', coordinates: [[[x, 51], [x + 0.1, 51], [x + 0.1, 51.1], [x, 51.1], [x, 51]]] }
	});
	const collection = (...features: unknown[]) => new TextEncoder().encode(JSON.stringify({ type: 'FeatureCollection', features }));
	const boundaries = (bytes: Uint8Array) => ({ kind: 'boundaries' as const, fileName: 'bezirke.geojson', bytes, options: { level: 'district', nameProperty: 'name', codeProperty: 'code' } });

	it('previews a boundary upload without writing, then imports exactly the previewed file on confirmation', async () => {
		const admin = await principalOf('admin.d@example.org');
		const preview = await previewUpload(h.db, admin, ids.d, boundaries(collection(square(6.7, 'Stadtbezirk 1', '1'), square(6.8, 'Stadtbezirk 2', '2'))));
		expect(preview).toMatchObject({ status: 'preview', summary: { created: 2, updated: 0 } });
		expect(await listDistricts(h.db, ids.d)).toHaveLength(0);
		if (preview.status !== 'preview') throw new Error('no preview');
		expect(preview.summary.changes.map((c) => [c.name, c.action])).toEqual([['Stadtbezirk 1', 'create'], ['Stadtbezirk 2', 'create']]);
		await expect(confirmUpload(h.db, await principalOf('wp5@example.org'), preview.uploadId)).rejects.toBeInstanceOf(AccessDeniedError);
		const done = await confirmUpload(h.db, admin, preview.uploadId);
		expect(done).toMatchObject({ status: 'imported', summary: { created: 2 } });
		expect((await listDistricts(h.db, ids.d)).map((d) => d.name).sort()).toEqual(['Stadtbezirk 1', 'Stadtbezirk 2']);
		await expect(confirmUpload(h.db, admin, preview.uploadId)).rejects.toBeInstanceOf(NotFoundError);
		// A second preview of a renamed district says what would change, old → new.
		const again = await previewUpload(h.db, admin, ids.d, boundaries(collection(square(6.7, 'Stadtbezirk 1', '1'), square(6.8, 'Bezirk Zwei', '2'))));
		if (again.status !== 'preview') throw new Error('no preview');
		expect(again.summary).toMatchObject({ created: 0, updated: 1 });
		expect(again.summary.changes[0].changes.name).toEqual(['Stadtbezirk 2', 'Bezirk Zwei']);
		await discardUpload(h.db, admin, again.uploadId);
		expect(await count('import_upload')).toBe(0);
	});

	it('lists every problem of a broken upload by feature or line, field and reason, and changes nothing', async () => {
		const admin = await principalOf('admin.d@example.org');
		const before = await Promise.all(['district', 'statistic', 'import_upload', 'audit_log'].map(count));
		const open = square(6.9, 'Offen', '3');
		(open.geometry.coordinates[0] as number[][]).pop();
		const broken = await previewUpload(h.db, admin, ids.d, boundaries(collection(square(7, '', '4'), open, { type: 'Nope' }, square(7.1, 'Stadtbezirk 1', '1'))));
		expect(broken.status).toBe('rejected');
		if (broken.status !== 'rejected') throw new Error('accepted');
		expect(broken.problems.map((p) => `${p.feature}:${p.field ?? ''}:${p.code}`)).toEqual(['0:name:name_missing', '1:geometry:ring_not_closed', '2::not_feature']);
		expect(await previewUpload(h.db, admin, ids.d, boundaries(new TextEncoder().encode('{ nope')))).toMatchObject({ status: 'rejected', problems: [{ code: 'not_json' }] });
		const csv = 'bezirk;einwohner\nStadtbezirk 1;1000\nAtlantis;20\nStadtbezirk 2;viele\n'.replaceAll(';', ',');
		const stats = await previewUpload(h.db, admin, ids.d, {
			kind: 'statistics',
			fileName: 'einwohner.csv',
			bytes: new TextEncoder().encode(csv),
			options: { level: 'district', match: 'name', keyColumn: 'bezirk', valueColumn: 'einwohner', metric: 'population', unit: 'persons', asOf: '2024-12-31', source: 'Amt für Statistik' }
		});
		if (stats.status !== 'rejected') throw new Error('accepted');
		expect(stats.problems.map((p) => `${p.line}:${p.code}`)).toEqual(['3:unknown_area', '4:not_a_number']);
		expect(
			await issues(previewUpload(h.db, admin, ids.d, { kind: 'statistics', fileName: 'x.csv', bytes: new Uint8Array([0xff, 0xfe, 0x00]), options: { level: 'town' } }))
		).toEqual(expect.arrayContaining(['file:adm_not_utf8', 'level:unknown_value', 'metric:required', 'valueColumn:required']));
		expect(await Promise.all(['district', 'statistic', 'import_upload', 'audit_log'].map(count))).toEqual(before);
	});
});
