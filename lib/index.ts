/** albkit's engine-neutral core: the model, validation, graph, manifest and plan (re-exported at the package root). */
export * from './model';
export * from './errors';
export * from './graph';
export * from './manifest';
export * from './plan';
export * from './resource';
export * from './rules';
export * from './status';
export { canonicalJson, contentHash, contentHashInSlices } from './canonical';
export { isIpv4, isCidr, cidrContains } from './net';
export { SECRET_FIELDS, fingerprint, isRedacted, redactSecrets, restoreSecrets } from './secrets';
