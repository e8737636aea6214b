/** Types of `linebreak` (UAX #14 line breaking, the library pdfkit uses), which ships none. */
declare module 'linebreak' {
	/** A line-break opportunity before `position` (UTF-16 index); `required` after a hard break. */
	interface Break {
		position: number;
		required: boolean;
	}
	/** Walks the break opportunities of a string. */
	export default class LineBreaker {
		constructor(text: string);
		/** The next opportunity, or null at the end (the last one is at `text.length`). */
		nextBreak(): Break | null;
	}
}
