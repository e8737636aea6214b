/**
 * Beratungskontakte (issue 4 §1): the anonymous contact log of an instance. A contact carries no
 * name and no free text — date, channel, language, interpreter, topics, the municipality's
 * non-identifying attributes, "no suitable offer found" per topic, optionally the Sozialraum the
 * person lives in — and may issue closed-loop referrals in the same transaction (`referrals.ts`).
 *
 * Privacy (Art. 5(1)(c) GDPR, data minimisation): nothing here identifies a person, so the audit
 * log may hold the recorded values; referral tokens are never written anywhere but the returned
 * object.
 */
import { and, asc, desc, eq, gte, inArray } from 'drizzle-orm';
import { actingUserId, auditActor, authorize, type Principal } from '../access';
import { recordAudit } from '../audit/service';
import { NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { canonicalLanguageTag, isUuid } from '../core/validation';
import type { Db, DbOrTx } from '../db/client';
import { SUBTOPIC_FIELD, THEME_FIELDS } from '../directory/model';
import { socialSpacePlaces } from '../geography/casework-reads';
import { recordingInstance } from './access';
import { CONTACT_ATTRIBUTES, CONTACT_CHANNELS, type ContactAttribute } from './model';
import { firstDistrictOf } from './places';
import { issueReferral, isTopicKey, type IssuedReferral } from './referrals';
import { contactAggregate, counsellingContact, referral } from './schema';
import { getCaseworkSettings } from './settings';
import { berlinDate, berlinDayStart, monthKey } from './time';

export type CounsellingContact = typeof counsellingContact.$inferSelect;

/** One referral to issue with a contact: exactly one of an offer or an actor, and the topic. */
export interface ContactReferralInput {
	serviceId?: string | null;
	organizationId?: string | null;
	/** Sub-topic or theme-field key. */
	topic: string;
}

/** A counselling contact as entered. Keys are those of the vocabularies in `model.ts`. */
export interface ContactInput {
	instanceId: string;
	/** When the contact took place; required, not in the future. */
	contactedAt: Date | null;
	/** A key of `CONTACT_CHANNELS`. */
	channel: string;
	/** Language the counselling was held in, BCP 47 (stored canonical). */
	language: string;
	interpreterNeeded?: boolean;
	/** Theme-field and sub-topic keys; a sub-topic implies its theme field. At least one. */
	topics: string[];
	/** Attribute key → value key, only attributes the municipality has switched on. */
	attributes?: Record<string, string>;
	/** Topics for which no suitable offer was found (theme-field or sub-topic keys); they count as topics too. */
	unmetTopics?: string[];
	/** Sozialraum where the person lives, if they said so; of the instance's municipality. */
	socialSpaceId?: string | null;
	referrals?: ContactReferralInput[];
}

/** A recorded contact with the referrals issued with it (tokens exist only here). */
export interface RecordedContact {
	contact: CounsellingContact;
	referrals: IssuedReferral[];
}

const CHANNEL_KEYS: readonly string[] = CONTACT_CHANNELS.map((c) => c.key);

/**
 * Records a counselling contact and issues the listed referrals in one transaction, audited
 * (`create` / `counselling_contact`). The district counted is that of the person's Sozialraum,
 * else that of the instance's first Sozialraum (by name).
 * @param now the clock (tests move it); `contactedAt` after it is refused.
 * @throws AccessDeniedError without `contacts:record` on the instance (also for unknown ids);
 *   ValidationError naming every bad field: `contactedAt` (`required`, `invalid_date`, `date_in_future`,
 *   `month_closed` — the month is already folded into aggregates), `channel` (`unknown_value`),
 *   `language` (`required`, `invalid_language`), `topics` (`required`, `unknown_value`),
 *   `attributes.<key>` (`unknown_attribute`, `unknown_value`), `unmetTopics` (`unknown_value`),
 *   `socialSpaceId` (`unknown_social_space`), `referrals.<i>.<field>` (`topic`/`target`:
 *   `required`, `unknown_value`).
 */
export async function recordContact(db: Db, principal: Principal, input: ContactInput, now: Date = new Date()): Promise<RecordedContact> {
	const inst = await recordingInstance(db, principal, input.instanceId);
	const issues: FieldIssue[] = [];
	const contactedAt = input.contactedAt;
	if (!contactedAt) issues.push({ field: 'contactedAt', code: 'required' });
	else if (Number.isNaN(contactedAt.getTime())) issues.push({ field: 'contactedAt', code: 'invalid_date' });
	else if (contactedAt.getTime() > now.getTime()) issues.push({ field: 'contactedAt', code: 'date_in_future' });
	else {
		const month = monthKey(contactedAt);
		const [folded] = await db
			.select({ id: contactAggregate.id })
			.from(contactAggregate)
			.where(and(eq(contactAggregate.instanceId, inst.id), eq(contactAggregate.month, month)))
			.limit(1);
		if (folded) issues.push({ field: 'contactedAt', code: 'month_closed' });
	}
	if (!CHANNEL_KEYS.includes(input.channel)) issues.push({ field: 'channel', code: input.channel ? 'unknown_value' : 'required' });
	const language = input.language?.trim() ? canonicalLanguageTag(input.language) : null;
	if (!input.language?.trim()) issues.push({ field: 'language', code: 'required' });
	else if (!language) issues.push({ field: 'language', code: 'invalid_language', params: { value: input.language } });

	const themeFields = new Set<string>();
	const subTopics = new Set<string>();
	const unmetTopics = [...new Set(input.unmetTopics ?? [])];
	for (const t of unmetTopics) if (!isTopicKey(t)) issues.push({ field: 'unmetTopics', code: 'unknown_value', params: { value: t } });
	// A topic without a suitable offer was a topic of the contact: it counts there too.
	const topics = [...new Set([...(input.topics ?? []), ...unmetTopics.filter(isTopicKey)])];
	if (!topics.length) issues.push({ field: 'topics', code: 'required' });
	for (const t of topics) {
		if (SUBTOPIC_FIELD[t]) {
			subTopics.add(t);
			themeFields.add(SUBTOPIC_FIELD[t]);
		} else if (THEME_FIELDS.some((f) => f.key === t)) themeFields.add(t);
		else issues.push({ field: 'topics', code: 'unknown_value', params: { value: t } });
	}

	const settings = await getCaseworkSettings(db, inst.municipalityId);
	const attributes: Record<string, string> = {};
	for (const [key, value] of Object.entries(input.attributes ?? {})) {
		if (!value) continue;
		if (!(settings.contactAttributes as string[]).includes(key)) {
			issues.push({ field: `attributes.${key}`, code: 'unknown_attribute' });
		} else if (!CONTACT_ATTRIBUTES[key as ContactAttribute].some((v) => v.key === value)) {
			issues.push({ field: `attributes.${key}`, code: 'unknown_value', params: { value } });
		} else attributes[key] = value;
	}

	let districtId: string | null = null;
	if (input.socialSpaceId) {
		const [space] = await socialSpacePlaces(db, [input.socialSpaceId]);
		if (!space || space.municipalityId !== inst.municipalityId) issues.push({ field: 'socialSpaceId', code: 'unknown_social_space' });
		else districtId = space.districtId;
	} else districtId = await firstDistrictOf(db, inst.socialSpaceIds);

	const referralInputs = input.referrals ?? [];
	referralInputs.forEach((r, i) => {
		if (!r.topic) issues.push({ field: `referrals.${i}.topic`, code: 'required' });
		else if (!isTopicKey(r.topic)) issues.push({ field: `referrals.${i}.topic`, code: 'unknown_value', params: { value: r.topic } });
		if (!!r.serviceId === !!r.organizationId) issues.push({ field: `referrals.${i}.target`, code: 'required' });
	});
	if (issues.length) throw new ValidationError(issues);

	return db.transaction(async (tx) => {
		const [contact] = await tx
			.insert(counsellingContact)
			.values({
				municipalityId: inst.municipalityId,
				instanceId: inst.id,
				districtId,
				socialSpaceId: input.socialSpaceId || null,
				contactedAt: contactedAt!,
				channel: input.channel,
				language: language!,
				interpreterNeeded: !!input.interpreterNeeded,
				themeFields: [...themeFields],
				subTopics: [...subTopics],
				attributes,
				unmetTopics,
				recordedBy: actingUserId(principal),
				createdAt: now
			})
			.returning();
		const issued: IssuedReferral[] = [];
		const referralIssues: FieldIssue[] = [];
		for (const [i, r] of referralInputs.entries()) {
			try {
				issued.push(
					await issueReferral(
						tx,
						principal,
						{ instanceId: inst.id, districtId, serviceId: r.serviceId || null, organizationId: r.organizationId || null, topic: r.topic, contactId: contact.id },
						now
					)
				);
			} catch (e) {
				if (!(e instanceof ValidationError)) throw e;
				referralIssues.push(...e.issues.map((issue) => ({ ...issue, field: `referrals.${i}.${issue.field}` })));
			}
		}
		// Rolls the contact back too: a contact whose referrals failed would be half-written.
		if (referralIssues.length) throw new ValidationError(referralIssues);
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId: inst.municipalityId,
			action: 'create',
			entityType: 'counselling_contact',
			entityId: contact.id,
			changes: {
				instanceId: [null, inst.id],
				contactedAt: [null, contact.contactedAt.toISOString()],
				channel: [null, contact.channel],
				language: [null, contact.language],
				interpreterNeeded: [null, contact.interpreterNeeded],
				themeFields: [null, contact.themeFields],
				subTopics: [null, contact.subTopics],
				attributes: [null, contact.attributes],
				unmetTopics: [null, contact.unmetTopics],
				socialSpaceId: [null, contact.socialSpaceId],
				referralIds: [null, issued.map((r) => r.referral.id)]
			}
		});
		return { contact, referrals: issued };
	});
}

