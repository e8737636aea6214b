/**
 * Boundary (GeoJSON) and statistics (CSV) files uploaded by a municipality's administrator in
 * the browser (issue 12 §5): first a preview of what the import would change, then the import
 * on confirmation. Both run the importers of the command line (`importers.ts`), the preview as a
 * dry run of the same transaction; between the two the file waits in `import_upload`, so exactly
 * the previewed file is imported and never has to be sent twice. A rejected file is not kept:
 * its problems are listed (feature or line, field, reason) and nothing changes.
 */
import { eq, lt } from 'drizzle-orm';
import { authorize, type Principal } from '../access';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { isStorableText, isUuid } from '../core/validation';
import type { Db, DbOrTx } from '../db/client';
import {
	AreaImportError,
	importBoundaries,
	importStatistics,
	type AreaImportSummary,
	type BoundaryImportOptions,
	type ImportProblem,
	type StatisticsImportOptions
} from './importers';
import { UPLOAD_MAX_BYTES, UPLOAD_MINUTES } from './model';
import { importUpload } from './schema';
import { findMunicipalityById } from './service';

/** What an upload holds: boundaries of one area level, or one metric's statistics. */
export type UploadKind = 'boundaries' | 'statistics';

/** An uploaded file with the options chosen on the form (text fields, as the form sends them). */
export interface UploadInput {
	kind: UploadKind;
	fileName: string;
	bytes: Uint8Array;
	options: Record<string, string>;
}

/** The answer to an upload or a confirmation: what changed (or would), or why the file was refused. */
export type UploadOutcome =
	| { status: 'preview'; uploadId: string; fileName: string; summary: AreaImportSummary }
	| { status: 'imported'; fileName: string; summary: AreaImportSummary }
	| { status: 'rejected'; fileName: string; problems: ImportProblem[] };

/** The option names of each kind, as the upload forms name their fields. */
const OPTION_NAMES: Record<UploadKind, readonly string[]> = {
	boundaries: ['level', 'nameProperty', 'codeProperty', 'districtMatch', 'districtProperty'],
	statistics: ['level', 'match', 'keyColumn', 'valueColumn', 'metric', 'unit', 'asOf', 'asOfColumn', 'source', 'sourceColumn']
};

/**
 * Checks the form's options and keeps only those of the kind, trimmed.
 * @returns the options, or the issues (`level` unknown_value; `match`, `districtMatch`
 *   unknown_value; `districtProperty` (social spaces), `valueColumn`, `metric`, `unit`,
 *   `keyColumn` (not for the municipality level), `asOf` (a date or a column), `source` (a text
 *   or a column) required).
 */
function checkedOptions(kind: UploadKind, raw: Record<string, string>): { options: Record<string, string>; issues: FieldIssue[] } {
	const options = Object.fromEntries(OPTION_NAMES[kind].map((k) => [k, (raw[k] ?? '').trim()]).filter(([, v]) => v));
	const issues: FieldIssue[] = [];
	const oneOf = (field: string, values: readonly string[]) => {
		if (!values.includes(options[field] ?? '')) issues.push({ field, code: 'unknown_value' });
	};
	const required = (...fields: string[]) => {
		if (!fields.some((f) => options[f])) issues.push({ field: fields[0], code: 'required' });
	};
	if (kind === 'boundaries') {
		oneOf('level', ['district', 'social_space']);
		if (options.level === 'social_space') {
			oneOf('districtMatch', ['code', 'name']);
			required('districtProperty');
		}
	} else {
		oneOf('level', ['municipality', 'district', 'social_space']);
		if (options.level !== 'municipality') {
			oneOf('match', ['code', 'name']);
			required('keyColumn');
		}
		required('valueColumn');
		required('metric');
		required('unit');
		required('asOf', 'asOfColumn');
		required('source', 'sourceColumn');
	}
	return { options, issues };
}

/** The file as text: UTF-8 (a byte order mark is dropped), storable, at most `UPLOAD_MAX_BYTES`. */
function fileText(bytes: Uint8Array): { text: string } | { issue: FieldIssue } {
	if (!bytes.length) return { issue: { field: 'file', code: 'required' } };
	if (bytes.length > UPLOAD_MAX_BYTES) return { issue: { field: 'file', code: 'adm_file_too_big', params: { max: UPLOAD_MAX_BYTES / 1024 / 1024 } } };
	let text: string;
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		return { issue: { field: 'file', code: 'adm_not_utf8' } };
	}
	return isStorableText(text) ? { text } : { issue: { field: 'file', code: 'adm_not_utf8' } };
}

/** Runs the importer of the kind on the file, as a dry run or for real. */
function runImport(db: Db, principal: Principal, slug: string, kind: UploadKind, fileName: string, text: string, options: Record<string, string>, dryRun: boolean): Promise<AreaImportSummary> {
	if (kind === 'boundaries') {
		const byName = options.districtMatch === 'name';
		const boundaryOptions: BoundaryImportOptions = {
			municipality: slug,
			level: options.level as BoundaryImportOptions['level'],
			file: fileName,
			text,
			nameProperty: options.nameProperty,
			codeProperty: options.codeProperty,
			...(options.level === 'social_space' ? (byName ? { districtNameProperty: options.districtProperty } : { districtCodeProperty: options.districtProperty }) : {}),
			dryRun
		};
		return importBoundaries(db, principal, boundaryOptions);
	}
	const statisticsOptions: StatisticsImportOptions = {
		municipality: slug,
		level: options.level as StatisticsImportOptions['level'],
		file: fileName,
		text,
		match: (options.match ?? 'name') as StatisticsImportOptions['match'],
		keyColumn: options.keyColumn,
		valueColumn: options.valueColumn,
		metric: options.metric,
		unit: options.unit,
		asOf: options.asOf,
		asOfColumn: options.asOf ? undefined : options.asOfColumn,
		source: options.source,
		sourceColumn: options.source ? undefined : options.sourceColumn,
		dryRun
	};
	return importStatistics(db, principal, statisticsOptions);
}

