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
