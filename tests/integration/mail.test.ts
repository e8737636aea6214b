/**
 * Mails in the recipient's language (issue 12 §4) and partner links that arrive (§7): every
 * message the outbox holds is read back with postal-mime, an RFC 5322/MIME parser someone else
 * wrote, so the headers, the encoded subject and both alternatives are what a mail program sees.
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/lib/server/access';
import { requestPasswordReset } from '../../src/lib/server/accounts/reset';
import { userAccount } from '../../src/lib/server/accounts/schema';
import { listAudit } from '../../src/lib/server/audit/service';
import { issueReferral, listReferrals, mailPartnerLink, resolvePartnerLink, updateReferralByToken, type PartnerMailTexts } from '../../src/lib/server/casework/referrals';
import { RETENTION_PRINCIPAL, runRetention } from '../../src/lib/server/casework/retention';
import { referralMail } from '../../src/lib/server/casework/schema';
import { AccessDeniedError, ValidationError } from '../../src/lib/server/core/errors';
import { composeMail, mailLanguages, readOutbox } from '../../src/lib/server/core/mail';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { propose, rejectProposal, publishProposal, type DecisionMailTexts } from '../../src/lib/server/directory/proposals';
import { saveOrganization, saveService } from '../../src/lib/server/directory/service';
import { originalText } from '../../src/lib/server/directory/texts';
import { sendVerificationLink } from '../../src/lib/server/directory/verification';
import { m } from '../../src/lib/paraglide/messages.js';
import { locales, type Locale } from '../../src/lib/paraglide/runtime.js';
import { DB_KIND, countRows, freshDatabase } from '../helpers/db';
import { offer, org } from '../helpers/directory';
import { buildWorld, type World } from '../helpers/world';
import { tempDir } from '../helpers/tmp';

process.env.DATA_DIR = tempDir('anl-mail-');
process.env.CASE_KEYS = `t1:${randomBytes(32).toString('base64')}`;

let h: DatabaseHandle;
let w: World;
const T = systemPrincipal('test');
const ORIGIN = 'https://anlaufstelle.example';

/** The messages of the outbox sent to `to`, oldest first, as a mail program parses them. */
async function mailsTo(to: string) {
	const parsed = await Promise.all((await readOutbox()).map((f) => PostalMime.parse(f.raw)));
	return parsed.filter((p) => p.to?.some((a) => a.address === to));
}

/** The one message sent to `to`. */
async function onlyMailTo(to: string) {
	const mails = await mailsTo(to);
	expect(mails).toHaveLength(1);
	return mails[0];
}

const header = (mail: Awaited<ReturnType<typeof PostalMime.parse>>, key: string) => mail.headers.find((x) => x.key === key)?.value;

/** The reset mail's texts as the forgot-password page supplies them. */
const RESET_TEXTS = (locale: string) => ({
	subject: m.reset_mail_subject({}, { locale: locale as Locale }),
	body: (link: string) => m.reset_mail_body({ link }, { locale: locale as Locale })
});

/** The verification mail's texts as the staff directory page supplies them. */
const LINK_TEXTS = (locale: string) => ({
	subject: m.ds_link_mail_subject({}, { locale: locale as Locale }),
	body: (link: string, name: string) => m.ds_link_mail_body({ link, name, expires: '31.12.2026' }, { locale: locale as Locale })
});

/** The partner-link mail as the referrals page supplies it (topic as key, to keep it short). */
const PARTNER_TEXTS: PartnerMailTexts = (locale, f) => ({
	subject: m.out_referral_mail_subject({ code: f.referenceCode, instance: f.instance }, { locale: locale as Locale }),
	body: m.out_referral_mail_body({ instance: f.instance, topic: f.topic, code: f.referenceCode, link: f.link, expires: f.expires.toISOString() }, { locale: locale as Locale })
});

