/**
 * The export of a case as a readable tagged PDF (issue 4 §5; Art. 15 GDPR; issue 12 §4): for
 * the person in their language (the case language, else the language the consent was explained
 * in) and in German for the Welcome Point, each a complete version, the German one tagged
 * `/Lang de`; German alone when the person's language is German or not a platform language.
 * Structure H1/H2 headings and paragraphs, dates in Europe/Berlin, text through `core/pdf.ts`
 * (bidirectional, embedded Noto fonts for every script).
 */
import { isolate } from '../../core/direction';
import { TaggedPdf } from '../../core/pdf';
import type { Locale } from '../../../paraglide/runtime.js';
import type { CaseExport } from '../export';
import { textIn as t, uiLocale } from './texts';
import { listText } from '../../../messages';
import { dateTimeFormat } from '$lib/intl';

/** The label of a topic key: a sub-topic or a theme field of the directory vocabulary. */
function topicLabel(locale: Locale, key: string): string {
	return t(locale, `subtopic_${key}`, {}, t(locale, `opt_theme_fields_${key}`, {}, key));
}

/** A language tag as its name in `locale` ("ar" → "Arabisch"), the tag itself when unknown. */
function languageName(tag: string, locale: Locale): string {
	try {
		return new Intl.DisplayNames([locale], { type: 'language', fallback: 'none' }).of(tag) ?? tag;
	} catch {
		return tag;
	}
}

const DATE_TIME = (locale: string) => dateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Berlin' });

/** The languages of the export, the person's first: `[person, 'de']`, or `['de']`. */
export function caseExportLocales(data: CaseExport): Locale[] {
	// Dari (prs) is read in the platform's Dari/Farsi (fa).
	const ui = (tag: string) => uiLocale(tag === 'prs' ? 'fa' : tag);
	const person = ui(data.case.language) ?? ui(data.consent.explainedIn) ?? 'de';
	return person === 'de' ? ['de'] : [person, 'de'];
}

/**
 * Renders the export as a tagged PDF 1.7 in the languages of `caseExportLocales` (labels
 * translated, dates in Europe/Berlin), each version starting on a new page.
 * @returns the PDF bytes.
 */
export function renderCasePdf(data: CaseExport): Promise<Buffer> {
	const locales = caseExportLocales(data);
	const pdf = new TaggedPdf({ lang: locales[0], title: t(locales[0], 'cs_export_title', { number: data.case.caseNumber }), margin: 56 });
	locales.forEach((locale, i) => {
		if (i > 0) pdf.newPage();
		writeVersion(pdf, data, locale, i === 0 ? undefined : locale, locales);
	});
	return pdf.finish();
}

