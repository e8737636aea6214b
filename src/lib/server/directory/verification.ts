/**
 * Bestätigungslinks: staff email a provider an expiring link to confirm or correct their own
 * directory entry without an account (issue 3 §6). The token is 32 random bytes in the link;
 * only its SHA-256 is stored. A link expires after 14 days (default) and is used up once a
 * confirmation or correction has been submitted. Corrections are applied through
 * `saveService` / `saveOrganization` with the actor label `provider-link`, so they appear field
 * by field in the entry's history, and mark the entry verified by "provider (email link)".
 * Sending needs `directory:edit` on the entry; the provider's confirmation and correction act as
 * `systemPrincipal('provider-link')` once the token has been checked here.
 * Every function takes `now`, so expiry can be tested with a moved clock.
 * The mail is in the provider's language — the language the entry was written in, where the
 * platform has it — with German beside it (issue 12 §4).
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { auditActor, isUser, systemPrincipal, type Principal } from '../access';
import { recordAudit } from '../audit/service';
import type { Db, DbOrTx } from '../db/client';
import { ValidationError } from '../core/errors';
import { composeMail, mailLanguages, sendMail } from '../core/mail';
import { isEmail } from '../core/validation';
import { locales } from '../../paraglide/runtime.js';
import { LIMITS } from './model';
import { verificationLink } from './schema';
import {
	getOrganization,
	getService,
	markVerified,
	organizationToInput,
	requireEditable,
	saveOrganization,
	saveService,
	serviceToInput,
	type EntryKind,
	type OrganizationDetail,
	type ScheduleInput,
	type ServiceDetail
} from './service';
import { originalLanguage, withVersion } from './texts';

/** Days a link is valid unless the caller says otherwise. */
const LINK_DAYS = 14;
/** Who confirmed, as shown in "last verified by". */
export const PROVIDER_VERIFIER = 'provider (email link)';
/** The audit actor label of changes made through a link. */
const PROVIDER_ACTOR = 'provider-link';
/** Who acts when a provider uses a checked link. */
const PROVIDER = systemPrincipal(PROVIDER_ACTOR);
/** The longest validity a link can be given, in days. */
const MAX_LINK_DAYS = 90;

const ALL_LEVELS = ['public', 'network', 'internal'] as const;

function sha256(token: string): string {
	return createHash('sha256').update(token).digest('hex');
}

/** The entry a link is for, loaded at every visibility (the provider owns it). */
export type LinkedEntry = { kind: 'service'; entry: ServiceDetail } | { kind: 'organization'; entry: OrganizationDetail };

async function loadEntry(db: DbOrTx, kind: EntryKind, id: string): Promise<LinkedEntry | null> {
	if (kind === 'service') {
		const entry = await getService(db, id, [...ALL_LEVELS]);
		return entry ? { kind, entry } : null;
	}
	const entry = await getOrganization(db, id, [...ALL_LEVELS]);
	return entry ? { kind, entry } : null;
}

/** The address a link goes to by default: the entry's email, for an offer else its actor's. */
function entryEmail(linked: LinkedEntry): string {
	return linked.kind === 'service' ? linked.entry.email || linked.entry.organization.email : linked.entry.email;
}

/** What the mail says in one language; the caller supplies it for any language asked. */
export interface LinkMailTexts {
	subject: string;
	body: (link: string, entryName: string, expires: Date) => string;
}

/** The language the provider wrote the entry in (its name for an offer, its description for an actor). */
function providerLanguage(linked: LinkedEntry): string | null {
	return (linked.kind === 'service' ? originalLanguage(linked.entry.name) : originalLanguage(linked.entry.description)) ?? null;
}

/**
 * Creates a link for an entry and emails it (SMTP, or an `.eml` file in `<DATA_DIR>/outbox`) in
 * the provider's language with German beside it, audited as the principal (who is named as the
 * link's creator).
 * @param options.email overrides the entry's email; `days` the validity (1–90).
 * @param linkFor builds the absolute URL from the token in the mail's first language, e.g.
 *   `https://…/tr/verify/<token>`; `texts` the mail in a given language.
 * @returns the address the mail went to and when the link expires (the token is not returned:
 *   it exists only in the mail).
 * @throws ValidationError `id: not_found`, `email: required` (no address known),
 *   `email: invalid_email | too_long`, `days: invalid`.
 * @throws AccessDeniedError without `directory:edit` on the entry.
 */
