/**
 * Helpers shared by the benchmark scripts: latency summaries and the demo principals they act as.
 */
import { eq } from 'drizzle-orm';
import type { UserPrincipal } from '../src/lib/server/access';
import { userAccount, userInstance } from '../src/lib/server/accounts/schema';
import type { Db } from '../src/lib/server/db/client';
import { municipality } from '../src/lib/server/geography/schema';

/** p50, p95 and max in ms (one decimal) and the number of runs, nearest-rank percentiles. */
export function summary(times: number[]): { p50: number; p95: number; max: number; n: number } {
	const s = [...times].sort((a, b) => a - b);
	const at = (p: number) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
	const r = (x: number) => Math.round(x * 10) / 10;
	return { p50: r(at(50)), p95: r(at(95)), max: r(s[s.length - 1]), n: s.length };
}

/** Runs `fn` once to warm caches, then `runs` times, and summarises the timed runs. */
export async function timeRuns(runs: number, fn: () => Promise<unknown>): Promise<ReturnType<typeof summary>> {
	await fn();
	const times: number[] = [];
	for (let i = 0; i < runs; i++) {
		const t0 = performance.now();
		await fn();
		times.push(performance.now() - t0);
	}
	return summary(times);
}

/** The principal of a demo account, as a signed-in session would carry it. @throws Error when the account is missing. */
export async function principalOf(db: Db, email: string): Promise<UserPrincipal> {
	const [u] = await db.select().from(userAccount).where(eq(userAccount.email, email));
	if (!u) throw new Error(`demo account ${email} missing`);
	const [m] = await db.select().from(municipality).where(eq(municipality.id, u.municipalityId));
	const inst = await db.select({ id: userInstance.instanceId }).from(userInstance).where(eq(userInstance.userId, u.id));
	return { kind: 'user', userId: u.id, email: u.email, displayName: u.displayName, role: u.role as UserPrincipal['role'], municipalityId: u.municipalityId, municipalitySlug: m.slug, instanceIds: inst.map((i) => i.id), totpEnabled: false };
}
