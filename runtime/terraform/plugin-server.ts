/**
 * The go-plugin side of the provider process: the handshake Terraform expects (magic cookie, protocol 6,
 * AutoMTLS with a one-time certificate, one line on stdout), and the gRPC services beside the provider's own:
 * health, controller (graceful shutdown), stdio and broker.
 */
import { join } from 'node:path';
import { format } from 'node:util';
import type * as Grpc from '@grpc/grpc-js';
import { selfSignedCertificate } from './certificate';
import type { Diagnostic } from './diagnostics';
import { log, LOGGED_RESOURCE_ID } from './log';
import { AlbkitProvider } from './provider';

/** The cookie go-plugin uses to tell a plugin it was started by Terraform. */
export const MAGIC_COOKIE_KEY = 'TF_PLUGIN_MAGIC_COOKIE';
export const MAGIC_COOKIE_VALUE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';

/** The plugin protocol version served: Terraform plugin protocol 6. */
export const PROTOCOL_VERSION = 6;

const PROVIDER_METHODS = {
  GetMetadata: 'getMetadata',
  GetProviderSchema: 'getProviderSchema',
  ValidateProviderConfig: 'validateProviderConfig',
  ValidateResourceConfig: 'validateResourceConfig',
  UpgradeResourceState: 'upgradeResourceState',
  ConfigureProvider: 'configureProvider',
  ReadResource: 'readResource',
  PlanResourceChange: 'planResourceChange',
  ApplyResourceChange: 'applyResourceChange',
  ImportResourceState: 'importResourceState',
  StopProvider: 'stopProvider',
} as const;

/** A running plugin server. */
export interface PluginServer {
  /** The handshake line printed on stdout. */
  handshake: string;
  port: number;
  /** Resolves once the server has shut down (through GRPCController/Shutdown or `shutdown()`). */
  closed: Promise<void>;
  shutdown(): Promise<void>;
}

/** Why the process cannot serve as a plugin, or undefined when Terraform started it. */
export function startupProblem(env: NodeJS.ProcessEnv): string | undefined {
  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    return 'This binary is a plugin: Terraform starts it. Configure it with dev_overrides or a filesystem_mirror (see docs/terraform.md).';
  }
  const versions = (env.PLUGIN_PROTOCOL_VERSIONS ?? String(PROTOCOL_VERSION)).split(',').map((v) => Number(v.trim()));
  if (!versions.includes(PROTOCOL_VERSION)) {
    return `Terraform asks for plugin protocol ${versions.join(
      ', ',
    )}; terraform-provider-albkit speaks ${PROTOCOL_VERSION} (Terraform 1.0 or later)`;
  }
  return undefined;
}

const PROTO_DIR = join(__dirname, '..', '..', '..', 'runtime', 'terraform', 'proto');

function loadServices(grpc: typeof Grpc): Record<string, Grpc.ServiceDefinition> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loader = require('@grpc/proto-loader') as typeof import('@grpc/proto-loader');
  const definition = loader.loadSync(['tfplugin6.proto', 'plugin.proto', 'health.proto'], {
    includeDirs: [PROTO_DIR],
    keepCase: true,
    longs: Number,
    enums: String,
    bytes: Buffer,
    defaults: false,
    oneofs: true,
  });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as Record<
    string,
    Record<string, { service: Grpc.ServiceDefinition }>
  > & {
    grpc: { health: { v1: { Health: { service: Grpc.ServiceDefinition } } } };
  };
  return {
    Provider: loaded.tfplugin6!.Provider!.service,
    GRPCController: loaded.plugin!.GRPCController!.service,
    GRPCStdio: loaded.plugin!.GRPCStdio!.service,
    GRPCBroker: loaded.plugin!.GRPCBroker!.service,
    Health: loaded.grpc.health.v1.Health.service,
  };
}

/**
 * grpc-js's own messages, as JSON lines like every other (its default writes plain lines on stderr). Its errors
 * are warnings here: it also reports them to the caller, which decides (a busy port while binding is not one).
 */
const GRPC_LOGGER: Partial<Console> = {
  error: (message: unknown, ...params: unknown[]) => log('warn', `grpc: ${format(message, ...params)}`),
  info: (message: unknown, ...params: unknown[]) => log('info', `grpc: ${format(message, ...params)}`),
  debug: (message: unknown, ...params: unknown[]) => log('debug', `grpc: ${format(message, ...params)}`),
};

