/**
 * The demo of every module, in the order they build on each other: the municipalities Köln and
 * Düsseldorf (geography), their contact points (instances), the directory (the real Köln OSM
 * actors and demo offers), anonymous demo counselling contacts (casework), needs reports,
 * programmes and coverage offers (steering), one account per role (accounts), Düsseldorf's demo
 * networks with meetings, minutes and an escalation (networks), and demo volunteers, needs and
 * shifts in Düsseldorf (volunteering), rooms, a hosted Jobcenter consultation hour, a German
 * course and a language café at the Welcome Points (hosting), and a finished mapping campaign in
 * Düsseldorf and feedback on Köln offers (participation). Idempotent:
 * what exists is left alone. Each module keeps its own part in `<module>/demo.ts`; sources and
 * licences: `data/demo/LICENSES.md`.
 */
import path from 'node:path';
import { systemPrincipal } from '../access';
import { loadAccountsDemo, type DemoLogin } from '../accounts/demo';
import { loadCaseworkDemo } from '../casework/demo';
import type { Db } from '../db/client';
import { readConfig } from '../core/config';
import { loadDirectoryDemo } from '../directory/demo';
import { placeUnplacedLocations } from '../directory/placement';
import { loadGeographyDemo } from '../geography/demo';
import { loadHostingDemo } from '../hosting/demo';
import { listMunicipalities } from '../geography/service';
import { loadInstancesDemo } from '../instances/demo';
import { loadNetworksDemo } from '../networks/demo';
import { loadParticipationDemo } from '../participation/demo';
import { loadSteeringDemo } from '../steering/demo';
import { loadVolunteeringDemo } from '../volunteering/demo';

export type { DemoLogin } from '../accounts/demo';

/** The demo data folder: `DEMO_DATA_DIR` or `data/demo`. */
function demoDir(): string {
	return path.resolve(process.env.DEMO_DATA_DIR || 'data/demo');
}

/**
 * Loads whatever of the demo is missing. @returns the demo logins.
 * @param now the day dated demo content (hosting's bookings and events) starts from:
 *   `ANLAUFSTELLE_NOW` when set (tests fix the weekday with it), else the real time.
 * @throws ImportError if a shipped demo file is broken (a packaging fault).
 */
export async function loadDemo(db: Db, now: Date = readConfig().retentionNow ?? new Date()): Promise<DemoLogin[]> {
	await loadGeographyDemo(db, demoDir());
	await loadInstancesDemo(db);
	await loadDirectoryDemo(db, demoDir());
	// Places saved before their municipality had boundaries (Düsseldorf's Welcome Point offers
	// in an installation from before its boundaries were shipped) get their Stadtteil now.
	for (const m of (await listMunicipalities(db)).filter((x) => x.isDemo)) {
		await placeUnplacedLocations(db, systemPrincipal('demo-loader'), m.id);
	}
	await loadCaseworkDemo(db);
	await loadSteeringDemo(db);
	const logins = await loadAccountsDemo(db);
	// Networks name the demo accounts as members, so they come after them.
	await loadNetworksDemo(db);
	// Ehrenamt gives the demo volunteer login a profile, so it comes after the accounts.
	await loadVolunteeringDemo(db);
	// Hosting books the Welcome Points' rooms and publishes the hosted offer in the directory.
	await loadHostingDemo(db, now);
	// Partizipation: a finished campaign in Düsseldorf's Stadtbezirk 6, moderated feedback on Köln offers.
	await loadParticipationDemo(db);
	return logins;
}
