/** The control API's error answers: `{ error: { code, message, issues? } }` with a stable code and its HTTP status. */
import type { Issue } from '../../lib';

/**
 * The error codes clients switch on (`BUSY`: another manifest run is in progress, 429, retry later;
 * `INSUFFICIENT_STORAGE`: the change could not be stored, 507, nothing was changed; `STORE_CONFLICT`: another
 * agent of the fleet changed the same resource first, 409, nothing was changed, read again and retry;
 * `STORE_UNAVAILABLE`: etcd did not take the write, 503, nothing was changed, the listeners keep serving;
 * `INTERNAL`: a bug in the agent, 500; see its log).
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
  | 'STORE_CONFLICT'
  | 'STORE_UNAVAILABLE'
  | 'INTERNAL';

/** The HTTP status of each code (`BAD_REQUEST` may also be another 4xx: 413, 415). */
export const API_ERROR_STATUS: Readonly<Record<ApiErrorCode, number>> = {
  VALIDATION: 400,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  CONFLICT: 409,
  STORE_CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  BUSY: 429,
  INTERNAL: 500,
  STORE_UNAVAILABLE: 503,
  INSUFFICIENT_STORAGE: 507,
};

/** The body of every error answer. */
export interface ApiErrorBody {
  error: {
    code: ApiErrorCode;
    message: string;
    /** Every issue of a `VALIDATION` refusal, each naming the resource and field. */
    issues?: readonly Issue[];
  };
}
