/**
 * The text layer of generated PDFs (issue 12 §4), read back with poppler's pdftotext and
 * Mozilla's pdf.js: mixed Arabic/Latin lines in logical order with their spaces, a font for every
 * script (no `.notdef`), wrapping, tables right to left in Arabic.
 */
import { execFileSync } from 'node:child_process';
import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { TaggedPdf, fitColumnWidths } from '../../src/lib/server/core/pdf';
import { glyphCount, pdfFile, pdfFonts, pdfText, textItems } from '../helpers/pdf';

const flat = (s: string) => s.replace(/\s+/g, ' ').trim();

async function arabicPage(): Promise<Buffer> {
	const pdf = new TaggedPdf({ lang: 'ar', title: 'تقرير الدائرة Kalk 2026', margin: 48 });
	pdf.block('H1', 'تقرير الدائرة Kalk 2026', { size: 18, bold: true });
	pdf.block('P', 'مرحبا بكم في Köln، نحن هنا لمساعدتكم', { size: 11 });
	pdf.block('P', 'لا توجد بيانات', { size: 11 });
	pdf.block('P', 'اسم الشخص: Amina Planted-Name، اللغة: العربية', { size: 11 });
	pdf.block('P', 'موعد المتابعة (الساعة 10:30) في مكتب الترحيب', { size: 11 });
	return pdf.finish();
}

