import type { UserPrincipal } from '$lib/server/access';
import type { Locale } from '$lib/paraglide/runtime';

declare global {
	namespace App {
		interface Error {
			message: string;
			id?: string;
		}
		interface Locals {
			locale: Locale;
			/** The signed-in person, or null. */
			principal: UserPrincipal | null;
			/** The raw session token from the cookie, if any. */
			sessionToken: string | undefined;
			/** True while a signed-in user still owes the TOTP code. */
			secondFactorPending: boolean;
		}
	}
}

export {};
