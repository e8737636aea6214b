/**
 * Geography's fragment of the permission table (`geography/permissions.ts`) as a table: role ×
 * permission × scope → allowed; and the services that ask it refuse and write nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can, systemPrincipal, type Permission } from '../../src/lib/server/access';
import { listAudit } from '../../src/lib/server/audit/service';
import { AccessDeniedError } from '../../src/lib/server/core/errors';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { geographyRules } from '../../src/lib/server/geography/permissions';
import { importBoundaries, importStatistics, upsertStatistics } from '../../src/lib/server/geography/importers';
import { createDistrict, createMunicipality, createSocialSpace } from '../../src/lib/server/geography/service';
import { countRows, DB_KIND, freshDatabase } from '../helpers/db';
import { demoFile } from '../helpers/files';
import { tableRows, tableWorld } from '../helpers/world';

/** permission → role → allowed on [own instance, other instance of the municipality, other municipality]. */
const TABLE = {
	'geography:manage': {
		municipality_admin: [true, true, false],
		instance_staff: [false, false, false],
		partner_editor: [false, false, false],
		volunteer: [false, false, false],
		anonymous: [false, false, false],
		system: [true, true, true]
	},
	// A new municipality is set up by the operator on the command line only.
	'municipality:create': {
		municipality_admin: [false, false, false],
		instance_staff: [false, false, false],
		partner_editor: [false, false, false],
		volunteer: [false, false, false],
		anonymous: [false, false, false],
		system: [true, true, true]
	}
} satisfies Partial<Record<Permission, Record<string, [boolean, boolean, boolean]>>>;
const ROWS = tableRows(TABLE);

let h: DatabaseHandle;
let w: Awaited<ReturnType<typeof tableWorld>>;

beforeAll(async () => {
	h = await freshDatabase();
	w = await tableWorld(h.db);
});
afterAll(() => h?.close());

describe(`geography permissions on ${DB_KIND}`, () => {
	it('covers every permission of the fragment', () => {
		expect(Object.keys(TABLE).sort()).toEqual(Object.keys(geographyRules).sort());
	});

	it.each(ROWS)('%s × %s × %s → %s', (role, permission, scope, allowed) => {
		expect(can(w.principal(role), permission, w.scope(scope))).toBe(allowed);
	});

	async function counts() {
		return Promise.all(['municipality', 'district', 'social_space', 'statistic', 'audit_log'].map((t) => countRows(h, t)));
	}

	it('refuses writes to people without the permission and writes nothing', async () => {
		const before = await counts();
		const attempts: [string, () => Promise<unknown>][] = [
			['admin creates a municipality', () => createMunicipality(h.db, w.who.admin, { slug: 'neustadt', name: 'Neustadt' })],
			['staff create a district', () => createDistrict(h.db, w.who.staffA, { municipalityId: w.ids.k, name: 'Mülheim' })],
			['another admin creates a district', () => createDistrict(h.db, w.who.adminOther, { municipalityId: w.ids.k, name: 'Mülheim' })],
			['a partner creates a social space', () => createSocialSpace(h.db, w.who.partner, { districtId: w.ids.d1, name: 'Höhenberg' })],
			['another admin creates a social space', () => createSocialSpace(h.db, w.who.adminOther, { districtId: w.ids.d1, name: 'Höhenberg' })],
			['a volunteer names a missing district', () => createSocialSpace(h.db, w.who.volunteer, { districtId: '00000000-0000-4000-8000-000000000000', name: 'X' })],
			[
				'another admin imports boundaries',
				() => importBoundaries(h.db, w.who.adminOther, { municipality: 'koeln', level: 'district', file: 'b.geojson', text: demoFile('koeln/stadtbezirke.geojson') })
			],
			[
				'staff import statistics',
				() =>
					importStatistics(h.db, w.who.staffA, {
						municipality: 'koeln',
						level: 'district',
						file: 's.csv',
						text: 'code,n\n8,1\n',
						match: 'code',
						keyColumn: 'code',
						valueColumn: 'n',
						metric: 'population',
						unit: 'persons',
						asOf: '2024',
						source: 'S'
					})
			],
			[
				'another admin writes statistics',
				() =>
					upsertStatistics(h.db, w.who.adminOther, {
						municipalityId: w.ids.k,
						rows: [{ record: 'r', districtId: w.ids.d1, socialSpaceId: null, metric: 'population', value: 1, unit: 'persons', asOf: '2024', source: 'S' }]
					})
			]
		];
		for (const [label, attempt] of attempts) {
			expect(await attempt().catch((e) => e), label).toBeInstanceOf(AccessDeniedError);
		}
		expect(await counts()).toEqual(before);
	});

	it('lets the administrator manage the areas of their municipality, audited under their name', async () => {
		const d = await createDistrict(h.db, w.who.admin, { municipalityId: w.ids.k, name: 'Mülheim', code: '9' });
		const s = await createSocialSpace(h.db, w.who.admin, { districtId: d.id, name: 'Höhenberg', kind: 'quartier' });
		expect(s).toMatchObject({ municipalityId: w.ids.k, districtId: d.id, slug: 'hoehenberg', kind: 'quartier' });
		const summary = await upsertStatistics(h.db, w.who.admin, {
			municipalityId: w.ids.k,
			rows: [{ record: 'r', districtId: d.id, socialSpaceId: null, metric: 'population', value: 41_000, unit: 'persons', asOf: '2024-12-31', source: 'Amt für Statistik' }]
		});
		expect(summary).toMatchObject({ created: 1, updated: 0 });
		const audit = await listAudit(h.db, systemPrincipal('test'), { municipalityId: w.ids.k });
		const mine = audit.filter((a) => a.actorUserId === w.who.admin.userId).map((a) => [a.action, a.entityType]);
		expect(mine).toEqual(expect.arrayContaining([['create', 'district'], ['create', 'social_space'], ['import', 'statistic']]));
	});

	it('lets only the system create a municipality, audited under its label', async () => {
		const m = await createMunicipality(h.db, systemPrincipal('cli'), { slug: 'neustadt', name: 'Neustadt', officialCode: '05111000' });
		const [entry] = await listAudit(h.db, systemPrincipal('test'), { entityType: 'municipality', entityId: m.id });
		expect(entry).toMatchObject({ action: 'create', actorLabel: 'cli', actorUserId: null, municipalityId: m.id });
		expect(entry.changes.slug).toEqual([null, 'neustadt']);
	});
});
