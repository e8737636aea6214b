import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupDatabase, restoreDatabase } from '../../src/lib/server/db/backup';
import { openDatabase, type DatabaseHandle } from '../../src/lib/server/db/client';
import { loadDemo } from '../../src/lib/server/demo/load';
import { findMunicipality, listDistricts, listSocialSpaces, listStatistics } from '../../src/lib/server/geography/service';
import { findInstanceBySlug, listInstances } from '../../src/lib/server/instances/service';
import { countRows, DB_KIND, freshDatabase } from '../helpers/db';

let h: DatabaseHandle;
beforeAll(async () => {
	h = await freshDatabase();
});
afterAll(() => h?.close());

describe(`demo data on ${DB_KIND}`, () => {
	it('loads Köln and Düsseldorf as the issue describes', async () => {
		const logins = await loadDemo(h.db);
		expect(logins.map((l) => l.role)).toEqual(expect.arrayContaining(['municipality_admin', 'instance_staff', 'partner_editor', 'volunteer']));
		const koeln = (await findMunicipality(h.db, 'koeln'))!;
		expect(await listDistricts(h.db, koeln.id)).toHaveLength(9);
		const koelnSpaces = await listSocialSpaces(h.db, { municipalityId: koeln.id, withBoundaries: true });
		expect(koelnSpaces).toHaveLength(86);
		expect(koelnSpaces.every((s) => s.boundary)).toBe(true);
		expect(await listStatistics(h.db, koeln.id, { socialSpaceIds: koelnSpaces.map((s) => s.id) })).toHaveLength(86);

		const d = (await findMunicipality(h.db, 'duesseldorf'))!;
		const districts = await listDistricts(h.db, d.id);
		expect(districts).toHaveLength(10);
		expect(await listSocialSpaces(h.db, { municipalityId: d.id })).toHaveLength(50);
		const sb6 = districts.find((x) => x.code === '6')!;
		const stats = await listStatistics(h.db, d.id, { districtId: sb6.id });
		expect(stats.find((s) => s.metric === 'population')).toMatchObject({ value: 66595, unit: 'persons', asOf: '2018-12-31' });
		expect(stats.find((s) => s.metric === 'share_refugees')).toMatchObject({ value: 2.01, asOf: '2019-02' });
		const spaces6 = await listSocialSpaces(h.db, { municipalityId: d.id, districtId: sb6.id });
		expect(spaces6.map((s) => `${s.code} ${s.name}`).sort()).toEqual(['061 Lichtenbroich', '062 Unterrath', '063 Rath', '064 Mörsenbroich']);

		const instances = await listInstances(h.db, d.id);
		expect(instances.map((i) => i.slug).sort()).toEqual(['welcome-point-5', 'welcome-point-6']);
		expect(instances.every((i) => i.isDemo && i.name.includes('Demo'))).toBe(true);
		const wp6 = (await findInstanceBySlug(h.db, d.id, 'welcome-point-6'))!;
		expect(wp6.socialSpaces.map((s) => s.name).sort()).toEqual(['Lichtenbroich', 'Mörsenbroich', 'Rath', 'Unterrath']);
		expect(wp6.profile.organisation_forms).toEqual(['refer', 'guide', 'own_offers']);
	});

	it('is idempotent: a second load adds nothing', async () => {
		const tables = ['municipality', 'district', 'social_space', 'statistic', 'instance', 'user_account', 'audit_log'];
		const before = await Promise.all(tables.map((t) => countRows(h, t)));
		await loadDemo(h.db);
		expect(await Promise.all(tables.map((t) => countRows(h, t)))).toEqual(before);
	});
});

describe.runIf(DB_KIND === 'pglite')('backup and restore of the embedded database', () => {
	it('restores a pg_dump-format backup into an empty data folder with the same content', async () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'anl-backup-'));
		const file = path.join(dir, 'backup.sql');
		await backupDatabase(h, file);
		await restoreDatabase({ dataDir: path.join(dir, 'restored'), file });
		const restored = await openDatabase({ dataDir: path.join(dir, 'restored') });
		try {
			for (const t of ['social_space', 'statistic', 'instance_profile_value', 'user_account', 'audit_log']) {
				expect(await countRows(restored, t)).toBe(await countRows(h, t));
			}
			await expect(restoreDatabase({ dataDir: path.join(dir, 'restored'), file })).rejects.toThrow(/already holds a database/);
		} finally {
			await restored.close();
		}
	});
});
