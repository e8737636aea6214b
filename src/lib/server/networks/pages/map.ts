/**
 * The network map page (issue 14 §2, §6): per social space the model's actor types present in
 * and missing from its local networks, the graph drawn as SVG with its legend and the same edges
 * as a table (the text version), the figures per network, the actors in no network, and the
 * form to record a relation between two actors.
 */
import { formatNumber } from '$lib/format';
import { msg } from '$lib/messages';
import { can, type UserPrincipal } from '../../access';
import type { Db, DbOrTx } from '../../db/client';
import { networkActors } from '../../directory/networks-reads';
import { listSocialSpaces } from '../../geography/service';
import { listInstances } from '../../instances/service';
import { EDGE_STYLE, networkMap, type EdgeKind } from '../map';
import { RELATION_KINDS } from '../model';
import { listNetworks } from '../networks';
import { createRelation } from '../relations';
import { forForm, formText } from './forms';

/** Most edges listed in the table; a municipality-wide graph is filtered by social space to see them all. */
const TABLE_LIMIT = 500;

/**
 * The map page of the person's municipality, optionally of one social space (`space` in the query).
 * @throws AccessDeniedError without `networks:map`.
 */
export async function mapPage(db: DbOrTx, p: UserPrincipal, locale: string, query: URLSearchParams, now: Date = new Date()) {
	const municipalityId = p.municipalityId;
	const space = query.get('space')?.trim() || '';
	const map = await networkMap(db, p, municipalityId, (c) => ({ title: msg('nw_map_svg_title'), description: msg('nw_map_svg_desc', { actors: c.actors, networks: c.networks, instances: c.instances, edges: c.edges }), noSpace: msg('nw_map_no_space') }), { socialSpaceId: space || undefined, now });
	const [spaces, networks, instances, actors] = await Promise.all([listSocialSpaces(db, { municipalityId }), listNetworks(db, p, municipalityId, now), listInstances(db, municipalityId), networkActors(db, { municipalityId })]);
	const name = new Map<string, string>([...networks.map((n) => [n.id, n.name] as [string, string]), ...instances.map((i) => [i.id, i.name] as [string, string]), ...actors.map((a) => [a.id, a.name] as [string, string])]);
	const kinds = [...new Set(map.edges.map((e) => e.kind))];
	return {
		space,
		spaces: spaces.map((s) => ({ id: s.id, name: s.name })),
		svg: map.svg,
		aggregated: map.aggregated,
		legend: kinds.map((k) => ({ kind: k, label: msg(`nw_edge_${k}`), stroke: EDGE_STYLE[k as EdgeKind].stroke, dash: EDGE_STYLE[k as EdgeKind].dash })),
		edges: map.edges.slice(0, TABLE_LIMIT).map((e) => ({ from: name.get(e.from) ?? '', to: name.get(e.to) ?? '', kindLabel: msg(`nw_edge_${e.kind}`), weight: e.weight })),
		edgeCount: map.edges.length,
		tableLimit: TABLE_LIMIT,
		coverage: map.coverage.map((c) => ({ ...c, presentLabels: c.present.map((t) => msg(`actor_type_${t}`)), missingLabels: c.missing.map((t) => msg(`actor_type_${t}`)) })),
		figures: map.figures.map((f) => ({ ...f, levelLabel: msg(`nw_level_${f.level}`), rate: f.attendanceRate === null ? '–' : `${formatNumber(Math.round(f.attendanceRate * 100), locale)} %` })),
		unnetworked: map.unnetworked.map((a) => ({ ...a, typeLabel: msg(`actor_type_${a.actorType}`) })),
		actorCount: map.actorCount,
		canRelate: can(p, 'networks:relate', { municipalityId }),
		relationKinds: RELATION_KINDS.map((k) => ({ key: k, label: msg(`nw_edge_${k}`) })),
		actors: actors.map((a) => ({ id: a.id, name: a.name }))
	};
}

/** Records a relation from the map page's form. */
export function relationFromForm(db: Db, p: UserPrincipal, form: FormData) {
	return forForm(() =>
		createRelation(db, p, {
			municipalityId: p.municipalityId,
			fromOrganizationId: formText(form, 'fromOrganizationId'),
			toOrganizationId: formText(form, 'toOrganizationId'),
			kind: formText(form, 'kind'),
			startsOn: formText(form, 'startsOn'),
			endsOn: formText(form, 'endsOn'),
			note: formText(form, 'note')
		})
	);
}
