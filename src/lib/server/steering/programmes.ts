/**
 * Programme und Mittel (issue 5 §2): the municipality's registry of programmes and funds — funder
 * level, theme fields, target groups, social spaces, budget, period, application deadlines
 * (Antragsfristen), contact — linked to the offers they fund. Deadlines feed the calendar page and
 * the public iCalendar feed; budgets by field feed the dashboards (§4).
 *
 * Source: seed 002 ("verfügbare Programme und Mittel … zur Vermeidung von Doppelstrukturen und
 * Lücken"), issue 5 §2 and "Bad input". Dates are Europe/Berlin calendar dates (`YYYY-MM-DD`),
 * budgets are euro cents. Writing needs `programmes:manage`, reading the registry (it names
 * contact persons) `steering:view`; the public feed carries no contact data. Other modules are
 * read through their functions (geography `getSocialSpaces`, directory `getServices`); the
 * steering tables are read directly.
 */
import ical from 'ical-generator';
import { and, asc, eq, gte, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import { auditActor, authorize, type Principal } from '../access';
import { diffRecords, recordAudit } from '../audit/service';
import { berlinDate } from '../casework/time';
import { NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { isEmail, isHttpUrl, isIsoDate, isUuid } from '../core/validation';
import type { Db, DbOrTx } from '../db/client';
import { THEME_FIELDS, TARGET_GROUPS } from '../directory/model';
import { getServices, type ServiceDetail } from '../directory/service';
import { getSocialSpaces } from '../geography/service';
import { centsToInput, FUNDER_LEVELS, parseEuroCents, PROGRAMME_LONG_MAX, PROGRAMME_PHONE_MAX, PROGRAMME_SHORT_MAX } from './model';
import { needsReport, needsReportLink, programme, programmeDeadline, programmeService, programmeSpace } from './schema';

/** A programme as entered (form or demo). Empty strings mean "not given". */
export interface ProgrammeInput {
	name: string;
	description: string;
	funderLevel: string;
	funderName: string;
	/** Keys of the directory's THEME_FIELDS. */
	themeFields: string[];
	/** Keys of the directory's TARGET_GROUPS. */
	targetGroups: string[];
	/** Social spaces of the programme's municipality; none = the whole municipality. */
	socialSpaceIds: string[];
	/** Total budget in euros as written in German, decimal comma (`12.500,50`); '' = unknown. */
	budget: string;
	/** `YYYY-MM-DD`. */
	startsOn: string;
	/** `YYYY-MM-DD`, or '' for open-ended. */
	endsOn: string;
	/** Rows where date and label are both empty are ignored (blank form rows). */
	deadlines: { dueOn: string; label: string }[];
	url: string;
	contactName: string;
	contactEmail: string;
	contactPhone: string;
	/** Offers (directory services) of the same municipality that the programme funds. */
	serviceIds: string[];
}

export type Programme = typeof programme.$inferSelect;
export type ProgrammeDeadline = typeof programmeDeadline.$inferSelect;

/** A programme with everything its detail page shows. */
export interface ProgrammeDetail extends Programme {
	socialSpaces: { id: string; name: string }[];
	deadlines: ProgrammeDeadline[];
	/** Funded offers (all visibility levels: staff pages only). */
	services: { id: string; name: ServiceDetail['name']; status: string }[];
	/** Needs reports answered by this programme (`needs_report_link`), read-only here. */
	needsReports: { id: string; reference: string; title: string; status: string }[];
}

/** A row of the programme list. */
export interface ProgrammeSummary extends Programme {
	/** The next deadline on or after the list's reference date, if any. */
	nextDeadline: { dueOn: string; label: string } | null;
}

function checkText(issues: FieldIssue[], field: string, value: string, max: number, required = false): void {
	if (required && !value.trim()) issues.push({ field, code: 'required' });
	else if (value.length > max) issues.push({ field, code: 'too_long', params: { max } });
}

/**
 * Checks an input against the vocabularies and the period/budget rules (no database access).
 * Codes: `required`, `too_long`, `invalid_date`, `invalid_email`, `invalid_url`,
 * `pg_err_level`, `pg_err_theme_field`, `pg_err_target_group`, `pg_err_amount`,
 * `pg_err_negative_budget`, `pg_err_end_before_start`, `pg_err_deadline_label`.
 */
function validateProgrammeInput(input: ProgrammeInput): FieldIssue[] {
	const issues: FieldIssue[] = [];
	checkText(issues, 'name', input.name, PROGRAMME_SHORT_MAX, true);
	checkText(issues, 'description', input.description, PROGRAMME_LONG_MAX);
	checkText(issues, 'funderName', input.funderName, PROGRAMME_SHORT_MAX);
	checkText(issues, 'contactName', input.contactName, PROGRAMME_SHORT_MAX);
	checkText(issues, 'contactPhone', input.contactPhone, PROGRAMME_PHONE_MAX);
	checkText(issues, 'url', input.url, PROGRAMME_SHORT_MAX);
	checkText(issues, 'contactEmail', input.contactEmail, PROGRAMME_SHORT_MAX);
	if (!(FUNDER_LEVELS as readonly string[]).includes(input.funderLevel)) {
		issues.push({ field: 'funderLevel', code: input.funderLevel ? 'pg_err_level' : 'required', params: { value: input.funderLevel } });
	}
	const fields = THEME_FIELDS.map((t) => t.key);
	for (const f of input.themeFields) if (!fields.includes(f)) issues.push({ field: 'themeFields', code: 'pg_err_theme_field', params: { value: f } });
	const groups = TARGET_GROUPS.map((t) => t.key);
	for (const g of input.targetGroups) if (!groups.includes(g)) issues.push({ field: 'targetGroups', code: 'pg_err_target_group', params: { value: g } });
	const cents = parseEuroCents(input.budget);
	if (cents === 'invalid') issues.push({ field: 'budget', code: 'pg_err_amount' });
	if (cents === 'negative') issues.push({ field: 'budget', code: 'pg_err_negative_budget' });
	if (!input.startsOn) issues.push({ field: 'startsOn', code: 'required' });
	else if (!isIsoDate(input.startsOn)) issues.push({ field: 'startsOn', code: 'invalid_date' });
	if (input.endsOn && !isIsoDate(input.endsOn)) issues.push({ field: 'endsOn', code: 'invalid_date' });
	else if (input.endsOn && isIsoDate(input.startsOn) && input.endsOn < input.startsOn) issues.push({ field: 'endsOn', code: 'pg_err_end_before_start' });
	input.deadlines.forEach((d, i) => {
		if (!d.dueOn && !d.label.trim()) return;
		if (!d.dueOn) issues.push({ field: `deadlines.${i}.dueOn`, code: 'required' });
		else if (!isIsoDate(d.dueOn)) issues.push({ field: `deadlines.${i}.dueOn`, code: 'invalid_date' });
		if (!d.label.trim()) issues.push({ field: `deadlines.${i}.label`, code: 'pg_err_deadline_label' });
		else checkText(issues, `deadlines.${i}.label`, d.label, PROGRAMME_SHORT_MAX);
	});
	if (input.url && input.url.length <= PROGRAMME_SHORT_MAX && !isHttpUrl(input.url)) issues.push({ field: 'url', code: 'invalid_url' });
	if (input.contactEmail && input.contactEmail.length <= PROGRAMME_SHORT_MAX && !isEmail(input.contactEmail)) issues.push({ field: 'contactEmail', code: 'invalid_email' });
	return issues;
}

/** The spaces and offers named by the input that do not belong to the municipality (database checks). */
async function foreignReferences(db: DbOrTx, municipalityId: string, input: ProgrammeInput): Promise<FieldIssue[]> {
	const issues: FieldIssue[] = [];
	const spaceIds = [...new Set(input.socialSpaceIds)];
	const spaces = await getSocialSpaces(db, spaceIds.filter(isUuid));
	for (const id of spaceIds) {
		if (!spaces.some((s) => s.id === id && s.municipalityId === municipalityId)) issues.push({ field: 'socialSpaceIds', code: 'pg_err_space', params: { value: id } });
	}
	const serviceIds = [...new Set(input.serviceIds)];
	const services = await getServices(db, serviceIds.filter(isUuid), ['public', 'network', 'internal']);
	for (const id of serviceIds) {
		if (!services.some((s) => s.id === id && s.municipalityId === municipalityId)) issues.push({ field: 'serviceIds', code: 'pg_err_offer', params: { value: id } });
	}
	return issues;
}

/** The columns an input sets (shared by create, update and the audit diff). */
function columns(input: ProgrammeInput) {
	return {
		name: input.name.trim(),
		description: input.description.trim(),
		funderLevel: input.funderLevel,
		funderName: input.funderName.trim(),
		themeFields: orderedUnique(input.themeFields, THEME_FIELDS.map((t) => t.key)),
		targetGroups: orderedUnique(input.targetGroups, TARGET_GROUPS.map((t) => t.key)),
		budgetCents: parseEuroCents(input.budget) as number | null,
		startsOn: input.startsOn,
		endsOn: input.endsOn || null,
		url: input.url.trim(),
		contactName: input.contactName.trim(),
		contactEmail: input.contactEmail.trim(),
		contactPhone: input.contactPhone.trim()
	};
}

function orderedUnique(values: string[], order: string[]): string[] {
	return order.filter((k) => values.includes(k));
}

/**
 * Creates (no `options.id`) or updates a programme of the municipality, with its social spaces,
 * deadlines and funded offers, in one transaction, audited (`programme`, field by field; spaces,
 * deadlines and offers as sorted lists; the system principal by its label). Deadline rows that
 * stay the same keep their id, so calendar UIDs stay stable across edits.
 * @param options.isDemo marks demo records (demo loader only).
 * @throws AccessDeniedError without `programmes:manage`; NotFoundError for an unknown id or one
 *   of another municipality; ValidationError (fields as in `validateProgrammeInput`, plus
 *   `socialSpaceIds`/`pg_err_space` and `serviceIds`/`pg_err_offer` for another municipality's
 *   space or offer) — nothing is written then.
 */
export async function saveProgramme(
	db: Db,
	principal: Principal,
	municipalityId: string,
	input: ProgrammeInput,
	options: { id?: string; isDemo?: boolean } = {}
): Promise<Programme> {
	authorize(principal, 'programmes:manage', { municipalityId });
	const issues = validateProgrammeInput(input);
	issues.push(...(await foreignReferences(db, municipalityId, input)));
	if (issues.length) throw new ValidationError(issues);
	const values = columns(input);
	const deadlines = input.deadlines
		.filter((d) => d.dueOn || d.label.trim())
		.map((d) => ({ dueOn: d.dueOn, label: d.label.trim() }));
	const spaceIds = [...new Set(input.socialSpaceIds)].sort();
	const serviceIds = [...new Set(input.serviceIds)].sort();
	return db.transaction(async (tx) => {
		let before: Record<string, unknown> | null = null;
		let row: Programme;
		if (options.id) {
			const existing = isUuid(options.id) ? (await tx.select().from(programme).where(eq(programme.id, options.id)))[0] : undefined;
			if (!existing || existing.municipalityId !== municipalityId) throw new NotFoundError(`programme ${options.id}`);
			const links = await relations(tx, existing.id);
			before = { ...pick(existing), ...links };
			[row] = await tx.update(programme).set({ ...values, updatedAt: new Date() }).where(eq(programme.id, existing.id)).returning();
		} else {
			[row] = await tx.insert(programme).values({ ...values, municipalityId, isDemo: options.isDemo ?? false }).returning();
		}
		await tx.delete(programmeSpace).where(eq(programmeSpace.programmeId, row.id));
		if (spaceIds.length) await tx.insert(programmeSpace).values(spaceIds.map((socialSpaceId) => ({ programmeId: row.id, socialSpaceId })));
		await tx.delete(programmeService).where(eq(programmeService.programmeId, row.id));
		if (serviceIds.length) await tx.insert(programmeService).values(serviceIds.map((serviceId) => ({ programmeId: row.id, serviceId })));
		const kept = await tx.select().from(programmeDeadline).where(eq(programmeDeadline.programmeId, row.id));
		const wanted = deadlines.map((d) => `${d.dueOn}|${d.label}`);
		const stale = kept.filter((k) => !wanted.includes(`${k.dueOn}|${k.label}`));
		if (stale.length) await tx.delete(programmeDeadline).where(inArray(programmeDeadline.id, stale.map((s) => s.id)));
		const have = kept.filter((k) => !stale.includes(k)).map((k) => `${k.dueOn}|${k.label}`);
		const fresh = deadlines.filter((d, i) => !have.includes(wanted[i]) && wanted.indexOf(wanted[i]) === i);
		if (fresh.length) await tx.insert(programmeDeadline).values(fresh.map((d) => ({ ...d, programmeId: row.id })));
		const after = { ...pick(row), ...(await relations(tx, row.id)) };
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId,
			action: before ? 'update' : 'create',
			entityType: 'programme',
			entityId: row.id,
			changes: diffRecords(before, after)
		});
		return row;
	});
}