export async function sendVerificationLink(
	db: Db,
	principal: Principal,
	kind: EntryKind,
	id: string,
	options: { email?: string; days?: number; now?: Date; linkFor: (token: string, locale: string) => string; texts: (locale: string) => LinkMailTexts }
): Promise<{ email: string; expiresAt: Date }> {
	const now = options.now ?? new Date();
	const linked = await loadEntry(db, kind, id);
	if (!linked) throw new ValidationError([{ field: 'id', code: 'not_found' }]);
	await requireEditable(db, principal, kind, id);
	const email = (options.email?.trim() || entryEmail(linked)).trim();
	if (!email) throw new ValidationError([{ field: 'email', code: 'required' }]);
	if (email.length > LIMITS.email) throw new ValidationError([{ field: 'email', code: 'too_long', params: { max: LIMITS.email } }]);
	if (!isEmail(email)) throw new ValidationError([{ field: 'email', code: 'invalid_email' }]);
	const days = options.days ?? LINK_DAYS;
	if (!Number.isInteger(days) || days < 1 || days > MAX_LINK_DAYS) throw new ValidationError([{ field: 'days', code: 'invalid' }]);
	const token = randomBytes(32).toString('base64url');
	const expiresAt = new Date(now.getTime() + days * 86_400_000);
	const name = linked.kind === 'service' ? Object.values(linked.entry.name)[0]?.text ?? '' : linked.entry.name;
	await db.transaction(async (tx) => {
		await tx.insert(verificationLink).values({
			tokenHash: sha256(token),
			municipalityId: linked.entry.municipalityId,
			entityType: kind,
			entityId: id,
			createdBy: isUser(principal) ? principal.userId : null,
			expiresAt,
			createdAt: now
		});
		// The address is personal data of the provider: the audit names only that a link was sent.
		await recordAudit(tx, { ...auditActor(principal), municipalityId: linked.entry.municipalityId, action: 'send_verification_link', entityType: kind, entityId: id, changes: { expiresAt: [null, expiresAt.toISOString()] } });
	});
	const langs = mailLanguages([providerLanguage(linked)], locales, true);
	const link = options.linkFor(token, langs[0]);
	await sendMail(
		composeMail(
			email,
			langs.map((lang) => {
				const texts = options.texts(lang);
				return { lang, subject: texts.subject, text: texts.body(link, name, expiresAt) };
			})
		)
	);
	return { email, expiresAt };
}

/** A link's state: usable (with its entry), or why not. */
export type LinkState =
	| { status: 'valid'; linked: LinkedEntry; expiresAt: Date }
	| { status: 'expired' | 'used' | 'unknown' };

/** What a token stands for at `now`; an entry deleted since counts as `unknown`. */
export async function resolveLink(db: DbOrTx, token: string, now: Date = new Date()): Promise<LinkState> {
	const [row] = await db.select().from(verificationLink).where(eq(verificationLink.tokenHash, sha256(token)));
	if (!row) return { status: 'unknown' };
	if (row.usedAt) return { status: 'used' };
	if (row.expiresAt <= now) return { status: 'expired' };
	const linked = await loadEntry(db, row.entityType as EntryKind, row.entityId);
	return linked ? { status: 'valid', linked, expiresAt: row.expiresAt } : { status: 'unknown' };
}

/** Thrown when a link cannot be used: `status` says why (the page answers 410 or 404). */
export class LinkUnusableError extends Error {
	constructor(public readonly status: 'expired' | 'used' | 'unknown') {
		super(`verification link ${status}`);
		this.name = 'LinkUnusableError';
	}
}

/**
 * Marks the link used at `now` if it still is usable, so two submissions cannot both apply.
 * @throws LinkUnusableError.
 */
async function claim(db: Db, token: string, now: Date): Promise<LinkedEntry> {
	const state = await resolveLink(db, token, now);
	if (state.status !== 'valid') throw new LinkUnusableError(state.status);
	const [row] = await db
		.update(verificationLink)
		.set({ usedAt: now })
		.where(and(eq(verificationLink.tokenHash, sha256(token)), isNull(verificationLink.usedAt), gt(verificationLink.expiresAt, now)))
		.returning();
	if (!row) throw new LinkUnusableError('used');
	return state.linked;
}

async function release(db: Db, token: string): Promise<void> {
	await db.update(verificationLink).set({ usedAt: null }).where(eq(verificationLink.tokenHash, sha256(token)));
}

