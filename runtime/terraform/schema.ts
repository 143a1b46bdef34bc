/**
 * The provider schema, generated from lib's zod model: one attribute per spec field (snake_case), nested
 * objects as nested attributes, `requires_replace` from `KINDS[kind].replaceOnChange`, defaults as
 * optional+computed attributes, and the fields lib derives (`DERIVED_DEFAULTS`) as computed. Every other face of
 * the schema (the gRPC answer, the `providers schema -json` document, the CDKTF bindings) is made from this.
 */
import { readFileSync } from 'node:fs';
import { KIND_NAMES, KINDS, type Kind } from '../../lib/model/kinds';
import { DERIVED_DEFAULTS } from '../../lib/resolve';
import type { CtyType } from './cty';
import { MODEL_DOCS_FILE } from './model-docs-file';

/** One attribute of a resource or of a nested object. */
export interface AttributeSchema {
  /** The Terraform name, snake_case. */
  name: string;
  /** The spec field it carries, camelCase; absent for `id` and `resource_id`. */
  field?: string;
  /** The cty type of its value. */
  type: CtyType;
  /** Nested attributes, for objects and lists of objects. */
  nested?: { mode: 'single' | 'list'; attributes: AttributeSchema[] };
  required: boolean;
  optional: boolean;
  computed: boolean;
  sensitive: boolean;
  /** The model's default, in spec form. */
  default?: unknown;
  /** lib derives the value from other fields when it is not set. */
  derived: boolean;
  /** A change to it replaces the resource. */
  replace: boolean;
  description: string;
}

/** The schema of one resource type. */
export interface ResourceSchema {
  /** `albkit_listener`, … */
  typeName: string;
  kind: Kind;
  /** The schema version recorded in state. */
  version: number;
  attributes: AttributeSchema[];
  /** The cty type of the whole resource object. */
  type: CtyType;
  description: string;
}

/** The provider's name in resource type names and its registry address. */
export const PROVIDER_NAME = 'albkit';
export const PROVIDER_SOURCE = 'registry.terraform.io/albkit/albkit';

/** The current schema version of every resource type. */
export const SCHEMA_VERSION = 0;

/** Spec fields whose values are secrets: Terraform hides them in plans and output. */
const SENSITIVE_FIELDS: ReadonlySet<string> = new Set(['keyPem']);

/** `loadBalancer` → `load_balancer`. */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** `LoadBalancer` → `albkit_load_balancer`. */
export function typeNameOf(kind: Kind): string {
  return `${PROVIDER_NAME}${snakeCase(kind)}`;
}

interface ZodDef {
  type: string;
  innerType?: ZodLike;
  defaultValue?: unknown;
  shape?: Record<string, ZodLike>;
  element?: ZodLike;
  options?: ZodLike[];
  entries?: Record<string, string>;
  values?: unknown[];
}
interface ZodLike {
  _zod: { def: ZodDef };
}

const def = (schema: ZodLike): ZodDef => schema._zod.def;

/** The object shapes a schema stands for: one for an object, one per branch for a union of objects. */
function shapesOf(schema: ZodLike): Record<string, ZodLike>[] | undefined {
  const d = def(schema);
  if (d.type === 'object') return [d.shape!];
  if (d.type === 'union' && d.options!.every((option) => def(option).type === 'object')) {
    return d.options!.map((option) => def(option).shape!);
  }
  return undefined;
}

/** The cty type of a scalar schema, and the only values it takes (enums, literals). */
function scalarType(schema: ZodLike, where: string): { type: CtyType; values: string[] } {
  const d = def(schema);
  switch (d.type) {
    case 'string':
      return { type: 'string', values: [] };
    case 'enum':
      return { type: 'string', values: Object.values(d.entries!) };
    case 'number':
      return { type: 'number', values: [] };
    case 'boolean':
      return { type: 'bool', values: [] };
    case 'literal':
      return { type: typeof d.values![0] === 'boolean' ? 'bool' : 'string', values: d.values!.map(String) };
    default:
      throw new Error(`${where}: no Terraform type for a zod ${d.type}`);
  }
}

