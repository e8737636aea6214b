/**
 * Issue 14 acceptance, in a browser, in German and Arabic, axe-clean on every page: the
 * coordinator (Welcome Point 6) creates a local network and sees the overlap warning; a member
 * (Welcome Point 5's team, an account member) proposes an agenda item; the meeting is held and
 * attendance, minutes, a decision and an action item are recorded; the minutes are approved and
 * then frozen (an edit answers 409); the action item carries over to the next meeting of the
 * series; the decision is escalated to a needs report, the municipality answers it, and the
 * answer shows on the network's page. Bad input on the way is refused with the field named.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectAccessible, launch, newPage, signIn } from '../helpers/browser';
import { Client } from '../helpers/http';

const base = inject('baseUrl');
let browser: Browser;

const read = (folder: string, lang: string) => JSON.parse(readFileSync(`messages/${folder}/${lang}.json`, 'utf8')) as Record<string, string>;

beforeAll(async () => {
	browser = await launch();
});
afterAll(() => browser?.close());

/** Chooses the option of `select` whose text starts with `text` (names stay; type labels are translated). */
async function choose(page: Page, select: string, text: string): Promise<void> {
	const value = await page.$eval(select, (el, t) => [...(el as HTMLSelectElement).options].find((o) => o.textContent!.trim().startsWith(t))?.value ?? '', text);
	expect(value, `${select} offers ${text}`).not.toBe('');
	await page.selectOption(select, value);
}

/** A day `days` from today as `YYYY-MM-DD` (UTC; the form reads it as a Berlin day). */
const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** Submits the form `action` on the page and waits for the page it leads to. */
async function submit(page: Page, selector: string): Promise<void> {
	await Promise.all([page.waitForLoadState('load'), page.waitForNavigation(), page.click(selector)]);
}

