/**
 * The Ehrenamtsnachweis (issue 13 §7): a PDF certificate of a volunteer's activities and
 * confirmed hours over a period, in German and — when it is another — in the volunteer's
 * language, each part with its language set. Tagged for screen readers (Document › H1, P, H2,
 * Table; document language, title shown) through the platform's PDF layer `core/pdf.ts`. Also
 * the data export of a volunteer (Art. 15, 20 GDPR) as JSON.
 */
import type { Principal } from '../../access';
import { isolate } from '../../core/direction';
import { ValidationError, type FieldIssue } from '../../core/errors';
import { TaggedPdf } from '../../core/pdf';
import { isIsoDate } from '../../core/validation';
import type { DbOrTx } from '../../db/client';
import { findMunicipalityById } from '../../geography/service';
import { assignmentsOf } from '../assignments';
import { recognitionOf } from '../care';
import { checksOf } from '../checks';
import { ledgerOf } from '../hours';
import { mailLocale, textIn } from '../mail';
import { berlinDate, hoursOf } from '../model';
import { ownProfile, profileDetail, profileFor, type ProfileRow } from '../profiles';
import { listActivities } from '../settings';
import { activityLabel } from './activity';
import { hoursText } from './labels';
import { listText } from '../../../messages';
import { dateTimeFormat } from '$lib/intl';

/** The period of a certificate from the query (`from`, `to`; default: this year up to today). */
export function certificatePeriod(query: URLSearchParams, now: Date = new Date()): { from: string; to: string } {
	const today = berlinDate(now);
	const from = query.get('from')?.trim() || `${today.slice(0, 4)}-01-01`;
	const to = query.get('to')?.trim() || today;
	const issues: FieldIssue[] = [];
	if (!isIsoDate(from)) issues.push({ field: 'from', code: 'vo_invalid_date' });
	if (!isIsoDate(to)) issues.push({ field: 'to', code: 'vo_invalid_date' });
	else if (isIsoDate(from) && to < from) issues.push({ field: 'to', code: 'vo_ends_before_start' });
	if (issues.length) throw new ValidationError(issues);
	return { from, to };
}

/** What a certificate says, computed once for both languages. */
interface CertificateData {
	name: string;
	municipality: string;
	from: string;
	to: string;
	/** Per activity: minutes and organisations. */
	activities: { key: string; minutes: number; organisations: string[] }[];
	total: number;
	issued: string;
}

async function certificateData(db: DbOrTx, profile: ProfileRow, period: { from: string; to: string }, now: Date): Promise<CertificateData> {
	const [detail, municipality, ledger] = await Promise.all([profileDetail(db, profile), findMunicipalityById(db, profile.municipalityId), ledgerOf(db, profile.id, { ...period, status: ['confirmed'] })]);
	const by = new Map<string, { minutes: number; organisations: Set<string> }>();
	for (const h of ledger) {
		const a = by.get(h.activity) ?? { minutes: 0, organisations: new Set<string>() };
		a.minutes += h.minutes;
		a.organisations.add(h.organisation);
		by.set(h.activity, a);
	}
	return {
		name: detail.displayName,
		municipality: municipality?.name ?? '',
		...period,
		activities: [...by.entries()].map(([key, a]) => ({ key, minutes: a.minutes, organisations: [...a.organisations].sort() })).sort((a, b) => b.minutes - a.minutes),
		total: ledger.reduce((n, h) => n + h.minutes, 0),
		issued: berlinDate(now)
	};
}

/**
 * Renders the certificate of a profile as a tagged PDF through the platform's PDF layer
 * (`core/pdf.ts`: bidi, a font for every script): German first, then the volunteer's message
 * language if it is another, on its own page with its language set. Per version: H1, the
 * introduction, a table of activities (activity, hours, organisations), the total, date and note.
 * The name and organisations go in as isolates, so a Latin name keeps its shape in Arabic text.
 * @returns the PDF bytes.
 */