/** A contact as listed for its instance: the row and its referrals (no tokens). */
export interface ListedContact extends CounsellingContact {
	referrals: { id: string; targetLabel: string; topic: string; referenceCode: string | null; status: string; serviceId: string | null }[];
}

/**
 * Contacts of an instance that took place on or after `since` (default: the start of today,
 * Europe/Berlin), newest first, at most `limit` (default 100).
 * @throws AccessDeniedError unless the principal records contacts for the instance (own staff).
 */
export async function listRecentContacts(
	db: DbOrTx,
	principal: Principal,
	instanceId: string,
	options: { since?: Date; limit?: number; now?: Date } = {}
): Promise<ListedContact[]> {
	await recordingInstance(db, principal, instanceId);
	const since = options.since ?? berlinDayStart(options.now ?? new Date());
	const rows = await db
		.select()
		.from(counsellingContact)
		.where(and(eq(counsellingContact.instanceId, instanceId), gte(counsellingContact.contactedAt, since)))
		.orderBy(desc(counsellingContact.contactedAt), desc(counsellingContact.createdAt))
		.limit(options.limit ?? 100);
	const refs = rows.length
		? await db
				.select({
					id: referral.id,
					contactId: referral.contactId,
					targetLabel: referral.targetLabel,
					topic: referral.topic,
					referenceCode: referral.referenceCode,
					status: referral.status,
					serviceId: referral.serviceId
				})
				.from(referral)
				.where(inArray(referral.contactId, rows.map((r) => r.id)))
				.orderBy(asc(referral.createdAt))
		: [];
	return rows.map((r) => ({ ...r, referrals: refs.filter((x) => x.contactId === r.id).map(({ contactId: _, ...x }) => x) }));
}

