/**
 * One case as its page shows it (issue 4 §2–§6): the read purpose asked first, then the case,
 * its consent, steps, notes, referrals (with the offer search to refer to), accompaniments,
 * colleagues and the read log, dates in the reader's language; and the page's forms, each
 * answering its errors with the `cs_error_…` messages on the fields of that form.
 */
import { requireCase } from '../access';
import { formatDateTime } from '$lib/format';
import { displayName, formatDay } from '$lib/wegweiser';
import type { UserPrincipal } from '../../access';
import { ValidationError } from '../../core/errors';
import type { Db, DbOrTx } from '../../db/client';
import { SUBTOPICS, THEME_FIELDS } from '../../directory/model';
import { searchDirectory } from '../../directory/search';
import { visibleLevels } from '../../directory/service';
import {
	addNote,
	addStep,
	closeCase,
	eraseCase,
	getCaseView,
	markStepDone,
	referCase,
	reopenCase,
	shareCandidates,
	shareCase,
	unshareCase,
	withdrawConsent
} from '../cases';
import { CASE_STEP_KINDS, READ_PURPOSES } from '../model';
import { choosePurpose, listCaseReads, readPurposeOf } from '../read-audit';
import { referralSlipPath } from '../referrals';
import { getCaseworkSettings } from '../settings';
import { inWords } from './errors';
import { mailIssuedReferral } from './referrals';

const TOPICS = THEME_FIELDS.map((t) => ({ key: t.key, subtopics: (SUBTOPICS[t.key as keyof typeof SUBTOPICS] ?? []).map((s) => s.key) }));

/** Longest offer search accepted, in characters (longer text is cut). */
const QUERY_MAX = 200;

/**
 * The case page. Without a read purpose chosen in this session only the purpose form
 * (`needsPurpose`); otherwise everything, which is an audited read (`getCaseView`).
 * @param q the offer search for a referral (`?q=`).
 * @throws NotFoundError, AccessDeniedError.
 */
export async function casePage(db: DbOrTx, principal: UserPrincipal, caseId: string, sessionToken: string | undefined, q: string, locale: string) {
	const fmt = (d: Date | null) => (d ? formatDateTime(d, locale) : null);
	const purpose = await readPurposeOf(db, principal, caseId, sessionToken);
	if (!purpose) return { needsPurpose: true as const, readPurposes: READ_PURPOSES.map((r) => r.key) };
	const view = await getCaseView(db, principal, caseId, sessionToken);
	const settings = await getCaseworkSettings(db, view.case.municipalityId);
	const mayRefer = view.writable && view.consent.purposes.includes('referral');
	const query = q.trim().slice(0, QUERY_MAX);
	const offers =
		mayRefer && query
			? (
					await searchDirectory(db, {
						municipalityId: view.case.municipalityId,
						text: query,
						lang: locale,
						levels: visibleLevels(principal, view.case.municipalityId),
						kind: 'service',
						sort: 'relevance',
						page: 1,
						perPage: 30
					})
				).hits.map((h) => ({ id: h.id, title: h.title[locale] ?? Object.values(h.title)[0] ?? '', organization: h.organizationName, topics: [...h.subtopics, ...h.themeFields] }))
			: [];
	return {
		needsPurpose: false as const,
		purpose,
		case: { ...view.case, languageName: displayName(view.case.language, locale), openedAt: fmt(view.case.openedAt), closedAt: fmt(view.case.closedAt), deleteAfter: fmt(view.case.deleteAfter) },
		consent: { ...view.consent, explainedInName: displayName(view.consent.explainedIn, locale), recordedAt: fmt(view.consent.recordedAt), withdrawnAt: fmt(view.consent.withdrawnAt) },
		steps: view.steps.map((s) => ({ ...s, at: fmt(s.at), doneAt: fmt(s.doneAt), followUpOn: s.followUpOn ? formatDay(s.followUpOn, locale) : null })),
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
		accompaniments: view.accompaniments.map((a) => ({ ...a, appointmentAt: fmt(a.appointmentAt), language: displayName(a.language, locale) })),
		sharedWith: view.sharedWith,
		writable: view.writable,
		mayRefer,
		candidates: view.writable ? await shareCandidates(db, principal, caseId) : [],
		reads: (await listCaseReads(db, principal, caseId, 50)).map((r) => ({ at: fmt(r.at), actor: r.actor, purpose: r.purpose })),
		closureMonths: settings.caseMonthsAfterClosure,
		stepKinds: [...CASE_STEP_KINDS],
		topics: TOPICS,
		q: query,
		offers
	};
}

/** What a form of the case page needs besides the form: who acts, where, in which session. */
export interface CaseFormContext {
	db: Db;
	principal: UserPrincipal;
	caseId: string;
	sessionToken: string | undefined;
	/** The URL's language and the site's origin, for the slip and the partner link. */
	lang: string;
	origin: string;
}

