/**
 * Accounts' demo: one account per role and scope, all with the password `DEMO_PASSWORD`
 * (demo installs only; `DEMO=0` turns the demo off). Needs the geography and instances demos.
 */
import { systemPrincipal } from '../access';
import type { Db } from '../db/client';
import { findMunicipality } from '../geography/service';
import { findInstanceBySlug } from '../instances/service';
import { ROLES, type Role } from './model';
import { createUser, findUserByEmail } from './users';

/** Password of every demo account. */
const DEMO_PASSWORD = 'anlaufstelle-demo';

const ACTOR = { label: 'demo-loader' };

/** A demo login as printed on start. */
export interface DemoLogin {
	email: string;
	role: Role;
	scope: string;
}

/** Creates the demo accounts that are missing. @returns every demo login, by role. */
export async function loadAccountsDemo(db: Db): Promise<DemoLogin[]> {
	const duesseldorf = (await findMunicipality(db, 'duesseldorf'))!;
	const koeln = (await findMunicipality(db, 'koeln'))!;
	const wp5 = (await findInstanceBySlug(db, duesseldorf.id, 'welcome-point-5'))!;
	const wp6 = (await findInstanceBySlug(db, duesseldorf.id, 'welcome-point-6'))!;
	const kalk = (await findInstanceBySlug(db, koeln.id, 'anlaufstelle-kalk'))!;
	const users: { email: string; name: string; role: Role; m: string; instances: string[]; scope: string }[] = [
		{ email: 'admin.duesseldorf@example.org', name: 'Demo Integrationsbüro Düsseldorf', role: 'municipality_admin', m: duesseldorf.id, instances: [], scope: 'Düsseldorf' },
		{ email: 'wp5@example.org', name: 'Demo Team Welcome Point 5', role: 'instance_staff', m: duesseldorf.id, instances: [wp5.id], scope: wp5.name },
		{ email: 'wp6@example.org', name: 'Demo Team Welcome Point 6', role: 'instance_staff', m: duesseldorf.id, instances: [wp6.id], scope: wp6.name },
		{ email: 'partner.duesseldorf@example.org', name: 'Demo Partnerorganisation', role: 'partner_editor', m: duesseldorf.id, instances: [], scope: 'Düsseldorf' },
		{ email: 'ehrenamt.duesseldorf@example.org', name: 'Demo Ehrenamtliche*r', role: 'volunteer', m: duesseldorf.id, instances: [], scope: 'Düsseldorf' },
		{ email: 'admin.koeln@example.org', name: 'Demo Integrationsbüro Köln', role: 'municipality_admin', m: koeln.id, instances: [], scope: 'Köln' },
		{ email: 'kalk@example.org', name: 'Demo Team Kalk', role: 'instance_staff', m: koeln.id, instances: [kalk.id], scope: kalk.name }
	];
	for (const u of users) {
		if (await findUserByEmail(db, u.email)) continue;
		await createUser(db, systemPrincipal(ACTOR.label), {
			email: u.email,
			displayName: u.name,
			role: u.role,
			municipalityId: u.m,
			instanceIds: u.instances,
			password: DEMO_PASSWORD
		});
	}
	return users
		.map((u) => ({ email: u.email, role: u.role, scope: u.scope }))
		.sort((a, b) => ROLES.indexOf(a.role) - ROLES.indexOf(b.role));
}

