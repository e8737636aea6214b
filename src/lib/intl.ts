/**
 * `Intl` formatters built once per locale and options, shared by every request (issue 17 §2):
 * constructing a `DateTimeFormat`, `DisplayNames` or `Collator` loads locale data and costs
 * tens of microseconds, and a results page formats hundreds of values. Formatters are immutable,
 * so one instance serves all callers. At most 2,000 are held (the set of locales and option
 * shapes is small; the bound only guards against callers passing arbitrary locales).
 */
import { held } from './held';
const formatters = held<unknown>(2000);

function once<T>(kind: string, locales: string | string[], options: object | undefined, make: () => T): T {
	return formatters.get(`${kind}\u0000${JSON.stringify(locales)}\u0000${options ? JSON.stringify(options) : ''}`, make) as T;
}

/**
 * `new Intl.DateTimeFormat(locales, options)` in the Gregorian calendar unless `options` names
 * another, held. `fa` alone would write the Iranian solar calendar (۹ آذر ۱۴۰۵ for 30 November
 * 2026): German letters, appointments and opening times are Gregorian, and Dari readers from
 * Afghanistan name the solar months differently (قوس, not آذر), so dates are written in Gregorian
 * months in every language (۳۰ نوامبر ۲۰۲۶).
 * @throws RangeError for an invalid locale or option (not held).
 */
export function dateTimeFormat(locales: string | string[], options?: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
	const gregorian = { calendar: 'gregory', ...options };
	return once('dt', locales, gregorian, () => new Intl.DateTimeFormat(locales, gregorian));
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
