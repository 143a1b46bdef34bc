/**
 * Stacks: what one `albkit deploy --stack <name>` (or `PUT /v1/manifest?stack=<name>`) owns on an agent.
 * A stack writes the owner `deploy/<name>` on every resource it puts, plans against the resources it owns
 * only, and never updates or deletes another owner's: an id of the app that someone else owns stops it
 * before any change, unless it adopts (takes ownership of) those resources.
 */
import { z } from 'zod';
import type { LiveResource } from './live-plan';

/** The stack of a deploy that names none. */
export const DEFAULT_STACK = 'default';

/** A stack name: 1–63 letters, digits, `.`, `_` or `-`, starting with a letter or digit. */
export const StackName = z
  .string()
  .max(63)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    'must be 1–63 letters, digits, ".", "_" or "-", starting with a letter or digit',
  );

/** The owner a stack writes on its resources: `deploy/<stack>`. */
export function stackOwner(stack: string): string {
  return `deploy/${stack}`;
}

/** The live resources a stack may change. */
export interface StackScope {
  /** What the stack owns, plus (when adopting) the claimed resources owned elsewhere. */
  owned: LiveResource[];
  /** Live resources whose ids the stack claims but another owner, or none, has. */
  foreign: LiveResource[];
}

/** Splits the agent's live resources for the stack `owner` that claims the ids `claimed`. */
export function stackScope(
  live: readonly LiveResource[],
  owner: string,
  claimed: ReadonlySet<string>,
  adopt: boolean,
): StackScope {
  const foreign = live.filter((l) => claimed.has(l.resource.id) && l.owner !== owner);
  const owned = live.filter((l) => l.owner === owner || (adopt && claimed.has(l.resource.id)));
  return { owned, foreign };
}

/** `deploy/web (stack "web")`, `terraform`, or `no one (…)`. */
export function describeOwner(owner: string | undefined): string {
  if (owner === undefined) return 'no one (created by a PUT without owner, or before owners existed)';
  return owner.startsWith('deploy/') ? `${owner} (stack "${owner.slice('deploy/'.length)}")` : owner;
}

/**
 * The refusal when a stack claims resources it does not own: names the stack, every such resource and its
 * owner, and how to go on (`adoptHint`: `--adopt` on the CLI, `?adopt=true` on the API).
 */
export function ownershipMessage(stack: string, foreign: readonly LiveResource[], adoptHint: string): string {
  const lines = foreign.map(
    ({ resource, owner }) => `  ${resource.kind} "${resource.id}" is owned by ${describeOwner(owner)}`,
  );
  const [count, them] = foreign.length === 1 ? ['1 resource', 'it'] : [`${foreign.length} resources`, 'them'];
  return (
    `stack "${stack}" claims ${count} it does not own; nothing was changed:\n${lines.join('\n')}\n` +
    `rename ${them} in the app, deploy ${them} with the stack that owns ${them}, or give ${adoptHint} to take ${them} over`
  );
}
