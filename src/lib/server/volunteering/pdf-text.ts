/**
 * Text in every script for pdfkit, right-to-left included: pdfkit shapes a run of Arabic or
 * Hebrew through fontkit but knows no bidirectional algorithm and no font fallback. This layer
 * wraps a paragraph into lines itself, orders each line with the Unicode Bidirectional
 * Algorithm (UAX #9, `bidi-js`), cuts it into runs of one direction and one font, and draws the
 * runs left to right. Fonts are Noto (OFL): Debian's `fonts-noto-core` in `NOTO_DIR` (default
 * `/usr/share/fonts/truetype/noto`), falling back to the ones shipped in `data/fonts/`.
 *
 * The certificate is the only caller; issue 12 builds a shared bidi and font layer for every
 * PDF of the platform — when it lands, `BidiText` is the one place to switch over.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import bidiFactory from 'bidi-js';

type Doc = PDFKit.PDFDocument;

const bidi = bidiFactory();

/** Scripts with a font of their own, each with the Noto family that covers it. */
const SCRIPT_FONTS: { test: RegExp; family: string; rtl?: boolean }[] = [
	{ test: /[\p{Script=Arabic}]/u, family: 'NotoSansArabic', rtl: true },
	{ test: /[\p{Script=Hebrew}]/u, family: 'NotoSansHebrew', rtl: true },
	{ test: /[\p{Script=Syriac}]/u, family: 'NotoSansSyriac', rtl: true },
	{ test: /[\p{Script=Thaana}]/u, family: 'NotoSansThaana', rtl: true },
	{ test: /[\p{Script=Armenian}]/u, family: 'NotoSansArmenian' },
	{ test: /[\p{Script=Georgian}]/u, family: 'NotoSansGeorgian' },
	{ test: /[\p{Script=Ethiopic}]/u, family: 'NotoSansEthiopic' },
	{ test: /[\p{Script=Devanagari}]/u, family: 'NotoSansDevanagari' },
	{ test: /[\p{Script=Bengali}]/u, family: 'NotoSansBengali' },
	{ test: /[\p{Script=Gurmukhi}]/u, family: 'NotoSansGurmukhi' },
	{ test: /[\p{Script=Gujarati}]/u, family: 'NotoSansGujarati' },
	{ test: /[\p{Script=Tamil}]/u, family: 'NotoSansTamil' },
	{ test: /[\p{Script=Telugu}]/u, family: 'NotoSansTelugu' },
	{ test: /[\p{Script=Kannada}]/u, family: 'NotoSansKannada' },
	{ test: /[\p{Script=Malayalam}]/u, family: 'NotoSansMalayalam' },
	{ test: /[\p{Script=Sinhala}]/u, family: 'NotoSansSinhala' },
	{ test: /[\p{Script=Thai}]/u, family: 'NotoSansThai' },
	{ test: /[\p{Script=Lao}]/u, family: 'NotoSansLao' },
	{ test: /[\p{Script=Khmer}]/u, family: 'NotoSansKhmer' },
	{ test: /[\p{Script=Myanmar}]/u, family: 'NotoSansMyanmar' },
	{ test: /[\p{Script=Tifinagh}]/u, family: 'NotoSansTifinagh' }
];
const RTL_LETTER = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}]/u;
/** Characters that take the font of their neighbours (spaces, punctuation, digits). */
const NEUTRAL = /[\s\p{P}\p{S}\p{N}\p{M}]/u;

function notoDir(): string {
	return process.env.NOTO_DIR || '/usr/share/fonts/truetype/noto';
}

function shippedDir(): string {
	return path.resolve(process.env.FONTS_DIR || 'data/fonts');
}

/** The font file of a family and weight: Debian's, else the shipped one, else the shipped Noto Sans. */
export function fontFile(family: string, bold: boolean): string {
	const names = bold ? [`${family}-Bold.ttf`, `${family}-Regular.ttf`] : [`${family}-Regular.ttf`];
	for (const dir of [notoDir(), shippedDir()]) {
		for (const name of names) {
			const file = path.join(dir, name);
			if (existsSync(file)) return file;
		}
	}
	return path.join(shippedDir(), bold ? 'NotoSans-Bold.ttf' : 'NotoSans-Regular.ttf');
}

