/**
 * Error types shared by all modules. Routes map them to HTTP responses; the CLI prints them.
 */

/** One problem with one input field; `code` is a message key the UI translates. */
export interface FieldIssue {
	field: string;
	code: string;
	params?: Record<string, string | number>;
}

/** Input failed validation; nothing was written. */
export class ValidationError extends Error {
	constructor(public readonly issues: FieldIssue[]) {
		super(issues.map((i) => `${i.field}: ${i.code}`).join('; '));
		this.name = 'ValidationError';
	}
}

/** An import file was rejected; `problems` name the file and record (feature index or line). */
export class ImportError extends Error {
	constructor(
		public readonly file: string,
		public readonly problems: string[]
	) {
		super(`${file}: ${problems.length} problem(s), nothing imported:\n  ${problems.join('\n  ')}`);
		this.name = 'ImportError';
	}
}

/** A named thing does not exist (e.g. an unknown municipality slug given to the CLI). */
export class NotFoundError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'NotFoundError';
	}
}

/** The principal may not do this. Deliberately says nothing about whether the record exists. */
export class AccessDeniedError extends Error {
	constructor() {
		super('access denied');
		this.name = 'AccessDeniedError';
	}
}

/**
 * The request clashes with the current state (a stale form, a step out of order); `code` is a
 * message key suffix (`error_<code>`). Mapped to HTTP 409.
 */
export class ConflictError extends Error {
	constructor(public readonly code: string) {
		super(code);
		this.name = 'ConflictError';
	}
}
