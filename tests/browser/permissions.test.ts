/**
 * The HTTP permission matrix (issue 11 §4): every page, `__data.json`, endpoint and form action of
 * the route tree, as anonymous visitor and as each demo role, answers as the table below says —
 * never 500, and never data behind a refusal. The route list is read from `src/routes`: a route
 * without an entry in `ROUTES` (or an entry without a route) fails the first test, so every new
 * page is placed in the matrix when it is made.
 *
 * Roles: `anon`, `admin` (Düsseldorf's integration office), `staff` (Welcome Point 5), `partner`
 * (a partner organisation), `volunteer`, `other` (staff of Köln's contact point: another
 * municipality). Each route lists the roles that may open it (`open`); everyone else is refused:
 * anonymous page visits are sent to the sign-in page, anonymous `__data.json` and actions get
 * 401, signed-in people without the right get 403 or 404 (a record of another scope).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { Client } from '../helpers/http';

const base = inject('baseUrl');

type Who = 'anon' | 'admin' | 'staff' | 'partner' | 'volunteer' | 'other';
const EVERYONE: Who[] = ['anon', 'admin', 'staff', 'partner', 'volunteer', 'other'];
const SIGNED_IN: Who[] = ['admin', 'staff', 'partner', 'volunteer', 'other'];
const LOGINS: Record<Exclude<Who, 'anon'>, string> = {
	admin: 'admin.duesseldorf@example.org',
	staff: 'wp5@example.org',
	partner: 'partner.duesseldorf@example.org',
	volunteer: 'ehrenamt.duesseldorf@example.org',
	other: 'kalk@example.org'
};

/** Ids of demo records the paths are filled with (found in the running demo). */
type Ids = Record<string, string>;

interface RouteSpec {
	/** The URL to request (the route with its parameters filled). */
	path: (ids: Ids) => string;
	/** Who may open it. */
	open: Who[];
	/** Statuses that count as "opened" (default 200), per role where they differ. */
	ok?: number[] | Partial<Record<Who, number[]>>;
	/** Public form actions: refused for nobody, but never answered 500. */
	publicActions?: boolean;
}

const STAFF_AREA: Who[] = ['admin', 'staff', 'other'];
const ADMINS: Who[] = ['admin'];

