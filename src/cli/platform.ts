/** The platform's own operator commands: migrations, the demo, backups, the mail outbox. */
import { readConfig } from '../lib/server/core/config';
import { required, type CliCommand } from '../lib/server/core/command';

export const commands: CliCommand[] = [
	{
		name: 'migrate',
		help: 'migrate                                   apply pending migrations',
		async run({ withDatabase }) {
			await withDatabase(async () => console.log('migrations applied'));
		}
	},
	{
		name: 'demo',
		help: 'demo                                      load the demo municipalities (idempotent)',
		async run({ withDatabase }) {
			const { loadDemo } = await import('../lib/server/demo/load');
			await withDatabase(async (h) => console.log(`demo loaded; ${(await loadDemo(h.db)).length} demo logins`));
		}
	},
	{
		name: 'backup',
		help: 'backup --out FILE                         write a pg_dump-format SQL dump',
		options: { out: { type: 'string' } },
		async run({ values, withDatabase }) {
			const out = required(values, 'out');
			const { backupDatabase } = await import('../lib/server/db/backup');
			await withDatabase(async (h) => backupDatabase(h, out));
			console.log(`backup written to ${out}`);
		}
	},
	{
		name: 'restore',
		help: 'restore --in FILE                         restore a dump into an empty DATA_DIR (or DATABASE_URL via psql)',
		options: { in: { type: 'string' } },
		async run({ values }) {
			const config = readConfig();
			const { restoreDatabase } = await import('../lib/server/db/backup');
			process.umask(0o077);
			await restoreDatabase({ url: config.databaseUrl, dataDir: config.dataDir, file: required(values, 'in') });
			console.log('restored');
		}
	},
	{
		name: 'outbox',
		help: 'outbox                                    list mails written to DATA_DIR/outbox (no SMTP_URL set)',
		async run() {
			const { readOutbox } = await import('../lib/server/core/mail');
			for (const mail of await readOutbox()) console.log(`--- ${mail.file}\n${mail.raw}`);
		}
	}
];
