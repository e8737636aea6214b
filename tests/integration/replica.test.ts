/**
 * The read replica (`DATABASE_REPLICA_URL`, issue 17 §3): public reads go to it; a replica that
 * is down sends them to the primary and is tried again after the retry interval; a replica
 * behind the primary never lets the page cache store a page under the primary's newer data
 * version. The "replica" is a second database in the same PostgreSQL 15 cluster, a down one a
 * port nobody listens on. The configuration checks run on both databases.
 */
import { sql } from 'drizzle-orm';
import type { RequestEvent } from '@sveltejs/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseGlobalDataVersion } from '../../src/lib/server/audit/versions';
import { readConfig } from '../../src/lib/server/core/config';
import type { DatabaseHandle, Db } from '../../src/lib/server/db/client';
import { isConnectionError, openReplica, type Replica } from '../../src/lib/server/db/replica';
import { PageCache, servePage } from '../../src/lib/server/http/page-cache';
import { freshDatabase } from '../helpers/db';
import { freePort } from '../helpers/server';

const url = process.env.TEST_DATABASE_URL;

describe('DATABASE_REPLICA_URL configuration', () => {
	it('is read when DATABASE_URL is set', () => {
		const config = readConfig({ DATABASE_URL: 'postgres://a@p/db', DATABASE_REPLICA_URL: 'postgres://a@r/db' });
		expect(config.databaseReplicaUrl).toBe('postgres://a@r/db');
		expect(readConfig({ DATABASE_URL: 'postgres://a@p/db' }).databaseReplicaUrl).toBeUndefined();
	});

	it('refuses a replica without DATABASE_URL, naming both variables', () => {
		expect(() => readConfig({ DATABASE_REPLICA_URL: 'postgres://a@r/db' })).toThrow(/DATABASE_REPLICA_URL needs DATABASE_URL/);
	});

	it('refuses a replica URL that is not postgres://, without echoing its password', () => {
		expect(() => readConfig({ DATABASE_URL: 'postgres://a@p/db', DATABASE_REPLICA_URL: 'mysql://u:secret@r/db' })).toThrow(/must be a postgres:\/\/ URL/);
		expect(() => readConfig({ DATABASE_URL: 'postgres://a@p/db', DATABASE_REPLICA_URL: 'mysql://u:secret@r/db' })).not.toThrow(/secret/);
	});

	it('counts refused connections and shutdowns as the replica being down, query errors not', () => {
		expect(isConnectionError({ code: 'ECONNREFUSED' })).toBe(true);
		expect(isConnectionError({ code: '57P01' })).toBe(true);
		expect(isConnectionError({ code: '08006' })).toBe(true);
		expect(isConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true);
		expect(isConnectionError({ code: '42601' })).toBe(false);
		expect(isConnectionError({ code: '23505' })).toBe(false);
	});
});

/** The database a read through `db` was answered by. */
async function answeredBy(db: Db): Promise<string> {
	const result = (await db.execute(sql`select current_database() as name`)) as unknown as { rows: { name: string }[] };
	return result.rows[0].name;
}

/** A request for the start page (a cached public route of no municipality). */
function startPageEvent(): RequestEvent {
	const target = new URL('http://localhost/de');
	return {
		request: new Request(target, { headers: { accept: 'text/html', 'accept-encoding': 'gzip' } }),
		url: target,
		route: { id: '/[lang=locale]' },
		params: { lang: 'de' },
		isDataRequest: false
	} as unknown as RequestEvent;
}

