/**
 * The indefinite article for a word as it is read aloud: `an HTTP listener`, `a TLS listener`, `an EIP`,
 * `a LoadBalancer`. An all-capitals word is read letter by letter, so what counts is how its first letter
 * sounds (`H` is "aitch"); any other word takes `an` before a vowel.
 */
export function article(word: string): 'a' | 'an' {
  if (/^[A-Z]{2,}$/.test(word)) return 'AEFHILMNORSX'.includes(word[0]!) ? 'an' : 'a';
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

/** The word with its article: `an HTTP`, `a TCP`. */
export function withArticle(word: string): string {
  return `${article(word)} ${word}`;
}
