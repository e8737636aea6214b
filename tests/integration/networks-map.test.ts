/**
 * The network map at city scale (issue 14 §6): above SINGLE_ACTOR_LIMIT actors the SVG draws the
 * actors per social space (one circle each, edges between social spaces summed), light enough
 * for a phone, while the edge list (the page's table) keeps every single edge; choosing a social
 * space draws its actors one by one again.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/lib/server/access';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { networkMap, SINGLE_ACTOR_LIMIT } from '../../src/lib/server/networks/map';
import { createNetwork } from '../../src/lib/server/networks/networks';
import { DB_KIND, freshDatabase } from '../helpers/db';
import { buildWorld, type World } from '../helpers/world';

let h: DatabaseHandle;
let w: World;
const sys = systemPrincipal('test');
const texts = (c: { actors: number; edges: number }) => ({ title: 'Netzwerkkarte', description: `${c.actors} Akteure, ${c.edges} Verbindungen`, noSpace: 'ohne Sozialraum' });
const PER_SPACE = 120;

beforeAll(async () => {
	h = await freshDatabase();
	w = await buildWorld(h.db);
	const net = await createNetwork(h.db, sys, { municipalityId: w.ids.k, coordinatingInstanceId: w.ids.a, parentIds: [], themeFields: ['education'], name: 'Runder Tisch Kalk', kind: 'round_table', level: 'local', socialSpaceIds: [w.ids.s1a], visibility: 'public' });
	// Three social spaces of PER_SPACE actors each (one actor in two of them), every actor a
	// member of the network, and a chain of relations from each actor to the next.
	await h.db.execute(sql`insert into organization (municipality_id, name, actor_type, visibility)
		select ${w.ids.k}, 'Karten-Akteur ' || lpad(g::text, 4, '0'), 'association', 'public' from generate_series(1, ${PER_SPACE * 3}) g`);
	await h.db.execute(sql`insert into organization_social_space (organization_id, social_space_id)
		select o.id, (array[${w.ids.s1a}::uuid, ${w.ids.s1b}::uuid, ${w.ids.s2a}::uuid])[1 + (substr(o.name, 15)::int - 1) / ${PER_SPACE}]
		from organization o where o.name like 'Karten-Akteur %'`);
	await h.db.execute(sql`insert into organization_social_space (organization_id, social_space_id)
		select id, ${w.ids.s2a}::uuid from organization where name = 'Karten-Akteur 0001'`);
	await h.db.execute(sql`insert into network_membership (network_id, organization_id, role, starts_on)
		select ${net.id}, id, 'member', '2026-01-01' from organization where name like 'Karten-Akteur %'`);
	await h.db.execute(sql`insert into actor_relation (municipality_id, from_organization_id, to_organization_id, kind, starts_on)
		select ${w.ids.k}, a.id, b.id, 'cooperates', '2026-01-01' from organization a join organization b on b.name = 'Karten-Akteur ' || lpad((substr(a.name, 15)::int + 1)::text, 4, '0')
		where a.name like 'Karten-Akteur %'`);
}, 60_000);

afterAll(async () => h.close());

describe(`the network map at city scale (${DB_KIND})`, () => {
	it('draws a whole city per social space and keeps every single edge for the table', async () => {
		expect(PER_SPACE * 3).toBeGreaterThan(SINGLE_ACTOR_LIMIT);
		const map = await networkMap(h.db, sys, w.ids.k, texts, { now: new Date('2026-03-01T10:00:00Z') });
		// Summed: three memberships (space → network), two relations between neighbouring spaces.
		expect(map.aggregated).toEqual({ lines: 5, drawn: 5 });
		const spaces = map.nodes.filter((n) => n.kind === 'space');
		expect(map.nodes.filter((n) => n.kind === 'actor')).toEqual([]);
		// The actor in two social spaces counts once.
		expect(spaces.reduce((sum, n) => sum + (n.count ?? 0), 0)).toBe(PER_SPACE * 3);
		expect(spaces).toHaveLength(3);
		// Every single edge stays: memberships and the chain of relations.
		expect(map.edges.filter((e) => e.kind === 'membership')).toHaveLength(PER_SPACE * 3);
		expect(map.edges.filter((e) => e.kind === 'cooperates')).toHaveLength(PER_SPACE * 3 - 1);
		// Drawn: a circle per social space, no dot per actor, and a few summed lines.
		expect(map.svg.match(/<circle /g)).toHaveLength(3);
		expect(map.svg).not.toContain('h0M');
		expect(Buffer.byteLength(map.svg)).toBeLessThan(3_000);
		expect(map.svg).toMatch(/^<svg [^>]*role="img" aria-labelledby="nw-map-title nw-map-desc"/);
		expect(map.svg).toContain(`<desc id="nw-map-desc">${PER_SPACE * 3} Akteure, ${PER_SPACE * 6 - 1} Verbindungen</desc>`);
	});

	it('draws the actors of one social space one by one', async () => {
		const map = await networkMap(h.db, sys, w.ids.k, texts, { socialSpaceId: w.ids.s1b, now: new Date('2026-03-01T10:00:00Z') });
		expect(map.aggregated).toBeNull();
		expect(map.nodes.filter((n) => n.kind === 'actor')).toHaveLength(PER_SPACE);
		expect(map.nodes.filter((n) => n.kind === 'space')).toEqual([]);
		// The network works in another social space, so only the actors' dots are drawn.
		expect((map.svg.match(/h0/g) ?? []).length).toBe(PER_SPACE);
	});
});
