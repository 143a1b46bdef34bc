/**
 * The provider block: `endpoint` and `token`, each from the configuration, else the environment
 * (`ALBKIT_ENDPOINT`, `ALBKIT_TOKEN`), else the agent's state directory (`state_dir` or `ALBKIT_STATE_DIR`),
 * whose `endpoint` and `token` files the agent writes at start.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UNKNOWN, type CtyValue } from './cty';
import { errorDiagnostic, type Diagnostic } from './diagnostics';

function readIn(dir: string | undefined, file: string): string | undefined {
  if (!dir) return undefined;
  try {
    return readFileSync(join(dir, file), 'utf8').trim();
  } catch {
    return undefined;
  }
}

function attribute(config: Record<string, CtyValue>, name: string): string | undefined {
  const value = config[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Where the agent is and how to authenticate. */
export interface AgentAccess {
  /** The control API's base URL, such as `http://127.0.0.1:8400`. */
  endpoint: string;
  /** The bearer token. */
  token: string;
}

/** Diagnostics for a provider block that can be judged before it is used. */
export function checkProviderConfig(config: Record<string, CtyValue>): Diagnostic[] {
  const endpoint = attribute(config, 'endpoint');
  if (endpoint === undefined) return [];
  try {
    const url = new URL(endpoint);
    if (url.protocol === 'http:' || url.protocol === 'https:') return [];
  } catch {
    // reported below
  }
  return [
    {
      ...errorDiagnostic('endpoint: must be an http(s) URL such as http://127.0.0.1:8400', `got "${endpoint}"`),
      attribute: { steps: [{ attribute_name: 'endpoint' }] },
    },
  ];
}

/** The agent access the provider block and the environment give, or the diagnostics saying what is missing. */
export function resolveProviderConfig(
  config: Record<string, CtyValue>,
  env: NodeJS.ProcessEnv = process.env,
): { options?: AgentAccess; diagnostics: Diagnostic[] } {
  const unknown = Object.entries(config)
    .filter(([, value]) => value === UNKNOWN)
    .map(([name]) => name);
  if (unknown.length > 0) {
    return { diagnostics: [errorDiagnostic(`provider albkit: ${unknown.join(', ')} must be known before apply`)] };
  }
  const stateDir = attribute(config, 'state_dir') ?? env.ALBKIT_STATE_DIR;
  const endpoint = attribute(config, 'endpoint') ?? env.ALBKIT_ENDPOINT ?? readIn(stateDir, 'endpoint');
  const token = attribute(config, 'token') ?? env.ALBKIT_TOKEN ?? readIn(stateDir, 'token');
  const missing = [endpoint ? '' : 'endpoint', token ? '' : 'token'].filter((name) => name !== '');
  if (missing.length > 0) {
    return {
      diagnostics: [
        errorDiagnostic(
          `provider albkit: no ${missing.join(' and no ')}`,
          "Set them in the provider block, in ALBKIT_ENDPOINT / ALBKIT_TOKEN, or point state_dir (ALBKIT_STATE_DIR) at the agent's state directory.",
        ),
      ],
    };
  }
  return { options: { endpoint: endpoint!, token: token! }, diagnostics: [...checkProviderConfig(config)] };
}
