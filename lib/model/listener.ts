import { z } from 'zod';
import { Port, ResourceRef } from './common';

/** The protocols a listener speaks. */
export const ListenerProtocol = z.enum(['HTTP', 'HTTPS', 'TCP', 'TLS']);
export type ListenerProtocol = z.output<typeof ListenerProtocol>;

/** A TLS certificate: PEM text inline, or paths of PEM files the agent reads. */
export const Certificate = z.union([
  z.strictObject({
    /** The certificate chain, PEM. */
    certPem: z.string().includes('-----BEGIN CERTIFICATE-----', { message: 'must be a PEM certificate' }),
    /** The private key, PEM. */
    keyPem: z.string().includes('PRIVATE KEY-----', { message: 'must be a PEM private key' }),
  }),
  z.strictObject({
    /** Path of the certificate chain PEM file, read by the agent. */
    certFile: z.string().min(1),
    /** Path of the private key PEM file, read by the agent. */
    keyFile: z.string().min(1),
  }),
]);
export type Certificate = z.output<typeof Certificate>;

/** A listener: a bound port speaking one protocol, forwarding to one backend service. */
export const ListenerSpec = z.strictObject({
  /** Id of the load balancer. Changing it replaces the listener. */
  loadBalancer: ResourceRef,
  /** `HTTP`, `HTTPS`, `TCP` or `TLS`. Changing it replaces the listener. */
  protocol: ListenerProtocol,
  /** The port, unique per load balancer. Changing it replaces the listener. */
  port: Port,
  /** Id of the backend service traffic goes to. */
  backendService: ResourceRef,
  /**
   * HTTP/HTTPS only: id of the url map whose rules route this listener's requests; a request no rule matches
   * goes to `backendService`. @default none
   */
  urlMap: ResourceRef.optional(),
  /** Required for HTTPS and TLS; not allowed otherwise. @default none */
  certificate: Certificate.optional(),
  /** Idle connection timeout, 1–86400 s. @default 60 for HTTP/HTTPS, 1800 for TCP/TLS */
  idleTimeoutSeconds: z.number().int().min(1).max(86400).optional(),
  /**
   * HTTP/HTTPS: how long a request body may take before its minimum rate applies, 1–3600 s. A body still
   * arriving after it must by then have brought `requestBodyMinBytesPerSecond` bytes for every second past
   * it (as Apache's mod_reqtimeout `MinRate`), or it is answered 408 and both connections close. @default 20
   */
  requestBodyGraceSeconds: z.number().int().min(1).max(3600).optional(),
  /**
   * HTTP/HTTPS: the slowest a request body may arrive once its grace window is over, 0–1 000 000 000 bytes
   * per second; 0 turns the check off. @default 500
   */
  requestBodyMinBytesPerSecond: z.number().int().min(0).max(1_000_000_000).optional(),
});
/** A Listener spec as validated: every default applied. */
export type ListenerSpec = z.output<typeof ListenerSpec>;
/** A Listener spec as users write it: fields with defaults may be left out. */
export type ListenerInput = z.input<typeof ListenerSpec>;

/** The backend protocol each listener protocol needs: HTTP/HTTPS → HTTP, TCP/TLS → TCP. */
export function backendProtocolFor(protocol: ListenerProtocol): 'HTTP' | 'TCP' {
  return protocol === 'HTTP' || protocol === 'HTTPS' ? 'HTTP' : 'TCP';
}

/** True for the protocols that terminate TLS. */
export function needsCertificate(protocol: ListenerProtocol): boolean {
  return protocol === 'HTTPS' || protocol === 'TLS';
}

/** A request body's grace window in force: the listener's own, or the default. */
export function requestBodyGraceSeconds(spec: Pick<ListenerSpec, 'requestBodyGraceSeconds'>): number {
  return spec.requestBodyGraceSeconds ?? 20;
}

/** A request body's minimum rate in force (bytes per second, 0: none): the listener's own, or the default. */
export function requestBodyMinBytesPerSecond(spec: Pick<ListenerSpec, 'requestBodyMinBytesPerSecond'>): number {
  return spec.requestBodyMinBytesPerSecond ?? 500;
}

/** The idle timeout in force: the listener's own, or its protocol's default. */
export function idleTimeoutSeconds(spec: Pick<ListenerSpec, 'protocol' | 'idleTimeoutSeconds'>): number {
  return spec.idleTimeoutSeconds ?? (backendProtocolFor(spec.protocol) === 'HTTP' ? 60 : 1800);
}
