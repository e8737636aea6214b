import { redirect, type RequestEvent } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { formValues } from '$lib/server/networks/pages/forms';
import {
	actionDoneFromForm,
	actionFromForm,
	addItemFromForm,
	attendanceFromForm,
	changeItemFromForm,
	decisionFromForm,
	escalateFromForm,
	inviteFromForm,
	meetingPage,
	minutesFromForm,
	proposeFromForm,
	stateFromForm
} from '$lib/server/networks/pages/meeting';
import type { UserPrincipal } from '$lib/server/access';
import type { Actions, PageServerLoad } from './$types';

type Db = Awaited<ReturnType<typeof getDb>>;

/** One meeting (issue 14 §3, §4): agenda, attendance, minutes, decisions, action items, versions, escalation. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await meetingPage(await getDb(), p, event.params.id, event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};

/**
 * One form of the page: runs `work`, then back to the page at `anchor` (with `query` telling
 * what happened); invalid input redraws the form named `formName` with its values and errors.
 */
function act(formName: string, anchor: string, work: (db: Db, p: UserPrincipal, form: FormData, event: RequestEvent) => Promise<string | void>) {
	return async (event: RequestEvent) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(
			async () => {
				const query = await work(await getDb(), p, form, event);
				redirect(303, `/${event.params.lang}/staff/networks/meetings/${event.params.id}${query ? `?${query}` : ''}#${anchor}`);
			},
			() => ({ values: formValues(form), formName: formName === 'item' ? `item-${form.get('itemId')}` : formName })
		);
	};
}

export const actions: Actions = {
	/** A member proposes an agenda item before the deadline. */
	propose: act('propose', 'nw-agenda', async (db, p, form, e) => void (await proposeFromForm(db, p, e.params.id!, form))),
	/** The coordinator sets an item on the agenda. */
	add: act('add', 'nw-agenda', async (db, p, form, e) => void (await addItemFromForm(db, p, e.params.id!, form))),
	/** Accept, decline, public, internal, up, down. */
	item: act('item', 'nw-agenda', async (db, p, form) => void (await changeItemFromForm(db, p, form))),
	/** One item's minutes. */
	minutes: act('item', 'nw-agenda', async (db, p, form) => void (await minutesFromForm(db, p, form))),
	/** A decision on an item. */
	decision: act('item', 'nw-agenda', async (db, p, form) => void (await decisionFromForm(db, p, form))),
	/** An action item with owner and due date. */
	action: act('action', 'nw-actions', async (db, p, form, e) => void (await actionFromForm(db, p, e.params.id!, form))),
	/** An action item done, or open again. */
	done: act('done', 'nw-actions', async (db, p, form) => void (await actionDoneFromForm(db, p, form))),
	/** Who was there: organisations, and persons with consent. */
	attendance: act('attendance', 'nw-attendance', async (db, p, form, e) => void (await attendanceFromForm(db, p, e.params.id!, form))),
	/** Held or cancelled; minutes circulated, approved, back to draft, or a new version. */
	state: act('state', 'nw-state', async (db, p, form, e) => void (await stateFromForm(db, p, e.params.id!, form))),
	/** Mails the invitations with their iCalendar part. */
	invite: act('invite', 'nw-invite', async (db, p, _form, e) => `invited=${(await inviteFromForm(db, p, e.params.id!)).sent}`),
	/** A decision goes upward: as a needs report, or to a city-wide body's agenda. */
	escalate: act('escalate', 'nw-escalate', async (db, p, form, e) => {
		await escalateFromForm(db, p, e.params.id!, form, e.url.origin);
		return 'escalated=1';
	})
};
