/**
 * Between Terraform's objects (snake_case attributes, null where unset) and albkit specs (camelCase fields,
 * absent where unset). `UNKNOWN` passes through both ways.
 */
import { UNKNOWN, type CtyValue } from './cty';
import type { AttributeSchema } from './schema';

/** A spec (fields in camelCase) from an object of `attributes`; attributes without a spec field are skipped. */
export function specOf(attributes: readonly AttributeSchema[], value: CtyValue): Record<string, unknown> {
  const object = value as Record<string, CtyValue>;
  const spec: Record<string, unknown> = {};
  for (const attribute of attributes) {
    if (attribute.field === undefined) continue;
    const item = specValue(attribute, object[attribute.name] ?? null);
    if (item !== undefined) spec[attribute.field] = item;
  }
  return spec;
}

function specValue(attribute: AttributeSchema, value: CtyValue): unknown {
  if (value === null) return undefined;
  if (value === UNKNOWN || !attribute.nested) return value;
  const { attributes, mode } = attribute.nested;
  if (mode === 'single') return specOf(attributes, value);
  return (value as CtyValue[]).map((item) => (item === UNKNOWN ? UNKNOWN : specOf(attributes, item)));
}

/** The object (snake_case, every attribute present) of a spec; fields the schema lacks are dropped. */
export function objectOf(
  attributes: readonly AttributeSchema[],
  spec: Record<string, unknown>,
): Record<string, CtyValue> {
  const object: Record<string, CtyValue> = {};
  for (const attribute of attributes) {
    object[attribute.name] = attribute.field === undefined ? null : objectValue(attribute, spec[attribute.field]);
  }
  return object;
}

function objectValue(attribute: AttributeSchema, value: unknown): CtyValue {
  if (value === undefined || value === null) return null;
  if (value === UNKNOWN || !attribute.nested) return value as CtyValue;
  const { attributes, mode } = attribute.nested;
  if (mode === 'single') return objectOf(attributes, value as Record<string, unknown>);
  return (value as unknown[]).map((item) =>
    item === UNKNOWN ? UNKNOWN : objectOf(attributes, item as Record<string, unknown>),
  );
}

/** A copy of `spec` with the model's defaults filled in where a field is unset. */
export function withDefaults(
  attributes: readonly AttributeSchema[],
  spec: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...spec };
  for (const attribute of attributes) {
    if (attribute.field === undefined) continue;
    let value = out[attribute.field];
    if (value === undefined && attribute.default !== undefined) value = structuredClone(attribute.default);
    if (attribute.nested && value !== undefined && value !== UNKNOWN) {
      const inner = attribute.nested.attributes;
      value = Array.isArray(value)
        ? value.map((item) => (item === UNKNOWN ? item : withDefaults(inner, item as Record<string, unknown>)))
        : withDefaults(inner, value as Record<string, unknown>);
    }
    if (value !== undefined) out[attribute.field] = value;
  }
  return out;
}