/** Every route of `src/routes`, keyed by its folder below it. */
const ROUTES: Record<string, RouteSpec> = {
	'': { path: () => '/', open: EVERYONE, ok: [302, 303, 307] },
	'[lang=locale]': { path: () => '/de', open: EVERYONE },
	'[lang=locale]/admin': { path: () => '/de/admin', open: ADMINS },
	'[lang=locale]/admin/areas': { path: () => '/de/admin/areas', open: ADMINS },
	'[lang=locale]/admin/audit': { path: () => '/de/admin/audit', open: ADMINS },
	'[lang=locale]/admin/casework': { path: () => '/de/admin/casework', open: ADMINS },
	'[lang=locale]/admin/instances': { path: () => '/de/admin/instances', open: ADMINS },
	'[lang=locale]/admin/users/[id]': { path: (i) => `/de/admin/users/${i.user}`, open: ADMINS },
	'[lang=locale]/admin/users/new': { path: () => '/de/admin/users/new', open: ADMINS },
	// A link that is not (or no longer) an invitation: everyone sees the page saying so.
	'[lang=locale]/invitation/[token]': { path: () => '/de/invitation/not-a-token', open: EVERYONE, publicActions: true },
	'[lang=locale]/compare': { path: (i) => `/de/compare?i=${i.wp5}&i=${i.wp6}`, open: EVERYONE },
	'[lang=locale]/login': { path: () => '/de/login', open: EVERYONE, ok: { anon: [200], admin: [303], staff: [303], partner: [303], volunteer: [303], other: [303] }, publicActions: true },
	'[lang=locale]/login/second-factor': { path: () => '/de/login/second-factor', open: EVERYONE, ok: [303], publicActions: true },
	'[lang=locale]/logout': { path: () => '/de/logout', open: EVERYONE, ok: [303], publicActions: true },
	'[lang=locale]/networks/unsubscribe/[token]': { path: () => '/de/networks/unsubscribe/not-a-token', open: EVERYONE, publicActions: true },
	'[lang=locale]/no-access': { path: () => '/de/no-access', open: EVERYONE, ok: [403] },
	'[lang=locale]/m/[municipality]': { path: () => '/de/m/duesseldorf', open: EVERYONE },
	'[lang=locale]/m/[municipality]/a/[id]': { path: (i) => `/de/m/duesseldorf/a/${i.actor}`, open: EVERYONE },
	'[lang=locale]/m/[municipality]/calendar': { path: () => '/de/m/duesseldorf/calendar', open: EVERYONE },
	'[lang=locale]/m/[municipality]/events/[id]': { path: (i) => `/de/m/duesseldorf/events/${i.hostingEvent}`, open: EVERYONE, publicActions: true },
	// A link that is not (or no longer) a registration: the page shows the button, the action answers 404.
	'[lang=locale]/hosting/cancel/[token]': { path: () => '/de/hosting/cancel/not-a-token', open: EVERYONE, publicActions: true },
	'[lang=locale]/staff/hosting': { path: () => '/de/staff/hosting', open: ['admin', 'staff', 'partner', 'other'] },
	'[lang=locale]/staff/hosting/events/[id]': { path: (i) => `/de/staff/hosting/events/${i.hostingEvent}`, open: ['admin', 'staff'] },
	// A room's feed is internal: staff and administrators of its municipality.
	// Hosting staff screens (issue 15): a new room for anyone who manages a Welcome Point; a new event needs a room to hold it in (Köln's staff have none); a Düsseldorf room and booking for its staff.
	'[lang=locale]/staff/hosting/rooms/new': { path: () => '/de/staff/hosting/rooms/new', open: ['admin', 'staff', 'other'] },
	'[lang=locale]/staff/hosting/rooms/[id]': { path: (i) => `/de/staff/hosting/rooms/${i.hostingRoom}`, open: ['admin', 'staff'] },
	'[lang=locale]/staff/hosting/events/new': { path: () => '/de/staff/hosting/events/new', open: ['admin', 'staff', 'other'] },
	'[lang=locale]/staff/hosting/bookings/[id]': { path: (i) => `/de/staff/hosting/bookings/${i.hostingBooking}`, open: ['admin', 'staff'] },
	'[lang=locale]/m/[municipality]/calendar/instance/[slug]': { path: () => '/de/m/duesseldorf/calendar/instance/welcome-point-5', open: EVERYONE },
	'[lang=locale]/m/[municipality]/calendar/space/[id]': { path: (i) => `/de/m/duesseldorf/calendar/space/${i.calendarSpace}`, open: EVERYONE },
	'[lang=locale]/staff/hosting/rooms/[id].ics': { path: (i) => `/de/staff/hosting/rooms/${i.hostingRoom}.ics`, open: ['admin', 'staff'] },
	'[lang=locale]/m/[municipality]/networks': { path: () => '/de/m/duesseldorf/networks', open: EVERYONE },
	'[lang=locale]/m/[municipality]/networks/[id]': { path: (i) => `/de/m/duesseldorf/networks/${i.publicNetwork}`, open: EVERYONE },
	'[lang=locale]/m/[municipality]/networks/meetings/[id]': { path: (i) => `/de/m/duesseldorf/networks/meetings/${i.publicMeeting}`, open: EVERYONE },
	'[lang=locale]/m/[municipality]/networks/posts': { path: () => '/de/m/duesseldorf/networks/posts', open: EVERYONE },
	'[lang=locale]/m/[municipality]/d/[district]': { path: (i) => `/de/m/duesseldorf/d/${i.district}`, open: EVERYONE },
	'[lang=locale]/m/[municipality]/i/[instance]': { path: () => '/de/m/duesseldorf/i/welcome-point-5', open: EVERYONE },
	'[lang=locale]/m/[municipality]/o/[id]': { path: (i) => `/de/m/duesseldorf/o/${i.offer}`, open: EVERYONE, publicActions: true },
	'[lang=locale]/m/[municipality]/o/[id]/slip': { path: (i) => `/de/m/duesseldorf/o/${i.offer}/slip`, open: EVERYONE },
	'[lang=locale]/m/[municipality]/saved': { path: () => '/de/m/duesseldorf/saved', open: EVERYONE, publicActions: true },
	'[lang=locale]/m/[municipality]/search': { path: () => '/de/m/duesseldorf/search?q=Sprachkurs', open: EVERYONE },
	'[lang=locale]/password/forgot': { path: () => '/de/password/forgot', open: EVERYONE, publicActions: true },
	'[lang=locale]/password/reset/[token]': { path: () => '/de/password/reset/not-a-token', open: EVERYONE, publicActions: true },
	'[lang=locale]/r/[token]': { path: () => '/de/r/not-a-token', open: EVERYONE, ok: [400, 404], publicActions: true },
	'[lang=locale]/r/thanks': { path: () => '/de/r/thanks', open: EVERYONE },
	'[lang=locale]/verify/[token]': { path: () => '/de/verify/not-a-token', open: EVERYONE, ok: [400, 404, 410], publicActions: true },
	'[lang=locale]/verify/thanks': { path: () => '/de/verify/thanks', open: EVERYONE },
	'[lang=locale]/volunteer': { path: () => '/de/volunteer', open: ['volunteer'] },
	'[lang=locale]/volunteer/hours': { path: () => '/de/volunteer/hours', open: ['volunteer'] },
	'[lang=locale]/volunteer/needs': { path: () => '/de/volunteer/needs', open: ['volunteer'] },
	'[lang=locale]/volunteer/profile': { path: () => '/de/volunteer/profile', open: ['volunteer'] },
	'[lang=locale]/volunteer/certificate.pdf': { path: () => '/de/volunteer/certificate.pdf', open: ['volunteer'] },
	'[lang=locale]/volunteer/export.json': { path: () => '/de/volunteer/export.json', open: ['volunteer'] },
	'[lang=locale]/staff/volunteers': { path: () => '/de/staff/volunteers', open: STAFF_AREA },
	// A Düsseldorf demo volunteer: its coordination only (Köln's staff get 404).
	'[lang=locale]/staff/volunteers/[id]': { path: (i) => `/de/staff/volunteers/${i.volunteerProfile}`, open: ['admin', 'staff'] },
	'[lang=locale]/staff/volunteers/[id]/export.json': { path: (i) => `/de/staff/volunteers/${i.volunteerProfile}/export.json`, open: ['admin', 'staff'] },
	'[lang=locale]/staff/volunteers/[id]/certificate.pdf': { path: (i) => `/de/staff/volunteers/${i.volunteerProfile}/certificate.pdf`, open: ['admin', 'staff'] },
	'[lang=locale]/staff/volunteers/needs': { path: () => '/de/staff/volunteers/needs', open: STAFF_AREA },
	'[lang=locale]/staff/volunteers/settings': { path: () => '/de/staff/volunteers/settings', open: ADMINS },
	'[lang=locale]/staff/volunteers/tasks': { path: () => '/de/staff/volunteers/tasks', open: STAFF_AREA },
	'[lang=locale]/staff/volunteers/needs/new': { path: () => '/de/staff/volunteers/needs/new', open: STAFF_AREA },
	'[lang=locale]/staff/volunteers/needs/[id]': { path: (i) => `/de/staff/volunteers/needs/${i.volunteerNeed}`, open: ['admin', 'staff'] },
	'[lang=locale]/staff/volunteers/hours': { path: () => '/de/staff/volunteers/hours', open: STAFF_AREA },
	'[lang=locale]/v/[token]': { path: () => '/de/v/not-a-token', open: EVERYONE, ok: [404], publicActions: true },
	// Partizipation (issue 16): public campaign pages, results, GeoJSON and feedback forms; staff moderation.
	'[lang=locale]/m/[municipality]/o/[id]/feedback': { path: (i) => `/de/m/duesseldorf/o/${i.offer}/feedback`, open: EVERYONE, publicActions: true },
	'[lang=locale]/m/[municipality]/participation/[id]': { path: (i) => `/de/m/duesseldorf/participation/${i.campaign}`, open: EVERYONE, publicActions: true },
	'[lang=locale]/m/[municipality]/participation/[id]/map.svg': { path: (i) => `/de/m/duesseldorf/participation/${i.campaign}/map.svg`, open: EVERYONE },
	'[lang=locale]/m/[municipality]/participation/[id]/results': { path: (i) => `/de/m/duesseldorf/participation/${i.campaign}/results`, open: EVERYONE },
	'[lang=locale]/m/[municipality]/participation/[id]/results.geojson': { path: (i) => `/de/m/duesseldorf/participation/${i.campaign}/results.geojson`, open: EVERYONE },
	'[lang=locale]/r/[token]/feedback': { path: () => '/de/r/not-a-token/feedback', open: EVERYONE, ok: [404], publicActions: true },
	'[lang=locale]/staff/participation': { path: () => '/de/staff/participation', open: STAFF_AREA },
	'[lang=locale]/staff/participation/[id]': { path: (i) => `/de/staff/participation/${i.campaign}`, open: ['admin', 'staff'] },
	// Surveys (issue 16 §3): the builder, QR codes, results and CSV for staff; the answering page, map image and published result for everyone.
	'[lang=locale]/staff/participation/surveys': { path: () => '/de/staff/participation/surveys', open: STAFF_AREA },
	'[lang=locale]/staff/participation/surveys/new': { path: () => '/de/staff/participation/surveys/new', open: STAFF_AREA },
	'[lang=locale]/staff/participation/surveys/[id]': { path: (i) => `/de/staff/participation/surveys/${i.survey}`, open: ['admin', 'staff'] },
	'[lang=locale]/staff/participation/surveys/[id]/qr/[file]': { path: (i) => `/de/staff/participation/surveys/${i.survey}/qr/newcomers.png`, open: ['admin', 'staff'] },
	'[lang=locale]/staff/participation/surveys/[id]/results': { path: (i) => `/de/staff/participation/surveys/${i.survey}/results`, open: ['admin', 'staff'] },
	'[lang=locale]/staff/participation/surveys/[id]/results.csv': { path: (i) => `/de/staff/participation/surveys/${i.survey}/results.csv`, open: ['admin', 'staff'] },
	'[lang=locale]/survey/[token]': { path: (i) => `/de/survey/${i.surveyToken}`, open: EVERYONE, publicActions: true },
	'[lang=locale]/survey/[token]/results': { path: (i) => `/de/survey/${i.surveyToken}/results`, open: EVERYONE },
	'[lang=locale]/survey/[token]/map/[question]': { path: (i) => `/de/survey/${i.surveyToken}/map/00000000-0000-4000-8000-000000000000`, open: EVERYONE, ok: [404] },
	'[lang=locale]/staff/participation/[id]/edit': { path: (i) => `/de/staff/participation/${i.campaign}/edit`, open: ['admin', 'staff'] },
	'[lang=locale]/staff/needs/[id]/participation.csv': { path: (i) => `/de/staff/needs/${i.needs}/participation.csv`, open: ['admin', 'staff'] },
	'[lang=locale]/staff/directory/offers/[id]/feedback': { path: (i) => `/de/staff/directory/offers/${i.offer}/feedback`, open: ['admin', 'staff', 'partner'] },
	'[lang=locale]/m/[municipality]/volunteer': { path: () => '/de/m/duesseldorf/volunteer', open: EVERYONE, publicActions: true },
	'[lang=locale]/m/[municipality]/volunteer/confirm/[token]': { path: () => '/de/m/duesseldorf/volunteer/confirm/not-a-token', open: EVERYONE, publicActions: true },
	'[lang=locale]/staff': { path: () => '/de/staff', open: STAFF_AREA },
	'[lang=locale]/staff/account': { path: () => '/de/staff/account', open: SIGNED_IN },
	'[lang=locale]/staff/accompaniments': { path: () => '/de/staff/accompaniments', open: ['staff', 'other'] },
	'[lang=locale]/staff/assessment': { path: () => '/de/staff/assessment', open: STAFF_AREA },
	'[lang=locale]/staff/assessment/[id]': { path: (i) => `/de/staff/assessment/${i.assessment}`, open: ['admin', 'staff'] },
	'[lang=locale]/staff/assessment/catalogue/[id]': { path: (i) => `/de/staff/assessment/catalogue/${i.catalogue}`, open: ['admin', 'staff'] },
	'[lang=locale]/staff/cases': { path: () => '/de/staff/cases', open: ['staff', 'other'] },
	'[lang=locale]/staff/cases/[id]': { path: (i) => `/de/staff/cases/${i.case}`, open: ['staff'] },
	'[lang=locale]/staff/cases/[id]/accompaniment': { path: (i) => `/de/staff/cases/${i.case}/accompaniment`, open: ['staff'] },
	'[lang=locale]/staff/cases/[id]/consent-form': { path: (i) => `/de/staff/cases/${i.case}/consent-form`, open: ['staff'] },
	'[lang=locale]/staff/cases/[id]/export.json': { path: (i) => `/de/staff/cases/${i.case}/export.json`, open: ['staff'] },
	'[lang=locale]/staff/cases/[id]/export.pdf': { path: (i) => `/de/staff/cases/${i.case}/export.pdf`, open: ['staff'] },
	// Administrators see the page with a note that only an instance's staff record contacts.
	'[lang=locale]/staff/contacts': { path: () => '/de/staff/contacts', open: STAFF_AREA },
	'[lang=locale]/staff/coverage': { path: () => '/de/staff/coverage', open: STAFF_AREA },
	'[lang=locale]/staff/coverage/cell': { path: (i) => i.coverageCell, open: ['admin', 'staff'] },
	'[lang=locale]/staff/coverage/map': { path: () => '/de/staff/coverage/map', open: STAFF_AREA },
	'[lang=locale]/staff/coverage/rules': { path: () => '/de/staff/coverage/rules', open: STAFF_AREA },
	'[lang=locale]/staff/directory': { path: () => '/de/staff/directory', open: ['admin', 'staff', 'partner', 'other'] },
	'[lang=locale]/staff/directory/actors/[id]': { path: (i) => `/de/staff/directory/actors/${i.actor}`, open: ['admin', 'staff', 'partner'] },
	'[lang=locale]/staff/directory/freshness': { path: () => '/de/staff/directory/freshness', open: ['admin', 'staff', 'other'] },
	'[lang=locale]/staff/directory/history/[kind]/[id]': { path: (i) => `/de/staff/directory/history/service/${i.offer}`, open: ['admin', 'staff', 'partner'] },
	'[lang=locale]/staff/directory/offers/[id]': { path: (i) => `/de/staff/directory/offers/${i.offer}`, open: ['admin', 'staff', 'partner'] },
	'[lang=locale]/staff/directory/proposals': { path: () => '/de/staff/directory/proposals', open: ['admin', 'staff', 'partner', 'other'] },
	// The partner's own proposal.
	'[lang=locale]/staff/directory/proposals/[id]': { path: (i) => `/de/staff/directory/proposals/${i.proposal}`, open: ['admin', 'staff', 'partner'] },
	'[lang=locale]/staff/instances/[id]': { path: (i) => `/de/staff/instances/${i.wp5}`, open: ['admin', 'staff'] },
	'[lang=locale]/staff/networks': { path: () => '/de/staff/networks', open: STAFF_AREA },
	'[lang=locale]/staff/networks/[id]': { path: (i) => `/de/staff/networks/${i.network}`, open: ['admin', 'staff'] },
	// The first network by name is a working group coordinated by Welcome Point 6: Welcome Point 5's staff may not change it.
	'[lang=locale]/staff/networks/[id]/edit': { path: (i) => `/de/staff/networks/${i.network}/edit`, open: ['admin'] },
	'[lang=locale]/staff/networks/map': { path: () => '/de/staff/networks/map', open: STAFF_AREA },
	'[lang=locale]/staff/networks/new': { path: () => '/de/staff/networks/new', open: STAFF_AREA },
	'[lang=locale]/staff/networks/posts': { path: () => '/de/staff/networks/posts', open: STAFF_AREA },
	// A demo meeting with approved minutes; its staff pages are for Düsseldorf (Köln's staff get 404).
	'[lang=locale]/staff/networks/meetings/[id]': { path: (i) => `/de/staff/networks/meetings/${i.meeting}`, open: ['admin', 'staff'] },
	'[lang=locale]/staff/networks/meetings/[id]/calendar.ics': { path: (i) => `/de/staff/networks/meetings/${i.meeting}/calendar.ics`, open: ['admin', 'staff'] },
	'[lang=locale]/staff/networks/meetings/[id]/minutes/[version]': { path: (i) => `/de/staff/networks/meetings/${i.meeting}/minutes/1`, open: ['admin', 'staff'] },
	'[lang=locale]/staff/needs': { path: () => '/de/staff/needs', open: STAFF_AREA },
	'[lang=locale]/staff/needs/[id]': { path: (i) => `/de/staff/needs/${i.needs}`, open: ['admin', 'staff'] },
	'[lang=locale]/staff/needs/[id]/attachment': { path: (i) => `/de/staff/needs/${i.needs}/attachment`, open: ['admin', 'staff'], ok: [200, 404] },
	'[lang=locale]/staff/needs/new': { path: () => '/de/staff/needs/new', open: STAFF_AREA },
	'[lang=locale]/staff/programmes': { path: () => '/de/staff/programmes', open: STAFF_AREA },
	'[lang=locale]/staff/programmes/[id]': { path: (i) => `/de/staff/programmes/${i.programme}`, open: ['admin', 'staff'] },
	'[lang=locale]/staff/programmes/calendar': { path: () => '/de/staff/programmes/calendar', open: STAFF_AREA },
	'[lang=locale]/staff/programmes/new': { path: () => '/de/staff/programmes/new', open: ADMINS },
	'[lang=locale]/staff/referrals': { path: () => '/de/staff/referrals', open: ['staff', 'other'] },
	// Needs the partner token, which exists only when the referral is issued (the casework tests
	// cover the slip): with a wrong token it is refused to everyone.
	'[lang=locale]/staff/referrals/[id]/slip': { path: () => '/de/staff/referrals/00000000-0000-4000-8000-000000000000/slip?ref=not-a-token', open: [] },
	'[lang=locale]/staff/statistics': { path: () => '/de/staff/statistics', open: STAFF_AREA },
	'[lang=locale]/staff/statistics/download': { path: (i) => i.statisticsDownload, open: ['admin', 'staff'] },
	'[lang=locale]/staff/steering': { path: () => '/de/staff/steering', open: STAFF_AREA },
	'[lang=locale]/staff/steering/instance/[id]': { path: (i) => `/de/staff/steering/instance/${i.wp5}`, open: ['admin', 'staff'] },
	'[lang=locale]/staff/steering/report': { path: (i) => i.steeringReport, open: STAFF_AREA },
	'api/volunteering/calendar/[token].ics': { path: () => '/api/volunteering/calendar/not-a-token.ics', open: EVERYONE, ok: [404] },
	'api/hsds': { path: () => '/api/hsds', open: EVERYONE },
	'api/hsds/openapi.json': { path: () => '/api/hsds/openapi.json', open: EVERYONE },
	'api/hsds/organizations': { path: () => '/api/hsds/organizations?municipality=duesseldorf', open: EVERYONE },
	'api/hsds/organizations/[id]': { path: (i) => `/api/hsds/organizations/${i.hsdsOrganization}`, open: EVERYONE },
	'api/hsds/service_at_locations': { path: () => '/api/hsds/service_at_locations?municipality=duesseldorf', open: EVERYONE },
	'api/hsds/service_at_locations/[id]': { path: (i) => `/api/hsds/service_at_locations/${i.hsdsServiceAtLocation}`, open: EVERYONE },
	'api/hsds/services': { path: () => '/api/hsds/services?municipality=duesseldorf', open: EVERYONE },
	'api/hsds/services/[id]': { path: (i) => `/api/hsds/services/${i.hsdsService}`, open: EVERYONE },
	'api/hsds/taxonomies': { path: () => '/api/hsds/taxonomies', open: EVERYONE },
	'api/hsds/taxonomies/[id]': { path: (i) => `/api/hsds/taxonomies/${i.hsdsTaxonomy}`, open: EVERYONE },
	'api/hsds/taxonomy_terms': { path: () => '/api/hsds/taxonomy_terms', open: EVERYONE },
	'api/hsds/taxonomy_terms/[id]': { path: (i) => `/api/hsds/taxonomy_terms/${i.hsdsTerm}`, open: EVERYONE },
	'api/steering/[municipality]/deadlines.ics': { path: () => '/api/steering/duesseldorf/deadlines.ics', open: EVERYONE },
	'api/networks/[municipality]/posts.atom': { path: () => '/api/networks/duesseldorf/posts.atom', open: EVERYONE },
	'api/hosting/events/[id].ics': { path: (i) => `/api/hosting/events/${i.hostingEvent}.ics`, open: EVERYONE },
	'api/hosting/instances/[id].ics': { path: (i) => `/api/hosting/instances/${i.wp5}.ics`, open: EVERYONE },
	'api/oparl': { path: () => '/api/oparl', open: EVERYONE },
	'api/oparl/[type]/[id]': { path: (i) => i.oparlMeeting, open: EVERYONE },
	'api/oparl/bodies': { path: () => '/api/oparl/bodies', open: EVERYONE },
	'api/oparl/body/[body]': { path: () => '/api/oparl/body/duesseldorf', open: EVERYONE },
	'api/oparl/body/[body]/[list]': { path: () => '/api/oparl/body/duesseldorf/meetings', open: EVERYONE },
	'api/oparl/file/[id]/content': { path: (i) => i.oparlFileContent, open: EVERYONE },
	healthz: { path: () => '/healthz', open: EVERYONE },
	readyz: { path: () => '/readyz', open: EVERYONE }
};