async function renderCertificate(db: DbOrTx, profile: ProfileRow, period: { from: string; to: string }, now: Date): Promise<Buffer> {
	const data = await certificateData(db, profile, period, now);
	const activities = await listActivities(db, profile.municipalityId);
	const own = mailLocale(profile.messageLocale);
	const parts = own === 'de' ? (['de'] as const) : (['de', own] as const);
	const pdf = new TaggedPdf({ lang: 'de', title: `${textIn('de', 'vo_cert_title')} – ${data.name}`, subject: textIn('de', 'vo_cert_title'), margin: 56 });
	parts.forEach((locale, i) => {
		if (i > 0) pdf.newPage();
		const lang = i === 0 ? undefined : locale;
		const t = (key: string, params: Record<string, unknown> = {}) => textIn(locale, key, params);
		const day = (d: string) => isolate(dateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${d}T12:00:00Z`)));
		pdf.block('H1', t('vo_cert_title'), { size: 20, bold: true }, lang);
		pdf.space(0.5);
		pdf.block('P', t('vo_cert_intro', { name: isolate(data.name), municipality: isolate(data.municipality), from: day(data.from), to: day(data.to) }), { size: 11 }, lang);
		pdf.space(0.8);
		pdf.block('H2', t('vo_cert_activities'), { size: 13, bold: true }, lang);
		if (!data.activities.length) pdf.block('P', t('vo_cert_none'), { size: 11 }, lang);
		else
			pdf.table(
				{
					columns: [{ width: 180 }, { width: 70, align: 'end' }, { width: pdf.width - 250 }],
					header: [t('vo_col_activity'), t('vo_col_hours'), t('vo_col_organisation')],
					rows: data.activities.map((a) => [activityLabel(activities, a.key, locale), hoursText(a.minutes, locale), listText(a.organisations.map(isolate), locale)]),
					size: 10
				},
				lang
			);
		pdf.space(0.8);
		// A number, not text: the message formats it in the language and chooses its plural form by it.
		pdf.block('P', t('vo_cert_total', { hours: hoursOf(data.total) }), { size: 12, bold: true }, lang);
		pdf.space(1);
		pdf.block('P', t('vo_cert_issued', { date: day(data.issued), municipality: isolate(data.municipality) }), { size: 10 }, lang);
		pdf.block('P', t('vo_cert_note'), { size: 9 }, lang);
	});
	return pdf.finish();
}

/** The signed-in volunteer's certificate for the query's period. @throws ValidationError (period), AccessDeniedError. */
export async function ownCertificate(db: DbOrTx, principal: Principal, query: URLSearchParams, now: Date = new Date()): Promise<Response> {
	const profile = await ownProfile(db, principal);
	return pdfResponse(await renderCertificate(db, profile, certificatePeriod(query, now), now), 'ehrenamtsnachweis.pdf');
}

/** A volunteer's certificate for a coordinator (audited read). @throws NotFoundError, AccessDeniedError, ValidationError. */
export async function certificateFor(db: DbOrTx, principal: Principal, profileId: string, query: URLSearchParams, now: Date = new Date()): Promise<Response> {
	const period = certificatePeriod(query, now);
	const profile = await profileFor(db, principal, profileId);
	return pdfResponse(await renderCertificate(db, profile, period, now), 'ehrenamtsnachweis.pdf');
}

function pdfResponse(body: Buffer, name: string): Response {
	return new Response(new Uint8Array(body), { headers: { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="${name}"`, 'cache-control': 'private, no-store', 'x-content-type-options': 'nosniff' } });
}

/** Everything stored about a volunteer, as JSON (Art. 15, 20 GDPR). */
async function exportData(db: DbOrTx, profile: ProfileRow, now: Date) {
	const [detail, checks, hours, assignments, recognition] = await Promise.all([profileDetail(db, profile), checksOf(db, profile.id), ledgerOf(db, profile.id), assignmentsOf(db, profile.id, new Date(0)), recognitionOf(db, profile.id)]);
	const { calendarTokenHash: _secret, ...stored } = detail.profile;
	return {
		exportedAt: now.toISOString(),
		account: { email: detail.email, displayName: detail.displayName },
		profile: { ...stored, hasCalendarFeed: !!_secret },
		languages: detail.languages,
		socialSpaceIds: detail.socialSpaceIds,
		availability: detail.availability.map(({ profileId: _p, ...a }) => a),
		consents: detail.consents.map(({ profileId: _p, ...c }) => c),
		checks: checks.map(({ profileId: _p, ...c }) => c),
		hours: hours.map(({ profileId: _p, ...h }) => h),
		assignments: assignments.map(({ profileId: _p, ...a }) => a),
		recognition: recognition.map(({ profileId: _p, ...r }) => r)
	};
}

function jsonResponse(body: unknown): Response {
	return new Response(JSON.stringify(body, null, 2), { headers: { 'content-type': 'application/json; charset=utf-8', 'content-disposition': 'attachment; filename="ehrenamt-daten.json"', 'cache-control': 'private, no-store' } });
}

/** The signed-in volunteer's own data. */
export async function ownExport(db: DbOrTx, principal: Principal, now: Date = new Date()): Promise<Response> {
	return jsonResponse(await exportData(db, await ownProfile(db, principal), now));
}

/** A volunteer's data for a coordinator answering a request (audited read). */
export async function exportFor(db: DbOrTx, principal: Principal, profileId: string, now: Date = new Date()): Promise<Response> {
	return jsonResponse(await exportData(db, await profileFor(db, principal, profileId), now));
}