async function bind(server: Grpc.Server, credentials: Grpc.ServerCredentials, env: NodeJS.ProcessEnv): Promise<number> {
  const min = Number(env.PLUGIN_MIN_PORT ?? 0);
  const max = Number(env.PLUGIN_MAX_PORT ?? 0);
  const candidates = min > 0 && max >= min ? Array.from({ length: max - min + 1 }, (_, i) => min + i) : [0];
  let lastError: unknown;
  for (const candidate of candidates) {
    try {
      return await new Promise<number>((resolve, reject) =>
        server.bindAsync(`127.0.0.1:${candidate}`, credentials, (error, port) =>
          error ? reject(error) : resolve(port),
        ),
      );
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error(`no free port in ${min}–${max}: ${String(lastError)}`);
}

/**
 * Starts the plugin's gRPC server. With `PLUGIN_CLIENT_CERT` (Terraform's AutoMTLS) it serves TLS, requires a
 * client certificate and trusts only that one; without it (`TF_DISABLE_PLUGIN_TLS`), plaintext, as go-plugin does.
 */
export async function startPluginServer(env: NodeJS.ProcessEnv = process.env): Promise<PluginServer> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const grpc = require('@grpc/grpc-js') as typeof Grpc;
  grpc.setLogger(GRPC_LOGGER);
  const services = loadServices(grpc);
  const provider = new AlbkitProvider();
  const server = new grpc.Server();
  let closeResolve!: () => void;
  const closed = new Promise<void>((resolve) => (closeResolve = resolve));
  const openStreams = new Set<
    Grpc.ServerWritableStream<unknown, unknown> | Grpc.ServerDuplexStream<unknown, unknown>
  >();
  const shutdown = async (): Promise<void> => {
    for (const stream of openStreams) stream.end();
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    closeResolve();
  };

  const unary: Grpc.UntypedServiceImplementation = {};
  for (const [rpc, method] of Object.entries(PROVIDER_METHODS)) {
    unary[rpc] = (
      call: Grpc.ServerUnaryCall<Record<string, unknown>, unknown>,
      callback: Grpc.sendUnaryData<unknown>,
    ) => {
      const started = performance.now();
      const typeName = call.request.type_name;
      provider[method](call.request).then(
        (response) => {
          const errors = ((response.diagnostics ?? []) as Diagnostic[]).filter((d) => d.severity === 'ERROR');
          const resourceId = (response as { [LOGGED_RESOURCE_ID]?: string })[LOGGED_RESOURCE_ID];
          log(errors.length > 0 ? 'warn' : 'debug', rpc, {
            type_name: typeName,
            ...(resourceId === undefined ? {} : { resource_id: resourceId }),
            ms: Math.round(performance.now() - started),
            errors: errors.length,
            ...(errors.length === 0
              ? {}
              : {
                  error: errors.map((d) => [d.summary, d.detail].filter((part) => part !== '').join(': ')).join('; '),
                }),
          });
          callback(null, response);
        },
        (error: unknown) => {
          log('error', rpc, { type_name: typeName, error: error instanceof Error ? error.stack : String(error) });
          callback({ code: grpc.status.INTERNAL, details: error instanceof Error ? error.message : String(error) });
        },
      );
    };
  }
  server.addService(services.Provider!, unary);
  const hold = (
    stream: Grpc.ServerWritableStream<unknown, unknown> | Grpc.ServerDuplexStream<unknown, unknown>,
  ): void => {
    openStreams.add(stream);
    stream.on('cancelled', () => openStreams.delete(stream));
    stream.on('error', () => openStreams.delete(stream));
  };
  server.addService(services.GRPCController!, {
    Shutdown: (_call: unknown, callback: Grpc.sendUnaryData<unknown>) => {
      callback(null, {});
      setImmediate(() => void shutdown());
    },
  });
  server.addService(services.GRPCStdio!, { StreamStdio: hold });
  server.addService(services.GRPCBroker!, {
    StartStream: (stream: Grpc.ServerDuplexStream<unknown, unknown>) => {
      hold(stream);
      stream.on('data', () => undefined);
    },
  });
  server.addService(services.Health!, {
    Check: (_call: unknown, callback: Grpc.sendUnaryData<unknown>) => callback(null, { status: 'SERVING' }),
    Watch: (stream: Grpc.ServerWritableStream<unknown, unknown>) => {
      hold(stream);
      stream.write({ status: 'SERVING' });
    },
  });

  const clientCert = env.PLUGIN_CLIENT_CERT;
  let credentials = grpc.ServerCredentials.createInsecure();
  let certField = '';
  if (clientCert) {
    const own = selfSignedCertificate();
    credentials = grpc.ServerCredentials.createSsl(
      Buffer.from(clientCert),
      [{ private_key: Buffer.from(own.keyPem), cert_chain: Buffer.from(own.certPem) }],
      true,
    );
    certField = own.certDer.toString('base64').replace(/=+$/, '');
  }
  const port = await bind(server, credentials, env);
  const handshake = `1|${PROTOCOL_VERSION}|tcp|127.0.0.1:${port}|grpc|${certField}`;
  return { handshake, port, closed, shutdown };
}
