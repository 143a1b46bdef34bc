/**
 * The tfplugin6 Provider service as plain async functions over request messages: schema, validation,
 * configuration, plan, apply, read, import and state upgrade of the albkit resource types. Errors come back
 * as diagnostics naming the resource id and attribute, never as gRPC errors.
 */
import type { Representation } from '../api/controller';
import { ControlApiError, ControlClient } from '../client/control-client';
import { agentResources, deleteResource, describeFailure, putResource } from './agent';
import { decodeJson, decodeValue, encodeValue, UNKNOWN, type CtyType, type CtyValue } from './cty';
import { objectOf, specOf } from './convert';
import { errorDiagnostic, issueDiagnostic, type Diagnostic } from './diagnostics';
import { planResource } from './plan';
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
    return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== UNKNOWN).map(([k, item]) => [k, known(item)]));
  }
  return value;
}

/**
 * The Terraform state of a resource as the agent represents it; the keys it returns as fingerprints are taken
 * from `known` (the spec sent, or the prior state's) where the fingerprint is theirs.
 */
function stateOf(schema: ResourceSchema, representation: Representation, known?: unknown): Record<string, CtyValue> {
  return { ...objectOf(schema.attributes, restoreSecrets(representation.spec, known)), resource_id: representation.id, id: representation.id };
}

/** Diagnostics for an error: one per issue for control API validation errors, else one. */
function failure(error: unknown, what: string): Diagnostic[] {
  if (error instanceof ControlApiError && error.issues.length > 0) {
    return error.issues.map((issue) => issueDiagnostic(issue));
  }
  return [errorDiagnostic(`${what}: ${describeFailure(error)}`)];
}

/** One provider instance: the state of one plugin process. */
export class AlbkitProvider {
  private client?: ControlClient;
  private agentResources?: Promise<Resource[]>;
  private schemaResponse?: Response;

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
  async getMetadata(): Promise<Response> {
    return {
      server_capabilities: { plan_destroy: true },
      diagnostics: [],
      resources: [...resourceSchemas().keys()].map((type_name) => ({ type_name })),
    };
  }

  /** GetProviderSchema. */
  async getProviderSchema(): Promise<Response> {
    this.schemaResponse ??= protoProviderSchema();
    return this.schemaResponse;
  }

  /** ValidateProviderConfig. */
  async validateProviderConfig(request: Request): Promise<Response> {
    const config = decodeDynamic(PROVIDER_TYPE, request.config) as Record<string, CtyValue>;
    return { diagnostics: checkProviderConfig(config ?? {}) };
  }

  /** ValidateResourceConfig: the kind's schema and the model's single-resource rules. */
  async validateResourceConfig(request: Request): Promise<Response> {
    const schema = this.schemaOf(request.type_name);
    const config = decodeDynamic(schema.type, request.config) as Record<string, CtyValue>;
    const spec = specOf(schema.attributes, config);
    const { issues } = validateSpec(schema.kind, config.resource_id, spec);
    return { diagnostics: issues.map((issue) => issueDiagnostic(issue)) };
  }

  /** UpgradeResourceState: state of this or an earlier schema version, reshaped to the current schema. */
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

  /** ReadResource: the agent's view; null when the resource is gone. */
  async readResource(request: Request): Promise<Response> {
    const schema = this.schemaOf(request.type_name);
    const current = decodeDynamic(schema.type, request.current_state) as Record<string, CtyValue> | null;
    const id = String(current?.id ?? current?.resource_id ?? '');
    try {
      const representation = await this.requireClient().get(schema.kind, id);
      const state = representation ? stateOf(schema, representation, current && specOf(schema.attributes, current)) : null;
      return { new_state: dynamic(schema.type, state), diagnostics: [] };
    } catch (error) {
      return { new_state: request.current_state, diagnostics: failure(error, `${id}: read`) };
    }
  }

  /** PlanResourceChange: defaults, derived values, requires_replace; a null proposal plans a destroy. */
  async planResourceChange(request: Request): Promise<Response> {
    const schema = this.schemaOf(request.type_name);
    const proposed = decodeDynamic(schema.type, request.proposed_new_state);
    if (proposed === null) return { planned_state: dynamic(schema.type, null), requires_replace: [], diagnostics: [] };
    const config = decodeDynamic(schema.type, request.config) as Record<string, CtyValue>;
    const prior = decodeDynamic(schema.type, request.prior_state) as Record<string, CtyValue> | null;
    let others: Resource[];
    try {
      others = await this.others();
    } catch (error) {
      return { diagnostics: failure(error, `${String(config.resource_id)}: plan`) };
    }
    const plan = planResource(schema, config, prior, others);
    if (plan.diagnostics.length > 0) return { diagnostics: plan.diagnostics };
    return {
      planned_state: dynamic(schema.type, plan.planned),
      requires_replace: plan.requiresReplace.map((steps) => ({ steps })),
      diagnostics: [],
    };
  }

  /** ApplyResourceChange: PUT and wait for ACTIVE, or DELETE and wait for removal. */
  async applyResourceChange(request: Request): Promise<Response> {
    const schema = this.schemaOf(request.type_name);
    const planned = decodeDynamic(schema.type, request.planned_state) as Record<string, CtyValue> | null;
    const prior = decodeDynamic(schema.type, request.prior_state) as Record<string, CtyValue> | null;
    const client = this.requireClient();
    this.agentResources = undefined;
    if (planned === null) {
      const id = String(prior?.id ?? prior?.resource_id);
      try {
        await deleteResource(client, schema.kind, id);
        return { new_state: dynamic(schema.type, null), diagnostics: [] };
      } catch (error) {
        return { new_state: request.prior_state, diagnostics: failure(error, `${id}: delete`) };
      }
    }
    const id = String(planned.resource_id);
    try {
      const spec = known(specOf(schema.attributes, planned));
      const representation = await putResource(client, schema.kind, id, spec);
      const diagnostics =
        representation.status.state === 'FAILED'
          ? [errorDiagnostic(`${id}: ${schema.kind} FAILED`, representation.status.reason ?? 'no reason given')]
          : [];
      return { new_state: dynamic(schema.type, stateOf(schema, representation, spec)), diagnostics };
    } catch (error) {
      return { new_state: request.prior_state, diagnostics: failure(error, `${id}: apply`) };
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
        imported_resources: [{ type_name: schema.typeName, state: dynamic(schema.type, stateOf(schema, representation)) }],
        diagnostics: [],
      };
    } catch (error) {
      return { diagnostics: failure(error, `${id}: import`) };
    }
  }

  /** StopProvider. */
  async stopProvider(): Promise<Response> {
    return {};
  }
}
