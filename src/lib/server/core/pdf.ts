/**
 * The text layer of the PDFs the platform generates (case exports, district and annual reports;
 * issue 12 §4): tagged PDF 1.7 through pdfkit, with text that reads right in all seven languages
 * of the platform and in the names people bring.
 *
 * - Bidirectional text by the Unicode Bidirectional Algorithm (UAX #9, `bidi-js`): a paragraph
 *   is wrapped in logical order at the line-break opportunities of UAX #14 (`linebreak`), then
 *   each line is reordered for display (rules L1–L4, mirrored brackets). Runs are drawn left to
 *   right in display order, each shaped whole by fontkit with its spaces, so text extraction
 *   (pdftotext, pdf.js) reads an Arabic line back in logical order, Latin names intact.
 * - A font for every character: a fallback chain of embedded Noto fonts, chosen per grapheme
 *   cluster — the bundled fonts of `data/fonts/` (Latin, Greek, Cyrillic; Arabic script for
 *   Arabic and Dari/Farsi), then the Noto Sans fonts of Debian's `fonts-noto-core` in
 *   `FONTS_FALLBACK_DIR` (default `/usr/share/fonts/truetype/noto`) for other scripts. A
 *   character no font has is drawn as U+FFFD "�", never as the empty box of `.notdef`.
 * - Tables with header cells (TH, scope Column or Row) and data cells (TD); in a right-to-left
 *   document the first column is on the right; after a page break the header row is repeated as
 *   a pagination artifact.
 *
 * Everything is laid out by this module; pdfkit draws one run at a time at a given baseline.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import bidiFactory from 'bidi-js';
import * as fontkit from 'fontkit';
import LineBreaker from 'linebreak';
import PDFDocument from 'pdfkit';
import { directionOfLang, type Direction } from './direction';

const bidi = bidiFactory();

/** A loaded font file and its vertical metrics in em. */
interface Face {
	file: string;
	font: fontkit.Font;
	unitsPerEm: number;
	/** Ascent and descent (positive), in em. */
	ascent: number;
	descent: number;
}

/** The bundled fonts, first to last in the fallback chain (`FONTS_DIR`, default `data/fonts`). */
const BUNDLED = {
	regular: ['NotoSans-Regular.ttf', 'NotoSansArabic-Regular.ttf'],
	bold: ['NotoSans-Bold.ttf', 'NotoSansArabic-Bold.ttf']
} as const;

function fontsDir(): string {
	return path.resolve(process.env.FONTS_DIR || 'data/fonts');
}

function fallbackDir(): string {
	return process.env.FONTS_FALLBACK_DIR ?? '/usr/share/fonts/truetype/noto';
}

const faces = new Map<string, Face>();

/** A font file, parsed once per process. */
function face(file: string): Face {
	let f = faces.get(file);
	if (!f) {
		const font = fontkit.openSync(file) as fontkit.Font;
		f = { file, font, unitsPerEm: font.unitsPerEm, ascent: font.ascent / font.unitsPerEm, descent: -font.descent / font.unitsPerEm };
		faces.set(file, f);
	}
	return f;
}

function chain(bold: boolean): Face[] {
	return BUNDLED[bold ? 'bold' : 'regular'].map((name) => face(path.join(fontsDir(), name)));
}

/** Code points each fallback font maps, read once when a character is missing from the chain. */
let systemCoverage: { file: string; bold: boolean; codePoints: Set<number> }[] | null = null;

function systemFonts(): NonNullable<typeof systemCoverage> {
	if (systemCoverage) return systemCoverage;
	const dir = fallbackDir();
	let files: string[] = [];
	try {
		// Noto Sans in the upright regular and bold weights only (not Mono, Display or UI variants).
		files = readdirSync(dir)
			.filter((f) => /^NotoSans[A-Za-z0-9]*-(Regular|Bold)\.ttf$/.test(f) && !/^NotoSans(Mono|Display)/.test(f))
			.sort();
	} catch {
		files = [];
	}
	systemCoverage = files.map((f) => {
		const font = fontkit.openSync(path.join(dir, f)) as fontkit.Font;
		return { file: path.join(dir, f), bold: f.endsWith('-Bold.ttf'), codePoints: new Set(font.characterSet) };
	});
	return systemCoverage;
}

