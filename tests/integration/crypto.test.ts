import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
	addCurrentKey,
	decryptOptional,
	decryptText,
	dropKeys,
	encryptOptional,
	encryptText,
	keyIdOf,
	loadKeyring,
	parseKeyList
} from '../../src/lib/server/casework/crypto';
import { tempDir } from '../helpers/tmp';

const key = () => randomBytes(32).toString('base64');

function tempEnv(): NodeJS.ProcessEnv {
	const dir = tempDir('anl-crypto-');
	return { DATA_DIR: dir, CASE_KEY_FILE: path.join(dir, 'keys', 'case-keys.json') };
}

/** Flips one base64 character of the ciphertext part. */
function tamper(stored: string): string {
	const parts = stored.split(':');
	const body = parts[4];
	parts[4] = (body[0] === 'A' ? 'B' : 'A') + body.slice(1);
	return parts.join(':');
}

describe('CASE_KEYS parsing', () => {
	it('takes the last entry as the current key', () => {
		const ring = parseKeyList(`old:${key()}, new:${key()}`);
		expect(ring.current).toBe('new');
		expect([...ring.keys.keys()]).toEqual(['old', 'new']);
		expect(ring.source).toBe('env');
	});

	it.each([
		['', /holds no key/],
		[' , ,', /holds no key/],
		['nocolon', /must be id:base64/],
		[`:${key()}`, /must be id:base64/],
		[`bad id!:${key()}`, /key id "bad id!" must be 1–32 letters/],
		[`short:${randomBytes(16).toString('base64')}`, /key "short" must be 32 bytes in base64 \(got 16\)/]
	])('refuses %j naming the problem', (value, message) => {
		expect(() => parseKeyList(value)).toThrow(message);
	});

	it('never repeats key material in its errors', () => {
		const material = randomBytes(16).toString('base64');
		try {
			parseKeyList(`k1:${material}`);
			expect.unreachable();
		} catch (e) {
			expect((e as Error).message).not.toContain(material);
		}
	});
});

describe('AES-256-GCM values', () => {
	const ring = parseKeyList(`k1:${key()}`);

	it('round-trips text with a fresh IV each time, in v1 form', () => {
		const a = encryptText('Frau Ahmadi, Termin Jobcenter', ring);
		const b = encryptText('Frau Ahmadi, Termin Jobcenter', ring);
		expect(a).not.toBe(b);
		expect(a).toMatch(/^v1:k1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
		expect(a).not.toContain('Ahmadi');
		expect(keyIdOf(a)).toBe('k1');
		expect(decryptText(a, ring)).toBe('Frau Ahmadi, Termin Jobcenter');
	});

	it('rejects an altered ciphertext, tag or IV with a clear error', () => {
		const stored = encryptText('geheim', ring);
		expect(() => decryptText(tamper(stored), ring)).toThrow(/failed authentication: it was altered or the key is not the one/);
		const parts = stored.split(':');
		const otherTag = randomBytes(16).toString('base64');
		expect(() => decryptText([...parts.slice(0, 3), otherTag, parts[4]].join(':'), ring)).toThrow(/failed authentication/);
		const otherIv = randomBytes(12).toString('base64');
		expect(() => decryptText([parts[0], parts[1], otherIv, parts[3], parts[4]].join(':'), ring)).toThrow(/failed authentication/);
	});

	it('names a missing key and a malformed value', () => {
		const stored = encryptText('x', ring);
		expect(() => decryptText(stored, parseKeyList(`k2:${key()}`))).toThrow(/uses key "k1", which the keyring does not hold/);
		expect(() => decryptText('plain text', ring)).toThrow(/not in v1 form/);
	});

	it('passes empty values through as null', () => {
		expect(encryptOptional('', ring)).toBeNull();
		expect(encryptOptional(null, ring)).toBeNull();
		expect(decryptOptional(null, ring)).toBeNull();
		expect(decryptOptional(encryptOptional('a', ring), ring)).toBe('a');
	});
});

describe('file keyring and rotation', () => {
	it('creates the key file with mode 0600 on first use', () => {
		const env = tempEnv();
		const ring = loadKeyring(env);
		expect(ring.source).toBe(env.CASE_KEY_FILE);
		expect(fs.statSync(env.CASE_KEY_FILE!).mode & 0o777).toBe(0o600);
		expect(ring.keys.get(ring.current)).toHaveLength(32);
	});

	it('adds a new current key, keeps old values readable, then drops the old key', () => {
		const env = tempEnv();
		const first = loadKeyring(env);
		const old = encryptText('Notiz', first);
		const second = addCurrentKey(env);
		expect(second.current).not.toBe(first.current);
		expect(decryptText(old, second)).toBe('Notiz');
		const fresh = encryptText('Notiz', second);
		expect(keyIdOf(fresh)).toBe(second.current);
		expect(() => dropKeys([second.current], env)).toThrow(/current key .* cannot be dropped/);
		const third = dropKeys([first.current], env);
		expect([...third.keys.keys()]).toEqual([second.current]);
		expect(JSON.parse(fs.readFileSync(env.CASE_KEY_FILE!, 'utf8')).keys).not.toHaveProperty(first.current);
		expect(() => decryptText(old, third)).toThrow(/does not hold/);
		expect(decryptText(fresh, third)).toBe('Notiz');
	});

	it('refuses to add keys to CASE_KEYS and names broken key files', () => {
		expect(() => addCurrentKey({ CASE_KEYS: `k1:${key()}` })).toThrow(/CASE_KEYS is set/);
		const env = tempEnv();
		fs.mkdirSync(path.dirname(env.CASE_KEY_FILE!), { recursive: true });
		fs.writeFileSync(env.CASE_KEY_FILE!, '{not json');
		expect(() => loadKeyring(env)).toThrow(/case-keys\.json: not readable as JSON/);
		fs.writeFileSync(env.CASE_KEY_FILE!, JSON.stringify({ current: 'k9', keys: { k1: key() } }));
		expect(() => loadKeyring(env)).toThrow(/current key "k9" is not among the keys/);
	});
});
