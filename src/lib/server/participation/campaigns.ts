/**
 * Beteiligungskampagnen (issue 16 §2, Nadelmethode): staff open a campaign over social spaces of
 * their municipality with a category set; participants set points on the server-drawn map
 * without an account; staff moderate them; the public sees only the aggregate of approved
 * points per grid cell and per social space where at least k fall. Exact points stay internal
 * and are deleted at the end of the campaign plus its retention period (`purgeExpiredPoints`),
 * after which the aggregate frozen at that moment is what remains.
 */
import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import { auditActor, authorize, systemPrincipal, type Principal } from '../access';
import { recordAudit } from '../audit/service';
import { berlinDate } from '../casework/time';
import { NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { isIsoDate, isStorableText, isUuid } from '../core/validation';
import type { Db, DbOrTx } from '../db/client';
import { findContaining, indexAreas } from '../geography/geojson';
import { getSocialSpaces } from '../geography/service';
import { areasBbox, fromPixel, frameFor, type CampaignArea, type Frame } from './map';
import { AGE_GROUPS, DEFAULT_CATEGORIES, gridFor, isCategoryKey, LIMITS, looksPersonal, NEW_SINCE, publishCells, type Aggregate, type CellCount, type SpaceCount } from './model';
import { participationCampaign, participationPoint } from './schema';

export type CampaignRow = typeof participationCampaign.$inferSelect;
export type PointRow = typeof participationPoint.$inferSelect;

/** A campaign as entered by staff. */
export interface CampaignInput {
	municipalityId: string;
	title: string;
	socialSpaceIds: string[];
	/** Category keys in order; '' entries are ignored. Default: `DEFAULT_CATEGORIES`. */
	categories?: string[];
	/** Labels of own categories: key → language → label. */
	categoryLabels?: Record<string, Record<string, string>>;
	intro?: Record<string, string>;
	opensOn: string;
	closesOn: string;
	k?: number;
	cellMeters?: number;
	retentionDays?: number;
	isDemo?: boolean;
}

const PARTICIPANT = systemPrincipal('participant');

/**
 * Opens a campaign, audited.
 * @throws AccessDeniedError without `participation:campaigns` on the municipality.
 * @throws ValidationError `title` required | too_long, `socialSpaceIds` required |
 *   unknown_social_space | pa_no_boundary, `categories` required | pa_invalid_category |
 *   too_many, `opensOn` / `closesOn` invalid_date, `closesOn` pa_closes_before_opens, `k`,
 *   `cellMeters`, `retentionDays` out_of_range.
 */
export async function createCampaign(db: Db, principal: Principal, input: CampaignInput): Promise<CampaignRow> {
	authorize(principal, 'participation:campaigns', { municipalityId: input.municipalityId });
	const issues: FieldIssue[] = [];
	const title = input.title.trim();
	if (!title) issues.push({ field: 'title', code: 'required' });
	else if (title.length > LIMITS.title || !isStorableText(title)) issues.push({ field: 'title', code: 'too_long', params: { max: LIMITS.title } });
	const spaceIds = [...new Set(input.socialSpaceIds.filter(Boolean))];
	const spaces = await getSocialSpaces(db, spaceIds);
	if (!spaceIds.length) issues.push({ field: 'socialSpaceIds', code: 'required' });
	else if (spaces.length !== spaceIds.length || spaces.some((s) => s.municipalityId !== input.municipalityId)) issues.push({ field: 'socialSpaceIds', code: 'unknown_social_space' });
	else if (!areasBbox(spaces.map((s) => ({ id: s.id, label: s.name, boundary: s.boundary ?? null })))) issues.push({ field: 'socialSpaceIds', code: 'pa_no_boundary' });
	const { categories, labels } = checkCategories(input.categories ?? [...DEFAULT_CATEGORIES], input.categoryLabels ?? {}, issues);
	if (!isIsoDate(input.opensOn)) issues.push({ field: 'opensOn', code: 'invalid_date' });
	if (!isIsoDate(input.closesOn)) issues.push({ field: 'closesOn', code: 'invalid_date' });
	else if (isIsoDate(input.opensOn) && input.closesOn < input.opensOn) issues.push({ field: 'closesOn', code: 'pa_closes_before_opens' });
	const k = input.k ?? LIMITS.kDefault;
	const cellMeters = input.cellMeters ?? LIMITS.cellDefault;
	const retentionDays = input.retentionDays ?? LIMITS.retentionDefaultDays;
	if (!Number.isInteger(k) || k < LIMITS.kMin || k > LIMITS.kMax) issues.push({ field: 'k', code: 'out_of_range', params: { min: LIMITS.kMin, max: LIMITS.kMax } });
	if (!Number.isInteger(cellMeters) || cellMeters < LIMITS.cellMin || cellMeters > LIMITS.cellMax) issues.push({ field: 'cellMeters', code: 'out_of_range', params: { min: LIMITS.cellMin, max: LIMITS.cellMax } });
	if (!Number.isInteger(retentionDays) || retentionDays < 0 || retentionDays > LIMITS.retentionMaxDays) issues.push({ field: 'retentionDays', code: 'out_of_range', params: { min: 0, max: LIMITS.retentionMaxDays } });
	if (issues.length) throw new ValidationError(issues);
	return db.transaction(async (tx) => {
		const [row] = await tx
			.insert(participationCampaign)
			.values({
				municipalityId: input.municipalityId,
				title,
				intro: input.intro ?? {},
				categories,
				categoryLabels: labels,
				socialSpaceIds: spaces.map((s) => s.id),
				k,
				cellMeters,
				opensOn: input.opensOn,
				closesOn: input.closesOn,
				retentionDays,
				isDemo: input.isDemo ?? false
			})
			.returning();
		await recordAudit(tx, { ...auditActor(principal), municipalityId: row.municipalityId, action: 'create', entityType: 'participation_campaign', entityId: row.id });
		return row;
	});
}

/**
 * Checks a category set: keys in order ('' dropped, duplicates once), at most
 * `LIMITS.categories`, each a built-in key or an own key with a German label; own labels are
 * trimmed, kept only for the listed keys, at most `LIMITS.title` characters each. Issues go to
 * `categories` (required | too_many | pa_invalid_category) and `label.<key>.<lang>` (too_long).
 * @returns the cleaned keys and the labels to store.
 */
export function checkCategories(keys: readonly string[], labels: Record<string, Record<string, string>>, issues: FieldIssue[]): { categories: string[]; labels: Record<string, Record<string, string>> } {
	const categories = [...new Set(keys.map((c) => c.trim()).filter(Boolean))];
	const kept: Record<string, Record<string, string>> = {};
	for (const c of categories) {
		if ((DEFAULT_CATEGORIES as readonly string[]).includes(c) || !labels[c]) continue;
		const byLang = Object.entries(labels[c]).map(([lang, label]) => [lang, label.trim()] as const).filter(([, label]) => label);
		for (const [lang, label] of byLang) {
			if (label.length > LIMITS.title || !isStorableText(label)) issues.push({ field: `label.${c}.${lang}`, code: 'too_long', params: { max: LIMITS.title } });
		}
		kept[c] = Object.fromEntries(byLang);
	}
	if (!categories.length) issues.push({ field: 'categories', code: 'required' });
	else if (categories.length > LIMITS.categories) issues.push({ field: 'categories', code: 'too_many', params: { max: LIMITS.categories } });
	else if (categories.some((c) => !isCategoryKey(c) || (!(DEFAULT_CATEGORIES as readonly string[]).includes(c) && !kept[c]?.de))) {
		issues.push({ field: 'categories', code: 'pa_invalid_category' });
	}
	return { categories, labels: kept };
}

/** A campaign by id, or null (also for a non-UUID id). */
export async function findCampaign(db: DbOrTx, id: string): Promise<CampaignRow | null> {
	if (!isUuid(id)) return null;
	const [row] = await db.select().from(participationCampaign).where(eq(participationCampaign.id, id));
	return row ?? null;
}

/** A municipality's campaigns, newest first. */
export function listCampaigns(db: DbOrTx, municipalityId: string): Promise<CampaignRow[]> {
	return db.select().from(participationCampaign).where(eq(participationCampaign.municipalityId, municipalityId)).orderBy(desc(participationCampaign.opensOn));
}

/**
 * A municipality's campaigns that close on `closedSince` (a Berlin date) or later, with what a
 * link to them needs — not their texts or frozen aggregates; by the index on (municipality, close).
 */
export function recentCampaigns(db: DbOrTx, municipalityId: string, closedSince: string): Promise<Pick<CampaignRow, 'id' | 'title' | 'opensOn' | 'closesOn' | 'pointsDeletedAt'>[]> {
	const c = participationCampaign;
	return db
		.select({ id: c.id, title: c.title, opensOn: c.opensOn, closesOn: c.closesOn, pointsDeletedAt: c.pointsDeletedAt })
		.from(c)
		.where(and(eq(c.municipalityId, municipalityId), gte(c.closesOn, closedSince)));
}

/** Whether the campaign takes points on the Berlin date of `now`. */
export function isOpen(c: Pick<CampaignRow, 'opensOn' | 'closesOn' | 'pointsDeletedAt'>, now: Date = new Date()): boolean {
	const today = berlinDate(now);
	return c.opensOn <= today && today <= c.closesOn && !c.pointsDeletedAt;
}

/**
 * The social spaces of a campaign (or of a survey's map question) with their boundaries, and the
 * frame its map is drawn with. @throws NotFoundError when none has a boundary any more.
 */
export async function campaignArea(db: DbOrTx, c: Pick<CampaignRow, 'socialSpaceIds'>): Promise<{ areas: CampaignArea[]; frame: Frame }> {
	const spaces = await getSocialSpaces(db, c.socialSpaceIds);
	const areas = spaces.map((s) => ({ id: s.id, label: s.name, boundary: s.boundary ?? null }));
	const bbox = areasBbox(areas);
	// createCampaign refuses campaigns without a boundary; a boundary removed since is a data fault.
	if (!bbox) throw new NotFoundError('boundary');
	return { areas, frame: frameFor(bbox) };
}

/**
 * One point as sent by the map form: the clicked pixel, or — without a pointer (keyboard, screen
 * reader) — the social space chosen instead (`space` given, even empty: then `x`/`y` are
 * ignored), and the facts.
 */
export interface PointInput {
	x: string | number;
	y: string | number;
	space?: string;
	category: string;
	comment: string;
	ageGroup: string;
	newSince: string;
}

interface CheckedPoint {
	longitude: number | null;
	latitude: number | null;
	socialSpaceId: string;
	category: string;
	comment: string;
	ageGroup: string | null;
	newSince: string | null;
	flagged: boolean;
}

type Facts = Omit<CheckedPoint, 'longitude' | 'latitude' | 'socialSpaceId'>;

/** Checks one point's category and optional facts; issues are pushed with `prefix` on the field names. */
function checkFacts(c: CampaignRow, input: Omit<PointInput, 'x' | 'y' | 'space'>, issues: FieldIssue[], prefix = ''): Facts {
	if (!c.categories.includes(input.category)) issues.push({ field: `${prefix}category`, code: input.category ? 'unknown_option' : 'required' });
	const comment = input.comment.trim();
	if (!isStorableText(comment)) issues.push({ field: `${prefix}comment`, code: 'invalid' });
	else if (comment.length > LIMITS.comment) issues.push({ field: `${prefix}comment`, code: 'too_long', params: { max: LIMITS.comment } });
	if (input.ageGroup && !(AGE_GROUPS as readonly string[]).includes(input.ageGroup)) issues.push({ field: `${prefix}ageGroup`, code: 'unknown_option' });
	if (input.newSince && !(NEW_SINCE as readonly string[]).includes(input.newSince)) issues.push({ field: `${prefix}newSince`, code: 'unknown_option' });
	return { category: input.category, comment, ageGroup: input.ageGroup || null, newSince: input.newSince || null, flagged: looksPersonal(comment) };
}

/** Checks one point's facts and places it in a campaign space; issues are pushed with `prefix` on the field names. */
function checkPoint(c: CampaignRow, index: ReturnType<typeof indexAreas<CampaignArea>>, lonLat: [number, number] | null, input: Omit<PointInput, 'x' | 'y' | 'space'>, issues: FieldIssue[], prefix = ''): CheckedPoint | null {
	const facts = checkFacts(c, input, issues, prefix);
	const space = lonLat ? findContaining(index, lonLat) : null;
	if (!lonLat) issues.push({ field: `${prefix}point`, code: 'required' });
	else if (!space) issues.push({ field: `${prefix}point`, code: 'pa_outside_area' });
	return lonLat && space ? { ...facts, longitude: lonLat[0], latitude: lonLat[1], socialSpaceId: space.id } : null;
}

/** A map click's pixel coordinate from a form value (up to five digits), or null. */
export function pixel(v: string | number): number | null {
	const n = typeof v === 'number' ? v : /^\d{1,5}$/.test(v.trim()) ? Number(v) : NaN;
	return Number.isFinite(n) ? n : null;
}

/**
 * Stores a participant's point, set by clicking the campaign map (`x`, `y` in map pixels) or given
 * for a whole social space of the campaign (`space`), for moderation. Anonymous: no account, no address; a comment that looks like personal data is
 * flagged.
 * @throws NotFoundError for an unknown campaign.
 * @throws ValidationError `campaign` pa_campaign_closed, `point` required | pa_outside_area, `space`
 *   required | unknown_option,
 *   `category` required | unknown_option, `comment` invalid | too_long, `ageGroup` / `newSince`
 *   unknown_option. Nothing is stored.
 */
export async function setPoint(db: Db, campaignId: string, input: PointInput, now: Date = new Date()): Promise<PointRow> {
	const c = await findCampaign(db, campaignId);
	if (!c) throw new NotFoundError('participation_campaign');
	if (!isOpen(c, now)) throw new ValidationError([{ field: 'campaign', code: 'pa_campaign_closed' }]);
	const { areas, frame } = await campaignArea(db, c);
	const issues: FieldIssue[] = [];
	let point: CheckedPoint | null = null;
	if (input.space !== undefined) {
		// A whole social space (no pointer): counted per space, never in a grid cell.
		const facts = checkFacts(c, input, issues);
		if (!c.socialSpaceIds.includes(input.space)) issues.push({ field: 'space', code: input.space ? 'unknown_option' : 'required' });
		else point = { ...facts, longitude: null, latitude: null, socialSpaceId: input.space };
	} else {
		const x = pixel(input.x);
		const y = pixel(input.y);
		point = checkPoint(c, indexAreas(areas, (a) => a.boundary), x === null || y === null ? null : fromPixel(frame, x, y), input, issues);
	}
	if (!point || issues.length) throw new ValidationError(issues);
	return db.transaction(async (tx) => {
		const [row] = await tx.insert(participationPoint).values({ campaignId: c.id, ...point, source: 'web' }).returning();
		await recordAudit(tx, { ...auditActor(PARTICIPANT), municipalityId: c.municipalityId, action: 'create', entityType: 'participation_point', entityId: row.id });
		return row;
	});
}

/** One point of a paper workshop: WGS84 degrees and the same facts as on the map. */
export interface BulkPoint {
	latitude: string | number;
	longitude: string | number;
	category: string;
	comment?: string;
	ageGroup?: string;
	newSince?: string;
}

function degrees(v: string | number, min: number, max: number): number | null {
	const n = typeof v === 'number' ? v : /^-?\d{1,3}(\.\d+)?$/.test(v.trim()) ? Number(v) : NaN;
	return Number.isFinite(n) && n >= min && n <= max ? n : null;
}

/**
 * Enters the points of a paper workshop in one go (staff), approved at once since staff typed
 * them from the paper, audited as one entry. All or nothing: any bad line refuses the whole set.
 * `options.isDemo` marks generated demo points.
 * @throws AccessDeniedError without `participation:campaigns`; NotFoundError for an unknown
 *   campaign; ValidationError `points` required | too_many, `campaign` pa_points_deleted, and per
 *   line `line <n>: <field>` with the codes of `setPoint` (`point` invalid for bad degrees).
 */
export async function enterPoints(db: Db, principal: Principal, campaignId: string, points: readonly BulkPoint[], options: { isDemo?: boolean } = {}): Promise<number> {
	const c = await findCampaign(db, campaignId);
	if (!c) throw new NotFoundError('participation_campaign');
	authorize(principal, 'participation:campaigns', { municipalityId: c.municipalityId });
	if (c.pointsDeletedAt) throw new ValidationError([{ field: 'campaign', code: 'pa_points_deleted' }]);
	if (!points.length) throw new ValidationError([{ field: 'points', code: 'required' }]);
	if (points.length > LIMITS.bulkLines) throw new ValidationError([{ field: 'points', code: 'too_many', params: { max: LIMITS.bulkLines } }]);
	const { areas } = await campaignArea(db, c);
	const index = indexAreas(areas, (a) => a.boundary);
	const issues: FieldIssue[] = [];
	const rows: CheckedPoint[] = [];
	points.forEach((p, i) => {
		const prefix = `line ${i + 1}: `;
		const lat = degrees(p.latitude, -90, 90);
		const lon = degrees(p.longitude, -180, 180);
		if (lat === null || lon === null) {
			issues.push({ field: `${prefix}point`, code: 'invalid' });
			return;
		}
		const checked = checkPoint(c, index, [lon, lat], { category: p.category, comment: p.comment ?? '', ageGroup: p.ageGroup ?? '', newSince: p.newSince ?? '' }, issues, prefix);
		if (checked) rows.push(checked);
	});
	if (issues.length) throw new ValidationError(issues);
	await db.transaction(async (tx) => {
		for (let i = 0; i < rows.length; i += 1000) {
			await tx.insert(participationPoint).values(rows.slice(i, i + 1000).map((r) => ({ campaignId: c.id, ...r, source: 'bulk', status: 'approved', isDemo: options.isDemo ?? false })));
		}
		await recordAudit(tx, { ...auditActor(principal), municipalityId: c.municipalityId, action: 'import', entityType: 'participation_campaign', entityId: c.id, changes: { points: [null, rows.length] } });
	});
	return rows.length;
}

/**
 * The points waiting for moderation, oldest first (staff see the exact point to judge it).
 * @throws AccessDeniedError without `participation:moderate`.
 */
export async function pendingPoints(db: DbOrTx, principal: Principal, c: CampaignRow, limit = 200): Promise<PointRow[]> {
	authorize(principal, 'participation:moderate', { municipalityId: c.municipalityId });
	return db
		.select()
		.from(participationPoint)
		.where(and(eq(participationPoint.campaignId, c.id), eq(participationPoint.status, 'pending')))
		.orderBy(asc(participationPoint.createdAt))
		.limit(limit);
}

/**
 * Approves or rejects pending points of one campaign, audited; ids of other campaigns or already
 * decided points are left alone.
 * @returns how many points changed.
 * @throws AccessDeniedError without `participation:moderate`; ValidationError `decision`
 *   unknown_option, `ids` required.
 */
export async function moderatePoints(db: Db, principal: Principal, c: CampaignRow, ids: readonly string[], decision: string): Promise<number> {
	authorize(principal, 'participation:moderate', { municipalityId: c.municipalityId });
	if (decision !== 'approved' && decision !== 'rejected') throw new ValidationError([{ field: 'decision', code: 'unknown_option' }]);
	const valid = ids.filter(isUuid);
	if (!valid.length) throw new ValidationError([{ field: 'ids', code: 'required' }]);
	return db.transaction(async (tx) => {
		const changed = await tx
			.update(participationPoint)
			.set({ status: decision })
			.where(and(eq(participationPoint.campaignId, c.id), eq(participationPoint.status, 'pending'), inArray(participationPoint.id, valid)))
			.returning({ id: participationPoint.id });
		if (changed.length) {
			await recordAudit(tx, { ...auditActor(principal), municipalityId: c.municipalityId, action: decision === 'approved' ? 'approve' : 'reject', entityType: 'participation_campaign', entityId: c.id, changes: { points: [null, changed.length] } });
		}
		return changed.length;
	});
}

/**
 * The campaign's publishable aggregate: approved points per grid cell and category, and per
 * social space and category, each count only where it reaches the campaign's k (grouped in SQL,
 * so no exact point leaves the database). After the points were deleted, the aggregate frozen
 * then. Source: issue 16 §2 "Publication protects people".
 */
export async function aggregateCampaign(db: DbOrTx, c: CampaignRow): Promise<Aggregate> {
	if (c.published) return c.published as Aggregate;
	const { frame } = await campaignArea(db, c);
	const grid = gridFor(frame.bbox, c.cellMeters);
	const p = participationPoint;
	const ix = sql<number>`floor((${p.longitude} - ${grid.minLon}::float8) * ${grid.perLon}::float8)::int`;
	const iy = sql<number>`floor((${p.latitude} - ${grid.minLat}::float8) * ${grid.perLat}::float8)::int`;
	const approved = and(eq(p.campaignId, c.id), eq(p.status, 'approved'));
	const [cellRows, spaceRows] = await Promise.all([
		db.select({ ix, iy, category: p.category, n: sql<number>`count(*)::int` }).from(p).where(and(approved, isNotNull(p.longitude))).groupBy(sql`1, 2, 3`),
		db.select({ socialSpaceId: p.socialSpaceId, category: p.category, n: sql<number>`count(*)::int` }).from(p).where(approved).groupBy(p.socialSpaceId, p.category)
	]);
	const { cells, suppressed } = publishCells(cellRows as CellCount[], c.k);
	const spaces: SpaceCount[] = spaceRows
		.filter((r) => r.socialSpaceId)
		.map((r) => ({ socialSpaceId: r.socialSpaceId!, category: r.category, n: r.n >= c.k ? r.n : null }));
	cells.sort((a, b) => a.category.localeCompare(b.category) || a.iy - b.iy || a.ix - b.ix);
	return { k: c.k, cellMeters: c.cellMeters, grid, cells, spaces, suppressed, total: cellRows.reduce((s, r) => s + r.n, 0) };
}

/**
 * Deletes the exact points of every campaign whose end plus retention period has passed, after
 * freezing its aggregate, audited per campaign (the deletion schedule's job and the CLI).
 * @returns how many campaigns were purged and points deleted.
 * @throws AccessDeniedError unless the system principal acts (only operators and jobs purge).
 */
export async function purgeExpiredPoints(db: Db, principal: Principal, now: Date = new Date()): Promise<{ campaigns: number; points: number }> {
	authorize(principal, 'participation:campaigns', {});
	const today = berlinDate(now);
	const due = await db
		.select()
		.from(participationCampaign)
		.where(and(isNull(participationCampaign.pointsDeletedAt), lte(sql`${participationCampaign.closesOn} + ${participationCampaign.retentionDays}`, sql`${today}::date`)));
	let points = 0;
	for (const c of due) {
		const published = await aggregateCampaign(db, c);
		await db.transaction(async (tx) => {
			const gone = await tx.delete(participationPoint).where(eq(participationPoint.campaignId, c.id)).returning({ id: participationPoint.id });
			await tx.update(participationCampaign).set({ published, pointsDeletedAt: now }).where(eq(participationCampaign.id, c.id));
			await recordAudit(tx, { ...auditActor(principal), municipalityId: c.municipalityId, action: 'delete', entityType: 'participation_point', entityId: c.id, changes: { points: [gone.length, 0] } });
			points += gone.length;
		});
	}
	return { campaigns: due.length, points };
}

/** Points waiting for moderation per campaign id (campaigns without any are absent). */
export async function pendingPointCounts(db: DbOrTx, campaignIds: readonly string[]): Promise<Map<string, number>> {
	const ids = campaignIds.filter(isUuid);
	if (!ids.length) return new Map();
	const rows = await db
		.select({ id: participationPoint.campaignId, n: sql<number>`count(*)::int` })
		.from(participationPoint)
		.where(and(inArray(participationPoint.campaignId, ids), eq(participationPoint.status, 'pending')))
		.groupBy(participationPoint.campaignId);
	return new Map(rows.map((r) => [r.id, r.n]));
}
