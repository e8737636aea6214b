import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { authorize, can, systemPrincipal, type UserPrincipal } from '../../src/lib/server/access';
import { isCommonPassword, passwordProblem } from '../../src/lib/server/accounts/passwords';
import { rateLimit, session, userAccount } from '../../src/lib/server/accounts/schema';
import { beginTotpEnrolment, confirmTotp, currentTotp, disableTotp, totpCodeAt } from '../../src/lib/server/accounts/totp';
import { checkPassword, completeSecondFactor, createSession, resolveSession, sha256 } from '../../src/lib/server/accounts/sessions';
import { createUser } from '../../src/lib/server/accounts/users';
import { isResetTokenValid, requestPasswordReset, resetPassword } from '../../src/lib/server/accounts/reset';
import { listAudit } from '../../src/lib/server/audit/service';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { AccessDeniedError, ValidationError } from '../../src/lib/server/core/errors';
import { createMunicipality } from '../../src/lib/server/geography/service';
import { createInstance, type InstanceInput } from '../../src/lib/server/instances/service';
import { readOutbox } from '../../src/lib/server/core/mail';
import { DB_KIND, freshDatabase } from '../helpers/db';
import { tempDir } from '../helpers/tmp';

process.env.DATA_DIR = tempDir('anl-accounts-');
delete process.env.SMTP_URL;

let h: DatabaseHandle;
const ids: Record<string, string> = {};
const PASSWORD = 'correct horse battery';

const blank: InstanceInput = {
	name: 'X', hostOrganization: '', description: {}, street: '', postalCode: '', city: '', latitude: null, longitude: null,
	phone: '', email: '', website: '', openingHours: [], languages: [], socialSpaceIds: [], profile: {}
};

/** A TOTP code `offsetMs` from now, with the instant to check it at (a later 30-second step). */
function totpAt(secret: string, offsetMs: number): { code: string; now: number } {
	const now = Date.now() + offsetMs;
	return { code: totpCodeAt(secret, now), now };
}

async function principalOf(email: string): Promise<UserPrincipal> {
	const login = await checkPassword(h.db, email, PASSWORD, '10.0.0.1');
	if (login.status !== 'ok') throw new Error(login.status);
	const { token } = await createSession(h.db, login.userId, true);
	const state = await resolveSession(h.db, token);
	if (state.status !== 'ok') throw new Error(state.status);
	return state.principal;
}

beforeAll(async () => {
	h = await freshDatabase();
	ids.d = (await createMunicipality(h.db, systemPrincipal('t'), { slug: 'd', name: 'Düsseldorf' })).id;
	ids.k = (await createMunicipality(h.db, systemPrincipal('t'), { slug: 'k', name: 'Köln' })).id;
	ids.wp5 = (await createInstance(h.db, systemPrincipal('t'), { ...blank, name: 'WP 5', municipalityId: ids.d, slug: 'wp5' })).id;
	ids.wp6 = (await createInstance(h.db, systemPrincipal('t'), { ...blank, name: 'WP 6', municipalityId: ids.d, slug: 'wp6' })).id;
	ids.kalk = (await createInstance(h.db, systemPrincipal('t'), { ...blank, name: 'Kalk', municipalityId: ids.k, slug: 'kalk' })).id;
	const users = [
		['admin.d@example.org', 'municipality_admin', ids.d, []],
		['wp5@example.org', 'instance_staff', ids.d, [ids.wp5]],
		['partner@example.org', 'partner_editor', ids.d, []],
		['volunteer@example.org', 'volunteer', ids.d, []],
		['admin.k@example.org', 'municipality_admin', ids.k, []],
		['partner2@example.org', 'partner_editor', ids.d, []],
		['volunteer2@example.org', 'volunteer', ids.d, []]
	] as const;
	for (const [email, role, municipalityId, instanceIds] of users) {
		await createUser(h.db, systemPrincipal('test'), { email, displayName: email, role, municipalityId, instanceIds: [...instanceIds], password: PASSWORD });
	}
});
afterAll(() => h?.close());

