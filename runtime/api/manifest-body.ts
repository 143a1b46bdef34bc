/**
 * A manifest body (`PUT /v1/manifest`) from bytes to a validated manifest: depth checked before parsing,
 * parsed, validated with the model. A large body is parsed and validated on a worker thread, so the event
 * loop that runs the data plane never spends a long turn on it.
 */
import { join } from 'node:path';
import { ValidationError, validateManifest, type Manifest } from '../../lib';
import { checkJsonDepth } from './json-body';
import { ApiError, invalid } from './errors';
import { workerAnswer } from './worker-answer';

/** Bodies up to this size are parsed on the event loop (a few milliseconds); larger ones on a worker thread. */
export const INLINE_MANIFEST_BYTES = 64 * 1024;

/** What the worker answers: the manifest, or the error to answer with. */
export type ManifestOutcome =
  | { manifest: Manifest }
  | { error: { code: ApiError['code']; message: string; issues?: ApiError['issues']; status: number } };

/** Parses and validates a manifest body here and now; throws `ApiError` (400) naming the problem. */
export function parseManifestBody(body: Uint8Array): Manifest {
  checkJsonDepth(body);
  let document: unknown;
  try {
    document = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (error) {
    throw new ApiError('BAD_REQUEST', `bad request: body is not valid JSON: ${(error as Error).message}`);
  }
  return validManifest(document);
}

/** A parsed manifest document, validated; throws a 400 listing every issue. */
export function validManifest(document: unknown): Manifest {
  try {
    return validateManifest(document);
  } catch (error) {
    if (error instanceof ValidationError) throw invalid(error.issues);
    throw error;
  }
}

/** `parseManifestBody`, as a worker's answer. */
export function manifestOutcome(body: Uint8Array): ManifestOutcome {
  try {
    return { manifest: parseManifestBody(body) };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return {
      error: {
        code: error.code,
        message: error.message,
        status: error.status,
        ...(error.issues ? { issues: error.issues } : {}),
      },
    };
  }
}

/** The validated manifest of a body: parsed here when small, on a worker thread when large. Rejects with `ApiError`. */
export async function readManifestBody(body: Buffer): Promise<Manifest> {
  if (body.length <= INLINE_MANIFEST_BYTES) return parseManifestBody(body);
  const outcome = await workerAnswer<ManifestOutcome>(join(__dirname, 'manifest-worker.js'), body);
  if ('manifest' in outcome) return outcome.manifest;
  const { code, message, issues, status } = outcome.error;
  throw new ApiError(code, message, issues, status);
}
