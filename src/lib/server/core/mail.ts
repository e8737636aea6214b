/**
 * Outgoing mail through nodemailer: SMTP when `SMTP_URL` is set, otherwise each message is
 * written as an RFC 5322 `.eml` file to `<DATA_DIR>/outbox/` (development and tests read it there).
 *
 * Mails are written in their recipient's language (issue 12 §4): `mailLanguages` picks it, with
 * German beside it where an office reads along, and `composeMail` puts the versions in one
 * message — plain text, and an HTML alternative whose blocks carry their language and direction.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { readConfig } from './config';
import { directionOfLang } from './direction';

/**
 * A message: plain text, optionally an HTML alternative and its languages (`Content-Language`),
 * attachments and extra headers.
 */
export interface Mail {
	to: string;
	subject: string;
	text: string;
	/** Files sent with the message, e.g. a meeting invitation's `text/calendar` part. */
	attachments?: { filename: string; content: string; contentType: string }[];
	/** Extra headers, e.g. `List-Unsubscribe` and `List-Unsubscribe-Post` (RFC 8058) of a digest. */
	headers?: Record<string, string>;
	html?: string;
	/** BCP 47 tags, comma-separated, e.g. `ar, de`. */
	language?: string;
}

/** One language version of a message. */
export interface MailVersion {
	lang: string;
	subject: string;
	text: string;
}

/**
 * The languages a mail is written in: the recipient's (`preferred`, else each of `fallbacks` in
 * turn) where the platform has it, else German; with `withGerman`, German beside it.
 * @param supported the platform's languages (the UI locales).
 * @returns one or two tags, the recipient's first.
 */
export function mailLanguages(preferred: (string | null | undefined)[], supported: readonly string[], withGerman: boolean): string[] {
	const primary = preferred.map((tag) => tag?.toLowerCase().split('-')[0]).find((tag): tag is string => !!tag && supported.includes(tag)) ?? 'de';
	return withGerman && primary !== 'de' ? [primary, 'de'] : [primary];
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Plain text as HTML paragraphs; links clickable, kept left to right inside right-to-left text,
 * and broken anywhere: a 43-character token would otherwise run off a phone's screen.
 */
function textToHtml(text: string): string {
	return text
		.split(/\n{2,}/)
		.map((para) => {
			const html = escapeHtml(para)
				.replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}" dir="ltr" style="overflow-wrap:anywhere;word-break:break-all">${url}</a>`)
				.replace(/\n/g, '<br>');
			return `<p>${html}</p>`;
		})
		.join('\n');
}

/**
 * One message in one or more languages, the recipient's first: subjects joined by " / ", the
 * plain texts one after the other under a rule, and an HTML alternative in which each version
 * is a block with its `lang` and `dir`, so mail programs show Arabic and Farsi right to left.
 */
export function composeMail(to: string, versions: MailVersion[]): Mail {
	const seen = new Set<string>();
	const unique = versions.filter((v) => !seen.has(v.lang) && seen.add(v.lang));
	const blocks = unique.map((v) => `<div lang="${escapeHtml(v.lang)}" dir="${directionOfLang(v.lang)}">\n${textToHtml(v.text)}\n</div>`);
	return {
		to,
		subject: unique.map((v) => v.subject).join(' / '),
		text: unique.map((v) => v.text).join('\n\n――――――――――\n\n'),
		html: `<!DOCTYPE html>\n<html lang="${escapeHtml(unique[0]?.lang ?? 'de')}">\n<head><meta charset="utf-8"></head>\n<body>\n${blocks.join('\n<hr>\n')}\n</body>\n</html>\n`,
		language: unique.map((v) => v.lang).join(', ')
	};
}

/** The outbox folder used when no SMTP server is configured. */
function outboxDir(): string {
	return path.join(readConfig().dataDir, 'outbox');
}

/** Sends a message (or files it in the outbox). @throws on SMTP failure. */
export async function sendMail(mail: Mail): Promise<void> {
	const config = readConfig();
	const message = {
		from: config.mailFrom,
		to: mail.to,
		subject: mail.subject,
		text: mail.text,
		...(mail.html ? { html: mail.html } : {}),
		...(mail.attachments ? { attachments: mail.attachments } : {}),
		headers: { ...(mail.language ? { 'Content-Language': mail.language } : {}), ...mail.headers }
	};
	if (config.smtpUrl) {
		await nodemailer.createTransport(config.smtpUrl).sendMail(message);
		return;
	}
	const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
	const info = await transport.sendMail(message);
	const dir = outboxDir();
	await mkdir(dir, { recursive: true });
	const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${info.messageId.replace(/[^a-zA-Z0-9]/g, '').slice(0, 16)}.eml`;
	await writeFile(path.join(dir, name), info.message as Buffer);
}

/** Messages in the outbox, oldest first, as raw RFC 5322 text with their file names. */
export async function readOutbox(): Promise<{ file: string; raw: string }[]> {
	const dir = outboxDir();
	let files: string[];
	try {
		files = (await readdir(dir)).filter((f) => f.endsWith('.eml')).sort();
	} catch {
		return [];
	}
	return Promise.all(files.map(async (file) => ({ file, raw: await readFile(path.join(dir, file), 'utf8') })));
}

/**
 * The origin absolute links in mails start with: `ORIGIN` (adapter-node's setting) without a
 * trailing slash, else `http://localhost:<PORT>` (3000), as `npm start` serves it.
 */
export function publicOrigin(): string {
	return (process.env.ORIGIN || `http://localhost:${process.env.PORT || 3000}`).replace(/\/+$/, '');
}