/** Per form of the page: the service's field → the element its error is shown at. */
const FIELDS: Record<string, Record<string, string>> = {
	purpose: { purpose: 'cs-read-purpose' },
	step: { kind: 'cs-step-kind', at: 'cs-step-at', followUpOn: 'cs-step-follow-up', topics: 'cs-step-topics', note: 'cs-step-note' },
	note: { body: 'cs-note-body' },
	refer: { target: 'cs-refer-offer', topic: 'cs-refer-topic', 'shared.needsSummary': 'cs-refer-summary' },
	share: { userId: 'cs-share-user' },
	withdraw: { confirm: 'cs-withdraw-confirm' },
	erase: { confirm: 'cs-erase-confirm' }
};

const field = (form: FormData, name: string) => String(form.get(name) ?? '').trim();

/**
 * A step that cannot be undone needs the tick "I confirm" — asked only of someone who may work
 * the case, so everyone else is refused before anything about the form is said.
 * @throws NotFoundError, AccessDeniedError (see `requireCase`); ValidationError `confirm` confirm_required.
 */
async function confirmed(c: CaseFormContext, form: FormData): Promise<void> {
	await requireCase(c.db, c.principal, c.caseId, 'read');
	if (form.get('confirm') !== 'yes') throw new ValidationError([{ field: 'confirm', code: 'confirm_required' }]);
}

/**
 * The forms of the case page by action name: each reads its fields, calls the service and
 * rethrows validation errors in the page's words; `form` names the form the errors belong to.
 * `refer` returns the partner link, its reference code and the slip to print.
 */
export const CASE_FORMS = {
	purpose: { form: 'purpose', run: (c: CaseFormContext, f: FormData) => choosePurpose(c.db, c.principal, c.caseId, c.sessionToken, field(f, 'purpose')) },
	step: {
		form: 'step',
		run: (c: CaseFormContext, f: FormData) =>
			addStep(c.db, c.principal, c.caseId, { kind: field(f, 'kind'), at: field(f, 'at'), followUpOn: field(f, 'followUpOn'), topics: f.getAll('topics').map(String), note: field(f, 'note') })
	},
	done: { form: 'done', run: (c: CaseFormContext, f: FormData) => markStepDone(c.db, c.principal, c.caseId, field(f, 'stepId')) },
	note: { form: 'note', run: (c: CaseFormContext, f: FormData) => addNote(c.db, c.principal, c.caseId, field(f, 'body')) },
	refer: {
		form: 'refer',
		run: async (c: CaseFormContext, f: FormData) => {
			const { referral, token, caseLanguage } = await referCase(c.db, c.principal, c.caseId, c.sessionToken, {
				serviceId: field(f, 'serviceId') || null,
				topic: field(f, 'topic'),
				shareDisplayName: f.get('shareDisplayName') === 'yes',
				shareLanguage: f.get('shareLanguage') === 'yes',
				needsSummary: field(f, 'needsSummary')
			});
			// The partner link is German by default: the receiving partner's language, not the person's.
			const slip = `${referralSlipPath(c.lang, c.principal.municipalitySlug, referral, token)}&to=${encodeURIComponent(caseLanguage)}`;
			// Mailed to the partner too, in its language, where its entry has an address (issue 12 §7).
			const mailedTo = await mailIssuedReferral(c.db, c.principal, referral.id, c.origin);
			return { link: `${c.origin}/de/r/${token}`, code: referral.referenceCode, slip, mailedTo };
		}
	},
	share: { form: 'share', run: (c: CaseFormContext, f: FormData) => shareCase(c.db, c.principal, c.caseId, field(f, 'userId')) },
	unshare: { form: 'share', run: (c: CaseFormContext, f: FormData) => unshareCase(c.db, c.principal, c.caseId, field(f, 'userId')) },
	close: { form: 'status', run: (c: CaseFormContext) => closeCase(c.db, c.principal, c.caseId) },
	reopen: { form: 'status', run: (c: CaseFormContext) => reopenCase(c.db, c.principal, c.caseId) },
	withdraw: {
		form: 'withdraw',
		run: async (c: CaseFormContext, f: FormData) => {
			await confirmed(c, f);
			return withdrawConsent(c.db, c.principal, c.caseId);
		}
	},
	erase: {
		form: 'erase',
		run: async (c: CaseFormContext, f: FormData) => {
			await confirmed(c, f);
			return eraseCase(c.db, c.principal, c.caseId);
		}
	}
} as const;

/**
 * Runs the form `name` of the case page.
 * @returns what the service returns (the referral for `refer`).
 * @throws NotFoundError, AccessDeniedError, CaseLockedError, PurposeRequiredError;
 *   ValidationError with the `cs_error_…` messages on the form's fields.
 */
export function runCaseForm<K extends keyof typeof CASE_FORMS>(name: K, context: CaseFormContext, form: FormData): Promise<Awaited<ReturnType<(typeof CASE_FORMS)[K]['run']>>> {
	const { form: formName, run } = CASE_FORMS[name];
	return inWords(async () => (run as (c: CaseFormContext, f: FormData) => unknown)(context, form), 'cs_error_', FIELDS[formName]) as Promise<
		Awaited<ReturnType<(typeof CASE_FORMS)[K]['run']>>
	>;
}