/** Whether a fallback font is named after the script of `char` (`NotoSansTamil` for Tamil). */
function namedForScript(file: string, char: string): boolean {
	const name = /NotoSans([A-Za-z0-9]+)-/.exec(path.basename(file))?.[1] ?? '';
	const script = name.replace(/([a-z])([A-Z])/g, '$1_$2');
	try {
		return new RegExp(`\\p{Script=${script}}`, 'u').test(char);
	} catch {
		// Not a Unicode script name (Symbols, Math, …).
		return false;
	}
}

/**
 * The fallback font for a cluster: one named after the cluster's script first (several Noto
 * fonts share characters, e.g. Grantha has Tamil letters), then any that has every code point;
 * bold preferred for bold text.
 */
function fallbackFace(codePoints: number[], bold: boolean): Face | null {
	const fonts = systemFonts();
	const weights = bold ? [...fonts.filter((f) => f.bold), ...fonts.filter((f) => !f.bold)] : fonts.filter((f) => !f.bold);
	const letter = codePoints.map((c) => String.fromCodePoint(c)).find((c) => SPECIFIC_SCRIPT.test(c)) ?? '';
	const order = [...weights.filter((f) => letter && namedForScript(f.file, letter)), ...weights];
	const found = order.find((f) => codePoints.every((c) => f.codePoints.has(c)));
	return found ? face(found.file) : null;
}

/**
 * Characters that take part in shaping or bidi resolution but are never drawn on their own:
 * directional marks, embeddings and isolates, ZWSP, word joiner, BOM, soft hyphen, variation
 * selectors. ZWJ and ZWNJ stay in the text (they decide Arabic joining).
 */
const INVISIBLE = /[\u00AD\u061C\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFE00-\uFE0F\uFEFF]/u;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'gu');
const JOINERS = new Set([0x200c, 0x200d]);
/** A cluster with a letter (or mark) of a specific script, not only punctuation, digits, spaces. */
const SPECIFIC_SCRIPT = /[^\p{Script=Common}\p{Script=Inherited}\p{Script=Unknown}]/u;
/**
 * The scripts fontkit shapes right to left (its list in `layout/Script`): fontkit reverses a run
 * whose first character of a specific script is one of them.
 */
const FONTKIT_RTL =
	/[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Cypriot}\p{Script=Kharoshthi}\p{Script=Phoenician}\p{Script=Nko}\p{Script=Lydian}\p{Script=Avestan}\p{Script=Imperial_Aramaic}\p{Script=Inscriptional_Pahlavi}\p{Script=Inscriptional_Parthian}\p{Script=Old_South_Arabian}\p{Script=Old_Turkic}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Meroitic_Cursive}\p{Script=Meroitic_Hieroglyphs}\p{Script=Manichaean}\p{Script=Mende_Kikakui}\p{Script=Nabataean}\p{Script=Old_North_Arabian}\p{Script=Palmyrene}\p{Script=Psalter_Pahlavi}]/u;
const REPLACEMENT = '\uFFFD';
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The direction fontkit gives a run when it is asked to shape it without one. */
function fontkitDirection(text: string): Direction {
	const first = [...text].find((c) => SPECIFIC_SCRIPT.test(c));
	return first && FONTKIT_RTL.test(first) ? 'rtl' : 'ltr';
}

/** A paragraph with a font for every UTF-16 unit; characters no font has replaced by U+FFFD. */
interface FontedText {
	text: string;
	faceOf: Face[];
}

/**
 * Chooses the font of every grapheme cluster: a cluster with letters of a script takes the first
 * font of the chain (then of the fallback fonts) that has all its characters; punctuation,
 * digits and spaces stay in the font of the cluster before (or after) them when it has them, so
 * an Arabic phrase with its spaces and commas is shaped as one run.
 */
