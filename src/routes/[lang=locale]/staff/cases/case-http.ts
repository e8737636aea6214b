/**
 * The error path of the case routes (issue 4 §5, §6): a read of case data without a read purpose
 * chosen in this session sends the person to the case page to choose one; every other error
 * goes through `httpError` (404, 403, 409 with the reason a case is locked). Nothing of the
 * case's content reaches an error.
 */
import { redirect } from '@sveltejs/kit';
import { PurposeRequiredError } from '$lib/server/casework/read-audit';
import { httpError } from '$lib/server/http/errors';

/** Sends the person to `caseUrl` to choose a read purpose when `e` says one is missing. */
export function choosePurposeFirst(e: unknown, caseUrl: string): void {
	if (e instanceof PurposeRequiredError) redirect(303, caseUrl);
}

/** Rethrows `e` as the answer of a case route; `caseUrl` is where the purpose is chosen. */
export function caseError(e: unknown, caseUrl: string): never {
	choosePurposeFirst(e, caseUrl);
	httpError(e);
}
