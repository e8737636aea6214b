/**
 * The programme pages (issue 5 §2): the registry with its filters, the programme form (new and
 * edit, repeated deadline rows without JavaScript), one programme, the deadline calendar of a
 * month, and the public deadline feed. Reads the forms and the query and shapes the services' answers for the pages; form
 * errors keep the services' field paths, which are the form's element ids.
 */
import { can, type UserPrincipal } from '../../access';
import { berlinDate } from '../../casework/time';
import { AccessDeniedError, NotFoundError } from '../../core/errors';
import { isIsoDate, parseInteger } from '../../core/validation';
import type { Db, DbOrTx } from '../../db/client';
import { TARGET_GROUPS, THEME_FIELDS } from '../../directory/model';
import { getServices, listEntryIds } from '../../directory/service';
import { pickText } from '../../directory/texts';
import { findMunicipality, listSocialSpaces } from '../../geography/service';
import { FUNDER_LEVELS } from '../model';
import { deadlineFeed, getProgramme, listDeadlines, listProgrammes, programmeToInput, saveProgramme, type ProgrammeInput } from '../programmes';
import { formList, formText } from './forms';

/** Blank deadline rows offered below the filled ones (and added by "more rows"). */
const BLANK_DEADLINE_ROWS = 3;

/** Most deadline rows a form may send. */
const MAX_DEADLINE_ROWS = 200;

/** The vocabularies the programme form offers, in the model's order. */
const PROGRAMME_VOCAB = {
	levels: [...FUNDER_LEVELS] as string[],
	fields: THEME_FIELDS.map((t) => t.key),
	groups: TARGET_GROUPS.map((t) => t.key)
};

/** An empty programme form. */
const EMPTY: ProgrammeInput = {
	name: '',
	description: '',
	funderLevel: '',
	funderName: '',
	themeFields: [],
	targetGroups: [],
	socialSpaceIds: [],
	budget: '',
	startsOn: '',
	endsOn: '',
	deadlines: [],
	url: '',
	contactName: '',
	contactEmail: '',
	contactPhone: '',
	serviceIds: []
};

/**
 * The registry of the principal's municipality, filtered by the query: `field`, `level` and
 * `space` (unknown values are no filter), `active` (a date) and `year` (a four-digit year) — a
 * malformed date or year is no filter and is pointed out on the page.
 * @throws AccessDeniedError without `steering:view`.
 */
export async function programmeListPage(db: DbOrTx, principal: UserPrincipal, query: URLSearchParams) {
	const municipalityId = principal.municipalityId;
	const q = (k: string) => query.get(k)?.trim() ?? '';
	const year = parseInteger(q('year'), { min: 1900, max: 2099 });
	const filter = {
		field: PROGRAMME_VOCAB.fields.includes(q('field')) ? q('field') : '',
		level: PROGRAMME_VOCAB.levels.includes(q('level')) ? q('level') : '',
		space: q('space'),
		active: isIsoDate(q('active')) ? q('active') : '',
		year: year === null ? '' : String(year)
	};
	const spaces = await listSocialSpaces(db, { municipalityId });
	if (!spaces.some((s) => s.id === filter.space)) filter.space = '';
	const list = await listProgrammes(
		db,
		principal,
		municipalityId,
		{ field: filter.field || undefined, funderLevel: filter.level || undefined, socialSpaceId: filter.space || undefined, activeOn: filter.active || undefined, activeInYear: year ?? undefined },
		berlinDate(new Date())
	);
	return {
		filter,
		activeInvalid: q('active') !== '' && !filter.active,
		yearInvalid: q('year') !== '' && !filter.year,
		canManage: can(principal, 'programmes:manage', { municipalityId }),
		vocab: { levels: PROGRAMME_VOCAB.levels, fields: PROGRAMME_VOCAB.fields },
		spaces: spaces.map((s) => ({ id: s.id, name: s.name })),
		programmes: list.map((r) => ({
			id: r.id,
			name: r.name,
			funderLevel: r.funderLevel,
			funderName: r.funderName,
			themeFields: r.themeFields,
			startsOn: r.startsOn,
			endsOn: r.endsOn,
			budgetCents: r.budgetCents,
			nextDeadline: r.nextDeadline,
			isDemo: r.isDemo
		}))
	};
}

/** The social spaces and offers (every visibility: a staff page) of the municipality offered in the programme form. */
async function formOptions(db: DbOrTx, municipalityId: string, locale: string) {
	const levels = ['public', 'network', 'internal'] as const;
	const spaces = await listSocialSpaces(db, { municipalityId });
	const { serviceIds } = await listEntryIds(db, municipalityId, [...levels]);
	const services = await getServices(db, serviceIds, [...levels]);
	return {
		spaces: spaces.map((s) => ({ id: s.id, name: s.name })),
		offers: services
			.map((s) => ({ id: s.id, name: `${pickText(s.name, locale)?.text ?? s.id} – ${s.organization.name}` }))
			.sort((a, b) => a.name.localeCompare(b.name, locale))
	};
}

/** The form for a new programme. @throws AccessDeniedError without `programmes:manage`. */
export async function newProgrammePage(db: DbOrTx, principal: UserPrincipal, locale: string) {
	if (!can(principal, 'programmes:manage', { municipalityId: principal.municipalityId })) throw new AccessDeniedError();
	return { values: EMPTY, rows: BLANK_DEADLINE_ROWS, options: await formOptions(db, principal.municipalityId, locale), vocab: PROGRAMME_VOCAB };
}