function assignFonts(input: string, bold: boolean): FontedText {
	const primary = chain(bold);
	const clusters = [...graphemes.segment(input)].map((s) => s.segment);
	const needs = clusters.map((c) => [...c].filter((ch) => !INVISIBLE.test(ch)).map((ch) => ch.codePointAt(0)!).filter((cp) => !JOINERS.has(cp)));
	const covers = (f: Face, cps: number[]) => cps.every((cp) => f.font.hasGlyphForCodePoint(cp));
	const firstCovering = (cps: number[]) => primary.find((f) => covers(f, cps)) ?? fallbackFace(cps, bold);
	const specific = clusters.map((c, i) => needs[i].length > 0 && SPECIFIC_SCRIPT.test(c));
	const chosen: (Face | null)[] = clusters.map((_, i) => (specific[i] ? firstCovering(needs[i]) : null));
	// The font of the next cluster with letters, for punctuation before a word.
	const nextFace: (Face | null)[] = new Array(clusters.length).fill(null);
	for (let i = clusters.length - 2; i >= 0; i--) nextFace[i] = specific[i + 1] && chosen[i + 1] ? chosen[i + 1] : nextFace[i + 1];
	let text = '';
	const faceOf: Face[] = [];
	let previous: Face | null = null;
	for (let i = 0; i < clusters.length; i++) {
		let cluster = clusters[i];
		let f = chosen[i];
		if (!specific[i]) {
			f = [previous, nextFace[i]].find((x): x is Face => !!x && covers(x, needs[i])) ?? firstCovering(needs[i]);
		}
		if (!f) {
			cluster = REPLACEMENT;
			f = primary[0];
		}
		text += cluster;
		for (let k = 0; k < cluster.length; k++) faceOf.push(f);
		if (needs[i].length) previous = f;
	}
	return { text, faceOf };
}

/** One run of a line as drawn: the string handed to fontkit, its font and width in points. */
interface Run {
	text: string;
	face: Face;
	width: number;
	/** fontkit shapes it right to left (its glyphs come out in display order). */
	rtl: boolean;
}

/** A laid-out line: runs left to right, width, ascent and descent in points, its paragraph's direction. */
interface Line {
	runs: Run[];
	rtl: boolean;
	width: number;
	ascent: number;
	descent: number;
}

/** How a text is set. */
export interface TextStyle {
	/** Font size in points. */
	size: number;
	bold?: boolean;
	/**
	 * Paragraph direction; default the document's. `auto` takes each paragraph's from its first
	 * strong character (rule P2 of UAX #9, as HTML's `dir="auto"`): for what people wrote, such as
	 * an Arabic note in the German version of an export.
	 */
	direction?: Direction | 'auto';
	/** `start` (default): left in LTR, right in RTL paragraphs; `end` the other side. */
	align?: 'start' | 'end';
}

const widthCache = new Map<string, number>();

/** Advance width of `text` in `f`, in em (shaped, so Arabic joining and ligatures count). */
function advance(f: Face, text: string): number {
	const key = `${f.file}\u0000${text}`;
	let w = widthCache.get(key);
	if (w === undefined) {
		w = text ? f.font.layout(text).advanceWidth / f.unitsPerEm : 0;
		if (widthCache.size > 20_000) widthCache.clear();
		widthCache.set(key, w);
	}
	return w;
}

function drawable(text: string): string {
	return text.replace(INVISIBLE_ALL, '');
}

/** Reverses a string by grapheme clusters (for runs fontkit would otherwise lay out the wrong way). */
function reverseClusters(text: string): string {
	return [...graphemes.segment(text)].map((s) => s.segment).reverse().join('');
}

/**
 * Lays out text (paragraphs separated by `\n`) in a box `width` points wide.
 * @returns the lines, each with its runs in display order.
 */
function layout(input: string, style: TextStyle & { direction: Direction | 'auto' }, width: number): Line[] {
	const lines: Line[] = [];
	const paragraphs = input.normalize('NFC').replace(/\r\n?/g, '\n').replace(/\t/g, ' ').replace(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/g, '').split('\n');
	for (const paragraph of paragraphs) lines.push(...layoutParagraph(paragraph, style, width));
	return lines;
}

