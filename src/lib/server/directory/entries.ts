/**
 * Staff reads of the directory (Wegweiser): the list of a municipality's actors and offers with
 * filters, whether a signed-in person may open an entry, entry names for lists, and an entry's
 * history from the audit log (who changed which field when). Each read is for people who work
 * in the directory (`directory:propose`); the visibilities they see come from
 * `visibleLevels`. Source: issue 3 §1–§3, §6; issue 11 §1 (reads of personal data authorised).
 */
import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { authorize, type UserPrincipal } from '../access';
import { userNames } from '../accounts/users';
import { auditOfEntities } from '../audit/directory-reads';
import type { AuditEntry } from '../audit/service';
import type { DbOrTx } from '../db/client';
import { isUuid } from '../core/validation';
import { changeProposal, location, organization, service, serviceAtLocation } from './schema';
import { visibleLevels, type EntryKind } from './service';
import { pickText } from './texts';

/** One line of the directory list. */
export interface DirectoryRow {
	kind: EntryKind;
	id: string;
	name: string;
	organizationName: string;
	visibility: string;
	status: string;
	instanceId: string | null;
	lastVerifiedAt: string | null;
}

/** Filters of the directory list (query parameters of the same names); empty: no filter. */
export interface DirectoryFilter {
	q: string;
	kind: '' | EntryKind;
	visibility: string;
	instance: string;
}

/** How many entries of a municipality's history are read at most. */
const HISTORY_ENTRIES = 500;

/**
 * The municipality's actors and offers the principal may see (staff: all visibilities), filtered
 * by a name part, kind, visibility and instance; at most `limit` rows, actors by name then offers.
 * Offers are named in `locale` (with fallback).
 * @throws AccessDeniedError without `directory:propose` in the principal's municipality.
 */
export async function listDirectory(db: DbOrTx, p: UserPrincipal, filter: DirectoryFilter, locale: string, limit = 200): Promise<{ rows: DirectoryRow[]; more: boolean }> {
	authorize(p, 'directory:propose', { municipalityId: p.municipalityId });
	const levels = visibleLevels(p, p.municipalityId).filter((v) => !filter.visibility || v === filter.visibility);
	if (!levels.length) return { rows: [], more: false };
	const like = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
	const rows: DirectoryRow[] = [];
	if (filter.kind !== 'service') {
		const orgs = await db
			.select()
			.from(organization)
			.where(
				and(
					eq(organization.municipalityId, p.municipalityId),
					inArray(organization.visibility, levels),
					filter.instance ? eq(organization.instanceId, filter.instance) : undefined,
					filter.q ? or(sql`${organization.name} ilike ${like}`, sql`array_to_string(${organization.alternateNames}, ' ') ilike ${like}`) : undefined
				)
			)
			.orderBy(organization.name)
			.limit(limit + 1);
		rows.push(
			...orgs.map((o) => ({
				kind: 'organization' as const, id: o.id, name: o.name, organizationName: o.name, visibility: o.visibility, status: 'active',
				instanceId: o.instanceId, lastVerifiedAt: o.lastVerifiedAt?.toISOString() ?? null
			}))
		);
	}
	if (filter.kind !== 'organization') {
		const services = await db
			.select({ s: service, orgName: organization.name })
			.from(service)
			.innerJoin(organization, eq(organization.id, service.organizationId))
			.where(
				and(
					eq(service.municipalityId, p.municipalityId),
					inArray(service.visibility, levels),
					inArray(organization.visibility, visibleLevels(p, p.municipalityId)),
					filter.instance ? eq(service.instanceId, filter.instance) : undefined,
					filter.q ? or(sql`${service.name}::text ilike ${like}`, sql`${organization.name} ilike ${like}`) : undefined
				)
			)
			.orderBy(organization.name)
			.limit(limit + 1);
		rows.push(
			...services.map(({ s, orgName }) => ({
				kind: 'service' as const, id: s.id, name: pickText(s.name, locale)?.text ?? '', organizationName: orgName, visibility: s.visibility,
				status: s.status, instanceId: s.instanceId, lastVerifiedAt: s.lastVerifiedAt?.toISOString() ?? null
			}))
		);
	}
	return { rows: rows.slice(0, limit), more: rows.length > limit };
}

/**
 * The entry's municipality, instance and contact address if the principal may open it: an entry
 * of their municipality at a visibility they see, and they work in the directory. Else null
 * (callers answer 404 whether it is missing or hidden).
 */