/** Reads the programme form (deadline rows `deadline_date_<i>` / `deadline_label_<i>`). */
export function programmeFromForm(form: FormData): ProgrammeInput {
	const rows = Math.min(parseInteger(formText(form, 'deadline_rows'), { min: 0 }) ?? 0, MAX_DEADLINE_ROWS);
	const deadlines: ProgrammeInput['deadlines'] = [];
	for (let i = 0; i < rows; i++) deadlines.push({ dueOn: formText(form, `deadline_date_${i}`), label: formText(form, `deadline_label_${i}`) });
	return {
		name: formText(form, 'name'),
		description: formText(form, 'description'),
		funderLevel: formText(form, 'funderLevel'),
		funderName: formText(form, 'funderName'),
		themeFields: formList(form, 'themeFields'),
		targetGroups: formList(form, 'targetGroups'),
		socialSpaceIds: formList(form, 'socialSpaceIds'),
		budget: formText(form, 'budget'),
		startsOn: formText(form, 'startsOn'),
		endsOn: formText(form, 'endsOn'),
		deadlines,
		url: formText(form, 'url'),
		contactName: formText(form, 'contactName'),
		contactEmail: formText(form, 'contactEmail'),
		contactPhone: formText(form, 'contactPhone'),
		serviceIds: formList(form, 'serviceIds')
	};
}

/** The programme form drawn again with more blank deadline rows ("more rows", no JavaScript). */
export function moreDeadlineRows(values: ProgrammeInput) {
	return { values, rows: values.deadlines.length + BLANK_DEADLINE_ROWS, more: true as const };
}

/**
 * Saves the programme form in the principal's municipality (new, or the programme `id`).
 * @returns the programme's id. @throws as `saveProgramme`.
 */
export async function saveProgrammeFromForm(db: Db, principal: UserPrincipal, values: ProgrammeInput, id?: string): Promise<string> {
	return (await saveProgramme(db, principal, principal.municipalityId, values, { id })).id;
}

/**
 * One programme of the principal's municipality: its facts, deadlines, funded offers (names in
 * `locale`) and linked needs reports; for administrators also the edit form.
 * @throws AccessDeniedError without `steering:view`; NotFoundError when it is not there.
 */
export async function programmePage(db: DbOrTx, principal: UserPrincipal, id: string, locale: string, query: URLSearchParams) {
	const municipalityId = principal.municipalityId;
	const prog = await getProgramme(db, principal, municipalityId, id);
	if (!prog) throw new NotFoundError(`programme ${id}`);
	const canManage = can(principal, 'programmes:manage', { municipalityId });
	const values = programmeToInput(prog);
	return {
		programme: {
			...prog,
			createdAt: prog.createdAt.toISOString(),
			updatedAt: prog.updatedAt.toISOString(),
			services: prog.services.map((s) => ({ id: s.id, name: pickText(s.name, locale)?.text ?? s.id, status: s.status }))
		},
		saved: query.has('saved'),
		canManage,
		edit: canManage ? { values, rows: values.deadlines.length + BLANK_DEADLINE_ROWS, options: await formOptions(db, municipalityId, locale), vocab: PROGRAMME_VOCAB } : null
	};
}

/** `YYYY-MM` of the month `delta` months from `year`/`month`. */
function shift(year: number, month: number, delta: number): string {
	const d = new Date(Date.UTC(year, month - 1 + delta, 1));
	return d.toISOString().slice(0, 7);
}

/**
 * The deadline calendar: one Europe/Berlin month (`?month=YYYY-MM`, default the current one;
 * a malformed month is pointed out and the current one shown) of programme deadlines grouped by
 * day, with the neighbouring months and the public iCalendar feed.
 * @throws AccessDeniedError without `steering:view`.
 */
export async function calendarPage(db: DbOrTx, principal: UserPrincipal, query: URLSearchParams, origin: string) {
	const asked = query.get('month') ?? '';
	const chosen = asked.length === 7 && isIsoDate(`${asked}-01`) ? asked : berlinDate(new Date()).slice(0, 7);
	const [year, month] = chosen.split('-').map(Number);
	const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
	const deadlines = await listDeadlines(db, principal, principal.municipalityId, `${chosen}-01`, `${chosen}-${String(last).padStart(2, '0')}`);
	const days: { date: string; items: typeof deadlines }[] = [];
	for (const d of deadlines) {
		const day = days.find((x) => x.date === d.dueOn);
		if (day) day.items.push(d);
		else days.push({ date: d.dueOn, items: [d] });
	}
	return {
		month: chosen,
		monthInvalid: asked !== '' && asked !== chosen,
		previous: shift(year, month, -1),
		next: shift(year, month, 1),
		days,
		feedPath: `/api/steering/${principal.municipalitySlug}/deadlines.ics`,
		origin
	};
}

/**
 * The public iCalendar feed of the municipality with this slug as a response
 * (`text/calendar`, cacheable for 15 minutes). @throws NotFoundError for an unknown slug.
 */
export async function deadlineFeedResponse(db: DbOrTx, municipalitySlug: string): Promise<Response> {
	const m = await findMunicipality(db, municipalitySlug);
	if (!m) throw new NotFoundError(`municipality ${municipalitySlug}`);
	return new Response(await deadlineFeed(db, m), {
		headers: {
			'content-type': 'text/calendar; charset=utf-8',
			'content-disposition': `inline; filename="${m.slug}-fristen.ics"`,
			'cache-control': 'public, max-age=900'
		}
	});
}
