// What Espruino's built-in objects lack or do differently, as data: absent
// globals, static members and methods, prototypes that do not expose their
// methods, error classes, regular expressions' flag properties. Each entry
// says what to write instead. The facts: docs/espruino-language.md.

import type { Basis } from "./catalogue.ts";

/** Globals that do not exist on Espruino, with what to use instead. */
export const ABSENT_GLOBALS: Readonly<Record<string, { basis: Basis; instead: string }>> = {
  Map: { basis: "measured", instead: "use a plain object keyed by string (Object.keys, `in`)" },
  Set: { basis: "measured", instead: "use an object with true values, or an array with includes()" },
  Symbol: { basis: "measured", instead: "use a string key" },
  TextDecoder: { basis: "measured", instead: "use E.decodeUTF8, or String.fromCharCode.apply(null, bytes) for latin1" },
  TextEncoder: { basis: "measured", instead: "use E.toUint8Array(string) (bytes of a latin1 string)" },
  // measured 2026-11-28 on 2v29: typeof WeakMap is "undefined".
  WeakMap: { basis: "measured", instead: "store the data on the object itself" },
  // Additions: not in Espruino's src/jswrap_*.c.
  WeakSet: { basis: "source", instead: "mark the object with a property" },
  WeakRef: { basis: "source", instead: "hold a normal reference" },
  Proxy: { basis: "source", instead: "write explicit getter functions" },
  Reflect: { basis: "source", instead: "use Object.* functions or direct property access" },
};

/** Static members of built-in objects that do not exist on Espruino. */
export const ABSENT_MEMBERS: Readonly<Record<string, Readonly<Record<string, { basis: Basis; instead: string }>>>> = {
  Array: {
    from: { basis: "measured", instead: "copy with a for loop, or [].slice.call(x)" },
    // measured 2026-11-28 on 2v29: typeof Array.of is "undefined".
    of: { basis: "measured", instead: "use an array literal" },
  },
  Number: {
    isFinite: { basis: "measured", instead: 'use typeof x === "number" && isFinite(x)' },
    // measured 2026-11-28 on 2v29: Number.isNaN(NaN) throws Function "isNaN" not found!; typeof Number.isInteger,
    // Number.parseInt, Number.parseFloat and Number.MAX_SAFE_INTEGER are "undefined".
    isInteger: { basis: "measured", instead: 'use typeof x === "number" && Math.floor(x) === x' },
    isNaN: { basis: "measured", instead: "use x !== x, or the global isNaN" },
    parseInt: { basis: "measured", instead: "use the global parseInt" },
    parseFloat: { basis: "measured", instead: "use the global parseFloat" },
    MAX_SAFE_INTEGER: { basis: "measured", instead: "write 9007199254740991" },
  },
  Object: {
    // measured 2026-11-28 on 2v29: typeof Object.freeze is "undefined". Object.is: absent from src/jswrap_object.c.
    freeze: { basis: "measured", instead: "leave the object unfrozen" },
    is: { basis: "source", instead: "use === (and x !== x for NaN)" },
  },
  Math: {
    // measured 2026-11-28 on 2v29: Math.trunc is missing. log2, log10: absent from src/jswrap_math.c.
    trunc: { basis: "measured", instead: "use x < 0 ? Math.ceil(x) : Math.floor(x)" },
    log2: { basis: "source", instead: "use Math.log(x) / Math.LN2" },
    log10: { basis: "source", instead: "use Math.log(x) / Math.LN10" },
  },
  String: {
    // measured 2026-11-28 on 2v29: typeof String.fromCodePoint is "undefined". raw: String.fromCharCode is String's
    // only static method in src/jswrap_string.c.
    fromCodePoint: { basis: "measured", instead: "use String.fromCharCode" },
    raw: { basis: "source", instead: "write the escapes out" },
  },
  Date: {
    // measured 2026-11-28 on 2v29: Date.UTC(2026, 10, 28) throws Function "UTC" not found!; Date.parse and Date.now exist.
    UTC: { basis: "measured", instead: 'use Date.parse("2026-11-28T12:00:00Z")' },
  },
  process: {
    // measured 2026-11-28 on 2v29: typeof process.argv and typeof process.exit are "undefined".
    argv: { basis: "measured", instead: "embed settings in the build configuration" },
    exit: { basis: "measured", instead: "return from the main function; reset() or E.reboot() restart the board" },
  },
  Promise: {
    // Additions: only all, resolve and reject exist in src/jswrap_promise.c.
    race: { basis: "source", instead: "settle a new Promise from the first callback" },
    allSettled: { basis: "source", instead: "catch each promise, then Promise.all" },
    any: { basis: "source", instead: "settle a new Promise from the first success" },
  },
};

