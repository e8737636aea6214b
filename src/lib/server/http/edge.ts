/**
 * Checks at the edge, before any route sees a request (issue 11 §5): text that cannot be stored
 * (a NUL character, invalid UTF-8, an unpaired surrogate) in the path, the query or a form
 * field is refused with 400, and a form field longer than `MAX_FIELD_CHARS` with 413. PostgreSQL
 * rejects NUL in text, so without this every such request ended as a 500 somewhere inside.
 */
import { isStorableText } from '../core/validation';

/** The longest text a single form field may carry (characters); files are not counted. */
const MAX_FIELD_CHARS = 65_536;

/** Why a request is refused: HTTP status and a message naming the part and the reason. */
export interface EdgeRefusal {
	status: 400 | 413;
	message: string;
}

/** Strict percent-decoding: null when the bytes are not UTF-8 (decodeURIComponent throws). */
function decodeStrict(raw: string, plusIsSpace: boolean): string | null {
	try {
		return decodeURIComponent(plusIsSpace ? raw.replaceAll('+', ' ') : raw);
	} catch {
		return null;
	}
}

function badText(where: string, name: string, value: string | null): EdgeRefusal | null {
	if (value === null) return { status: 400, message: `${where} "${name}" is not valid UTF-8` };
	if (!isStorableText(value)) return { status: 400, message: `${where} "${name}" contains a NUL character or an unpaired surrogate` };
	return null;
}

/** Checks `a=b&c=d` pairs (a query string or a urlencoded body). */
function checkPairs(where: string, raw: string, limitLength: boolean): EdgeRefusal | null {
	for (const pair of raw.split('&')) {
		if (!pair) continue;
		const i = pair.indexOf('=');
		const rawName = i < 0 ? pair : pair.slice(0, i);
		const name = decodeStrict(rawName, true);
		const problem = badText(where, name ?? rawName.slice(0, 40), name) ?? (i < 0 ? null : badText(where, name!, decodeStrict(pair.slice(i + 1), true)));
		if (problem) return problem;
		if (limitLength && i >= 0 && pair.length - i - 1 > MAX_FIELD_CHARS) {
			const value = decodeStrict(pair.slice(i + 1), true)!;
			if (value.length > MAX_FIELD_CHARS) return { status: 413, message: `form field "${name}" is longer than ${MAX_FIELD_CHARS} characters` };
		}
	}
	return null;
}

/** Checks the URL's path segments and query parameters. */
export function checkUrl(url: URL): EdgeRefusal | null {
	for (const segment of url.pathname.split('/')) {
		const problem = badText('path segment', segment.slice(0, 40), decodeStrict(segment, false));
		if (problem) return problem;
	}
	return checkPairs('query parameter', url.search.slice(1), false);
}

/**
 * Checks a form body (urlencoded or multipart) without consuming the request: it reads a clone.
 * Other content types are left to the route.
 */
export async function checkBody(request: Request): Promise<EdgeRefusal | null> {
	const type = request.headers.get('content-type') ?? '';
	if (!request.body) return null;
	if (type.startsWith('application/x-www-form-urlencoded')) {
		const bytes = new Uint8Array(await request.clone().arrayBuffer());
		let text: string;
		try {
			text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
		} catch {
			return { status: 400, message: 'the form body is not valid UTF-8' };
		}
		return checkPairs('form field', text, true);
	}
	if (type.startsWith('multipart/form-data')) {
		let form: FormData;
		try {
			form = await request.clone().formData();
		} catch {
			return { status: 400, message: 'the form body cannot be read as multipart/form-data' };
		}
		for (const [name, value] of form) {
			const problem = badText('form field', name.slice(0, 40), name) ?? (typeof value === 'string' ? badText('form field', name, value) : null);
			if (problem) return problem;
			if (typeof value === 'string' && value.length > MAX_FIELD_CHARS) return { status: 413, message: `form field "${name}" is longer than ${MAX_FIELD_CHARS} characters` };
		}
	}
	return null;
}
