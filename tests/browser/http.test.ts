import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { Client } from '../helpers/http';

const base = inject('baseUrl');
const dataDir = inject('dataDir');
const dbKind = inject('dbKind');

/** Ids of the demo instances, as an administrator's staff page links them. */
async function instanceIds() {
	const admin = new Client(base);
	expect(await admin.login('admin.duesseldorf@example.org')).toBe(303);
	const { text } = await admin.get('/de/staff');
	const ids = [...text.matchAll(/\/de\/staff\/instances\/([0-9a-f-]{36})">([^<]+)</g)].map((m) => ({ id: m[1], label: m[2] }));
	return {
		wp5: ids.find((i) => i.label.includes('Stadtbezirk 5'))!.id,
		wp6: ids.find((i) => i.label.includes('Stadtbezirk 6'))!.id
	};
}

describe(`public pages (${dbKind})`, () => {
	it('sends "/" to the browser language, then to the remembered one', async () => {
		const c = new Client(base);
		const first = await c.request('/', { headers: { 'accept-language': 'ar,en;q=0.5' } });
		expect(first.status).toBe(303);
		expect(first.headers.get('location')).toBe('/ar');
		await c.get('/uk/m/koeln');
		const again = await c.request('/', { headers: { 'accept-language': 'ar' } });
		expect(again.headers.get('location')).toBe('/uk');
	});

	it('serves Köln with a linked district map and Düsseldorf with its statistics', async () => {
		const c = new Client(base);
		const koeln = await c.get('/de/m/koeln');
		expect(koeln.status).toBe(200);
		expect(koeln.text).toContain('<html lang="de" dir="ltr">');
		const mapLinks = [...koeln.text.matchAll(/<a href="\/de\/m\/koeln\/d\/([a-z-]+)" aria-label="([^"]+)"><path/g)];
		expect(mapLinks.map((m) => m[2]).sort()).toEqual(['Chorweiler', 'Ehrenfeld', 'Innenstadt', 'Kalk', 'Lindenthal', 'Mülheim', 'Nippes', 'Porz', 'Rodenkirchen']);
		const district = await c.get('/de/m/koeln/d/innenstadt');
		expect(district.text).toContain('Altstadt/Nord');
		expect(district.text).toContain('12.740');
		expect(district.text).toContain('Bundestagswahl 2013');
		const sb6 = await c.get('/ar/m/duesseldorf/d/stadtbezirk-6');
		expect(sb6.text).toContain('<html lang="ar" dir="rtl">');
		expect(sb6.text).toContain('Mörsenbroich');
		expect(sb6.text).toContain('Welcome Point Stadtbezirk 6 (Demo)');
		const de6 = await c.get('/de/m/duesseldorf/d/stadtbezirk-6');
		expect(de6.text).toContain('66.595');
		expect(de6.text).toContain('45,9');
		expect(de6.text).toContain('INTESO slides 13.09.2019');
	});

	it('shows every Part I dimension on the profile and in the comparison', async () => {
		const c = new Client(base);
		const profile = await c.get('/de/m/duesseldorf/i/welcome-point-6');
		for (const term of ['Institutionelle Anbindung', 'Standort', 'Personelle Ressourcen', 'Name/Bezeichnung', 'Organisationsformen', 'Arbeitsprinzipien', 'Methodisches Handeln', 'Zielgruppen', 'Ziele', 'Dimensionen der (sozialen) Integration', 'Themenfelder', 'Aufgaben']) {
			expect(profile.text).toContain(term);
		}
		expect(profile.text).toContain('definierte eigene Angebote');
		const { wp5, wp6 } = await instanceIds();
		const compare = await c.get(`/de/compare?i=${wp5}&i=${wp6}`);
		expect(compare.text).toContain('Vergleich von 2 Anlaufstellen');
		// WP 5 hosts external offers (Integrativer Ansatz), WP 6 does not; no other test edits this option.
		expect(compare.text.replace(/<!--.*?-->/g, '')).toMatch(
			/Integrativer Ansatz \(Plattform für externe Angebote\)<\/th><td class="mark yes">.*?<\/td><td class="mark">/
		);
	});

	it('answers unknown places with 404 and sets a strict CSP', async () => {
		const c = new Client(base);
		expect((await c.get('/de/m/atlantis')).status).toBe(404);
		expect((await c.get('/de/m/koeln/d/atlantis')).status).toBe(404);
		expect((await c.get('/de/m/koeln/i/atlantis')).status).toBe(404);
		expect((await c.get('/de/compare?i=not-a-uuid')).status).toBe(400);
		expect((await c.get('/de/compare?municipality=atlantis')).status).toBe(400);
		const { res } = await c.get('/de/m/koeln');
		const csp = res.headers.get('content-security-policy')!;
		expect(csp).toContain("default-src 'none'");
		expect(csp).toContain("script-src 'self'");
		expect(csp).not.toContain('unsafe-inline');
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
	});
});

describe(`accounts and scoping over HTTP (${dbKind})`, () => {
	it('keeps staff of one instance out of another instance’s pages and data, without revealing existence', async () => {
		const { wp5, wp6 } = await instanceIds();
		const staff = new Client(base);
		expect(await staff.login('wp5@example.org')).toBe(303);
		expect((await staff.get(`/de/staff/instances/${wp5}`)).status).toBe(200);
		const other = await staff.get(`/de/staff/instances/${wp6}`);
		const missing = await staff.get('/de/staff/instances/00000000-0000-4000-8000-000000000000');
		expect(other.status).toBe(403);
		expect(missing.status).toBe(403);
		expect(other.text.replaceAll(wp6, 'ID')).toBe(missing.text.replaceAll('00000000-0000-4000-8000-000000000000', 'ID'));
		const post = await staff.request(`/de/staff/instances/${wp6}`, { form: { name: 'Übernommen' } });
		expect(post.status).toBe(403);
		expect((await staff.get('/de/staff/instances/not-a-uuid')).status).toBe(404);
		expect((await staff.request('/de/staff/instances/not-a-uuid', { form: { name: 'Übernommen' } })).status).toBe(404);
		expect((await new Client(base).get('/de/m/duesseldorf/i/welcome-point-6')).text).not.toContain('Übernommen');
	});

	it('keeps an administrator of Köln out of Düsseldorf, and partners and volunteers out of the staff area', async () => {
		const { wp6 } = await instanceIds();
		const koeln = new Client(base);
		await koeln.login('admin.koeln@example.org');
		expect((await koeln.get(`/de/staff/instances/${wp6}`)).status).toBe(403);
		for (const email of ['partner.duesseldorf@example.org', 'ehrenamt.duesseldorf@example.org']) {
			const c = new Client(base);
			await c.login(email);
			const start = await c.request('/de/staff');
			// Partner editors are sent on to the directory, where they propose changes (issue 3 §6).
			if (email.startsWith('partner')) expect([start.status, start.headers.get('location')]).toEqual([303, '/de/staff/directory']);
			// Volunteers are sent on to their accompaniments (issue 4 §4), nothing else of the staff area.
			else expect([start.status, start.headers.get('location')]).toEqual([303, '/de/volunteer']);
			expect((await c.get(`/de/staff/instances/${wp6}`)).status).toBe(403);
			expect((await c.get('/de/admin')).status).toBe(403);
		}
		const anonymous = await new Client(base).request('/de/staff');
		expect(anonymous.status).toBe(303);
		expect(anonymous.headers.get('location')).toBe('/de/login');
	});

	it('shows field errors in the user’s language and saves nothing on bad input', async () => {
		const { wp5 } = await instanceIds();
		const c = new Client(base);
		await c.login('wp5@example.org', undefined, 'ar');
		const res = await c.request(`/ar/staff/instances/${wp5}`, { form: { name: 'WP 5', email: 'kein-at', website: 'ftp://x', postalCode: '12' } });
		expect(res.status).toBe(400);
		const html = await res.text();
		const ar = JSON.parse(readFileSync('messages/ar.json', 'utf8'));
		expect(html).toContain(ar.error_invalid_email);
		expect(html).toContain(ar.error_invalid_url);
		expect(html).toContain(ar.error_invalid_postal_code);
		expect((await c.get('/de/m/duesseldorf/i/welcome-point-5')).text).toContain('wp5@example.org');
	});

	it('rejects a cross-site form post (CSRF) and logs the session out', async () => {
		const c = new Client(base);
		expect((await c.request('/de/login', { form: { email: 'wp5@example.org', password: 'anlaufstelle-demo' }, headers: { origin: 'https://evil.example' } })).status).toBe(403);
		await c.login('wp5@example.org');
		expect(c.cookie('session')).toBeTruthy();
		expect((await c.get('/de/staff')).status).toBe(200);
		await c.request('/de/logout', { form: {} });
		expect((await c.request('/de/staff')).status).toBe(303);
	});

	it('rate-limits failed logins and never logs the address tried', async () => {
		const c = new Client(base);
		const planted = 'planted.person.4711@example.org';
		const statuses = [];
		for (let i = 0; i < 11; i++) statuses.push(await c.login(planted, `wrong-${i}`));
		expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true);
		expect(statuses[10]).toBe(429);
		expect(readFileSync(path.join(dataDir, 'server.log'), 'utf8')).not.toContain('planted.person');
	});

	it('resets a password through the emailed link, once', async () => {
		const { existsSync, readdirSync } = await import('node:fs');
		const outbox = path.join(dataDir, 'outbox');
		/** Asks for a reset link for wp6 and returns the link of the newest such mail. */
		const mailsTo = () =>
			(existsSync(outbox) ? readdirSync(outbox) : [])
				.sort()
				.map((f) => readFileSync(path.join(outbox, f), 'utf8'))
				.filter((m) => m.includes('To: wp6@example.org'));
		const requestLink = async (c: Client) => {
			const before = mailsTo().length;
			const sent = await c.request('/de/password/forgot', { form: { email: 'wp6@example.org' } });
			expect(sent.status).toBe(200);
			// The mail goes out after the answer (the answer takes the same time for unknown addresses).
			await expect.poll(() => mailsTo().length, { timeout: 10_000 }).toBe(before + 1);
			return /(\/de\/password\/reset\/[A-Za-z0-9_-]+)/.exec(mailsTo().at(-1)!.replace(/=\r?\n/g, ''))![1];
		};
		const c = new Client(base);
		const link = await requestLink(c);
		expect((await c.get(link)).text).toContain('name="password"');
		expect((await c.request(link, { form: { password: 'new passphrase 2026' } })).status).toBe(200);
		expect(await c.login('wp6@example.org', 'new passphrase 2026')).toBe(303);
		expect((await new Client(base).get(link)).text).not.toContain('name="password"');
		// Back to the demo password: other test files sign in as wp6 too.
		const again = await requestLink(new Client(base));
		expect(again).not.toBe(link);
		expect((await new Client(base).request(again, { form: { password: 'anlaufstelle-demo' } })).status).toBe(200);
		expect(await new Client(base).login('wp6@example.org')).toBe(303);
	});
});
