/** The control API's OpenAPI 3.1 document, generated from the zod schemas of the model. */
import { z } from 'zod';
import { KIND_NAMES, KINDS, manifestJsonSchema } from '../../lib';
import { StackName } from '../contract/stack';
import { MAX_WAIT_MS } from './controller';
import { Owner } from '../contract/owner';

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
const errors = {
  400: { description: 'Invalid body: unknown or wrong fields, or rules across resources', ...json(ref('Error')) },
  401: { description: 'Missing or wrong bearer token', ...json(ref('Error')) },
  404: { description: 'No such resource', ...json(ref('Error')) },
  409: {
    description:
      'Out of order: a dependency is missing or not ACTIVE, dependents exist, or a replace-only field changed',
    ...json(ref('Error')),
  },
  412: {
    description:
      'If-Match or If-None-Match failed: the resource is not the version the request expects; nothing was changed',
    ...json(ref('Error')),
  },
};

/** `If-Match` and `If-None-Match` on writes: the compare-and-swap on a resource's etag. */
const conditions = [
  {
    name: 'If-Match',
    in: 'header',
    required: false,
    description: 'Write only if the resource exists with one of these etags (`*`: exists at all)',
    schema: { type: 'string' },
  },
  {
    name: 'If-None-Match',
    in: 'header',
    required: false,
    description: '`*`: write only if the resource does not exist (or: only if its etag is none of these)',
    schema: { type: 'string' },
  },
];

function representation(kind: string): Record<string, unknown> {
  return {
    type: 'object',
    required: ['id', 'kind', 'dependsOn', 'spec', 'status', 'generation', 'etag'],
    properties: {
      id: { type: 'string' },
      kind: { const: kind },
      owner: ref('Owner'),
      dependsOn: { type: 'array', items: { type: 'string' } },
      spec: ref(`${kind}Spec`),
      status: ref('Status'),
      generation: { type: 'integer', minimum: 1 },
      etag: {
        type: 'string',
        description:
          'The version (generation and owner), also the ETag header; send it in If-Match to write only that version',
      },
    },
  };
}

function kindPaths(kind: (typeof KIND_NAMES)[number]): Record<string, unknown> {
  const { collection } = KINDS[kind];
  const tags = [kind];
  const id = {
    name: 'id',
    in: 'path',
    required: true,
    description: 'The resource id (construct path), URL-encoded',
    schema: { type: 'string' },
  };
  return {
    [`/v1/${collection}`]: {
      get: {
        tags,
        summary: `List ${kind} resources`,
        responses: {
          200: {
            description: 'The resources',
            ...json({ type: 'object', properties: { items: { type: 'array', items: ref(kind) } } }),
          },
          401: errors[401],
        },
      },
    },
    [`/v1/${collection}/{id}`]: {
      parameters: [id],
      get: {
        tags,
        summary: `Read a ${kind}`,
        parameters: [
          {
            name: 'wait',
            in: 'query',
            required: false,
            description: `Milliseconds (at most ${MAX_WAIT_MS}) to wait first while the resource is CREATING (until ACTIVE or FAILED) or DELETING (until gone: 404)`,
            schema: { type: 'integer', minimum: 0, maximum: MAX_WAIT_MS },
          },
        ],
        responses: {
          200: { description: 'The resource', ...json(ref(kind)) },
          400: errors[400],
          401: errors[401],
          404: errors[404],
        },
      },
      put: {
        tags,
        summary: `Create or update a ${kind}`,
        parameters: conditions,
        requestBody: {
          required: true,
          ...json({
            type: 'object',
            required: ['spec'],
            additionalProperties: false,
            properties: {
              spec: ref(`${kind}Spec`),
              dependsOn: { type: 'array', items: { type: 'string' } },
              owner: ref('Owner'),
            },
          }),
        },
        responses: {
          200: { description: 'Updated', ...json(ref(kind)) },
          201: { description: 'Created', ...json(ref(kind)) },
          ...errors,
        },
      },
      delete: {
        tags,
        summary: `Delete a ${kind}`,
        parameters: [conditions[0]],
        responses: {
          200: { description: 'Being deleted (state DELETING)', ...json(ref(kind)) },
          401: errors[401],
          404: errors[404],
          409: errors[409],
          412: errors[412],
        },
      },
    },
  };
}

