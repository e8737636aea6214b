/**
 * What a redrawn form of Ehrenamt shows: the values sent with a refused form (`form.values`, as
 * `entered()` returns them), else the stored ones; text fields by name, repeated fields as lists.
 */
type Values = Record<string, string | string[]>;

/** The values a form action returned with a refusal, or `stored`. */
export function sentValues(form: unknown, stored: Values = {}): Values {
	return form && typeof form === 'object' && 'values' in form && form.values ? (form.values as Values) : stored;
}

/** Readers of `values`: a text field (`fallback` when absent) and whether a choice is ticked. */
export function fieldReader(values: Values) {
	return {
		value(name: string, fallback = ''): string {
			const v = values[name];
			return Array.isArray(v) ? (v[0] ?? '') : (v ?? fallback);
		},
		chosen(name: string, choice: string): boolean {
			const x = values[name];
			return Array.isArray(x) ? x.includes(choice) : x === choice;
		}
	};
}
