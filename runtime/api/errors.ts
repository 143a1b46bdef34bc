/** The control API's error responses: a stable code, an HTTP status, a message and, for validation, the issues. */
import { AlbkitError, type Issue } from '../../lib';
import { API_ERROR_STATUS, type ApiErrorBody, type ApiErrorCode } from '../contract/error-codes';

/** An error the control API answers with `{ error: { code, message, issues? } }`. */
export class ApiError extends AlbkitError {
  /** The HTTP status: 400, 401, 404, 409, 412, 429, 503, 507, or another 4xx for `BAD_REQUEST` (413, 415). */
  readonly status: number;
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly issues?: readonly Issue[],
    status?: number,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status ?? API_ERROR_STATUS[code];
  }

  /** The response body. */
  body(): ApiErrorBody {
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
  const head = first
    ? [first.path, first.field, first.message].filter((part) => part !== '').join(': ')
    : 'invalid request';
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more issue${issues.length === 2 ? '' : 's'})` : '';
  return new ApiError('VALIDATION', `${head}${more}`, issues);
}

/** A 507: the change could not be made durable, and nothing of it was kept. */
export function notStored(error: Error): ApiError {
  return new ApiError('INSUFFICIENT_STORAGE', error.message);
}
