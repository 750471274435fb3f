/**
 * A copy of `text` that shares no storage with a longer string. V8 keeps a substring of 13 or
 * more characters as a view into its parent, so a value cut from a record line (an HGVS, a
 * transcript, an SO term) keeps the whole line alive for as long as a Finding holds it: on a
 * panel-dense file that was about half of every Finding's memory.
 */
export function own(text: string): string {
  // Concatenation gives a new string; slicing it flattens it into one fresh buffer of n+1 chars.
  return text.length < 13 ? text : ` ${text}`.slice(1);
}

/**
 * `own` for strings a report keeps to its end (a Finding's parts): one flat copy with nothing in
 * front of it. `own`'s copy stays behind a 32-byte view (V8 slices the fresh buffer it makes),
 * which over a panel-dense report's five or six long strings a finding was ~190 bytes. A JSON
 * round trip is a copy V8 stores flat; ~0.25 µs, paid per string kept, not per record.
 */
export function keep(text: string): string {
  return text.length < 13 ? text : (JSON.parse(JSON.stringify(text)) as string);
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

/** Strings (and lists) the intern caches hold at most before starting over. */
const INTERNED_LIMIT = 4096;
const interned = new BoundedMap<string, string>(INTERNED_LIMIT);

/**
 * One shared copy of a string drawn from a small vocabulary (SO terms, impacts, contigs, FILTER
 * values, frequency fields, transcripts, genotypes): each Finding had its own copy of each,
 * ~150 bytes a finding.
 */
export function intern(text: string): string {
  const known = interned.get(text);
  if (known !== undefined) return known;
  // Keyed by the copy: `text` may be a view into its whole record line.
  const copy = keep(text);
  interned.set(copy, copy);
  return copy;
}

const internedLists = new BoundedMap<string, readonly string[]>(INTERNED_LIMIT);

/**
 * One shared, frozen copy of a short list from a small vocabulary (a FILTER column, a
 * consequence's SO terms): each Finding had its own array of each (~55 bytes apiece).
 */
export function internList(list: readonly string[]): readonly string[] {
  const key = list.length === 1 ? list[0]! : list.join("\u0000");
  const known = internedLists.get(key);
  // Compared in full: a hostile file's values may hold the separator.
  if (known !== undefined && sameList(known, list)) return known;
  const copy = Object.freeze(list.map(intern));
  internedLists.set(keep(key), copy);
  return copy;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