function layoutParagraph(paragraph: string, style: TextStyle & { direction: Direction | 'auto' }, maxWidth: number): Line[] {
	const size = style.size;
	const { text, faceOf } = assignFonts(paragraph, !!style.bold);
	const fallbackRtl = style.direction === 'rtl';
	if (!text.trim()) {
		const f = chain(!!style.bold)[0];
		return [{ runs: [], rtl: fallbackRtl, width: 0, ascent: f.ascent * size, descent: f.descent * size }];
	}
	const embedding = bidi.getEmbeddingLevels(text, style.direction === 'auto' ? undefined : style.direction);
	const levels = embedding.levels;
	const rtl = (embedding.paragraphs[0]?.level ?? 0) % 2 === 1;
	/** Width of [a, b) in points: the sum of its runs of one font and one level. */
	const measure = (a: number, b: number): number => {
		let w = 0;
		let start = a;
		for (let i = a + 1; i <= b; i++) {
			if (i === b || faceOf[i] !== faceOf[start] || levels[i] !== levels[start]) {
				w += advance(faceOf[start], drawable(text.slice(start, i))) * size;
				start = i;
			}
		}
		return w;
	};
	const trimEnd = (a: number, b: number) => {
		while (b > a && /\s/.test(text[b - 1])) b--;
		return b;
	};
	// Break opportunities (UAX #14), then greedy filling; a piece wider than the box is cut
	// between grapheme clusters.
	const breaks: number[] = [];
	const breaker = new LineBreaker(text);
	for (let bk = breaker.nextBreak(); bk; bk = breaker.nextBreak()) breaks.push(bk.position);
	const ranges: [number, number][] = [];
	let lineStart = 0;
	let lineWidth = 0;
	let pieceStart = 0;
	for (const end of breaks) {
		const full = measure(pieceStart, end);
		const trimmed = measure(pieceStart, trimEnd(pieceStart, end));
		if (lineWidth + trimmed > maxWidth && pieceStart > lineStart) {
			ranges.push([lineStart, pieceStart]);
			lineStart = pieceStart;
			lineWidth = 0;
		}
		if (trimmed > maxWidth) {
			// One piece alone does not fit: cut it after as many clusters as fit.
			let cut = pieceStart;
			for (const seg of graphemes.segment(text.slice(pieceStart, end))) {
				const next = pieceStart + seg.index + seg.segment.length;
				if (measure(lineStart, trimEnd(lineStart, next)) > maxWidth && cut > lineStart) {
					ranges.push([lineStart, cut]);
					lineStart = cut;
				}
				cut = next;
			}
			lineWidth = measure(lineStart, end);
		} else lineWidth += full;
		pieceStart = end;
	}
	ranges.push([lineStart, text.length]);

	const mirrored = bidi.getMirroredCharactersMap(text, levels);
	return ranges.map(([a, b]) => {
		const end = trimEnd(a, b);
		if (end === a) {
			const f = chain(!!style.bold)[0];
			return { runs: [], rtl, width: 0, ascent: f.ascent * size, descent: f.descent * size };
		}
		// Display order of the line's units (rules L1–L2 of UAX #9).
		const order = Array.from({ length: end - a }, (_, k) => a + k);
		for (const [s, e] of bidi.getReorderSegments(text, embedding, a, end - 1)) {
			const part = order.slice(s - a, e - a + 1).reverse();
			order.splice(s - a, part.length, ...part);
		}
		// Group consecutive units of one font and one level into runs; each run's text is taken
		// in logical order (mirrored where right to left) and shaped whole.
		const runs: Run[] = [];
		let k = 0;
		while (k < order.length) {
			const first = order[k];
			const odd = (levels[first] & 1) === 1;
			let j = k + 1;
			while (j < order.length && faceOf[order[j]] === faceOf[first] && levels[order[j]] === levels[first] && order[j] === order[j - 1] + (odd ? -1 : 1)) j++;
			const lo = Math.min(order[k], order[j - 1]);
			const hi = Math.max(order[k], order[j - 1]);
			let logical = '';
			for (let i = lo; i <= hi; i++) logical += (odd && mirrored.get(i)) || text[i];
			const shown = drawable(logical);
			if (shown) {
				const f = faceOf[first];
				// fontkit decides a run's direction by its script; where the bidi level says
				// otherwise (Arabic-Indic digits at an even level, neutrals at an odd one — neither
				// is shaped), the run is handed over reversed so fontkit's order comes out right.
				const wanted: Direction = odd ? 'rtl' : 'ltr';
				const handed = fontkitDirection(shown) === wanted ? shown : reverseClusters(shown);
				runs.push({ text: handed, face: f, width: advance(f, shown) * size, rtl: fontkitDirection(handed) === 'rtl' });
			}
			k = j;
		}
		const used = runs.length ? [...new Set(runs.map((r) => r.face))] : [chain(!!style.bold)[0]];
		// Noto's Arabic fonts reserve room for stacked marks far beyond what text needs: the
		// line box is capped at 1.1 em above and 0.45 em below the baseline.
		const ascent = Math.min(1.1, Math.max(...used.map((f) => f.ascent))) * size;
		const descent = Math.min(0.45, Math.max(...used.map((f) => f.descent))) * size;
		return { runs, rtl, width: runs.reduce((s, r) => s + r.width, 0), ascent, descent };
	});
}