describe.skipIf(!url)('read replica on PostgreSQL', () => {
	let primary: DatabaseHandle;
	let secondary: DatabaseHandle;
	let primaryName: string;
	let replicaName: string;
	const opened: Replica[] = [];

	beforeAll(async () => {
		primary = await freshDatabase();
		secondary = await freshDatabase();
		primaryName = await answeredBy(primary.db);
		replicaName = await answeredBy(secondary.db);
	}, 60_000);

	afterAll(async () => {
		for (const r of opened) await r.close();
		await secondary?.close();
		await primary?.close();
	});

	it('sends reads to the replica while it answers', async () => {
		const replica = openReplica(secondary.url!, primary.pool!);
		opened.push(replica);
		expect(await answeredBy(replica.db)).toBe(replicaName);
		expect(replica.down).toBe(false);
	});

	it('passes a query error on the replica to the caller instead of retrying it on the primary', async () => {
		const replica = openReplica(secondary.url!, primary.pool!);
		opened.push(replica);
		await expect(replica.db.execute(sql`select * from no_such_table`)).rejects.toThrow(/no_such_table/);
		expect(replica.down).toBe(false);
	});

	it('answers from the primary while the replica is down, and tries the replica again after the retry interval', async () => {
		const dead = new URL(secondary.url!);
		dead.port = String(await freePort());
		const replica = openReplica(dead.toString(), primary.pool!, { retryMs: 400 });
		opened.push(replica);
		expect(await answeredBy(replica.db)).toBe(primaryName);
		expect(replica.down).toBe(true);
		// Within the interval the replica is not asked: reads go straight to the primary.
		expect(await answeredBy(replica.db)).toBe(primaryName);
		await replica.db.transaction(async (tx) => expect(await answeredBy(tx as unknown as Db)).toBe(primaryName));
		await new Promise((r) => setTimeout(r, 450));
		expect(replica.down).toBe(false);
		expect(await answeredBy(replica.db)).toBe(primaryName);
		expect(replica.down).toBe(true);
	});

	it('never caches a page read from a replica behind the primary, and caches it once the replica caught up', async () => {
		const replica = openReplica(secondary.url!, primary.pool!);
		opened.push(replica);
		const cache = new PageCache(1024 * 1024);
		let renders = 0;
		const resolve = async () => {
			renders++;
			return new Response(`<!doctype html><p>render ${renders}</p>`, { headers: { 'content-type': 'text/html; charset=utf-8' } });
		};
		const options = {
			db: async () => primary.db,
			readDb: async () => replica.db,
			cache,
			allowedCookies: ['lang'],
			meta: () => ({ https: false, lang: 'de', languageCookie: null })
		};
		// The primary is one write ahead: the replica has not replayed it yet.
		await raiseGlobalDataVersion(primary.db);
		const behind = await servePage(startPageEvent(), resolve, options);
		expect(behind.status).toBe(200);
		expect(await behind.text()).toContain('render 1');
		expect(behind.headers.get('x-page-cache')).toBeNull();
		expect(cache.stats.entries).toBe(0);
		// Still behind: rendered again, still not stored.
		await servePage(startPageEvent(), resolve, options);
		expect(renders).toBe(2);
		expect(cache.stats.entries).toBe(0);
		// The replica replays the write: the next render is stored and then served.
		await raiseGlobalDataVersion(secondary.db);
		const caught = await servePage(startPageEvent(), resolve, options);
		expect(caught.headers.get('x-page-cache')).toBe('miss');
		expect(cache.stats.entries).toBe(1);
		const hit = await servePage(startPageEvent(), resolve, options);
		expect(hit.headers.get('x-page-cache')).toBe('hit');
		expect(renders).toBe(3);
	});

	it('caches as before when the replica is down and the page was read from the primary', async () => {
		const dead = new URL(secondary.url!);
		dead.port = String(await freePort());
		const replica = openReplica(dead.toString(), primary.pool!);
		opened.push(replica);
		const cache = new PageCache(1024 * 1024);
		const resolve = async () => new Response('<!doctype html><p>page</p>', { headers: { 'content-type': 'text/html; charset=utf-8' } });
		const options = { db: async () => primary.db, readDb: async () => replica.db, cache, allowedCookies: ['lang'], meta: () => ({ https: false, lang: 'de', languageCookie: null }) };
		const first = await servePage(startPageEvent(), resolve, options);
		expect(first.status).toBe(200);
		expect(first.headers.get('x-page-cache')).toBe('miss');
		expect(replica.down).toBe(true);
	});
});
