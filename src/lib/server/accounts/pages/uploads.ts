/**
 * The administration page for boundaries and statistics (issue 12 §5): the two upload forms
 * with the options of the command line's importers, the preview of what an upload would change
 * (record by record, old → new), and every problem of a refused file (feature or line, field,
 * reason) in the reader's language. The work is geography's (`geography/uploads.ts`); this page
 * sits with the other administration pages, whose wording of fields and values it shares.
 */
import { authorize, type UserPrincipal } from '../../access';
import type { DbOrTx } from '../../db/client';
import type { ImportProblem } from '../../geography/importers';
import { listDistricts, listSocialSpaces } from '../../geography/service';
import type { UploadInput, UploadKind, UploadOutcome } from '../../geography/uploads';
import { msg } from '../../../messages';
import { m } from '../../../paraglide/messages.js';
import { changeLines } from './audit';

/** The options each form starts with: the property and column names the command line defaults to. */
const DEFAULTS: Record<UploadKind, Record<string, string>> = {
	boundaries: { level: 'district', nameProperty: 'name', codeProperty: 'code', districtMatch: 'code', districtProperty: 'district_code' },
	statistics: { level: 'social_space', match: 'name', keyColumn: '', valueColumn: '', metric: '', unit: 'persons', asOf: '', asOfColumn: '', source: '', sourceColumn: '' }
};

/** Metrics and units the platform names (the form suggests them; others may be typed). */
const METRICS = ['population', 'eligible_voters', 'share_migration_background', 'share_refugees', 'area'];
const UNITS = ['persons', 'percent', 'ha'];

/** The upload form's file and options, from the posted multipart form. */
export async function uploadInput(kind: UploadKind, form: FormData): Promise<UploadInput> {
	const file = form.get('file');
	const options = Object.fromEntries(Object.keys(DEFAULTS[kind]).map((k) => [k, String(form.get(k) ?? '')]));
	return {
		kind,
		fileName: file instanceof File ? file.name : '',
		bytes: file instanceof File ? new Uint8Array(await file.arrayBuffer()) : new Uint8Array(),
		options
	};
}

/**
 * The page's forms: the options' choices and the values to draw each form with.
 * @param entered the form posted last, redrawn with what was entered.
 * @throws AccessDeniedError without `geography:manage` on the person's municipality.
 */
export function uploadsPage(principal: UserPrincipal, entered?: { kind: UploadKind; options: Record<string, string> }) {
	authorize(principal, 'geography:manage', { municipalityId: principal.municipalityId });
	const values = (kind: UploadKind) => (entered?.kind === kind ? { ...DEFAULTS[kind], ...entered.options } : DEFAULTS[kind]);
	return {
		boundaries: values('boundaries'),
		statistics: values('statistics'),
		metrics: METRICS.map((v) => ({ value: v, label: msg(`metric_${v}`) })),
		units: UNITS.map((v) => ({ value: v, label: msg(`unit_${v}`) }))
	};
}

/** Where a problem is, in words: the feature (with its name) or the line; null for the whole file. */
function problemPlace(p: ImportProblem): string | null {
	if (p.feature !== undefined) return p.name ? m.adm_problem_feature_named({ index: p.feature, name: p.name }) : m.adm_problem_feature({ index: p.feature });
	if (p.line !== undefined) return m.adm_problem_line({ line: p.line });
	return null;
}

/**
 * An upload's outcome as the page shows it: counts, the changes record by record (areas and
 * districts by name, values in words), or the problems in the reader's language.
 */
export async function outcomeView(db: DbOrTx, principal: UserPrincipal, outcome: UploadOutcome, locale: string) {
	if (outcome.status === 'rejected') {
		return {
			status: outcome.status,
			fileName: outcome.fileName,
			problems: outcome.problems.map((p) => ({ place: problemPlace(p), field: p.field ?? null, reason: msg(`adm_problem_${p.code}`, p.params ?? {}, m.adm_problem_other()) }))
		};
	}
	const [districts, spaces] = await Promise.all([listDistricts(db, principal.municipalityId), listSocialSpaces(db, { municipalityId: principal.municipalityId })]);
	const names = new Map<string, unknown>([...districts.map((d) => [`district:${d.id}`, d.name] as const), ...spaces.map((s) => [`social_space:${s.id}`, s.name] as const)]);
	const ctx = { locale, names, people: new Map<string, string>() };
	return {
		status: outcome.status,
		fileName: outcome.fileName,
		uploadId: outcome.status === 'preview' ? outcome.uploadId : null,
		counts: { created: outcome.summary.created, updated: outcome.summary.updated, unchanged: outcome.summary.skipped.length },
		changes: outcome.summary.changes.map((c, i) => ({
			key: `${c.record}-${i}`,
			name: c.name ?? m.adm_upload_whole_municipality(),
			action: c.action === 'create' ? m.adm_upload_new() : m.adm_upload_changed(),
			lines: changeLines(c.changes, 'upload', ctx)
		}))
	};
}
