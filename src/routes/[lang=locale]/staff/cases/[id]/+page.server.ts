import { fail, redirect } from '@sveltejs/kit';
import { eq } from 'drizzle-orm';
import { formatDateTime } from '$lib/format';
import {
	addNote,
	addStep,
	closeCase,
	eraseCase,
	getCaseView,
	markStepDone,
	reopenCase,
	shareCandidates,
	shareCase,
	unshareCase,
	withdrawConsent
} from '$lib/server/casework/cases';
import { CASE_STEP_KINDS, READ_PURPOSES } from '$lib/server/casework/model';
import { choosePurpose, listCaseReads, readPurposeOf } from '$lib/server/casework/read-audit';
import { issueReferral, referralSlipPath } from '$lib/server/casework/referrals';
import { getCaseworkSettings } from '$lib/server/casework/settings';
import { getDb } from '$lib/server/db';
import type { DbOrTx } from '$lib/server/db/client';
import { SUBTOPICS, THEME_FIELDS } from '$lib/server/directory/model';
import { searchDirectory } from '$lib/server/directory/search';
import { visibleLevels } from '$lib/server/directory/service';
import { ValidationError } from '$lib/server/core/errors';
import { text } from '$lib/server/http/forms';
import { socialSpace } from '$lib/server/geography/schema';
import { instanceSocialSpace } from '$lib/server/instances/schema';
import { caseFieldErrors, caseHttpError } from '../case-http';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const TOPICS = THEME_FIELDS.map((t) => ({ key: t.key, subtopics: (SUBTOPICS[t.key as keyof typeof SUBTOPICS] ?? []).map((s) => s.key) }));

/** The Stadtbezirk a referral of the instance is counted for: the one district its social spaces lie in, if only one. */
async function instanceDistrict(db: DbOrTx, instanceId: string): Promise<string | null> {
	const rows = await db
		.selectDistinct({ districtId: socialSpace.districtId })
		.from(instanceSocialSpace)
		.innerJoin(socialSpace, eq(socialSpace.id, instanceSocialSpace.socialSpaceId))
		.where(eq(instanceSocialSpace.instanceId, instanceId));
	return rows.length === 1 ? rows[0].districtId : null;
}

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const p = locals.principal!;
	const db = await getDb();
	const fmt = (d: Date | null) => (d ? formatDateTime(d, locals.locale) : null);
	try {
		const purpose = await readPurposeOf(db, p, params.id, locals.sessionToken);
		if (!purpose) return { needsPurpose: true as const, readPurposes: READ_PURPOSES.map((r) => r.key) };
		const view = await getCaseView(db, p, params.id, locals.sessionToken);
		const settings = await getCaseworkSettings(db, view.case.municipalityId);
		const mayRefer = view.writable && view.consent.purposes.includes('referral');
		const q = (url.searchParams.get('q') ?? '').trim().slice(0, 200);
		const offers =
			mayRefer && q
				? (
						await searchDirectory(db, {
							municipalityId: view.case.municipalityId,
							text: q,
							lang: locals.locale,
							levels: visibleLevels(p, view.case.municipalityId),
							kind: 'service',
							sort: 'relevance',
							page: 1,
							perPage: 30
						})
					).hits.map((h) => ({ id: h.id, title: h.title[locals.locale] ?? Object.values(h.title)[0] ?? '', organization: h.organizationName, topics: [...h.subtopics, ...h.themeFields] }))
				: [];
		return {
			needsPurpose: false as const,
			purpose,
			case: { ...view.case, openedAt: fmt(view.case.openedAt), closedAt: fmt(view.case.closedAt), deleteAfter: fmt(view.case.deleteAfter) },
			consent: { ...view.consent, recordedAt: fmt(view.consent.recordedAt), withdrawnAt: fmt(view.consent.withdrawnAt) },
			steps: view.steps.map((s) => ({ ...s, at: fmt(s.at), doneAt: fmt(s.doneAt) })),
			notes: view.notes.map((n) => ({ ...n, createdAt: fmt(n.createdAt) })),
			referrals: view.referrals.map((r) => ({
				id: r.id,
				targetLabel: r.targetLabel,
				topic: r.topic,
				status: r.status,
				referenceCode: r.referenceCode,
				createdAt: fmt(r.createdAt),
				events: r.events.map((e) => ({ status: e.status, at: fmt(e.at) }))
			})),
			accompaniments: view.accompaniments.map((a) => ({ ...a, appointmentAt: fmt(a.appointmentAt) })),
			sharedWith: view.sharedWith,
			writable: view.writable,
			mayRefer,
			candidates: view.writable ? await shareCandidates(db, p, params.id) : [],
			reads: (await listCaseReads(db, p, params.id, 50)).map((r) => ({ at: fmt(r.at), actor: r.actor, purpose: r.purpose })),
			closureMonths: settings.caseMonthsAfterClosure,
			stepKinds: [...CASE_STEP_KINDS],
			topics: TOPICS,
			q,
			offers
		};
	} catch (e) {
		caseHttpError(e);
	}
};