/** The uploading account's id, null for the system. */
function uploaderOf(principal: Principal): string | null {
	return principal.kind === 'user' ? principal.userId : null;
}

/** Deletes uploads older than `UPLOAD_MINUTES`, of any municipality. */
async function purgeUploads(db: DbOrTx): Promise<void> {
	await db.delete(importUpload).where(lt(importUpload.createdAt, new Date(Date.now() - UPLOAD_MINUTES * 60_000)));
}

/**
 * Checks an uploaded file with a dry run of its import and keeps it for the confirmation.
 * @returns `preview` with the upload's id and what the import would change, or `rejected` with
 *   every problem of the file (nothing is kept then).
 * @throws NotFoundError for an unknown municipality.
 * @throws AccessDeniedError without `geography:manage` on it.
 * @throws ValidationError for the form: `file` required | adm_file_too_big | adm_not_utf8, and the
 *   options' issues (see `checkedOptions`).
 */
export async function previewUpload(db: Db, principal: Principal, municipalityId: string, input: UploadInput): Promise<UploadOutcome> {
	const m = await findMunicipalityById(db, municipalityId);
	authorize(principal, 'geography:manage', { municipalityId: m?.id });
	if (!m) throw new NotFoundError('municipality');
	const { options, issues } = checkedOptions(input.kind, input.options);
	const file = fileText(input.bytes);
	if ('issue' in file) issues.unshift(file.issue);
	if (issues.length) throw new ValidationError(issues);
	const fileName = input.fileName.trim().slice(0, 200) || 'upload';
	const text = (file as { text: string }).text;
	let summary: AreaImportSummary;
	try {
		summary = await runImport(db, principal, m.slug, input.kind, fileName, text, options, true);
	} catch (e) {
		if (e instanceof AreaImportError) return { status: 'rejected', fileName, problems: e.details };
		throw e;
	}
	await purgeUploads(db);
	const [row] = await db
		.insert(importUpload)
		.values({ municipalityId: m.id, uploadedBy: uploaderOf(principal), kind: input.kind, options, fileName, content: text })
		.returning({ id: importUpload.id });
	return { status: 'preview', uploadId: row.id, fileName, summary };
}

/**
 * The upload waiting for `principal`'s confirmation.
 * @throws NotFoundError when `id` is not a UUID or names no waiting upload (already imported or
 *   discarded: a second click on "import" says so), or one of another person.
 * @throws AccessDeniedError without `geography:manage` on its municipality.
 * @throws ConflictError `adm_upload_expired` when it waited longer than `UPLOAD_MINUTES`.
 */
async function waitingUpload(db: DbOrTx, principal: Principal, id: string) {
	const [row] = isUuid(id) ? await db.select().from(importUpload).where(eq(importUpload.id, id)) : [];
	// Upload ids are random UUIDs held only by their uploader: "not found" reveals nothing.
	if (!row) throw new NotFoundError('upload');
	authorize(principal, 'geography:manage', { municipalityId: row.municipalityId });
	if (row.uploadedBy !== uploaderOf(principal)) throw new NotFoundError('upload');
	if (row.createdAt.getTime() < Date.now() - UPLOAD_MINUTES * 60_000) throw new ConflictError('adm_upload_expired');
	return row;
}

/**
 * Imports a previewed upload with the importer of the command line, in one transaction, and
 * forgets the file. The areas may have changed since the preview: then the file is refused
 * with its problems and nothing changes.
 * @returns `imported` with what changed, or `rejected` with the problems.
 * @throws NotFoundError, AccessDeniedError, ConflictError as `waitingUpload`.
 */
export async function confirmUpload(db: Db, principal: Principal, id: string): Promise<UploadOutcome> {
	const row = await waitingUpload(db, principal, id);
	const m = (await findMunicipalityById(db, row.municipalityId))!;
	try {
		const summary = await runImport(db, principal, m.slug, row.kind as UploadKind, row.fileName, row.content, row.options, false);
		return { status: 'imported', fileName: row.fileName, summary };
	} catch (e) {
		if (e instanceof AreaImportError) return { status: 'rejected', fileName: row.fileName, problems: e.details };
		throw e;
	} finally {
		await db.delete(importUpload).where(eq(importUpload.id, row.id));
	}
}

/**
 * Forgets a previewed upload without importing it.
 * @throws NotFoundError, AccessDeniedError as `waitingUpload` (an expired one is forgotten too).
 */
export async function discardUpload(db: Db, principal: Principal, id: string): Promise<void> {
	try {
		await waitingUpload(db, principal, id);
	} catch (e) {
		if (!(e instanceof ConflictError)) throw e;
	}
	await db.delete(importUpload).where(eq(importUpload.id, id));
}
