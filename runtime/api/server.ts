/** The control API over HTTP: fastify routes onto the controller, bearer auth, JSON errors, metrics. */
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { KIND_NAMES, KINDS, kindOfCollection, zodIssues, type Kind } from '../../lib';
import { StackName, stackOwner } from '../contract/stack';
import type { Fleet } from '../fleet/fleet';
import type { AgentMetrics } from '../metrics';
import { EtcdStoreError } from '../store/etcd-errors';
import { StateWriteError } from '../store/file-store';
import { Owner } from '../contract/owner';
import { bearerChecker } from './auth';
import { conditionsOf } from './conditional';
import { MAX_WAIT_MS, type Controller } from './controller';
import { ApiError, invalid, notStored } from './errors';
import { MANIFEST_BODY_LIMIT, RESOURCE_BODY_LIMIT, checkJsonDepth, tooLargeMessage } from './json-body';
import type { ManifestRunner, RunClaim } from './manifest-run';
import { registerNodesRoute } from './nodes-route';
import type { UnstoredStatuses } from './reconciler';
import { openApiDocument } from './openapi';

export interface ControlApiOptions {
  controller: Controller;
  runner: ManifestRunner;
  metrics: AgentMetrics;
  logger: Logger;
  /** The bearer token every request but `/healthz` must carry. */
  token: string;
  /** The agent's version, for the OpenAPI document. */
  version: string;
  /** The status changes waiting for a successful write (a full disk): `/healthz` reports them. */
  unstored?: () => UnstoredStatuses | undefined;
  /** The agent's fleet, for `GET /v1/nodes`. @default no `/v1/nodes` route */
  fleet?: Fleet;
}

type IdParams = { collection: string; id: string };

/** `GET /v1/manifest?stack=<name>` or `?owner=<owner>`: only the resources of that stack or owner. */
const ManifestReadQuery = z
  .strictObject({ stack: StackName.optional(), owner: Owner.optional() })
  .refine((query) => query.stack === undefined || query.owner === undefined, {
    message: 'give stack or owner, not both',
  });

/** `GET /v1/<collection>/<id>?wait=<ms>`: wait while the resource is CREATING or DELETING. */
const ResourceReadQuery = z.strictObject({
  /** How long to wait for a CREATING resource to settle or a DELETING one to go. @default 0: answer at once */
  wait: z.coerce.number().int().min(0).max(MAX_WAIT_MS).optional(),
});

/** `PUT /v1/manifest?stack=<name>&adopt=true`. */
const ManifestRunQuery = z.strictObject({
  /** The stack the document describes. @default 'default' */
  stack: StackName.optional(),
  /** Take over the document's resources that another owner (or none) has. @default false */
  adopt: z.enum(['true', 'false']).optional(),
});

/** The query parsed with `schema`, or a 400 naming the parameter. */
function queryOf<T>(schema: z.ZodType<T>, query: unknown): T {
  const parsed = schema.safeParse(query ?? {});
  if (!parsed.success) throw invalid(zodIssues('query', parsed.error));
  return parsed.data;
}

