/**
 * Secrets in specs: an inline private key (`keyPem`) never leaves the agent. What the control API returns has
 * it replaced by its fingerprint, `redacted:sha256:<hex of the PEM text>`. A fingerprint identifies its key,
 * so plans compare redacted forms, and a spec read back and written again (or one a face keeps) gets the
 * key it stands for back from whoever holds the key. Key file paths are not secret.
 */
import { createHash } from 'node:crypto';

/** The fields whose string values are secret, at any depth of a spec. */
export const SECRET_FIELDS: ReadonlySet<string> = new Set(['keyPem']);

const PREFIX = 'redacted:sha256:';

/** The fingerprint that stands for `secret` in what the agent returns. */
export function fingerprint(secret: string): string {
  return `${PREFIX}${createHash('sha256').update(secret).digest('hex')}`;
}

/** True for a fingerprint in place of a secret. */
export function isRedacted(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(PREFIX);
}

/** A copy of `value` with every secret field's string replaced by its fingerprint (fingerprints kept as they are). */
export function redactSecrets<T>(value: T): T {
  return mapSecrets(value, (secret) => (isRedacted(secret) ? secret : fingerprint(secret))) as T;
}

/**
 * A copy of `value` with every fingerprint in a secret field replaced by the secret at the same place in
 * `known` when that secret has this fingerprint; other fingerprints are left for the schema to refuse.
 */
export function restoreSecrets<T>(value: T, known: unknown): T {
  return mapSecrets(value, (secret, path) => {
    if (!isRedacted(secret)) return secret;
    const original = path.reduce<unknown>(
      (at, key) => (at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined),
      known,
    );
    return typeof original === 'string' && fingerprint(original) === secret ? original : secret;
  }) as T;
}

/** `value` with `change` applied to the string of every secret field (and its path of keys); shares nothing it changes. */
function mapSecrets(
  value: unknown,
  change: (secret: string, path: readonly string[]) => string,
  path: readonly string[] = [],
): unknown {
  if (Array.isArray(value)) return value.map((item, index) => mapSecrets(item, change, [...path, String(index)]));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] =
      SECRET_FIELDS.has(key) && typeof item === 'string'
        ? change(item, [...path, key])
        : mapSecrets(item, change, [...path, key]);
  }
  return out;
}
