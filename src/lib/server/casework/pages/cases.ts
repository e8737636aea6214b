/**
 * The case list and the form that opens a case on consent (issue 4 §2): no names in the list;
 * the consent form's errors with the `cs_error_…` messages at the fields of the form.
 */
import { formatDateTime } from '$lib/format';
import { displayName, formatDay } from '$lib/wegweiser';
import type { UserPrincipal } from '../../access';
import { ValidationError } from '../../core/errors';
import type { Db, DbOrTx } from '../../db/client';
import { listCases, openCase } from '../cases';
import { CONSENT_DATA_CATEGORIES, CONSENT_PURPOSES, PARTNER_SHAREABLE_CATEGORIES } from '../model';
import { berlinDate } from '../time';
import { withMessages } from './errors';
import { chooseInstance } from './instance-choice';

/** The service's field → the element of the form its error links to. */
const FIELDS: Record<string, string> = {
	instanceId: 'cs-instance',
	language: 'cs-language',
	displayName: 'cs-display-name',
	purposes: 'cs-purpose-0',
	dataCategories: 'cs-category-0',
	partnerCategories: 'cs-partner-0',
	givenOn: 'cs-given-on',
	explainedIn: 'cs-explained-in',
	confirmed: 'cs-confirmed'
};

/**
 * The person's cases (no names) and what the opening form offers, dates in `locale`; with
 * `dueOnly` only the open cases whose next follow-up is today or earlier (the start page's link).
 * @throws AccessDeniedError for anyone but instance staff.
 */
export async function casesPage(db: DbOrTx, principal: UserPrincipal, locale: string, options: { dueOnly?: boolean } = {}, now: Date = new Date()) {
	const all = await listCases(db, principal, now);
	const dueOnly = options.dueOnly === true;
	const cases = dueOnly ? all.filter((c) => c.status === 'open' && c.due) : all;
	return {
		dueOnly,
		cases: cases.map((c) => ({ ...c, language: displayName(c.language, locale), nextFollowUp: c.nextFollowUp ? formatDay(c.nextFollowUp, locale) : null, openedAt: formatDateTime(c.openedAt, locale) })),
		instances: (await chooseInstance(db, principal, null)).mine,
		purposes: CONSENT_PURPOSES.map((x) => x.key),
		categories: CONSENT_DATA_CATEGORIES.map((x) => x.key),
		shareable: [...PARTNER_SHAREABLE_CATEGORIES],
		today: berlinDate(now)
	};
}

/** The opening form as entered; with one instance of the person's, that one. */
export async function openCaseValues(db: DbOrTx, principal: UserPrincipal, form: FormData) {
	const field = (name: string) => String(form.get(name) ?? '').trim();
	const { mine } = await chooseInstance(db, principal, null);
	return {
		instanceId: field('instanceId') || (mine.length === 1 ? mine[0].id : ''),
		language: field('language'),
		displayName: field('displayName'),
		purposes: form.getAll('purposes').map(String),
		dataCategories: form.getAll('dataCategories').map(String),
		partnerCategories: form.getAll('partnerCategories').map(String),
		givenOn: field('givenOn'),
		explainedIn: field('explainedIn'),
		confirmed: form.get('confirmed') === 'yes'
	};
}

/**
 * Opens a case with its consent from the form.
 * @returns the new case's id.
 * @throws NotFoundError, AccessDeniedError; ValidationError with the `cs_error_…` messages.
 */
export async function openCaseFromForm(db: Db, principal: UserPrincipal, values: Awaited<ReturnType<typeof openCaseValues>>): Promise<string> {
	const { confirmed, purposes, dataCategories, partnerCategories, givenOn, explainedIn, ...rest } = values;
	try {
		return (await openCase(db, principal, { ...rest, consent: { purposes, dataCategories, partnerCategories, givenOn, explainedIn, confirmed } })).id;
	} catch (e) {
		if (!(e instanceof ValidationError)) throw e;
		// A missing tick on a confirmation box is not "fill in this field".
		const issues = e.issues.map((i) => (i.field === 'confirmed' && i.code === 'required' ? { ...i, code: 'confirm_required' } : i));
		throw new ValidationError(withMessages(issues, 'cs_error_', FIELDS));
	}
}