export async function entryScope(db: DbOrTx, p: UserPrincipal, kind: EntryKind, id: string): Promise<{ municipalityId: string; instanceId: string | null; email: string } | null> {
	if (!isUuid(id)) return null;
	const levels = visibleLevels(p, p.municipalityId);
	let found: { municipalityId: string; instanceId: string | null; email: string } | undefined;
	if (kind === 'service') {
		const [row] = await db
			.select({ municipalityId: service.municipalityId, instanceId: service.instanceId, email: service.email, orgEmail: organization.email })
			.from(service)
			.innerJoin(organization, eq(organization.id, service.organizationId))
			.where(and(eq(service.id, id), inArray(service.visibility, levels), inArray(organization.visibility, levels)));
		found = row && { municipalityId: row.municipalityId, instanceId: row.instanceId, email: row.email || row.orgEmail };
	} else {
		[found] = await db
			.select({ municipalityId: organization.municipalityId, instanceId: organization.instanceId, email: organization.email })
			.from(organization)
			.where(and(eq(organization.id, id), inArray(organization.visibility, levels)));
	}
	if (!found || found.municipalityId !== p.municipalityId) return null;
	return found;
}

/** Display names of entries by id (offers in `locale` with fallback), for lists of proposals. */
export async function entryNames(db: DbOrTx, entries: { kind: EntryKind; id: string }[], locale: string): Promise<Map<string, string>> {
	const orgIds = entries.filter((e) => e.kind === 'organization').map((e) => e.id);
	const serviceIds = entries.filter((e) => e.kind === 'service').map((e) => e.id);
	const names = new Map<string, string>();
	if (orgIds.length) {
		for (const o of await db.select({ id: organization.id, name: organization.name }).from(organization).where(inArray(organization.id, orgIds))) names.set(o.id, o.name);
	}
	if (serviceIds.length) {
		for (const s of await db.select({ id: service.id, name: service.name }).from(service).where(inArray(service.id, serviceIds))) {
			names.set(s.id, pickText(s.name, locale)?.text ?? '');
		}
	}
	return names;
}

/** One audit entry of an entry's history, with the people it names. */
export interface HistoryEntry {
	at: Date;
	action: string;
	/** `location` for a change of one of the entry's places. */
	entityType: string;
	changes: AuditEntry['changes'];
	/** Display name of the person who made the change (`–` for a deleted account), or null. */
	actorName: string | null;
	/** The system label (`provider-link`, `csv-import`, `proposal:<id>` …), or null. */
	actorLabel: string | null;
	/** When the change published a proposal: who proposed it. */
	proposerName: string | null;
}

/**
 * An entry's history from the audit log, newest first (at most 500 entries): its own changes and
 * those of its places, with the names of the people involved.
 * @returns null when the principal may not open the entry (see `entryScope`).
 */
export async function entryHistory(db: DbOrTx, p: UserPrincipal, kind: EntryKind, id: string): Promise<HistoryEntry[] | null> {
	authorize(p, 'directory:propose', { municipalityId: p.municipalityId });
	if (!(await entryScope(db, p, kind, id))) return null;
	const places =
		kind === 'service'
			? await db.select({ id: serviceAtLocation.locationId }).from(serviceAtLocation).where(eq(serviceAtLocation.serviceId, id))
			: await db.select({ id: location.id }).from(location).where(eq(location.organizationId, id));
	const entries = await auditOfEntities(db, { entityTypes: [kind, 'location'], entityIds: [id, ...places.map((l) => l.id)] }, 'desc', HISTORY_ENTRIES);
	const proposalOf = (label: string | null) => {
		const ref = label?.match(/^proposal:(.+)$/)?.[1];
		return ref && isUuid(ref) ? ref : null;
	};
	const proposalIds = entries.map((e) => proposalOf(e.actorLabel)).filter((x): x is string => !!x);
	const proposals = proposalIds.length
		? await db.select({ id: changeProposal.id, by: changeProposal.proposedBy }).from(changeProposal).where(inArray(changeProposal.id, proposalIds))
		: [];
	const users = await userNames(db, [...entries.map((e) => e.actorUserId), ...proposals.map((x) => x.by)].filter((x): x is string => !!x));
	const nameOf = (uid: string | null) => (uid ? (users.get(uid)?.displayName ?? '–') : null);
	return entries.map((e) => {
		const proposal = proposals.find((x) => x.id === proposalOf(e.actorLabel));
		return {
			at: e.at,
			action: e.action,
			entityType: e.entityType,
			changes: e.changes,
			actorName: nameOf(e.actorUserId),
			actorLabel: e.actorLabel,
			proposerName: proposal ? (nameOf(proposal.by) ?? '–') : null
		};
	});
}
