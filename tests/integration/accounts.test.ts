import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, can } from '../../src/lib/server/accounts/authz';
import {
	beginTotpEnrolment,
	checkPassword,
	completeSecondFactor,
	confirmTotp,
	createSession,
	createUser,
	currentTotp,
	isResetTokenValid,
	requestPasswordReset,
	resetPassword,
	resolveSession,
	type Principal
} from '../../src/lib/server/accounts/service';
import { listAudit } from '../../src/lib/server/audit/service';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { AccessDeniedError, ValidationError } from '../../src/lib/server/errors';
import { createMunicipality } from '../../src/lib/server/geography/service';
import { createInstance, type InstanceInput } from '../../src/lib/server/instances/service';
import { readOutbox } from '../../src/lib/server/mail/service';
import { DB_KIND, freshDatabase } from '../helpers/db';

process.env.DATA_DIR = mkdtempSync(path.join(os.tmpdir(), 'anl-accounts-'));
delete process.env.SMTP_URL;

let h: DatabaseHandle;
const ids: Record<string, string> = {};
const PASSWORD = 'correct horse battery';

const blank: InstanceInput = {
	name: 'X', hostOrganization: '', description: {}, street: '', postalCode: '', city: '', latitude: null, longitude: null,
	phone: '', email: '', website: '', openingHours: [], languages: [], socialSpaceIds: [], profile: {}
};

async function principalOf(email: string): Promise<Principal> {
	const login = await checkPassword(h.db, email, PASSWORD, '10.0.0.1');
	if (login.status !== 'ok') throw new Error(login.status);
	const { token } = await createSession(h.db, login.userId, true);
	const state = await resolveSession(h.db, token);
	if (state.status !== 'ok') throw new Error(state.status);
	return state.principal;
}

beforeAll(async () => {
	h = await freshDatabase();
	ids.d = (await createMunicipality(h.db, { slug: 'd', name: 'Düsseldorf' })).id;
	ids.k = (await createMunicipality(h.db, { slug: 'k', name: 'Köln' })).id;
	ids.wp5 = (await createInstance(h.db, ids.d, 'wp5', { ...blank, name: 'WP 5' }, { label: 't' })).id;
	ids.wp6 = (await createInstance(h.db, ids.d, 'wp6', { ...blank, name: 'WP 6' }, { label: 't' })).id;
	ids.kalk = (await createInstance(h.db, ids.k, 'kalk', { ...blank, name: 'Kalk' }, { label: 't' })).id;
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
		await createUser(h.db, { email, displayName: email, role, municipalityId, instanceIds: [...instanceIds], password: PASSWORD }, { label: 't' });
	}
});
afterAll(() => h?.close());

describe(`accounts on ${DB_KIND}`, () => {
	it('stores passwords as argon2id and never in the audit log', async () => {
		const { rows } = (await h.db.execute('select password_hash from user_account limit 1' as never)) as unknown as { rows: { password_hash: string }[] };
		expect(rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
		const audit = await listAudit(h.db, { entityType: 'user' });
		expect(JSON.stringify(audit)).not.toContain(PASSWORD);
		expect(JSON.stringify(audit)).not.toContain('argon2');
	});

	it('refuses bad new users with field errors', async () => {
		const err = await createUser(
			h.db,
			{ email: 'WP5@example.org', displayName: '', role: 'instance_staff', municipalityId: ids.d, instanceIds: [ids.kalk], password: 'short' },
			{ label: 't' }
		).catch((e) => e);
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

	it('holds a TOTP user at the second factor until the right code is given', async () => {
		const admin = await principalOf('admin.k@example.org');
		const { secret, uri } = await beginTotpEnrolment(h.db, admin.userId);
		expect(uri).toMatch(/^otpauth:\/\/totp\/anlaufstelle:/);
		expect(await confirmTotp(h.db, admin.userId, '000000' === currentTotp(secret) ? '111111' : '000000')).toBe(false);
		expect(await confirmTotp(h.db, admin.userId, currentTotp(secret))).toBe(true);
		const login = await checkPassword(h.db, 'admin.k@example.org', PASSWORD, '10.3.0.1');
		expect(login).toMatchObject({ status: 'ok', needsSecondFactor: true });
		const { token } = await createSession(h.db, (login as { userId: string }).userId, false);
		expect((await resolveSession(h.db, token)).status).toBe('second_factor');
		expect(await completeSecondFactor(h.db, token, '12345', '10.3.0.1')).toBe(false);
		expect(await completeSecondFactor(h.db, token, currentTotp(secret), '10.3.0.1')).toBe(true);
		expect((await resolveSession(h.db, token)).status).toBe('ok');
	});

	it('resets a password through an emailed single-use link and ends old sessions', async () => {
		const before = await principalOf('partner@example.org');
		const login = await checkPassword(h.db, 'partner@example.org', PASSWORD, '10.4.0.1');
		const { token: oldSession } = await createSession(h.db, (login as { userId: string }).userId, true);
		const texts = { subject: 'Reset', body: (link: string) => `Link: ${link}` };
		await requestPasswordReset(h.db, 'nobody@example.org', (t) => `http://x/reset/${t}`, texts);
		expect(await readOutbox()).toHaveLength(0);
		await requestPasswordReset(h.db, 'Partner@example.org', (t) => `http://x/reset/${t}`, texts);
		const mails = await readOutbox();
		expect(mails).toHaveLength(1);
		expect(mails[0].raw).toContain('To: partner@example.org');
		const token = /reset\/([A-Za-z0-9_-]+)/.exec(mails[0].raw)![1];
		expect(await isResetTokenValid(h.db, token)).toBe(true);
		await expect(resetPassword(h.db, token, 'short')).rejects.toMatchObject({ issues: [{ field: 'password', code: 'password_too_short' }] });
		await resetPassword(h.db, token, 'a brand new passphrase');
		expect(await isResetTokenValid(h.db, token)).toBe(false);
		await expect(resetPassword(h.db, token, 'another new passphrase')).rejects.toMatchObject({ issues: [{ field: 'token', code: 'invalid_token' }] });
		expect((await resolveSession(h.db, oldSession)).status).toBe('none');
		expect((await checkPassword(h.db, 'partner@example.org', 'a brand new passphrase', '10.4.0.1')).status).toBe('ok');
		expect(before.role).toBe('partner_editor');
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
