/**
 * Editing a running campaign (issue 16 §2 "A category set can be edited"): staff change its title
 * and its categories — built-in ones and own ones with labels in several languages — and may
 * close it early. Points already set keep their category, so a category that holds points cannot
 * be dropped. Closing early moves `closes_on` to yesterday (Berlin), so the form refuses points
 * from today and the retention period counts from that day.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { auditActor, authorize, type Principal } from '../access';
import { recordAudit } from '../audit/service';
import { berlinDate } from '../casework/time';
import { NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import type { Db } from '../db/client';
import { checkCategories, findCampaign, isOpen, type CampaignRow } from './campaigns';
import { LIMITS } from './model';
import { participationCampaign, participationPoint } from './schema';

/** What staff may change on a campaign. */
export interface CampaignEdit {
	title: string;
	/** Category keys in order ('' ignored). */
	categories: string[];
	/** Labels of own categories: key → BCP 47 tag → label (German required). */
	categoryLabels: Record<string, Record<string, string>>;
}

/**
 * Changes a campaign's title and category set, audited with the old and new values.
 * @throws NotFoundError for an unknown campaign; AccessDeniedError without
 *   `participation:campaigns` on its municipality; ValidationError `title` required | too_long,
 *   `categories` required | too_many | pa_invalid_category | pa_category_in_use (a dropped
 *   category still holds points), `label.<key>.<lang>` too_long, `campaign` pa_points_deleted.
 */
export async function updateCampaign(db: Db, principal: Principal, id: string, input: CampaignEdit): Promise<CampaignRow> {
	const c = await findCampaign(db, id);
	if (!c) throw new NotFoundError('participation_campaign');
	authorize(principal, 'participation:campaigns', { municipalityId: c.municipalityId });
	const issues: FieldIssue[] = [];
	if (c.pointsDeletedAt) issues.push({ field: 'campaign', code: 'pa_points_deleted' });
	const title = input.title.trim();
	if (!title) issues.push({ field: 'title', code: 'required' });
	else if (title.length > LIMITS.title) issues.push({ field: 'title', code: 'too_long', params: { max: LIMITS.title } });
	const { categories, labels } = checkCategories(input.categories, input.categoryLabels, issues);
	const dropped = c.categories.filter((k) => !categories.includes(k));
	if (dropped.length && categories.length) {
		const used = await db
			.selectDistinct({ category: participationPoint.category })
			.from(participationPoint)
			.where(and(eq(participationPoint.campaignId, c.id), inArray(participationPoint.category, dropped)));
		if (used.length) issues.push({ field: 'categories', code: 'pa_category_in_use', params: { categories: used.map((u) => u.category).join(', ') } });
	}
	if (issues.length) throw new ValidationError(issues);
	return db.transaction(async (tx) => {
		const [row] = await tx.update(participationCampaign).set({ title, categories, categoryLabels: labels }).where(eq(participationCampaign.id, c.id)).returning();
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId: c.municipalityId,
			action: 'update',
			entityType: 'participation_campaign',
			entityId: c.id,
			changes: { title: [c.title, title], categories: [c.categories.join(','), categories.join(',')] }
		});
		return row;
	});
}

/**
 * Closes a campaign early: `closes_on` becomes yesterday (Berlin date of `now`), and `opens_on`
 * too if it was later, so no point is taken from today on. Audited.
 * @throws NotFoundError for an unknown campaign; AccessDeniedError without
 *   `participation:campaigns`; ValidationError `campaign` pa_campaign_closed when it takes no
 *   points today anyway.
 */
export async function closeCampaign(db: Db, principal: Principal, id: string, now: Date = new Date()): Promise<CampaignRow> {
	const c = await findCampaign(db, id);
	if (!c) throw new NotFoundError('participation_campaign');
	authorize(principal, 'participation:campaigns', { municipalityId: c.municipalityId });
	if (!isOpen(c, now)) throw new ValidationError([{ field: 'campaign', code: 'pa_campaign_closed' }]);
	const yesterday = berlinDate(new Date(now.getTime() - 86_400_000));
	return db.transaction(async (tx) => {
		const [row] = await tx
			.update(participationCampaign)
			.set({ closesOn: yesterday, opensOn: sql`least(${participationCampaign.opensOn}, ${yesterday}::date)` })
			.where(eq(participationCampaign.id, c.id))
			.returning();
		await recordAudit(tx, { ...auditActor(principal), municipalityId: c.municipalityId, action: 'update', entityType: 'participation_campaign', entityId: c.id, changes: { closesOn: [c.closesOn, yesterday] } });
		return row;
	});
}