/** The decision mails as the proposal page supplies them. */
const DECISION: Record<'published' | 'rejected', DecisionMailTexts> = {
	published: (locale, { entry }) => ({ subject: m.out_proposal_published_subject({ entry }, { locale: locale as Locale }), body: m.out_proposal_published_body({ entry }, { locale: locale as Locale }) }),
	rejected: (locale, { entry, note }) => ({ subject: m.out_proposal_rejected_subject({ entry }, { locale: locale as Locale }), body: m.out_proposal_rejected_body({ entry, note }, { locale: locale as Locale }) })
};

beforeAll(async () => {
	h = await freshDatabase();
	w = await buildWorld(h.db);
});
afterAll(() => h?.close());

describe('composing a mail in several languages', () => {
	it('picks the recipient’s language, else the next one the platform has, else German; German beside it on request', () => {
		expect(mailLanguages(['ar-SY', 'tr'], locales, true)).toEqual(['ar', 'de']);
		expect(mailLanguages([null, 'prs', 'uk'], locales, false)).toEqual(['uk']);
		expect(mailLanguages(['sq', undefined], locales, true)).toEqual(['de']);
		expect(mailLanguages(['de'], locales, true)).toEqual(['de']);
	});

	it('writes one message a mail program reads: subjects joined, each HTML block with its language and direction, the link left to right', async () => {
		const mail = composeMail('x@example.org', [
			{ lang: 'fa', subject: 'پیوند', text: 'سلام <دنیا>\n\nhttps://a.example/fa/r/abc' },
			{ lang: 'de', subject: 'Link', text: 'Hallo' },
			{ lang: 'de', subject: 'doppelt', text: 'doppelt' }
		]);
		expect(mail.subject).toBe('پیوند / Link');
		expect(mail.language).toBe('fa, de');
		const parsed = await PostalMime.parse(`To: x@example.org\r\nSubject: t\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${mail.html}`);
		expect(parsed.html).toContain('<div lang="fa" dir="rtl">');
		expect(parsed.html).toContain('<div lang="de" dir="ltr">');
		expect(parsed.html).toContain('&#60;دنیا&#62;');
		expect(parsed.html).toContain('<a href="https://a.example/fa/r/abc" dir="ltr" style="overflow-wrap:anywhere;word-break:break-all">');
		expect(mail.text).not.toContain('doppelt');
	});
});

describe(`password reset mail (${DB_KIND})`, () => {
	async function reset(email: string, locale: string, ip: string) {
		const r = await requestPasswordReset(h.db, { email, ip, locale, linkFor: (token, lang) => `${ORIGIN}/${lang}/password/reset/${token}`, texts: RESET_TEXTS });
		if (r.status === 'accepted') await r.delivery;
	}

	it('is in the account’s language, whatever page the request came from, the link opening that language', async () => {
		await h.db.update(userAccount).set({ preferredLocale: 'ar' }).where(eq(userAccount.id, w.who.staffA.userId));
		await reset('staffa@example.org', 'de', '10.9.0.1');
		const mail = await onlyMailTo('staffa@example.org');
		expect(mail.subject).toBe(m.reset_mail_subject({}, { locale: 'ar' }));
		expect(mail.text).toMatch(new RegExp(`${ORIGIN}/ar/password/reset/[A-Za-z0-9_-]{43}`));
		expect(mail.html).toContain('<html lang="ar">');
		expect(mail.html).toContain('dir="rtl"');
		expect(header(mail, 'content-language')).toBe('ar');
	});

	it('is in the language of the page when the account has none', async () => {
		await reset('staffb@example.org', 'uk', '10.9.0.2');
		const mail = await onlyMailTo('staffb@example.org');
		expect(mail.subject).toBe(m.reset_mail_subject({}, { locale: 'uk' }));
		expect(mail.text).toContain(`${ORIGIN}/uk/password/reset/`);
		expect(mail.html).toContain('<div lang="uk" dir="ltr">');
	});
});

