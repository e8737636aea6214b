import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeViolations, launch, signIn } from '../helpers/browser';

const base = inject('baseUrl');
let browser: Browser;
const de = JSON.parse(readFileSync('messages/casework-retention/de.json', 'utf8'));
const ar = JSON.parse(readFileSync('messages/casework-retention/ar.json', 'utf8'));

beforeAll(async () => {
	browser = await launch();
});
afterAll(() => browser?.close());


describe('casework settings and deletion schedule (admin)', () => {
	it('an administrator sees the Löschplan, gets field-named errors, saves and runs the job', async () => {
		const page = await signIn(browser, 'admin.koeln@example.org');
		await page.goto(`${base}/de/admin`);
		await page.click('a[href="/de/admin/casework"]');
		await page.waitForURL(`${base}/de/admin/casework`);
		expect(await axeViolations(page)).toEqual([]);
		expect(await page.textContent('.rt-plan')).toContain('Art. 17');

		await page.fill('#caseMonthsAfterClosure', '121');
		await page.fill('#referralTokenDays', '');
		await page.click('form[action="?/save"] button[type="submit"]');
		await expect.poll(() => page.textContent('#caseMonthsAfterClosure-error')).toBe(de.rt_error_out_of_range.replace('{min}', '0').replace('{max}', '120'));
		expect(await page.textContent('.error-summary')).toContain(de.rt_field_referralTokenDays);
		expect(await page.getAttribute('#caseMonthsAfterClosure', 'aria-invalid')).toBe('true');
		expect(await axeViolations(page)).toEqual([]);

		await page.fill('#caseMonthsAfterClosure', '3');
		await page.fill('#referralTokenDays', '60');
		await page.uncheck('input[name="contactAttributes"][value="household_type"]');
		await page.click('form[action="?/save"] button[type="submit"]');
		await page.waitForURL(/saved=1/);
		expect(await page.inputValue('#caseMonthsAfterClosure')).toBe('3');
		expect(await page.isChecked('input[name="contactAttributes"][value="household_type"]')).toBe(false);
		expect(await page.textContent('.rt-plan')).toContain('3');

		await page.click('form[action="?/run"] button[type="submit"]');
		await expect.poll(() => page.textContent('p.notice[role="status"]')).toContain(de.rt_ran.slice(0, 20));
		expect(await page.textContent('#runs-caption')).toBe(de.rt_runs_caption);
		await page.close();
	});

	it('is accessible in Arabic, and closed to instance staff', async () => {
		const page = await signIn(browser, 'admin.duesseldorf@example.org', 'ar');
		await page.goto(`${base}/ar/admin/casework`);
		expect(await page.textContent('h1')).toBe(ar.rt_title);
		expect(await axeViolations(page)).toEqual([]);
		await page.close();
		const staff = await signIn(browser, 'kalk@example.org');
		const res = await staff.goto(`${base}/de/admin/casework`);
		expect(res?.status()).toBe(403);
		await staff.close();
	});
});