/** The OpenAPI document. */
export function openApiDocument(version: string): Record<string, unknown> {
  const schemas: Record<string, unknown> = {
    Status: {
      type: 'object',
      required: ['state'],
      properties: {
        state: { enum: ['CREATING', 'ACTIVE', 'FAILED', 'DELETING'] },
        reason: { type: 'string' },
        type: { enum: ['public', 'intranet'], description: 'LoadBalancer only' },
        servers: {
          description: 'BackendService only',
          type: 'array',
          items: {
            type: 'object',
            properties: {
              key: { type: 'string' },
              address: { type: 'string' },
              port: { type: 'integer' },
              weight: { type: 'integer' },
              healthy: { type: 'boolean' },
              active: { type: 'integer' },
            },
          },
        },
      },
    },
    Error: {
      type: 'object',
      required: ['error'],
      properties: {
        error: {
          type: 'object',
          required: ['code', 'message'],
          properties: {
            code: {
              enum: [
                'VALIDATION',
                'CONFLICT',
                'NOT_FOUND',
                'UNAUTHORIZED',
                'BAD_REQUEST',
                'PRECONDITION_FAILED',
                'BUSY',
                'INTERNAL',
              ],
            },
            message: { type: 'string' },
            issues: {
              type: 'array',
              items: {
                type: 'object',
                properties: { path: { type: 'string' }, field: { type: 'string' }, message: { type: 'string' } },
              },
            },
          },
        },
      },
    },
    Manifest: (({ $schema: _s, $id: _i, ...rest }) => rest)(manifestJsonSchema()),
    Owner: {
      ...jsonSchema(Owner),
      description: 'Who manages the resource: deploy/<stack>, terraform, pulumi, or any name; absent when unowned',
    },
    StackName: jsonSchema(StackName),
  };
  const stack = (what: string) => ({
    name: 'stack',
    in: 'query',
    required: false,
    description: what,
    schema: ref('StackName'),
  });
  for (const kind of KIND_NAMES) {
    schemas[`${kind}Spec`] = jsonSchema(KINDS[kind].schema as z.ZodType);
    schemas[kind] = representation(kind);
  }
  const operation = {
    type: 'object',
    properties: {
      seq: { type: 'integer' },
      time: { type: 'string' },
      op: { enum: ['create', 'update', 'delete'] },
      id: { type: 'string' },
      kind: { enum: [...KIND_NAMES] },
    },
  };
  return {
    openapi: '3.1.0',
    info: { title: 'albkit agent control API', version },
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths: {
      '/healthz': {
        get: {
          security: [],
          summary: 'Liveness',
          responses: {
            200: {
              description:
                "The agent is up: status 'ok', or 'degraded' with the status changes a full disk keeps it from storing",
            },
          },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics',
          responses: { 200: { description: 'Prometheus text format' }, 401: errors[401] },
        },
      },
      '/v1/manifest': {
        get: {
          summary: 'The current state as a manifest, or only the resources of one stack or owner',
          parameters: [
            stack('Only the resources of this stack (owner deploy/<stack>)'),
            {
              name: 'owner',
              in: 'query',
              required: false,
              description: 'Only the resources of this owner',
              schema: ref('Owner'),
            },
          ],
          responses: {
            200: { description: 'The manifest', ...json(ref('Manifest')) },
            400: errors[400],
            401: errors[401],
          },
        },
        put: {
          summary:
            "Validate, plan against the stack's resources and apply a whole manifest in waves; other owners' resources are never changed",
          parameters: [
            stack('The stack the document describes. Default: default'),
            {
              name: 'adopt',
              in: 'query',
              required: false,
              description:
                "true: take over the document's resources another owner (or none) has, instead of refusing with 409",
              schema: { enum: ['true', 'false'] },
            },
          ],
          requestBody: { required: true, ...json(ref('Manifest')) },
          responses: {
            200: {
              description: 'The stack, the plan that was run, the ids adopted and the hash of the stack now',
              ...json({
                type: 'object',
                properties: {
                  stack: { type: 'string' },
                  plan: { type: 'object' },
                  adopted: { type: 'array', items: { type: 'string' } },
                  hash: { type: 'string' },
                },
              }),
            },
            ...errors,
            413: { description: 'The body is over 8 MiB', ...json(ref('Error')) },
            429: {
              description: 'Another manifest run is in progress (one at a time); retry after it, as Retry-After says',
              ...json(ref('Error')),
            },
          },
        },
      },
      '/v1/operations': {
        get: {
          summary: 'Accepted operations in order',
          responses: {
            200: {
              description: 'The operations',
              ...json({ type: 'object', properties: { items: { type: 'array', items: operation } } }),
            },
            401: errors[401],
          },
        },
      },
      ...Object.assign({}, ...KIND_NAMES.map(kindPaths)),
    },
  };
}