/** The audited columns of a row. */
function pick(row: Programme): Record<string, unknown> {
	const { id: _id, municipalityId: _m, createdAt: _c, updatedAt: _u, isDemo: _d, ...rest } = row;
	return rest;
}

/** Spaces, offers and deadlines of a programme as sorted lists (for the audit diff). */
async function relations(db: DbOrTx, id: string) {
	const spaces = await db.select({ id: programmeSpace.socialSpaceId }).from(programmeSpace).where(eq(programmeSpace.programmeId, id));
	const services = await db.select({ id: programmeService.serviceId }).from(programmeService).where(eq(programmeService.programmeId, id));
	const deadlines = await db.select().from(programmeDeadline).where(eq(programmeDeadline.programmeId, id));
	return {
		socialSpaceIds: spaces.map((s) => s.id).sort(),
		serviceIds: services.map((s) => s.id).sort(),
		deadlines: deadlines.map((d) => `${d.dueOn} ${d.label}`).sort()
	};
}

/** Filters of the programme list; all optional and combined with AND. */
export interface ProgrammeFilter {
	/** A THEME_FIELDS key the programme covers. */
	field?: string;
	funderLevel?: string;
	/** Programmes covering this social space, including those for the whole municipality (no spaces). */
	socialSpaceId?: string;
	/** Programmes running on this date (`YYYY-MM-DD`): started and not ended. */
	activeOn?: string;
	/** Programmes running on at least one day of this calendar year, as `budgetByField` counts them. */
	activeInYear?: number;
}

