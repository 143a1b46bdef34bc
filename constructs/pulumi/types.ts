/**
 * Pulumi's view of the shared model: input and output types of each kind, derived from lib/model's zod
 * schemas (`z.input` for what users write, `z.output` for what they get back), never written twice.
 */
import type * as pulumi from '@pulumi/pulumi';
import type {
  AvailabilityGroupInput,
  BackendServiceInput,
  EipInput,
  Kind,
  ListenerInput,
  LoadBalancerInput,
  SecurityGroupInput,
  ServerGroupInput,
  SpecOf,
  UrlMapInput,
} from '../../lib/model';
import type { ResourceStatus } from '../../lib/status';

export type { ResourceStatus, ServerStatus } from '../../lib/status';

/** What users write for each kind: the `z.input` type of its spec schema (defaults may be left out). */
export interface InputOf {
  SecurityGroup: SecurityGroupInput;
  Eip: EipInput;
  AvailabilityGroup: AvailabilityGroupInput;
  LoadBalancer: LoadBalancerInput;
  ServerGroup: ServerGroupInput;
  BackendService: BackendServiceInput;
  UrlMap: UrlMapInput;
  Listener: ListenerInput;
}

/** A plain value in which every field, at any depth, may be a Pulumi `Input` (an `Output` or a promise). */
export type DeepInput<T> = pulumi.Input<
  T extends readonly (infer E)[] ? DeepInput<E>[] : T extends object ? { [P in keyof T]: DeepInput<T[P]> } : T
>;

/** Where the albkit agent is and how to authenticate: every resource carries these. */
export interface ConnectionArgs {
  /** The agent's control API base URL, such as `http://127.0.0.1:7070`. */
  endpoint: pulumi.Input<string>;
  /** The control API bearer token (the agent's `<state-dir>/token`). Stored as a Pulumi secret. */
  token: pulumi.Input<string>;
  /** How long create, update and delete wait for the agent to finish, in seconds. @default 120 */
  timeoutSeconds?: pulumi.Input<number>;
  /** The resource's id on the agent (letters, digits, `.`, `_`, `-`, `/`). @default the Pulumi resource name */
  resourceId?: string;
}

/** The arguments of a kind's resource: its spec fields (model names, Pulumi inputs) plus the connection. */
export type ArgsOf<K extends Kind> = { [P in keyof InputOf[K]]: DeepInput<InputOf[K][P]> } & ConnectionArgs;

/** The outputs of a kind's resource: its spec fields as declared, and what the agent reports. */
export type OutputsOf<K extends Kind> = { readonly [P in keyof SpecOf[K]]-?: pulumi.Output<SpecOf[K][P]> } & {
  /** The resource's id on the agent (the same as the Pulumi `id`). */
  readonly resourceId: pulumi.Output<string>;
  /** The agent's control API base URL. */
  readonly endpoint: pulumi.Output<string>;
  /** Explicit edges on the agent: ids of the albkit resources given in `opts.dependsOn`. */
  readonly dependsOn: pulumi.Output<string[]>;
  /** The state the agent reports: ACTIVE once created. */
  readonly status: pulumi.Output<ResourceStatus>;
  /** The agent's generation counter of the spec. */
  readonly generation: pulumi.Output<number>;
  /** The spec as the agent resolved it: derived defaults (intranet address, server zones…) filled in. */
  readonly resolved: pulumi.Output<SpecOf[K]>;
};
