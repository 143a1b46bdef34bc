/**
 * The limits every JSON body of the control API meets before it is parsed: its size (fastify's `bodyLimit`,
 * 413) and its nesting depth (400), so that no body can make the agent parse or walk without bound.
 */
import { ApiError } from './errors';

/** Largest body of a resource PUT (and of any request but a manifest). */
export const RESOURCE_BODY_LIMIT = 1024 * 1024;
/** Largest manifest document. */
export const MANIFEST_BODY_LIMIT = 8 * 1024 * 1024;
/** Deepest nesting of objects and arrays in a body; the deepest valid manifest nests 7 levels. */
export const MAX_JSON_DEPTH = 64;

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Throws a 400 naming the limit when the JSON text nests objects and arrays deeper than `MAX_JSON_DEPTH`. */
export function checkJsonDepth(text: Uint8Array): void {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const byte = text[index];
    if (inString) {
      if (byte === BACKSLASH) index += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      depth += 1;
      if (depth > MAX_JSON_DEPTH) {
        throw new ApiError(
          'BAD_REQUEST',
          `request body nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels; nothing was parsed`,
        );
      }
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      depth -= 1;
    }
  }
}

/** The message of a 413: which limit applies. */
export function tooLargeMessage(): string {
  return `request body is too large (${RESOURCE_BODY_LIMIT / 1024 / 1024} MiB for a resource, ${
    MANIFEST_BODY_LIMIT / 1024 / 1024
  } MiB for a manifest)`;
}
