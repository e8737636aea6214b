/**
 * The label of an activity in a language, for pages and for documents made outside a request
 * (the certificate): no `$lib` imports, so the integration tests load it as it is.
 */
import { mailLocale, textIn } from '../mail';
import type { ActivityEntry } from '../settings';

/** The label of an activity: the municipality's own label in `locale` (else German), or the built-in message. */
export function activityLabel(activities: ActivityEntry[], key: string, locale: string): string {
	const own = activities.find((a) => a.key === key && !a.builtIn);
	if (own) return own.labels[locale] ?? own.labels.de ?? key;
	return textIn(mailLocale(locale), `vo_activity_${key}`);
}
