/**
 * What the directory importers (OpenStreetMap GeoJSON, CSV) report, shared by their callers
 * (CLI, demo loader, tests). Source: issue 3 §7 ("Long imports show progress … and can be
 * re-run safely") and "Bad input" (each rejected record with file, index or line, field, reason).
 */

/** One record an import left out, named as in the file (`feature 12 (node/1)`, `line 7`). */
export interface SkippedRecord {
	record: string;
	reason: string;
}

/**
 * What an import did. `created + updated + unchanged + skipped.length + outside.length` is the
 * number of records in the file.
 */
export interface DirectoryImportSummary {
	/** Records in the file. */
	total: number;
	created: number;
	updated: number;
	/** Records already in the directory exactly as the file has them (nothing written). */
	unchanged: number;
	/** Bad records left out because `skipInvalid` was set, each with its reason. */
	skipped: SkippedRecord[];
	/** Records whose place lies outside the municipality: reported, not imported. */
	outside: SkippedRecord[];
}

/** Called after each record with records done and the total, for a progress display. */
export type ImportProgress = (done: number, total: number) => void;

/** An empty summary for a file of `total` records. */
export function emptySummary(total: number): DirectoryImportSummary {
	return { total, created: 0, updated: 0, unchanged: 0, skipped: [], outside: [] };
}
