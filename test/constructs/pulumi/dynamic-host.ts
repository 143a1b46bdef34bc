/**
 * The Pulumi SDK's real dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`) as a child process,
 * driven over gRPC the way the Pulumi engine drives it: check, diff, create, read, update, delete.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as grpc from '@grpc/grpc-js';
/* eslint-disable @typescript-eslint/no-require-imports */
const services = require('@pulumi/pulumi/proto/provider_grpc_pb');
const messages = require('@pulumi/pulumi/proto/provider_pb');
const { Struct } = require('google-protobuf/google/protobuf/struct_pb');
const { Status } = require('@pulumi/pulumi/proto/status_pb');
/* eslint-enable @typescript-eslint/no-require-imports */

type Props = Record<string, unknown>;

/** A gRPC error from the host: status code and message. */
export interface HostError extends Error {
  code: number;
  details: string;
  metadata: grpc.Metadata;
}

/** What the engine reads from a create that failed after the resource was made: "failed to initialize". */
export interface InitFailure {
  id: string;
  reasons: string[];
  properties: Props;
}

/** The `ErrorResourceInitFailed` detail of a host error, as the engine decodes it; undefined when absent. */
export function initFailureOf(error: HostError): InitFailure | undefined {
  const [bytes] = error.metadata.get('grpc-status-details-bin') as Buffer[];
  if (!bytes) return undefined;
  const [detail] = Status.deserializeBinary(bytes).getDetailsList();
  const failure = detail?.unpack(
    messages.ErrorResourceInitFailed.deserializeBinary,
    'pulumirpc.ErrorResourceInitFailed',
  );
  if (!failure) return undefined;
  return { id: failure.getId(), reasons: failure.getReasonsList(), properties: failure.getProperties().toJavaScript() };
}

export interface DynamicHost {
  pid: number;
  check(olds: Props, news: Props): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }>;
  diff(
    id: string,
    olds: Props,
    news: Props,
  ): Promise<{ changes: number; replaces: string[]; deleteBeforeReplace: boolean }>;
  create(properties: Props): Promise<{ id: string; properties: Props }>;
  read(id: string, properties: Props): Promise<{ id: string; properties: Props }>;
  update(id: string, olds: Props, news: Props): Promise<{ properties: Props }>;
  delete(id: string, properties: Props): Promise<void>;
  /** Stops the host by its PID. */
  stop(): Promise<void>;
}

/** `DIFF_SOME` in the DiffResponse's `changes` enum. */
export const DIFF_SOME: number = messages.DiffResponse.DiffChanges.DIFF_SOME;
/** `DIFF_NONE` in the DiffResponse's `changes` enum. */
export const DIFF_NONE: number = messages.DiffResponse.DiffChanges.DIFF_NONE;

/** Spawns the host and connects to the port it prints. */
export async function startDynamicHost(): Promise<DynamicHost> {
  const entry = require.resolve('@pulumi/pulumi/cmd/dynamic-provider');
  // The argument is the engine's address; the host only needs it to be present.
  const child: ChildProcess = spawn(process.execPath, [entry, '127.0.0.1:1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^(\d+)\s*$/m.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`dynamic-provider host exited with ${code}: ${stderr}`)));
  });
  const client = new services.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());

  const call = <T>(method: string, request: unknown): Promise<T> =>
    new Promise((resolve, reject) =>
      client[method](request, (error: HostError | null, reply: T) => (error ? reject(error) : resolve(reply))),
    );
  const struct = (props: Props) => Struct.fromJavaScript(props);

  return {
    pid: child.pid ?? 0,
    async check(olds, news) {
      const request = new messages.CheckRequest();
      request.setOlds(struct(olds));
      request.setNews(struct(news));
      request.setUrn('urn:pulumi:test::albkit::pulumi-nodejs:dynamic/albkit:Check::check');
      const reply = await call<{
        getInputs(): { toJavaScript(): Props };
        getFailuresList(): { getProperty(): string; getReason(): string }[];
      }>('check', request);
      return {
        inputs: reply.getInputs().toJavaScript(),
        failures: reply
          .getFailuresList()
          .map((failure) => ({ property: failure.getProperty(), reason: failure.getReason() })),
      };
    },
    async diff(id, olds, news) {
      const request = new messages.DiffRequest();
      request.setId(id);
      request.setOlds(struct(olds));
      request.setNews(struct(news));
      const reply = await call<{
        getChanges(): number;
        getReplacesList(): string[];
        getDeletebeforereplace(): boolean;
      }>('diff', request);
      return {
        changes: reply.getChanges(),
        replaces: reply.getReplacesList(),
        deleteBeforeReplace: reply.getDeletebeforereplace(),
      };
    },
    async create(properties) {
      const request = new messages.CreateRequest();
      request.setProperties(struct(properties));
      const reply = await call<{ getId(): string; getProperties(): { toJavaScript(): Props } }>('create', request);
      return { id: reply.getId(), properties: reply.getProperties().toJavaScript() };
    },
    async read(id, properties) {
      const request = new messages.ReadRequest();
      request.setId(id);
      request.setProperties(struct(properties));
      const reply = await call<{ getId(): string; getProperties(): { toJavaScript(): Props } }>('read', request);
      return { id: reply.getId(), properties: reply.getProperties().toJavaScript() };
    },
    async update(id, olds, news) {
      const request = new messages.UpdateRequest();
      request.setId(id);
      request.setOlds(struct(olds));
      request.setNews(struct(news));
      const reply = await call<{ getProperties(): { toJavaScript(): Props } }>('update', request);
      return { properties: reply.getProperties().toJavaScript() };
    },
    async delete(id, properties) {
      const request = new messages.DeleteRequest();
      request.setId(id);
      request.setProperties(struct(properties));
      await call('delete', request);
    },
    async stop() {
      client.close();
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      process.kill(child.pid ?? 0, 'SIGTERM');
      await exited;
    },
  };
}