describe(`verification mail to a provider (${DB_KIND})`, () => {
	it('is in the language the entry was written in, with German beside it', async () => {
		const { id: orgId } = await saveOrganization(h.db, T, w.ids.k, org({ name: 'Türkischer Elternverein', description: originalText('tr', 'Veli danışmanlığı'), email: 'veli@dernek.example' }));
		await sendVerificationLink(h.db, w.who.admin, 'organization', orgId, { linkFor: (token, lang) => `${ORIGIN}/${lang}/verify/${token}`, texts: LINK_TEXTS });
		const mail = await onlyMailTo('veli@dernek.example');
		expect(mail.subject).toBe(`${m.ds_link_mail_subject({}, { locale: 'tr' })} / ${m.ds_link_mail_subject({}, { locale: 'de' })}`);
		expect(header(mail, 'content-language')).toBe('tr, de');
		const link = mail.text!.match(new RegExp(`${ORIGIN}/tr/verify/[A-Za-z0-9_-]+`))![0];
		// Both versions carry the same link: one token per mail.
		expect(mail.text!.split(link)).toHaveLength(3);
		expect(mail.text).toContain('Türkischer Elternverein');
		expect(mail.html).toContain('<div lang="tr" dir="ltr">');
		expect(mail.html).toContain('<div lang="de" dir="ltr">');
	});

	it('is German only for an entry written in German', async () => {
		const { id: orgId } = await saveOrganization(h.db, T, w.ids.k, org({ name: 'Bürgerverein Vingst', email: 'info@vingst.example' }));
		await sendVerificationLink(h.db, w.who.admin, 'organization', orgId, { linkFor: (token, lang) => `${ORIGIN}/${lang}/verify/${token}`, texts: LINK_TEXTS });
		const mail = await onlyMailTo('info@vingst.example');
		expect(mail.subject).toBe(m.ds_link_mail_subject({}, { locale: 'de' }));
		expect(header(mail, 'content-language')).toBe('de');
	});
});

describe(`decision mail to a proposer (${DB_KIND})`, () => {
	it('tells the proposer in their language, the reviewer’s note included when rejected, and published ones too', async () => {
		await h.db.update(userAccount).set({ preferredLocale: 'fa' }).where(eq(userAccount.id, w.who.partner.userId));
		const rejected = await propose(h.db, w.who.partner, w.ids.k, 'organization', null, org({ name: 'Nachbarschaftscafé Porz' }));
		await rejectProposal(h.db, w.who.admin, rejected, 'Gibt es schon als Eintrag.', DECISION.rejected);
		let mails = await mailsTo('partner@example.org');
		expect(mails).toHaveLength(1);
		expect(mails[0].subject).toBe(m.out_proposal_rejected_subject({ entry: 'Nachbarschaftscafé Porz' }, { locale: 'fa' }));
		// The note, in its own words and language, is isolated: it keeps its order in the Farsi text.
		expect(mails[0].text).toContain('\u2068Gibt es schon als Eintrag.\u2069');
		expect(mails[0].html).toContain('<div lang="fa" dir="rtl">');

		const published = await propose(h.db, w.who.partner, w.ids.k, 'organization', null, org({ name: 'Nähcafé Kalk' }));
		await publishProposal(h.db, w.who.admin, published, DECISION.published);
		mails = await mailsTo('partner@example.org');
		expect(mails.map((x) => x.subject)).toContain(m.out_proposal_published_subject({ entry: 'Nähcafé Kalk' }, { locale: 'fa' }));
	});

	it('sends nothing to a disabled account, and the decision stands', async () => {
		const before = (await mailsTo('volunteer@example.org')).length;
		const id = await propose(h.db, w.who.partner, w.ids.k, 'organization', null, org({ name: 'Sprachcafé Humboldt' }));
		await h.db.update(userAccount).set({ disabledAt: new Date() }).where(eq(userAccount.id, w.who.partner.userId));
		const mailsBefore = (await mailsTo('partner@example.org')).length;
		await rejectProposal(h.db, w.who.admin, id, 'Doppelt.', DECISION.rejected);
		expect((await mailsTo('partner@example.org')).length).toBe(mailsBefore);
		expect((await mailsTo('volunteer@example.org')).length).toBe(before);
		await h.db.update(userAccount).set({ disabledAt: null }).where(eq(userAccount.id, w.who.partner.userId));
	});
});