/**
 * The municipality's programmes matching the filter, by start date (newest first) and name,
 * each with its next deadline on or after `today` (`YYYY-MM-DD`, Europe/Berlin).
 * Unknown filter values simply match nothing; a malformed `activeOn` is no filter.
 * @throws AccessDeniedError without `steering:view`.
 */
export async function listProgrammes(db: DbOrTx, principal: Principal, municipalityId: string, filter: ProgrammeFilter = {}, today?: string): Promise<ProgrammeSummary[]> {
	authorize(principal, 'steering:view', { municipalityId });
	const where: SQL[] = [eq(programme.municipalityId, municipalityId)];
	if (filter.field) where.push(sql`${filter.field} = any(${programme.themeFields})`);
	if (filter.funderLevel) where.push(eq(programme.funderLevel, filter.funderLevel));
	if (filter.activeOn && isIsoDate(filter.activeOn)) {
		where.push(lte(programme.startsOn, filter.activeOn), or(isNull(programme.endsOn), gte(programme.endsOn, filter.activeOn))!);
	}
	if (filter.activeInYear !== undefined) {
		where.push(lte(programme.startsOn, `${filter.activeInYear}-12-31`), or(isNull(programme.endsOn), gte(programme.endsOn, `${filter.activeInYear}-01-01`))!);
	}
	if (filter.socialSpaceId) {
		if (!isUuid(filter.socialSpaceId)) return [];
		where.push(
			sql`(exists (select 1 from ${programmeSpace} ps where ps.programme_id = ${programme.id} and ps.social_space_id = ${filter.socialSpaceId})
			or not exists (select 1 from ${programmeSpace} ps where ps.programme_id = ${programme.id}))`
		);
	}
	const rows = await db
		.select()
		.from(programme)
		.where(and(...where))
		.orderBy(sql`${programme.startsOn} desc`, asc(programme.name));
	if (!rows.length) return [];
	const from = today && isIsoDate(today) ? today : '0001-01-01';
	const next = await db
		.select()
		.from(programmeDeadline)
		.where(and(inArray(programmeDeadline.programmeId, rows.map((r) => r.id)), gte(programmeDeadline.dueOn, from)))
		.orderBy(asc(programmeDeadline.dueOn), asc(programmeDeadline.label));
	return rows.map((r) => {
		const d = next.find((n) => n.programmeId === r.id);
		return { ...r, nextDeadline: d ? { dueOn: d.dueOn, label: d.label } : null };
	});
}

