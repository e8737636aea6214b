/**
 * Bad input never crashes the server (issue 11, "Bad input"): every form the demo roles reach and
 * every parameter of the public APIs and filterable pages gets a NUL byte, wrong types, unknown
 * ids and oversized values. The answers may be 400, 404, 413 or a form error — never a 5xx — and
 * the server keeps answering. Forms are found by crawling, so new forms are fuzzed without
 * editing this test. Destructive actions (erase, withdraw, delete, sign-out) are left out: their
 * refusals are tested by their modules.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { Client } from '../helpers/http';

const base = inject('baseUrl');

const LOGINS = {
	admin: 'admin.duesseldorf@example.org',
	staff: 'wp5@example.org',
	partner: 'partner.duesseldorf@example.org',
	volunteer: 'ehrenamt.duesseldorf@example.org'
} as const;

/** Pages crawled for forms (and their links one level deep, within the same area). */
const START: Record<keyof typeof LOGINS | 'anon', string[]> = {
	anon: ['/de', '/de/login', '/de/password/forgot', '/de/m/duesseldorf', '/de/m/duesseldorf/search?q=Sprachkurs'],
	admin: ['/de/staff', '/de/admin', '/de/admin/casework', '/de/staff/programmes', '/de/staff/needs', '/de/staff/coverage', '/de/staff/coverage/rules', '/de/staff/assessment', '/de/staff/directory'],
	staff: ['/de/staff', '/de/staff/contacts', '/de/staff/cases', '/de/staff/needs/new', '/de/staff/directory', '/de/staff/referrals', '/de/staff/accompaniments', '/de/staff/assessment', '/de/staff/account'],
	partner: ['/de/staff/directory', '/de/staff/directory/actors/new', '/de/staff/account'],
	volunteer: ['/de/volunteer', '/de/staff/account']
};

const DESTRUCTIVE = /[?/](erase|withdraw|delete|remove|unlink|unshare|logout|close|reject|publish|disable|run|begin|confirm)\b/;

interface Field {
	name: string;
	type: string;
	value: string;
}
interface Form {
	page: string;
	action: string;
	multipart: boolean;
	fields: Field[];
}

const decode = (s: string) => s.replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#39;', "'");

/** The POST forms of a page, with their fields and current values. */
function formsOf(page: string, html: string): Form[] {
	const out: Form[] = [];
	for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
		const attrs = m[1];
		if (!/method="post"/i.test(attrs)) continue;
		const action = decode(/action="([^"]*)"/.exec(attrs)?.[1] ?? '');
		const target = action.startsWith('/') ? action : `${page.split('?')[0]}${action}`;
		const fields: Field[] = [];
		for (const f of m[2].matchAll(/<(input|select|textarea)\b([^>]*)>/g)) {
			const name = /\bname="([^"]+)"/.exec(f[2])?.[1];
			if (!name) continue;
			const type = f[1] === 'input' ? (/\btype="([^"]+)"/.exec(f[2])?.[1] ?? 'text') : f[1];
			if (type === 'submit' || type === 'file') continue;
			fields.push({ name: decode(name), type, value: decode(/\bvalue="([^"]*)"/.exec(f[2])?.[1] ?? '') });
		}
		out.push({ page, action: target, multipart: /multipart/.test(attrs), fields });
	}
	return out;
}

