/**
 * Names the fields in a rendered page's error summary. `ErrorSummary.svelte` lists each problem
 * as a link to its field, but it is drawn above the form, before the fields' labels exist (pages
 * render once, on the server, without client code), and the server's messages are written per
 * problem, not per field: three empty fields read "Bitte füllen Sie dieses Feld aus." three
 * times. This fills in, for each link (`<a href="#id">`) of a summary list marked
 * `data-name-fields`, the name of the element it links to (see `labelOf`), and lists the problems
 * in the order of the fields on the page (GOV.UK error summary pattern; WCAG 2.2 SC 3.3.1 Error
 * Identification, 1.3.2 Meaningful Sequence).
 */

/** The attribute `ErrorSummary.svelte` marks its list with. */
const NAME_FIELDS_ATTRIBUTE = 'data-name-fields';

const SUMMARY = new RegExp(`<ul ${NAME_FIELDS_ATTRIBUTE}[^>]*>([\\s\\S]*?)</ul>`, 'g');
const ITEM = /<li>[\s\S]*?<\/li>/g;

/** Text of an HTML fragment: tags dropped, white space collapsed (entities stay as written, the text goes back into HTML). */
function textOf(fragment: string): string {
	return fragment
		.replace(/<!--[\s\S]*?-->/g, '')
		.replace(/<[^>]*>/g, '')
		.replace(/\s+/g, ' ')
		.trim()
		.replace(/\s*:$/, '');
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The legend of the innermost fieldset around `at`, if any. */
function enclosingLegend(html: string, at: number): string | null {
	const open: number[] = [];
	for (const tag of html.slice(0, at).matchAll(/<(\/?)fieldset[\s>]/g)) {
		if (tag[1]) open.pop();
		else open.push(tag.index);
	}
	if (!open.length) return null;
	const legend = /^<fieldset[^>]*>\s*<legend[^>]*>([\s\S]*?)<\/legend>/.exec(html.slice(open.at(-1)!));
	return legend ? textOf(legend[1]) : null;
}

/**
 * The name of the element with `id` and where on the page it stands: its label (`<label for>`),
 * its legend (`<fieldset id>`), its `aria-label`, or — for a box or button of a group, labelled
 * by the label around it — the legend of its fieldset. Null when no element has the id.
 */
function labelOf(html: string, id: string): { text: string | null; at: number } | null {
	const quoted = escapeRegExp(id);
	const label = new RegExp(`<label[^>]*\\sfor="${quoted}"[^>]*>([\\s\\S]*?)</label>`).exec(html);
	if (label) return { text: textOf(label[1]), at: label.index };
	const tag = new RegExp(`<([a-z]+)[^>]*\\sid="${quoted}"[^>]*>`).exec(html);
	if (!tag) return null;
	const legend = tag[1] === 'fieldset' ? /^\s*<legend[^>]*>([\s\S]*?)<\/legend>/.exec(html.slice(tag.index + tag[0].length)) : null;
	if (legend) return { text: textOf(legend[1]), at: tag.index };
	const named = /\saria-label="([^"]*)"/.exec(tag[0]);
	if (named) return { text: textOf(named[1]), at: tag.index };
	return { text: tag[1] === 'input' ? enclosingLegend(html, tag.index) : null, at: tag.index };
}

/**
 * Fills the field names into the page's marked error summaries and orders their items as the
 * fields stand on the page. A link whose element has no name keeps its message alone; a problem
 * whose element is not on the page (one of the whole form) comes first, as text without a link.
 * Pages without a marked summary are returned as they are.
 * @param html a whole rendered page (or the chunk holding the summary and the form).
 * @param format joins a field's name and its message in the reader's language (`error_summary_item`).
 */
export function nameErrorSummaryFields(html: string, format: (label: string, message: string) => string): string {
	if (!html.includes(NAME_FIELDS_ATTRIBUTE)) return html;
	return html.replace(SUMMARY, (list: string, items: string) => {
		const named = (items.match(ITEM) ?? []).map((item, index) => {
			// The id as the page writes attributes (escaped alike in `href` and `for`).
			const id = /<a href="#([^"]*)"/.exec(item)?.[1];
			const label = id ? labelOf(html, id) : null;
			// A problem of the whole form names an element that is not on the page: no link that leads nowhere.
			const text = item.replace(/(<a [^>]*>)([\s\S]*?)<\/a>/, (link: string, open: string, message: string) =>
				!label ? message : label.text ? `${open}${format(label.text, message)}</a>` : link
			);
			return { text, at: label?.at ?? -1, index };
		});
		named.sort((a, b) => a.at - b.at || a.index - b.index);
		const start = list.slice(0, list.indexOf('>') + 1);
		return `${start}${named.map((n) => n.text).join('')}</ul>`;
	});
}