describe(`accounts on ${DB_KIND}`, () => {
	it('stores passwords as argon2id and never in the audit log', async () => {
		const { rows } = (await h.db.execute('select password_hash from user_account limit 1' as never)) as unknown as { rows: { password_hash: string }[] };
		expect(rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
		const audit = await listAudit(h.db, systemPrincipal('test'), { entityType: 'user' });
		expect(JSON.stringify(audit)).not.toContain(PASSWORD);
		expect(JSON.stringify(audit)).not.toContain('argon2');
	});

	it('refuses bad new users with field errors', async () => {
		const err = await createUser(h.db, systemPrincipal('test'), { email: 'WP5@example.org', displayName: '', role: 'instance_staff', municipalityId: ids.d, instanceIds: [ids.kalk], password: 'short' }).catch((e) => e);
		expect(err).toBeInstanceOf(ValidationError);
		expect(err.issues.map((i: { field: string; code: string }) => `${i.field}:${i.code}`).sort()).toEqual([
			'displayName:required',
			'email:taken',
			'instances:unknown_instance',
			'password:password_too_short'
		]);
	});

	it('accepts the right password case-insensitively by email and refuses wrong ones alike', async () => {
		expect((await checkPassword(h.db, ' WP5@Example.org ', PASSWORD, '10.0.0.2')).status).toBe('ok');
		expect((await checkPassword(h.db, 'wp5@example.org', 'wrong password!', '10.0.0.2')).status).toBe('invalid');
		expect((await checkPassword(h.db, 'nobody@example.org', PASSWORD, '10.0.0.2')).status).toBe('invalid');
	});

	it('blocks an email after 10 failures in 15 minutes, even with the right password', async () => {
		for (let i = 0; i < 10; i++) await checkPassword(h.db, 'volunteer@example.org', `wrong ${i}`, `10.1.0.${i}`);
		expect((await checkPassword(h.db, 'volunteer@example.org', PASSWORD, '10.2.0.1')).status).toBe('rate_limited');
	});

	it('holds a TOTP user at the second factor until the right code is given, and takes each code once', async () => {
		const admin = await principalOf('admin.k@example.org');
		const { secret, uri } = await beginTotpEnrolment(h.db, admin);
		expect(uri).toMatch(/^otpauth:\/\/totp\/anlaufstelle:/);
		expect(await confirmTotp(h.db, admin, '000000' === currentTotp(secret) ? '111111' : '000000')).toBeNull();
		const enrolCode = currentTotp(secret);
		expect(await confirmTotp(h.db, admin, enrolCode)).toHaveLength(10);
		const login = await checkPassword(h.db, 'admin.k@example.org', PASSWORD, '10.3.0.1');
		expect(login).toMatchObject({ status: 'ok', needsSecondFactor: true });
		const { token } = await createSession(h.db, (login as { userId: string }).userId, false);
		expect((await resolveSession(h.db, token)).status).toBe('second_factor');
		expect(await completeSecondFactor(h.db, token, '12345', '10.3.0.1')).toBe(false);
		// The code used for enrolment is spent: the same 30-second code does not sign in.
		expect(await completeSecondFactor(h.db, token, enrolCode, '10.3.0.1')).toBe(false);
		const next = totpAt(secret, 30_000);
		expect(await completeSecondFactor(h.db, token, next.code, '10.3.0.1', next.now)).toBe(true);
		expect((await resolveSession(h.db, token)).status).toBe('ok');
		// A second session cannot reuse the code either.
		const { token: other } = await createSession(h.db, admin.userId, false);
		expect(await completeSecondFactor(h.db, other, next.code, '10.3.0.2', next.now)).toBe(false);
	});

	it('never switches an active second factor off by starting enrolment; switching off needs password and code, audited', async () => {
		const admin = await principalOf('admin.k@example.org');
		await expect(beginTotpEnrolment(h.db, admin)).rejects.toMatchObject({ issues: [{ field: 'totp', code: 'totp_active' }] });
		expect((await checkPassword(h.db, 'admin.k@example.org', PASSWORD, '10.3.1.1')).status).toBe('ok');
		expect(await checkPassword(h.db, 'admin.k@example.org', PASSWORD, '10.3.1.1')).toMatchObject({ needsSecondFactor: true });
		const [row] = await h.db.select({ secret: userAccount.totpSecret }).from(userAccount).where(eq(userAccount.id, admin.userId));
		const later = totpAt(row.secret!, 120_000);
		await expect(disableTotp(h.db, admin, { password: 'wrong password!', code: later.code, ip: '10.3.1.1', now: later.now })).rejects.toMatchObject({ issues: [{ field: 'password', code: 'invalid_password' }] });
		await expect(disableTotp(h.db, admin, { password: PASSWORD, code: '000000', ip: '10.3.1.1', now: later.now })).rejects.toMatchObject({ issues: [{ field: 'code', code: 'totp_invalid' }] });
		expect(await checkPassword(h.db, 'admin.k@example.org', PASSWORD, '10.3.1.1')).toMatchObject({ needsSecondFactor: true });
		await disableTotp(h.db, admin, { password: PASSWORD, code: later.code, ip: '10.3.1.1', now: later.now });
		expect(await checkPassword(h.db, 'admin.k@example.org', PASSWORD, '10.3.1.1')).toMatchObject({ needsSecondFactor: false });
		const audit = await listAudit(h.db, systemPrincipal('test'), { entityType: 'user' });
		expect(audit.filter((a) => a.entityId === admin.userId && 'totpEnabled' in a.changes).map((a) => a.changes.totpEnabled)).toEqual([[true, false], [false, true]]);
	});

	it('resets a password through an emailed single-use link, voids the other links and ends old sessions', async () => {
		const before = await principalOf('partner@example.org');
		const login = await checkPassword(h.db, 'partner@example.org', PASSWORD, '10.4.0.1');
		const { token: oldSession } = await createSession(h.db, (login as { userId: string }).userId, true);
		const request = (email: string, ip = '10.4.0.1') =>
			requestPasswordReset(h.db, { email, ip, locale: 'de', linkFor: (t) => `http://x/reset/${t}`, texts: () => ({ subject: 'Reset', body: (link: string) => `Link: ${link}` }) });
		const unknown = await request('nobody@example.org');
		expect(unknown.status).toBe('accepted');
		if (unknown.status === 'accepted') await unknown.delivery;
		expect(await readOutbox()).toHaveLength(0);
		for (let i = 0; i < 2; i++) {
			const r = await request('Partner@example.org');
			if (r.status === 'accepted') await r.delivery;
		}
		const mails = await readOutbox();
		expect(mails).toHaveLength(2);
		expect(mails[0].raw).toContain('To: partner@example.org');
		const [first, second] = mails.map((m) => /reset\/([A-Za-z0-9_-]+)/.exec(m.raw)![1]);
		expect(await isResetTokenValid(h.db, first)).toBe(true);
		expect(await isResetTokenValid(h.db, second)).toBe(true);
		await expect(resetPassword(h.db, second, 'short')).rejects.toMatchObject({ issues: [{ field: 'password', code: 'password_too_short' }] });
		await expect(resetPassword(h.db, second, 'password1234567')).rejects.toMatchObject({ issues: [{ field: 'password', code: 'password_common' }] });
		await resetPassword(h.db, second, 'a brand new passphrase');
		expect(await isResetTokenValid(h.db, second)).toBe(false);
		expect(await isResetTokenValid(h.db, first)).toBe(false);
		await expect(resetPassword(h.db, first, 'another new passphrase')).rejects.toMatchObject({ issues: [{ field: 'token', code: 'invalid_token' }] });
		expect((await resolveSession(h.db, oldSession)).status).toBe('none');
		expect((await checkPassword(h.db, 'partner@example.org', 'a brand new passphrase', '10.4.0.1')).status).toBe('ok');
		expect(before.role).toBe('partner_editor');
		// The third request for the address within the hour is the last one accepted.
		expect((await request('partner@example.org', '10.4.0.9')).status).toBe('accepted');
		expect((await request('partner@example.org', '10.4.0.9')).status).toBe('rate_limited');
	});

	it('ends a session after 30 minutes without a request, and keeps an active one', async () => {
		const login = await checkPassword(h.db, 'wp5@example.org', PASSWORD, '10.5.0.1');
		const { token } = await createSession(h.db, (login as { userId: string }).userId, true);
		const { token: idle } = await createSession(h.db, (login as { userId: string }).userId, true);
		await h.db.update(session).set({ lastSeenAt: new Date(Date.now() - 29 * 60_000) }).where(eq(session.id, sha256(token)));
		await h.db.update(session).set({ lastSeenAt: new Date(Date.now() - 31 * 60_000) }).where(eq(session.id, sha256(idle)));
		expect((await resolveSession(h.db, token)).status).toBe('ok');
		expect((await resolveSession(h.db, idle)).status).toBe('none');
		// The request above counted as activity.
		const [row] = await h.db.select({ lastSeenAt: session.lastSeenAt }).from(session).where(eq(session.id, sha256(token)));
		expect(Date.now() - row.lastSeenAt.getTime()).toBeLessThan(5000);
	});

	it('refuses common passwords for new accounts, also with digits added', async () => {
		for (const password of ['passwordpassword', 'qwertyuiop123456', 'Sommer2024!!!!', '111111111111']) {
			expect(passwordProblem(password), password).toBe(isCommonPassword(password) ? 'password_common' : null);
		}
		expect(passwordProblem('iloveyou2026!!')).toBe('password_common');
		expect(passwordProblem('correct horse battery')).toBeNull();
		await expect(
			createUser(h.db, systemPrincipal('test'), { email: 'new@example.org', displayName: 'New', role: 'volunteer', municipalityId: ids.d, password: 'iloveyou2026!!' })
		).rejects.toMatchObject({ issues: [{ field: 'password', code: 'password_common' }] });
	});

	it('counts failures in the database, so every process sees them', async () => {
		for (let i = 0; i < 10; i++) await checkPassword(h.db, 'unknown-person@example.org', `wrong ${i}`, `10.6.0.${i}`);
		const rows = await h.db.select().from(rateLimit);
		expect(rows.some((r) => r.count === 10)).toBe(true);
		expect(JSON.stringify(rows)).not.toContain('unknown-person');
	});
});

describe(`role and scope checks on ${DB_KIND}`, () => {
	it('lets instance staff edit their own instance only', async () => {
		const staff = await principalOf('wp5@example.org');
		expect(can(staff, 'instance:edit', { municipalityId: ids.d, instanceId: ids.wp5 })).toBe(true);
		expect(can(staff, 'instance:edit', { municipalityId: ids.d, instanceId: ids.wp6 })).toBe(false);
		expect(can(staff, 'instance:edit', { municipalityId: ids.k, instanceId: ids.kalk })).toBe(false);
		expect(can(staff, 'municipality:administer', { municipalityId: ids.d })).toBe(false);
		expect(() => authorize(staff, 'instance:edit', { municipalityId: ids.d, instanceId: ids.wp6 })).toThrow(AccessDeniedError);
	});

	it('lets a municipality administrator act within their municipality only', async () => {
		const admin = await principalOf('admin.d@example.org');
		expect(can(admin, 'instance:edit', { municipalityId: ids.d, instanceId: ids.wp6 })).toBe(true);
		expect(can(admin, 'instance:edit', { municipalityId: ids.k, instanceId: ids.kalk })).toBe(false);
		expect(can(admin, 'municipality:administer', { municipalityId: ids.d })).toBe(true);
		expect(can(admin, 'municipality:administer', { municipalityId: ids.k })).toBe(false);
	});

	it('gives partners, volunteers and anonymous visitors no staff rights', async () => {
		const partner = await principalOf('partner2@example.org');
		const volunteer = await principalOf('volunteer2@example.org');
		expect([partner.role, volunteer.role]).toEqual(['partner_editor', 'volunteer']);
		for (const p of [null, partner, volunteer]) {
			expect(can(p, 'staff_area:enter')).toBe(false);
			expect(can(p, 'instance:edit', { municipalityId: ids.d, instanceId: ids.wp5 })).toBe(false);
			expect(can(p, 'municipality:administer', { municipalityId: ids.d })).toBe(false);
		}
	});

	it('treats an unknown instance like a forbidden one', async () => {
		const staff = await principalOf('wp5@example.org');
		expect(can(staff, 'instance:edit', { municipalityId: undefined, instanceId: undefined })).toBe(false);
	});
});
