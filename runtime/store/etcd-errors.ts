/** Why an etcd store refused a write: the API answers with the code each error carries, and nothing was changed. */
import { AlbkitError } from '../../lib';
import type { ApiErrorCode } from '../contract/error-codes';

/** A write to etcd that was not made; the change was undone in memory too. */
export abstract class EtcdStoreError extends AlbkitError {
  /** The control API's error code for it. */
  abstract readonly apiCode: ApiErrorCode;
}

/**
 * Another agent (or client) changed a key this change touches after this agent read it: the transaction's
 * mod-revision guard failed, so nothing was written and the other write stands.
 */
export class StoreConflictError extends EtcdStoreError {
  readonly code = 'ALBKIT_STORE_CONFLICT';
  readonly apiCode = 'STORE_CONFLICT';
  constructor(readonly keys: readonly string[]) {
    super(
      `the change was not stored: ${keys.join(', ')} changed in etcd since this agent read ${
        keys.length === 1 ? 'it' : 'them'
      } (another agent wrote first); nothing was changed (read again and retry)`,
    );
    this.name = 'StoreConflictError';
  }
}

/** etcd did not answer, or refused the request: nothing was written; the data plane keeps the last good state. */
export class StoreUnavailableError extends EtcdStoreError {
  readonly code = 'ALBKIT_STORE_UNAVAILABLE';
  readonly apiCode = 'STORE_UNAVAILABLE';
  constructor(
    readonly hosts: readonly string[],
    detail: string,
  ) {
    super(
      `the change was not stored: etcd (${hosts.join(
        ', ',
      )}) did not take the write: ${detail}; nothing was changed (the listeners keep serving; retry once etcd answers)`,
    );
    this.name = 'StoreUnavailableError';
  }
}