describe('PDF text layer', () => {
	it('an Arabic page reads back in logical order: Latin names intact, spaces kept, lam-alef whole', async () => {
		const pdf = await arabicPage();
		const text = flat(pdfText(pdf));
		expect(text).toContain('تقرير الدائرة Kalk 2026');
		// Words in reading order: the Arabic before the name, the name, the Arabic after it.
		const order = ['مرحبا بكم في', 'Köln', 'نحن هنا لمساعدتكم', 'لا توجد بيانات', 'اسم الشخص', 'Amina Planted-Name', 'العربية', 'موعد المتابعة', 'في مكتب الترحيب'].map((s) => text.indexOf(s));
		expect(order.every((at) => at >= 0), text).toBe(true);
		expect([...order].sort((a, b) => a - b)).toEqual(order);
		// pdf.js (what a browser copies) reads the Arabic runs in logical order too.
		const items = (await textItems(pdf)).map((i) => i.str).join(' ');
		expect(items).toContain('مرحبا بكم في');
		expect(items).toContain('لا توجد بيانات');
		expect(await glyphCount(pdf)).toMatchObject({ notdef: 0 });
	});

	it('draws right-to-left lines from the right, Latin runs left to right', async () => {
		const pdf = await arabicPage();
		const items = await textItems(pdf);
		const title = items.filter((i) => i.y === items.find((x) => x.str.includes('تقرير'))!.y);
		const arabic = title.find((i) => i.str.includes('تقرير'))!;
		const latin = title.find((i) => i.str.includes('Kalk'))!;
		// "تقرير الدائرة Kalk 2026" in a right-to-left paragraph: the Arabic words first, on the right.
		expect(arabic.x).toBeGreaterThan(latin.x);
		const layout = pdfText(pdf, { layout: true });
		expect(layout).toMatch(/Kalk 2026/);
	});

	it('embeds a font for every script and draws no .notdef: Hebrew, Ethiopic, Tamil, Cyrillic, Turkish', async () => {
		const pdf = new TaggedPdf({ lang: 'de', title: 'Namen', margin: 48 });
		pdf.block('P', 'Namen: שרה כהן · ሰላም ተስፋዬ · கமலா · Олена Коваленко · Ayşe Yılmaz · داده‌ای موجود نیست', { size: 11 });
		const bytes = await pdf.finish();
		expect(await glyphCount(bytes)).toMatchObject({ notdef: 0 });
		const fonts = pdfFonts(bytes).map((f) => f.name);
		for (const name of ['NotoSans-Regular', 'NotoSansArabic-Regular', 'NotoSansHebrew-Regular', 'NotoSansEthiopic-Regular', 'NotoSansTamil-Regular']) expect(fonts).toContain(name);
		expect(pdfFonts(bytes).every((f) => f.embedded && f.unicode)).toBe(true);
		const text = flat(pdfText(bytes));
		for (const word of ['Олена Коваленко', 'Ayşe Yılmaz', 'ሰላም ተስፋዬ', 'கமலா']) expect(text).toContain(word);
	});

	it('draws a character no font has as U+FFFD, never as an empty box', async () => {
		const pdf = new TaggedPdf({ lang: 'de', title: 'x', margin: 48 });
		pdf.block('P', 'Privat: \uE000\uE001 Ende', { size: 11 });
		const bytes = await pdf.finish();
		expect(await glyphCount(bytes)).toMatchObject({ notdef: 0 });
		expect(flat(pdfText(bytes))).toContain('Privat: �� Ende');
	});

	it('counts .notdef honestly: Latin drawn in the Arabic-only font is caught', async () => {
		const doc = new PDFDocument({ size: 'A4' });
		const chunks: Buffer[] = [];
		doc.on('data', (c: Buffer) => chunks.push(c));
		const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
		doc.font('data/fonts/NotoSansArabic-Regular.ttf').fontSize(12).text('تقرير Kalk');
		doc.end();
		expect(await glyphCount(await done)).toMatchObject({ notdef: 4 });
	});

	it('wraps long paragraphs within the page, each line in logical order, and breaks overlong words', async () => {
		const sentence = 'يقدم مكتب الترحيب المشورة حول السكن والعمل والمدرسة ودورات اللغة';
		const pdf = new TaggedPdf({ lang: 'ar', title: 'x', margin: 48 });
		pdf.block('P', Array(6).fill(sentence).join('، '), { size: 11 });
		pdf.block('P', `https://example.org/${'a'.repeat(300)}`, { size: 11 });
		const bytes = await pdf.finish();
		const lines = pdfText(bytes).split('\n').filter((l) => l.trim());
		expect(lines.length).toBeGreaterThan(4);
		expect(flat(lines[0])).toMatch(/^يقدم مكتب الترحيب المشورة حول السكن/);
		const items = await textItems(bytes);
		// Nothing is drawn beyond the right margin (A4: 595 pt wide, 48 pt margin).
		expect(Math.max(...items.map((i) => i.x))).toBeLessThan(595 - 48);
		expect(await glyphCount(bytes)).toMatchObject({ notdef: 0 });
	});

	it('tables: TH/TD tagged, in Arabic the first column on the right, numbers intact', async () => {
		const pdf = new TaggedPdf({ lang: 'ar', title: 'x', margin: 48 });
		pdf.table({ columns: [{ width: 250 }, { width: 125, align: 'end' }, { width: 124, align: 'end' }], header: ['المنطقة', 'السكان', 'العروض'], rows: [['Humboldt/Gremberg', '1.200', '<5'], ['Vingst', 'لا توجد بيانات', '3']], size: 9 });
		const bytes = await pdf.finish();
		const items = await textItems(bytes);
		const x = (s: string) => items.find((i) => i.str.includes(s))!.x;
		expect(x('المنطقة')).toBeGreaterThan(x('السكان'));
		expect(x('السكان')).toBeGreaterThan(x('العروض'));
		expect(x('Humboldt/Gremberg')).toBeGreaterThan(x('1.200'));
		const text = flat(pdfText(bytes));
		for (const s of ['Humboldt/Gremberg', '1.200', 'Vingst', 'لا توجد بيانات']) expect(text).toContain(s);
		const tags = execFileSync('pdfinfo', ['-struct', pdfFile(bytes)], { encoding: 'utf8' });
		for (const tag of ['Table', 'TR', 'TH', 'TD']) expect(tags).toContain(tag);
		expect(await glyphCount(bytes)).toMatchObject({ notdef: 0 });
	});

	it('fits column widths to their text: a text column gets the room its cells need, figures and header words stay whole', async () => {
		const basis = 'Summe der Sozialräume (Wahlberechtigte, Näherung)';
		const columns = [
			{ header: 'Zeile', cells: ['Stadtbezirk 1', 'Stadtbezirk 10'] },
			{ header: 'Bevölkerung', cells: ['63.497', '755.000,00'] },
			{ header: 'Grundlage', cells: [basis, 'Einwohnerzahl'] },
			{ header: 'Hinzugekommen im Jahr', cells: ['0', '22'] },
			{ header: 'Programme', cells: ['1', '2'] }
		];
		const widths = fitColumnWidths(columns, 8, 499);
		expect(widths.reduce((a, b) => a + b, 0)).toBeCloseTo(499, 6);
		expect(widths[2]).toBe(Math.max(...widths));
		const pdf = new TaggedPdf({ lang: 'de', title: 'x', margin: 48 });
		pdf.table({ columns: widths.map((width, i) => ({ width, align: i === 2 || i === 0 ? 'start' : 'end' })), header: columns.map((c) => c.header), rows: [0, 1].map((r) => columns.map((c) => c.cells[r])), size: 8 });
		const lines = pdfText(await pdf.finish(), { layout: true }).split('\n');
		// Each cell on one line: nothing of the basis, the figures or a header word wraps.
		for (const whole of [basis, '755.000,00', '63.497', 'Bevölkerung', 'Hinzugekommen', 'Stadtbezirk 10']) expect(lines.some((l) => l.includes(whole)), whole).toBe(true);
		// Too little room for even the longest words: the minimums are scaled down to fit.
		const narrow = fitColumnWidths(columns, 8, 120);
		expect(narrow.reduce((a, b) => a + b, 0)).toBeCloseTo(120, 6);
	});
});
