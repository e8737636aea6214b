/**
 * The volunteer's own page, hosting's part (issue 15 §3): the own events a volunteer hosts
 * (language café, homework help) whose last session is today or later, each with its next
 * session in the reader's language and the link to its public page.
 */
import { dateTimeFormat } from '$lib/intl';
import { msg } from '$lib/messages';
import type { UserPrincipal } from '../../access';
import { berlinDate } from '../../casework/time';
import type { DbOrTx } from '../../db/client';
import { findMunicipalityById } from '../../geography/service';
import { profileIdOfUser } from '../../volunteering/hosting-reads';
import { bookingOccurrences } from '../bookings';
import { eventsHostedBy } from '../events';

/** The events the signed-in volunteer hosts; empty for an account without a volunteer profile. */
export async function hostedEventsPage(db: DbOrTx, p: UserPrincipal, locale: string, now: Date = new Date()) {
	const profileId = await profileIdOfUser(db, p.userId);
	if (!profileId) return [];
	const today = berlinDate(now);
	const rows = await eventsHostedBy(db, profileId, today);
	if (!rows.length) return [];
	const municipality = await findMunicipalityById(db, p.municipalityId);
	if (!municipality) return [];
	const when = dateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/Berlin' });
	return rows.map(({ event, booking }) => {
		const next = bookingOccurrences(booking, today).find((o) => o.end > now);
		return { id: event.id, title: event.title, kind: msg(`ho_kind_${event.kind}`), next: next ? when.format(next.start) : null, href: `/${locale}/m/${municipality.slug}/events/${event.id}` };
	});
}
