/**
 * Typed relations between actors (issue 14 §2): kooperiert mit, ist Mitglied von, fördert,
 * beherbergt Angebote von, verweist an — with the dates they held. Both actors are of the
 * municipality's directory. The derived relations (shared networks, referrals, hosted offers)
 * are computed where they are shown (`map.ts`), not stored.
 */
import { auditActor, authorize, type Principal } from '../access';
import { recordAudit } from '../audit/service';
import { ValidationError, type FieldIssue } from '../core/errors';
import { isIsoDate, isStorableText } from '../core/validation';
import type { Db } from '../db/client';
import { networkActors } from '../directory/networks-reads';
import { NETWORK_LIMITS, RELATION_KINDS } from './model';
import { actorRelation } from './schema';

/** What a relation is recorded with; dates `YYYY-MM-DD` or empty. */
export interface RelationInput {
	municipalityId: string;
	fromOrganizationId: string;
	toOrganizationId: string;
	kind: string;
	startsOn?: string;
	endsOn?: string;
	note?: string;
}

/**
 * Records a relation between two actors of the municipality.
 * @returns the relation's id.
 * @throws AccessDeniedError without `networks:relate`, ValidationError: `fromOrganizationId` /
 *   `toOrganizationId` `required` | `nw_unknown_actor` | `nw_actor_other_municipality`;
 *   `toOrganizationId` `nw_same_actor`; `kind` `nw_unknown_relation`; `startsOn` / `endsOn`
 *   `invalid_date`; `endsOn` `nw_end_before_start`; `note` `too_long` | `invalid`.
 */
export async function createRelation(db: Db, principal: Principal, input: RelationInput, options: { now?: Date; isDemo?: boolean } = {}): Promise<{ id: string }> {
	authorize(principal, 'networks:relate', { municipalityId: input.municipalityId });
	const now = options.now ?? new Date();
	const issues: FieldIssue[] = [];
	const actors = await networkActors(db, { ids: [input.fromOrganizationId, input.toOrganizationId] });
	for (const field of ['fromOrganizationId', 'toOrganizationId'] as const) {
		const id = input[field];
		const actor = actors.find((a) => a.id === id);
		if (!id) issues.push({ field, code: 'required' });
		else if (!actor) issues.push({ field, code: 'nw_unknown_actor' });
		else if (actor.municipalityId !== input.municipalityId) issues.push({ field, code: 'nw_actor_other_municipality' });
	}
	if (input.fromOrganizationId && input.fromOrganizationId === input.toOrganizationId) issues.push({ field: 'toOrganizationId', code: 'nw_same_actor' });
	if (!(RELATION_KINDS as readonly string[]).includes(input.kind)) issues.push({ field: 'kind', code: 'nw_unknown_relation' });
	if (input.startsOn && !isIsoDate(input.startsOn)) issues.push({ field: 'startsOn', code: 'invalid_date' });
	if (input.endsOn && !isIsoDate(input.endsOn)) issues.push({ field: 'endsOn', code: 'invalid_date' });
	else if (input.endsOn && input.startsOn && isIsoDate(input.startsOn) && input.endsOn < input.startsOn) issues.push({ field: 'endsOn', code: 'nw_end_before_start' });
	const note = input.note ?? '';
	if (note.length > NETWORK_LIMITS.shortText) issues.push({ field: 'note', code: 'too_long', params: { max: NETWORK_LIMITS.shortText } });
	else if (!isStorableText(note)) issues.push({ field: 'note', code: 'invalid' });
	if (issues.length) throw new ValidationError(issues);
	return db.transaction(async (tx) => {
		const [row] = await tx
			.insert(actorRelation)
			.values({
				municipalityId: input.municipalityId,
				fromOrganizationId: input.fromOrganizationId,
				toOrganizationId: input.toOrganizationId,
				kind: input.kind,
				startsOn: input.startsOn || null,
				endsOn: input.endsOn || null,
				note: note.trim(),
				isDemo: options.isDemo ?? false,
				createdAt: now,
				updatedAt: now
			})
			.returning({ id: actorRelation.id });
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId: input.municipalityId,
			action: 'create',
			entityType: 'actor_relation',
			entityId: row.id,
			changes: { from: [null, input.fromOrganizationId], to: [null, input.toOrganizationId], kind: [null, input.kind] }
		});
		return row;
	});
}