/** What `mapLigaturesInDisplayOrder` uses of pdfkit's embedded font (not part of its API). */
interface EmbeddedFontInternals {
	font: fontkit.Font;
	subset: { includeGlyph(id: number): number };
	unicode: number[][];
}

/**
 * Writes the ToUnicode entry of each ligature of a right-to-left run (lam-alef "لا", …) in
 * display order. pdftotext (poppler) and pdf.js spread the characters of a glyph over its width
 * left to right and then read the run right to left, so a ligature mapped in logical order came
 * back reversed ("ال" for "لا"); mapped in display order, both read the word in logical order.
 * Only glyphs standing for several characters are touched, and only Arabic-script ligatures
 * are drawn in right-to-left runs.
 */
function mapLigaturesInDisplayOrder(doc: PDFKit.PDFDocument, text: string): void {
	const embedded = (doc as unknown as { _font?: Partial<EmbeddedFontInternals> })._font;
	if (!embedded?.font || !embedded.subset || !Array.isArray(embedded.unicode)) return;
	for (const glyph of embedded.font.layout(text, []).glyphs) {
		if (glyph.codePoints.length > 1) embedded.unicode[embedded.subset.includeGlyph(glyph.id)] = [...glyph.codePoints].reverse();
	}
}

/** Extra space between lines, in em. */
const LEADING = 0.1;

function lineHeight(line: Line, size: number): number {
	return line.ascent + line.descent + LEADING * size;
}

/** Options of a document. */
export interface PdfOptions {
	/** BCP 47 language of the document (`/Lang`); its direction follows from it. */
	lang: string;
	title: string;
	subject?: string;
	/** Page margin in points (A4 pages). */
	margin: number;
}

/** A column of a table: its share of the width (points) and where its data cells align. */
export interface TableColumn {
	width: number;
	/** Data cells: `start` (default) or `end` (numbers). Header cells align at the start. */
	align?: 'start' | 'end';
}

/** A table: the header row (TH scope Column) and body rows whose first cell is a TH scope Row. */
export interface TableSpec {
	columns: TableColumn[];
	header: string[];
	rows: string[][];
	/** Font size of the cells in points. */
	size: number;
}

/** Cell padding of `TaggedPdf.table`, in points, on each side. */
const CELL_PAD = 3;
/** Characters up to which `fitColumnWidths` keeps a cell on one line. */
const SHORT_CELL = 16;

/**
 * Widths of table columns that share `available` points by their text: each gets at least what
 * its longest unbreakable piece needs (a header's longest word in bold, a number), then the rest
 * goes to the columns whose cells would otherwise wrap, in proportion to what they lack, so a
 * text column (a source, a basis) is not given a number's width. Headers wrap at their spaces. Measured with this module's layout
 * and fonts at `size` points; when even the minimums do not fit, they are scaled down.
 * @param columns per column its header and its cells.
 * @returns the widths in points, summing to `available`.
 */
export function fitColumnWidths(columns: { header: string; cells: string[] }[], size: number, available: number): number[] {
	const widest = (texts: string[], bold: boolean) => Math.max(0, ...texts.map((t) => Math.max(0, ...layout(t, { size, bold, direction: 'auto' }, Infinity).map((l) => l.width))));
	const words = (t: string) => t.split(/\s+/).filter(Boolean);
	// A short cell ("Stadtbezirk 10", "34.584 ha") is kept whole; longer ones may wrap at spaces.
	const pieces = (t: string) => (t.length <= SHORT_CELL ? [t] : words(t));
	const least = columns.map((c) => 2 * CELL_PAD + 1 + Math.max(widest(words(c.header), true), widest(c.cells.flatMap(pieces), false)));
	const want = columns.map((c, i) => Math.max(least[i], 2 * CELL_PAD + 1 + widest(c.cells, false)));
	const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
	if (sum(least) >= available) return least.map((w) => (w * available) / sum(least));
	if (sum(want) <= available) return want.map((w) => (w * available) / sum(want));
	const lack = want.map((w, i) => w - least[i]);
	return least.map((w, i) => w + ((available - sum(least)) * lack[i]) / sum(lack));
}

