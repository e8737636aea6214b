/**
 * Partizipation's operator commands (issue 16, docs/participation.md): list a municipality's
 * campaigns, close one early, run the deletion of exact points after the retention period by
 * hand, and export a campaign's published result as GeoJSON. Output holds only titles, dates,
 * counts and published aggregates (≥ k), never a point or a comment.
 */
import { writeFile } from 'node:fs/promises';
import { instantOption, optional, required, UsageError, type CliCommand } from '../core/command';

/** The one positional campaign id of `close` / `export`. @throws UsageError without it. */
function campaignIdOf(positionals: string[], usage: string): string {
	if (positionals.length !== 1) throw new UsageError(`usage: ${usage}`);
	return positionals[0];
}

export const commands: CliCommand[] = [
	{
		name: 'participation campaigns',
		help: `participation campaigns --municipality SLUG
    A municipality's mapping campaigns, newest first: id, dates, state (open, closed, points
    deleted), points waiting for moderation, title`,
		options: { municipality: { type: 'string' } },
		async run({ values, withDatabase }) {
			const slug = required(values, 'municipality');
			const { requireMunicipality } = await import('../geography/service');
			const { isOpen, listCampaigns, pendingPointCounts } = await import('./campaigns');
			await withDatabase(async ({ db }) => {
				const m = await requireMunicipality(db, slug);
				const campaigns = await listCampaigns(db, m.id);
				const pending = await pendingPointCounts(db, campaigns.map((c) => c.id));
				if (!campaigns.length) console.log(`${slug}: no campaigns`);
				for (const c of campaigns) {
					const state = c.pointsDeletedAt ? 'points-deleted' : isOpen(c) ? 'open' : 'closed';
					console.log(`${c.id}\t${c.opensOn}..${c.closesOn}\t${state}\tpending ${pending.get(c.id) ?? 0}\t${c.title}`);
				}
			});
		}
	},
	{
		name: 'participation close',
		help: `participation close CAMPAIGN-ID [--now ISO-DATE]
    Closes a campaign early: it takes no points from today (Berlin); the retention period of
    its exact points counts from yesterday. --now moves the clock (testing)`,
		options: { now: { type: 'string' } },
		async run({ values, positionals, withDatabase }) {
			const id = campaignIdOf(positionals, 'participation close CAMPAIGN-ID');
			const now = instantOption(values, 'now') ?? new Date();
			const { systemPrincipal } = await import('../access');
			const { closeCampaign } = await import('./campaign-edit');
			await withDatabase(async ({ db }) => {
				const c = await closeCampaign(db, systemPrincipal('cli'), id, now);
				console.log(`closed: ${c.id} (last day ${c.closesOn})`);
			});
		}
	},
	{
		name: 'participation retention',
		help: `participation retention [--now ISO-DATE]
    Deletes the exact points of every campaign whose end plus retention period has passed,
    after freezing its published result (what the job participation-retention does); prints
    counts. --now moves the clock (testing)`,
		options: { now: { type: 'string' } },
		async run({ values, withDatabase }) {
			const now = instantOption(values, 'now') ?? new Date();
			const { systemPrincipal } = await import('../access');
			const { purgeExpiredPoints } = await import('./campaigns');
			await withDatabase(async ({ db }) => {
				const r = await purgeExpiredPoints(db, systemPrincipal('retention'), now);
				console.log(`campaigns: ${r.campaigns}\npoints deleted: ${r.points}`);
			});
		}
	},
	{
		name: 'participation export',
		help: `participation export CAMPAIGN-ID [--out FILE]
    The campaign's published result as GeoJSON (RFC 7946): grid cells with at least k points
    per category, never a point; to FILE or standard output`,
		options: { out: { type: 'string' } },
		async run({ values, positionals, withDatabase }) {
			const id = campaignIdOf(positionals, 'participation export CAMPAIGN-ID [--out FILE]');
			const out = optional(values, 'out');
			const { NotFoundError } = await import('../core/errors');
			const { aggregateCampaign, findCampaign } = await import('./campaigns');
			const { aggregateGeoJson } = await import('./geojson');
			await withDatabase(async ({ db }) => {
				const c = await findCampaign(db, id);
				if (!c) throw new NotFoundError('participation_campaign');
				const text = JSON.stringify(aggregateGeoJson(await aggregateCampaign(db, c), c.title));
				if (out) {
					await writeFile(out, text);
					console.log(`written: ${out}`);
				} else console.log(text);
			});
		}
	}
];
