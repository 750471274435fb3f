/**
 * A copy of `text` that shares no storage with a longer string. V8 keeps a substring of 13 or
 * more characters as a view into its parent, so a key cut from a record line keeps the whole
 * line alive for as long as a cache holds it: a file naming a new contig on every line held
 * 269 MB in 1M keys (test/security.test.ts bounds it).
 */
export function own(text: string): string {
  // Concatenation gives a new string; slicing it flattens it into one fresh buffer of n+1 chars.
  return text.length < 13 ? text : ` ${text}`.slice(1);
}

/**
 * A Map that starts over when it reaches `limit` entries: the caches of values read from a file
 * (which may vary them on every line) must not grow with the file.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly limit: number) {
    super();
  }

  override set(key: K, value: V): this {
    if (this.size >= this.limit && !this.has(key)) this.clear();
    return super.set(key, value);
  }
}