/**
 * One programme of the municipality with spaces, deadlines (by date), funded offers and the
 * needs reports linked to it. @returns null when missing (or `id` is malformed) or of another
 * municipality. @throws AccessDeniedError without `steering:view`.
 */
export async function getProgramme(db: DbOrTx, principal: Principal, municipalityId: string, id: string): Promise<ProgrammeDetail | null> {
	authorize(principal, 'steering:view', { municipalityId });
	if (!isUuid(id)) return null;
	const [row] = await db.select().from(programme).where(and(eq(programme.id, id), eq(programme.municipalityId, municipalityId)));
	if (!row) return null;
	const spaceLinks = await db.select().from(programmeSpace).where(eq(programmeSpace.programmeId, id));
	const spaces = await getSocialSpaces(db, spaceLinks.map((s) => s.socialSpaceId));
	const deadlines = await db.select().from(programmeDeadline).where(eq(programmeDeadline.programmeId, id)).orderBy(asc(programmeDeadline.dueOn), asc(programmeDeadline.label));
	const serviceLinks = await db.select().from(programmeService).where(eq(programmeService.programmeId, id));
	const services = await getServices(db, serviceLinks.map((s) => s.serviceId), ['public', 'network', 'internal']);
	const reports = await db
		.select({ id: needsReport.id, reference: needsReport.reference, title: needsReport.title, status: needsReport.status })
		.from(needsReportLink)
		.innerJoin(needsReport, eq(needsReport.id, needsReportLink.reportId))
		.where(eq(needsReportLink.programmeId, id))
		.orderBy(asc(needsReport.reference));
	return {
		...row,
		socialSpaces: spaces.map((s) => ({ id: s.id, name: s.name })),
		deadlines,
		services: services.map((s) => ({ id: s.id, name: s.name, status: s.status })),
		needsReports: reports
	};
}

