/** The agent's structured logger: pino, JSON lines on stderr. */
import pino, { type Logger } from 'pino';

/** Log levels accepted by `--log-level` and `ALBKIT_LOG_LEVEL`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * A logger writing JSON lines to stderr (stdout stays free for the CLI's own output).
 * @param level the lowest level written. @default `ALBKIT_LOG_LEVEL`, else 'info'
 */
export function createLogger(
  level: LogLevel = (process.env.ALBKIT_LOG_LEVEL as LogLevel | undefined) ?? 'info',
): Logger {
  return pino({ level, base: { name: 'albkit' } }, pino.destination({ dest: 2, sync: true }));
}
