/**
 * Hosting's operator commands (issue 15; docs/hosting.md): the rooms and bookings of a
 * municipality as tab-separated lines, one run of hosting's jobs by hand (the deletion of
 * participants' data after the last session, and the reminders before a session; `--now` moves
 * the clock), and a Welcome Point's public iCalendar feed on stdout. Names of participants are
 * never printed; the jobs print counts only.
 */
import { systemPrincipal } from '../access';
import { instantOption, required, UsageError, type CliCommand } from '../core/command';
import { readConfig } from '../core/config';
import { NotFoundError } from '../core/errors';

/** Who the listing commands act as: an operator sees internal rooms and every booking. */
const OPERATOR = systemPrincipal('cli');

/** Booking statuses `--status` accepts. */
const STATUSES = ['requested', 'approved', 'rejected', 'cancelled'];

export const commands: CliCommand[] = [
	{
		name: 'hosting rooms',
		help: `hosting rooms --municipality SLUG
    the rooms of a municipality, one per line: id, Welcome Point, name, capacity, listing
    (public/internal), bookable hours, closures, demo`,
		options: { municipality: { type: 'string' } },
		async run({ values, withDatabase }) {
			const slug = required(values, 'municipality');
			const [{ requireMunicipality }, { listRooms }, { listInstances }] = await Promise.all([import('../geography/service'), import('./rooms'), import('../instances/service')]);
			await withDatabase(async (h) => {
				const m = await requireMunicipality(h.db, slug);
				const rooms = await listRooms(h.db, OPERATOR, m.id);
				const names = new Map((await listInstances(h.db, m.id)).map((i) => [i.id, i.name]));
				for (const r of rooms) {
					const hours = r.bookableHours.map((s) => `${s.day} ${s.opens}-${s.closes}`).join(', ');
					console.log([r.id, names.get(r.instanceId) ?? '', r.name, r.capacity, r.listing, hours, `${r.closures.length} closures`, r.isDemo ? 'demo' : ''].join('\t'));
				}
				if (!rooms.length) console.log(`no rooms in ${m.name}`);
			});
		}
	},
	{
		name: 'hosting bookings',
		help: `hosting bookings --municipality SLUG [--status requested,approved,rejected,cancelled]
    the bookings of a municipality by first day, one per line: id, status, purpose, room, title,
    first and last day, times, RRULE, skipped dates`,
		options: { municipality: { type: 'string' }, status: { type: 'string' } },
		async run({ values, withDatabase }) {
			const slug = required(values, 'municipality');
			const status = typeof values.status === 'string' ? values.status.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
			const unknown = status?.find((s) => !STATUSES.includes(s));
			if (unknown) throw new UsageError(`--status: unknown status "${unknown}" (one of ${STATUSES.join(', ')})`);
			const [{ requireMunicipality }, { listRooms }, { listBookings }] = await Promise.all([import('../geography/service'), import('./rooms'), import('./bookings')]);
			await withDatabase(async (h) => {
				const m = await requireMunicipality(h.db, slug);
				const rooms = new Map((await listRooms(h.db, OPERATOR, m.id)).map((r) => [r.id, r.name]));
				const bookings = await listBookings(h.db, OPERATOR, m.id, { status });
				for (const b of bookings) {
					console.log([b.id, b.status, b.purpose, rooms.get(b.roomId) ?? '', b.title, `${b.firstDay}..${b.lastDay}`, `${b.startTime}-${b.endTime}`, b.rrule ?? '', b.skippedDates.join(' ')].join('\t'));
				}
				if (!bookings.length) console.log(`no bookings in ${m.name}`);
			});
		}
	},
	{
		name: 'hosting run',
		help: `hosting run [--now ISO-DATE]
    hosting's jobs once: erase participants' personal data after their event's retention
    period (counts stay), then send the reminders for sessions within 24 hours (each once);
    prints counts. --now moves the clock (testing; default ANLAUFSTELLE_NOW, as for the jobs
    of the running app, else the real time)`,
		options: { now: { type: 'string' } },
		async run({ values, withDatabase }) {
			const now = instantOption(values, 'now') ?? readConfig().retentionNow ?? new Date();
			const { eraseParticipants, sendReminders } = await import('./events');
			await withDatabase(async (h) => {
				const erased = await eraseParticipants(h.db, now);
				const { reminders } = await sendReminders(h.db, now);
				console.log(`events erased: ${erased.events}`);
				console.log(`registrations erased: ${erased.registrations}`);
				console.log(`reminders sent: ${reminders}`);
			});
		}
	},
	{
		name: 'hosting feed',
		help: `hosting feed --municipality SLUG --instance SLUG [--now ISO-DATE]
    a Welcome Point's public iCalendar feed (its own events and the offers hosted in its public
    rooms) on stdout, as /api/hosting/instances/{id}.ics serves it`,
		options: { municipality: { type: 'string' }, instance: { type: 'string' }, now: { type: 'string' } },
		async run({ values, withDatabase }) {
			const slug = required(values, 'municipality');
			const instanceSlug = required(values, 'instance');
			const now = instantOption(values, 'now') ?? new Date();
			const [{ requireMunicipality }, { findInstanceBySlug }, { instanceFeed }] = await Promise.all([import('../geography/service'), import('../instances/service'), import('./calendar')]);
			await withDatabase(async (h) => {
				const m = await requireMunicipality(h.db, slug);
				const inst = await findInstanceBySlug(h.db, m.id, instanceSlug);
				if (!inst) throw new NotFoundError(`no Welcome Point "${instanceSlug}" in ${m.name}`);
				process.stdout.write(await instanceFeed(h.db, m.id, inst.id, inst.name, now));
			});
		}
	}
];
