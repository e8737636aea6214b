/**
 * Hosting (issue 15) in the browser, in German and Arabic, on the demo: the acceptance journey —
 * a partner requests a weekly consultation-hour slot across a public holiday; staff approve it,
 * first told the holiday's date, then skipping it; the slot appears on the offer's directory
 * page and in the HSDS API without the holiday; a participant without an account takes the last
 * place of the course and the next one goes to the waiting list; the first cancels through the
 * emailed link (a second use says it is already cancelled), the second moves up and is told by
 * email; attendance is taken. Every page passes axe-core; the calendar works without JavaScript.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectAccessible, launch, newPage, signIn } from '../helpers/browser';

const base = inject('baseUrl');
const dataDir = inject('dataDir');
let browser: Browser;

type RawMessage = string | { match: Record<string, string> }[];
const texts = (lang: string) =>
	Object.fromEntries(
		Object.entries(JSON.parse(readFileSync(`messages/hosting/${lang}.json`, 'utf8')) as Record<string, RawMessage>).map(([k, v]) => [k, typeof v === 'string' ? v : Object.values(v[0].match).at(-1)!])
	);

beforeAll(async () => {
	browser = await launch();
});
afterAll(() => browser?.close());

/** The plain text of the newest mail to `to` (parsed by postal-mime: the mails are multipart). */
async function newestMailTo(to: string): Promise<string> {
	const { default: PostalMime } = await import('postal-mime');
	const dir = path.join(dataDir, 'outbox');
	const raw = readdirSync(dir)
		.filter((f) => f.endsWith('.eml'))
		.sort()
		.map((f) => readFileSync(path.join(dir, f), 'utf8'))
		.filter((r) => r.includes(`To: ${to}`))
		.at(-1);
	return raw ? ((await PostalMime.parse(raw)).text ?? '') : '';
}

const iso = (d: Date) => d.toISOString().slice(0, 10);
/** A day as the app writes it in `lang` (a medium date, Europe/Berlin). */
const shown = (day: string, lang: string) => new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: 'Europe/Berlin' }).format(new Date(`${day}T12:00:00Z`));
const plus = (day: string, n: number) => iso(new Date(Date.parse(`${day}T12:00:00Z`) + n * 86_400_000));
const weekday = (day: string) => ((new Date(`${day}T12:00:00Z`).getUTCDay() + 6) % 7) + 1;

/** The next fixed NRW holiday on a weekday at least two weeks ahead (the demo's closures). */
function nextHoliday(): string {
	const today = iso(new Date());
	const year = Number(today.slice(0, 4));
	return [year, year + 1]
		.flatMap((y) => ['01-01', '05-01', '10-03', '11-01', '12-25', '12-26'].map((md) => `${y}-${md}`))
		.find((d) => d >= plus(today, 14) && weekday(d) <= 5)!;
}