/** The model's TSDoc per field (`model-docs.json`, written by tools/gen/model-docs.ts), read once. */
let docs: Record<string, string> | undefined;
function modelDoc(key: string): string | undefined {
  docs ??= JSON.parse(readFileSync(MODEL_DOCS_FILE, 'utf8')) as Record<string, string>;
  return docs[key];
}

/** Field names in backticks as Terraform spells them: `minSize` → `min_size`. */
const terraformNames = (text: string): string =>
  text.replace(/`([a-z]+[A-Z][A-Za-z]*)`/g, (_, name: string) => `\`${snakeCase(name)}\``);

interface DescribeOptions {
  doc: string | undefined;
  /** The only values the field takes, listed unless the model's text names them all. */
  values: string[];
  defaultValue: unknown;
  derived: boolean;
  replace: boolean;
  required: boolean;
}

/** The model's words for a field, completed with what Terraform users need: values, default, replace. */
function describe({ doc, values, defaultValue, derived, replace, required }: DescribeOptions): string {
  // A required attribute has no default in Terraform, whatever the constructs fill in.
  const text = terraformNames(doc ?? '').replace(required ? / ?Default: [^.]*\./g : /$^/, '');
  const parts = [text];
  if (values.some((value) => !text.includes(value))) {
    parts.push(values.length === 1 ? `Only \`${values[0]}\`.` : `One of ${values.map((v) => `\`${v}\``).join(', ')}.`);
  }
  if (!text.includes('Default:')) {
    if (defaultValue !== undefined) parts.push(`Default: \`${JSON.stringify(defaultValue)}\`.`);
    else if (derived) parts.push('Derived by albkit when not set.');
  }
  if (replace && !text.includes('replaces')) parts.push('Changing it replaces the resource.');
  return parts.filter((part) => part !== '').join(' ');
}

function attributesOf(
  shapes: Record<string, ZodLike>[],
  path: string,
  derivedPaths: readonly string[],
  replaceFields: readonly string[],
  kind: Kind,
): AttributeSchema[] {
  const names = [...new Set(shapes.flatMap((shape) => Object.keys(shape)))];
  const inAll = (name: string): boolean => shapes.every((shape) => name in shape);
  return names.map((field) => {
    const schema = shapes.find((shape) => field in shape)![field]!;
    return attributeOf(
      field,
      schema,
      `${path}${field}`,
      derivedPaths,
      replaceFields.includes(field),
      !inAll(field),
      kind,
    );
  });
}

function attributeOf(
  field: string,
  schema: ZodLike,
  path: string,
  derivedPaths: readonly string[],
  replace: boolean,
  forceOptional: boolean,
  kind: Kind,
): AttributeSchema {
  let inner = schema;
  let optional = forceOptional;
  let defaultValue: unknown;
  for (;;) {
    const d = def(inner);
    if (d.type === 'optional') optional = true;
    else if (d.type === 'default') {
      optional = true;
      defaultValue = d.defaultValue;
    } else break;
    inner = d.innerType!;
  }
  const derived = derivedPaths.includes(path);
  const doc = modelDoc(`${kind}.${path.replace(/\[\]/g, '')}`);
  const computed = defaultValue !== undefined || derived;
  const base = {
    name: snakeCase(field),
    field,
    required: !optional,
    optional,
    computed,
    sensitive: SENSITIVE_FIELDS.has(field),
    derived,
    replace,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
  };
  const d = def(inner);
  const element = d.type === 'array' ? d.element! : undefined;
  const shapes = shapesOf(element ?? inner);
  if (shapes) {
    const attributes = attributesOf(shapes, element ? `${path}[].` : `${path}.`, derivedPaths, [], kind);
    const objectType: CtyType = ['object', Object.fromEntries(attributes.map((a) => [a.name, a.type]))];
    return {
      ...base,
      type: element ? ['list', objectType] : objectType,
      nested: { mode: element ? 'list' : 'single', attributes },
      description: describe({ doc, values: [], defaultValue, derived, replace, required: !optional }),
    };
  }
  const scalar = scalarType(element ?? inner, path);
  return {
    ...base,
    type: element ? ['list', scalar.type] : scalar.type,
    description: describe({ doc, values: scalar.values, defaultValue, derived, replace, required: !optional }),
  };
}

