/**
 * The one client of the agent's control API, as every deployment path uses it (`albkit deploy/destroy/up` and
 * terraform-provider-albkit): JSON over HTTP with a bearer token, a time limit on every request, long polls
 * (`GET …?wait=`) instead of polling loops, and one error class for every refusal or failure.
 */
import { AlbkitError, type Issue } from '../../lib/errors';
import { KIND_NAMES, KINDS, type Kind } from '../../lib/model/kinds';
import type { PutBody } from '../contract/put-body';
import type { Representation, RepresentationList } from '../contract/representation';
import type { LiveResource } from '../contract/live-plan';
import { preconditionHeaders, type Precondition } from '../contract/precondition';

/**
 * A refusal of the control API with its status, error code (`CONFLICT`, `VALIDATION`…) and the issues it lists;
 * or, with status 0, no answer at all (code `UNREACHABLE` or `TIMEOUT`).
 */
export class ControlApiError extends AlbkitError {
  readonly code: string;
  constructor(
    readonly status: number,
    code: string | undefined,
    message: string,
    readonly issues: readonly Issue[] = [],
  ) {
    super(message);
    this.name = 'ControlApiError';
    this.code = code ?? `HTTP_${status}`;
  }
}

/** What a PUT sends: the agent validates the spec and adds the edges its references imply. */
export interface ResourceWrite {
  /** The resource id. */
  id: string;
  /** Its kind, which names the collection. */
  kind: Kind;
  /** Its spec, as the model's schema for `kind` takes it. */
  spec: unknown;
  /** Edges beyond those the spec's references imply. @default [] */
  dependsOn?: readonly string[];
}

/** How long one request may take when no limit is given (a long poll may take its wait on top). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * The longest single wait a client asks of the agent (`?wait=`); a longer wait is several. Well under the
 * agent's own maximum, so a lost answer costs little.
 */
export const LONG_POLL_MS = 10_000;

/** The wait to ask of the next long poll: `LONG_POLL_MS`, or less when `deadline` (epoch ms) is nearer. */
export function longPollWait(deadline: number): number {
  return Math.min(LONG_POLL_MS, Math.max(0, deadline - Date.now()));
}

/** The control API of one agent. */
export class ControlClient {
  /** The agent's base URL, without a trailing slash. */
  readonly endpoint: string;

  /**
   * @param endpoint the agent's base URL, such as `http://127.0.0.1:7070`
   * @param token the bearer token
   * @param timeoutMs how long one request may take, besides the wait a long poll asks for. @default 30000
   */
  constructor(
    endpoint: string,
    private readonly token: string,
    private readonly timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
  ) {
    this.endpoint = endpoint.replace(/\/+$/, '');
  }

  /**
   * The resource, or undefined when the agent has none with this id. With `waitMs`, the agent first waits that
   * long while the resource is CREATING (until ACTIVE or FAILED) or DELETING (until gone), so one request sees
   * the outcome.
   */
  async get(kind: Kind, id: string, waitMs?: number): Promise<Representation | undefined> {
    const wait = waitMs === undefined ? undefined : Math.max(0, Math.round(waitMs));
    try {
      return await this.request<Representation>(
        'GET',
        `${resourcePath(kind, id)}${wait === undefined ? '' : `?wait=${wait}`}`,
        undefined,
        {},
        wait,
      );
    } catch (error) {
      if (error instanceof ControlApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  /**
   * Creates or updates a resource; with `owner`, the resource is owned by it from then on. With a
   * `precondition`, the agent refuses (412, `PRECONDITION_FAILED`) when the resource is not as expected.
   */
  put(resource: ResourceWrite, owner?: string, precondition?: Precondition): Promise<Representation> {
    const body = {
      spec: resource.spec,
      dependsOn: resource.dependsOn?.slice(),
      ...(owner === undefined ? {} : { owner }),
    } satisfies PutBody;
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
      KIND_NAMES.map((kind) => this.request<RepresentationList>('GET', `/v1/${KINDS[kind].collection}`)),
    );
    return lists.flatMap((list, i) => {
      if (!Array.isArray((list as { items?: unknown } | undefined)?.items)) {
        throw this.notAnAgent(`GET /v1/${KINDS[KIND_NAMES[i]!].collection}`, `200 ${preview(list)}`);
      }
      return list.items.map((item) => ({
        resource: {
          id: item.id,
          kind: item.kind,
          dependsOn: item.dependsOn,
          spec: item.spec,
        } as LiveResource['resource'],
        state: item.status.state,
        etag: item.etag,
        ...(item.status.reason === undefined ? {} : { reason: item.status.reason }),
        ...(item.owner === undefined ? {} : { owner: item.owner }),
      }));
    });
  }

  /**
   * A JSON request (with `headers` added) that may take the client's time limit plus `waitMs`; throws
   * `ControlApiError` for any status but 2xx, and for no answer in time or none at all.
   */
  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    waitMs = 0,
  ): Promise<T> {
    const limitMs = this.timeoutMs + waitMs;
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.endpoint}${path}`, {
        method,
        headers: {
          ...headers,
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(limitMs),
      });
      text = await response.text();
    } catch (error) {
      throw this.noAnswer(error, `${method} ${path}`, limitMs);
    }
    const json = parseJson(text);
    if (!response.ok) {
      const error = (json as { error?: { code?: string; message?: string; issues?: Issue[] } } | undefined)?.error;
      if (typeof error?.code !== 'string') {
        // A gateway in front of the agent fails with its own 5xx page; any other answer without the agent's error
        // envelope comes from a server that is not an agent.
        if (response.status >= 500)
          throw new ControlApiError(
            response.status,
            `HTTP_${response.status}`,
            `${method} ${path}: HTTP ${response.status}`,
          );
        throw this.notAnAgent(`${method} ${path}`, `${response.status} ${preview(json ?? text)}`, response.status);
      }
      throw new ControlApiError(
        response.status,
        error.code,
        error.message ?? `${method} ${path}: HTTP ${response.status}`,
        error.issues,
      );
    }
    return json as T;
  }

  /** An answer no albkit agent gives: the endpoint is some other server. */
  private notAnAgent(request: string, answer: string, status = 0): ControlApiError {
    return new ControlApiError(
      status,
      'NOT_AN_AGENT',
      `${this.endpoint} is not an albkit agent (${request} answered ${answer})`,
    );
  }

  private noAnswer(error: unknown, request: string, limitMs: number): ControlApiError {
    if ((error as Error).name === 'TimeoutError') {
      return new ControlApiError(
        0,
        'TIMEOUT',
        `the albkit agent at ${this.endpoint} did not answer ${request} within ${limitMs} ms`,
      );
    }
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return new ControlApiError(
      0,
      'UNREACHABLE',
      `cannot reach the albkit agent at ${this.endpoint} (${
        cause?.code ?? cause?.message ?? (error as Error).message
      })`,
    );
  }
}

/** The start of an answer, for a message: `{"ok":true}`, `<html>…`. */
function preview(value: unknown): string {
  const text = (typeof value === 'string' ? value : (JSON.stringify(value) ?? 'nothing')).replace(/\s+/g, ' ').trim();
  return text === '' ? 'with an empty body' : text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `/v1/<collection>/<encoded id>` */
export function resourcePath(kind: Kind, id: string): string {
  return `/v1/${KINDS[kind].collection}/${encodeURIComponent(id)}`;
}
