/**
 * Specs with values not known until apply, made checkable by lib's rules: each unknown is given a stand-in
 * value in several "worlds" (a different string or number in each, a bool true in some and false in others,
 * a list empty in some and with one element in others, an optional object absent in some). A rule's issue
 * that appears alike in every world does not depend on any unknown, so it holds whatever the values turn
 * out to be; an issue that depends on one differs between worlds (its text names the stand-in, or it is
 * missing in some world) and is left for apply. The same test tells which derived values are known at plan.
 */
import { canonicalJson } from '../../lib/canonical';
import { UNKNOWN, type CtyType } from './cty';
import type { AttributeSchema } from './schema';

/** How many worlds each check runs in: enough for every bool and list to be seen both ways. */
export const WORLDS = 4;

/** The stand-in string of world `world`: never a valid id, address, CIDR or protocol. */
const standInString = (world: number): string => `(known after apply #${world})`;

/** The stand-in number of world `world`: outside every range the model allows, and distinct per world. */
const standInNumber = (world: number): number => -1000 - world;

function standInOfType(type: CtyType, world: number): unknown {
  if (type === 'string' || type === 'dynamic') return standInString(world);
  if (type === 'number') return standInNumber(world);
  if (type === 'bool') return world % 2 === 1;
  const [shape, inner] = type;
  if (shape === 'object')
    return standInObject(
      Object.entries(inner).map(([name, t]) => ({ name, type: t })),
      world,
    );
  if (shape === 'map') return {};
  return world % 2 === 0 ? [] : [standInOfType(inner, world)];
}

function standInObject(attributes: readonly { name: string; type: CtyType }[], world: number): Record<string, unknown> {
  return Object.fromEntries(attributes.map(({ name, type }) => [name, standInOfType(type, world)]));
}

/** The stand-in, in spec form, for an unknown value of `attribute`. */
function standIn(attribute: AttributeSchema, world: number): unknown {
  if (!attribute.nested) return standInOfType(attribute.type, world);
  const element = (): Record<string, unknown> => specStandIn(attribute.nested!.attributes, world);
  if (attribute.nested.mode === 'list') return world % 2 === 0 ? [] : [element()];
  return attribute.optional && world % 2 === 0 ? undefined : element();
}

/** A whole object of `attributes` in stand-ins: required fields only, so defaults fill the rest. */
function specStandIn(attributes: readonly AttributeSchema[], world: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const attribute of attributes) {
    if (attribute.field === undefined || !attribute.required) continue;
    out[attribute.field] = standIn(attribute, world);
  }
  return out;
}

/** A copy of `spec` (of `attributes`) with every unknown replaced by its stand-in in world `world`. */
export function inWorld(
  attributes: readonly AttributeSchema[],
  spec: Record<string, unknown>,
  world: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const attribute of attributes) {
    if (attribute.field === undefined || !(attribute.field in spec)) continue;
    const value = valueInWorld(attribute, spec[attribute.field], world);
    if (value !== undefined) out[attribute.field] = value;
  }
  return out;
}

function valueInWorld(attribute: AttributeSchema, value: unknown, world: number): unknown {
  if (value === UNKNOWN) return standIn(attribute, world);
  if (!attribute.nested || value === null || typeof value !== 'object') {
    if (Array.isArray(value) && Array.isArray(attribute.type)) {
      const [, element] = attribute.type as readonly [string, CtyType];
      return value.map((item) => (item === UNKNOWN ? standInOfType(element, world) : item));
    }
    return value;
  }
  const inner = attribute.nested.attributes;
  if (Array.isArray(value)) {
    return value.map((item) =>
      item === UNKNOWN ? specStandIn(inner, world) : inWorld(inner, item as Record<string, unknown>, world),
    );
  }
  return inWorld(inner, value as Record<string, unknown>, world);
}

/**
 * What the worlds agree on: a value equal in all of them, objects and equal-length lists compared part by
 * part; `UNKNOWN` where they differ.
 */
export function agreed(values: readonly unknown[]): unknown {
  const [first, ...rest] = values;
  if (rest.every((value) => canonicalJson(value) === canonicalJson(first))) return first;
  if (values.every((value) => Array.isArray(value) && value.length === (first as unknown[]).length)) {
    return (first as unknown[]).map((_, index) => agreed(values.map((value) => (value as unknown[])[index])));
  }
  if (values.every((value) => value !== null && typeof value === 'object' && !Array.isArray(value))) {
    const keys = new Set(values.flatMap((value) => Object.keys(value as object)));
    return Object.fromEntries(
      [...keys].map((key) => [key, agreed(values.map((value) => (value as Record<string, unknown>)[key]))]),
    );
  }
  return UNKNOWN;
}
