/**
 * Locale-aware formatting. Dates are stored in UTC and shown in Europe/Berlin.
 */
import { collator, dateTimeFormat, numberFormat } from './intl';
const TIME_ZONE = 'Europe/Berlin';

/** A number in the locale's digits and separators, e.g. `12.740` (de), `12,740` (en). */
export function formatNumber(value: number, locale: string): string {
	return numberFormat(locale, { maximumFractionDigits: 2 }).format(value);
}

/** A number read as a name — a year, a position, a rating — in the locale's digits without thousands separator: `2026` (de), `۲۰۲۶` (fa). */
export function formatPlainNumber(value: number, locale: string): string {
	return numberFormat(locale, { useGrouping: false }).format(value);
}

/**
 * An ISO date of source precision in the locale: `2013-09-22` → `22.09.2013` (de),
 * `2019-02` → `Februar 2019`, `2018` → `2018`.
 */
export function formatAsOf(asOf: string, locale: string): string {
	const [y, mo, d] = asOf.split('-').map(Number);
	if (d) {
		return dateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(Date.UTC(y, mo - 1, d));
	}
	if (mo) {
		return dateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(y, mo - 1, 1));
	}
	return formatPlainNumber(y, locale);
}

/** A period of ISO days in the locale, `01.07.2026 – 31.08.2026`; an open end as `…`. */
export function formatPeriod(from: string, until: string | null, locale: string): string {
	return `${formatAsOf(from, locale)} – ${until ? formatAsOf(until, locale) : '…'}`;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const BERLIN_DATE_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})$/;

/**
 * Message parameters with each ISO date (`2026-03-10`) and each Berlin wall-clock date and time
 * (`2026-03-10 17:00`, `2026-03-10T17:00`) written as `locale` writes them (`10.03.2026`,
 * `10.03.2026, 17:00`; `۱۰ مارس ۲۰۲۶`); every other value as it is. For texts made of a domain
 * code's parameters (form errors, mails), which carry dates in the form the domain checks them.
 */
export function withLocalDates<T extends Record<string, unknown>>(params: T, locale: string): T {
	// Only real days and times: a value a person typed wrong ("2026-02-30", refused as invalid_date)
	// is quoted as typed, never turned into another day.
	const isDay = (d: string) => {
		const at = Date.parse(`${d}T00:00:00Z`);
		return ISO_DATE.test(d) && !Number.isNaN(at) && new Date(at).toISOString().startsWith(d);
	};
	const isTime = (t: string) => Number(t.slice(0, 2)) < 24 && Number(t.slice(3)) < 60;
	return Object.fromEntries(
		Object.entries(params).map(([k, v]) => {
			if (typeof v !== 'string') return [k, v];
			if (isDay(v)) return [k, formatAsOf(v, locale)];
			const at = BERLIN_DATE_TIME.exec(v);
			return [k, at && isDay(at[1]) && isTime(at[2]) ? `${formatAsOf(at[1], locale)}, ${formatTime(at[2], locale)}` : v];
		})
	) as T;
}

/** A timestamp in Europe/Berlin local time, e.g. `21.11.2026, 16:04`. */
export function formatDateTime(value: Date | string, locale: string): string {
	return dateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: TIME_ZONE }).format(
		new Date(value)
	);
}

/** The ISO weekday (1 = Monday … 7 = Sunday) as the locale names it. */
export function weekdayName(day: number, locale: string): string {
	// 2024-01-01 was a Monday.
	return dateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(Date.UTC(2024, 0, day));
}

/** `HH:MM` in the locale's time style (digits and 12/24 h as the locale writes them). */
export function formatTime(hhmm: string, locale: string): string {
	const [h, m] = hhmm.split(':').map(Number);
	return dateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' }).format(Date.UTC(2024, 0, 1, h, m));
}

/**
 * Names as people read them: numbers inside by value ("Stadtbezirk 2" before "Stadtbezirk 10")
 * and letters by German rules (umlauts beside their vowel, not after "z" as in byte order).
 * Area, instance and offer names are German proper names whatever the reader's language, so
 * the German collation orders them the same for everyone.
 */
const NAMES = collator('de', { numeric: true });

/** Compares two names in reading order (`NAMES`); for `Array.prototype.sort`. */
export function compareNames(a: string, b: string): number {
	return NAMES.compare(a, b);
}

/**
 * Compares two areas (Stadtbezirke, Stadtteile) in the city's own order: by official code where
 * both have one ("2" before "10", the codes being numbers), an area without a code after those
 * with one, then by name (`compareNames`).
 */
export function compareAreas(a: { code?: string | null; name: string }, b: { code?: string | null; name: string }): number {
	const ca = a.code ?? null;
	const cb = b.code ?? null;
	if (ca !== null && cb !== null && ca !== cb) return NAMES.compare(ca, cb);
	if ((ca === null) !== (cb === null)) return ca === null ? 1 : -1;
	return NAMES.compare(a.name, b.name);
}
