/**
 * Test side of the plugin protocol: starts the built provider as Terraform does (magic cookie, protocol
 * versions, port range, `PLUGIN_CLIENT_CERT`), reads its handshake line and talks gRPC over mTLS to it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as loader from '@grpc/proto-loader';
import { selfSignedCertificate, type CertificatePair } from '../../../runtime/terraform/certificate';
import { decodeValue, encodeValue, type CtyType, type CtyValue } from '../../../runtime/terraform/cty';
import { MAGIC_COOKIE_VALUE } from '../../../runtime/terraform/plugin-server';

/** The provider executable, as Terraform runs it. */
export const PROVIDER_BIN = join(__dirname, '..', '..', '..', '..', 'bin', 'terraform-provider-albkit');
const PROTO_DIR = join(__dirname, '..', '..', '..', '..', 'runtime', 'terraform', 'proto');

const definition = loader.loadSync(['tfplugin6.proto', 'plugin.proto', 'health.proto'], {
  includeDirs: [PROTO_DIR],
  keepCase: true,
  longs: Number,
  enums: String,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
});
/** The services of the loaded protos that the client calls. */
interface PluginPackages {
  tfplugin6: { Provider: typeof grpc.Client & { service: grpc.ServiceDefinition } };
  grpc: { health: { v1: { Health: typeof grpc.Client } } };
  plugin: { GRPCController: typeof grpc.Client };
}
const packages = grpc.loadPackageDefinition(definition) as unknown as PluginPackages;

/** The parts of the handshake line. */
export interface Handshake {
  coreVersion: string;
  protocolVersion: string;
  network: string;
  address: string;
  protocol: string;
  certificate: string;
}

/** Parses `1|6|tcp|127.0.0.1:port|grpc|<base64 DER>`. */
export function parseHandshake(line: string): Handshake {
  const [coreVersion, protocolVersion, network, address, protocol, certificate] = line.trim().split('|');
  return {
    coreVersion: coreVersion!,
    protocolVersion: protocolVersion!,
    network: network!,
    address: address!,
    protocol: protocol!,
    certificate: certificate!,
  };
}

/** A unary call as a promise. */
type Call = (request: object) => Promise<Record<string, unknown>>;

/** A started provider process and gRPC clients to it. */
export interface ProviderProcess {
  child: ChildProcess;
  handshake: Handshake;
  /** The server's certificate from the handshake, PEM. */
  serverCertPem: string;
  /** The client certificate Terraform's side holds. */
  clientCert: CertificatePair;
  /** Provider RPCs by name (`GetProviderSchema`, …). */
  provider: Record<string, Call>;
  /** grpc.health.v1.Health/Check. */
  health(service: string): Promise<Record<string, unknown>>;
  /** plugin.GRPCController/Shutdown. */
  shutdownRpc(): Promise<void>;
  /** Clients made with other credentials, for refusal tests. */
  connect(credentials: grpc.ChannelCredentials): Record<string, Call>;
  stderr(): string;
  /** Everything the provider wrote on stdout. */
  stdout(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Closes the clients and kills the process if it still runs. */
  stop(): Promise<void>;
}

function promisify(client: grpc.Client, method: string): Call {
  return (request) =>
    new Promise((resolve, reject) =>
      (
        client as unknown as Record<
          string,
          (r: object, cb: (e: Error | null, v: Record<string, unknown>) => void) => void
        >
      )[method]!(request, (error, value) => (error ? reject(error) : resolve(value))),
    );
}

/** Terraform dials 127.0.0.1 and checks the certificate as `localhost`, as this does. */
const CHANNEL_OPTIONS = { 'grpc.ssl_target_name_override': 'localhost', 'grpc.default_authority': 'localhost' };

function clientsFor(
  address: string,
  credentials: grpc.ChannelCredentials,
  opened: grpc.Client[],
): Record<string, Call> {
  const Provider = packages.tfplugin6.Provider;
  const client = new Provider(address, credentials, CHANNEL_OPTIONS);
  opened.push(client);
  return Object.fromEntries(Object.keys(Provider.service).map((name) => [name, promisify(client, name)]));
}

/** Starts the provider with Terraform's environment and connects to it with the client certificate. */
export async function startProvider(env: Record<string, string> = {}): Promise<ProviderProcess> {
  const clientCert = selfSignedCertificate();
  const child = spawn(PROVIDER_BIN, [], {
    env: {
      ...process.env,
      TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE,
      PLUGIN_PROTOCOL_VERSIONS: '5,6',
      PLUGIN_MIN_PORT: '10000',
      PLUGIN_MAX_PORT: '25000',
      PLUGIN_CLIENT_CERT: clientCert.certPem,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stdout = '';
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('\n')) resolve(stdout.split('\n')[0]!);
    });
    void exited.then((code) => reject(new Error(`provider exited (${code}) before its handshake: ${stderr}`)));
  });
  const handshake = parseHandshake(line);
  const serverCertPem = new X509Certificate(Buffer.from(handshake.certificate, 'base64')).toString();
  const credentials = grpc.credentials.createSsl(
    Buffer.from(serverCertPem),
    Buffer.from(clientCert.keyPem),
    Buffer.from(clientCert.certPem),
  );
  const opened: grpc.Client[] = [];
  const provider = clientsFor(handshake.address, credentials, opened);
  const Health = packages.grpc.health.v1.Health;
  const health = new Health(handshake.address, credentials, CHANNEL_OPTIONS);
  const Controller = packages.plugin.GRPCController;
  const controller = new Controller(handshake.address, credentials, CHANNEL_OPTIONS);
  opened.push(health, controller);
  return {
    child,
    handshake,
    serverCertPem,
    clientCert,
    provider,
    health: (service) => promisify(health, 'Check')({ service }),
    shutdownRpc: async () => void (await promisify(controller, 'Shutdown')({})),
    connect: (other) => clientsFor(handshake.address, other, opened),
    stderr: () => stderr,
    stdout: () => stdout,
    exited,
    async stop() {
      for (const client of opened) client.close();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A `DynamicValue` holding `value` of `type`. */
export const dv = (type: CtyType, value: unknown): { msgpack: Buffer } => ({ msgpack: encodeValue(type, value) });

/** The value of a `DynamicValue` of `type`. */
export const fromDv = (type: CtyType, value: unknown): CtyValue =>
  decodeValue(type, (value as { msgpack?: Buffer })?.msgpack);