/**
 * "Everything is correct": marks the entry verified by the provider and uses up the link.
 * @throws LinkUnusableError when the link is unknown, used or expired (nothing changed).
 */
export async function confirmByLink(db: Db, token: string, now: Date = new Date()): Promise<void> {
	const linked = await claim(db, token, now);
	try {
		await markVerified(db, PROVIDER, linked.kind, linked.entry.id, PROVIDER_VERIFIER);
	} catch (e) {
		await release(db, token);
		throw e;
	}
}

/** One weekly slot as a provider enters it. */
export interface ProviderSlot {
	weekday: number;
	opensAt: string;
	closesAt: string;
	appointmentOnly: boolean;
}

/**
 * The main fields a provider may correct (issue 3 §6, design): name and description in the
 * original language, contact; for an offer also opening hours, costs, what to bring and
 * "temporarily closed".
 */
export interface ProviderCorrection {
	name: string;
	description: string;
	email: string;
	phone: string;
	/** Website of an actor, web address of an offer. */
	website: string;
	/** Offers only. */
	contactName?: string;
	costKind?: string;
	costAmountCents?: number | null;
	costNote?: string;
	requiredDocuments?: string;
	temporarilyClosed?: boolean;
	/** Replaces the opening hours when given; slots at all places of the offer. */
	schedules?: ProviderSlot[];
}

function inOriginal(t: Record<string, { text: string; status: string }>, text: string, fallbackLang: string) {
	return withVersion(t as never, originalLanguage(t as never) ?? fallbackLang, text);
}

/**
 * Applies a provider's correction (audited field by field as `provider-link`), marks the entry
 * verified by the provider and uses up the link. Texts replace the original language version,
 * so existing translations show as outdated.
 * @throws LinkUnusableError (nothing changed); ValidationError with the save's field issues
 *   (nothing changed, the link stays usable).
 */
export async function correctByLink(db: Db, token: string, correction: ProviderCorrection, now: Date = new Date()): Promise<void> {
	const linked = await claim(db, token, now);
	const options = { id: linked.entry.id, verifiedBy: PROVIDER_VERIFIER, allowOutside: true };
	try {
		if (linked.kind === 'organization') {
			const input = organizationToInput(linked.entry);
			await saveOrganization(
				db,
				PROVIDER,
				linked.entry.municipalityId,
				{
					...input,
					name: correction.name,
					description: inOriginal(input.description, correction.description, 'de'),
					email: correction.email,
					phone: correction.phone,
					website: correction.website
				},
				options
			);
		} else {
			const input = serviceToInput(linked.entry);
			const lang = originalLanguage(input.name) ?? 'de';
			const closed = correction.temporarilyClosed ?? input.status === 'temporarily closed';
			// A slot the provider left as it was keeps its place, validity and note.
			const kept = new Set<ScheduleInput>();
			const schedules: ScheduleInput[] | undefined = correction.schedules?.map((s) => {
				const same = input.schedules.find(
					(o) => !kept.has(o) && o.weekday === s.weekday && o.opensAt === s.opensAt && o.closesAt === s.closesAt && o.appointmentOnly === s.appointmentOnly
				);
				if (same) kept.add(same);
				return same ?? { ...s, validFrom: null, validTo: null, note: {}, location: null };
			});
			await saveService(
				db,
				PROVIDER,
				linked.entry.municipalityId,
				{
					...input,
					name: inOriginal(input.name, correction.name, lang),
					description: inOriginal(input.description, correction.description, lang),
					email: correction.email,
					phone: correction.phone,
					url: correction.website,
					contactName: correction.contactName ?? input.contactName,
					costKind: correction.costKind ?? input.costKind,
					costAmountCents: correction.costAmountCents === undefined ? input.costAmountCents : correction.costAmountCents,
					costNote: correction.costNote === undefined ? input.costNote : inOriginal(input.costNote, correction.costNote, lang),
					requiredDocuments:
						correction.requiredDocuments === undefined ? input.requiredDocuments : inOriginal(input.requiredDocuments, correction.requiredDocuments, lang),
					status: closed ? 'temporarily closed' : input.status === 'temporarily closed' ? 'active' : input.status,
					schedules: schedules ?? input.schedules
				},
				options
			);
		}
	} catch (e) {
		await release(db, token);
		throw e;
	}
}