/** The input that reproduces a stored programme (edit forms). */
export function programmeToInput(p: ProgrammeDetail): ProgrammeInput {
	return {
		name: p.name,
		description: p.description,
		funderLevel: p.funderLevel,
		funderName: p.funderName,
		themeFields: p.themeFields,
		targetGroups: p.targetGroups,
		socialSpaceIds: p.socialSpaces.map((s) => s.id),
		budget: centsToInput(p.budgetCents),
		startsOn: p.startsOn,
		endsOn: p.endsOn ?? '',
		deadlines: p.deadlines.map((d) => ({ dueOn: d.dueOn, label: d.label })),
		url: p.url,
		contactName: p.contactName,
		contactEmail: p.contactEmail,
		contactPhone: p.contactPhone,
		serviceIds: p.services.map((s) => s.id)
	};
}

/**
 * Deletes a programme with its spaces, deadlines and offer links (links from needs reports go
 * too, by the foreign keys), audited. @throws AccessDeniedError without `programmes:manage`;
 * NotFoundError when missing or of another municipality.
 */
export async function deleteProgramme(db: Db, principal: Principal, municipalityId: string, id: string): Promise<void> {
	authorize(principal, 'programmes:manage', { municipalityId });
	await db.transaction(async (tx) => {
		const [row] = isUuid(id) ? await tx.select().from(programme).where(eq(programme.id, id)) : [];
		if (!row || row.municipalityId !== municipalityId) throw new NotFoundError(`programme ${id}`);
		await tx.delete(programme).where(eq(programme.id, id));
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId: row.municipalityId,
			action: 'delete',
			entityType: 'programme',
			entityId: id,
			changes: { name: [row.name, null] }
		});
	});
}

