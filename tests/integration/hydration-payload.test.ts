/**
 * `src/hooks.ts` spares SvelteKit's serialisation of page data for hydration, which no page uses
 * (`csr = false`). These tests run SvelteKit's own serialiser of the HTML response with our
 * transport, so an upgrade that changes its payload (and so silently brings the cost back, issue 17
 * §2) fails here, and they check the `__data.json` serialiser still writes the data in full.
 */
import * as devalue from 'devalue';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isHydrationPayload, transport } from '../../src/hooks';

interface Serializer {
	add_node(i: number, node: unknown): void;
	get_data(csp?: unknown): { data: string };
}
// SvelteKit's internal module: not in its public exports (nor typed), so by path.
const { server_data_serializer, server_data_serializer_json } = (await import(
	/* @vite-ignore */ path.resolve('node_modules/@sveltejs/kit/src/runtime/server/page/data_serializer.js')
)) as Record<'server_data_serializer' | 'server_data_serializer_json', (event: unknown, state: unknown, options: unknown) => Serializer>;

const node = {
	type: 'data',
	data: { search: { hits: [{ title: { de: 'Deutschkurs' }, score: 21.5 }], total: 1 }, when: new Date('2026-12-05T10:00:00Z') },
	uses: { dependencies: new Set<string>(), params: new Set<string>(), parent: true, route: false, url: true, search_params: new Set<string>() },
	slash: undefined
};
const event = { route: { id: '/[lang=locale]/m/[municipality]/search' } };
const options = { hooks: { transport }, version_hash: 'x' };
// What the built server defines; SvelteKit's modules read it when called.
(globalThis as { __SVELTEKIT_DEV__?: boolean }).__SVELTEKIT_DEV__ = false;

describe('page data for hydration', () => {
	it('is not serialised for the HTML response', () => {
		const serializer = server_data_serializer(event, {}, options);
		serializer.add_node(0, node);
		expect(serializer.get_data({ script_needs_nonce: false }).data).toBe(`[app.decode('unused', [0])]`);
	});

	it('is serialised in full without the transport (the cost it spares)', () => {
		const serializer = server_data_serializer(event, {}, { ...options, hooks: { transport: {} } });
		serializer.add_node(0, node);
		expect(serializer.get_data({ script_needs_nonce: false }).data).toContain('Deutschkurs');
	});

	it('is written in full to __data.json', () => {
		const serializer = server_data_serializer_json(event, {}, options);
		serializer.add_node(0, node);
		const json = JSON.parse(serializer.get_data().data) as { nodes: { data: unknown }[] };
		expect(devalue.unflatten(json.nodes[0].data as number[])).toEqual(node.data);
	});

	it('matches only the node payload', () => {
		expect(isHydrationPayload({ type: 'data', data: {}, uses: {} })).toBe(true);
		expect(isHydrationPayload({ type: 'data', data: {}, uses: {}, slash: 'always' })).toBe(true);
		expect(isHydrationPayload({ type: 'data', data: {} })).toBe(false);
		expect(isHydrationPayload({ type: 'data', data: {}, uses: {}, other: 1 })).toBe(false);
		expect(isHydrationPayload({ type: 'offer', data: {}, uses: {} })).toBe(false);
		expect(isHydrationPayload(new (class { type = 'data'; data = {}; uses = {}; })())).toBe(false);
		expect(isHydrationPayload(null)).toBe(false);
	});
});
