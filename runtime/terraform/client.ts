/**
 * The control API client the provider uses: the same REST calls any program makes (PUT/GET/DELETE of
 * `/v1/<collection>/<id>`), waiting for ACTIVE after a write and for 404 after a delete.
 */
import type { Issue } from '../../lib/errors';
import { KINDS, type Kind } from '../../lib/model/kinds';
import type { Resource } from '../../lib/resource';
import { DEFAULT_STEP_TIMEOUT_MS } from '../deploy/run';

/** A resource as the agent represents it. */
export interface Representation {
  id: string;
  kind: Kind;
  dependsOn: string[];
  spec: Record<string, unknown>;
  status: { state: 'CREATING' | 'ACTIVE' | 'FAILED' | 'DELETING'; reason?: string };
  generation: number;
}

/** An error answer of the control API, with its stable code and the issues it lists. */
export class ControlApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly issues: Issue[];
  constructor(status: number, body: unknown, what: string) {
    const error = (body as { error?: { code?: string; message?: string; issues?: Issue[] } } | undefined)?.error;
    super(`${what}: ${status} ${error?.code ?? ''} ${error?.message ?? JSON.stringify(body)}`.replace(/ +/g, ' '));
    this.name = 'ControlApiError';
    this.status = status;
    this.code = error?.code ?? 'HTTP';
    this.issues = error?.issues ?? [];
  }
}

/** Where the agent is and how to authenticate. */
export interface ClientOptions {
  endpoint: string;
  token: string;
  /** How long to wait for ACTIVE or for removal. @default 120000 */
  timeoutMs?: number;
  /** Time between status polls. @default 50 */
  pollMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A control API client for one agent. */
export class ControlClient {
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly pollMs: number;
  constructor(private readonly options: ClientOptions) {
    this.base = options.endpoint.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
    this.pollMs = options.pollMs ?? 50;
  }

  private url(kind: Kind, id?: string): string {
    const collection = `${this.base}/v1/${KINDS[kind].collection}`;
    return id === undefined ? collection : `${collection}/${encodeURIComponent(id)}`;
  }

  private async call(method: string, url: string, what: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(`${what}: cannot reach the albkit agent at ${this.base} (${cause?.code ?? cause?.message ?? String(error)})`);
    }
    const text = await response.text();
    const parsed: unknown = text === '' ? undefined : JSON.parse(text);
    if (response.status >= 400 && response.status !== 404) throw new ControlApiError(response.status, parsed, what);
    return { status: response.status, body: parsed };
  }

  /** The resource, or undefined when the agent has none with this id. */
  async get(kind: Kind, id: string): Promise<Representation | undefined> {
    const { status, body } = await this.call('GET', this.url(kind, id), `get ${kind} ${id}`);
    return status === 404 ? undefined : (body as Representation);
  }

  /** Every resource the agent has, in manifest form. */
  async resources(): Promise<Resource[]> {
    const { body } = await this.call('GET', `${this.base}/v1/manifest`, 'get manifest');
    return (body as { resources: Resource[] }).resources;
  }

  /** Creates or updates the resource, then waits until it is ACTIVE (a FAILED resource is returned as is). */
  async put(kind: Kind, id: string, spec: Record<string, unknown>): Promise<Representation> {
    const what = `put ${kind} ${id}`;
    const { status, body } = await this.call('PUT', this.url(kind, id), what, { spec, owner: 'terraform' });
    if (status === 404) throw new ControlApiError(status, body, what);
    return this.waitFor(kind, id, body as Representation);
  }

  private async waitFor(kind: Kind, id: string, first: Representation): Promise<Representation> {
    const deadline = Date.now() + this.timeoutMs;
    let current: Representation | undefined = first;
    while (current && (current.status.state === 'CREATING' || current.status.state === 'DELETING')) {
      if (Date.now() > deadline) throw new Error(`${kind} ${id}: still ${current.status.state} after ${this.timeoutMs} ms`);
      await sleep(this.pollMs);
      current = await this.get(kind, id);
    }
    if (!current) throw new Error(`${kind} ${id}: disappeared while being created`);
    return current;
  }

  /** Deletes the resource and waits until the agent has removed it; an absent resource is fine. */
  async delete(kind: Kind, id: string): Promise<void> {
    const { status } = await this.call('DELETE', this.url(kind, id), `delete ${kind} ${id}`);
    if (status === 404) return;
    const deadline = Date.now() + this.timeoutMs;
    while (await this.get(kind, id)) {
      if (Date.now() > deadline) throw new Error(`${kind} ${id}: still present ${this.timeoutMs} ms after delete`);
      await sleep(this.pollMs);
    }
  }
}