/**
 * A tagged PDF document (PDF 1.7, A4, structure tree under one `Document` element, language and
 * title set and shown) written through this module's text layout.
 */
export class TaggedPdf {
	readonly doc: PDFKit.PDFDocument;
	readonly direction: Direction;
	private readonly root: PDFKit.PDFStructureElement;
	private readonly done: Promise<Buffer>;

	constructor(options: PdfOptions) {
		this.direction = directionOfLang(options.lang);
		this.doc = new PDFDocument({
			tagged: true,
			lang: options.lang,
			displayTitle: true,
			pdfVersion: '1.7',
			size: 'A4',
			margin: options.margin,
			info: { Title: options.title, ...(options.subject ? { Subject: options.subject } : {}) }
		});
		const chunks: Buffer[] = [];
		this.doc.on('data', (c: Buffer) => chunks.push(c));
		this.done = new Promise<Buffer>((resolve, reject) => {
			this.doc.on('end', () => resolve(Buffer.concat(chunks)));
			this.doc.on('error', reject);
		});
		this.root = this.doc.struct('Document');
		this.doc.addStructure(this.root);
	}

	/** Width between the margins, in points. */
	get width(): number {
		return this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
	}

	private get bottom(): number {
		return this.doc.page.height - this.doc.page.margins.bottom;
	}

	/**
	 * Draws laid-out lines from `top` in a box at `x`, `width` wide, each aligned at the start or
	 * end of its paragraph's direction; returns the y below them.
	 */
	private drawLines(lines: Line[], x: number, top: number, width: number, size: number, align: 'start' | 'end', breakPages: boolean): number {
		let y = top;
		for (const line of lines) {
			const h = lineHeight(line, size);
			if (breakPages && y + h > this.bottom && y > this.doc.page.margins.top) {
				this.continueOnNewPage();
				y = this.doc.page.margins.top;
			}
			let cx = line.rtl === (align === 'start') ? x + width - line.width : x;
			const baseline = y + line.ascent;
			for (const run of line.runs) {
				this.doc
					.font(run.face.file)
					.fontSize(size)
					.text(run.text, cx, baseline, { lineBreak: false, baseline: 'alphabetic', features: [] } as PDFKit.Mixins.TextOptions);
				if (run.rtl) mapLigaturesInDisplayOrder(this.doc, run.text);
				cx += run.width;
			}
			y += h;
		}
		return y;
	}

	/**
	 * A block of text as one structure element (`H1`, `H2`, `H3`, `P`, …) below the last one,
	 * wrapped to the page width and continued on a new page where it runs over.
	 * @param lang the block's language where it differs from the document's (`/Lang` of the element).
	 */
	block(tag: string, text: string, style: TextStyle, lang?: string): void {
		const direction = style.direction ?? (lang ? directionOfLang(lang) : this.direction);
		const lines = layout(text, { ...style, direction }, this.width);
		const x = this.doc.page.margins.left;
		this.root.add(
			this.doc.struct(tag, lang ? { lang } : {}, () => {
				this.doc.y = this.drawLines(lines, x, this.doc.y, this.width, style.size, style.align ?? 'start', true);
			})
		);
	}

	/** Vertical space of `lines` lines of `size`-point text. */
	space(lines: number, size = 10): void {
		this.doc.y += lines * size;
	}

	/** Starts a new page. */
	newPage(): void {
		this.continueOnNewPage();
	}

	/**
	 * A new page that carries on the marked content open on this one (a block running over the
	 * page end): pdfkit closes it here and opens it again, under the same structure element, there.
	 */
	private continueOnNewPage(): void {
		(this.doc as unknown as { continueOnNewPage(): void }).continueOnNewPage();
	}

