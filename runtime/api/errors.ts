/** The control API's error responses: a stable code, an HTTP status, a message and, for validation, the issues. */
import type { Issue } from '../../lib';

/**
 * The error codes clients switch on (`BUSY`: another manifest run is in progress, 429, retry later;
 * `INSUFFICIENT_STORAGE`: the change could not be stored, 507, nothing was changed; `INTERNAL`: a bug in the
 * agent, 500; see its log).
 */
export type ApiErrorCode =
  | 'VALIDATION'
  | 'CONFLICT'
  | 'NOT_FOUND'
  | 'UNAUTHORIZED'
  | 'BAD_REQUEST'
  | 'PRECONDITION_FAILED'
  | 'BUSY'
  | 'INSUFFICIENT_STORAGE'
  | 'INTERNAL';

const STATUS: Record<ApiErrorCode, number> = {
  VALIDATION: 400,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  BUSY: 429,
  INTERNAL: 500,
  INSUFFICIENT_STORAGE: 507,
};

/** An error the control API answers with `{ error: { code, message, issues? } }`. */
export class ApiError extends Error {
  /** The HTTP status: 400, 401, 404, 409, 412, 429, 507, or another 4xx for `BAD_REQUEST` (413, 415). */
  readonly status: number;
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly issues?: readonly Issue[],
    status?: number,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status ?? STATUS[code];
  }

  /** The response body. */
  body(): { error: { code: ApiErrorCode; message: string; issues?: readonly Issue[] } } {
    return { error: { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) } };
  }
}

/** A 409: the request conflicts with the order or the current state of resources. */
export function conflict(message: string): ApiError {
  return new ApiError('CONFLICT', message);
}

/** A 404 for a resource id. */
export function notFound(kind: string, id: string): ApiError {
  return new ApiError('NOT_FOUND', `${kind} "${id}" does not exist`);
}

/** A 400 listing every issue. */
export function invalid(issues: readonly Issue[]): ApiError {
  const first = issues[0];
  const head = first ? [first.path, first.field, first.message].filter((part) => part !== '').join(': ') : 'invalid request';
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more issue${issues.length === 2 ? '' : 's'})` : '';
  return new ApiError('VALIDATION', `${head}${more}`, issues);
}

/** A 507: the change could not be made durable, and nothing of it was kept. */
export function notStored(error: Error): ApiError {
  return new ApiError('INSUFFICIENT_STORAGE', error.message);
}