/** The Noto family for a character (Noto Sans for Latin, Cyrillic, Greek and neutrals). */
function familyOf(ch: string): string {
	return SCRIPT_FONTS.find((f) => f.test.test(ch))?.family ?? 'NotoSans';
}

/** A run of one direction and one font, in the order it is drawn. */
interface Run {
	text: string;
	font: string;
}

/** Paragraph options. */
export interface TextOptions {
	size: number;
	bold?: boolean;
	/** Base direction of the paragraph (right-aligned when rtl). */
	rtl: boolean;
	/** Space after the paragraph, in points. */
	after?: number;
}

/** Writes paragraphs in any script into a pdfkit document, inside the page margins. */
export class BidiText {
	private readonly files = new Map<string, string>();

	constructor(private readonly doc: Doc) {}

	private font(family: string, bold: boolean): string {
		const key = `${family}:${bold}`;
		let file = this.files.get(key);
		if (!file) {
			file = fontFile(family, bold);
			this.files.set(key, file);
		}
		return file;
	}

	/**
	 * The runs of one line in visual (drawing) order: the line's characters in UAX #9 order, cut
	 * where the direction or the font changes. A right-to-left run of letters is handed to fontkit
	 * in logical order (it shapes and reverses such runs itself); a right-to-left run of neutrals
	 * (a colon, brackets) is drawn as ordered, with mirrored brackets.
	 */
	private runs(line: string, rtl: boolean, bold: boolean): Run[] {
		const levels = bidi.getEmbeddingLevels(line, rtl ? 'rtl' : 'ltr');
		const out: Run[] = [];
		let current: { indices: number[]; family: string; odd: boolean } | null = null;
		const flush = () => {
			if (!current) return;
			const { indices, family, odd } = current;
			const logical = line.slice(Math.min(...indices), Math.max(...indices) + 1);
			const text = odd && !RTL_LETTER.test(logical) ? indices.map((i) => bidi.getMirroredCharacter(line[i]) ?? line[i]).join('') : logical;
			out.push({ text, font: this.font(family, bold) });
			current = null;
		};
		for (const i of bidi.getReorderedIndices(line, levels)) {
			const ch = line[i];
			const odd = (levels.levels[i] & 1) === 1;
			const family: string = NEUTRAL.test(ch) ? (current?.family ?? familyOf(ch)) : familyOf(ch);
			const last: number | undefined = current?.indices.at(-1);
			const next = last !== undefined && (odd ? last - i === 1 : i - last === 1);
			if (current && current.odd === odd && current.family === family && next) current.indices.push(i);
			else {
				flush();
				current = { indices: [i], family, odd };
			}
		}
		flush();
		return out;
	}

	private width(runs: Run[], size: number): number {
		return runs.reduce((w, r) => w + this.doc.font(r.font).fontSize(size).widthOfString(r.text), 0);
	}

	/** Wraps the paragraph's words into lines that fit `width`. */
	private wrap(text: string, width: number, options: TextOptions): string[] {
		const lines: string[] = [];
		for (const para of text.split('\n')) {
			let line = '';
			for (const word of para.split(/(?<=\s)/u)) {
				const candidate = line + word;
				if (line && this.width(this.runs(candidate.trimEnd(), options.rtl, !!options.bold), options.size) > width) {
					lines.push(line.trimEnd());
					line = word;
				} else line = candidate;
			}
			lines.push(line.trimEnd());
		}
		return lines;
	}

	/** Draws a paragraph at the current position, aligned to the base direction's side. */
	paragraph(text: string, options: TextOptions): void {
		const doc = this.doc;
		const left = doc.page.margins.left;
		const width = doc.page.width - left - doc.page.margins.right;
		for (const line of this.wrap(text, width, options)) {
			const runs = this.runs(line, options.rtl, !!options.bold);
			doc.font(this.font('NotoSans', !!options.bold)).fontSize(options.size);
			const height = doc.currentLineHeight(true) * 1.15;
			if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
			const y = doc.y;
			let x = options.rtl ? left + width - this.width(runs, options.size) : left;
			for (const r of runs) {
				doc.font(r.font).fontSize(options.size).text(r.text, x, y, { lineBreak: false });
				x += doc.widthOfString(r.text);
			}
			doc.x = left;
			doc.y = y + height;
		}
		doc.y += options.after ?? 0;
	}
}
