/**
 * `Intl` formatters built once per locale and options, shared by every request (issue 17 §2):
 * constructing a `DateTimeFormat`, `DisplayNames` or `Collator` loads locale data and costs
 * tens of microseconds, and a results page formats hundreds of values. Formatters are immutable,
 * so one instance serves all callers. At most `MAX_HELD` are held (the set of locales and option
 * shapes is small; the bound only guards against callers passing arbitrary locales).
 */
const MAX_HELD = 2000;
const held = new Map<string, unknown>();

function once<T>(kind: string, locales: string | string[], options: object | undefined, make: () => T): T {
	const key = `${kind}\u0000${JSON.stringify(locales)}\u0000${options ? JSON.stringify(options) : ''}`;
	let value = held.get(key) as T | undefined;
	if (value === undefined) {
		value = make();
		if (held.size >= MAX_HELD) held.clear();
		held.set(key, value);
	}
	return value;
}

/** `new Intl.DateTimeFormat(locales, options)`, held. @throws RangeError for an invalid locale or option (not held). */
export function dateTimeFormat(locales: string | string[], options?: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
	return once('dt', locales, options, () => new Intl.DateTimeFormat(locales, options));
}

/** `new Intl.NumberFormat(locales, options)`, held. @throws RangeError for an invalid locale or option. */
export function numberFormat(locales: string | string[], options?: Intl.NumberFormatOptions): Intl.NumberFormat {
	return once('nf', locales, options, () => new Intl.NumberFormat(locales, options));
}

/** `new Intl.DisplayNames(locales, options)`, held. @throws RangeError for an invalid locale or option. */
export function displayNames(locales: string | string[], options: Intl.DisplayNamesOptions): Intl.DisplayNames {
	return once('dn', locales, options, () => new Intl.DisplayNames(locales, options));
}

/** `new Intl.Collator(locales, options)`, held. @throws RangeError for an invalid locale or option. */
export function collator(locales: string | string[], options?: Intl.CollatorOptions): Intl.Collator {
	return once('co', locales, options, () => new Intl.Collator(locales, options));
}