/**
 * Methods that no built-in object of Espruino has (see the `absent-method` rule for the measurement), with what to
 * write instead. Flagged in calls by name whatever the receiver: only a built-in would have these names.
 * Not listed, though arrays lack them, because other objects have them: keys, entries, values (Object.keys, ...),
 * lastIndexOf (strings have it), padEnd (exists).
 */
export const ABSENT_METHODS: Readonly<Record<string, string>> = {
  flat: "concatenate in a loop (out = out.concat(item))",
  flatMap: "map, then concatenate in a loop",
  findLast: "loop from the end (for (var i = a.length - 1; i >= 0; i--))",
  findLastIndex: "loop from the end (for (var i = a.length - 1; i >= 0; i--))",
  reduceRight: "reverse a copy (a.slice().reverse().reduce(...)) or loop from the end",
  copyWithin: "copy in a loop",
  toSorted: "sort a copy: a.slice().sort(...)",
  toReversed: "reverse a copy: a.slice().reverse()",
  toSpliced: "splice a copy: var b = a.slice(); b.splice(...)",
  trimStart: 's.replace(/^\\s+/, "")',
  trimLeft: 's.replace(/^\\s+/, "")',
  trimEnd: 's.replace(/\\s+$/, "")',
  trimRight: 's.replace(/\\s+$/, "")',
  codePointAt: "charCodeAt (strings are bytes or UCS-2 characters on Espruino)",
  localeCompare: "compare with < and > (a < b ? -1 : a > b ? 1 : 0)",
  matchAll: "loop over re.exec(s) with a g regular expression",
  isWellFormed: "check charCodeAt ranges in a loop",
  toWellFormed: "replace lone surrogates in a loop",
  toLocaleUpperCase: "toUpperCase",
  toLocaleLowerCase: "toLowerCase",
  toLocaleString: "String(x), or format the parts yourself",
  toLocaleDateString: "format getFullYear(), getMonth() and getDate() yourself",
  toLocaleTimeString: "format getHours(), getMinutes() and getSeconds() yourself",
  toDateString: "format getFullYear(), getMonth() and getDate() yourself",
  toTimeString: "format getHours(), getMinutes() and getSeconds() yourself",
  getYear: "getFullYear()",
  ...utcMethods("get", ["FullYear", "Month", "Date", "Day", "Hours", "Minutes", "Seconds", "Milliseconds"]),
  ...utcMethods("set", ["FullYear", "Month", "Date", "Hours", "Minutes", "Seconds", "Milliseconds"]),
};

/** getUTCHours & co: the local-time method is UTC on Espruino (measured: getTimezoneOffset() is 0 until E.setTimeZone). */
function utcMethods(prefix: "get" | "set", parts: string[]): Record<string, string> {
  return Object.fromEntries(
    parts.map((part) => [`${prefix}UTC${part}`, `${prefix}${part}() (local time is UTC on Espruino unless E.setTimeZone was called)`]),
  );
}

/**
 * Methods Espruino's strings and arrays lack but whose names are common on other objects (`absent-method-common-name`,
 * a warning), with what to write instead.
 */
