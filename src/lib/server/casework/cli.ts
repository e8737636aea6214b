/**
 * Casework's operator commands: key rotation of the encrypted case texts, and the deletion
 * schedule (run as the system principal `retention`, the label its audit rows always had).
 */
import { instantOption, optional, type CliCommand } from '../core/command';

export const commands: CliCommand[] = [
	{
		name: 'keys rotate',
		help: `keys rotate                               key file: add a new current key, re-encrypt every case
                                          value in one transaction, drop the old keys;
                                          CASE_KEYS: re-encrypt to the last key, list unused old ids`,
		async run({ withDatabase }) {
			const { rotateKeys } = await import('./rotation');
			await withDatabase(async (h) => {
				const report = await rotateKeys(h.db);
				for (const [column, n] of Object.entries(report.reencrypted)) console.log(`${column}: re-encrypted ${n}`);
				console.log(`current key: ${report.currentKey}`);
				if (report.droppedKeys.length) console.log(`dropped keys: ${report.droppedKeys.join(', ')}`);
				if (report.unusedKeys.length) console.log(`no value uses these keys any more; remove them from CASE_KEYS: ${report.unusedKeys.join(', ')}`);
			});
		}
	},
	{
		name: 'retention run',
		help: `retention run [--now ISO-DATE] [--municipality SLUG] [--dry-run]
    erase due cases, fold contact months past the detail period into aggregates, erase
    expired referral tokens; prints counts per municipality. --now moves the clock (testing);
    --dry-run only counts`,
		options: { now: { type: 'string' }, municipality: { type: 'string' }, 'dry-run': { type: 'boolean' } },
		async run({ values, withDatabase }) {
			const now = instantOption(values, 'now');
			const [{ formatRetentionReport, runRetention, RETENTION_PRINCIPAL }, { requireMunicipality }] = await Promise.all([import('./retention'), import('../geography/service')]);
			await withDatabase(async (h) => {
				const slug = optional(values, 'municipality');
				const municipalityId = slug ? (await requireMunicipality(h.db, slug)).id : undefined;
				const report = await runRetention(h.db, RETENTION_PRINCIPAL, { now, municipalityId, dryRun: values['dry-run'] === true });
				console.log(formatRetentionReport(report));
			});
		}
	}
];