describe('networks journey', () => {
	it.each(['de', 'ar'])('a local network from its creation to an answered escalation (%s)', async (lang) => {
		const t = read('networks', lang);
		const needs = read('steering-needs', lang);
		const stamp = `${lang} ${Date.now()}`;
		const networkName = `Netzwerk Wohnen Rath ${stamp}`;
		const seriesName = `Netzwerk Rath ${stamp}`;

		// 1. The coordinator creates a local network and sees the overlap warning.
		const coord = await signIn(browser, 'wp6@example.org', lang);
		expect(await coord.getAttribute('html', 'dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr');
		await coord.goto(`${base}/${lang}/staff/networks`);
		await expectAccessible(coord);
		await coord.click(`a[href="/${lang}/staff/networks/new"]`);
		await coord.waitForSelector('#nw-name');
		await expectAccessible(coord);
		// Nothing chosen: refused with the fields named, nothing made.
		await submit(coord, 'form.nw-form button[type=submit]');
		const summary = (await coord.textContent('.error-summary'))!;
		expect(summary).toContain(read('', lang).error_required ?? '');
		await expectAccessible(coord);
		await coord.fill('#nw-name', networkName);
		await coord.selectOption('#nw-kind', 'network');
		await coord.selectOption('#nw-level', 'local');
		await coord.evaluate(() => document.querySelectorAll('#nw-socialSpaceIds details').forEach((d) => ((d as HTMLDetailsElement).open = true)));
		await coord.locator('#nw-socialSpaceIds label.check', { hasText: /^\s*Rath\s*$/ }).locator('input').check();
		await coord.check('input[name=themeFields][value=housing]');
		await submit(coord, 'form.nw-form button[type=submit]');
		await coord.waitForSelector('.nw-overlap');
		const overlap = (await coord.textContent('.nw-overlap'))!;
		expect(overlap).toContain(t.nw_overlap_title);
		expect(overlap).toContain('Stadtteilkonferenz Stadtbezirk 6 (Demo)');
		await expectAccessible(coord);
		// Seen the warning, the coordinator still needs the network: sent again, it is made.
		await submit(coord, 'form.nw-form button[type=submit]');
		expect(coord.url()).toMatch(/\/staff\/networks\/[0-9a-f-]{36}\?created=1$/);
		const networkUrl = coord.url().split('?')[0];
		expect(await coord.textContent('h1')).toBe(networkName);
		await expectAccessible(coord);
		// The coordinator changes it: a description, and public visibility.
		await coord.click(`a[href="${networkUrl.replace(base, '')}/edit"]`);
		await coord.waitForSelector('#nw-description');
		expect(await coord.inputValue('#nw-name')).toBe(networkName);
		await expectAccessible(coord);
		await coord.fill('#nw-description', 'Wohnen in Rath: Träger, Schulen und Vereine.');
		await coord.check('input[name=visibility][value=public]');
		await submit(coord, 'form.nw-form button[type=submit]');
		expect(await coord.textContent('.notice[role=status]')).toBe(t.nw_saved);
		expect(await coord.textContent('main')).toContain('Wohnen in Rath: Träger, Schulen und Vereine.');

		// Members: two actors of the directory and Welcome Point 5's team (an account).
		for (const actor of ['Jugendfreizeiteinrichtung Rath (Demo)', 'Migrationsberatung Rath (Demo)']) {
			await coord.check('input[name=kind][value=actor]');
			await choose(coord, '#nw-organizationId', actor);
			await submit(coord, 'form[action="?/member"] button[type=submit]');
		}
		await coord.check('input[name=kind][value=account]');
		await choose(coord, '#nw-userId', 'Demo Team Welcome Point 5');
		await submit(coord, 'form[action="?/member"] button[type=submit]');
		const members = (await coord.textContent('#nw-members + .table-scroll'))!;
		expect(members).toContain('Jugendfreizeiteinrichtung Rath (Demo)');
		expect(members).toContain('Demo Team Welcome Point 5');
		await expectAccessible(coord);

		// A meeting that ends before it starts is refused, naming the end.
		const first = day(10);
		await coord.fill('#nw-name', `Auftakt ${stamp}`);
		await coord.fill('#nw-startsAt', `${first}T17:00`);
		await coord.fill('#nw-endsAt', `${first}T16:00`);
		await coord.fill('#nw-placeText', 'Welcome Point 6');
		await coord.fill('#nw-newSeriesName', seriesName);
		await submit(coord, 'form[action="?/meeting"] button[type=submit]');
		expect(await coord.textContent('.error-summary')).toContain(t.nw_ends_before_start);
		await expectAccessible(coord);
		await coord.fill('#nw-endsAt', `${first}T19:00`);
		await submit(coord, 'form[action="?/meeting"] button[type=submit]');
		expect(coord.url()).toMatch(/\/staff\/networks\/meetings\/[0-9a-f-]{36}\?created=1$/);
		const meetingUrl = coord.url().split('?')[0];
		const meetingPath = meetingUrl.replace(base, '');
		// A place typed as text has no known step-free access: the page warns.
		expect(await coord.textContent('.nw-warning')).toContain(t.nw_step_free_warning);
		await expectAccessible(coord);

		// 2. A member proposes an agenda item before the deadline.
		const member = await signIn(browser, 'wp5@example.org', lang);
		await member.goto(meetingUrl);
		await expectAccessible(member);
		await submit(member, 'form[action="?/propose"] button[type=submit]');
		expect(await member.textContent('.error-summary')).toContain(read('', lang).error_required ?? '');
		const proposal = `Wohnungssuche für Familien ${stamp}`;
		await member.fill('#nw-propose-title', proposal);
		await member.fill('#nw-propose-description', 'Familien in Rath finden keine Begleitung bei der Wohnungssuche.');
		await submit(member, 'form[action="?/propose"] button[type=submit]');
		const proposed = member.locator('li.nw-item', { hasText: proposal });
		expect(await proposed.textContent()).toContain(t.nw_agenda_proposed);
		await expectAccessible(member);

		// The coordinator accepts it and invites (the iCalendar part is checked in the integration tests).
		await coord.goto(meetingUrl);
		const item = coord.locator('li.nw-item', { hasText: proposal });
		await Promise.all([coord.waitForNavigation(), item.locator('button[value=accept]').click()]);
		expect(await coord.locator('li.nw-item', { hasText: proposal }).textContent()).toContain(t.nw_agenda_accepted);
		await submit(coord, '#nw-invite button');
		// Only Welcome Point 5's team has an address among the members (the demo actors have none).
		expect(coord.url()).toMatch(/[?&]invited=1(#|$)/);
		expect(await coord.isVisible('.notice[role=status]')).toBe(true);
		await expectAccessible(coord);

		// 3. The meeting is held: attendance, minutes, a decision and an action item.
		await submit(coord, 'form[action="?/state"] button[value=held]');
		expect(await coord.textContent('#nw-meeting-state')).toBe(t.nw_meeting_held);
		await coord.locator('#nw-att-organizationIds label', { hasText: 'Jugendfreizeiteinrichtung Rath (Demo)' }).locator('input').check();
		await coord.locator('#nw-att-organizationIds label', { hasText: 'Migrationsberatung Rath (Demo)' }).locator('input').check();
		await submit(coord, 'form[action="?/attendance"] button[type=submit]');
		expect(await coord.locator('#nw-att-organizationIds input:checked').count()).toBe(2);
		const accepted = coord.locator('li.nw-item', { hasText: proposal });
		await accepted.locator('textarea[name=minutes]').fill('Die Beratungsstelle berichtet von 14 Familien auf Wohnungssuche.');
		await Promise.all([coord.waitForNavigation(), accepted.locator('form[action="?/minutes"] button').click()]);
		await coord.locator('li.nw-item', { hasText: proposal }).locator('details.nw-decision-form summary').click();
		await coord.locator('li.nw-item', { hasText: proposal }).locator('textarea[name=text]').fill('Das Netzwerk bittet die Stadt um eine Wohnungssprechstunde in Rath.');
		await coord.locator('li.nw-item', { hasText: proposal }).locator('select[name=result]').selectOption('adopted');
		await Promise.all([coord.waitForNavigation(), coord.locator('li.nw-item', { hasText: proposal }).locator('form[action="?/decision"] button[type=submit]').click()]);
		expect(await coord.locator('li.nw-item', { hasText: proposal }).locator('.nw-decision').textContent()).toContain(t.nw_result_adopted);
		await expectAccessible(coord);
		// An action item without an owner is refused, naming the owner.
		const task = `Sprechstunde anfragen ${stamp}`;
		await coord.fill('#nw-action-title', task);
		await coord.fill('#nw-action-dueOn', day(20));
		await submit(coord, 'form[action="?/action"] button[type=submit]');
		expect(await coord.textContent('.error-summary')).toContain(t.nw_owner_required);
		await expectAccessible(coord);
		await choose(coord, '#nw-action-ownerMembershipId', 'Migrationsberatung Rath (Demo)');
		await submit(coord, 'form[action="?/action"] button[type=submit]');
		expect(await coord.textContent('.nw-action-table')).toContain(task);

		// Minutes circulated, approved, frozen as version 1: an edit now answers 409.
		await submit(coord, 'form[action="?/state"] button[value=circulated]');
		await submit(coord, 'form[action="?/state"] button[value=approved]');
		expect(await coord.textContent('#nw-minutes-state')).toBe(t.nw_minutes_approved);
		await expectAccessible(coord);
		const itemId = (await coord.locator('li.nw-item', { hasText: proposal }).getAttribute('id'))!.replace('nw-agenda-', '');
		const http = new Client(base);
		await http.login('wp6@example.org', 'anlaufstelle-demo', lang);
		expect((await http.request(`${meetingPath}?/minutes`, { form: { itemId, minutes: 'Nachträglich geändert' } })).status).toBe(409);
		await coord.click(`a[href="${meetingPath}/minutes/1"]`);
		await coord.waitForURL(/\/minutes\/1$/);
		expect(await coord.textContent('main')).toContain('Die Beratungsstelle berichtet von 14 Familien auf Wohnungssuche.');
		await expectAccessible(coord);

		// 4. The next meeting of the series: the open action item has come along.
		await coord.goto(networkUrl);
		await coord.fill('#nw-name', `Zweites Treffen ${stamp}`);
		await coord.fill('#nw-startsAt', `${day(40)}T17:00`);
		await coord.fill('#nw-endsAt', `${day(40)}T19:00`);
		await coord.fill('#nw-placeText', 'Welcome Point 6');
		await choose(coord, '#nw-seriesId', seriesName);
		await submit(coord, 'form[action="?/meeting"] button[type=submit]');
		expect(coord.url()).not.toBe(meetingUrl);
		const carried = (await coord.textContent('.nw-action-table'))!;
		expect(carried).toContain(task);
		expect(carried).toContain(t.nw_action_carried);
		await expectAccessible(coord);

		// 5. The decision goes up as a needs report…
		await coord.goto(meetingUrl);
		await coord.click('#nw-escalate-needs summary');
		await coord.fill('#nw-esc-title', `Wohnungssprechstunde Rath ${stamp}`);
		await coord.fill('#nw-esc-description', 'Beschluss des Netzwerks: eine Wohnungssprechstunde in Rath.');
		await coord.selectOption('#nw-esc-themeField', 'housing');
		await coord.evaluate(() => document.querySelectorAll('#nw-escalate-needs details').forEach((d) => ((d as HTMLDetailsElement).open = true)));
		await coord.check('#nw-esc-subtopics input[value=housing_search]');
		await coord.locator('#nw-esc-socialSpaceIds label.check', { hasText: /^\s*Rath\s*$/ }).locator('input').check();
		await submit(coord, '#nw-escalate-needs button[type=submit]');
		expect(coord.url()).toContain('escalated=1');
		await expectAccessible(coord);
		const reportPath = (await coord.locator(`#nw-escalate ~ ul a[href^="/${lang}/staff/needs/"]`).first().getAttribute('href'))!;

		// …the municipality answers it…
		const admin = await signIn(browser, 'admin.duesseldorf@example.org', lang);
		await admin.goto(`${base}${reportPath}`);
		expect(await admin.textContent('main')).toContain(networkName);
		await admin.selectOption('#nr-to-status', 'under_review');
		await admin.fill('#nr-status-body', `Wir prüfen eine Sprechstunde ${stamp}.`);
		await admin.click('form[action="?/status"] button');
		await admin.waitForSelector(`#nr-current-status:text-is("${needs.nr_status_under_review}")`);

		// …and the answer shows in the network.
		await coord.goto(networkUrl);
		const escalations = (await coord.textContent('#nw-escalations ~ section'))!;
		expect(escalations).toContain(needs.nr_status_under_review);
		expect(escalations).toContain(`Wir prüfen eine Sprechstunde ${stamp}.`);
		await expectAccessible(coord);
		await Promise.all([coord.context().close(), member.context().close(), admin.context().close()]);
	});

	it.each(['de', 'ar'])('the network map, posts and digest, and the public pages without JavaScript pass axe (%s)', async (lang) => {
		const t = read('networks', lang);
		const stamp = `${lang} ${Date.now()}`;
		const staff = await signIn(browser, 'wp6@example.org', lang);

		// The network map with its figures and the missing actor types.
		await staff.goto(`${base}/${lang}/staff/networks/map`);
		expect(await staff.locator('svg.network-map').count()).toBe(1);
		expect(await staff.textContent('#nw-coverage + p + .table-scroll')).toContain(read('directory', lang).actor_type_youth_centre ?? '');
		await expectAccessible(staff);

		// A post sideways to the other Welcome Points: refused without a title, then published.
		await staff.goto(`${base}/${lang}/staff/networks/posts`);
		await expectAccessible(staff);
		await submit(staff, 'form[action="?/post"] button[type=submit]');
		expect(await staff.textContent('.error-summary')).toContain(read('', lang).error_required ?? '');
		await expectAccessible(staff);
		const title = `Sprechstunde Wohnen ${stamp}`;
		await staff.selectOption('#nw-post-direction', 'sideways');
		await staff.fill('#nw-post-title', title);
		await staff.fill('#nw-post-body', 'Ab nächster Woche dienstags im Welcome Point 6.');
		await staff.selectOption('#nw-post-language', 'de');
		await staff.check('input[name=isPublic]');
		await submit(staff, 'form[action="?/post"] button[type=submit]');
		expect(await staff.textContent('.nw-posts')).toContain(title);
		// The newsletter every seven days, in the reader's language.
		await staff.selectOption('#nw-sub-intervalDays', '7');
		await staff.selectOption('#nw-sub-language', lang);
		await submit(staff, 'form[action="?/digest"] button[type=submit]');
		expect(await staff.textContent('.notice[role=status]')).toBe(t.nw_sub_saved);
		expect(await staff.inputValue('#nw-sub-intervalDays')).toBe('7');
		await expectAccessible(staff);
		await staff.context().close();

		// The public pages, as a phone without JavaScript sees them (axe itself needs JavaScript:
		// each page is checked again in a second page that has it).
		const visitor = await newPage(browser, { javaScript: false });
		const checker = await newPage(browser);
		const accessible = async () => {
			await checker.goto(visitor.url());
			await expectAccessible(checker);
		};
		await visitor.goto(`${base}/${lang}/m/duesseldorf/networks`);
		expect(await visitor.getAttribute('html', 'dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr');
		await accessible();
		await visitor.click('a:text-is("Stadtteilkonferenz Stadtbezirk 6 (Demo)")');
		await visitor.waitForSelector('h1:text-is("Stadtteilkonferenz Stadtbezirk 6 (Demo)")');
		await accessible();
		await visitor.click(`a[href^="/${lang}/m/duesseldorf/networks/meetings/"]`);
		await visitor.waitForSelector('h1');
		expect(await visitor.textContent('main')).toContain(t.nw_public_agenda);
		await accessible();
		await visitor.goto(`${base}/${lang}/m/duesseldorf/networks/posts`);
		expect(await visitor.textContent('.nw-posts')).toContain(title);
		await accessible();
		// The digest's unsubscribe link, here one that is no (longer a) subscription.
		await visitor.goto(`${base}/${lang}/networks/unsubscribe/not-a-token`);
		expect(await visitor.textContent('main')).toContain(t.nw_unsub_title);
		await accessible();
		await checker.context().close();
		await visitor.context().close();
	});
});
