/**
 * CSV files for spreadsheets, one writer for every CSV the platform hands out (directory lists,
 * statistics, steering reports), so they all follow the same rules (issue 12 §9):
 * - RFC 4180: CRLF between records; a cell is quoted when it holds the delimiter, a double quote,
 *   a carriage return or a line feed (a lone LF too: Leichte Sprache texts are written line by
 *   line, and csv-stringify only quotes a cell with the whole record delimiter CRLF).
 * - UTF-8 with a byte order mark, so spreadsheets detect the encoding.
 * - Formula injection neutralised (OWASP "CSV Injection"): a text cell that starts with `=`, `+`,
 *   `-`, `@`, a tab or a carriage return gets a leading apostrophe, which spreadsheets read as
 *   "this is text" and drop; plain numbers (`-3`, `50,9385`) stay as they are. Importers undo
 *   it with `fromSpreadsheetText`.
 * - Leading zeros kept: digits that start with 0 (a postal code `01067`, a phone number
 *   `0221123456`) get the same apostrophe, else a spreadsheet reads them as a number and drops
 *   the zero when it saves the file.
 */
import { stringify } from 'csv-stringify/sync';

/** Starts of a cell that spreadsheets evaluate as a formula (OWASP, CSV Injection). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A plain number, with decimal point or comma: harmless, and read as the number it is. */
const PLAIN_NUMBER = /^-?\d+([.,]\d+)?$/;
/** Digits with a leading zero, which a spreadsheet would read as a smaller number. */
const LEADING_ZERO = /^0\d+$/;

/** Whether a text cell needs the apostrophe (see the module comment). */
function needsApostrophe(value: string): boolean {
	return (FORMULA_START.test(value) && !PLAIN_NUMBER.test(value)) || LEADING_ZERO.test(value);
}

/**
 * A text cell as a spreadsheet must get it: with a leading apostrophe when it would otherwise
 * start a formula (`=SUM(…)`, `+49 221 …`, `- item`, `@user`) or lose a leading zero
 * (`01067`), else unchanged.
 */
function toSpreadsheetText(value: string): string {
	return needsApostrophe(value) ? `'${value}` : value;
}

/**
 * Undoes `toSpreadsheetText`: drops the apostrophe that it adds. A spreadsheet that opened and
 * saved the file has already dropped it, so both forms read the same.
 */
export function fromSpreadsheetText(value: string): string {
	return value.startsWith("'") && needsApostrophe(value.slice(1)) ? value.slice(1) : value;
}

/**
 * The rows as a CSV file: BOM, CRLF, RFC 4180 quoting, formula injection neutralised (see the
 * module comment). Numbers are written as `String(n)` (decimal point); null as an empty cell.
 * @param rows the header row first, if the file has one.
 * @param delimiter `,` (RFC 4180) or `;` (what German spreadsheets write).
 */
export function spreadsheetCsv(rows: readonly (readonly (string | number | null)[])[], delimiter: ',' | ';'): string {
	return stringify(
		rows.map((row) => row.map((v) => (v === null ? '' : typeof v === 'number' ? String(v) : toSpreadsheetText(v)))),
		{ delimiter, bom: true, record_delimiter: 'windows', quoted_match: [/[\r\n]/, /^'/] }
	);
}