type Event = RequestEvent;

/** Runs a case write; validation errors go back to the form named `formName`, everything else is mapped. */
async function write(event: Event, formName: string, fn: (form: FormData) => Promise<unknown>) {
	const form = await event.request.formData();
	try {
		const result = await fn(form);
		return { form: formName, saved: true, result };
	} catch (e) {
		if (e instanceof ValidationError) return fail(400, { form: formName, errors: caseFieldErrors(e.issues) });
		caseHttpError(e, `/${event.params.lang}/staff/cases/${event.params.id}`);
	}
}

function confirmed(form: FormData): void {
	if (form.get('confirm') !== 'yes') throw new ValidationError([{ field: 'confirm', code: 'confirm_required' }]);
}

export const actions: Actions = {
	purpose: async (event) => {
		const db = await getDb();
		const form = await event.request.formData();
		try {
			await choosePurpose(db, event.locals.principal!, event.params.id, event.locals.sessionToken, text(form, 'purpose'));
		} catch (e) {
			if (e instanceof ValidationError) return fail(400, { form: 'purpose', errors: caseFieldErrors(e.issues) });
			caseHttpError(e);
		}
		redirect(303, `/${event.params.lang}/staff/cases/${event.params.id}`);
	},
	step: (event) =>
		write(event, 'step', async (form) =>
			addStep(await getDb(), event.locals.principal!, event.params.id, {
				kind: text(form, 'kind'),
				at: text(form, 'at'),
				followUpOn: text(form, 'followUpOn'),
				topics: form.getAll('topics').map(String),
				note: text(form, 'note')
			})
		),
	done: (event) => write(event, 'done', async (form) => markStepDone(await getDb(), event.locals.principal!, event.params.id, text(form, 'stepId'))),
	note: (event) => write(event, 'note', async (form) => addNote(await getDb(), event.locals.principal!, event.params.id, text(form, 'body'))),
	refer: (event) =>
		write(event, 'refer', async (form) => {
			const db = await getDb();
			const p = event.locals.principal!;
			const view = await getCaseView(db, p, event.params.id, event.locals.sessionToken);
			const shareName = form.get('shareDisplayName') === 'yes';
			const shareLanguage = form.get('shareLanguage') === 'yes';
			const { referral, token } = await db.transaction(async (tx) =>
				issueReferral(tx, p, view.case.municipalityId, await instanceDistrict(tx, view.case.instanceId), {
					instanceId: view.case.instanceId,
					serviceId: text(form, 'serviceId') || null,
					topic: text(form, 'topic'),
					caseId: view.case.id,
					shared: {
						displayName: shareName ? (view.case.displayName ?? undefined) : undefined,
						language: shareLanguage ? view.case.language : undefined,
						needsSummary: text(form, 'needsSummary') || undefined
					}
				})
			);
			// The partner link is German by default: the receiving partner's language, not the person's.
			const slip = `${referralSlipPath(event.params.lang, p.municipalitySlug, referral, token)}&to=${encodeURIComponent(view.case.language)}`;
			return { link: `${event.url.origin}/de/r/${token}`, code: referral.referenceCode, slip };
		}),
	share: (event) => write(event, 'share', async (form) => shareCase(await getDb(), event.locals.principal!, event.params.id, text(form, 'userId'))),
	unshare: (event) => write(event, 'share', async (form) => unshareCase(await getDb(), event.locals.principal!, event.params.id, text(form, 'userId'))),
	close: (event) => write(event, 'status', async () => closeCase(await getDb(), event.locals.principal!, event.params.id)),
	reopen: (event) => write(event, 'status', async () => reopenCase(await getDb(), event.locals.principal!, event.params.id)),
	withdraw: (event) =>
		write(event, 'withdraw', async (form) => {
			confirmed(form);
			return withdrawConsent(await getDb(), event.locals.principal!, event.params.id);
		}),
	erase: async (event) => {
		const form = await event.request.formData();
		try {
			confirmed(form);
			await eraseCase(await getDb(), event.locals.principal!, event.params.id);
		} catch (e) {
			if (e instanceof ValidationError) return fail(400, { form: 'erase', errors: caseFieldErrors(e.issues) });
			caseHttpError(e);
		}
		redirect(303, `/${event.params.lang}/staff/cases?erased=1`);
	}
};
