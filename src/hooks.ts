/**
 * Universal hooks. Only `transport`, for one reason: every page is rendered with `csr = false`
 * (`routes/+layout.ts`), so no script ever reads the page data SvelteKit writes for hydration —
 * yet SvelteKit 2 serialises each node's server data with `devalue.uneval` for the HTML response
 * anyway (`server_data_serializer().add_node`), about 9 % of the CPU of an uncached search page
 * (issue 17 §2, profile in bench/README.md). A transport whose encoder claims that node payload
 * turns the serialisation into a constant.
 *
 * The `__data.json` answers are untouched: their serialiser (`server_data_serializer_json`) is
 * handed each node's data, never the payload object this matches. Should SvelteKit change the
 * payload's shape, nothing matches and pages are serialised as before.
 */
import type { Transport } from '@sveltejs/kit';

/**
 * Whether `value` is the object SvelteKit builds per node for the HTML response:
 * `{ type: 'data', data, uses }`, with `slash` when the route sets `trailingSlash`.
 */
export function isHydrationPayload(value: unknown): boolean {
	if (typeof value !== 'object' || value === null || (value as { type?: unknown }).type !== 'data' || Object.getPrototypeOf(value) !== Object.prototype) return false;
	const record = value as Record<string, unknown>;
	const keys = Object.keys(record);
	return (
		'data' in record &&
		typeof record.uses === 'object' &&
		record.uses !== null &&
		(keys.length === 3 || (keys.length === 4 && 'slash' in record))
	);
}

/** See the module comment: the hydration payload is written as `app.decode('unused', 0)`. */
export const transport: Transport = {
	unused: {
		encode: (value) => isHydrationPayload(value) && [0],
		// Never called: no client code runs (`csr = false`).
		decode: () => null
	}
};
