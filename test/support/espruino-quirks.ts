// Espruino's measured departures from JavaScript, reproduced in Node so the
// device code can be tested against them (docs/espruino-behaviour.md).

/** indexOf as Espruino 2v29 implements it: a needle cut off at the end of the haystack counts as found. */
export function espruinoIndexOf(haystack: string, needle: string, from = 0): number {
  if (needle.length > haystack.length) return -1;
  for (let at = Math.max(0, from); at < haystack.length; at++) {
    if (needle.startsWith(haystack.slice(at, at + needle.length))) return at;
  }
  return -1;
}

/** Runs `body` with String.prototype.indexOf and includes behaving as on Espruino. */
export function withEspruinoStrings<T>(body: () => T): T {
  const indexOf = String.prototype.indexOf;
  const includes = String.prototype.includes;
  String.prototype.indexOf = function (this: string, needle: string, from?: number) {
    return espruinoIndexOf(String(this), String(needle), from);
  };
  String.prototype.includes = function (this: string, needle: string, from?: number) {
    return espruinoIndexOf(String(this), String(needle), from) >= 0;
  };
  try {
    return body();
  } finally {
    String.prototype.indexOf = indexOf;
    String.prototype.includes = includes;
  }
}
