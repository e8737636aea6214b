/**
 * Begleitung (issue 4 §4) as staff see it: the form that asks for a volunteer for an
 * appointment of a case, and the instance's list of requested and assigned accompaniments
 * with the volunteers to assign.
 */
import { formatDateTime } from '$lib/format';
import { msg } from '$lib/messages';
import { displayName } from '$lib/wegweiser';
import type { UserPrincipal } from '../../access';
import { AccessDeniedError } from '../../core/errors';
import type { Db, DbOrTx } from '../../db/client';
import { CaseLockedError, requireCase } from '../access';
import { assignVolunteer, listAccompaniments, listVolunteers, requestAccompaniment, setAccompanimentStatus } from '../accompaniment';
import { parseBerlinLocal } from '../time';
import { inWords } from './errors';
import { chooseInstance } from './instance-choice';

/**
 * The request form of a case: shows nothing of the case itself; says so when the case takes no
 * writes (`locked`) or its consent does not cover accompaniment (`covered` false).
 * @throws NotFoundError, AccessDeniedError without `cases:work` on the case.
 */
export async function accompanimentRequestPage(db: DbOrTx, principal: UserPrincipal, caseId: string) {
	let locked: string | null = null;
	let covered = false;
	try {
		const { consent } = await requireCase(db, principal, caseId, 'write');
		covered = consent.purposes.includes('accompaniment');
	} catch (e) {
		if (!(e instanceof CaseLockedError)) throw e;
		locked = msg(`cr_case_locked_${e.reason}`);
	}
	return { caseId, locked, covered };
}

/** The request as entered (the form is drawn again with it). */
export function accompanimentValues(form: FormData) {
	const field = (name: string) => String(form.get(name) ?? '').trim();
	return { appointmentAt: field('appointmentAt'), place: field('place'), language: field('language') };
}

/**
 * Asks for an accompaniment of the case.
 * @throws NotFoundError, AccessDeniedError; ValidationError with the `cr_error_…` messages, a
 *   locked case as an issue of the field `case`.
 */
export async function requestFromForm(db: Db, principal: UserPrincipal, caseId: string, values: ReturnType<typeof accompanimentValues>): Promise<void> {
	const appointmentAt = parseBerlinLocal(values.appointmentAt) ?? new Date(Number.NaN);
	await inWords(() => requestAccompaniment(db, principal, caseId, { appointmentAt, place: values.place, language: values.language }), 'cr_error_', {}, true);
}

/**
 * The accompaniments of one of the person's instances (`instance`), dates and languages in
 * `locale`, and the volunteers to assign.
 * @throws AccessDeniedError for people who work for no instance.
 */
export async function accompanimentsPage(db: DbOrTx, principal: UserPrincipal, instance: string | null, locale: string) {
	const { chosen, mine } = await chooseInstance(db, principal, instance);
	if (!chosen) throw new AccessDeniedError();
	const [items, volunteers] = await Promise.all([listAccompaniments(db, principal, chosen.id), listVolunteers(db, principal, chosen.id)]);
	return {
		instance: chosen,
		instances: mine,
		volunteers,
		items: items.map((a) => ({
			id: a.id,
			caseId: a.caseId,
			when: formatDateTime(a.appointmentAt, locale),
			place: a.place,
			language: displayName(a.language, locale),
			status: msg(`cr_acc_status_${a.status}`),
			volunteerId: a.volunteerId,
			volunteerName: a.volunteerName
		}))
	};
}

/**
 * Assigns a volunteer (`volunteer`) to an accompaniment (`id`) of the form.
 * @throws NotFoundError, AccessDeniedError; ValidationError with the `cr_error_…` messages, a
 *   locked case as an issue of the field `case`.
 */
export async function assignFromForm(db: Db, principal: UserPrincipal, id: string, form: FormData): Promise<void> {
	await inWords(() => assignVolunteer(db, principal, id, String(form.get('volunteer') ?? '').trim()), 'cr_error_', {}, true);
}

/**
 * Closes an accompaniment (`id`) as the form's `status` (`done` or `cancelled`).
 * @throws as `assignFromForm`.
 */
export async function closeFromForm(db: Db, principal: UserPrincipal, id: string, form: FormData): Promise<void> {
	await inWords(() => setAccompanimentStatus(db, principal, id, String(form.get('status') ?? '').trim()), 'cr_error_', {}, true);
}
