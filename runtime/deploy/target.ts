/** Which agent the CLI talks to: `--endpoint`/`--token-file`, else `ALBKIT_ENDPOINT`/`ALBKIT_TOKEN`, else the state directory's files. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AlbkitError } from '../../lib';
import { DEFAULT_STATE_DIR } from '../agent-defaults';
import { isLocalEndpoint } from './local-host';

export interface TargetOptions {
  /** The agent's base URL. @default `ALBKIT_ENDPOINT`, else `<state-dir>/endpoint` */
  endpoint?: string;
  /** A file holding the token. @default the token itself from `ALBKIT_TOKEN`, else the file `<state-dir>/token` */
  tokenFile?: string;
  /** @default '.albkit' */
  stateDir?: string;
}

/** The agent could not be located: a usage problem (exit code 2). */
export class TargetError extends AlbkitError {
  readonly code = 'ALBKIT_TARGET';
}

/** The agent to talk to, and where its endpoint and token came from (for messages about a wrong one). */
export interface Target {
  /** The base URL, without a trailing slash. */
  endpoint: string;
  /** The bearer token. */
  token: string;
  /** Where the token came from: `--token-file <file>`, `ALBKIT_TOKEN`, or `<state-dir>/token`. */
  tokenSource: string;
  /**
   * True when the agent runs on this host: its endpoint came from a state directory here, or names this host
   * (`isLocalEndpoint`). Only then are the listeners' addresses judged by this host's.
   */
  local: boolean;
}

/** The endpoint and token to use. */
export async function resolveTarget(options: TargetOptions): Promise<Target> {
  const stateDir = options.stateDir ?? DEFAULT_STATE_DIR;
  const given = options.endpoint ?? process.env.ALBKIT_ENDPOINT;
  const endpoint = given ?? (await readTrimmed(join(stateDir, 'endpoint')));
  if (!endpoint) {
    throw new TargetError(
      `no agent endpoint: give --endpoint URL, set ALBKIT_ENDPOINT, or give --state-dir the agent's state directory (no readable ${join(
        stateDir,
        'endpoint',
      )})`,
    );
  }
  checkEndpoint(endpoint);
  const tokenPath = options.tokenFile ?? join(stateDir, 'token');
  const fromEnv = options.tokenFile === undefined && process.env.ALBKIT_TOKEN !== undefined;
  const token = fromEnv ? process.env.ALBKIT_TOKEN : await readTrimmed(tokenPath);
  if (!token) {
    throw new TargetError(
      `no token: give --token-file FILE, set ALBKIT_TOKEN to the token itself, or give --state-dir the agent's state directory (no readable ${tokenPath})`,
    );
  }
  const tokenSource = fromEnv ? 'ALBKIT_TOKEN' : options.tokenFile ? `--token-file ${tokenPath}` : tokenPath;
  return {
    endpoint: endpoint.replace(/\/$/, ''),
    token,
    tokenSource,
    local: given === undefined || isLocalEndpoint(endpoint),
  };
}

/** Throws `TargetError` unless `endpoint` is a base URL (`http://127.0.0.1:7070`, no path). */
export function checkEndpoint(endpoint: string): void {
  if (!/^https?:\/\/[^/]+\/?$/.test(endpoint))
    throw new TargetError(`--endpoint: "${endpoint}" is not a base URL such as http://127.0.0.1:7070`);
}

async function readTrimmed(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim() || undefined;
  } catch {
    return undefined;
  }
}