/**
 * Deletes a contact recorded by mistake, with the referrals issued with it that no partner has
 * acted on yet; allowed to the instance's own staff on the day it was recorded (Europe/Berlin).
 * Audited as `delete` / `counselling_contact`.
 * @throws NotFoundError (unknown id), AccessDeniedError (not own staff),
 *   ValidationError `contact` / `not_same_day`.
 */
export async function deleteContact(db: Db, principal: Principal, contactId: string, now: Date = new Date()): Promise<void> {
	const [row] = isUuid(contactId) ? await db.select().from(counsellingContact).where(eq(counsellingContact.id, contactId)) : [];
	if (!row) throw new NotFoundError('contact not found');
	authorize(principal, 'contacts:record', { municipalityId: row.municipalityId, instanceId: row.instanceId });
	if (berlinDate(row.createdAt) !== berlinDate(now)) throw new ValidationError([{ field: 'contact', code: 'not_same_day' }]);
	await db.transaction(async (tx) => {
		const removed = await tx
			.delete(referral)
			.where(and(eq(referral.contactId, row.id), eq(referral.status, 'issued')))
			.returning({ id: referral.id });
		await tx.delete(counsellingContact).where(eq(counsellingContact.id, row.id));
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId: row.municipalityId,
			action: 'delete',
			entityType: 'counselling_contact',
			entityId: row.id,
			changes: { instanceId: [row.instanceId, null], referralIds: [removed.map((r) => r.id), null] }
		});
	});
}

/**
 * The language of the last contact the person recorded for the instance (the contact form's
 * default), or null.
 * @throws AccessDeniedError without `contacts:record` on the instance.
 */
export async function lastContactLanguage(db: DbOrTx, principal: Principal, instanceId: string): Promise<string | null> {
	await recordingInstance(db, principal, instanceId);
	if (principal.kind !== 'user') return null;
	const [last] = await db
		.select({ language: counsellingContact.language })
		.from(counsellingContact)
		.where(and(eq(counsellingContact.instanceId, instanceId), eq(counsellingContact.recordedBy, principal.userId)))
		.orderBy(desc(counsellingContact.createdAt))
		.limit(1);
	return last?.language ?? null;
}
