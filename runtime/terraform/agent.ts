/**
 * What the provider asks of the agent, over the one control API client: put a resource as Terraform's and
 * wait while it is CREATING, delete one and wait until it is gone (both through long polls), read the agent's
 * resources for plan-time rules, and describe a failure for a diagnostic.
 */
import type { Kind } from '../../lib/model/kinds';
import type { Resource } from '../../lib/resource';
import type { Representation } from '../contract/representation';
import { ControlApiError, longPollWait, type ControlClient } from '../client/control-client';
import type { Precondition } from '../contract/precondition';
import { DEFAULT_STEP_TIMEOUT_MS } from '../deploy/run';

/** The owner the provider writes on every resource it puts, so deploys of other owners leave them alone. */
export const TERRAFORM_OWNER = 'terraform';

/**
 * Creates or updates the resource as Terraform's, then waits while it is CREATING; a FAILED resource is
 * returned as is, for the caller to report with its reason. A `precondition` (`If-None-Match: *` for a
 * create) makes the agent refuse the write with 412 when the resource is not as expected.
 * @param timeoutMs how long the resource may take to settle. @default 120000
 */
export async function putResource(
  client: ControlClient,
  kind: Kind,
  id: string,
  spec: unknown,
  precondition?: Precondition,
  timeoutMs = DEFAULT_STEP_TIMEOUT_MS,
): Promise<Representation> {
  const deadline = Date.now() + timeoutMs;
  let current: Representation | undefined = await client.put({ id, kind, spec }, TERRAFORM_OWNER, precondition);
  while (current !== undefined && (current.status.state === 'CREATING' || current.status.state === 'DELETING')) {
    if (Date.now() >= deadline) throw new Error(`${kind} ${id}: still ${current.status.state} after ${timeoutMs} ms`);
    current = await client.get(kind, id, longPollWait(deadline));
  }
  if (current === undefined) throw new Error(`${kind} ${id}: disappeared while being created`);
  return current;
}

/**
 * Deletes the resource and waits until the agent has removed it; an absent resource is fine.
 * @param timeoutMs how long the removal may take. @default 120000
 */
export async function deleteResource(
  client: ControlClient,
  kind: Kind,
  id: string,
  timeoutMs = DEFAULT_STEP_TIMEOUT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  if (!(await client.delete(kind, id))) return;
  for (;;) {
    const current = await client.get(kind, id, longPollWait(deadline));
    if (current === undefined) return;
    if (current.status.state !== 'DELETING')
      throw new Error(`${kind} ${id}: created again (${current.status.state}) while being deleted`);
    if (Date.now() >= deadline) throw new Error(`${kind} ${id}: still present ${timeoutMs} ms after delete`);
  }
}

/** Every resource the agent has, in manifest form: what the model's cross-component rules check a plan against. */
export async function agentResources(client: ControlClient): Promise<Resource[]> {
  return (await client.request<{ resources: Resource[] }>('GET', '/v1/manifest')).resources;
}

/** A failure in words: the agent's refusal with its status and code (`409 CONFLICT …`), else the error's message. */
export function describeFailure(error: unknown): string {
  if (error instanceof ControlApiError && error.status > 0) return `${error.status} ${error.code} ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
