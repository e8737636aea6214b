/**
 * Ehrenamt's operator command: one run of both background jobs by hand (docs/volunteering.md),
 * e.g. after moving the clock with `--now` to see the Führungszeugnis record and dormant
 * profiles deleted. Prints counts only, never names.
 */
import { instantOption, type CliCommand } from '../core/command';

export const commands: CliCommand[] = [
	{
		name: 'volunteering run',
		help: `volunteering run [--now ISO-DATE]
    Ehrenamt jobs once: accompaniment requests → needs, shift reminders, care messages, then
    deletion of lapsed Führungszeugnis records and dormant profiles (after their notice);
    prints counts. --now moves the clock (testing)`,
		options: { now: { type: 'string' } },
		async run({ values, withDatabase }) {
			const now = instantOption(values, 'now') ?? new Date();
			const { runVolunteeringMessages, runVolunteeringRetention } = await import('./jobs');
			await withDatabase(async (h) => {
				const counts = { ...(await runVolunteeringMessages(h.db, now)), ...(await runVolunteeringRetention(h.db, now)) };
				for (const [key, n] of Object.entries(counts)) console.log(`${key}: ${n}`);
			});
		}
	}
];
