/**
 * The one place for checks of single values, built on zod (issue 11 §5): UUIDs, email
 * addresses, calendar dates, web addresses, BCP 47 language tags, whole numbers, and text that
 * can be stored (no NUL, no unpaired UTF-16 surrogate). Modules validate their inputs with these
 * and report problems as `FieldIssue`s; routes parse ids and query parameters with `parseParam`.
 */
import { z } from 'zod';

/** Values as the platform accepts them, as zod schemas for composing. */
const schemas = {
	/** Any 8-4-4-4-12 hexadecimal UUID (PostgreSQL's `uuid` accepts every version). */
	uuid: z.guid(),
	/** An email address as the HTML standard's `<input type=email>` defines it. */
	email: z.string().regex(z.regexes.html5Email),
	/** A calendar date `YYYY-MM-DD` that exists (no 30 February). */
	isoDate: z.iso.date(),
	/** An `http:` or `https:` address. */
	httpUrl: z.url({ protocol: /^https?$/ }),
	/** A well-formed BCP 47 language tag (`de`, `ar`, `fa-AF`, `de-x-ls`). */
	languageTag: z.string().refine((t) => canonicalLanguageTag(t) !== null),
	/** Text without NUL characters or unpaired surrogates (PostgreSQL cannot store either). */
	storableText: z.string().refine((t) => isStorableText(t))
} as const;

/** True for a UUID string (any version). */
export function isUuid(value: unknown): value is string {
	return schemas.uuid.safeParse(value).success;
}

/** True for an email address (HTML standard syntax). */
export function isEmail(value: string): boolean {
	return schemas.email.safeParse(value).success;
}

/** True for an existing calendar date `YYYY-MM-DD`. */
export function isIsoDate(value: string): boolean {
	return schemas.isoDate.safeParse(value).success;
}

/** True for an `http:` or `https:` URL. */
export function isHttpUrl(value: string): boolean {
	return schemas.httpUrl.safeParse(value).success;
}

/** Canonical BCP 47 tag (`Intl.getCanonicalLocales`), or null if `tag` is not well-formed. */
export function canonicalLanguageTag(tag: string): string | null {
	try {
		const [canonical] = Intl.getCanonicalLocales(tag.trim());
		return canonical ?? null;
	} catch {
		return null;
	}
}

/** False when the text holds a NUL character or an unpaired UTF-16 surrogate. */
export function isStorableText(text: string): boolean {
	return !text.includes('\0') && text.isWellFormed();
}

/**
 * A whole number from text (`"12"`, `" 3 "`, `"-7"`), written in decimal digits, within bounds.
 * @returns the number, or null when the text is not a whole number in [min, max] (also for
 *   `"0x10"`, `"1e3"` or `"0b11"`, which JavaScript would read as numbers).
 */
export function parseInteger(text: string, bounds: { min?: number; max?: number } = {}): number | null {
	const result = wholeNumber.safeParse(text);
	if (!result.success) return null;
	return result.data >= (bounds.min ?? Number.MIN_SAFE_INTEGER) && result.data <= (bounds.max ?? Number.MAX_SAFE_INTEGER) ? result.data : null;
}

/** One schema for every call, the bounds compared after: building a zod schema per call was 2 % of an uncached search (issue 17). */
const wholeNumber = z.string().trim().regex(/^-?\d+$/).transform(Number).pipe(z.number().int());

export { z };
