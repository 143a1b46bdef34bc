/**
 * Header value globs: `*` matches any run of characters, `?` one character, everything else itself, ASCII
 * letters compared without case. Compiled once per url map change into a plain function over char codes; no
 * regular expression is built or run.
 */

/** Matches a header value against one compiled glob. */
export type GlobMatcher = (value: string) => boolean;

const STAR = 0x2a;
const QUESTION = 0x3f;

/** `code` with ASCII upper-case letters folded to lower case. */
function fold(code: number): number {
  return code >= 0x41 && code <= 0x5a ? code + 0x20 : code;
}

/** Compiles `pattern` (case-insensitive, `*` and `?` wildcards). */
export function compileGlob(pattern: string): GlobMatcher {
  const codes = Array.from(pattern, (char) => fold(char.charCodeAt(0)));
  if (!codes.includes(STAR) && !codes.includes(QUESTION)) return (value) => equalsFolded(value, codes);
  return (value) => globMatches(codes, value);
}

function equalsFolded(value: string, codes: readonly number[]): boolean {
  if (value.length !== codes.length) return false;
  for (let i = 0; i < codes.length; i++) if (fold(value.charCodeAt(i)) !== codes[i]) return false;
  return true;
}

/** The classic two-cursor wildcard match: on a mismatch, back up to the last `*` and let it take one more. */
function globMatches(codes: readonly number[], value: string): boolean {
  let p = 0;
  let v = 0;
  let starAt = -1;
  let starValue = 0;
  while (v < value.length) {
    const code = codes[p];
    if (code === STAR) {
      starAt = p++;
      starValue = v;
    } else if (code !== undefined && (code === QUESTION || code === fold(value.charCodeAt(v)))) {
      p++;
      v++;
    } else if (starAt >= 0) {
      p = starAt + 1;
      v = ++starValue;
    } else {
      return false;
    }
  }
  while (codes[p] === STAR) p++;
  return p === codes.length;
}