describe(`partner link mail (${DB_KIND})`, () => {
	const T0 = new Date('2026-03-02T09:00:00Z');
	const mail = (id: string, now = T0, principal = w.who.staffA) =>
		mailPartnerLink(h.db, principal, id, { linkFor: (token, lang) => `${ORIGIN}/${lang}/r/${token}`, texts: PARTNER_TEXTS, now });

	/** An offer written in Turkish whose address is `email`, and a referral to it issued at T0. */
	async function referToOffer(email: string, lang = 'tr') {
		const { id: orgId } = await saveOrganization(h.db, T, w.ids.k, org({ name: `Träger ${email}` }));
		const { id: serviceId } = await saveService(h.db, T, w.ids.k, { ...offer(orgId, { email, name: originalText(lang, 'Almanca kursu') }), locations: [], schedules: [] });
		return issueReferral(h.db, w.who.staffA, { districtId: null, instanceId: w.ids.a, serviceId, topic: 'language_course' }, T0);
	}

	it('mails the link in the partner’s language with German beside it; the mailed link and the slip’s both work, and it can be sent again', async () => {
		const { referral: r, token: slipToken } = await referToOffer('kurs@tr-verein.example');
		const sent = await mail(r.id);
		expect(sent).toEqual({ email: 'kurs@tr-verein.example', languages: ['tr', 'de'] });
		const first = await onlyMailTo('kurs@tr-verein.example');
		expect(first.subject).toBe(
			`${m.out_referral_mail_subject({ code: r.referenceCode!, instance: 'WP Kalk' }, { locale: 'tr' })} / ${m.out_referral_mail_subject({ code: r.referenceCode!, instance: 'WP Kalk' }, { locale: 'de' })}`
		);
		expect(header(first, 'content-language')).toBe('tr, de');
		const token = first.text!.match(new RegExp(`${ORIGIN}/tr/r/([A-Za-z0-9_-]{43})`))![1];
		expect(token).not.toBe(slipToken);
		const viaMail = await resolvePartnerLink(h.db, token, T0);
		expect(viaMail.status).toBe('valid');
		expect(viaMail.status === 'valid' && viaMail.referral.id).toBe(r.id);
		expect((await resolvePartnerLink(h.db, slipToken, T0)).status).toBe('valid');

		// Sent again: a new token; the first one keeps working, the list shows when it went out.
		await mail(r.id, new Date(T0.getTime() + 3_600_000));
		const both = await mailsTo('kurs@tr-verein.example');
		expect(both).toHaveLength(2);
		const second = both[1].text!.match(/\/tr\/r\/([A-Za-z0-9_-]{43})/)![1];
		expect(second).not.toBe(token);
		expect((await resolvePartnerLink(h.db, second, T0)).status).toBe('valid');
		expect((await resolvePartnerLink(h.db, token, T0)).status).toBe('valid');
		const listed = (await listReferrals(h.db, w.who.staffA, w.ids.a, {}, T0)).find((x) => x.id === r.id)!;
		expect(listed.mailedAt?.toISOString()).toBe(new Date(T0.getTime() + 3_600_000).toISOString());
		// The partner reports through the mailed link as through the slip's.
		expect((await updateReferralByToken(h.db, second, { status: 'received' }, T0)).status).toBe('received');

		// Audited without the address; nothing about the person is in the mail.
		const audit = await listAudit(h.db, T, { entityType: 'referral', entityId: r.id, limit: 5 });
		const sends = audit.filter((a) => a.action === 'send_partner_link');
		expect(sends).toHaveLength(2);
		expect(JSON.stringify(sends)).not.toContain('tr-verein.example');
	});

	it('is German only for a partner whose entry is in German, and goes to the actor’s address when the offer has none', async () => {
		const { id: orgId } = await saveOrganization(h.db, T, w.ids.k, org({ name: 'AWO Kalk', email: 'info@awo-kalk.example' }));
		const { id: serviceId } = await saveService(h.db, T, w.ids.k, { ...offer(orgId), locations: [], schedules: [] });
		const { referral: r } = await issueReferral(h.db, w.who.staffA, { districtId: null, instanceId: w.ids.a, serviceId, topic: 'language_course' }, T0);
		expect(await mail(r.id)).toEqual({ email: 'info@awo-kalk.example', languages: ['de'] });
		const got = await onlyMailTo('info@awo-kalk.example');
		expect(got.text).toContain(`${ORIGIN}/de/r/`);
		expect(got.subject).not.toContain(' / ');
	});

	it('refuses a partner without an address, an expired or completed link, and staff of another instance — writing nothing', async () => {
		const before = { mails: await countRows(h, 'referral_mail'), outbox: (await readOutbox()).length };
		const { referral: noAddress } = await issueReferral(h.db, w.who.staffA, { districtId: null, instanceId: w.ids.a, serviceId: w.ids.offer, topic: 'language_course' }, T0);
		const none = await mail(noAddress.id).catch((e) => e);
		expect(none).toBeInstanceOf(ValidationError);
		expect(none.issues).toEqual([{ field: 'referral', code: 'no_partner_email' }]);

		const { referral: r } = await referToOffer('spaet@tr-verein.example');
		const expired = await mail(r.id, new Date(r.expiresAt.getTime() + 1000)).catch((e) => e);
		expect(expired.issues).toEqual([{ field: 'referral', code: 'link_unusable' }]);
		expect(await mail(r.id, T0, w.who.staffB).catch((e) => e)).toBeInstanceOf(AccessDeniedError);
		expect(await countRows(h, 'referral_mail')).toBe(before.mails);
		expect((await readOutbox()).length).toBe(before.outbox);
	});

	it('leaves no token and no audit entry when the mail cannot be sent', async () => {
		const { referral: r } = await referToOffer('nie@tr-verein.example');
		const before = { mails: await countRows(h, 'referral_mail'), audit: await countRows(h, 'audit_log') };
		process.env.SMTP_URL = 'smtp://127.0.0.1:1';
		try {
			expect(await mail(r.id).catch((e) => e)).toBeInstanceOf(Error);
		} finally {
			delete process.env.SMTP_URL;
		}
		expect(await countRows(h, 'referral_mail')).toBe(before.mails);
		expect(await countRows(h, 'audit_log')).toBe(before.audit);
		expect(await h.db.select().from(referralMail).where(eq(referralMail.referralId, r.id))).toEqual([]);
	});

	it('stops working when the Löschplan erases the referral’s tokens: the mailed tokens go with the slip’s', async () => {
		const { referral: r } = await referToOffer('alt@tr-verein.example');
		await mail(r.id);
		const token = (await onlyMailTo('alt@tr-verein.example')).text!.match(/\/r\/([A-Za-z0-9_-]{43})/)![1];
		expect((await resolvePartnerLink(h.db, token, T0)).status).toBe('valid');
		await runRetention(h.db, RETENTION_PRINCIPAL, { now: new Date(r.expiresAt.getTime() + 86_400_000), municipalityId: w.ids.k });
		expect(await h.db.select().from(referralMail).where(eq(referralMail.referralId, r.id))).toEqual([]);
		expect((await resolvePartnerLink(h.db, token, T0)).status).toBe('unknown');
	});
});
