/**
 * Reading generated PDFs back with tools someone else wrote: poppler's `pdftotext` (the text a
 * reader copies or a screen reader gets) and Mozilla's pdf.js (every glyph drawn, to count the
 * `.notdef` boxes).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { tempDir } from './tmp';

/** Writes the bytes to a temporary file and returns its path (for the command-line tools). */
export function pdfFile(pdf: Buffer, name = 'out.pdf'): string {
	const file = path.join(tempDir('anl-pdf-'), name);
	writeFileSync(file, pdf);
	return file;
}

/**
 * The text of a PDF as `pdftotext` reads it (reading order, or `-layout`), without the
 * directional embedding marks (U+202A–U+202E) poppler wraps right-to-left and left-to-right
 * runs in, so the characters can be compared in logical order.
 */
export function pdfText(pdf: Buffer, options: { layout?: boolean } = {}): string {
	const out = execFileSync('pdftotext', [...(options.layout ? ['-layout'] : []), pdfFile(pdf), '-'], { encoding: 'utf8' });
	return out.replace(/[\u202A-\u202E]/g, '');
}

/** Fonts of a PDF as `pdffonts` lists them: name (without subset prefix), embedded, has ToUnicode. */
export function pdfFonts(pdf: Buffer): { name: string; embedded: boolean; unicode: boolean }[] {
	const out = execFileSync('pdffonts', [pdfFile(pdf)], { encoding: 'utf8' });
	return out
		.split('\n')
		.slice(2)
		.filter((l) => l.trim())
		.map((l) => {
			const cols = l.trim().split(/\s+/);
			const [emb, , uni] = cols.slice(-5, -2);
			return { name: cols[0].replace(/^[A-Z]{6}\+/, ''), embedded: emb === 'yes', unicode: uni === 'yes' };
		});
}

/**
 * Every glyph a PDF draws, read by pdf.js, and how many of them are `.notdef`: the PDFs use
 * Type 0 fonts with Identity-H encoding and an Identity CID-to-GID map (checked here), so a
 * glyph's character code is its glyph id in the embedded font program, and glyph id 0 is
 * `.notdef` (OpenType spec, "Glyph 0: the .notdef glyph") — the empty box a reader sees.
 * @throws when a font is not embedded or maps CIDs to glyphs otherwise (the count would not hold).
 */
export async function glyphCount(pdf: Buffer): Promise<{ glyphs: number; notdef: number; perFont: Record<string, number> }> {
	const raw = pdf.toString('latin1');
	const cidFonts = raw.match(/\/Subtype \/CIDFontType2/g)?.length ?? 0;
	const identity = raw.match(/\/CIDToGIDMap \/Identity/g)?.length ?? 0;
	if (cidFonts !== identity) throw new Error(`${cidFonts - identity} CID font(s) without an Identity CID-to-GID map`);
	const task = getDocument({ data: new Uint8Array(pdf), verbosity: 0, fontExtraProperties: true });
	const doc = await task.promise;
	let glyphs = 0;
	let notdef = 0;
	const perFont: Record<string, number> = {};
	for (let n = 1; n <= doc.numPages; n++) {
		const page = await doc.getPage(n);
		const ops = await page.getOperatorList();
		let font: { name: string; composite: boolean; missingFile: boolean } | null = null;
		for (let k = 0; k < ops.fnArray.length; k++) {
			if (ops.fnArray[k] === OPS.setFont) {
				font = page.commonObjs.get(ops.argsArray[k][0]);
				if (!font!.composite || font!.missingFile) throw new Error(`font ${font!.name} is not an embedded Type 0 font`);
			}
			if (ops.fnArray[k] !== OPS.showText) continue;
			for (const g of ops.argsArray[k][0] as ({ originalCharCode: number } | number | null)[]) {
				if (!g || typeof g === 'number') continue;
				glyphs++;
				if (g.originalCharCode === 0) {
					notdef++;
					perFont[font!.name] = (perFont[font!.name] ?? 0) + 1;
				}
			}
		}
	}
	await task.destroy();
	return { glyphs, notdef, perFont };
}

/** The text items pdf.js reads, with their left edge (points), per page. */
export async function textItems(pdf: Buffer): Promise<{ page: number; str: string; x: number; y: number }[]> {
	const task = getDocument({ data: new Uint8Array(pdf), verbosity: 0 });
	const doc = await task.promise;
	const items: { page: number; str: string; x: number; y: number }[] = [];
	for (let n = 1; n <= doc.numPages; n++) {
		const content = await (await doc.getPage(n)).getTextContent();
		for (const it of content.items) if ('str' in it && it.str.trim()) items.push({ page: n, str: it.str, x: it.transform[4], y: it.transform[5] });
	}
	await task.destroy();
	return items;
}
