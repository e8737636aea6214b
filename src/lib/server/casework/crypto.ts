/**
 * Application-level encryption of case free text (issue 4 §2): AES-256-GCM with a 96-bit random
 * IV per value and the 128-bit tag, via Node's `crypto` (OpenSSL). The database only ever holds
 * `v1:<keyId>:<iv>:<tag>:<ciphertext>` (base64 parts), so a database dump or backup without the
 * key reveals no notes or names.
 *
 * Keys (a keyring: one current key for new values, older keys still able to decrypt):
 * - `CASE_KEYS` environment variable: `id1:<base64 32 bytes>,id2:<base64>`; the LAST entry is
 *   current. Use this in production with a secret store.
 * - otherwise the JSON file `CASE_KEY_FILE` (default `<DATA_DIR>/keys/case-keys.json`,
 *   `{ "current": "k…", "keys": { "k…": "<base64>" } }`), created with mode 0600 and one fresh
 *   key on first use so that `npm start` works out of the box.
 * `rotateKeys` (CLI `keys rotate`) re-encrypts every value with a new current key.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { readConfig } from '../core/config';

/** A keyring: key id → 32-byte key, and the id new values are encrypted with. */
export interface Keyring {
	current: string;
	keys: Map<string, Buffer>;
	/** Where the keyring came from: the env variable, or the file path. */
	source: 'env' | string;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

function decodeKey(id: string, b64: string, where: string): Buffer {
	if (!KEY_ID.test(id)) throw new Error(`${where}: key id "${id}" must be 1–32 letters, digits, _ or -`);
	const key = Buffer.from(b64, 'base64');
	if (key.length !== 32) throw new Error(`${where}: key "${id}" must be 32 bytes in base64 (got ${key.length})`);
	return key;
}

/**
 * Parses `CASE_KEYS` (`id:base64,…`, last is current).
 * @throws Error naming the variable and the bad entry.
 */
export function parseKeyList(value: string): Keyring {
	const keys = new Map<string, Buffer>();
	let current = '';
	for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
		const at = entry.indexOf(':');
		if (at < 1) throw new Error(`CASE_KEYS: entry "${entry.slice(0, 8)}…" must be id:base64`);
		const id = entry.slice(0, at);
		keys.set(id, decodeKey(id, entry.slice(at + 1), 'CASE_KEYS'));
		current = id;
	}
	if (!current) throw new Error('CASE_KEYS is set but holds no key');
	return { current, keys, source: 'env' };
}

/** The key file path: `CASE_KEY_FILE` or `<DATA_DIR>/keys/case-keys.json`. */
export function keyFilePath(env: NodeJS.ProcessEnv = process.env): string {
	return path.resolve(env.CASE_KEY_FILE || path.join(readConfig(env).dataDir, 'keys', 'case-keys.json'));
}

function newKeyId(existing: Iterable<string>): string {
	const taken = new Set(existing);
	const base = `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`;
	let id = base;
	for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
	return id;
}

function writeKeyFile(file: string, ring: Omit<Keyring, 'source'>): void {
	fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
	const json = { current: ring.current, keys: Object.fromEntries([...ring.keys].map(([id, k]) => [id, k.toString('base64')])) };
	const tmp = `${file}.${process.pid}.tmp`;
	fs.writeFileSync(tmp, JSON.stringify(json, null, '\t') + '\n', { mode: 0o600 });
	fs.renameSync(tmp, file);
}