export const ABSENT_COMMON_METHODS: Readonly<Record<string, string>> = {
  at: "index from the end yourself: x[x.length - 1], x[i]",
  search: "use indexOf for a string, or re.exec(s) and its index for a regular expression",
  normalize: "leave strings as they are (Espruino does not normalise Unicode)",
  with: "copy and assign: var b = a.slice(); b[i] = v",
};

/**
 * Built-ins whose prototype does not expose the methods instances have (`prototype-method`), each with an
 * instance to read the method from instead.
 */
export const PROTOTYPE_INSTANCES: Readonly<Record<string, string>> = {
  Array: "[]",
  String: '""',
  Function: "(function () {})",
  Number: "(0)",
  Promise: "Promise.resolve()",
  Date: "new Date(0)",
  RegExp: "/x/",
  DataView: "new DataView(new ArrayBuffer(1))",
  ...Object.fromEntries(
    ["Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array", "Float32Array", "Float64Array"].map(
      (name) => [name, `new ${name}(0)`],
    ),
  ),
};

/** What every prototype does have: inherited from Object.prototype, and the constructor. */
export const PROTOTYPE_MEMBERS_PRESENT = new Set(["constructor", "toString", "valueOf", "hasOwnProperty"]);

/** Flag properties that Espruino's regular expressions lack (`regexp-flag-property`). */
export const REGEXP_FLAG_PROPERTIES = new Set(["global", "ignoreCase", "multiline", "sticky", "unicode", "dotAll", "hasIndices", "unicodeSets"]);

/** Built-in error constructors: subclassing them loses `message`. */
export const ERROR_CLASSES = new Set([
  "Error",
  "TypeError",
  "RangeError",
  "SyntaxError",
  "ReferenceError",
  "EvalError",
  "URIError",
  "InternalError",
  "AggregateError",
]);

/**
 * String methods that go wrong on Espruino with a needle of 2+ characters (`multichar-needle`): what happens
 * (measured), and what to write instead. `$h` stands for the receiver's text, `$n` for the needle's.
 */
export const MULTICHAR_NEEDLE_METHODS: Readonly<Record<string, { wrong: string; instead: string }>> = {
  indexOf: {
    wrong: 'also matches where the string only ends with the start of $n (its indexOf compares up to the end of the string: "-0x7780".indexOf("0x2700") is 6)',
    instead: "use find($h, $n) from app/text.ts (-1 when the match runs past the end), or check that the index + the needle's length fits the string",
  },
  includes: {
    wrong: 'is also true where the string only ends with the start of $n (it is indexOf, which compares up to the end of the string: "xyz".includes("zq") is true)',
    instead: "use find($h, $n) >= 0 (find from app/text.ts returns -1 when the match runs past the end)",
  },
  replace: {
    wrong: 'also replaces where the string only ends with the start of $n (it searches with indexOf, which compares up to the end of the string: "abab".replace("bc", "X") is "abaX")',
    instead: "replace a regular expression (/.../), which matches right, or find the position with find() from app/text.ts and slice",
  },
  replaceAll: {
    wrong: 'also replaces where the string only ends with the start of $n (it searches with indexOf, which compares up to the end of the string: "abab".replaceAll("bc", "X") is "abaX")',
    instead: "replace a regular expression with the g flag (/.../g), which matches right",
  },
  match: {
    wrong: 'also matches where the string only ends with the start of $n (it searches with indexOf, which compares up to the end of the string: "ab".match("bc") is ["bc"])',
    instead: "use find($h, $n) from app/text.ts, or a regular expression (/.../), which matches right",
  },
  split: {
    wrong: 'gives [] for a string shorter than the separator less one ("".split("\\r\\n") is [], JavaScript [""]) and splits again inside a separator that overlaps itself ("aaa".split("aa") is ["","a",""])',
    instead: "split on a regular expression (/.../), which splits right",
  },
};
