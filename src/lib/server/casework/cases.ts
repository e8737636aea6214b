/**
 * Lotsen-Fälle (issue 4 §2, §5, §6): pseudonymous cases that exist only with a recorded consent,
 * their steps (contacts, appointments, accompaniment, referrals) with follow-up dates, encrypted
 * notes, sharing with named colleagues, closure, withdrawal of consent and erasure on request.
 *
 * Every function goes through `requireCase` (access.ts), the one gate to case data. Writes are
 * audited with ids, field names and statuses only — never names or note text (encrypted fields
 * appear as `['…', '…']`). Legal frame: Art. 6(1)(a), 7, 9(2)(a) GDPR (consent), Art. 7(3)
 * (withdrawal stops processing), Art. 17 (erasure), Art. 5(1)(c) (data minimisation: a display
 * name only if the consent covers it, the case list shows no names).
 */
import { and, asc, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { actingUserId, auditActor, authorize, can, type Principal, type UserPrincipal } from '../access';
import { activeAccounts, sessionIdsOf } from '../accounts/casework-reads';
import { userNames } from '../accounts/users';
import { recordAudit, type AuditInput } from '../audit/service';
import { AccessDeniedError, NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { canonicalLanguageTag, isIsoDate, isUuid } from '../core/validation';
import type { Db, DbOrTx } from '../db/client';
import { caseworkInstance } from '../instances/casework-reads';
import { CaseLockedError, requireCase, type CaseAccess } from './access';
import { decryptOptional, decryptText, encryptOptional, encryptText } from './crypto';
import {
	CASE_STEP_KINDS,
	CONSENT_DATA_CATEGORIES,
	CONSENT_PURPOSES,
	DISPLAY_NAME_MAX,
	NOTE_MAX,
	PARTNER_SHAREABLE_CATEGORIES,
	type CaseStepKind
} from './model';
import { recordCaseRead } from './read-audit';
import { isTopicKey, issueReferral, type IssuedReferral } from './referrals';
import { accompaniment, caseConsent, caseFile, caseNote, caseReadPurpose, caseShare, caseStep, referral, referralEvent } from './schema';
import { getCaseworkSettings } from './settings';
import { berlinDate, parseBerlinLocal } from './time';

/** The consent as recorded on the form (Einwilligungserklärung). */
export interface ConsentInput {
	/** Keys of `CONSENT_PURPOSES`; must include `counselling`. */
	purposes: string[];
	/** Keys of `CONSENT_DATA_CATEGORIES`; at least one. */
	dataCategories: string[];
	/** ⊆ `PARTNER_SHAREABLE_CATEGORIES` and ⊆ `dataCategories`; may be empty. */
	partnerCategories: string[];
	/** Day the person gave consent, `YYYY-MM-DD`, not in the future (Europe/Berlin). */
	givenOn: string;
	/** BCP 47 tag of the language the consent was explained in. */
	explainedIn: string;
	/** The staff member confirms the consent was explained and signed (Art. 7(1): demonstrable). */
	confirmed: boolean;
}

/** A new case of `instanceId`. */
export interface OpenCaseInput {
	instanceId: string;
	/** BCP 47 tag of the language the person prefers. */
	language: string;
	/** Only if `consent.dataCategories` includes `display_name`; stored encrypted. */
	displayName?: string | null;
	consent: ConsentInput;
}

/** A new case step. */
export interface StepInput {
	kind: string;
	/** When it happened or is scheduled: a Date, an ISO date-time with zone, or `YYYY-MM-DDTHH:MM` in Europe/Berlin. */
	at: string | Date;
	/** Wiedervorlage, `YYYY-MM-DD`, or empty. */
	followUpOn?: string | null;
	/** Sub-topic or theme-field keys of the directory vocabulary. */
	topics?: string[];
	/** Free text, stored encrypted; needs the data category `notes`. */
	note?: string | null;
}

function addMonths(date: Date, months: number): Date {
	const d = new Date(date);
	d.setUTCMonth(d.getUTCMonth() + months);
	return d;
}

/**
 * Checks a consent. Field codes: `purposes` required|unknown_value|counselling_required;
 * `dataCategories` required|unknown_value; `partnerCategories` not_shareable|not_in_data_categories;
 * `givenOn` required|invalid_date|in_future; `explainedIn` required|invalid_language;
 * `confirmed` required.
 */
function consentIssues(consent: ConsentInput, now: Date = new Date()): FieldIssue[] {
	const issues: FieldIssue[] = [];
	const purposeKeys: string[] = CONSENT_PURPOSES.map((p) => p.key);
	const categoryKeys: string[] = CONSENT_DATA_CATEGORIES.map((c) => c.key);
	if (!consent.purposes.length) issues.push({ field: 'purposes', code: 'required' });
	else if (consent.purposes.some((p) => !purposeKeys.includes(p))) issues.push({ field: 'purposes', code: 'unknown_value' });
	else if (!consent.purposes.includes('counselling')) issues.push({ field: 'purposes', code: 'counselling_required' });
	if (!consent.dataCategories.length) issues.push({ field: 'dataCategories', code: 'required' });
	else if (consent.dataCategories.some((c) => !categoryKeys.includes(c))) issues.push({ field: 'dataCategories', code: 'unknown_value' });
	if (consent.partnerCategories.some((c) => !(PARTNER_SHAREABLE_CATEGORIES as readonly string[]).includes(c))) {
		issues.push({ field: 'partnerCategories', code: 'not_shareable' });
	} else if (consent.partnerCategories.some((c) => !consent.dataCategories.includes(c))) {
		issues.push({ field: 'partnerCategories', code: 'not_in_data_categories' });
	}
	if (!consent.givenOn) issues.push({ field: 'givenOn', code: 'required' });
	else if (!isIsoDate(consent.givenOn)) issues.push({ field: 'givenOn', code: 'invalid_date' });
	else if (consent.givenOn > berlinDate(now)) issues.push({ field: 'givenOn', code: 'in_future' });
	if (!consent.explainedIn.trim()) issues.push({ field: 'explainedIn', code: 'required' });
	else if (!canonicalLanguageTag(consent.explainedIn)) issues.push({ field: 'explainedIn', code: 'invalid_language' });
	if (consent.confirmed !== true) issues.push({ field: 'confirmed', code: 'required' });
	return issues;
}

/** Writes one audit row about a case (ids, field names, statuses only). */
function audit(db: DbOrTx, principal: Principal, access: Pick<CaseAccess, 'caseRow'>, action: string, entityType: string, entityId: string, changes: NonNullable<AuditInput['changes']>) {
	return recordAudit(db, {
		...auditActor(principal),
		municipalityId: access.caseRow.municipalityId,
		action,
		entityType,
		entityId,
		changes: { ...(entityType === 'case' ? {} : { caseId: [null, access.caseRow.id] }), ...changes }
	});
}

/**
 * Opens a case with its consent in one transaction. The case number `K-<year>-<NNNN>` counts per
 * instance and Berlin calendar year; a per-instance advisory lock inside the transaction keeps
 * two concurrent openings from drawing the same number.
 * @returns the new case's id and number.
 * @throws AccessDeniedError (not staff of the instance), NotFoundError (unknown instance),
 *   ValidationError `instanceId` required,
 *   ValidationError with `consentIssues` codes plus `language` required|invalid_language,
 *   `displayName` consent_not_covered|too_long.
 */
export async function openCase(db: Db, principal: Principal, input: OpenCaseInput, now: Date = new Date()): Promise<{ id: string; caseNumber: string }> {
	if (!input.instanceId) {
		// Someone who works no instance's cases is refused, not asked to choose an instance.
		const worksCases = principal.kind === 'system' || principal.instanceIds.some((instanceId) => can(principal, 'cases:work', { municipalityId: principal.municipalityId, instanceId }));
		if (!worksCases) throw new AccessDeniedError();
		throw new ValidationError([{ field: 'instanceId', code: 'required' }]);
	}
	const inst = await caseworkInstance(db, input.instanceId);
	if (!inst) throw new NotFoundError(`instance ${input.instanceId}`);
	authorize(principal, 'cases:work', { municipalityId: inst.municipalityId, instanceId: inst.id });
	const issues = consentIssues(input.consent, now);
	const language = canonicalLanguageTag(input.language ?? '');
	if (!input.language?.trim()) issues.push({ field: 'language', code: 'required' });
	else if (!language) issues.push({ field: 'language', code: 'invalid_language' });
	const displayName = input.displayName?.trim() || null;
	if (displayName && !input.consent.dataCategories.includes('display_name')) issues.push({ field: 'displayName', code: 'consent_not_covered' });
	if (displayName && displayName.length > DISPLAY_NAME_MAX) issues.push({ field: 'displayName', code: 'too_long', params: { max: DISPLAY_NAME_MAX } });
	if (issues.length) throw new ValidationError(issues);
	const consent = input.consent;
	return db.transaction(async (tx) => {
		await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${'case_number:' + inst.id}, 0))`);
		const year = berlinDate(now).slice(0, 4);
		const prefix = `K-${year}-`;
		const [{ last }] = await tx
			.select({ last: sql<number | null>`max(substring(${caseFile.caseNumber} from '^K-[0-9]{4}-([0-9]+)$')::int)` })
			.from(caseFile)
			.where(and(eq(caseFile.instanceId, inst.id), sql`${caseFile.caseNumber} like ${prefix + '%'}`));
		const caseNumber = `${prefix}${String((Number(last) || 0) + 1).padStart(4, '0')}`;
		const [row] = await tx
			.insert(caseFile)
			.values({
				municipalityId: inst.municipalityId,
				instanceId: inst.id,
				caseNumber,
				displayNameEnc: encryptOptional(displayName),
				language: language!,
				status: 'open',
				openedAt: now,
				createdBy: actingUserId(principal),
				updatedAt: now
			})
			.returning();
		const [consentRow] = await tx
			.insert(caseConsent)
			.values({
				caseId: row.id,
				purposes: [...new Set(consent.purposes)],
				dataCategories: [...new Set(consent.dataCategories)],
				partnerCategories: [...new Set(consent.partnerCategories)],
				givenOn: consent.givenOn,
				explainedIn: canonicalLanguageTag(consent.explainedIn)!,
				recordedBy: actingUserId(principal),
				recordedAt: now
			})
			.returning();
		const access = { caseRow: row };
		await audit(tx, principal, access, 'create', 'case', row.id, {
			caseNumber: [null, caseNumber],
			instanceId: [null, inst.id],
			language: [null, row.language],
			status: [null, 'open'],
			...(displayName ? { displayName: ['…', '…'] } : {})
		});
		await audit(tx, principal, access, 'create', 'case_consent', consentRow.id, {
			purposes: [null, consentRow.purposes],
			dataCategories: [null, consentRow.dataCategories],
			partnerCategories: [null, consentRow.partnerCategories],
			givenOn: [null, consentRow.givenOn],
			explainedIn: [null, consentRow.explainedIn]
		});
		return { id: row.id, caseNumber };
	});
}

/**
 * Adds a step. Appointments and accompaniments need the data category `appointments`, topics
 * need `topics`, a note needs `notes`, an accompaniment step the purpose `accompaniment` and a
 * referral step the purpose `referral`.
 * @returns the step id.
 * @throws NotFoundError, AccessDeniedError, CaseLockedError; ValidationError: `kind`
 *   unknown_value, `at` required|invalid_date, `followUpOn` invalid_date, `topics` unknown_value,
 *   `note` too_long, and `consent_not_covered` on the field the consent does not cover.
 */
export async function addStep(db: Db, principal: Principal, caseId: string, input: StepInput, now: Date = new Date()): Promise<string> {
	return db.transaction(async (tx) => {
		const access = await requireCase(tx, principal, caseId, 'write');
		const { consent } = access;
		const issues: FieldIssue[] = [];
		const kind = input.kind as CaseStepKind;
		if (!(CASE_STEP_KINDS as readonly string[]).includes(kind)) issues.push({ field: 'kind', code: 'unknown_value' });
		const at = input.at instanceof Date ? input.at : input.at ? parseBerlinLocal(input.at) : null;
		if (!input.at) issues.push({ field: 'at', code: 'required' });
		else if (!at || Number.isNaN(at.getTime())) issues.push({ field: 'at', code: 'invalid_date' });
		const followUpOn = input.followUpOn?.trim() || null;
		if (followUpOn && !isIsoDate(followUpOn)) issues.push({ field: 'followUpOn', code: 'invalid_date' });
		const topics = [...new Set(input.topics ?? [])];
		if (topics.some((t) => !isTopicKey(t))) issues.push({ field: 'topics', code: 'unknown_value' });
		else if (topics.length && !consent.dataCategories.includes('topics')) issues.push({ field: 'topics', code: 'consent_not_covered' });
		const note = input.note?.trim() || null;
		if (note && note.length > NOTE_MAX) issues.push({ field: 'note', code: 'too_long', params: { max: NOTE_MAX } });
		else if (note && !consent.dataCategories.includes('notes')) issues.push({ field: 'note', code: 'consent_not_covered' });
		if ((kind === 'appointment' || kind === 'accompaniment') && !consent.dataCategories.includes('appointments')) {
			issues.push({ field: 'kind', code: 'consent_not_covered' });
		} else if (kind === 'accompaniment' && !consent.purposes.includes('accompaniment')) issues.push({ field: 'kind', code: 'consent_not_covered' });
		else if (kind === 'referral' && !consent.purposes.includes('referral')) issues.push({ field: 'kind', code: 'consent_not_covered' });
		if (issues.length) throw new ValidationError(issues);
		const [step] = await tx
			.insert(caseStep)
			.values({ caseId, kind, at: at!, followUpOn, topics, noteEnc: encryptOptional(note), createdBy: actingUserId(principal), createdAt: now })
			.returning({ id: caseStep.id });
		await touch(tx, caseId, now);
		await audit(tx, principal, access, 'create', 'case_step', step.id, {
			kind: [null, kind],
			at: [null, at!.toISOString()],
			followUpOn: [null, followUpOn],
			topics: [null, topics],
			...(note ? { note: ['…', '…'] } : {})
		});
		return step.id;
	});
}

function touch(db: DbOrTx, caseId: string, now: Date) {
	return db.update(caseFile).set({ updatedAt: now }).where(eq(caseFile.id, caseId));
}

/**
 * Marks a step as done (its follow-up no longer counts as due).
 * @throws NotFoundError (also for a step of another case), AccessDeniedError, CaseLockedError.
 */
export async function markStepDone(db: Db, principal: Principal, caseId: string, stepId: string, now: Date = new Date()): Promise<void> {
	await db.transaction(async (tx) => {
		const access = await requireCase(tx, principal, caseId, 'write');
		if (!isUuid(stepId)) throw new NotFoundError(`step ${stepId}`);
		const [step] = await tx.update(caseStep).set({ doneAt: now }).where(and(eq(caseStep.id, stepId), eq(caseStep.caseId, caseId), isNull(caseStep.doneAt))).returning({ id: caseStep.id });
		if (!step) throw new NotFoundError(`open step ${stepId}`);
		await touch(tx, caseId, now);
		await audit(tx, principal, access, 'update', 'case_step', stepId, { doneAt: [null, now.toISOString()] });
	});
}

/**
 * Adds an encrypted free-text note; needs the data category `notes` in the consent.
 * @returns the note id.
 * @throws NotFoundError, AccessDeniedError, CaseLockedError; ValidationError `body`
 *   required|too_long|consent_not_covered.
 */
export async function addNote(db: Db, principal: Principal, caseId: string, body: string, now: Date = new Date()): Promise<string> {
	return db.transaction(async (tx) => {
		const access = await requireCase(tx, principal, caseId, 'write');
		const text = body.trim();
		if (!text) throw new ValidationError([{ field: 'body', code: 'required' }]);
		if (text.length > NOTE_MAX) throw new ValidationError([{ field: 'body', code: 'too_long', params: { max: NOTE_MAX } }]);
		if (!access.consent.dataCategories.includes('notes')) throw new ValidationError([{ field: 'body', code: 'consent_not_covered' }]);
		const [note] = await tx.insert(caseNote).values({ caseId, bodyEnc: encryptText(text), createdBy: actingUserId(principal), createdAt: now }).returning({ id: caseNote.id });
		await touch(tx, caseId, now);
		await audit(tx, principal, access, 'create', 'case_note', note.id, { body: ['…', '…'] });
		return note.id;
	});
}

/**
 * Closes a case; the Löschplan erases it `caseMonthsAfterClosure` months later.
 * @returns the erasure date.
 * @throws NotFoundError, AccessDeniedError, CaseLockedError (already closed or withdrawn).
 */
export async function closeCase(db: Db, principal: Principal, caseId: string, now: Date = new Date()): Promise<Date> {
	return db.transaction(async (tx) => {
		const access = await requireCase(tx, principal, caseId, 'write');
		const settings = await getCaseworkSettings(tx, access.caseRow.municipalityId);
		const deleteAfter = addMonths(now, settings.caseMonthsAfterClosure);
		await tx.update(caseFile).set({ status: 'closed', closedAt: now, deleteAfter, updatedAt: now }).where(eq(caseFile.id, caseId));
		await audit(tx, principal, access, 'update', 'case', caseId, {
			status: ['open', 'closed'],
			closedAt: [null, now.toISOString()],
			deleteAfter: [null, deleteAfter.toISOString()]
		});
		return deleteAfter;
	});
}

/**
 * Reopens a closed case (the erasure date is cleared). Goes through `requireCase` in read mode
 * because the case is closed; a withdrawn consent still locks it.
 * @throws NotFoundError, AccessDeniedError, CaseLockedError('consent_withdrawn'),
 *   ValidationError `status` not_closed.
 */
export async function reopenCase(db: Db, principal: Principal, caseId: string, now: Date = new Date()): Promise<void> {
	await db.transaction(async (tx) => {
		const access = await requireCase(tx, principal, caseId, 'read');
		if (access.consent.withdrawnAt || access.caseRow.status === 'withdrawn') throw new CaseLockedError('consent_withdrawn');
		if (access.caseRow.status !== 'closed') throw new ValidationError([{ field: 'status', code: 'not_closed' }]);
		await tx.update(caseFile).set({ status: 'open', closedAt: null, deleteAfter: null, updatedAt: now }).where(eq(caseFile.id, caseId));
		await audit(tx, principal, access, 'update', 'case', caseId, {
			status: ['closed', 'open'],
			closedAt: [access.caseRow.closedAt?.toISOString() ?? null, null],
			deleteAfter: [access.caseRow.deleteAfter?.toISOString() ?? null, null]
		});
	});
}

/**
 * Records the withdrawal of consent (Art. 7(3) GDPR): processing stops — the case takes no
 * further writes, partner data of its referrals is erased, open accompaniment requests are
 * cancelled — and deletion starts (`deleteAfter` = now, the retention job erases it). Allowed on
 * closed cases too.
 * @throws NotFoundError, AccessDeniedError, CaseLockedError('consent_withdrawn') when already withdrawn.
 */
export async function withdrawConsent(db: Db, principal: Principal, caseId: string, now: Date = new Date()): Promise<void> {
	await db.transaction(async (tx) => {
		const access = await requireCase(tx, principal, caseId, 'read');
		if (access.consent.withdrawnAt || access.caseRow.status === 'withdrawn') throw new CaseLockedError('consent_withdrawn');
		await tx.update(caseConsent).set({ withdrawnAt: now, withdrawnBy: actingUserId(principal) }).where(eq(caseConsent.caseId, caseId));
		await tx.update(caseFile).set({ status: 'withdrawn', deleteAfter: now, updatedAt: now }).where(eq(caseFile.id, caseId));
		const cleared = await tx.update(referral).set({ sharedEnc: null }).where(and(eq(referral.caseId, caseId), sql`${referral.sharedEnc} is not null`)).returning({ id: referral.id });
		const cancelled = await tx
			.update(accompaniment)
			.set({ status: 'cancelled' })
			.where(and(eq(accompaniment.caseId, caseId), inArray(accompaniment.status, ['requested', 'assigned'])))
			.returning({ id: accompaniment.id });
		await audit(tx, principal, access, 'withdraw', 'case_consent', access.consent.id, { withdrawnAt: [null, now.toISOString()] });
		await audit(tx, principal, access, 'update', 'case', caseId, {
			status: [access.caseRow.status, 'withdrawn'],
			deleteAfter: [access.caseRow.deleteAfter?.toISOString() ?? null, now.toISOString()]
		});
		for (const r of cleared) await audit(tx, principal, access, 'update', 'referral', r.id, { shared: ['…', null] });
		for (const a of cancelled) await audit(tx, principal, access, 'update', 'accompaniment', a.id, { status: [null, 'cancelled'] });
	});
}

/** A colleague a case can be shared with: instance staff of the same municipality. */
export interface Colleague {
	id: string;
	displayName: string;
}

/**
 * Instance-staff accounts of the case's municipality that are neither staff of the holding
 * instance nor already shared with (the candidates for `shareCase`), by name.
 * @throws NotFoundError, AccessDeniedError.
 */
export async function shareCandidates(db: DbOrTx, principal: Principal, caseId: string): Promise<Colleague[]> {
	const { caseRow, sharedWith } = await requireCase(db, principal, caseId, 'read');
	const scope = { municipalityId: caseRow.municipalityId, instanceId: caseRow.instanceId };
	// Those who would work on the case once it is shared with them, but do not without.
	return (await activeAccounts(db, caseRow.municipalityId))
		.filter((u) => !sharedWith.includes(u.userId) && can(u, 'cases:work', { ...scope, caseSharedWith: [u.userId] }) && !can(u, 'cases:work', scope))
		.map((u) => ({ id: u.userId, displayName: u.displayName }));
}

/**
 * Shares a case with a named colleague: an active instance-staff account of the case's
 * municipality (issue 4 §6).
 * @throws NotFoundError, AccessDeniedError, CaseLockedError; ValidationError `userId`
 *   unknown_colleague|already_shared.
 */
export async function shareCase(db: Db, principal: Principal, caseId: string, userId: string, now: Date = new Date()): Promise<void> {
	await db.transaction(async (tx) => {
		const access = await requireCase(tx, principal, caseId, 'write');
		const scope = { municipalityId: access.caseRow.municipalityId, instanceId: access.caseRow.instanceId };
		const [user] = (await activeAccounts(tx, access.caseRow.municipalityId, [userId])).filter((u) => can(u, 'cases:work', { ...scope, caseSharedWith: [u.userId] }));
		if (!user) throw new ValidationError([{ field: 'userId', code: 'unknown_colleague' }]);
		if (access.sharedWith.includes(userId)) throw new ValidationError([{ field: 'userId', code: 'already_shared' }]);
		await tx.insert(caseShare).values({ caseId, userId, sharedBy: actingUserId(principal), sharedAt: now });
		await audit(tx, principal, access, 'share', 'case', caseId, { sharedWith: [null, userId] });
	});
}

/**
 * Ends the sharing with a colleague; their read purposes for the case end with it.
 * @throws NotFoundError (also when not shared with that user), AccessDeniedError, CaseLockedError.
 */
export async function unshareCase(db: Db, principal: Principal, caseId: string, userId: string): Promise<void> {
	await db.transaction(async (tx) => {
		const access = await requireCase(tx, principal, caseId, 'write');
		if (!access.sharedWith.includes(userId)) throw new NotFoundError(`share of case ${caseId}`);
		await tx.delete(caseShare).where(and(eq(caseShare.caseId, caseId), eq(caseShare.userId, userId)));
		const sessions = await sessionIdsOf(tx, userId);
		if (sessions.length) await tx.delete(caseReadPurpose).where(and(eq(caseReadPurpose.caseId, caseId), inArray(caseReadPurpose.sessionId, sessions)));
		await audit(tx, principal, access, 'unshare', 'case', caseId, { sharedWith: [userId, null] });
	});
}

/**
 * Erases a case on request (Art. 17 GDPR) at once, in any status: the case, its consent, steps,
 * notes, shares, accompaniments and read purposes go; its referrals stay as anonymous
 * statistics (target, topic, outcome) without partner data. The audit row `erase` names the
 * case id and its number, never content.
 * @throws NotFoundError, AccessDeniedError.
 */
export async function eraseCase(db: Db, principal: Principal, caseId: string): Promise<void> {
	await db.transaction(async (tx) => {
		const access = await requireCase(tx, principal, caseId, 'read');
		await tx.update(referral).set({ sharedEnc: null }).where(eq(referral.caseId, caseId));
		await tx.delete(caseFile).where(eq(caseFile.id, caseId));
		await audit(tx, principal, access, 'erase', 'case', caseId, {
			caseNumber: [access.caseRow.caseNumber, null],
			status: [access.caseRow.status, null],
			reason: [null, 'data_subject_request']
		});
	});
}

/** One line of the case list: no names, no content (Art. 5(1)(c)). */
export interface CaseListItem {
	id: string;
	caseNumber: string;
	status: string;
	language: string;
	openedAt: Date;
	/** Earliest follow-up date of a step not yet done, `YYYY-MM-DD`. */
	nextFollowUp: string | null;
	/** Whether `nextFollowUp` is today or earlier (Europe/Berlin). */
	due: boolean;
	/** True when the case is shared with the principal rather than held by their instance. */
	shared: boolean;
}

/**
 * The cases the principal may work on: those of their instances and those shared with them.
 * Open cases first, ordered by the next follow-up (due ones first), then newest.
 * @throws AccessDeniedError for anyone but instance staff (administrators see statistics only).
 */
export async function listCases(db: DbOrTx, principal: UserPrincipal, now: Date = new Date()): Promise<CaseListItem[]> {
	if (!principal.instanceIds.some((instanceId) => can(principal, 'cases:work', { municipalityId: principal.municipalityId, instanceId }))) throw new AccessDeniedError();
	// Written out with table names: inside a sub-select Drizzle would leave `id` unqualified.
	const nextFollowUp = sql<string | null>`(select min(s.follow_up_on)::text from case_step s where s.case_id = case_file.id and s.done_at is null)`;
	const sharedSql = sql`exists (select 1 from case_share sh where sh.case_id = case_file.id and sh.user_id = ${principal.userId})`;
	const mine = principal.instanceIds.length ? inArray(caseFile.instanceId, principal.instanceIds) : sql`false`;
	const rows = await db
		.select({
			id: caseFile.id,
			caseNumber: caseFile.caseNumber,
			status: caseFile.status,
			language: caseFile.language,
			openedAt: caseFile.openedAt,
			instanceId: caseFile.instanceId,
			nextFollowUp
		})
		.from(caseFile)
		.where(and(eq(caseFile.municipalityId, principal.municipalityId), or(mine, sharedSql)))
		.orderBy(sql`(${caseFile.status} = 'open') desc`, sql`${nextFollowUp} asc nulls last`, desc(caseFile.openedAt), desc(caseFile.caseNumber));
	const today = berlinDate(now);
	return rows.map((r) => ({
		id: r.id,
		caseNumber: r.caseNumber,
		status: r.status,
		language: r.language,
		openedAt: r.openedAt,
		nextFollowUp: r.nextFollowUp,
		due: !!r.nextFollowUp && r.nextFollowUp <= today,
		shared: !principal.instanceIds.includes(r.instanceId)
	}));
}

/** Everything about one case, decrypted, as staff and the export see it. */
export interface CaseView {
	case: {
		id: string;
		caseNumber: string;
		instanceId: string;
		municipalityId: string;
		displayName: string | null;
		language: string;
		status: string;
		openedAt: Date;
		closedAt: Date | null;
		deleteAfter: Date | null;
	};
	consent: {
		purposes: string[];
		dataCategories: string[];
		partnerCategories: string[];
		givenOn: string;
		explainedIn: string;
		recordedBy: string | null;
		recordedAt: Date;
		withdrawnAt: Date | null;
	};
	steps: { id: string; kind: string; at: Date; followUpOn: string | null; topics: string[]; note: string | null; doneAt: Date | null; createdBy: string | null }[];
	notes: { id: string; body: string; createdBy: string | null; createdAt: Date }[];
	referrals: {
		id: string;
		targetLabel: string;
		topic: string;
		status: string;
		failureReason: string | null;
		appointmentAt: Date | null;
		referenceCode: string | null;
		expiresAt: Date;
		createdAt: Date;
		shared: Record<string, string> | null;
		events: { status: string; failureReason: string | null; at: Date }[];
	}[];
	accompaniments: { id: string; stepId: string; appointmentAt: Date; place: string; language: string; status: string; volunteer: string | null }[];
	sharedWith: Colleague[];
	/** Whether the principal may write (open case, consent in force). */
	writable: boolean;
}

/**
 * Reads a case, decrypted, for the principal. Every call is a read of case data and writes the
 * read audit row (action `read`) with the purpose chosen for this session first (issue 4 §5).
 * @param sessionToken the cookie token of the principal's session (`locals.sessionToken`).
 * @throws NotFoundError, AccessDeniedError, PurposeRequiredError (no purpose chosen yet in this
 *   session); Error when a stored value fails decryption (altered ciphertext or missing key).
 */
export async function getCaseView(db: DbOrTx, principal: UserPrincipal, caseId: string, sessionToken: string | undefined): Promise<CaseView> {
	const { caseRow, consent, sharedWith } = await requireCase(db, principal, caseId, 'read');
	await recordCaseRead(db, principal, caseId, sessionToken);
	const names = async (ids: (string | null)[]) =>
		new Map([...(await userNames(db, ids.filter((x): x is string => !!x)))].map(([id, u]) => [id, u.displayName]));
	const steps = await db.select().from(caseStep).where(eq(caseStep.caseId, caseId)).orderBy(desc(caseStep.at));
	const notes = await db.select().from(caseNote).where(eq(caseNote.caseId, caseId)).orderBy(desc(caseNote.createdAt));
	const referrals = await db.select().from(referral).where(eq(referral.caseId, caseId)).orderBy(desc(referral.createdAt));
	const events = referrals.length
		? await db.select().from(referralEvent).where(inArray(referralEvent.referralId, referrals.map((r) => r.id))).orderBy(asc(referralEvent.at), asc(referralEvent.id))
		: [];
	const accompaniments = await db.select().from(accompaniment).where(eq(accompaniment.caseId, caseId)).orderBy(asc(accompaniment.appointmentAt));
	const who = await names([
		consent.recordedBy,
		...sharedWith,
		...steps.map((s) => s.createdBy),
		...notes.map((n) => n.createdBy),
		...accompaniments.map((a) => a.volunteerId)
	]);
	const nameOf = (id: string | null) => (id ? (who.get(id) ?? null) : null);
	return {
		case: {
			id: caseRow.id,
			caseNumber: caseRow.caseNumber,
			instanceId: caseRow.instanceId,
			municipalityId: caseRow.municipalityId,
			displayName: decryptOptional(caseRow.displayNameEnc),
			language: caseRow.language,
			status: caseRow.status,
			openedAt: caseRow.openedAt,
			closedAt: caseRow.closedAt,
			deleteAfter: caseRow.deleteAfter
		},
		consent: {
			purposes: consent.purposes,
			dataCategories: consent.dataCategories,
			partnerCategories: consent.partnerCategories,
			givenOn: consent.givenOn,
			explainedIn: consent.explainedIn,
			recordedBy: nameOf(consent.recordedBy),
			recordedAt: consent.recordedAt,
			withdrawnAt: consent.withdrawnAt
		},
		steps: steps.map((s) => ({
			id: s.id,
			kind: s.kind,
			at: s.at,
			followUpOn: s.followUpOn,
			topics: s.topics,
			note: decryptOptional(s.noteEnc),
			doneAt: s.doneAt,
			createdBy: nameOf(s.createdBy)
		})),
		notes: notes.map((n) => ({ id: n.id, body: decryptText(n.bodyEnc), createdBy: nameOf(n.createdBy), createdAt: n.createdAt })),
		referrals: referrals.map((r) => ({
			id: r.id,
			targetLabel: r.targetLabel,
			topic: r.topic,
			status: r.status,
			failureReason: r.failureReason,
			appointmentAt: r.appointmentAt,
			referenceCode: r.referenceCode,
			expiresAt: r.expiresAt,
			createdAt: r.createdAt,
			shared: r.sharedEnc ? (JSON.parse(decryptText(r.sharedEnc)) as Record<string, string>) : null,
			events: events.filter((e) => e.referralId === r.id).map((e) => ({ status: e.status, failureReason: e.failureReason, at: e.at }))
		})),
		accompaniments: accompaniments.map((a) => ({
			id: a.id,
			stepId: a.stepId,
			appointmentAt: a.appointmentAt,
			place: a.place,
			language: a.language,
			status: a.status,
			volunteer: nameOf(a.volunteerId)
		})),
		sharedWith: sharedWith.map((id) => ({ id, displayName: who.get(id) ?? id })),
		writable: caseRow.status === 'open' && !consent.withdrawnAt
	};
}

/** A referral from a case as staff ask for it. */
export interface CaseReferralInput {
	/** Exactly one of an offer and an actor. */
	serviceId?: string | null;
	organizationId?: string | null;
	/** Sub-topic or theme-field key. */
	topic: string;
	/** Pass the case's display name or language on to the partner (the consent must cover it). */
	shareDisplayName?: boolean;
	shareLanguage?: boolean;
	/** A short description of the need for the partner, if the consent covers `needs_summary`. */
	needsSummary?: string | null;
}

/**
 * Refers the person of a case to an offer or actor (issue 4 §3): reads what is passed on — the
 * case's display name and language — as an audited read with the session's purpose, and issues
 * the referral, counted for the instance's district, in one transaction.
 * @param sessionToken the cookie token of the principal's session (`locals.sessionToken`).
 * @returns the issued referral with its token, and the case's language (the slip's language).
 * @throws NotFoundError, AccessDeniedError, PurposeRequiredError, CaseLockedError; ValidationError
 *   as `issueReferral`.
 */
export async function referCase(
	db: Db,
	principal: UserPrincipal,
	caseId: string,
	sessionToken: string | undefined,
	input: CaseReferralInput,
	now: Date = new Date()
): Promise<IssuedReferral & { caseLanguage: string }> {
	return db.transaction(async (tx) => {
		const { caseRow } = await requireCase(tx, principal, caseId, 'read');
		await recordCaseRead(tx, principal, caseId, sessionToken);
		const issued = await issueReferral(
			tx,
			principal,
			{
				instanceId: caseRow.instanceId,
				serviceId: input.serviceId || null,
				organizationId: input.organizationId || null,
				topic: input.topic,
				caseId,
				shared: {
					displayName: input.shareDisplayName ? (decryptOptional(caseRow.displayNameEnc) ?? undefined) : undefined,
					language: input.shareLanguage ? caseRow.language : undefined,
					needsSummary: input.needsSummary?.trim() || undefined
				}
			},
			now
		);
		return { ...issued, caseLanguage: caseRow.language };
	});
}