/** Route folders (relative to src/routes) that hold a page or an endpoint. */
function routeFolders(): { folder: string; page: boolean; actions: string[] }[] {
	const out: { folder: string; page: boolean; actions: string[] }[] = [];
	const walk = (dir: string) => {
		const names = readdirSync(dir);
		const page = names.includes('+page.svelte') || names.includes('+page.server.ts');
		if (page || names.includes('+server.ts')) {
			const server = path.join(dir, '+page.server.ts');
			out.push({ folder: path.relative('src/routes', dir), page, actions: names.includes('+page.server.ts') ? actionsOf(readFileSync(server, 'utf8')) : [] });
		}
		for (const n of names) if (statSync(path.join(dir, n)).isDirectory()) walk(path.join(dir, n));
	};
	walk('src/routes');
	return out;
}

/** The names of a `+page.server.ts`'s form actions: the keys of `export const actions` (one tab in). */
function actionsOf(source: string): string[] {
	const start = source.indexOf('export const actions');
	if (start < 0) return [];
	const body = source.slice(start, source.indexOf('\n};', start));
	return [...body.matchAll(/^\t([A-Za-z]+)\s*[:(]/gm)].map((m) => m[1]);
}

const FOLDERS = routeFolders();
const clients = {} as Record<Who, Client>;
const ids: Ids = {};

/** The first match of `pattern` in the page at `url` as `who`. @throws naming what was not found. */
async function find(who: Who, url: string, pattern: RegExp, what: string): Promise<string> {
	const { status, text } = await clients[who].get(url);
	const m = pattern.exec(text.replaceAll('&amp;', '&'));
	if (!m) throw new Error(`no ${what} on ${url} as ${who} (status ${status})`);
	return m[1];
}

beforeAll(async () => {
	clients.anon = new Client(base);
	for (const [who, email] of Object.entries(LOGINS) as [Exclude<Who, 'anon'>, string][]) {
		clients[who] = new Client(base);
		expect(await clients[who].login(email), `${who} signs in`).toBe(303);
	}
	const opened = await clients.staff.request('/de/staff/cases?/open', {
		form: { purposes: ['counselling', 'referral'], dataCategories: ['display_name', 'language', 'topics'], givenOn: new Date().toISOString().slice(0, 10), explainedIn: 'de', language: 'de', displayName: 'Matrix Testperson', confirmed: 'yes' }
	});
	ids.case = opened.headers.get('location')!.match(/[0-9a-f-]{36}/)![0];
	// Reading a case needs a purpose for the session (issue 4 §6).
	expect((await clients.staff.request(`/de/staff/cases/${ids.case}?/purpose`, { form: { purpose: 'counselling' } })).status).toBe(303);
	const uuid = '([0-9a-f-]{36})';
	ids.wp5 = await find('staff', '/de/staff', new RegExp(`/de/staff/instances/${uuid}`), 'own instance');
	ids.wp6 = await find('admin', '/de/staff', new RegExp(`/de/staff/instances/(?!${ids.wp5})${uuid}`), 'Welcome Point 6');
	ids.district = await find('anon', '/de/m/duesseldorf', /\/de\/m\/duesseldorf\/d\/([a-z0-9-]+)/, 'district');
	ids.offer = await find('anon', '/de/m/duesseldorf/search', new RegExp(`/de/m/duesseldorf/o/${uuid}`), 'public offer');
	ids.actor = await find('staff', `/de/staff/directory/offers/${ids.offer}`, new RegExp(`/de/staff/directory/actors/${uuid}`), 'actor');
	ids.needs = await find('staff', '/de/staff/needs', new RegExp(`/de/staff/needs/${uuid}`), 'needs report');
	ids.network = await find('admin', '/de/staff/networks', new RegExp(`/de/staff/networks/${uuid}`), 'network');
	for (const network of (await clients.admin.get('/de/staff/networks')).text.matchAll(new RegExp(`/de/staff/networks/${uuid}`, 'g'))) {
		const meetings = (await clients.admin.get(`/de/staff/networks/${network[1]}`)).text.matchAll(new RegExp(`/de/staff/networks/meetings/${uuid}`, 'g'));
		for (const meeting of meetings) if ((await clients.admin.get(`/de/staff/networks/meetings/${meeting[1]}`)).text.includes('/minutes/1"')) ids.meeting ??= meeting[1];
		if (ids.meeting) break;
	}
	ids.publicNetwork = await find('anon', '/de/m/duesseldorf/networks', new RegExp(`/de/m/duesseldorf/networks/${uuid}`), 'public network');
	ids.publicMeeting = await find('anon', `/de/m/duesseldorf/networks/${ids.publicNetwork}`, new RegExp(`/de/m/duesseldorf/networks/meetings/${uuid}`), 'public meeting');
	ids.programme = await find('admin', '/de/staff/programmes', new RegExp(`/de/staff/programmes/${uuid}`), 'programme');
	ids.catalogue = await find('admin', '/de/staff/assessment', new RegExp(`/de/staff/assessment/catalogue/${uuid}`), 'catalogue');
	// Hosting (issue 15): Welcome Point 5's demo language café and one of its rooms.
	ids.hostingEvent = await find('staff', '/de/staff/hosting', new RegExp(`/de/staff/hosting/events/${uuid}`), 'own event');
	ids.hostingRoom = await find('staff', '/de/staff/hosting', new RegExp(`/de/staff/hosting/rooms/${uuid}\\.ics`), 'room feed');
	ids.hostingBooking = await find('staff', '/de/staff/hosting', new RegExp(`/de/staff/hosting/bookings/${uuid}`), 'booking');
	ids.calendarSpace = await find('anon', '/de/m/duesseldorf/calendar', new RegExp(`name="space"><option value="">[^<]*</option>(?:<!--[^>]*-->)?<option value="${uuid}"`), 'social space of the calendar filter');
	ids.assessment = await find('staff', '/de/staff/assessment', new RegExp(`/de/staff/assessment/${uuid}`), 'assessment').catch(async () => {
		const res = await clients.staff.request('/de/staff/assessment?/open', { form: { instanceId: ids.wp5 } });
		return res.headers.get('location')!.match(/[0-9a-f-]{36}/)![0];
	});
	const proposed = await clients.partner.request('/de/staff/directory/actors/new?/save', { form: { name: 'Matrix Vorschlag', visibility: 'network' } });
	expect(proposed.status, 'a partner proposes a change').toBe(303);
	ids.proposal = await find('staff', '/de/staff/directory/proposals', new RegExp(`/de/staff/directory/proposals/${uuid}`), 'proposal');
	ids.coverageCell = await find('admin', '/de/staff/coverage', /(\/de\/staff\/coverage\/cell\?[^"]+)/, 'coverage cell');
	ids.statisticsDownload = await find('admin', '/de/staff/statistics', /(\/de\/staff\/statistics\/download\?[^"]+)/, 'statistics download');
	ids.user = await find('admin', '/de/admin', new RegExp(`/de/admin/users/${uuid}`), 'account');
	ids.volunteerProfile = await find('staff', '/de/staff/volunteers', new RegExp(`/de/staff/volunteers/${uuid}`), 'demo volunteer');
	ids.volunteerNeed = await find('staff', '/de/staff/volunteers/needs', new RegExp(`/de/staff/volunteers/needs/${uuid}`), 'demo need');
	ids.campaign = await find('admin', '/de/staff/participation', new RegExp(`/de/staff/participation/${uuid}`), 'demo campaign');
	ids.survey = await find('admin', '/de/staff/participation/surveys', new RegExp(`/de/staff/participation/surveys/${uuid}`), 'demo survey');
	ids.surveyToken = await find('admin', `/de/staff/participation/surveys/${ids.survey}`, /\/de\/survey\/([A-Za-z0-9_-]{10,64})"/, 'survey link');
	ids.steeringReport = await find('admin', '/de/staff/steering', /(\/de\/staff\/steering\/report\?[^"]+)/, 'steering report');
	const json = async (url: string) => JSON.parse((await clients.anon.get(url, { accept: 'application/json' })).text);
	ids.hsdsService = (await json('/api/hsds/services?municipality=duesseldorf')).contents[0].id;
	ids.hsdsOrganization = (await json('/api/hsds/organizations?municipality=duesseldorf')).contents[0].id;
	ids.hsdsServiceAtLocation = (await json('/api/hsds/service_at_locations?municipality=duesseldorf')).contents[0].id;
	ids.hsdsTaxonomy = (await json('/api/hsds/taxonomies')).contents[0].id;
	ids.hsdsTerm = (await json('/api/hsds/taxonomy_terms')).contents[0].id;
	ids.oparlMeeting = new URL((await json('/api/oparl/body/duesseldorf/meetings')).data[0].id).pathname;
	ids.oparlFileContent = new URL((await json('/api/oparl/body/duesseldorf/files')).data[0].accessUrl).pathname;
}, 120_000);

function okStatuses(spec: RouteSpec, who: Who): number[] {
	if (!spec.ok) return [200];
	return Array.isArray(spec.ok) ? spec.ok : (spec.ok[who] ?? [200]);
}

describe('the HTTP permission matrix', () => {
	it('has an entry for every route and a route for every entry', () => {
		const folders = FOLDERS.map((f) => f.folder).sort();
		expect(folders).toEqual(Object.keys(ROUTES).sort());
	});

	describe.each(EVERYONE)('as %s', (who) => {
		it('opens what it may and is refused the rest: pages and endpoints', async () => {
			const wrong: string[] = [];
			for (const { folder } of FOLDERS) {
				const spec = ROUTES[folder];
				if (!spec) continue;
				const url = spec.path(ids);
				const res = await clients[who].request(url, { headers: { accept: 'text/html' } });
				const location = res.headers.get('location') ?? '';
				const body = await res.text();
				if (res.status >= 500) wrong.push(`${url}: ${res.status}`);
				else if (spec.open.includes(who)) {
					if (!okStatuses(spec, who).includes(res.status)) wrong.push(`${url}: ${res.status} ${location} (expected ${okStatuses(spec, who)})`);
				} else {
					const refused = who === 'anon' ? res.status === 303 && /\/de\/login$/.test(location) : [403, 404].includes(res.status) || (res.status === 303 && url === '/de/staff');
					if (!refused) wrong.push(`${url}: ${res.status} ${location} (expected a refusal)`);
					if (ids.case && body.includes('Matrix Testperson')) wrong.push(`${url}: shows the case`);
				}
			}
			expect(wrong).toEqual([]);
		});

		it('gets no data behind a refusal: __data.json', async () => {
			const wrong: string[] = [];
			for (const { folder, page } of FOLDERS) {
				const spec = ROUTES[folder];
				if (!spec || !page || folder.startsWith('api')) continue;
				const url = new URL(spec.path(ids), base);
				const dataUrl = `${url.pathname.replace(/\/$/, '')}/__data.json${url.search}`;
				const res = await clients[who].request(dataUrl, { headers: { accept: 'application/json' } });
				const body = await res.text();
				if (res.status >= 500) wrong.push(`${dataUrl}: ${res.status}`);
				else if (!spec.open.includes(who)) {
					// Refused: 401/403, a redirect, or the page's own node an error (the root layout's
					// node holds only the person's own name and the language links).
					let pageNode: { type?: string } | null = null;
					try {
						const json = JSON.parse(body) as { type: string; nodes?: ({ type: string } | null)[] };
						pageNode = json.type === 'data' ? (json.nodes?.at(-1) ?? null) : json;
					} catch {
						pageNode = null;
					}
					const refused = [401, 403, 404].includes(res.status) || pageNode?.type === 'redirect' || pageNode?.type === 'error' || pageNode === null;
					if (!refused || body.includes('Matrix Testperson')) wrong.push(`${dataUrl}: ${res.status} ${body.slice(0, 120)}`);
				}
			}
			expect(wrong).toEqual([]);
		});

		// Every page this role may open, once: a section is not headed like the page or section it
		// lies in ("Meine Stunden" under "Meine Stunden" reads to a screen reader as one heading twice).
		it('opens no page where a heading repeats the heading of the page or section it lies in', async () => {
			const text = (html: string) => html.replace(/<!--.*?-->/g, '').replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim();
			const repeated: string[] = [];
			for (const { folder, page } of FOLDERS) {
				const spec = ROUTES[folder];
				if (!spec || !page || !spec.open.includes(who)) continue;
				const url = spec.path(ids);
				const res = await clients[who].request(url, { headers: { accept: 'text/html' } });
				if (res.status !== 200) continue;
				const body = await res.text();
				// The headings above each heading (its section's, its page's): none may read the same.
				const above: string[] = [];
				for (const [, level, inner] of body.matchAll(/<h([1-6])[^>]*>([\s\S]*?)<\/h\1>/g)) {
					const n = Number(level);
					above.length = n - 1;
					const heading = text(inner);
					if (above.includes(heading)) repeated.push(`${url}: ${heading}`);
					above[n - 1] = heading;
				}
			}
			expect(repeated).toEqual([]);
		});

		it('is refused every action it may not use, sent plain and as SvelteKit enhanced forms send it; none answers 500', async () => {
			const wrong: string[] = [];
			for (const { folder, actions } of FOLDERS) {
				const spec = ROUTES[folder];
				if (!spec) continue;
				// Allowed actions are tested by their modules; public ones (sign-in, sign-out, reset,
				// the saved list) only anonymously here, as a signed-in person would sign out.
				if (spec.publicActions ? who !== 'anon' : spec.open.includes(who)) continue;
				const may = !!spec.publicActions;
				for (const action of actions) {
					const url = `${spec.path(ids).split('?')[0]}?/${action}`;
					for (const enhanced of [false, true]) {
						const headers: Record<string, string> = enhanced ? { accept: 'application/json', 'x-sveltekit-action': 'true' } : { accept: 'text/html' };
						const res = await clients[who].request(url.replace('?/default', ''), { form: { id: 'x', email: 'nobody@example.org' }, headers });
						const body = await res.text();
						if (res.status >= 500) wrong.push(`${url} (${enhanced ? 'enhanced' : 'plain'}): ${res.status}`);
						else if (!may && ![401, 403, 404].includes(res.status)) wrong.push(`${url} (${enhanced ? 'enhanced' : 'plain'}): ${res.status} ${body.slice(0, 80)}`);
						else if (!may && who === 'anon' && res.status !== 401) wrong.push(`${url}: anonymous got ${res.status}, not 401`);
					}
				}
			}
			expect(wrong).toEqual([]);
		});
	});
});