/** Same-area links of a page (one level deep). */
function linksOf(html: string, area: string): string[] {
	return [...new Set([...html.matchAll(/href="(\/de\/[^"#]+)"/g)].map((m) => decode(m[1])).filter((h) => h.startsWith(area) && !/\.(pdf|json|csv|xlsx|ics)\b/.test(h)))];
}

const clients: Record<string, Client> = {};
const forms: { who: string; form: Form }[] = [];

beforeAll(async () => {
	for (const [who, starts] of Object.entries(START)) {
		const c = new Client(base);
		if (who !== 'anon') expect(await c.login(LOGINS[who as keyof typeof LOGINS])).toBe(303);
		clients[who] = c;
		const seen = new Set<string>();
		const pages = [...starts];
		for (const start of starts) {
			const { text } = await c.get(start);
			for (const l of linksOf(text, start.startsWith('/de/m/') ? '/de/m/duesseldorf' : start.split('/').slice(0, 3).join('/')).slice(0, 8)) pages.push(l);
		}
		for (const p of pages) {
			if (seen.has(p)) continue;
			seen.add(p);
			const res = await c.get(p);
			if (res.status !== 200) continue;
			for (const form of formsOf(p, res.text)) {
				if (DESTRUCTIVE.test(form.action) || forms.some((f) => f.who === who && f.form.action === form.action)) continue;
				forms.push({ who, form });
			}
		}
	}
}, 180_000);

const TYPED = ['number', 'date', 'time', 'datetime-local', 'email', 'url', 'hidden', 'select', 'radio', 'checkbox'];

/**
 * What one form is sent: a NUL byte and an oversized value in one text field (refused at the
 * edge whatever the field), and values of the wrong type and unknown ids in each typed field
 * (the first 15 names), plain and enhanced in turn.
 */
function cases(form: Form): { field: string; label: string; value: string; enhanced: boolean; expect?: number[] }[] {
	const text = form.fields.find((f) => !TYPED.includes(f.type)) ?? form.fields[0];
	const out: { field: string; label: string; value: string; enhanced: boolean; expect?: number[] }[] = [];
	if (text) {
		out.push({ field: text.name, label: 'NUL', value: 'a\0b', enhanced: false, expect: [400] });
		out.push({ field: text.name, label: '70k characters', value: 'x'.repeat(70_000), enhanced: true, expect: [413] });
	}
	const typed = [...new Set(form.fields.filter((f) => TYPED.includes(f.type) || /(id|Id|Ids)$/.test(f.name)).map((f) => f.name))].slice(0, 15);
	typed.forEach((name, i) => {
		out.push({ field: name, label: 'wrong type', value: 'not-a-value-éü-١٢٣', enhanced: i % 2 === 0 });
		out.push({ field: name, label: 'unknown id', value: '00000000-0000-4000-8000-000000000000', enhanced: i % 2 === 1 });
	});
	return out;
}

describe('fuzzed forms', () => {
	it('found forms to fuzz', () => {
		for (const who of ['anon', 'admin', 'staff', 'partner']) expect(forms.filter((f) => f.who === who).length, who).toBeGreaterThan(0);
	});

	it('never answer 5xx to NUL bytes, wrong types, unknown ids or oversized values', async () => {
		const wrong: string[] = [];
		let sent = 0;
		for (const { who, form } of forms) {
			const valid = Object.fromEntries(form.fields.map((f) => [f.name, f.value]));
			for (const c of cases(form)) {
				const headers: Record<string, string> = c.enhanced ? { accept: 'application/json', 'x-sveltekit-action': 'true' } : { accept: 'text/html' };
				const res = await clients[who].request(form.action, { form: { ...valid, [c.field]: c.value }, headers });
				sent++;
				const where = `${who} ${form.action} ${c.field}=${c.label}${c.enhanced ? ' (enhanced)' : ''}`;
				if (res.status >= 500) wrong.push(`${where}: ${res.status}`);
				else if (c.expect && !c.expect.includes(res.status)) wrong.push(`${where}: ${res.status}, expected ${c.expect}`);
				await res.arrayBuffer();
			}
		}
		expect(sent).toBeGreaterThan(100);
		expect(wrong).toEqual([]);
		expect((await fetch(`${base}/healthz`)).status).toBe(200);
	}, 300_000);
});

describe('fuzzed parameters', () => {
	/** Query parameters the OpenAPI document declares, per path (`$ref`s resolved). */
	function apiParameters(): { path: string; params: string[] }[] {
		type Parameter = { name?: string; in?: string; $ref?: string };
		const doc = JSON.parse(readFileSync(path.resolve('data/hsds/schema/openapi.json'), 'utf8')) as {
			paths: Record<string, { get?: { parameters?: Parameter[] } }>;
			components: { parameters: Record<string, Parameter> };
		};
		const resolve = (p: Parameter) => (p.$ref ? doc.components.parameters[p.$ref.split('/').at(-1)!] : p);
		return Object.entries(doc.paths).map(([p, item]) => ({
			path: `/api/hsds${p === '/' ? '' : p}`,
			params: (item.get?.parameters ?? []).map(resolve).filter((x) => x.in === 'query').map((x) => x.name!)
		}));
	}

	const VALUES = ['%00', '%C0%AF', 'abc', '-1', '99999999999999999999', '00000000-0000-4000-8000-000000000000', `${'x'.repeat(5000)}`, '%ED%A0%80', '[]', '{"a":1}'];

	it('never answer 5xx on the HSDS API, the calendar feed and the filterable pages', async () => {
		const c = new Client(base);
		const staff = new Client(base);
		expect(await staff.login(LOGINS.admin)).toBe(303);
		const targets: { client: Client; path: string; params: string[] }[] = [
			...apiParameters().map((a) => ({ client: c, path: a.path.replace(/\{[^}]+\}/g, 'not-an-id'), params: [...new Set([...a.params, 'municipality', 'lang', 'page', 'per_page'])] })),
			{ client: c, path: '/api/steering/duesseldorf/deadlines.ics', params: ['from'] },
			{ client: c, path: '/de/m/duesseldorf/search', params: ['q', 'field', 'topic', 'district', 'space', 'lang', 'page', 'near', 'sort', 'open', 'cost', 'group'] },
			{ client: c, path: '/de/compare', params: ['i'] },
			{ client: staff, path: '/de/staff/needs', params: ['status', 'district', 'space', 'field', 'instance', 'open'] },
			{ client: staff, path: '/de/staff/programmes', params: ['year', 'level', 'field'] },
			{ client: staff, path: '/de/staff/coverage', params: ['group', 'lang', 'level', 'district'] },
			{ client: staff, path: '/de/staff/coverage/cell', params: ['space', 'field'] },
			{ client: staff, path: '/de/staff/statistics', params: ['scope', 'period', 'year', 'month'] },
			{ client: staff, path: '/de/staff/statistics/download', params: ['scope', 'period', 'format'] },
			{ client: staff, path: '/de/staff/steering', params: ['year', 'district', 'instance'] },
			{ client: staff, path: '/de/staff/steering/report', params: ['kind', 'year', 'format', 'district'] },
			{ client: staff, path: '/de/staff/directory', params: ['q', 'visibility', 'kind', 'instance', 'page'] }
		];
		const wrong: string[] = [];
		for (const t of targets) {
			for (const p of t.params) {
				for (const v of VALUES) {
					const url = `${t.path}${t.path.includes('?') ? '&' : '?'}${p}=${v}`;
					const res = await t.client.request(url, { headers: { accept: t.path.startsWith('/api') ? 'application/json' : 'text/html' } });
					if (res.status >= 500) wrong.push(`${url.slice(0, 140)}: ${res.status}`);
					await res.arrayBuffer();
				}
			}
		}
		expect(wrong).toEqual([]);
	}, 600_000);

	it('never answer 5xx to a NUL or bad id in a path segment', async () => {
		const c = new Client(base);
		const wrong: string[] = [];
		for (const p of ['/de/m/%00', '/de/m/duesseldorf/o/%00', '/de/m/duesseldorf/o/not-a-uuid', '/de/m/duesseldorf/a/12', '/de/m/duesseldorf/d/%C0', '/de/m/duesseldorf/i/x%00y', '/de/r/%00', '/de/verify/%FF', '/de/password/reset/%00', '/api/hsds/services/%00', '/api/steering/%00/deadlines.ics']) {
			const res = await c.get(p);
			if (res.status >= 500) wrong.push(`${p}: ${res.status}`);
		}
		expect(wrong).toEqual([]);
	});
});
