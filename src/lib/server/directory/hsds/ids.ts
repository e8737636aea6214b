/**
 * Identifiers in the HSDS exchange. HSDS 3.0 requires a UUID for every object; objects the
 * directory derives (a location's address, an offer's phone, a taxonomy term) get name-based
 * UUIDs (RFC 9562 version 5, SHA-1), so they are the same in every response and every export.
 * Imported objects keep their HSDS id; an id that is not a UUID is mapped the same way.
 */
import { createHash } from 'node:crypto';
import { isUuid } from '../../core/validation';

/** Whether a value is a UUID string (any version, either case); the platform's one check. */
export { isUuid };

/** Namespace of all name-based ids of the anlaufstelle HSDS exchange (a fixed random UUID). */
const HSDS_NAMESPACE = '6f1d9a52-3c0e-4b7a-9d55-2a8e41c7b0f3';

/** RFC 9562 version 5 UUID of `name` in `namespace` (lowercase). */
export function uuidV5(name: string, namespace: string = HSDS_NAMESPACE): string {
	const hash = createHash('sha1')
		.update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
		.update(name, 'utf8')
		.digest();
	hash[6] = (hash[6] & 0x0f) | 0x50;
	hash[8] = (hash[8] & 0x3f) | 0x80;
	const hex = hash.subarray(0, 16).toString('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The stable id of an object derived from others, e.g. `derivedId(serviceId, 'phone')`. */
export function derivedId(...parts: (string | number)[]): string {
	return uuidV5(parts.join(':'));
}

/**
 * The directory id for an imported HSDS id: the UUID itself (lowercased), or a version 5 UUID
 * of the original string when it is not a UUID.
 */
export function importedId(raw: string): string {
	return isUuid(raw) ? raw.toLowerCase() : uuidV5(`imported:${raw}`);
}
