/**
 * The server's log: JSON lines (pino) on standard output, one object per event with `time`
 * (ISO 8601, UTC), `level`, `msg` and fields. On a terminal the same events are printed as short
 * text lines, so `npm start` stays readable for a person.
 *
 * Never log personal data (issue 11 §8; DSGVO Art. 5 (1) c): no names, addresses, emails, free
 * text, form values, tokens or IP addresses — ids of records, error classes and codes, counts
 * and durations only. Fields commonly holding such data are redacted as a second line of defence.
 * `LOG_LEVEL` (`fatal`…`trace`, default `info`) sets the threshold.
 */
import pino, { type DestinationStream } from 'pino';

const REDACTED = ['email', 'password', 'token', 'name', 'displayName', 'ip', 'text', 'body', 'cookie', 'authorization'];

/** Text lines on a terminal: `HH:MM:SS level message key=value …`. */
function terminal(): DestinationStream {
	return {
		write(line: string) {
			const { time, level, msg, pid: _pid, hostname: _host, ...rest } = JSON.parse(line) as Record<string, unknown>;
			const fields = Object.entries(rest)
				.map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
				.join(' ');
			const clock = typeof time === 'string' ? time.slice(11, 19) : '';
			const stream = level === 'error' || level === 'fatal' || level === 'warn' ? process.stderr : process.stdout;
			stream.write(`${clock} ${level === 'info' ? '' : `${String(level).toUpperCase()} `}${msg ?? ''}${fields ? ` ${fields}` : ''}\n`);
		}
	};
}

/** The process's logger (pino): `log.info({ field }, 'message')`. */
export const log = pino(
	{
		level: process.env.LOG_LEVEL || 'info',
		base: { pid: process.pid },
		timestamp: pino.stdTimeFunctions.isoTime,
		formatters: { level: (label) => ({ level: label }) },
		redact: { paths: [...REDACTED, ...REDACTED.map((k) => `*.${k}`)], censor: '[redacted]' }
	},
	process.stdout.isTTY ? terminal() : pino.destination({ fd: 1, sync: true })
);

/** An error as loggable fields: its class and code, never its message (which may quote input). */
export function errorFields(e: unknown): { error: string; code?: string } {
	const error = e instanceof Error ? e.name : typeof e;
	const code = (e as { code?: unknown } | null)?.code;
	return typeof code === 'string' || typeof code === 'number' ? { error, code: String(code) } : { error };
}
