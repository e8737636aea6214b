/**
 * The export of a case as a readable tagged PDF (issue 4 §5; Art. 15 GDPR): PDF/UA-style
 * structure (H1/H2 headings, paragraphs; language set), fonts Noto Sans / Noto Sans Arabic from
 * `data/fonts/` (OFL), labels in the reader's language, dates in Europe/Berlin.
 */
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { isLocale, type Locale } from '../../../paraglide/runtime.js';
import type { CaseExport } from '../export';
import { textIn as t } from './texts';

/** The label of a topic key: a sub-topic or a theme field of the directory vocabulary. */
function topicLabel(locale: Locale, key: string): string {
	return t(locale, `subtopic_${key}`, {}, t(locale, `opt_theme_fields_${key}`, {}, key));
}

function fontsDir(): string {
	return path.resolve(process.env.FONTS_DIR || 'data/fonts');
}

const ARABIC_SCRIPT = /[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]/;
const DATE_TIME = (locale: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Berlin' });

/**
 * Renders the export as a tagged PDF 1.7 in `locale` (labels translated, dates in Europe/Berlin).
 * @returns the PDF bytes.
 */
export function renderCasePdf(data: CaseExport, localeInput: string): Promise<Buffer> {
	const locale: Locale = isLocale(localeInput) ? localeInput : 'de';
	const rtl = locale === 'ar' || locale === 'fa';
	const fmt = (d: Date | string | null) => (d ? DATE_TIME(locale).format(new Date(d)) : '–');
	const title = t(locale, 'cs_export_title', { number: data.case.caseNumber });
	const doc = new PDFDocument({ tagged: true, lang: locale, displayTitle: true, pdfVersion: '1.7', size: 'A4', margin: 56, info: { Title: title } });
	const fonts = fontsDir();
	doc.registerFont('regular', path.join(fonts, 'NotoSans-Regular.ttf'));
	doc.registerFont('bold', path.join(fonts, 'NotoSans-Bold.ttf'));
	doc.registerFont('arabic', path.join(fonts, 'NotoSansArabic-Regular.ttf'));
	const chunks: Buffer[] = [];
	doc.on('data', (c: Buffer) => chunks.push(c));
	const done = new Promise<Buffer>((resolve, reject) => {
		doc.on('end', () => resolve(Buffer.concat(chunks)));
		doc.on('error', reject);
	});
	const align = rtl ? 'right' : 'left';
	const fontFor = (text: string, bold = false) => (ARABIC_SCRIPT.test(text) ? 'arabic' : bold ? 'bold' : 'regular');
	const root = doc.struct('Document');
	doc.addStructure(root);
	const block = (tag: string, text: string, size: number, bold = false) => {
		root.add(
			doc.struct(tag, {}, () => {
				doc.font(fontFor(text, bold)).fontSize(size).text(text, { align });
			})
		);
	};
	const h1 = (text: string) => block('H1', text, 18, true);
	const h2 = (text: string) => {
		doc.moveDown(0.6);
		block('H2', text, 13, true);
	};
	const p = (text: string) => block('P', text, 10);
	const field = (label: string, value: string) => p(`${label}: ${value}`);
	const list = (items: string[]) => (items.length ? items.join(', ') : '–');

	h1(title);
	p(t(locale, 'cs_export_intro', { date: fmt(data.exportedAt) }));
	h2(t(locale, 'cs_section_case'));
	field(t(locale, 'cs_field_case_number'), data.case.caseNumber);
	field(t(locale, 'cs_field_display_name'), data.case.displayName ?? '–');
	field(t(locale, 'cs_field_language'), data.case.language);
	field(t(locale, 'cs_field_status'), t(locale, `cs_status_${data.case.status}`, {}, data.case.status));
	field(t(locale, 'cs_field_opened_at'), fmt(data.case.openedAt));
	field(t(locale, 'cs_field_closed_at'), fmt(data.case.closedAt));
	field(t(locale, 'cs_field_delete_after'), fmt(data.case.deleteAfter));

	h2(t(locale, 'cs_section_consent'));
	field(t(locale, 'cs_field_purposes'), list(data.consent.purposes.map((k) => t(locale, `cs_purpose_${k}`, {}, k))));
	field(t(locale, 'cs_field_data_categories'), list(data.consent.dataCategories.map((k) => t(locale, `cs_category_${k}`, {}, k))));
	field(t(locale, 'cs_field_partner_categories'), list(data.consent.partnerCategories.map((k) => t(locale, `cs_category_${k}`, {}, k))));
	field(t(locale, 'cs_field_given_on'), data.consent.givenOn);
	field(t(locale, 'cs_field_explained_in'), data.consent.explainedIn);
	field(t(locale, 'cs_field_recorded_by'), `${data.consent.recordedBy ?? '–'}, ${fmt(data.consent.recordedAt)}`);
	field(t(locale, 'cs_field_withdrawn_at'), fmt(data.consent.withdrawnAt));

	h2(t(locale, 'cs_section_steps'));
	if (!data.steps.length) p(t(locale, 'cs_none'));
	for (const s of data.steps) {
		p(
			[
				`${fmt(s.at)} · ${t(locale, `cs_step_${s.kind}`, {}, s.kind)}`,
				s.topics.length ? `${t(locale, 'cs_field_topics')}: ${list(s.topics.map((k) => topicLabel(locale, k)))}` : '',
				s.followUpOn ? `${t(locale, 'cs_field_follow_up_on')}: ${s.followUpOn}` : '',
				s.doneAt ? `${t(locale, 'cs_field_done_at')}: ${fmt(s.doneAt)}` : '',
				s.note ?? ''
			]
				.filter(Boolean)
				.join('\n')
		);
	}

	h2(t(locale, 'cs_section_notes'));
	if (!data.notes.length) p(t(locale, 'cs_none'));
	for (const n of data.notes) p(`${fmt(n.createdAt)} · ${n.createdBy ?? '–'}\n${n.body}`);

	h2(t(locale, 'cs_section_referrals'));
	if (!data.referrals.length) p(t(locale, 'cs_none'));
	for (const r of data.referrals) {
		const history = r.events.map((e) => `${fmt(e.at)}: ${t(locale, `cs_referral_status_${e.status}`, {}, e.status)}`).join('; ');
		p(`${r.targetLabel} · ${topicLabel(locale, r.topic)} · ${t(locale, `cs_referral_status_${r.status}`, {}, r.status)}\n${history}`);
	}

	h2(t(locale, 'cs_section_accompaniments'));
	if (!data.accompaniments.length) p(t(locale, 'cs_none'));
	for (const a of data.accompaniments) p(`${fmt(a.appointmentAt)} · ${a.place} · ${a.language} · ${a.status}${a.volunteer ? ` · ${a.volunteer}` : ''}`);

	h2(t(locale, 'cs_section_shared'));
	p(list(data.sharedWith.map((c) => c.displayName)));

	h2(t(locale, 'cs_section_read_log'));
	if (!data.readLog.length) p(t(locale, 'cs_none'));
	for (const r of data.readLog) p(`${fmt(r.at)} · ${r.actor ?? '–'} · ${r.purpose ? t(locale, `cs_read_purpose_${r.purpose}`, {}, r.purpose) : '–'}`);
	root.end();
	doc.end();
	return done;
}
