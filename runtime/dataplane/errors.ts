/** The data plane's errors a user meets, as a listener's FAILED reason or when the agent starts. */
import { AlbkitError } from '../../lib';

/** A listener's certificate that cannot be used: a file not allowed, unreadable or not PEM, a key TLS refuses. */
export class CertificateError extends AlbkitError {
  readonly code = 'ALBKIT_CERTIFICATE';
  /** @param message - names the listener and the certificate field, such as `web/https: certificate.certFile: …` */
  constructor(message: string) {
    super(message);
    this.name = 'CertificateError';
  }
}

/** A listener's address and port that cannot be bound: in use, or not an address of this host. */
export class BindError extends AlbkitError {
  readonly code = 'ALBKIT_BIND';
  /** @param message - names the address, the port and why */
  constructor(message: string) {
    super(message);
    this.name = 'BindError';
  }
}

/** A Node internal the data plane relies on is missing or behaves differently in the running Node. */
export class NodeInternalsError extends AlbkitError {
  readonly code = 'ALBKIT_NODE_INTERNALS';
  /** @param message - names the running Node version and the internal that changed */
  constructor(message: string) {
    super(message);
    this.name = 'NodeInternalsError';
  }
}
