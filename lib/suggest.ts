/**
 * "Did you mean" for an unknown field: the field names a schema accepts at a path, and the one an unknown
 * name most likely misspells.
 */

/** As much of a zod schema as `fieldsAt` reads. */
interface SchemaLike {
  _zod: {
    def: {
      type: string;
      shape?: Record<string, SchemaLike>;
      innerType?: SchemaLike;
      element?: SchemaLike;
      in?: SchemaLike;
      options?: readonly SchemaLike[];
    };
  };
}

/** The fields of the object schema at `path` below `schema` (list indexes step into elements; every branch of a union counts). */
export function fieldsAt(schema: SchemaLike, path: readonly PropertyKey[]): string[] {
  const def = schema._zod.def;
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'prefault':
    case 'nullable':
    case 'readonly':
      return def.innerType ? fieldsAt(def.innerType, path) : [];
    case 'pipe':
      return def.in ? fieldsAt(def.in, path) : [];
    case 'union':
      return [...new Set((def.options ?? []).flatMap((option) => fieldsAt(option, path)))];
    case 'array':
      return path.length > 0 && typeof path[0] === 'number' && def.element ? fieldsAt(def.element, path.slice(1)) : [];
    case 'object': {
      if (path.length === 0) return Object.keys(def.shape ?? {});
      const next = def.shape?.[String(path[0])];
      return next ? fieldsAt(next, path.slice(1)) : [];
    }
    default:
      return [];
  }
}

/** The candidate `name` most likely misspells (case, a letter or two off), if any is close enough; never `name` itself. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const limit = name.length <= 4 ? 1 : 2;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/** Levenshtein distance, with a swap of two neighbouring letters counted as one edit. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = value;
    }
  }
  return rows[a.length]![b.length]!;
}
