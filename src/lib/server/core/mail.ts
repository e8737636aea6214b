/**
 * Outgoing mail through nodemailer: SMTP when `SMTP_URL` is set, otherwise each message is
 * written as an RFC 5322 `.eml` file to `<DATA_DIR>/outbox/` (development and tests read it there).
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { readConfig } from './config';

/** A plain-text message, optionally with attachments and extra headers. */
export interface Mail {
	to: string;
	subject: string;
	text: string;
	/** Files sent with the message, e.g. a meeting invitation's `text/calendar` part. */
	attachments?: { filename: string; content: string; contentType: string }[];
	/** Extra headers, e.g. `List-Unsubscribe` and `List-Unsubscribe-Post` (RFC 8058) of a digest. */
	headers?: Record<string, string>;
}

/** The outbox folder used when no SMTP server is configured. */
function outboxDir(): string {
	return path.join(readConfig().dataDir, 'outbox');
}

/** Sends a message (or files it in the outbox). @throws on SMTP failure. */
export async function sendMail(mail: Mail): Promise<void> {
	const config = readConfig();
	const message = { from: config.mailFrom, to: mail.to, subject: mail.subject, text: mail.text, attachments: mail.attachments, headers: mail.headers };
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
