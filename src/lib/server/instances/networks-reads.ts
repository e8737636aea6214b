/**
 * What Vernetzung (networks, issue 14 §5) reads of the instances: the social spaces each instance
 * of a municipality serves, so a post addressed to a social space reaches the staff working there.
 */
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { instance, instanceSocialSpace } from './schema';

/** `instanceId → socialSpaceIds` for every instance of the municipality that serves a space. */
export async function servedSpacesByInstance(db: DbOrTx, municipalityId: string): Promise<Map<string, string[]>> {
	const rows = await db
		.select({ instanceId: instanceSocialSpace.instanceId, socialSpaceId: instanceSocialSpace.socialSpaceId })
		.from(instanceSocialSpace)
		.innerJoin(instance, eq(instance.id, instanceSocialSpace.instanceId))
		.where(eq(instance.municipalityId, municipalityId));
	const out = new Map<string, string[]>();
	for (const r of rows) (out.get(r.instanceId) ?? out.set(r.instanceId, []).get(r.instanceId)!).push(r.socialSpaceId);
	return out;
}
