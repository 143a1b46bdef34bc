/**
 * The dynamic provider of one component kind: plain HTTP calls to the albkit agent's control API.
 *
 * Pulumi serializes a dynamic provider (its methods and everything they capture) into the stack's state and
 * runs that text in a separate process, where none of this package's modules are loaded. So `albkitProvider`
 * is self-contained: every helper is defined inside it, it captures only the plain `ProviderKind` data, and it
 * uses only globals (`fetch`, `setTimeout`, `JSON`, `encodeURIComponent`, `crypto.subtle`, `TextEncoder`, `Symbol.for`). It captures no secret: the control
 * API token arrives in the inputs of every call.
 */
import type * as pulumi from '@pulumi/pulumi';
import type { ApiErrorBody } from '../../runtime/contract/error-codes';
import type { PutBody } from '../../runtime/contract/put-body';
import type { Representation as AgentRepresentation } from '../../runtime/contract/representation';

/** What a provider needs to know about its kind: plain data, captured by value when serialized. */
export interface ProviderKind {
  /** The kind, such as `Listener`: used in error messages. */
  kind: string;
  /** The control API collection: `/v1/<collection>/<id>`. */
  collection: string;
  /** Top-level spec fields whose change replaces the resource (delete, then create). */
  replaceOnChange: readonly string[];
}

/**
 * Builds the dynamic provider of one kind. Its inputs are the kind's spec fields plus the connection fields
 * `endpoint`, `token`, `timeoutSeconds` and `dependsOn` (explicit edges); its outputs add `status`,
 * `generation` and `resolved` (the spec as the agent resolved it, derived defaults filled in).
 * The spec fields of the outputs stay as declared, so `diff` compares like with like.
 */
