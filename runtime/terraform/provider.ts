/**
 * The tfplugin6 Provider service as plain async functions over request messages: schema, validation,
 * configuration, plan, apply, read, import and state upgrade of the albkit resource types. Errors come back
 * as diagnostics naming the resource id and attribute, never as gRPC errors.
 */
import type { Representation } from '../contract/representation';
import { ControlApiError, ControlClient } from '../client/control-client';
import { agentResources, deleteResource, describeFailure, putResource } from './agent';
import { terraformDestroys } from './destroy-run';
import { decodeJson, decodeValue, encodeValue, UNKNOWN, type CtyType, type CtyValue } from './cty';
import { objectOf, specOf } from './convert';
import { stateHttpOnlyFields } from './http-only';
import { errorDiagnostic, issueDiagnostic, type Diagnostic } from './diagnostics';
import { LOGGED_RESOURCE_ID } from './log';
import { planResource } from './plan';
import { PlannedResources } from './planned-resources';
import { checkProviderConfig, resolveProviderConfig } from './provider-config';
import { protoProviderSchema } from './schema-forms';
import { PROVIDER_TYPE, resourceSchemas, SCHEMA_VERSION, type ResourceSchema } from './schema';
import { validateSpec } from './validate';
import type { Resource } from '../../lib/resource';
import { restoreSecrets } from '../../lib/secrets';

/** A `DynamicValue` message. */
export interface DynamicValue {
  msgpack?: Buffer;
  json?: Buffer;
}

type Request = Record<string, unknown>;
type Response = Record<string, unknown>;

function decodeDynamic(type: CtyType, value: unknown): CtyValue {
  const dynamic = value as DynamicValue | undefined;
  if (dynamic?.msgpack && dynamic.msgpack.length > 0) return decodeValue(type, dynamic.msgpack);
  return decodeJson(type, dynamic?.json);
}

const dynamic = (type: CtyType, value: unknown): DynamicValue => ({ msgpack: encodeValue(type, value) });

/** A copy without unknown values: what is sent to the agent. */
function known(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== UNKNOWN).map(known);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== UNKNOWN)
        .map(([k, item]) => [k, known(item)]),
    );
  }
  return value;
}

/**
 * The Terraform state of a resource as the agent represents it; the keys it returns as fingerprints are taken
 * from `known` (the spec sent, or the prior state's) where the fingerprint is theirs, and HTTP-only fields it
 * lacks stay null on TCP.
 */
function stateOf(schema: ResourceSchema, representation: Representation, known?: unknown): Record<string, CtyValue> {
  const spec = stateHttpOnlyFields(
    schema.kind,
    restoreSecrets(representation.spec, known),
    known as Record<string, unknown> | undefined,
  );
  return { ...objectOf(schema.attributes, spec), resource_id: representation.id, id: representation.id };
}

/** Diagnostics for an error: one per issue for control API validation errors, else one. */
function failure(error: unknown, what: string): Diagnostic[] {
  if (error instanceof ControlApiError && error.issues.length > 0) {
    return error.issues.map((issue) => issueDiagnostic(issue));
  }
  return [errorDiagnostic(`${what}: ${describeFailure(error)}`)];
}

/** True for a failure of the provider's access to the agent (unreachable, a wrong token), not of one resource. */
function accessFailure(error: unknown): boolean {
  return !(error instanceof ControlApiError) || error.status === 0 || error.status === 401 || error.status === 403;
}

/** The refusal of a create whose `resource_id` the agent already has: Terraform must import it, not take it over. */
function alreadyExists(typeName: string, id: string, error: ControlApiError): Diagnostic {
  return errorDiagnostic(
    `${typeName} "${id}" already exists on the albkit agent; import it with \`terraform import ${typeName}.<name> ${id}\``,
    `${error.message}. It was left as it is. To manage it with this configuration, import it (\`terraform import ` +
      `<address> ${id}\`, or an import block); to create a new resource, give this one another resource_id.`,
  );
}

/** A response that names, for the provider's log line, the resource it concerns. */
function about<T extends Response>(id: unknown, response: T): T {
  if (typeof id === 'string') Object.defineProperty(response, LOGGED_RESOURCE_ID, { value: id });
  return response;
}

/** One provider instance: the state of one plugin process. */
export class AlbkitProvider {
  private client?: ControlClient;
  private agentResources?: Promise<Resource[]>;
  private schemaResponse?: Response;
  /** The resources planned in this process, for the rules across resources of one configuration. */
  private readonly planned = new PlannedResources();
  /** Set once the agent could not be reached (or refused the token): reported once, not once per resource. */
  private accessReported = false;

  private schemaOf(typeName: unknown): ResourceSchema {
    const schema = resourceSchemas().get(String(typeName));
    if (!schema) throw new Error(`unknown resource type ${String(typeName)}`);
    return schema;
  }

