// String search that is right on Espruino (pure).

/**
 * `haystack.indexOf(needle)`, minus a bug: Espruino 2v29's indexOf (and
 * includes) also "finds" a needle that the haystack ends with only the start
 * of: `"-0x7780".indexOf("0x2700")` is 6 (src/jswrap_string.c compares up to
 * the end of the haystack). Such a match runs past the end, so it is refused
 * here; a real match, if any, would have come first.
 */
export function find(haystack: string, needle: string): number {
  const at = haystack.indexOf(needle);
  return at + needle.length > haystack.length ? -1 : at;
}
