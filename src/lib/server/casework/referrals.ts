/**
 * Closed-loop referrals (Verweisen, issue 4 §3): issuing a referral to an offer or actor creates
 * a random partner token (256 bits, base64url; only its SHA-256 is stored) and a short reference
 * code for the phone. The referral slip carries the link `/{lang}/r/{token}`; the receiving
 * partner reports received → appointment → helped / not possible without an account.
 */
import { createHash, randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Principal } from '../accounts/service';
import type { DbOrTx } from '../db/client';
import { getOrganization, getService, visibleLevels } from '../directory/service';
import { SUBTOPICS, THEME_FIELDS } from '../directory/model';
import { originalLanguage } from '../directory/texts';
import { AccessDeniedError, ValidationError, type FieldIssue } from '../errors';
import { can } from '../accounts/authz';
import { requireCase } from './access';
import { encryptText } from './crypto';
import { PARTNER_SHAREABLE_CATEGORIES } from './model';
import { referral, referralEvent } from './schema';
import { getCaseworkSettings } from './settings';

/** SHA-256 (hex) of a partner token, the only form in which tokens are stored. */
export function hashReferralToken(token: string): string {
	return createHash('sha256').update(token).digest('hex');
}

const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

function referenceCode(): string {
	const bytes = randomBytes(8);
	const chars = [...bytes].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
	return `${chars.slice(0, 4)}-${chars.slice(4)}`;
}

/** All topic keys a referral may be about: sub-topics and theme fields. */
export function isTopicKey(key: string): boolean {
	return THEME_FIELDS.some((t) => t.key === key) || Object.values(SUBTOPICS).some((list) => list.some((s) => s.key === key));
}

/** What to refer to, from a contact or a case of `instanceId`. */
export interface ReferralInput {
	instanceId: string;
	/** Exactly one of `serviceId` (an offer) and `organizationId` (an actor). */
	serviceId?: string | null;
	organizationId?: string | null;
	/** Sub-topic or theme-field key. */
	topic: string;
	contactId?: string | null;
	caseId?: string | null;
	/** What the person consented to pass on (only for case referrals; checked against the consent). */
	shared?: { displayName?: string; language?: string; needsSummary?: string };
}

/** A freshly issued referral: the row and the token, which exists only here and on the slip. */
export interface IssuedReferral {
	referral: typeof referral.$inferSelect;
	token: string;
}

/**
 * Issues a referral with a new partner token. Runs inside the caller's transaction when given
 * one. Case referrals need the case writable and a consent covering `referral`; data in
 * `shared` must be among the consent's `partnerCategories`.
 * @throws ValidationError (fields `target`, `topic`, `shared.<key>`), AccessDeniedError,
 *   NotFoundError / CaseLockedError from `requireCase`.
 */
export async function issueReferral(
	db: DbOrTx,
	principal: Principal,
	municipalityId: string,
	districtId: string | null,
	input: ReferralInput,
	now: Date = new Date()
): Promise<IssuedReferral> {
	if (!can(principal, 'contacts:record', { municipalityId, instanceId: input.instanceId }) && !input.caseId) {
		throw new AccessDeniedError();
	}
	const issues: FieldIssue[] = [];
	if (!isTopicKey(input.topic)) issues.push({ field: 'topic', code: 'unknown_value' });
	if (!!input.serviceId === !!input.organizationId) issues.push({ field: 'target', code: 'required' });
	let targetLabel = '';
	let organizationId = input.organizationId ?? null;
	const levels = visibleLevels(principal, municipalityId);
	if (input.serviceId) {
		const offer = await getService(db, input.serviceId, levels);
		if (!offer || offer.municipalityId !== municipalityId) issues.push({ field: 'target', code: 'unknown_value' });
		else {
			targetLabel = offer.name[originalLanguage(offer.name) ?? 'de']?.text ?? '';
			organizationId = offer.organizationId;
		}
	} else if (input.organizationId) {
		const org = await getOrganization(db, input.organizationId, levels);
		if (!org || org.municipalityId !== municipalityId) issues.push({ field: 'target', code: 'unknown_value' });
		else targetLabel = org.name;
	}
	let sharedEnc: string | null = null;
	if (input.caseId) {
		const { caseRow, consent } = await requireCase(db, principal, input.caseId, 'write');
		if (caseRow.instanceId !== input.instanceId) throw new AccessDeniedError();
		if (!consent.purposes.includes('referral')) issues.push({ field: 'case', code: 'consent_missing_purpose' });
		const shared = Object.fromEntries(Object.entries(input.shared ?? {}).filter(([, v]) => v));
		const categoryOf: Record<string, string> = { displayName: 'display_name', language: 'language', needsSummary: 'needs_summary' };
		for (const key of Object.keys(shared)) {
			const category = categoryOf[key];
			if (!category || !(PARTNER_SHAREABLE_CATEGORIES as readonly string[]).includes(category) || !consent.partnerCategories.includes(category)) {
				issues.push({ field: `shared.${key}`, code: 'consent_not_covered' });
			}
		}
		if (Object.keys(shared).length) sharedEnc = encryptText(JSON.stringify(shared));
	}
	if (issues.length) throw new ValidationError(issues);
	const settings = await getCaseworkSettings(db, municipalityId);
	const token = randomBytes(32).toString('base64url');
	const [row] = await db
		.insert(referral)
		.values({
			municipalityId,
			instanceId: input.instanceId,
			districtId,
			contactId: input.contactId ?? null,
			caseId: input.caseId ?? null,
			serviceId: input.serviceId ?? null,
			organizationId,
			targetLabel,
			topic: input.topic,
			tokenHash: hashReferralToken(token),
			referenceCode: referenceCode(),
			sharedEnc,
			statusChangedAt: now,
			expiresAt: new Date(now.getTime() + settings.referralTokenDays * 86_400_000),
			createdBy: principal.userId,
			createdAt: now
		})
		.returning();
	await db.insert(referralEvent).values({ referralId: row.id, status: 'issued', byLabel: principal.userId, at: now });
	return { referral: row, token };
}

/** The referral a partner token belongs to, or null for unknown/tampered/erased tokens. */
export async function findReferralByToken(db: DbOrTx, token: string) {
	if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
	const [row] = await db.select().from(referral).where(eq(referral.tokenHash, hashReferralToken(token)));
	return row ?? null;
}