  private requireClient(): ControlClient {
    if (!this.client) throw new Error('the provider is not configured');
    return this.client;
  }

  /** GetMetadata. */
  // eslint-disable-next-line @typescript-eslint/require-await -- an RPC handler; a throw becomes a rejection the gRPC server answers
  async getMetadata(): Promise<Response> {
    return {
      server_capabilities: { plan_destroy: true },
      diagnostics: [],
      resources: [...resourceSchemas().keys()].map((type_name) => ({ type_name })),
    };
  }

  /** GetProviderSchema. */
  // eslint-disable-next-line @typescript-eslint/require-await -- an RPC handler; a throw becomes a rejection the gRPC server answers
  async getProviderSchema(): Promise<Response> {
    this.schemaResponse ??= protoProviderSchema();
    return this.schemaResponse;
  }

  /** ValidateProviderConfig. */
  // eslint-disable-next-line @typescript-eslint/require-await -- an RPC handler; a throw becomes a rejection the gRPC server answers
  async validateProviderConfig(request: Request): Promise<Response> {
    const config = decodeDynamic(PROVIDER_TYPE, request.config) as Record<string, CtyValue>;
    return { diagnostics: checkProviderConfig(config ?? {}) };
  }

  /**
   * ValidateResourceConfig: the kind's schema and the model's rules on this resource alone, on what is known.
   * Nothing is refused while Terraform destroys, which validates the configuration first.
   */
  // eslint-disable-next-line @typescript-eslint/require-await -- an RPC handler; a throw becomes a rejection the gRPC server answers
  async validateResourceConfig(request: Request): Promise<Response> {
    const schema = this.schemaOf(request.type_name);
    const config = decodeDynamic(schema.type, request.config) as Record<string, CtyValue>;
    if (terraformDestroys()) return about(config.resource_id, { diagnostics: [] });
    const spec = specOf(schema.attributes, config);
    const { issues } = validateSpec(schema, config.resource_id, spec);
    return about(config.resource_id, { diagnostics: issues.map((issue) => issueDiagnostic(issue)) });
  }

  /** UpgradeResourceState: state of this or an earlier schema version, reshaped to the current schema. */
  // eslint-disable-next-line @typescript-eslint/require-await -- an RPC handler; a throw becomes a rejection the gRPC server answers
  async upgradeResourceState(request: Request): Promise<Response> {
    const schema = this.schemaOf(request.type_name);
    const version = Number(request.version ?? 0);
    if (version > SCHEMA_VERSION) {
      return {
        diagnostics: [
          errorDiagnostic(
            `${schema.typeName}: state has schema version ${version}, newer than this provider's ${SCHEMA_VERSION}`,
            'Upgrade terraform-provider-albkit to the version that wrote this state.',
          ),
        ],
      };
    }
    const raw = request.raw_state as { json?: Buffer; flatmap?: Record<string, string> } | undefined;
    if (!raw?.json?.length && raw?.flatmap && Object.keys(raw.flatmap).length > 0) {
      return { diagnostics: [errorDiagnostic(`${schema.typeName}: flatmap state (Terraform 0.11) is not supported`)] };
    }
    return { upgraded_state: dynamic(schema.type, decodeJson(schema.type, raw?.json)), diagnostics: [] };
  }

  /** ConfigureProvider: endpoint and token from the block, the environment or the agent's state directory. */
  // eslint-disable-next-line @typescript-eslint/require-await -- an RPC handler; a throw becomes a rejection the gRPC server answers
  async configureProvider(request: Request): Promise<Response> {
    const config = (decodeDynamic(PROVIDER_TYPE, request.config) ?? {}) as Record<string, CtyValue>;
    const { options, diagnostics } = resolveProviderConfig(config);
    if (options) this.client = new ControlClient(options.endpoint, options.token);
    this.agentResources = undefined;
    return { diagnostics };
  }

  /** The agent's resources, for the model's cross-component rules at plan; fetched again after any apply or failure. */
  private others(): Promise<Resource[]> {
    this.agentResources ??= agentResources(this.requireClient()).catch((error: unknown) => {
      this.agentResources = undefined;
      throw error;
    });
    return this.agentResources;
  }

  /**
   * Diagnostics for a failed read or plan: an access failure (agent unreachable, token refused) once per
   * provider process, as one error about the provider configuration; any other failure per resource.
   */
  private readFailure(error: unknown, what: string): Diagnostic[] {
    if (!accessFailure(error)) return failure(error, what);
    if (this.accessReported) return [];
    this.accessReported = true;
    return [
      errorDiagnostic(
        `albkit provider: ${describeFailure(error)}`,
        'Check the provider block (endpoint, token, state_dir) or ALBKIT_ENDPOINT / ALBKIT_TOKEN, and that the agent runs.',
      ),
    ];
  }