/** A deadline with its programme, for the calendar and the feed. */
export interface DeadlineEntry {
	id: string;
	dueOn: string;
	label: string;
	programmeId: string;
	programmeName: string;
	url: string;
	isDemo: boolean;
}

/**
 * The municipality's programme deadlines from `from` to `to` (both `YYYY-MM-DD`, inclusive),
 * by date, programme name and label.
 * @throws AccessDeniedError without `steering:view`; ValidationError `from`/`to` `invalid_date`.
 */
export async function listDeadlines(db: DbOrTx, principal: Principal, municipalityId: string, from: string, to: string): Promise<DeadlineEntry[]> {
	authorize(principal, 'steering:view', { municipalityId });
	const issues: FieldIssue[] = [];
	if (!isIsoDate(from)) issues.push({ field: 'from', code: 'invalid_date' });
	if (!isIsoDate(to)) issues.push({ field: 'to', code: 'invalid_date' });
	if (issues.length) throw new ValidationError(issues);
	return db
		.select({
			id: programmeDeadline.id,
			dueOn: programmeDeadline.dueOn,
			label: programmeDeadline.label,
			programmeId: programme.id,
			programmeName: programme.name,
			url: programme.url,
			isDemo: programme.isDemo
		})
		.from(programmeDeadline)
		.innerJoin(programme, eq(programme.id, programmeDeadline.programmeId))
		.where(and(eq(programme.municipalityId, municipalityId), gte(programmeDeadline.dueOn, from), lte(programmeDeadline.dueOn, to)))
		.orderBy(asc(programmeDeadline.dueOn), asc(programme.name), asc(programmeDeadline.label));
}

/** Budget of one theme field in one year (see `budgetByField`). */
export interface FieldBudget {
	/** A THEME_FIELDS key, or `none` for programmes without a theme field. */
	field: string;
	/** Sum of the field's shares of the programmes' budgets, euro cents. */
	budgetCents: number;
	/** Programmes active in the year that cover the field. */
	programmes: number;
	/** Of those, programmes that cover more than one field (their budget is split). */
	shared: number;
	/** Of those, programmes whose budget is unknown (not counted in `budgetCents`). */
	unknownBudget: number;
}

/**
 * Programmes and budget by theme field for a calendar year (issue 5 §4: "programmes and budget
 * by field"). A programme counts when it runs for at least one day of the year (starts on or
 * before 31 December, ends on or after 1 January or is open-ended), with its whole recorded
 * budget (the registry keeps one total per programme, not yearly tranches).
 *
 * Multi-field programmes: the budget is SPLIT EVENLY across the programme's theme fields, so the
 * field sums add up to the total and nothing is counted twice; leftover cents go to the first
 * fields in THEME_FIELDS order. Each such programme is counted (and flagged in `shared`) in every
 * one of its fields. Programmes with an unknown budget are counted in `programmes` and
 * `unknownBudget` but add nothing to `budgetCents` ("no data" is not 0).
 * @returns one row per THEME_FIELDS key (in order), then `none` if any programme has no field;
 *   plus the total in cents.
 */