const KIND_DESCRIPTIONS: { [K in Kind]: string } = {
  SecurityGroup: 'A security group: ingress rules enforced when a listener accepts a connection.',
  Eip: 'An elastic IP: a public address the listeners of its load balancer also bind.',
  AvailabilityGroup: 'An availability group: a scalable group of instances across zones, all with one weight.',
  LoadBalancer: 'A load balancer instance: its zones, VPC, subnet, security groups and optional EIP.',
  ServerGroup: 'A virtual server group: named servers of a load balancer, each with its own port and weight.',
  BackendService: 'A backend service: how a listener reaches its servers (algorithm, persistence, health check).',
  UrlMap: 'A url map: the forwarding rules of one load balancer, by host, path, header, query, method and source.',
  Listener: 'A listener: a bound port speaking HTTP, HTTPS, TCP or TLS, forwarding to a backend service.',
};

function identityAttributes(): AttributeSchema[] {
  const common = { type: 'string' as const, sensitive: false, derived: false };
  return [
    {
      ...common,
      name: 'resource_id',
      required: true,
      optional: false,
      computed: false,
      replace: true,
      description:
        'The albkit resource id, unique across the agent: letters, digits, ".", "_", "-" and "/" (a construct path such as `web/http`). Changing it replaces the resource.',
    },
    {
      ...common,
      name: 'id',
      required: false,
      optional: false,
      computed: true,
      replace: false,
      description: 'The albkit resource id (equal to `resource_id`): what other resources refer to.',
    },
  ];
}

/** The schema of one kind's resource type, generated from its zod schema. */
export function resourceSchema(kind: Kind): ResourceSchema {
  const shapes = shapesOf(KINDS[kind].schema);
  if (!shapes) throw new Error(`${kind}: the spec schema is not an object`);
  const attributes = [
    ...identityAttributes(),
    ...attributesOf(shapes, '', DERIVED_DEFAULTS[kind], KINDS[kind].replaceOnChange, kind),
  ];
  return {
    typeName: typeNameOf(kind),
    kind,
    version: SCHEMA_VERSION,
    attributes,
    type: ['object', Object.fromEntries(attributes.map((a) => [a.name, a.type]))],
    description: KIND_DESCRIPTIONS[kind],
  };
}

/** The provider block: where the agent is and how to authenticate. */
export const PROVIDER_ATTRIBUTES: AttributeSchema[] = [
  [
    'endpoint',
    false,
    'The agent control API, such as `http://127.0.0.1:8400`. Default: `ALBKIT_ENDPOINT`, else the `endpoint` file of `state_dir`.',
  ],
  ['token', true, 'The control API bearer token. Default: `ALBKIT_TOKEN`, else the `token` file of `state_dir`.'],
  [
    'state_dir',
    false,
    "The agent's state directory, whose `endpoint` and `token` files are used when those are not set. Default: `ALBKIT_STATE_DIR`.",
  ],
].map(([name, sensitive, description]) => ({
  name: name as string,
  type: 'string' as const,
  required: false,
  optional: true,
  computed: false,
  sensitive: sensitive as boolean,
  derived: false,
  replace: false,
  description: description as string,
}));

/** The provider block's cty type. */
export const PROVIDER_TYPE: CtyType = ['object', Object.fromEntries(PROVIDER_ATTRIBUTES.map((a) => [a.name, a.type]))];

let cache: Map<string, ResourceSchema> | undefined;

/** Every resource type's schema, by type name (generated once per process). */
export function resourceSchemas(): ReadonlyMap<string, ResourceSchema> {
  cache ??= new Map(KIND_NAMES.map((kind) => resourceSchema(kind)).map((schema) => [schema.typeName, schema]));
  return cache;
}
