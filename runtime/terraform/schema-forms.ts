/**
 * The two forms of the generated schema: the `GetProviderSchema` gRPC answer and the JSON document of
 * `terraform providers schema -json`, from which `@cdktf/provider-generator` makes the CDKTF L1 bindings.
 */
import { PROVIDER_ATTRIBUTES, PROVIDER_SOURCE, resourceSchemas, type AttributeSchema } from './schema';

/** An attribute as the gRPC `Schema.Attribute` message. */
function protoAttribute(attribute: AttributeSchema): Record<string, unknown> {
  const flags = {
    name: attribute.name,
    description: attribute.description,
    description_kind: 'MARKDOWN',
    required: attribute.required,
    optional: attribute.optional,
    computed: attribute.computed,
    sensitive: attribute.sensitive,
  };
  if (!attribute.nested) return { ...flags, type: Buffer.from(JSON.stringify(attribute.type)) };
  return {
    ...flags,
    nested_type: {
      attributes: attribute.nested.attributes.map(protoAttribute),
      nesting: attribute.nested.mode === 'list' ? 'LIST' : 'SINGLE',
    },
  };
}

function protoSchema(version: number, attributes: AttributeSchema[], description: string): Record<string, unknown> {
  return {
    version,
    block: {
      version,
      attributes: attributes.map(protoAttribute),
      block_types: [],
      description,
      description_kind: 'MARKDOWN',
    },
  };
}

/** The `GetProviderSchema.Response` message. */
export function protoProviderSchema(): Record<string, unknown> {
  const resources = Object.fromEntries(
    [...resourceSchemas().values()].map((schema) => [
      schema.typeName,
      protoSchema(schema.version, schema.attributes, schema.description),
    ]),
  );
  return {
    provider: protoSchema(0, PROVIDER_ATTRIBUTES, 'The albkit agent this provider manages resources on.'),
    resource_schemas: resources,
    data_source_schemas: {},
    diagnostics: [],
    server_capabilities: { plan_destroy: true, get_provider_schema_optional: false },
  };
}

/** An attribute in `providers schema -json` form (false flags left out, as Terraform writes them). */
function jsonAttribute(attribute: AttributeSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (attribute.nested) {
    out.nested_type = {
      attributes: jsonAttributes(attribute.nested.attributes),
      nesting_mode: attribute.nested.mode,
    };
  } else {
    out.type = attribute.type;
  }
  out.description = attribute.description;
  out.description_kind = 'markdown';
  for (const flag of ['required', 'optional', 'computed', 'sensitive'] as const) if (attribute[flag]) out[flag] = true;
  return out;
}

function jsonAttributes(attributes: AttributeSchema[]): Record<string, unknown> {
  return Object.fromEntries(attributes.map((attribute) => [attribute.name, jsonAttribute(attribute)]));
}

function jsonSchema(version: number, attributes: AttributeSchema[], description: string): Record<string, unknown> {
  return { version, block: { attributes: jsonAttributes(attributes), description, description_kind: 'markdown' } };
}

/** The `terraform providers schema -json` document of this provider. */
export function providerSchemaDocument(): Record<string, unknown> {
  const resources = Object.fromEntries(
    [...resourceSchemas().values()].map((schema) => [
      schema.typeName,
      jsonSchema(schema.version, schema.attributes, schema.description),
    ]),
  );
  return {
    format_version: '1.0',
    provider_schemas: {
      [PROVIDER_SOURCE]: {
        provider: jsonSchema(0, PROVIDER_ATTRIBUTES, 'The albkit agent this provider manages resources on.'),
        resource_schemas: resources,
      },
    },
  };
}