	/**
	 * A table as a structure element `Table` with rows `TR` of `TH` / `TD` cells: the header row
	 * (scope Column), then each row with its first cell a row header (scope Row). Cells wrap;
	 * a row that does not fit on the page starts a new one, where the header row is drawn again
	 * as a pagination artifact.
	 */
	table(spec: TableSpec, lang?: string): void {
		const doc = this.doc;
		const pad = CELL_PAD;
		const size = spec.size;
		const direction = lang ? directionOfLang(lang) : this.direction;
		const rtl = direction === 'rtl';
		const left = doc.page.margins.left;
		// Column x positions: first column on the left in LTR, on the right in RTL.
		const xs: number[] = [];
		let acc = 0;
		for (const c of spec.columns) {
			xs.push(rtl ? left + this.width - acc - c.width : left + acc);
			acc += c.width;
		}
		type Cell = { lines: Line[]; bold: boolean; align: 'start' | 'end' };
		const laid = (cells: string[], header: boolean): Cell[] =>
			cells.map((text, i) => {
				const bold = header;
				const numeric = !header && i > 0 && spec.columns[i].align === 'end';
				return {
					lines: layout(text, { size, bold, direction }, spec.columns[i].width - 2 * pad),
					bold,
					align: numeric ? ('end' as const) : ('start' as const)
				};
			});
		const heightOf = (cells: Cell[]) => Math.max(...cells.map((c) => c.lines.reduce((s, l) => s + lineHeight(l, size), 0))) + 2 * pad;
		const header = laid(spec.header, true);
		const headerHeight = heightOf(header);
		const table = doc.struct('Table', lang ? { lang } : {});
		this.root.add(table);
		const borders = (cells: Cell[], top: number, h: number) => {
			doc.save().lineWidth(0.5).strokeColor('#666666');
			cells.forEach((_, i) => doc.rect(xs[i], top, spec.columns[i].width, h).stroke());
			doc.restore();
		};
		/** A row: tagged cells under `parent`, or (no parent) text and lines as one artifact. */
		const drawRow = (cells: Cell[], top: number, h: number, tags: (i: number) => { tag: 'TH' | 'TD'; scope?: 'Column' | 'Row' }, parent: PDFKit.PDFStructureElement | null) => {
			if (!parent) doc.markContent('Artifact', { type: 'Pagination' } as never);
			cells.forEach((c, i) => {
				const draw = () => void this.drawLines(c.lines, xs[i] + pad, top + pad, spec.columns[i].width - 2 * pad, size, c.align, false);
				if (!parent) return draw();
				const { tag, scope } = tags(i);
				parent.add(doc.struct(tag, (scope ? { scope } : {}) as never, draw));
			});
			// Cell borders are layout, not content.
			if (parent) doc.markContent('Artifact', { type: 'Layout' } as never);
			borders(cells, top, h);
			doc.endMarkedContent();
		};
		const headerTags = () => ({ tag: 'TH' as const, scope: 'Column' as const });
		const bodyTags = (i: number) => (i === 0 ? { tag: 'TH' as const, scope: 'Row' as const } : { tag: 'TD' as const });
		if (doc.y + headerHeight + 2 * size > this.bottom) this.continueOnNewPage();
		const top = doc.y;
		const headRow = doc.struct('TR');
		table.add(headRow);
		drawRow(header, top, headerHeight, headerTags, headRow);
		headRow.end();
		let y = top + headerHeight;
		for (const row of spec.rows) {
			const cells = laid(row, false);
			const h = heightOf(cells);
			if (y + h > this.bottom) {
				this.continueOnNewPage();
				y = doc.page.margins.top;
				// The repeated header is pagination, not content: drawn as an artifact.
				drawRow(header, y, headerHeight, headerTags, null);
				y += headerHeight;
			}
			const tr = doc.struct('TR');
			table.add(tr);
			drawRow(cells, y, h, bodyTags, tr);
			tr.end();
			y += h;
		}
		table.end();
		doc.x = left;
		doc.y = y + size * 0.5;
	}

	/** Closes the structure tree and the document. @returns the PDF bytes. */
	finish(): Promise<Buffer> {
		this.root.end();
		this.doc.end();
		return this.done;
	}
}
