/**
 * What a service refused: the field issues of the ValidationError a promise rejects with.
 * @throws the rejection itself when it is another error, and an Error when the promise fulfils.
 */
import { ValidationError, type FieldIssue } from '../../src/lib/server/core/errors';

export async function issuesOf(p: Promise<unknown>): Promise<FieldIssue[]> {
	try {
		await p;
	} catch (e) {
		if (e instanceof ValidationError) return e.issues;
		throw e;
	}
	throw new Error('no ValidationError');
}