/** One complete version of the export in `locale`; `lang` tags its elements when it is not the document's language. */
function writeVersion(pdf: TaggedPdf, data: CaseExport, locale: Locale, lang: string | undefined, locales: Locale[]): void {
	// Dates and names are set in as isolates: an Arabic date carries right-to-left marks that
	// would pull a Latin name beside it apart, and after an Arabic label an ISO date's digits
	// would count as Arabic numbers (UAX #9 W2) and show as 02-03-2026.
	const fmt = (d: Date | string | null) => (d ? isolate(DATE_TIME(locale).format(new Date(d))) : '–');
	const name = (n: string | null | undefined) => (n ? isolate(n) : '–');
	const title = t(locale, 'cs_export_title', { number: data.case.caseNumber });
	const h1 = (text: string) => pdf.block('H1', text, { size: 18, bold: true }, lang);
	const h2 = (text: string) => {
		pdf.space(0.8);
		pdf.block('H2', text, { size: 13, bold: true }, lang);
	};
	const p = (text: string) => pdf.block('P', text, { size: 10 }, lang);
	// What people wrote takes the direction of its own first letters: an Arabic note reads right
	// to left in the German version too.
	const written = (text: string) => pdf.block('P', text, { size: 10, direction: 'auto' }, lang);
	const field = (label: string, value: string) => p(`${label}: ${value}`);
	const list = (items: string[]) => (items.length ? listText(items, locale) : '–');

	h1(title);
	p(t(locale, 'cs_export_intro', { date: fmt(data.exportedAt) }));
	if (locales.length > 1) p(t(locale, 'out_export_versions', { languages: listText(locales.map((l) => languageName(l, locale)), locale) }));
	h2(t(locale, 'cs_section_case'));
	field(t(locale, 'cs_field_case_number'), data.case.caseNumber);
	field(t(locale, 'cs_field_display_name'), name(data.case.displayName));
	field(t(locale, 'cs_field_language'), languageName(data.case.language, locale));
	field(t(locale, 'cs_field_status'), t(locale, `cs_status_${data.case.status}`, {}, data.case.status));
	field(t(locale, 'cs_field_opened_at'), fmt(data.case.openedAt));
	field(t(locale, 'cs_field_closed_at'), fmt(data.case.closedAt));
	field(t(locale, 'cs_field_delete_after'), fmt(data.case.deleteAfter));

	h2(t(locale, 'cs_section_consent'));
	field(t(locale, 'cs_field_purposes'), list(data.consent.purposes.map((k) => t(locale, `cs_purpose_${k}`, {}, k))));
	field(t(locale, 'cs_field_data_categories'), list(data.consent.dataCategories.map((k) => t(locale, `cs_category_${k}`, {}, k))));
	field(t(locale, 'cs_field_partner_categories'), list(data.consent.partnerCategories.map((k) => t(locale, `cs_category_${k}`, {}, k))));
	field(t(locale, 'cs_field_given_on'), isolate(data.consent.givenOn));
	field(t(locale, 'cs_field_explained_in'), languageName(data.consent.explainedIn, locale));
	field(t(locale, 'cs_field_recorded_by'), `${name(data.consent.recordedBy)}, ${fmt(data.consent.recordedAt)}`);
	field(t(locale, 'cs_field_withdrawn_at'), fmt(data.consent.withdrawnAt));

	h2(t(locale, 'cs_section_steps'));
	if (!data.steps.length) p(t(locale, 'cs_none'));
	for (const s of data.steps) {
		p(
			[
				`${fmt(s.at)} · ${t(locale, `cs_step_${s.kind}`, {}, s.kind)}`,
				s.topics.length ? `${t(locale, 'cs_field_topics')}: ${list(s.topics.map((k) => topicLabel(locale, k)))}` : '',
				s.followUpOn ? `${t(locale, 'cs_field_follow_up_on')}: ${isolate(s.followUpOn)}` : '',
				s.doneAt ? `${t(locale, 'cs_field_done_at')}: ${fmt(s.doneAt)}` : ''
			]
				.filter(Boolean)
				.join('\n')
		);
		if (s.note) written(s.note);
	}

	h2(t(locale, 'cs_section_notes'));
	if (!data.notes.length) p(t(locale, 'cs_none'));
	for (const n of data.notes) {
		p(`${fmt(n.createdAt)} · ${name(n.createdBy)}`);
		written(n.body);
	}

	h2(t(locale, 'cs_section_referrals'));
	if (!data.referrals.length) p(t(locale, 'cs_none'));
	for (const r of data.referrals) {
		const history = r.events.map((e) => `${fmt(e.at)}: ${t(locale, `cs_referral_status_${e.status}`, {}, e.status)}`).join('; ');
		p(`${name(r.targetLabel)} · ${topicLabel(locale, r.topic)} · ${t(locale, `cs_referral_status_${r.status}`, {}, r.status)}\n${history}`);
	}

	h2(t(locale, 'cs_section_accompaniments'));
	if (!data.accompaniments.length) p(t(locale, 'cs_none'));
	for (const a of data.accompaniments) {
		p(`${fmt(a.appointmentAt)} · ${name(a.place)} · ${languageName(a.language, locale)} · ${t(locale, `cr_acc_status_${a.status}`, {}, a.status)}${a.volunteer ? ` · ${name(a.volunteer)}` : ''}`);
	}

	h2(t(locale, 'cs_section_shared'));
	p(list(data.sharedWith.map((c) => name(c.displayName))));

	h2(t(locale, 'cs_section_read_log'));
	if (!data.readLog.length) p(t(locale, 'cs_none'));
	for (const r of data.readLog) p(`${fmt(r.at)} · ${name(r.actor)} · ${r.purpose ? t(locale, `cs_read_purpose_${r.purpose}`, {}, r.purpose) : '–'}`);
}