export function albkitProvider(info: ProviderKind): pulumi.dynamic.ResourceProvider {
  const kind = info.kind;
  const collection = info.collection;
  const replaceOnChange = [...info.replaceOnChange];
  /** The connection inputs; with the outputs the agent reports, they are the props outside the spec. */
  const connection = ['resourceId', 'endpoint', 'token', 'timeoutSeconds', 'dependsOn'];
  const notSpec = [...connection, 'status', 'generation', 'resolved', '__provider'];
  /** How Pulumi marks a value not known yet (during preview). */
  const unknown = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
  const defaultTimeoutSeconds = 120;
  const pollMs = 100;

  type Props = Record<string, unknown>;
  /** The part of the agent's answer the provider reads; the spec as plain props. Types only, so nothing is captured. */
  type Representation = Pick<AgentRepresentation, 'id' | 'status' | 'generation'> & { spec: Props };
  interface Reply {
    status: number;
    data: { error?: Partial<ApiErrorBody['error']> } & Partial<Representation>;
  }

  /**
   * An error every copy of albkit recognizes (\`isAlbkitError\`): its stable \`code\` and the brand, a registered
   * symbol (\`Symbol.for\` is a global, so the provider stays self-contained).
   */
  function albkitError(code: string, message: string): Error {
    return Object.assign(new Error(message), { code, [Symbol.for('albkit.error')]: true });
  }

  function specOf(props: Props): Props {
    const spec: Props = {};
    for (const [key, value] of Object.entries(props)) {
      if (!notSpec.includes(key) && value !== undefined && value !== null) spec[key] = value;
    }
    return spec;
  }

  function canonical(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
    if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value).filter(([, item]) => item !== undefined && item !== null);
      entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
    }
    return JSON.stringify(value);
  }

  /** `live` reduced to the shape of `declared`: object keys the declaration has, arrays element by element. */
  function project(declared: unknown, live: unknown): unknown {
    if (Array.isArray(declared) && Array.isArray(live) && declared.length === live.length) {
      return live.map((item, index) => project(declared[index], item));
    }
    if (isObject(declared) && isObject(live)) {
      const out: Props = {};
      for (const key of Object.keys(declared))
        out[key] = key in live ? project(declared[key], live[key]) : declared[key];
      return out;
    }
    return live;
  }

  /**
   * `live` with each key fingerprint (`redacted:sha256:<hex>`, as the agent returns inline private keys) that
   * is the fingerprint of the string at the same place in `declared` replaced by that string. lib's
   * `restoreSecrets`, spelled out here because this provider may use only globals (see the module comment).
   */
  async function restoreKeys(live: unknown, declared: unknown): Promise<unknown> {
    if (Array.isArray(live))
      return Promise.all(
        live.map((item, index) => restoreKeys(item, Array.isArray(declared) ? declared[index] : undefined)),
      );
    if (isObject(live)) {
      const out: Props = {};
      for (const [key, item] of Object.entries(live))
        out[key] = await restoreKeys(item, isObject(declared) ? declared[key] : undefined);
      return out;
    }
    if (typeof live === 'string' && live.startsWith('redacted:sha256:') && typeof declared === 'string') {
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(declared)));
      const hex = [...digest].map((byte) => byte.toString(16).padStart(2, '0')).join('');
      if (live === `redacted:sha256:${hex}`) return declared;
    }
    return live;
  }

  function isObject(value: unknown): value is Props {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  }

  async function request(
    props: Props,
    method: string,
    id: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<Reply> {
    const base = String(props.endpoint).replace(/\/+$/, '');
    const url = `${base}/v1/${collection}/${encodeURIComponent(id)}`;
    const headers: Record<string, string> = { ...extraHeaders, authorization: `Bearer ${String(props.token)}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
      throw albkitError('UNREACHABLE', `${kind} ${id}: cannot reach the albkit agent at ${base}: ${cause}`);
    }
    const text = await response.text();
    try {
      return { status: response.status, data: text === '' ? {} : JSON.parse(text) };
    } catch {
      throw albkitError(
        'NOT_AN_AGENT',
        `${kind} ${id}: the albkit agent at ${base} answered ${method} with ${
          response.status
        } and no JSON: ${text.slice(0, 200)}`,
      );
    }
  }

  function refused(id: string, action: string, reply: Reply): Error {
    const error = reply.data.error ?? {};
    const issues = (error.issues ?? [])
      .map((issue) => `\n  ${[issue.path, issue.field, issue.message].filter((part) => part).join(': ')}`)
      .join('');
    const code = error.code ? ` ${error.code}` : '';
    return albkitError(
      error.code ?? `HTTP_${reply.status}`,
      `${kind} ${id}: ${action} refused by the albkit agent (${reply.status}${code}): ${
        error.message ?? 'no reason given'
      }${issues}`,
    );
  }

  /**
   * An error Pulumi records as "created, but failed to initialize": the next update retries it. Its properties
   * become the resource's state, so they carry the provider's own text (`__provider`), which the host adds to
   * the outputs of a successful call only: without it, a later delete could not load the provider.
   */
  function initFailure(id: string, code: string, message: string, props: Props, representation: Representation): Error {
    const properties = { ...outputs(props, representation), __provider: props.__provider };
    return Object.assign(albkitError(code, message), { id, properties, reasons: [message] });
  }

  /** The outputs Pulumi stores; no undefined values, which its wire format (a protobuf Struct) cannot carry. */
  function outputs(props: Props, representation: Representation): Props {
    const outs: Props = {
      ...specOf(props),
      resourceId: representation.id,
      endpoint: props.endpoint,
      token: props.token,
      timeoutSeconds: props.timeoutSeconds,
      dependsOn: props.dependsOn,
      status: representation.status,
      generation: representation.generation,
      resolved: representation.spec,
    };
    for (const key of Object.keys(outs)) if (outs[key] === undefined) delete outs[key];
    return outs;
  }

  function deadline(props: Props): number {
    const seconds = typeof props.timeoutSeconds === 'number' ? props.timeoutSeconds : defaultTimeoutSeconds;
    return Date.now() + seconds * 1000;
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  /**
   * PUT the spec, then wait until the agent reports the resource ACTIVE. A create is conditional
   * (`If-None-Match: *`): a resource that already exists, whoever made it, is refused by the agent, never taken over.
   */
  async function apply(id: string, props: Props, action: 'create' | 'update'): Promise<Props> {
    const explicit = Array.isArray(props.dependsOn) ? props.dependsOn : [];
    const body = {
      spec: specOf(props),
      owner: 'pulumi',
      ...(explicit.length > 0 ? { dependsOn: explicit } : {}),
    } satisfies PutBody;
    const reply = await request(props, 'PUT', id, body, action === 'create' ? { 'if-none-match': '*' } : {});
    if (action === 'create' && reply.status === 412) {
      throw albkitError(
        'PRECONDITION_FAILED',
        `${kind} ${id}: already exists on the albkit agent; pick another name or delete it first (import is not supported)`,
      );
    }
    if (reply.status !== 200 && reply.status !== 201) throw refused(id, action, reply);
    const until = deadline(props);
    let representation = reply.data as Representation;
    for (;;) {
      const state = representation.status?.state;
      if (state === 'ACTIVE') return outputs(props, representation);
      if (state === 'FAILED') {
        const reason = representation.status.reason ?? 'no reason given';
        throw initFailure(
          id,
          'ALBKIT_RESOURCE_FAILED',
          `${kind} ${id}: the albkit agent reports FAILED after ${action}: ${reason}`,
          props,
          representation,
        );
      }
      if (Date.now() > until) {
        throw initFailure(
          id,
          'TIMEOUT',
          `${kind} ${id}: not ACTIVE after ${action} within the timeout (state ${state})`,
          props,
          representation,
        );
      }
      await sleep(pollMs);
      const current = await request(props, 'GET', id);
      if (current.status === 404)
        throw albkitError('NOT_FOUND', `${kind} ${id}: removed from the albkit agent while waiting for ACTIVE`);
      if (current.status !== 200) throw refused(id, 'read', current);
      representation = current.data as Representation;
    }
  }

  return {
    // eslint-disable-next-line @typescript-eslint/require-await -- Pulumi's contract is a promise; a throw reaches the host as a rejection
    async check(_olds: Props, news: Props) {
      const failures: pulumi.dynamic.CheckFailure[] = [];
      for (const property of ['endpoint', 'token']) {
        const value = news[property];
        if (typeof value !== 'string' || value === '') {
          failures.push({
            property,
            reason: `${kind}: ${property} is required (the albkit agent's control API ${property})`,
          });
        }
      }
      return { inputs: news, failures };
    },

    // eslint-disable-next-line @typescript-eslint/require-await -- Pulumi's contract is a promise; a throw reaches the host as a rejection
    async diff(_id: string, olds: Props, news: Props) {
      const keys = new Set([...connection, ...Object.keys(specOf(olds)), ...Object.keys(specOf(news))]);
      const changed = [...keys].filter((key) => news[key] === unknown || canonical(olds[key]) !== canonical(news[key]));
      const replaces = changed.filter((key) => key === 'resourceId' || replaceOnChange.includes(key));
      return {
        changes: changed.length > 0,
        replaces,
        // A replacement with the same id can only be created once the old resource is gone.
        deleteBeforeReplace: replaces.length > 0 && !replaces.includes('resourceId'),
      };
    },

    async create(inputs: Props) {
      const id = String(inputs.resourceId);
      return { id, outs: await apply(id, inputs, 'create') };
    },

    async read(id: string, props: Props) {
      const reply = await request(props, 'GET', id);
      if (reply.status === 404) return {};
      if (reply.status !== 200) throw refused(id, 'read', reply);
      const representation = reply.data as Representation;
      const declared = specOf(props);
      // The agent returns keys as fingerprints; the declared key stands wherever the fingerprint is its own.
      const spec = (await restoreKeys(representation.spec, declared)) as Props;
      const live: Props = {};
      for (const key of Object.keys(declared)) live[key] = project(declared[key], spec[key]);
      return { id, props: outputs({ ...props, ...live }, representation) };
    },

    async update(id: string, _olds: Props, news: Props) {
      return { outs: await apply(id, news, 'update') };
    },

    async delete(id: string, props: Props) {
      const reply = await request(props, 'DELETE', id);
      if (reply.status === 404) return;
      if (reply.status !== 200) throw refused(id, 'delete', reply);
      const until = deadline(props);
      for (;;) {
        const current = await request(props, 'GET', id);
        if (current.status === 404) return;
        if (current.status !== 200) throw refused(id, 'read', current);
        if (Date.now() > until)
          throw albkitError('TIMEOUT', `${kind} ${id}: still on the albkit agent after delete within the timeout`);
        await sleep(pollMs);
      }
    },
  };
}