  /** ReadResource: the agent's view; null when the resource is gone. */
  async readResource(request: Request): Promise<Response> {
    const schema = this.schemaOf(request.type_name);
    const current = decodeDynamic(schema.type, request.current_state) as Record<string, CtyValue> | null;
    const id = String(current?.id ?? current?.resource_id ?? '');
    try {
      const representation = await this.requireClient().get(schema.kind, id);
      const state = representation
        ? stateOf(schema, representation, current && specOf(schema.attributes, current))
        : null;
      return about(id, { new_state: dynamic(schema.type, state), diagnostics: [] });
    } catch (error) {
      return about(id, { new_state: request.current_state, diagnostics: this.readFailure(error, `${id}: read`) });
    }
  }

  /** PlanResourceChange: defaults, derived values, requires_replace; a null proposal plans a destroy. */
  async planResourceChange(request: Request): Promise<Response> {
    const schema = this.schemaOf(request.type_name);
    const proposed = decodeDynamic(schema.type, request.proposed_new_state);
    const prior = decodeDynamic(schema.type, request.prior_state) as Record<string, CtyValue> | null;
    if (proposed === null) {
      return about(prior?.resource_id, {
        planned_state: dynamic(schema.type, null),
        requires_replace: [],
        diagnostics: [],
      });
    }
    const config = decodeDynamic(schema.type, request.config) as Record<string, CtyValue>;
    const check = !terraformDestroys();
    let agent: Resource[] = [];
    try {
      agent = await this.others();
    } catch (error) {
      const diagnostics = this.readFailure(error, `${String(config.resource_id)}: plan`);
      if (diagnostics.length > 0) return about(config.resource_id, { diagnostics });
    }
    const plan = planResource(schema, config, prior, { agent, planned: this.planned, check });
    if (plan.diagnostics.length > 0) return about(config.resource_id, { diagnostics: plan.diagnostics });
    return about(config.resource_id, {
      planned_state: dynamic(schema.type, plan.planned),
      requires_replace: plan.requiresReplace.map((steps) => ({ steps })),
      diagnostics: [],
    });
  }

  /** ApplyResourceChange: PUT and wait for ACTIVE, or DELETE and wait for removal. */
  async applyResourceChange(request: Request): Promise<Response> {
    const schema = this.schemaOf(request.type_name);
    const planned = decodeDynamic(schema.type, request.planned_state) as Record<string, CtyValue> | null;
    const prior = decodeDynamic(schema.type, request.prior_state) as Record<string, CtyValue> | null;
    const client = this.requireClient();
    this.agentResources = undefined;
    // Once applied, the resource is the agent's to report: later plans in this process see it there.
    this.planned.forget(String(planned?.resource_id ?? prior?.resource_id));
    if (planned === null) {
      const id = String(prior?.id ?? prior?.resource_id);
      try {
        await deleteResource(client, schema.kind, id);
        return about(id, { new_state: dynamic(schema.type, null), diagnostics: [] });
      } catch (error) {
        return about(id, { new_state: request.prior_state, diagnostics: failure(error, `${id}: delete`) });
      }
    }
    const id = String(planned.resource_id);
    // A create never takes over what the agent has: the put is conditional on the id being free.
    const precondition = prior === null ? ({ ifNoneMatch: '*' } as const) : undefined;
    try {
      const spec = known(specOf(schema.attributes, planned));
      const representation = await putResource(client, schema.kind, id, spec, precondition);
      const diagnostics =
        representation.status.state === 'FAILED'
          ? [errorDiagnostic(`${id}: ${schema.kind} FAILED`, representation.status.reason ?? 'no reason given')]
          : [];
      return about(id, { new_state: dynamic(schema.type, stateOf(schema, representation, spec)), diagnostics });
    } catch (error) {
      const diagnostics =
        error instanceof ControlApiError && error.code === 'PRECONDITION_FAILED' && precondition
          ? [alreadyExists(schema.typeName, id, error)]
          : failure(error, `${id}: apply`);
      return about(id, { new_state: request.prior_state, diagnostics });
    }
  }

  /** ImportResourceState: adopt an agent resource by its id. */
  async importResourceState(request: Request): Promise<Response> {
    const schema = this.schemaOf(request.type_name);
    const id = String(request.id);
    try {
      const representation = await this.requireClient().get(schema.kind, id);
      if (!representation) {
        return { diagnostics: [errorDiagnostic(`${id}: the agent has no ${schema.kind} with this id`)] };
      }
      return {
        imported_resources: [
          { type_name: schema.typeName, state: dynamic(schema.type, stateOf(schema, representation)) },
        ],
        diagnostics: [],
      };
    } catch (error) {
      return { diagnostics: failure(error, `${id}: import`) };
    }
  }

  /** StopProvider. */
  // eslint-disable-next-line @typescript-eslint/require-await -- an RPC handler; a throw becomes a rejection the gRPC server answers
  async stopProvider(): Promise<Response> {
    return {};
  }
}