export async function budgetByField(db: DbOrTx, municipalityId: string, year: number): Promise<{ year: number; fields: FieldBudget[]; totalCents: number }> {
	const rows = await db
		.select({ themeFields: programme.themeFields, budgetCents: programme.budgetCents })
		.from(programme)
		.where(
			and(
				eq(programme.municipalityId, municipalityId),
				lte(programme.startsOn, `${year}-12-31`),
				or(isNull(programme.endsOn), gte(programme.endsOn, `${year}-01-01`))
			)
		);
	const keys = THEME_FIELDS.map((t) => t.key);
	const out = new Map<string, FieldBudget>(keys.map((k) => [k, { field: k, budgetCents: 0, programmes: 0, shared: 0, unknownBudget: 0 }]));
	let totalCents = 0;
	for (const r of rows) {
		const fields = keys.filter((k) => r.themeFields.includes(k));
		if (!fields.length) fields.push('none');
		if (!out.has('none') && fields[0] === 'none') out.set('none', { field: 'none', budgetCents: 0, programmes: 0, shared: 0, unknownBudget: 0 });
		if (r.budgetCents !== null) totalCents += r.budgetCents;
		fields.forEach((f, i) => {
			const b = out.get(f)!;
			b.programmes++;
			if (fields.length > 1) b.shared++;
			if (r.budgetCents === null) b.unknownBudget++;
			else b.budgetCents += Math.floor(r.budgetCents / fields.length) + (i < r.budgetCents % fields.length ? 1 : 0);
		});
	}
	return { year, fields: [...out.values()], totalCents };
}

/** How far back the public feed reaches: calendar apps keep past events anyway. */
const FEED_PAST_DAYS = 366;

/**
 * The public iCalendar feed (RFC 5545) of a municipality's programme deadlines: one all-day
 * event (`DTSTART;VALUE=DATE`) per deadline from a year ago on, carrying only the programme name,
 * the deadline label and the programme URL (no contact data: the feed needs no login). The UID
 * is the deadline row's id, which `saveProgramme` keeps while the deadline is unchanged, so
 * calendar apps update rather than duplicate events. DTSTAMP is the programme's last change.
 * @param municipality `{ id, name }` of the municipality.
 * @returns the calendar text, every line ending with CRLF (serve as `text/calendar; charset=utf-8`).
 */
export async function deadlineFeed(db: DbOrTx, municipality: { id: string; name: string }, now: Date = new Date()): Promise<string> {
	const from = berlinDate(new Date(now.getTime() - FEED_PAST_DAYS * 86_400_000));
	const rows = await db
		.select({ id: programmeDeadline.id, dueOn: programmeDeadline.dueOn, label: programmeDeadline.label, name: programme.name, url: programme.url, stamp: programme.updatedAt })
		.from(programmeDeadline)
		.innerJoin(programme, eq(programme.id, programmeDeadline.programmeId))
		.where(and(eq(programme.municipalityId, municipality.id), gte(programmeDeadline.dueOn, from)))
		.orderBy(asc(programmeDeadline.dueOn), asc(programme.name), asc(programmeDeadline.label));
	const calendar = ical({ name: `${municipality.name}: Fristen / deadlines`, prodId: { company: 'anlaufstelle', product: 'programme-deadlines', language: 'DE' } });
	for (const r of rows) {
		calendar.createEvent({
			id: `${r.id}@anlaufstelle.programme-deadline`,
			// Noon UTC is the same calendar day in every time zone ical-generator might format in.
			start: new Date(`${r.dueOn}T12:00:00Z`),
			allDay: true,
			stamp: r.stamp,
			summary: `${r.label} – ${r.name}`,
			url: r.url || null
		});
	}
	// RFC 5545 §3.1 ends every content line with CRLF, the last one too; ical-generator joins the
	// lines with CRLF and leaves the final one bare, which strict parsers reject.
	const text = calendar.toString();
	return text.endsWith('\r\n') ? text : `${text}\r\n`;
}
