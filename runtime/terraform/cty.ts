/**
 * cty values as Terraform sends them in `DynamicValue.msgpack`: type-directed msgpack where every object
 * carries every attribute (null where unset) and an unknown value is a msgpack extension. Terraform writes an
 * unrefined unknown as extension type 0 and a refined one as type 12; any extension decodes as `UNKNOWN`.
 */
import { decode, encode, ExtData, ExtensionCodec } from '@msgpack/msgpack';

/** A cty type in its JSON form: `"string"`, `["list", "string"]`, `["object", {...}]`, … */
export type CtyType =
  | 'string'
  | 'number'
  | 'bool'
  | 'dynamic'
  | readonly ['list' | 'set' | 'map', CtyType]
  | readonly ['object', { readonly [name: string]: CtyType }];

/** A value not known until apply. */
export const UNKNOWN: unique symbol = Symbol('unknown');

/** A decoded cty value. */
export type CtyValue = null | typeof UNKNOWN | string | number | boolean | CtyValue[] | { [name: string]: CtyValue };

const codec = new ExtensionCodec();
codec.register({
  type: 0,
  encode: (value) => (value === UNKNOWN ? new Uint8Array([0]) : null),
  decode: () => UNKNOWN,
});

/** True when the value or any part of it is unknown. */
export function hasUnknown(value: CtyValue): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(hasUnknown);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasUnknown);
  return false;
}

/** Shapes a loosely typed value to `type`: every object attribute present, in cty's (sorted) order. */
export function conform(type: CtyType, value: unknown): CtyValue {
  if (value === undefined || value === null) return null;
  if (value === UNKNOWN || value instanceof ExtData) return UNKNOWN;
  // cty writes a number that fits neither int64 nor float64 exactly as its decimal string.
  if (type === 'number' && typeof value === 'string') return Number(value);
  if (typeof type === 'string') return value as CtyValue;
  const [kind, inner] = type;
  if (kind === 'object') {
    const source = value as Record<string, unknown>;
    const out: Record<string, CtyValue> = {};
    for (const name of Object.keys(inner).sort()) out[name] = conform(inner[name]!, source[name]);
    return out;
  }
  if (kind === 'map') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, conform(inner, item)]));
  }
  return (value as unknown[]).map((item) => conform(inner, item));
}

/** Encodes a value of `type` as cty msgpack. */
export function encodeValue(type: CtyType, value: unknown): Buffer {
  const bytes = encode(conform(type, value), { extensionCodec: codec });
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Decodes cty msgpack of `type`; empty input is null. */
export function decodeValue(type: CtyType, bytes: Uint8Array | undefined): CtyValue {
  if (!bytes || bytes.length === 0) return null;
  return conform(type, decode(bytes, { extensionCodec: codec }));
}

/** Decodes the JSON form Terraform keeps in state (`RawState.json`). */
export function decodeJson(type: CtyType, bytes: Uint8Array | undefined): CtyValue {
  if (!bytes || bytes.length === 0) return null;
  return conform(type, JSON.parse(Buffer.from(bytes).toString('utf8')));
}
