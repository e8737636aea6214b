/**
 * Issue 4 §6 over HTTP: staff of another instance, municipality administrators, partners,
 * volunteers, another municipality's staff and anonymous visitors cannot read a case by any URL.
 * The case routes are enumerated from `src/routes`, so a new case route is covered without
 * editing this test; every other page of the staff, admin and volunteer areas is fetched too and
 * must not show the case's name or id.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { Client } from '../helpers/http';

const base = inject('baseUrl');
const PLANTED = 'Access Testname Quillfeather';
let caseId = '';

/** Every page and endpoint under `dir`, as URL templates with their `[param]` segments. */
function routesUnder(dir: string): string[] {
	const out: string[] = [];
	const walk = (d: string) => {
		for (const e of readdirSync(d, { withFileTypes: true })) {
			if (e.isDirectory()) walk(path.join(d, e.name));
			else if (e.name === '+page.svelte' || e.name === '+server.ts') {
				out.push(
					path
						.relative('src/routes', d)
						.split(path.sep)
						.filter((s) => !s.startsWith('('))
						.map((s) => (s === '[lang=locale]' ? 'de' : s))
						.join('/')
				);
			}
		}
	};
	walk(dir);
	return out.map((r) => `/${r}`);
}

const caseRoutes = () => routesUnder('src/routes/[lang=locale]/staff/cases/[id]');
/** Pages without parameters in the signed-in areas: lists and overviews where case data could leak. */
const areaPages = () =>
	['staff', 'admin', 'volunteer'].flatMap((a) => routesUnder(`src/routes/[lang=locale]/${a}`)).filter((r) => !r.includes('['));

const outsiders: [string, string | null][] = [
	['staff of another instance', 'wp6@example.org'],
	['municipality administrator', 'admin.duesseldorf@example.org'],
	['partner editor', 'partner.duesseldorf@example.org'],
	['volunteer', 'ehrenamt.duesseldorf@example.org'],
	['staff of another municipality', 'kalk@example.org'],
	['administrator of another municipality', 'admin.koeln@example.org'],
	['anonymous visitor', null]
];

beforeAll(async () => {
	const owner = new Client(base);
	expect(await owner.login('wp5@example.org')).toBe(303);
	const res = await owner.request('/de/staff/cases?/open', {
		form: {
			purposes: ['counselling', 'referral', 'accompaniment'],
			dataCategories: ['display_name', 'language', 'notes', 'topics', 'appointments'],
			givenOn: new Date().toISOString().slice(0, 10),
			explainedIn: 'de',
			language: 'de',
			displayName: PLANTED,
			confirmed: 'yes'
		}
	});
	expect(res.status).toBe(303);
	caseId = res.headers.get('location')!.match(/[0-9a-f-]{36}/)![0];
	expect((await owner.request(`/de/staff/cases/${caseId}?/purpose`, { form: { purpose: 'counselling' } })).status).toBe(303);
	expect((await owner.request(`/de/staff/cases/${caseId}?/note`, { form: { body: `${PLANTED} note` } })).status).toBeLessThan(400);
	// The owner does see it, so the checks below are not vacuous.
	expect((await owner.get(`/de/staff/cases/${caseId}`)).text).toContain(PLANTED);
	expect((await owner.get(`/de/staff/cases/${caseId}/export.json`)).text).toContain(PLANTED);
});

describe('case access by URL', () => {
	it('enumerates the case routes', () => {
		expect(caseRoutes().length).toBeGreaterThanOrEqual(5);
	});

	it.each(outsiders)('refuses the %s on every case route and case action', async (_who, email) => {
		const client = new Client(base);
		if (email) expect(await client.login(email)).toBe(303);
		for (const route of caseRoutes()) {
			const url = route.replace('[id]', caseId);
			const res = await client.get(url);
			const allowed = [403, 404].includes(res.status) || (res.status === 303 && /\/(login|volunteer|staff\/directory)$/.test(res.res.headers.get('location') ?? ''));
			expect(allowed, `${url} answered ${res.status} ${res.res.headers.get('location') ?? ''}`).toBe(true);
			expect(res.text).not.toContain(PLANTED);
		}
		for (const action of ['purpose', 'note', 'share', 'close', 'withdraw', 'erase', 'refer']) {
			const res = await client.request(`/de/staff/cases/${caseId}?/${action}`, { form: { purpose: 'counselling', body: 'x', confirm: 'yes' } });
			// The guard refuses actions of the staff area before any route code runs: 401 anonymous, 403 wrong role.
			expect([401, 403], `?/${action} answered ${res.status}`).toContain(res.status);
		}
	});

	it.each(outsiders.filter(([, e]) => e))('shows the %s no trace of the case on any page of the signed-in areas', async (_who, email) => {
		const client = new Client(base);
		expect(await client.login(email!)).toBe(303);
		for (const route of areaPages()) {
			const res = await client.get(route);
			expect(res.text, route).not.toContain(PLANTED);
			expect(res.text, route).not.toContain(caseId);
		}
	});

	it('still lets the owner read it after all of that', async () => {
		const owner = new Client(base);
		expect(await owner.login('wp5@example.org')).toBe(303);
		await owner.request(`/de/staff/cases/${caseId}?/purpose`, { form: { purpose: 'follow_up' } });
		const page = await owner.get(`/de/staff/cases/${caseId}`);
		expect(page.status).toBe(200);
		expect(page.text).toContain(PLANTED);
		expect(page.text).toContain(`${PLANTED} note`);
	});
});