describe.each([
	['de', '10:00', '11:00'],
	['ar', '11:00', '12:00']
])('hosting journey in %s', (lang, start, end) => {
	it('request → approval skipping the holiday → directory and HSDS → full course, waiting list, cancellation, promotion → attendance', async () => {
		const t = texts(lang);
		const holiday = nextHoliday();
		const firstDay = plus(holiday, -7);
		const lastDay = plus(holiday, 14);

		// 1. A partner requests a weekly slot in Welcome Point 6's group room.
		const partner = await signIn(browser, 'partner.duesseldorf@example.org', lang);
		await partner.goto(`${base}/${lang}/staff/hosting`);
		expect(await partner.getAttribute('html', 'dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr');
		await expectAccessible(partner);
		const offers = await partner.$$eval('select[name="serviceId"] option', (os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, label: o.textContent ?? '' })));
		// Rooms are grouped by their contact point; an option names the room alone.
		const room = (
			await partner.$$eval('select[name="roomId"] option', (os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, label: o.textContent ?? '', group: (o.parentElement as HTMLOptGroupElement).label })))
		).find((o) => o.group.includes('Stadtbezirk 6') && o.label.startsWith('Gruppenraum'))!;
		expect(room).toBeTruthy();
		const offer = offers.find((o) => o.label.includes('Sprechstunde Jobcenter'))!;
		expect(offer).toBeTruthy();
		// Each offer name is laid out in its own direction: a German one left to right in Arabic too.
		expect(await partner.$eval(`select[name="serviceId"] option[value="${offer.value}"]`, (o) => getComputedStyle(o).direction)).toBe('ltr');
		await partner.selectOption('select[name="roomId"]', room.value);
		await partner.selectOption('select[name="serviceId"]', offer.value);
		await partner.fill('input[name="firstDay"]', firstDay);
		await partner.fill('input[name="startTime"]', start);
		await partner.fill('input[name="endTime"]', end);
		await partner.check('input[name="weekly"]');
		await partner.fill('input[name="lastDay"]', lastDay);
		await partner.click('form[action="?/request"] button[type="submit"]');
		await partner.waitForSelector('p.notice[role="status"]');
		expect(await partner.textContent('p.notice')).toBe(t.ho_requested);
		await expectAccessible(partner);

		// 2. Staff (the administrator) approve: first told the holiday's date, then skipping it.
		const admin = await signIn(browser, 'admin.duesseldorf@example.org', lang);
		await admin.goto(`${base}/${lang}/staff/hosting`);
		await expectAccessible(admin);
		const card = admin.locator('article.card', { hasText: `${shown(firstDay, lang)} – ${shown(lastDay, lang)}, ${start}–${end}` });
		await card.locator('form:has(input[value="approve"]) button').click();
		await admin.waitForSelector('.error-summary');
		expect(await admin.textContent('.error-summary')).toContain(shown(holiday, lang));
		await expectAccessible(admin);
		const again = admin.locator('article.card', { hasText: `${shown(firstDay, lang)} – ${shown(lastDay, lang)}, ${start}–${end}` });
		await again.locator('input[name="skip"]').check();
		await again.locator('form:has(input[value="approve"]) button').click();
		await admin.waitForSelector('p.notice[role="status"]');
		expect(await admin.textContent('p.notice')).toBe(t.ho_decided_approved);
		expect(await newestMailTo('partner.duesseldorf@example.org')).toContain(shown(holiday, lang));

		// 3. The slot is on the offer's page and in the HSDS API, without the holiday.
		const hsds = (await (await fetch(`${base}/api/hsds/services/${offer.value}`)).json()) as unknown;
		const slots: { valid_from: string; valid_to: string; byday?: string }[] = [];
		const walk = (v: unknown, key = '') => {
			if (Array.isArray(v)) for (const x of v) (key === 'schedules' ? slots.push(x) : walk(x));
			else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
		};
		walk(hsds);
		// The offer's other slots (the demo's Tuesday hour) are on other weekdays.
		const code = ['MO', 'TU', 'WE', 'TH', 'FR'][weekday(holiday) - 1];
		const ranges = slots.filter((s) => s.byday?.split(',').includes(code)).map((s) => [s.valid_from, s.valid_to]);
		// Every slot of this booking starts on the weekday and lies in the series; none covers the holiday.
		expect(ranges.some(([a]) => a === firstDay)).toBe(true);
		expect(ranges.some(([, b]) => b === lastDay)).toBe(true);
		expect(ranges.some(([a, b]) => a <= holiday && holiday <= b)).toBe(false);
		const offerPage = await newPage(browser);
		await offerPage.goto(`${base}/${lang}/m/duesseldorf/o/${offer.value}`);
		await expectAccessible(offerPage);

		// 4. The course: one place left; a participant takes it, the next goes to the waiting list.
		await admin.goto(`${base}/${lang}/staff/hosting`);
		const courseHref = await admin.getAttribute('a[href*="/staff/hosting/events/"]:has-text("Deutschkurs")', 'href');
		const courseId = courseHref!.split('/').at(-1)!;
		await admin.goto(`${base}${courseHref}`);
		await expectAccessible(admin);
		// Raising the places moves the waiting list up first: raise until one place stays free.
		const confirmedNow = () => admin.$$eval('tbody tr', (rows, label) => rows.filter((r) => r.querySelectorAll('td')[2]?.textContent === label).length, t.ho_status_confirmed);
		for (let i = 0; i < 5; i++) {
			const before = await confirmedNow();
			await admin.fill('#capacity', String(before + 1));
			await admin.click('form[action="?/places"] button');
			await admin.waitForSelector('p.notice[role="status"]');
			if ((await confirmedNow()) === before) break;
		}

		const first = `erste-${lang}@example.org`;
		const second = `zweite-${lang}@example.org`;
		const p1 = await newPage(browser);
		await p1.goto(`${base}/${lang}/m/duesseldorf/events/${courseId}`);
		await expectAccessible(p1);
		expect(await p1.content()).toContain('"@type":"Event"');
		await p1.click('form.edit-form button[type="submit"]');
		await p1.waitForSelector('.error-summary');
		await expectAccessible(p1);
		await p1.fill('#name', 'Erste');
		await p1.selectOption('#language', lang);
		await p1.fill('#email', first);
		await p1.click('form.edit-form button[type="submit"]');
		await p1.waitForSelector('p.notice[role="status"]');
		expect(await p1.textContent('p.notice')).toBe(t.ho_registered);
		const p2 = await newPage(browser);
		await p2.goto(`${base}/${lang}/m/duesseldorf/events/${courseId}`);
		await p2.fill('#name', 'Zweite');
		await p2.selectOption('#language', lang);
		await p2.fill('#email', second);
		await p2.click('form.edit-form button[type="submit"]');
		await p2.waitForSelector('p.notice[role="status"]');
		expect(await p2.textContent('p.notice')).toContain(lang === 'de' ? 'Warteliste' : 'قائمة الانتظار');

		// 5. The first cancels through the emailed link; the second moves up and is told by email.
		const link = /https?:\/\/\S+\/hosting\/cancel\/[A-Za-z0-9_-]+/.exec(await newestMailTo(first))![0];
		const cancel = await newPage(browser);
		await cancel.goto(link.replace(/^https?:\/\/[^/]+/, base));
		await expectAccessible(cancel);
		await cancel.click('form button[type="submit"]');
		await cancel.waitForSelector('p.notice[role="status"]');
		expect(await cancel.textContent('p.notice')).toContain(lang === 'de' ? 'Danke' : 'شكرًا');
		await cancel.goto(link.replace(/^https?:\/\/[^/]+/, base));
		await cancel.click('form button[type="submit"]');
		await cancel.waitForSelector('p.notice[role="status"]');
		expect(await cancel.textContent('p.notice')).toContain(lang === 'de' ? 'bereits' : 'من قبل');
		expect(await newestMailTo(second)).toContain(lang === 'de' ? 'Sie sind jetzt angemeldet' : 'أنت الآن مسجّل');

		// 6. Attendance is taken.
		await admin.goto(`${base}${courseHref}`);
		await admin.fill('#count', '9');
		await admin.click('form[action="?/attendance"] button');
		await admin.waitForSelector('p.notice[role="status"]');
		await expectAccessible(admin);
	}, 180_000);

	it('shows the weekly plan without JavaScript, filtered by a GET form', async () => {
		const page = await newPage(browser, { javaScript: false });
		await page.goto(`${base}/${lang}/m/duesseldorf/calendar?week=${plus(iso(new Date()), 7)}`);
		expect(await page.content()).toContain('Deutschkurs A1');
		// An entry's languages are listed with the reader's separator (the Arabic comma in Arabic).
		const [sep, other] = lang === 'ar' ? ['، ', ', '] : [', ', '، '];
		const markup = (await page.content()).replace(/<!--.*?-->/g, '');
		expect(markup).toContain(`</bdi>${sep}<bdi lang=`);
		expect(markup).not.toContain(`</bdi>${other}<bdi lang=`);
		// Separators keep their spaces (the free-of-charge mark too).
		for (const meta of await page.$$eval('span.meta', (ss) => ss.map((s) => s.textContent ?? ''))) expect(meta).not.toMatch(/\S·|·\S/);
		await page.selectOption('#f-language', 'fa');
		await page.click('form.filters button[type="submit"]');
		await page.waitForURL(/language=fa/);
		expect(await page.content()).toContain('Deutschkurs A1');
		expect(await page.content()).not.toContain('Sprechstunde Jobcenter (Demo)');
		const withJs = await newPage(browser);
		await withJs.goto(page.url());
		await expectAccessible(withJs);
	});

	it('an event page lists the coming sessions, the past ones folded away', async () => {
		const t = texts(lang);
		const page = await newPage(browser);
		await page.goto(`${base}/${lang}/m/duesseldorf/calendar`);
		// The demo's homework help began weeks ago and runs on.
		await page.click('a[href*="/events/"]:has-text("Hausaufgabenhilfe (Demo)")');
		await page.waitForURL(/\/events\/[0-9a-f-]{36}$/);
		const upcoming = await page.$$eval('main > ul li', (li) => li.length);
		const past = await page.$$eval('details.past-sessions li', (li) => li.length);
		expect(upcoming).toBeGreaterThan(0);
		expect(past).toBeGreaterThan(0);
		expect(await page.textContent('h2')).toContain(String(upcoming));
		expect(await page.textContent('details.past-sessions summary')).toContain(String(past));
		expect(await page.isVisible('details.past-sessions li')).toBe(false);
		// Day and time are separated as the reader's language separates (the Arabic comma in Arabic).
		const first = (await page.textContent('main > ul li'))!;
		expect(first).toContain(lang === 'ar' ? '، ' : ', ');
		if (lang === 'ar') expect(first).not.toContain(', ');
		expect(await page.textContent('h2')).not.toBe(t.ho_sessions_none);
		await expectAccessible(page);
	});

	it('staff make a room and an event with a volunteer host, change its times for all dates, and cancel it; the calendars of a Welcome Point and a social space filter by target group and theme field', async () => {
		const hs = Object.fromEntries(
			Object.entries(JSON.parse(readFileSync(`messages/hosting-staff/${lang}.json`, 'utf8')) as Record<string, RawMessage>).map(([k, v]) => [k, typeof v === 'string' ? v : Object.values(v[0].match).at(-1)!])
		);
		const admin = await signIn(browser, 'admin.duesseldorf@example.org', lang);

		// A room: refused with the field named, then saved.
		await admin.goto(`${base}/${lang}/staff/hosting/rooms/new`);
		await expectAccessible(admin);
		const wp5 = (await admin.$$eval('select[name="instanceId"] option', (os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, label: o.textContent ?? '' })))).find((o) => o.label.includes('5'))!;
		await admin.selectOption('select[name="instanceId"]', wp5.value);
		await admin.fill('#name', `Testraum ${lang}`);
		await admin.fill('#capacity', '0');
		await admin.fill('#closures-0-from', '2030-01-02');
		await admin.fill('#closures-0-to', '2030-01-01');
		await admin.click('form[action="?/save"] button[type="submit"]');
		await admin.waitForSelector('.error-summary');
		expect(await admin.$$eval('.error-summary a', (as) => as.map((a) => a.getAttribute('href')))).toEqual(['#capacity', '#closures-0-from']);
		expect(await admin.textContent('.error-summary')).toContain(shown('2030-01-02', lang));
		await expectAccessible(admin);
		await admin.fill('#capacity', '12');
		await admin.fill('#closures-0-to', '');
		await admin.click('form[action="?/save"] button[type="submit"]');
		await admin.waitForURL(/\/staff\/hosting\/rooms\/[0-9a-f-]{36}\?saved=1/);
		expect(await admin.textContent('p.notice')).toBe(hs.hs_room_saved);
		await expectAccessible(admin);

		// An event in it with the demo volunteer as host.
		await admin.goto(`${base}/${lang}/staff/hosting/events/new`);
		await expectAccessible(admin);
		const roomOption = (await admin.$$eval('select[name="roomId"] option', (os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, label: o.textContent ?? '' })))).find((o) => o.label.includes(`Testraum ${lang}`))!;
		await admin.selectOption('select[name="roomId"]', roomOption.value);
		await admin.click('form[action="?/save"] button[type="submit"]');
		await admin.waitForSelector('.error-summary');
		await expectAccessible(admin);
		let day = plus(iso(new Date()), 8);
		while (weekday(day) > 5 || day.slice(5) === '12-25' || day.slice(5) === '12-26' || day.slice(5) === '01-01') day = plus(day, 1);
		await admin.selectOption('select[name="roomId"]', roomOption.value);
		await admin.fill('#firstDay', day);
		await admin.fill('#startTime', '10:00');
		await admin.fill('#endTime', '11:00');
		await admin.fill('#title', `Hausaufgabenhilfe ${lang}`);
		await admin.fill('#capacity', '5');
		await admin.check('input[name="targetGroups"][value="newcomers"]');
		await admin.check('input[name="themeFields"][value="education"]');
		await admin.locator('label.check', { hasText: 'Demo Ehrenamtliche' }).locator('input').check();
		await admin.click('form[action="?/save"] button[type="submit"]');
		await admin.waitForURL(/\/staff\/hosting\/events\/[0-9a-f-]{36}\?created=1/);
		const eventId = /events\/([0-9a-f-]{36})/.exec(admin.url())![1];
		await expectAccessible(admin);

		// The public page names the host by first name; the volunteer's own page lists the event.
		const pub = await newPage(browser);
		await pub.goto(`${base}/${lang}/m/duesseldorf/events/${eventId}`);
		expect(await pub.textContent('p.hosts')).toContain('Demo');
		expect(await pub.textContent('p.hosts')).not.toContain('Ehrenamtliche');
		const volunteer = await signIn(browser, 'ehrenamt.duesseldorf@example.org', lang);
		await volunteer.goto(`${base}/${lang}/volunteer`);
		expect(await volunteer.textContent('ul.hosting')).toContain(`Hausaufgabenhilfe ${lang}`);
		// Svelte trims the space at the start of an {#if} block: every separator keeps its spaces.
		expect(await volunteer.textContent('ul.hosting')).not.toMatch(/\S·|·\S/);
		await expectAccessible(volunteer);

		// The calendars of its Welcome Point and of a social space, without JavaScript, filtered.
		const plan = await newPage(browser, { javaScript: false });
		await plan.goto(`${base}/${lang}/m/duesseldorf/calendar?week=${day}`);
		expect(await plan.$$eval('#f-instance option', (os) => os.length)).toBeGreaterThan(1);
		// Filtered to a Welcome Point, the city's plan links to that Welcome Point's own plan.
		await plan.selectOption('#f-instance', { label: 'Welcome Point Stadtbezirk 5 (Demo)' });
		await plan.click('form.filters button[type="submit"]');
		await plan.waitForURL(/instance=/);
		expect(await plan.$(`a[href="/${lang}/m/duesseldorf/calendar/instance/welcome-point-5"]`)).not.toBeNull();
		await plan.goto(`${base}/${lang}/m/duesseldorf/calendar/instance/welcome-point-5?week=${day}`);
		expect(await plan.content()).toContain(`Hausaufgabenhilfe ${lang}`);
		expect(await plan.$('#f-instance')).toBeNull();
		await plan.selectOption('#f-theme', 'housing');
		await plan.click('form.filters button[type="submit"]');
		await plan.waitForURL(/theme=housing/);
		expect(await plan.content()).not.toContain(`Hausaufgabenhilfe ${lang}`);
		await plan.selectOption('#f-theme', 'education');
		await plan.selectOption('#f-group', 'newcomers');
		await plan.click('form.filters button[type="submit"]');
		await plan.waitForURL(/group=newcomers/);
		expect(await plan.content()).toContain(`Hausaufgabenhilfe ${lang}`);
		const withJs = await newPage(browser);
		await withJs.goto(plan.url());
		await expectAccessible(withJs);
		await withJs.goto(`${base}/${lang}/m/duesseldorf/calendar?week=${day}`);
		const feeds = () => withJs.$$eval('a[href^="/api/hosting/instances/"]', (as) => as.length);
		const allFeeds = await feeds();
		// A social space's plan offers the feeds of the Welcome Points serving it only: none for a
		// space no Welcome Point serves, fewer than the whole plan's for one that is served.
		const spaces = await withJs.$$eval('#f-space option', (os) => (os as HTMLOptionElement[]).map((o) => o.value).filter(Boolean));
		const feedCount = async (id: string) => ((await (await fetch(`${base}/${lang}/m/duesseldorf/calendar/space/${id}?week=${day}`)).text()).match(/href="\/api\/hosting\/instances\//g) ?? []).length;
		const counts = [];
		for (const id of spaces) {
			counts.push(await feedCount(id));
			if (counts.some((n) => n > 0) && counts.includes(0)) break;
		}
		expect(Math.max(...counts)).toBeGreaterThan(0);
		expect(Math.max(...counts)).toBeLessThan(allFeeds);
		expect(Math.min(...counts)).toBe(0);
		const space = spaces[counts.findIndex((n) => n > 0)];
		await withJs.goto(`${base}/${lang}/m/duesseldorf/calendar/space/${space}?week=${day}`);
		expect(await withJs.$('h1')).not.toBeNull();
		expect(await withJs.$('#f-space')).toBeNull();
		await expectAccessible(withJs);
		expect((await fetch(`${base}/${lang}/m/duesseldorf/calendar/space/00000000-0000-0000-0000-000000000000`)).status).toBe(404);

		// Its booking: this-date edits are refused for an own event, all dates change; then the whole event is cancelled.
		await admin.goto(`${base}/${lang}/staff/hosting/events/${eventId}`);
		await admin.fill('form[action="?/details"] #title', `Hausaufgabenhilfe ${lang}!`);
		await admin.click('form[action="?/details"] button[type="submit"]');
		await admin.waitForSelector('p.notice[role="status"]');
		expect(await admin.textContent('body')).toContain(hs.hs_details_saved);
		await expectAccessible(admin);
		await admin.click(`a:has-text("${hs.hs_event_booking_link}")`);
		await admin.waitForURL(/\/staff\/hosting\/bookings\//);
		await expectAccessible(admin);
		expect(await admin.$$eval('input[name="scope"]', (is) => is.map((i) => (i as HTMLInputElement).value))).toEqual(['all']);
		// A refused edit keeps what was typed.
		await admin.fill('#startTime', '10:30');
		await admin.fill('#endTime', '09:00');
		await admin.click('form[action="?/edit"] button[type="submit"]');
		await admin.waitForSelector('.error-summary');
		expect([await admin.inputValue('#startTime'), await admin.inputValue('#endTime')]).toEqual(['10:30', '09:00']);
		await expectAccessible(admin);
		await admin.fill('#startTime', '10:30');
		await admin.fill('#endTime', '11:30');
		await admin.click('form[action="?/edit"] button[type="submit"]');
		await admin.waitForSelector('p.notice[role="status"]');
		expect(await admin.textContent('p.notice')).toContain(hs.hs_edit_saved);
		await admin.click('form[action="?/cancelEvent"] button');
		await admin.waitForSelector('p.notice[role="status"]');
		expect(await admin.textContent('body')).toContain(hs.hs_booking_is_cancelled);
		await expectAccessible(admin);
	}, 180_000);
});
