/** Form helpers for routes: a field's text value, and the client's address for rate limits. */

/** Trimmed text value of a form field ('' when absent or a file). */
export { formText as text } from '../core/form';

/** Client IP as seen by the adapter (behind a proxy set `ADDRESS_HEADER`). */
export function clientIp(getClientAddress: () => string): string {
	try {
		return getClientAddress();
	} catch {
		return 'unknown';
	}
}
