/**
 * Form plumbing shared by the programme and self-assessment pages (issue 5 §2, §5): reading the
 * programme form, turning service `FieldIssue`s into the `FormError` list the pages show (error
 * summary linked to the field), and the option lists of the programme form.
 */
import { msg } from '$lib/messages';
import type { UserPrincipal } from '$lib/server/access';
import type { DbOrTx } from '$lib/server/db/client';
import { getServices, listEntryIds } from '$lib/server/directory/service';
import { pickText } from '$lib/server/directory/texts';
import type { FieldIssue } from '$lib/server/core/errors';
import { text } from '$lib/server/http/forms';
import { listSocialSpaces } from '$lib/server/geography/service';
import type { ProgrammeInput } from '$lib/server/steering/programmes';

/** One problem as the page shows it: `id` is the element the summary links to. */
export interface FormError {
	field: string;
	id: string;
	message: string;
}

/** The message of an issue code: our own `pg_`/`sa_` keys, otherwise the shared `error_<code>`. */
export function issueMessage(issue: FieldIssue): string {
	const params = issue.params ?? {};
	if (issue.code.startsWith('pg_') || issue.code.startsWith('sa_')) return msg(issue.code, params, msg('error_invalid'));
	return msg(`error_${issue.code}`, params, msg('error_invalid'));
}

/**
 * Issues → page errors, first issue per field. The element id is the field path with dots as
 * dashes (`deadlines.2.dueOn` → `deadlines-2-dueOn`), which is how the forms name their inputs' ids.
 */
export function formErrors(issues: FieldIssue[]): FormError[] {
	const out: FormError[] = [];
	for (const issue of issues) {
		if (out.some((e) => e.field === issue.field)) continue;
		out.push({ field: issue.field, id: issue.field.replaceAll('.', '-'), message: issueMessage(issue) });
	}
	return out;
}

/** Blank deadline rows offered below the filled ones (and added by "more rows"). */
export const BLANK_DEADLINE_ROWS = 3;

/** Reads the programme form (deadline rows `deadline_date_<i>` / `deadline_label_<i>`). */
export function programmeFromForm(form: FormData): ProgrammeInput {
	const rows = Number(text(form, 'deadline_rows')) || 0;
	const deadlines: ProgrammeInput['deadlines'] = [];
	for (let i = 0; i < Math.min(rows, 200); i++) deadlines.push({ dueOn: text(form, `deadline_date_${i}`), label: text(form, `deadline_label_${i}`) });
	const list = (name: string) => form.getAll(name).filter((v): v is string => typeof v === 'string' && v !== '');
	return {
		name: text(form, 'name'),
		description: text(form, 'description'),
		funderLevel: text(form, 'funderLevel'),
		funderName: text(form, 'funderName'),
		themeFields: list('themeFields'),
		targetGroups: list('targetGroups'),
		socialSpaceIds: list('socialSpaceIds'),
		budget: text(form, 'budget'),
		startsOn: text(form, 'startsOn'),
		endsOn: text(form, 'endsOn'),
		deadlines,
		url: text(form, 'url'),
		contactName: text(form, 'contactName'),
		contactEmail: text(form, 'contactEmail'),
		contactPhone: text(form, 'contactPhone'),
		serviceIds: list('serviceIds')
	};
}

/** The social spaces and offers of the principal's municipality offered in the programme form. */
export async function programmeFormOptions(db: DbOrTx, principal: UserPrincipal, locale: string) {
	const levels = ['public', 'network', 'internal'] as const;
	const spaces = await listSocialSpaces(db, { municipalityId: principal.municipalityId });
	const { serviceIds } = await listEntryIds(db, principal.municipalityId, [...levels]);
	const services = await getServices(db, serviceIds, [...levels]);
	return {
		spaces: spaces.map((s) => ({ id: s.id, name: s.name })),
		offers: services
			.map((s) => ({ id: s.id, name: `${pickText(s.name, locale)?.text ?? s.id} – ${s.organization.name}` }))
			.sort((a, b) => a.name.localeCompare(b.name, locale))
	};
}
