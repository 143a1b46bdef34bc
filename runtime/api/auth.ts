/** Bearer-token check for the control API, in constant time whatever the length of the token given. */
import { createHash, timingSafeEqual } from 'node:crypto';

/** A checker for `Authorization` header values against `token`. */
export function bearerChecker(token: string): (header: string | undefined) => boolean {
  const expected = digest(token);
  return (header) => {
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '');
    // Always compare, so a missing or malformed header takes the same time as a wrong token.
    const equal = timingSafeEqual(digest(match?.[1] ?? ''), expected);
    return equal && match !== null;
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