function readKeyFile(file: string): Keyring {
	let json: { current?: unknown; keys?: unknown };
	try {
		json = JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch (e) {
		throw new Error(`${file}: not readable as JSON (${(e as Error).message})`);
	}
	if (typeof json.current !== 'string' || !json.keys || typeof json.keys !== 'object') {
		throw new Error(`${file}: must hold { "current": "<id>", "keys": { "<id>": "<base64>" } }`);
	}
	const keys = new Map<string, Buffer>();
	for (const [id, b64] of Object.entries(json.keys as Record<string, unknown>)) {
		keys.set(id, decodeKey(id, String(b64), file));
	}
	if (!keys.has(json.current)) throw new Error(`${file}: current key "${json.current}" is not among the keys`);
	return { current: json.current, keys, source: file };
}

let cached: { signature: string; ring: Keyring } | null = null;

/**
 * The keyring in effect, from `CASE_KEYS` or the key file (created on first use).
 * @throws Error naming the variable or file when a key is malformed.
 */
export function loadKeyring(env: NodeJS.ProcessEnv = process.env): Keyring {
	if (env.CASE_KEYS) {
		const signature = `env:${env.CASE_KEYS}`;
		if (cached?.signature !== signature) cached = { signature, ring: parseKeyList(env.CASE_KEYS) };
		return cached.ring;
	}
	const file = keyFilePath(env);
	if (!fs.existsSync(file)) {
		const id = newKeyId([]);
		writeKeyFile(file, { current: id, keys: new Map([[id, randomBytes(32)]]) });
	}
	const signature = `file:${file}:${fs.statSync(file).mtimeMs}`;
	if (cached?.signature !== signature) cached = { signature, ring: readKeyFile(file) };
	return cached.ring;
}

/** Encrypts UTF-8 text with the current key. @returns `v1:<keyId>:<iv>:<tag>:<ciphertext>`. */
export function encryptText(plain: string, ring: Keyring = loadKeyring()): string {
	const iv = randomBytes(12);
	const cipher = createCipheriv('aes-256-gcm', ring.keys.get(ring.current)!, iv);
	const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
	return ['v1', ring.current, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
}

/** The key id a stored value was encrypted with. @throws Error on a value not in `v1` form. */
export function keyIdOf(stored: string): string {
	const parts = stored.split(':');
	if (parts.length !== 5 || parts[0] !== 'v1') throw new Error('encrypted value is not in v1 form');
	return parts[1];
}

/**
 * Decrypts a stored value.
 * @throws Error when the key is unknown or the value was altered (GCM tag mismatch).
 */
export function decryptText(stored: string, ring: Keyring = loadKeyring()): string {
	const [, keyId, iv, tag, body] = stored.split(':');
	const key = ring.keys.get(keyIdOf(stored));
	if (!key) throw new Error(`encrypted value uses key "${keyId}", which the keyring does not hold`);
	try {
		const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
		decipher.setAuthTag(Buffer.from(tag, 'base64'));
		return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
	} catch {
		// OpenSSL only says "unable to authenticate data"; name what it means for the operator.
		throw new Error(`encrypted value under key "${keyId}" failed authentication: it was altered or the key is not the one it was encrypted with`);
	}
}

/** Encrypts, passing null/empty through as null. */
export function encryptOptional(plain: string | null | undefined, ring?: Keyring): string | null {
	return plain ? encryptText(plain, ring) : null;
}

/** Decrypts, passing null through. */
export function decryptOptional(stored: string | null | undefined, ring?: Keyring): string | null {
	return stored ? decryptText(stored, ring) : null;
}

/**
 * For the file keyring: adds a fresh key and makes it current, keeping the old ones so that
 * existing values stay readable until they are re-encrypted. Returns the new ring.
 * @throws Error when the keyring comes from `CASE_KEYS` (add the key there and restart instead).
 */
export function addCurrentKey(env: NodeJS.ProcessEnv = process.env): Keyring {
	if (env.CASE_KEYS) throw new Error('CASE_KEYS is set: append a new id:key entry there instead');
	const ring = loadKeyring(env);
	const id = newKeyId(ring.keys.keys());
	const keys = new Map(ring.keys).set(id, randomBytes(32));
	writeKeyFile(ring.source, { current: id, keys });
	return loadKeyring(env);
}

/**
 * For the file keyring: removes keys no stored value uses any more (after re-encryption).
 * @throws Error when asked to drop the current key.
 */
export function dropKeys(ids: readonly string[], env: NodeJS.ProcessEnv = process.env): Keyring {
	const ring = loadKeyring(env);
	if (ring.source === 'env') return ring;
	if (ids.includes(ring.current)) throw new Error(`the current key "${ring.current}" cannot be dropped`);
	const keys = new Map([...ring.keys].filter(([id]) => !ids.includes(id)));
	writeKeyFile(ring.source, { current: ring.current, keys });
	return loadKeyring(env);
}
