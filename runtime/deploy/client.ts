/** A typed client of the agent's control API, as every deployment path uses it: JSON over HTTP with a bearer token. */
import { KIND_NAMES, KINDS, type Kind, type Resource } from '../../lib';
import type { Representation } from '../api/controller';
import type { LiveResource } from './live-plan';
import { preconditionHeaders, type Precondition } from './precondition';

/** A refusal or failure from the control API, with its status and error code (`CONFLICT`, `VALIDATION`…). */
export class ControlApiError extends Error {
  readonly code: string;
  constructor(
    readonly status: number,
    code: string | undefined,
    message: string,
    readonly issues: readonly { path: string; field: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ControlApiError';
    this.code = code ?? `HTTP_${status}`;
  }
}

/** The control API of one agent. */
export class ControlClient {
  /**
   * @param endpoint the agent's base URL, such as `http://127.0.0.1:7070`
   * @param token the bearer token
   * @param timeoutMs how long one request may take. @default 30000
   */
  constructor(
    readonly endpoint: string,
    private readonly token: string,
    private readonly timeoutMs = 30_000,
  ) {}

  /**
   * The resource, or undefined when the agent has none with this id. With `waitMs`, the agent first waits that
   * long while the resource is CREATING or DELETING, so one request sees the outcome.
   */
  async get(kind: Kind, id: string, waitMs?: number): Promise<Representation | undefined> {
    try {
      return await this.request<Representation>('GET', `${resourcePath(kind, id)}${waitMs === undefined ? '' : `?wait=${Math.round(waitMs)}`}`);
    } catch (error) {
      if (error instanceof ControlApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  /**
   * Creates or updates a resource; with `owner`, the resource is owned by it from then on. With a
   * `precondition`, the agent refuses (412, `PRECONDITION_FAILED`) when the resource is not as expected.
   */
  put(resource: Pick<Resource, 'id' | 'kind' | 'spec' | 'dependsOn'>, owner?: string, precondition?: Precondition): Promise<Representation> {
    const body = { spec: resource.spec, dependsOn: resource.dependsOn, ...(owner === undefined ? {} : { owner }) };
    return this.request('PUT', resourcePath(resource.kind, resource.id), body, preconditionHeaders(precondition));
  }

  /** Starts deleting a resource; false when it was already gone. A `precondition` as for `put`. */
  async delete(kind: Kind, id: string, precondition?: Precondition): Promise<boolean> {
    try {
      await this.request('DELETE', resourcePath(kind, id), undefined, preconditionHeaders(precondition));
      return true;
    } catch (error) {
      if (error instanceof ControlApiError && error.status === 404) return false;
      throw error;
    }
  }

  /** Every resource of the agent with its lifecycle state and owner. */
  async live(): Promise<LiveResource[]> {
    const lists = await Promise.all(
      KIND_NAMES.map((kind) => this.request<{ items: Representation[] }>('GET', `/v1/${KINDS[kind].collection}`)),
    );
    return lists.flatMap(({ items }) =>
      items.map((item) => ({
        resource: { id: item.id, kind: item.kind, dependsOn: item.dependsOn, spec: item.spec } as Resource,
        state: item.status.state,
        etag: item.etag,
        ...(item.status.reason === undefined ? {} : { reason: item.status.reason }),
        ...(item.owner === undefined ? {} : { owner: item.owner }),
      })),
    );
  }

  /** A JSON request (with `headers` added); throws `ControlApiError` for any status but 2xx. */
  async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.endpoint}${path}`, {
        method,
        headers: { ...headers, authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new ControlApiError(0, 'UNREACHABLE', `cannot reach the agent at ${this.endpoint}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const error = (json as { error?: { code?: string; message?: string; issues?: [] } } | undefined)?.error;
      throw new ControlApiError(response.status, error?.code, error?.message ?? `${method} ${path}: HTTP ${response.status}`, error?.issues);
    }
    return json as T;
  }
}

/** `/v1/<collection>/<encoded id>` */
export function resourcePath(kind: Kind, id: string): string {
  return `/v1/${KINDS[kind].collection}/${encodeURIComponent(id)}`;
}
