/**
 * The one guard of the signed-in areas (issue 11 §3). SvelteKit runs form actions before any
 * `load` and answers `__data.json` per node, so a guard in a layout protects neither
 * (sveltejs/kit#6315); this one runs in `hooks.server.ts` before anything of the route.
 *
 * Which permission opens which area is data (`AREAS`), decided by `can()`. A request that is
 * refused never reaches the route:
 * - pages: nobody signed in → sign-in page; password given but the second factor owed → its
 *   page; signed in without the permission → 403 with the localized error page;
 * - `__data.json` and actions (any method but GET/HEAD): 401 or 403, no redirect, no data.
 */
import { can, type Permission, type UserPrincipal } from '../access';

/** An area under `/{lang}`: its path prefix and the permission that opens it. First match wins. */
interface Area {
	prefix: string;
	permission: Permission;
	/** The scope the permission is asked for. */
	scope: (p: UserPrincipal) => { municipalityId?: string; userId?: string };
}

const own = (p: UserPrincipal) => ({ municipalityId: p.municipalityId });

/** The guarded areas, most specific first. */
const AREAS: readonly Area[] = [
	// Every signed-in person manages their own password and second factor (issue 11 §6).
	{ prefix: '/staff/account', permission: 'account:own', scope: (p) => ({ userId: p.userId }) },
	// Partner editors work in the directory part only, where they propose changes (issue 3 §6).
	{ prefix: '/staff/directory', permission: 'directory:propose', scope: own },
	// Partner editors request rooms for their offers there too (issue 15 §2).
	{ prefix: '/staff/hosting', permission: 'hosting:request', scope: own },
	{ prefix: '/staff', permission: 'staff_area:enter', scope: own },
	{ prefix: '/admin', permission: 'municipality:administer', scope: own },
	{ prefix: '/volunteer', permission: 'accompaniment:volunteer', scope: own }
];

/** The decision for one request. */
export type GuardDecision =
	| { kind: 'allow' }
	| { kind: 'redirect'; location: string }
	| { kind: 'refuse'; status: 401 | 403 }
	/** A page the person may not see: answer 403 with the localized error page. */
	| { kind: 'forbidden_page' };

/** The route path of a request without the `__data.json` suffix, and whether it had one. */
function routePath(pathname: string): { path: string; data: boolean } {
	const data = pathname.endsWith('/__data.json');
	const path = data ? pathname.slice(0, -'/__data.json'.length) || '/' : pathname;
	return { path: path.length > 1 ? path.replace(/\/+$/, '') : path, data };
}

function areaOf(rest: string): Area | undefined {
	return AREAS.find((a) => rest === a.prefix || rest.startsWith(`${a.prefix}/`));
}

/**
 * Decides a request to `/{lang}/…`.
 * @param lang the URL's language segment (undefined outside `/{lang}`: never guarded here).
 * @param method the HTTP method; anything but GET/HEAD is an action.
 */
export function decide(input: {
	pathname: string;
	lang: string | undefined;
	method: string;
	/** SvelteKit's `isDataRequest` (it strips `__data.json` from the URL before the hooks). */
	dataRequest?: boolean;
	principal: UserPrincipal | null;
	secondFactorPending: boolean;
}): GuardDecision {
	if (!input.lang) return { kind: 'allow' };
	const { path, data } = routePath(input.pathname);
	const rest = path.slice(input.lang.length + 1) || '/';
	const area = areaOf(rest);
	if (!area) return { kind: 'allow' };
	const page = !data && !input.dataRequest && (input.method === 'GET' || input.method === 'HEAD');
	const p = input.principal;
	if (!p) {
		if (!page) return { kind: 'refuse', status: 401 };
		return { kind: 'redirect', location: `/${input.lang}/login${input.secondFactorPending ? '/second-factor' : ''}` };
	}
	if (can(p, area.permission, area.scope(p))) return { kind: 'allow' };
	if (page && rest === '/staff') {
		// Sign-in leads to the staff start page; send people to the part that is theirs.
		const other = AREAS.find((a) => a.prefix !== '/staff' && a.prefix !== '/staff/account' && can(p, a.permission, a.scope(p)));
		if (other) return { kind: 'redirect', location: `/${input.lang}${other.prefix}` };
	}
	return page ? { kind: 'forbidden_page' } : { kind: 'refuse', status: 403 };
}

