/**
 * Provider logs on stderr in go-plugin's JSON line format, which Terraform shows with `TF_LOG` (or
 * `TF_LOG_PROVIDER`) at the given level. stdout is reserved for the handshake line.
 */

/** A log level Terraform understands. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** hclog's timestamp: RFC 3339 with six fractional digits. */
const timestamp = (): string => new Date().toISOString().replace('Z', '000Z');

/** The key under which a provider response names, for its log line only, the resource it concerns. */
export const LOGGED_RESOURCE_ID: unique symbol = Symbol('logged resource id');

/** Writes one log line for Terraform. */
export function log(level: LogLevel, message: string, fields: Record<string, unknown> = {}): void {
  process.stderr.write(
    `${JSON.stringify({ '@level': level, '@message': message, '@timestamp': timestamp(), ...fields })}\n`,
  );
}
