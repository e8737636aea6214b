/**
 * Land-wide casework for the NRW-scale benchmark (issue 17): counselling contacts and referrals
 * spread over every generated municipality (`gemeinde-*`) by the directory's Zipf weights
 * (1/rank^0.7, the largest gets about 5.7 %), each municipality filled by `generateCasework`
 * (`generate_series` batches of 50,000 rows, one bench Welcome Point per Stadtbezirk, the year
 * before `now`). Every batch passes the `contact_rollup` trigger, as live recording does.
 * PostgreSQL only: at five million contacts PGlite would take hours and gigabytes.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../src/lib/server/db/client';
import { generateCasework } from './casework-data';
import { zipfShares } from './directory';

/** Casework to spread over the generated municipalities. */
export interface LandCasework {
	contacts: number;
	referrals: number;
}

/**
 * Fills every generated municipality with its Zipf share of contacts and referrals (no cases).
 * @returns counts written and the number of municipalities.
 * @throws Error when no `gemeinde-*` municipality exists.
 */
export async function generateLandCasework(db: Db, scale: LandCasework, now: Date, log: (s: string) => void = () => {}): Promise<{ municipalities: number; contacts: number; referrals: number }> {
	const slugs = (await db.execute<{ slug: string }>(sql`select slug from municipality where slug like 'gemeinde-%' order by slug`)).rows.map((r) => r.slug);
	if (!slugs.length) throw new Error('no generated municipalities: run the geography generator first');
	const contacts = zipfShares(scale.contacts, slugs.length);
	const referrals = zipfShares(scale.referrals, slugs.length);
	for (const [i, slug] of slugs.entries()) {
		await generateCasework(db, { municipalitySlug: slug, contacts: contacts[i], referrals: referrals[i], cases: 0, seed: 17 + i }, now);
		if ((i + 1) % 25 === 0 || i + 1 === slugs.length) log(`  casework: municipalities ${i + 1}/${slugs.length}, ${contacts.slice(0, i + 1).reduce((a, b) => a + b, 0)} contacts`);
	}
	return { municipalities: slugs.length, contacts: scale.contacts, referrals: scale.referrals };
}
