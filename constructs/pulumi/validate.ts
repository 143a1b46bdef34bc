/**
 * Validation of one resource's spec in the Pulumi program, before any call to the agent: the kind's zod
 * schema, then the cross-component rules that one resource can be checked against on its own (subnet in VPC,
 * certificates, backend service shape, server names…). The agent checks the rest against its other resources.
 */
import * as pulumi from '@pulumi/pulumi';
import { PARSE_OPTIONS, ValidationError, zodIssues, type Issue } from '../../lib/errors';
import { ResourceRef } from '../../lib/model/common';
import { KINDS, referencesOf, type Kind, type SpecOf } from '../../lib/model/kinds';
import type { Resource } from '../../lib/resource';
import { checkRules } from '../../lib/rules';

/** Whether `value` holds no Output and no promise at any depth: plain values, known now and checkable at once. */
function isKnown(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (pulumi.Output.isInstance(value) || typeof (value as { then?: unknown }).then === 'function') return false;
  return (Array.isArray(value) ? value : Object.values(value)).every(isKnown);
}

/**
 * `check` applied to `value`: at once when all of it is known, so a failure throws at the line that made the
 * resource; else when the values arrive, so a failure then fails the program (the engine reports it).
 */
export function checked<T, R>(value: T, check: (known: pulumi.Unwrap<T>) => R): pulumi.Output<pulumi.Unwrap<R>> {
  return pulumi.output(isKnown(value) ? check(value as pulumi.Unwrap<T>) : pulumi.output(value).apply(check));
}

/** Problems with a resource id (a Pulumi name or `resourceId`), named by `id`. */
export function idIssues(id: string): Issue[] {
  const result = ResourceRef.safeParse(id);
  return result.success ? [] : zodIssues(id, result.error, ['resourceId']);
}

/**
 * Parses `raw` with the kind's schema (defaults applied) and checks the rules of one resource.
 * Throws `ValidationError` naming the resource id and each field; returns the parsed spec.
 */
export function validateSpec<K extends Kind>(kind: K, id: string, raw: unknown): SpecOf[K] {
  const result = KINDS[kind].schema.safeParse(raw, PARSE_OPTIONS);
  if (!result.success) throw new ValidationError(zodIssues(id, result.error));
  const spec = result.data;
  const referenced = referencesOf(kind, spec).map((reference) => reference.id);
  const resource = { id, kind, dependsOn: [], spec } as unknown as Resource;
  const issues = checkRules([resource], new Set([id, ...referenced]));
  if (issues.length > 0) throw new ValidationError(issues);
  return spec;
}