/** Builds the control API (not yet listening). */
export function buildControlApi(options: ControlApiOptions): FastifyInstance {
  const { controller, runner, metrics } = options;
  const app = Fastify({
    // Widened on purpose: Fastify's instance type follows the logger's, and callers expect the default one.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    loggerInstance: options.logger.child({ component: 'control-api' }) as FastifyBaseLogger,
    disableRequestLogging: true,
    bodyLimit: RESOURCE_BODY_LIMIT,
    routerOptions: { maxParamLength: 1024 },
  });
  const authorized = bearerChecker(options.token);
  const parseJson = app.getDefaultJsonParser('error', 'error');
  // JSON only (text/plain is 415 like any other type); depth checked before parsing; a DELETE may carry none.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    if (body.length === 0 && request.method === 'DELETE') return done(null, undefined);
    try {
      checkJsonDepth(body);
    } catch (error) {
      return done(error as Error, undefined);
    }
    // The default parser answers through `done`; it returns no promise to wait for.
    void parseJson(request, body.toString('utf8'), done);
  });
  const openapi = openApiDocument(options.version);

  app.addHook('onRequest', async (request, reply) => {
    if (request.url === '/healthz') return;
    if (!authorized(request.headers.authorization)) {
      reply.header('www-authenticate', 'Bearer realm="albkit"');
      throw new ApiError(
        'UNAUTHORIZED',
        'missing or wrong bearer token (Authorization: Bearer <token from <state-dir>/token>)',
      );
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    metrics.apiRequests.inc({
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: String(reply.statusCode),
    });
  });
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    const apiError =
      error instanceof ApiError
        ? error
        : error instanceof StateWriteError
          ? notStored(error)
          : error instanceof EtcdStoreError
            ? new ApiError(error.apiCode, error.message)
            : fromFastify(error);
    if (apiError.code === 'BUSY') void reply.header('retry-after', '1');
    if (apiError.status >= 500) request.log.error({ err: error }, 'control API request failed');
    else
      request.log.debug(
        { code: apiError.code, message: apiError.message, url: request.url },
        'control API request refused',
      );
    void reply.status(apiError.status).send(apiError.body());
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .send(new ApiError('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`).body());
  });

  // Still 200 while status writes are retried: the agent serves, but what it stores lags behind.
  // eslint-disable-next-line @typescript-eslint/require-await -- Fastify awaits it; a throw becomes a rejection its error handler answers
  app.get('/healthz', async () => {
    const unstored = options.unstored?.();
    return unstored === undefined ? { status: 'ok' } : { status: 'degraded', unstoredStatuses: unstored };
  });
  app.get('/metrics', async (_request, reply) => {
    void reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  // eslint-disable-next-line @typescript-eslint/require-await -- Fastify awaits it; a throw becomes a rejection its error handler answers
  app.get('/v1/openapi.json', async () => openapi);
  if (options.fleet) registerNodesRoute(app, options.fleet);
  // eslint-disable-next-line @typescript-eslint/require-await -- Fastify awaits it; a throw becomes a rejection its error handler answers
  app.get('/v1/operations', async () => ({ items: controller.operations() }));
  // eslint-disable-next-line @typescript-eslint/require-await -- Fastify awaits it; a throw becomes a rejection its error handler answers
  app.get('/v1/manifest', async (request) => {
    const { stack, owner } = queryOf(ManifestReadQuery, request.query);
    return controller.manifest(stack === undefined ? owner : stackOwner(stack));
  });
  // The manifest's bytes go to the runner unparsed (it parses large ones off the event loop). The run slot is
  // claimed as the request arrives, so while one manifest is received or run, others are refused unread.
  const claims = new WeakMap<FastifyRequest, RunClaim>();
  // eslint-disable-next-line @typescript-eslint/require-await -- Fastify awaits it; a throw becomes a rejection its error handler answers
  const releaseClaim = async (request: FastifyRequest): Promise<void> => {
    const claim = claims.get(request);
    if (claim) runner.release(claim);
  };
  // eslint-disable-next-line @typescript-eslint/require-await -- Fastify awaits it; a throw becomes a rejection its error handler answers
  void app.register(async (manifestScope) => {
    manifestScope.removeAllContentTypeParsers();
    manifestScope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
      done(null, body),
    );
    manifestScope.addHook('onResponse', releaseClaim);
    manifestScope.addHook('onRequestAbort', releaseClaim);
    // eslint-disable-next-line @typescript-eslint/require-await -- Fastify awaits it; a throw becomes a rejection its error handler answers
    const onRequest = async (request: FastifyRequest): Promise<void> => {
      claims.set(request, runner.claim(queryOf(ManifestRunQuery, request.query).stack));
    };
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- Fastify awaits a route hook that takes no done callback
    manifestScope.put('/v1/manifest', { bodyLimit: MANIFEST_BODY_LIMIT, onRequest }, async (request) => {
      const { stack, adopt } = queryOf(ManifestRunQuery, request.query);
      return runner.run(request.body, { stack, adopt: adopt === 'true' }, claims.get(request));
    });
  });

  // eslint-disable-next-line @typescript-eslint/require-await -- Fastify awaits it; a throw becomes a rejection its error handler answers
  app.get('/v1/:collection', async (request: FastifyRequest<{ Params: { collection: string } }>) => ({
    items: controller.list(kindOf(request.params.collection)),
  }));
  app.get('/v1/:collection/:id', async (request: FastifyRequest<{ Params: IdParams }>, reply) => {
    const kind = kindOf(request.params.collection);
    const { wait } = queryOf(ResourceReadQuery, request.query);
    const resource =
      wait === undefined
        ? controller.get(kind, request.params.id)
        : await controller.watch(kind, request.params.id, wait);
    void reply.header('etag', resource.etag);
    return resource;
  });
  app.put('/v1/:collection/:id', async (request: FastifyRequest<{ Params: IdParams }>, reply) => {
    const kind = kindOf(request.params.collection);
    const { created, resource } = await controller.put(
      kind,
      request.params.id,
      request.body,
      conditionsOf(request.headers),
    );
    void reply.status(created ? 201 : 200).header('etag', resource.etag);
    return resource;
  });
  app.delete('/v1/:collection/:id', async (request: FastifyRequest<{ Params: IdParams }>, reply) => {
    const resource = await controller.delete(
      kindOf(request.params.collection),
      request.params.id,
      conditionsOf(request.headers),
    );
    void reply.header('etag', resource.etag);
    return resource;
  });
  return app;
}

function kindOf(collection: string): Kind {
  const kind = kindOfCollection(collection);
  if (!kind) {
    const known = KIND_NAMES.map((k) => KINDS[k].collection).join(', ');
    throw new ApiError('NOT_FOUND', `unknown collection "${collection}"; one of ${known}`);
  }
  return kind;
}

/** Fastify's own errors (bad JSON, body too large, wrong media type) as API errors. */
function fromFastify(error: FastifyError): ApiError {
  const status = error.statusCode ?? 500;
  if (status >= 500) return new ApiError('INTERNAL', 'internal error; see the agent log');
  const message =
    error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
      ? tooLargeMessage()
      : error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? 'unsupported content type; send application/json'
        : `bad request: ${error.message}`;
  return new ApiError('BAD_REQUEST', message, undefined, status);
}
