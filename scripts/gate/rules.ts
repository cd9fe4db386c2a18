// The Espruino JavaScript subset, as data and as checks over ESTree nodes.
//
// One rule set serves two users: the ESLint plugin (app/ sources, parsed by
// typescript-eslint) and the bundle gate (dist/app.js, parsed by espree).
// Nothing here knows about ESLint: callers feed nodes in and receive findings.
//
// Every rule says where its fact comes from:
//  - "measured": the Language section of shared/espruino-facts.md;
//  - "source":   read in Espruino's own source (src/jsparse.c, src/jslex.c,
//    src/jswrap_regexp.c, src/jswrap_*.c), not measured. These are additions.

import type * as ESTree from "estree";
import { RegExpParser, visitRegExpAST, type AST } from "@eslint-community/regexpp";

export type Severity = "error" | "warning";
export type Basis = "measured" | "source";

export interface SubsetRule {
  severity: Severity;
  basis: Basis;
  /** The default message: what is wrong, then what to write instead. */
  message: string;
}

export const SUBSET_RULES = {
  destructuring: {
    severity: "error",
    basis: "measured",
    message:
      "destructuring is not supported by Espruino: read each property into its own variable (var a = o.a; var b = arr[1])",
  },
  "default-parameter": {
    severity: "error",
    basis: "measured",
    message:
      "default parameters are not supported by Espruino: test for undefined in the body (if (x === undefined) x = 1)",
  },
  "rest-parameter": {
    severity: "error",
    basis: "measured",
    message: "rest parameters are not supported by Espruino: take an array parameter, or read `arguments`",
  },
  spread: {
    severity: "error",
    basis: "measured",
    message: "spread is not supported by Espruino: use fn.apply(null, args), a.concat(b) or Object.assign({}, o)",
  },
  "computed-key": {
    severity: "error",
    basis: "measured",
    message:
      "computed keys in object literals are not supported by Espruino: create the object first, then assign o[key] = value",
  },
  async: {
    severity: "error",
    basis: "measured",
    message: "async/await is not supported by Espruino: return a Promise and chain .then()",
  },
  generator: {
    severity: "error",
    basis: "measured",
    message: "generators are not supported by Espruino: use a callback or an explicit iterator object",
  },
  "optional-chaining": {
    severity: "error",
    basis: "measured",
    message:
      "optional chaining (?.) is not supported by Espruino: test explicitly (o != null ? o.x : undefined, or o && o.x)",
  },
  exponent: {
    severity: "error",
    basis: "measured",
    message: "the ** operator is not supported by Espruino: use Math.pow(a, b)",
  },
  bigint: {
    severity: "error",
    basis: "measured",
    message: "BigInt literals are not supported by Espruino: use numbers, or bytes in a Uint8Array for big values",
  },
  label: {
    severity: "error",
    basis: "measured",
    message:
      "labelled statements (labelled break/continue) are not supported by Espruino: use a flag variable, or move the loops into a function and return",
  },
  "code-point-escape": {
    severity: "error",
    basis: "measured",
    message:
      "\\u{...} escapes are not supported by Espruino: write \\uXXXX (a surrogate pair above U+FFFF) or \\xXX",
  },
  "absent-global": {
    severity: "error",
    basis: "measured",
    message: "this global is not available on Espruino",
  },
  "error-subclass": {
    severity: "error",
    basis: "measured",
    message:
      "`class X extends Error` loses `message` on Espruino (instanceof still holds): create a plain Error and set a code property on it (var e = new Error(msg); e.code = ...)",
  },
  regexp: {
    severity: "error",
    basis: "measured",
    message: "this regular expression feature is not supported by Espruino",
  },
  "class-member": {
    severity: "error",
    basis: "source",
    message:
      "Espruino's class parser accepts only plain identifier member names: no computed [key], string or number names, #private names, static blocks or keyword names; assign such members in the constructor or on the prototype",
  },
  "class-extends": {
    severity: "error",
    basis: "source",
    message:
      "Espruino's class parser needs a plain name after `extends`: assign the expression to a variable first (var Base = ns.Base; class A extends Base {})",
  },
  "reserved-identifier": {
    severity: "error",
    basis: "source",
    message: "this name is a keyword in Espruino's lexer and cannot name a variable: choose another name",
  },
  "use-strict": {
    severity: "warning",
    basis: "measured",
    message:
      "'use strict' is ignored by Espruino: the code runs with sloppy-mode semantics whatever the directive says; remove it",
  },
  // measured 2026-11-28 on 2v29: `function outer(){ var o = {f: inner}; function inner(){} ...}`, `return inner(); function inner(){}`,
  // top-level `top(); function top(){}`, a use inside an `if` block before the declaration, and `new A(); class A {}` all throw
  // ReferenceError: "inner" is not defined; `typeof inner` before the declaration is "undefined". A nested function that
  // calls a later declaration works when it is called after that declaration has run (`function a(){ return b(); }
  // function b(){} a()` gives b's value; `function a(){ return b(); } a(); function b(){}` throws).
  hoisting: {
    severity: "error",
    basis: "measured",
    message:
      "Espruino does not hoist function or class declarations (a declaration exists only once its statement has run; before that the name is not defined): move the declaration above its first use",
  },
  // measured 2026-11-28 on 2v29: closures created in `for (let i...)`, `for (let|const x of ...)`, `for (let|const k in ...)`
  // and a function declaration in such a loop body all see the last value (3,3,3 / c,c,c); a `const` copy declared in the
  // loop body (1,2,3) and a forEach callback parameter (1,2,3) are per-iteration.
  "loop-closure": {
    severity: "error",
    basis: "measured",
    message:
      "a function created in this loop uses a let/const variable of the loop's head, which Espruino does not copy per iteration (every closure sees the last value): copy it into a const inside the loop body (const item = x;) and use that, or iterate with forEach",
  },
  // measured 2026-11-28 on 2v29: typeof Array.prototype.slice/map/push, String.prototype.slice/trim/split,
  // Function.prototype.call/apply/bind, Number.prototype.toFixed, Uint8Array.prototype.set/subarray (every typed array),
  // Promise.prototype.then, Date.prototype.getTime, RegExp.prototype.exec, DataView.prototype.getUint8 are all "undefined"
  // while the instances have them; Array.prototype.slice.call(arguments) throws "Can't read property 'call' of undefined".
  // Object.prototype.hasOwnProperty/toString/valueOf, Error.prototype.toString and X.prototype.constructor exist;
  // a method assigned to Array.prototype or String.prototype is readable back and works on instances.
  "prototype-method": {
    severity: "error",
    basis: "measured",
    message:
      "built-in methods are not readable from a prototype on Espruino (Array.prototype.slice is undefined; instances have them): read the method from an instance, e.g. [].slice.call(arguments)",
  },
  // measured 2026-11-28 on 2v29: each call below throws Error: Function "<name>" not found! on arrays, strings and
  // (where named) Date and Uint8Array: flat, flatMap, findLast, findLastIndex, trimStart, trimEnd, trimLeft, trimRight,
  // codePointAt, localeCompare, reduceRight, matchAll, copyWithin, toSorted, toReversed, toSpliced, isWellFormed,
  // toWellFormed, toLocaleUpperCase, toLocaleLowerCase, toLocaleString, getUTC*/setUTC*, toDateString, toTimeString,
  // toLocaleDateString, toLocaleTimeString, getYear. padEnd and String's lastIndexOf exist, so they are not listed.
  "absent-method": {
    severity: "error",
    basis: "measured",
    message: "this method does not exist on Espruino's built-in objects",
  },
  // measured 2026-11-28 on 2v29: [].at(-1), "ab".at(-1), new Uint8Array(2).at(-1), "abc".search(/c/), "a".normalize(),
  // [1,2].with(0, 5) all throw Error: Function "<name>" not found!. A warning: the names are common on user objects.
  "absent-method-common-name": {
    severity: "warning",
    basis: "measured",
    message: "this method does not exist on Espruino's strings and arrays; ignore this warning if the receiver is your own object",
  },
  // measured 2026-11-28 on 2v29: tag`a${1}b` throws SyntaxError: Tagged template literals not supported.
  "tagged-template": {
    severity: "error",
    basis: "measured",
    message: "tagged template literals are not supported by Espruino: call the function with the strings and values as arguments",
  },
  // measured 2026-11-28 on 2v29: `function F() { return typeof new.target; } new F()` throws SyntaxError: Got '.' expected EOF.
  "new-target": {
    severity: "error",
    basis: "measured",
    message: "new.target is not supported by Espruino: pass a flag, or test `this instanceof F`",
  },
  // measured 2026-11-28 on 2v29: `a ||= 5`, `a &&= 7`, `a ??= 5`, `o.x ||= 3` each throw SyntaxError: Got '=' expected EOF.
  "logical-assignment": {
    severity: "error",
    basis: "measured",
    message: "||=, &&= and ??= are not supported by Espruino: write the assignment out (if (!a) a = b;)",
  },
  // measured 2026-11-28 on 2v29: JSON.stringify({a: 1, b: 2}, ["a"]) and JSON.stringify({a: 1, b: 2}, function (k, v) {...})
  // both print {"a":1,"b":2}: the replacer is ignored, array or function.
  "json-replacer": {
    severity: "error",
    basis: "measured",
    message:
      "JSON.stringify ignores its replacer on Espruino (array or function): build the object to print first, and pass null or undefined as the second argument",
  },
  // measured 2026-11-28 on 2v29: String indexOf compares up to the end of the string and accepts a needle that runs past
  // it (src/jswrap_string.c: jsvCompareStringIt(..., equalAtEndOfString=true)): "-0x7780".indexOf("0x2700") is 6,
  // "ab".indexOf("bc") 1, "abc".indexOf("cde") 2, "ab\r\n".indexOf("\r\n\r\n") 2, "abcx".indexOf("xy", 1) 3,
  // "xyz".includes("zq") true, "a1".indexOf(12) 1; what uses it too: "abab".replace("bc", "X") is "abaX",
  // "abab".replaceAll("bc", "X") "abaX", "ab".match("bc") ["bc"]. A needle longer than the string is -1 ("a".indexOf("ab")).
  // split with a string separator has its own loop (jswrap_string_split), wrong in two ways: a string shorter than the
  // separator less one gives [] ("".split(", ") [], "a".split("aab") [], JavaScript [""] and ["a"]), and a separator that
  // overlaps itself splits again inside a run ("aaa".split("aa") ["","a",""], "a\r\n\r\n\r\nb".split("\r\n\r\n")
  // ["a","\r\nb","b"]). A 1-character needle is right everywhere ("xyz".indexOf("q") -1, "a\xc3".indexOf("\u00e9") -1,
  // "".split(",") [""]). Right as in JavaScript: lastIndexOf ("-0x7780".lastIndexOf("0x2700") -1), startsWith
  // ("ab".startsWith("bc", 1) false), endsWith ("ab".endsWith("abc") false), regular expressions ("ab".replace(/bc/, "X")
  // "ab", /bc/.test("ab") false, "".split(/ab/) [""], "aaa".split(/aa/) ["","a"]) and arrays (["a","b"].includes("bc") false,
  // ["ab"].includes("a") false). test/gate/espruino.test.ts compares 300 generated cases of each method with JavaScript.
  "multichar-needle": {
    severity: "error",
    basis: "measured",
    message:
      "Espruino's string search with a needle of 2+ characters goes wrong: indexOf (and includes, replace, replaceAll and match with a string) also matches where the string ends with only the start of the needle (\"ab\".indexOf(\"bc\") is 1), and split gives [] for a string shorter than the separator and splits inside overlapping separators: use find(haystack, needle) from app/text.ts, or a regular expression",
  },
  // measured 2026-11-28 on 2v29: Espruino keeps a function's body as text without its closing brace and parses it on each
  // call (src/jsparse.c: jspeFunctionDefinitionInternal, jspeStatementReturn), so a `return` with neither value nor `;`
  // that is the body's last token reads the end of that text as its value: `function f(g){if(g)return}`,
  // `function f(g){g++;return}`, `if(g)g=2;else return}`, `for(;;)if(g)return}`, `while(g)return}`,
  // `if(g){return}else return}`, `;return}`, `"x";return}`, `g=>{if(g)return}`, a function expression, class method,
  // static method, constructor, object method, getter and setter, `return/*c*/}` and `return` + newline + `}` all throw
  // SyntaxError: Unexpected end of Input when the call reaches the statement, also when it is not taken (f(0) with
  // `if(g)return}`), but not after an earlier return ran, nor inside a loop whose body does not run (f(0) with
  // `while(g)return}`, `for(;g;)return}`, `if(g)while(g)return}`: the loop restores the execution state and drops the
  // error with it). Work: `return;}`, `return 5}`, `{if(g){return}}`, `if(g){g++;return}}`, `switch(g){case 1:return}}`,
  // `try{return}finally{}}`, `catch(e){return}}` (the `}` is a block's), and a `return` that is the body's first token:
  // `function f(g){return}`, `{ return }`, `{/*c*/return}`, `g=>{return}`, `m(){return}`, `get x(){return}`,
  // `constructor(){return}` (Espruino then keeps only the returned expression: `{return g;if(g)return}` gives g).
  // esbuild's minifier writes `else return}` and `for(;n.length;)if(n.pop())return}`. test/gate/espruino.test.ts
  // compares the rule with the executable on 300 generated functions.
  "bare-return-before-brace": {
    severity: "error",
    basis: "measured",
    message:
      "a `return` without value or `;` right before the `}` that closes a function throws SyntaxError: Unexpected end of Input on Espruino when the function runs (Espruino keeps the body without its `}`, so the return reads the end of the body as its value): write `return;`",
  },
  // measured 2026-11-28 on 2v29: "a,b,c".split(",", 2) and "a,b,c".split(/,/, 1) give ["a","b","c"] (the limit is ignored);
  // "a1b".split(/(\d)/) gives ["a","b"] (captured separators are dropped). A warning: split may be a user method.
  split: {
    severity: "warning",
    basis: "measured",
    message: "split differs on Espruino",
  },
  // measured 2026-11-28 on 2v29: `e instanceof Error` is false for a caught TypeError, ReferenceError, SyntaxError (JSON.parse)
  // and InternalError (what tls.connect throws), true only for a plain Error (and for `null.x`, whose error is a plain Error).
  // A warning: the test is right for errors the app creates with new Error().
  "instanceof-error": {
    severity: "warning",
    basis: "measured",
    message:
      "`instanceof Error` is false on Espruino for TypeError, ReferenceError, SyntaxError and InternalError (what tls throws), true only for a plain Error: test the shape instead (e && typeof e.message === \"string\"), or e.type",
  },
  // measured 2026-11-28 on 2v29: for /ab/gi, .global .ignoreCase .multiline .sticky .unicode .dotAll are undefined; .flags is "gi"
  // and .source "ab". A warning: matched by property name only.
  "regexp-flag-property": {
    severity: "warning",
    basis: "measured",
    message: "regular expressions have no flag properties on Espruino (re.global is undefined): read re.flags (\"gi\") instead",
  },
} as const satisfies Record<string, SubsetRule>;

export type SubsetRuleId = keyof typeof SUBSET_RULES;
export const SUBSET_RULE_IDS = Object.keys(SUBSET_RULES) as SubsetRuleId[];

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
const PROTOTYPE_MEMBERS_PRESENT = new Set(["constructor", "toString", "valueOf", "hasOwnProperty"]);

/** Flag properties that Espruino's regular expressions lack (`regexp-flag-property`). */
const REGEXP_FLAG_PROPERTIES = new Set(["global", "ignoreCase", "multiline", "sticky", "unicode", "dotAll", "hasIndices", "unicodeSets"]);

/** Built-in error constructors: subclassing them loses `message`. */
const ERROR_CLASSES = new Set([
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

/** Espruino's reserved words (src/jslex.c), which may not name class members. */
export const ESPRUINO_KEYWORDS = new Set([
  "if", "else", "do", "while", "for", "break", "continue", "function", "return", "var", "let",
  "const", "this", "throw", "try", "catch", "finally", "true", "false", "null", "undefined", "new",
  "in", "instanceof", "switch", "case", "default", "delete", "typeof", "void", "debugger", "class",
  "extends", "super", "static", "of",
]);

/**
 * Words that JavaScript lets a variable use but Espruino's lexer reads as
 * keywords. esbuild's minifier does generate `of` as a short name.
 */
export const RESERVED_IDENTIFIERS = new Set(["of", "let", "static"]);

// ---------------------------------------------------------------------------
// Regular expressions (src/jswrap_regexp.c, and the facts file)

export interface RegExpFinding {
  message: string;
  /** Offset into the literal text `/pattern/flags`. */
  offset: number;
}

const MAX_CAPTURE_GROUPS = 9; // MAX_GROUPS in src/jswrap_regexp.c

const REGEXP_MESSAGES = {
  braces:
    "{n} and {n,m} quantifiers in regular expressions are not supported by Espruino: repeat the atom (\\d\\d\\d) or check the length in code",
  optional:
    "the ? quantifier in regular expressions is not supported by Espruino ('a\\r\\nb'.split(/\\r?\\n/) gives one element): use two alternatives at the top level, or * where that is safe",
  lazy: "lazy quantifiers (*?, +?) are not supported by Espruino: use a negated class such as [^x]*",
  nonCapturing: "non-capturing groups (?:...) are not supported by Espruino: use a capture group (...)",
  lookaround: "lookahead and lookbehind are not supported by Espruino: match more and check the rest in code",
  backreference: "backreferences (\\1, \\k<name>) are not supported by Espruino: compare the captured groups in code",
  namedGroup: "named groups (?<name>...) are not supported by Espruino: use a plain capture group and its index",
  // Additions from src/jswrap_regexp.c:
  wordBoundary:
    "\\b and \\B are not word boundaries in Espruino's regular expressions (\\b matches a backspace): check the neighbouring characters in code",
  quantifiedGroup:
    "Espruino's regular expressions repeat single characters, classes and escapes only, not groups: write the repetition out, or loop in code",
  groupAlternation:
    "Espruino's regular expressions split alternatives (|) at the top level only, not inside groups: write whole alternatives (^ab$|^cd$) or use a character class",
  escape:
    "Espruino's regular expressions understand only \\d \\D \\s \\S \\w \\W \\n \\r \\t \\f \\v \\0 \\xXX and escaped punctuation: write \\xXX or the character itself",
  tooManyGroups: `Espruino's regular expressions hold at most ${MAX_CAPTURE_GROUPS} capture groups: split the expression`,
} as const;

function flagMessage(flag: string): string {
  return `the regular expression flag "${flag}" is not supported by Espruino (only i and g): remove it and handle the case in code`;
}

/**
 * Checks one regular expression against Espruino's engine.
 * Offsets point into the literal text `/pattern/flags`.
 */
export function checkRegExp(pattern: string, flags: string): RegExpFinding[] {
  const findings: RegExpFinding[] = [];
  const patternBase = 1;
  const flagsBase = pattern.length + 2;
  const parser = new RegExpParser({ ecmaVersion: 2025 });

  for (let i = 0; i < flags.length; i++) {
    if (flags[i] !== "i" && flags[i] !== "g") findings.push({ message: flagMessage(flags[i]), offset: flagsBase + i });
  }

  let ast: AST.Pattern;
  try {
    parser.parseFlags(flags);
    ast = parser.parsePattern(pattern, 0, pattern.length, {
      unicode: flags.includes("u"),
      unicodeSets: flags.includes("v"),
    });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    findings.push({ message: `invalid regular expression: ${why}`, offset: patternBase });
    return findings;
  }

  const at = (offset: number, message: string): void => {
    findings.push({ message, offset: patternBase + offset });
  };
  let captureGroups = 0;
  const checkAlternation = (node: AST.CapturingGroup | AST.Group | AST.LookaroundAssertion): void => {
    if (node.alternatives.length > 1) at(node.start, REGEXP_MESSAGES.groupAlternation);
  };

  visitRegExpAST(ast, {
    onQuantifierEnter(node) {
      const quantifierStart = node.element.end - node.start;
      const text = node.raw.slice(quantifierStart);
      const offset = node.start + quantifierStart;
      if (text.startsWith("{")) at(offset, REGEXP_MESSAGES.braces);
      else if (!node.greedy) at(offset, REGEXP_MESSAGES.lazy);
      else if (text === "?") at(offset, REGEXP_MESSAGES.optional);
      else if (node.element.type === "CapturingGroup" || node.element.type === "Group") {
        at(offset, REGEXP_MESSAGES.quantifiedGroup);
      }
    },
    onGroupEnter(node) {
      at(node.start, REGEXP_MESSAGES.nonCapturing);
      checkAlternation(node);
    },
    onCapturingGroupEnter(node) {
      captureGroups++;
      if (node.name !== null) at(node.start, REGEXP_MESSAGES.namedGroup);
      else if (captureGroups === MAX_CAPTURE_GROUPS + 1) at(node.start, REGEXP_MESSAGES.tooManyGroups);
      checkAlternation(node);
    },
    onAssertionEnter(node) {
      if (node.kind === "lookahead" || node.kind === "lookbehind") {
        at(node.start, REGEXP_MESSAGES.lookaround);
        checkAlternation(node);
      } else if (node.kind === "word") {
        at(node.start, REGEXP_MESSAGES.wordBoundary);
      }
    },
    onBackreferenceEnter(node) {
      at(node.start, REGEXP_MESSAGES.backreference);
    },
    onCharacterEnter(node) {
      // \u, \c and legacy octal escapes fall through to "the letter itself" in Espruino.
      if (/^\\(?:u|c|[1-9])/.test(node.raw)) at(node.start, REGEXP_MESSAGES.escape);
    },
    onCharacterSetEnter(node) {
      if (node.kind === "property") at(node.start, REGEXP_MESSAGES.escape);
    },
  });

  return findings.sort((a, b) => a.offset - b.offset);
}

// ---------------------------------------------------------------------------
// Syntax checks over ESTree nodes (espree's and typescript-eslint's trees)

/** An ESTree node as ESLint hands it over: with parent and range. */
export type SubsetNode = ESTree.Node & { parent?: SubsetNode; range?: [number, number] };

export interface Finding {
  rule: SubsetRuleId;
  message: string;
  node: SubsetNode;
  /** Absolute source offset when the finding is more precise than its node. */
  index?: number;
}

export type Reporter = (finding: Finding) => void;

type Visitors = Record<string, (node: SubsetNode) => void>;

/** Any node object, read loosely: typescript-eslint adds fields ESTree does not declare. */
type Loose = SubsetNode & Record<string, unknown>;

function report(reporter: Reporter, rule: SubsetRuleId, node: SubsetNode, message?: string, index?: number): void {
  if (isTypeOnly(node)) return; // erased by the build
  reporter({ rule, message: message ?? SUBSET_RULES[rule].message, node, index });
}

const FUNCTION_TYPES = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"]);
const PATTERN_TYPES = new Set(["ObjectPattern", "ArrayPattern"]);

/** True when a pattern or default sits inside a larger destructuring pattern (reported once, there). */
function insidePattern(node: SubsetNode): boolean {
  let parent = node.parent;
  while (parent && (parent.type === "Property" || parent.type === "AssignmentPattern" || parent.type === "RestElement")) {
    if (parent.type === "Property" && parent.parent?.type !== "ObjectPattern") return false;
    parent = parent.parent;
  }
  return parent !== undefined && PATTERN_TYPES.has(parent.type);
}

/** Where to point for a function: its method or property when it is one (the function node starts at `(`). */
function functionSite(node: SubsetNode): SubsetNode {
  const parent = node.parent;
  if (parent && (parent.type === "MethodDefinition" || (parent.type === "Property" && parent.value === node))) {
    return parent;
  }
  return node;
}

function enclosingFunction(node: SubsetNode): Loose | undefined {
  for (let p = node.parent; p; p = p.parent) if (FUNCTION_TYPES.has(p.type)) return p as Loose;
  return undefined;
}

/** `\u{` not preceded by another backslash, in raw source text. */
const CODE_POINT_ESCAPE = /(?<!\\)(?:\\\\)*\\u\{/;

/** TypeScript nodes that exist only for the type checker: nothing in them reaches the bundle. */
const TYPE_ONLY_TYPES = new Set([
  "TSTypeAnnotation",
  "TSTypeReference",
  "TSTypeQuery",
  "TSQualifiedName",
  "TSInterfaceDeclaration",
  "TSTypeAliasDeclaration",
  "TSTypeParameterInstantiation",
  "TSTypeParameterDeclaration",
  "TSDeclareFunction",
  "TSEmptyBodyFunctionExpression",
  "TSFunctionType",
  "TSConstructorType",
  "TSCallSignatureDeclaration",
  "TSConstructSignatureDeclaration",
  "TSIndexSignature",
  "TSPropertySignature",
  "TSMethodSignature",
  "TSAbstractMethodDefinition",
  "TSAbstractPropertyDefinition",
  "TSAbstractAccessorProperty",
]);

function isTypeOnly(node: SubsetNode): boolean {
  for (let p: Loose | undefined = node as Loose; p; p = p.parent as Loose | undefined) {
    if (TYPE_ONLY_TYPES.has(p.type) || p.declare === true) return true;
  }
  return false;
}

/** True for an identifier that names a variable (binding or reference), not a property or label. */
function namesVariable(node: SubsetNode): boolean {
  const parent = node.parent as Loose | undefined;
  if (!parent) return true;
  switch (parent.type) {
    case "MemberExpression":
      return parent.computed === true || parent.property !== node;
    case "Property":
      // In a shorthand property the value is the variable; the key is only a name.
      return parent.key !== node || (parent.shorthand === true && parent.value === node) || parent.computed === true;
    case "MethodDefinition":
    case "PropertyDefinition":
      return parent.key !== node || parent.computed === true;
    case "LabeledStatement":
    case "BreakStatement":
    case "ContinueStatement":
    case "MetaProperty":
      return false;
    case "ImportSpecifier":
      return parent.local === node && parent.imported !== node;
    case "ExportSpecifier":
      return false;
    case "TSEnumMember" as string:
      return parent.id !== node;
    default:
      return true; // type-only positions are dropped by report()
  }
}

function checkClassBody(reporter: Reporter, body: ESTree.ClassBody & SubsetNode): void {
  for (const member of body.body as Loose[]) {
    if (member.type === "StaticBlock") {
      report(reporter, "class-member", member, "static blocks are not supported by Espruino's class parser: put the code after the class");
      continue;
    }
    if (member.type !== "MethodDefinition" && member.type !== "PropertyDefinition") continue; // TS-only members
    if (member.declare === true) continue;
    const key = member.key as SubsetNode;
    if (member.computed === true) {
      report(reporter, "class-member", member, "computed class member names [key] are not supported by Espruino: assign Class.prototype[key] after the class");
    } else if (key.type === "PrivateIdentifier") {
      report(reporter, "class-member", member, "#private class members are not supported by Espruino (esbuild lowers them to WeakMap): use a normal or TypeScript `private` member");
    } else if (key.type !== "Identifier") {
      report(reporter, "class-member", member, "class member names must be plain identifiers on Espruino, not strings or numbers: rename the member");
    } else if (ESPRUINO_KEYWORDS.has(key.name)) {
      report(reporter, "class-member", member, `\`${key.name}\` is a keyword in Espruino's lexer and cannot name a class member: choose another name`);
    } else if (member.type === "PropertyDefinition" && member.value === null && member.typeAnnotation === undefined) {
      // Espruino's parser expects `name = value` for a field. A typed TypeScript field
      // without a value is a declaration that the build drops or lowers.
      report(reporter, "class-member", member, "class fields need an initializer on Espruino: write `name = value`, or assign it in the constructor");
    }
  }
}

/** The syntax visitors, keyed by ESTree node type (ESLint selector syntax). */
export function subsetVisitors(reporter: Reporter): Visitors {
  const functionChecks = (node: SubsetNode): void => {
    const fn = node as Loose;
    if (fn.async === true) report(reporter, "async", functionSite(node));
    if (fn.generator === true) report(reporter, "generator", functionSite(node));
  };
  const checkRegExpAt = (node: SubsetNode, pattern: string, flags: string, literalStart: number | undefined): void => {
    for (const finding of checkRegExp(pattern, flags)) {
      const index = literalStart === undefined ? undefined : literalStart + finding.offset;
      report(reporter, "regexp", node, finding.message, index);
    }
  };
  const checkRegExpConstructor = (node: SubsetNode): void => {
    const call = node as ESTree.CallExpression & SubsetNode;
    if (call.callee.type !== "Identifier" || call.callee.name !== "RegExp") return;
    const pattern = staticString(call.arguments[0]);
    if (pattern === undefined) return; // not knowable here
    const flags = call.arguments.length > 1 ? staticString(call.arguments[1]) : "";
    if (flags === undefined) return;
    checkRegExpAt(call.arguments[0] as SubsetNode, pattern, flags, undefined);
  };

  return {
    ObjectPattern(node) {
      if (!insidePattern(node)) report(reporter, "destructuring", node);
    },
    ArrayPattern(node) {
      if (!insidePattern(node)) report(reporter, "destructuring", node);
    },
    AssignmentPattern(node) {
      if (!insidePattern(node)) report(reporter, "default-parameter", node);
    },
    RestElement(node) {
      const parent = node.parent as Loose | undefined;
      if (parent && FUNCTION_TYPES.has(parent.type)) {
        report(reporter, "rest-parameter", node);
      }
    },
    SpreadElement(node) {
      const where = node.parent?.type;
      const instead =
        where === "ObjectExpression"
          ? "use Object.assign({}, o)"
          : where === "ArrayExpression"
            ? "use a.concat(b) or a.slice()"
            : "use fn.apply(thisArg, args)";
      report(reporter, "spread", node, `spread is not supported by Espruino: ${instead}`);
    },
    Property(node) {
      const property = node as ESTree.Property & SubsetNode;
      if (property.computed && property.parent?.type === "ObjectExpression") report(reporter, "computed-key", node);
    },
    FunctionDeclaration: functionChecks,
    FunctionExpression: functionChecks,
    ArrowFunctionExpression: functionChecks,
    AwaitExpression(node) {
      // Inside an async function the function itself is reported.
      if (enclosingFunction(node)?.async !== true) report(reporter, "async", node);
    },
    ForOfStatement(node) {
      if ((node as ESTree.ForOfStatement).await) report(reporter, "async", node);
    },
    ChainExpression(node) {
      report(reporter, "optional-chaining", node);
    },
    BinaryExpression(node) {
      if ((node as ESTree.BinaryExpression).operator === "**") report(reporter, "exponent", node);
    },
    AssignmentExpression(node) {
      const operator = (node as ESTree.AssignmentExpression).operator;
      if (operator === "**=") report(reporter, "exponent", node);
      else if (operator === "||=" || operator === "&&=" || operator === "??=") report(reporter, "logical-assignment", node);
    },
    TaggedTemplateExpression(node) {
      report(reporter, "tagged-template", node);
    },
    MetaProperty(node) {
      const meta = node as ESTree.MetaProperty;
      if (meta.meta.name === "new" && meta.property.name === "target") report(reporter, "new-target", node);
    },
    MemberExpression(node) {
      const member = node as ESTree.MemberExpression & SubsetNode;
      const name = member.computed ? undefined : memberName(member);
      if (name !== undefined && REGEXP_FLAG_PROPERTIES.has(name)) {
        report(reporter, "regexp-flag-property", member, `regular expressions have no .${name} property on Espruino (it is undefined): read re.flags ("gi") instead; ignore this warning if the object is not a regular expression`);
      }
    },
    LabeledStatement(node) {
      report(reporter, "label", node);
    },
    Literal(node) {
      const literal = node as Loose & ESTree.Literal;
      if ("bigint" in literal && typeof literal.bigint === "string") {
        report(reporter, "bigint", node);
      } else if ("regex" in literal && literal.regex) {
        const regex = literal.regex as { pattern: string; flags: string };
        checkRegExpAt(node, regex.pattern, regex.flags, node.range?.[0]);
      } else if (typeof literal.value === "string" && literal.raw && CODE_POINT_ESCAPE.test(literal.raw)) {
        report(reporter, "code-point-escape", node);
      }
    },
    TemplateElement(node) {
      if (CODE_POINT_ESCAPE.test((node as ESTree.TemplateElement).value.raw)) report(reporter, "code-point-escape", node);
    },
    NewExpression: checkRegExpConstructor,
    CallExpression(node) {
      checkRegExpConstructor(node);
      checkMethodCall(reporter, node as ESTree.CallExpression & SubsetNode);
    },
    ClassBody(node) {
      checkClassBody(reporter, node as ESTree.ClassBody & SubsetNode);
    },
    ClassDeclaration: checkSuperClass,
    ClassExpression: checkSuperClass,
    Identifier(node) {
      const name = (node as ESTree.Identifier).name;
      if (RESERVED_IDENTIFIERS.has(name) && namesVariable(node)) {
        report(reporter, "reserved-identifier", node, `\`${name}\` is a keyword in Espruino's lexer and cannot name a variable: choose another name`);
      }
    },
    ExpressionStatement(node) {
      if ((node as ESTree.Directive).directive === "use strict") report(reporter, "use-strict", node);
    },
    ReturnStatement(node) {
      if (isBareReturnBeforeFunctionEnd(node as ESTree.ReturnStatement & SubsetNode)) report(reporter, "bare-return-before-brace", node);
    },
  };

  function checkSuperClass(node: SubsetNode): void {
    const superClass = (node as ESTree.Class).superClass;
    if (superClass && superClass.type !== "Identifier") report(reporter, "class-extends", superClass as SubsetNode);
  }
}

/** Calls of methods Espruino lacks, and of built-in methods that behave differently there. */
function checkMethodCall(reporter: Reporter, call: ESTree.CallExpression & SubsetNode): void {
  const callee = call.callee;
  if (callee.type !== "MemberExpression") return;
  const name = memberName(callee);
  if (name === undefined) return;
  const site = callee.property as SubsetNode;
  if (Object.prototype.hasOwnProperty.call(ABSENT_METHODS, name)) {
    report(reporter, "absent-method", site, `${name}() does not exist on Espruino (not on strings, arrays, typed arrays or dates; calling it throws Function "${name}" not found!): ${ABSENT_METHODS[name]}`);
  } else if (Object.prototype.hasOwnProperty.call(ABSENT_COMMON_METHODS, name)) {
    report(reporter, "absent-method-common-name", site, `${name}() does not exist on Espruino's strings and arrays (calling it throws Function "${name}" not found!): ${ABSENT_COMMON_METHODS[name]}; ignore this warning if the receiver is your own object that defines ${name}()`);
  } else if (name === "stringify" && callee.object.type === "Identifier" && callee.object.name === "JSON") {
    const replacer = call.arguments[1];
    if (replacer !== undefined && !isNullish(replacer)) report(reporter, "json-replacer", replacer as SubsetNode);
  } else if (Object.prototype.hasOwnProperty.call(MULTICHAR_NEEDLE_METHODS, name)) {
    checkMulticharNeedle(reporter, call, name);
    if (name === "split") checkSplit(reporter, call);
  }
}

/** split's limit and captured separators (`split` warnings). */
function checkSplit(reporter: Reporter, call: ESTree.CallExpression & SubsetNode): void {
  if (call.arguments.length >= 2) {
    report(reporter, "split", call.arguments[1] as SubsetNode, "split(separator, limit) ignores the limit on Espruino: slice the result instead (s.split(sep).slice(0, n))");
  }
  const separator = call.arguments[0] as (ESTree.Node & { regex?: { pattern: string; flags: string } }) | undefined;
  if (separator?.type === "Literal" && separator.regex && hasCaptureGroup(separator.regex.pattern, separator.regex.flags)) {
    report(reporter, "split", separator as SubsetNode, "split(/(...)/) drops the captured separators on Espruino: split without the group, or collect the separators with re.exec in a loop");
  }
}

/**
 * String methods that go wrong on Espruino with a needle of 2+ characters (`multichar-needle`): what happens
 * (measured), and what to write instead. `$h` stands for the receiver's text, `$n` for the needle's.
 */
const MULTICHAR_NEEDLE_METHODS: Readonly<Record<string, { wrong: string; instead: string }>> = {
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

/**
 * `s.indexOf("ab")` & co (MULTICHAR_NEEDLE_METHODS). Only a needle written as a literal can be checked here: a string
 * (or a template without expressions) or a number (converted to a string) of 2+ characters; one character is right.
 * Arrays are right too, and an array literal receiver is left alone; any other receiver might be a string.
 */
function checkMulticharNeedle(reporter: Reporter, call: ESTree.CallExpression & SubsetNode, name: string): void {
  const argument = call.arguments[0] as SubsetNode | undefined;
  const needle = literalText(argument);
  if (argument === undefined || needle === undefined || needle.length < 2) return;
  const receiver = unwrapTypeScript((call.callee as ESTree.MemberExpression).object as SubsetNode);
  if (receiver.type === "ArrayExpression") return;
  const shown = JSON.stringify(needle.length > 24 ? `${needle.slice(0, 20)}...` : needle);
  const haystack = receiver.type === "Identifier" ? receiver.name : "haystack";
  const method = MULTICHAR_NEEDLE_METHODS[name];
  const fill = (text: string): string => text.replace("$h", () => haystack).replace("$n", () => shown);
  const arrays = name === "indexOf" || name === "includes" ? ` An array's ${name} is right, but only types could tell: for an array, compare in a loop or with some().` : "";
  report(reporter, "multichar-needle", argument, `${name}(${shown}) on Espruino ${fill(method.wrong)}: ${fill(method.instead)}.${arrays}`);
}

/** The text a literal needle is searched as: a string, a template without expressions, or a number. */
function literalText(node: ESTree.Node | undefined): string | undefined {
  const text = staticString(node);
  if (text !== undefined) return text;
  if (node?.type === "Literal" && typeof node.value === "number") return String(node.value);
  return undefined;
}

/** `x as T`, `x!`, `<T>x` and `x satisfies T` leave the value alone. */
function unwrapTypeScript(node: SubsetNode): SubsetNode {
  let inner = node as Loose;
  while (["TSAsExpression", "TSNonNullExpression", "TSTypeAssertion", "TSSatisfiesExpression"].includes(inner.type)) {
    inner = inner.expression as Loose;
  }
  return inner;
}

/**
 * True for a `return` with neither value nor `;` whose next token is the `}` closing its function's body: the
 * statements from the return up to the body all end where the `return` keyword ends, and the outermost is the
 * body's last statement, so only whitespace and comments stand between `return` and that `}`. A `}` of a
 * block, switch or catch in between is fine, and so is a body whose first statement is a return (Espruino
 * keeps only that return's expression).
 */
function isBareReturnBeforeFunctionEnd(node: ESTree.ReturnStatement & SubsetNode): boolean {
  if (node.argument || node.range === undefined) return false;
  const end = node.range[1];
  if (end - node.range[0] !== "return".length) return false; // `return;` (or `return /* c */ ;`)
  const body = enclosingFunction(node)?.body as (ESTree.BlockStatement & SubsetNode) | undefined;
  if (body?.type !== "BlockStatement" || body.body[0]?.type === "ReturnStatement") return false;
  let statement: SubsetNode = node;
  while (statement.parent !== body) {
    const parent = statement.parent;
    if (parent === undefined || parent.range?.[1] !== end) return false;
    statement = parent;
  }
  return body.body[body.body.length - 1] === statement;
}

function isNullish(node: ESTree.Node): boolean {
  return (
    (node.type === "Literal" && node.value === null && !("regex" in node && node.regex)) ||
    (node.type === "Identifier" && node.name === "undefined") ||
    (node.type === "UnaryExpression" && node.operator === "void")
  );
}

function hasCaptureGroup(pattern: string, flags: string): boolean {
  let found = false;
  try {
    const ast = new RegExpParser({ ecmaVersion: 2025 }).parsePattern(pattern, 0, pattern.length, {
      unicode: flags.includes("u"),
      unicodeSets: flags.includes("v"),
    });
    visitRegExpAST(ast, { onCapturingGroupEnter: () => (found = true) });
  } catch {
    return false; // reported by the regexp rule
  }
  return found;
}

function staticString(node: ESTree.Node | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === "Literal" && typeof node.value === "string") return node.value;
  if (node.type === "TemplateLiteral" && node.expressions.length === 0) return node.quasis[0].value.cooked ?? undefined;
  return undefined;
}

// ---------------------------------------------------------------------------
// Globals, with scope analysis: only free references to the global count.

/** The parts of an eslint-scope / typescript-eslint scope that the check reads. */
export interface ScopeReference {
  identifier: ESTree.Identifier | ESTree.Node;
  isTypeReference?: boolean;
  isValueReference?: boolean;
}
export interface ScopeVariable {
  name: string;
  defs: readonly unknown[];
  references: readonly ScopeReference[];
}
export interface GlobalScope {
  through: readonly ScopeReference[];
  variables: readonly ScopeVariable[];
}

/** References that reach the global object: unresolved, or resolved to an implicit (undeclared) global. */
function freeGlobalReferences(globalScope: GlobalScope): ScopeReference[] {
  const references = [...globalScope.through];
  for (const variable of globalScope.variables) {
    if (variable.defs.length === 0) references.push(...variable.references);
  }
  return references;
}

function memberName(member: ESTree.MemberExpression): string | undefined {
  if (!member.computed && member.property.type === "Identifier") return member.property.name;
  if (member.computed && member.property.type === "Literal" && typeof member.property.value === "string") {
    return member.property.value;
  }
  return undefined;
}

/** Checks the free global references of a whole program (call once, at Program:exit). */
export function checkGlobals(globalScope: GlobalScope, reporter: Reporter): void {
  for (const reference of freeGlobalReferences(globalScope)) {
    if (reference.isTypeReference === true && reference.isValueReference !== true) continue;
    const identifier = reference.identifier as ESTree.Identifier & SubsetNode;
    if (identifier.type !== "Identifier" || isTypeOnly(identifier)) continue;
    const name = identifier.name;
    const parent = identifier.parent as Loose | undefined;

    // `typeof X` is a feature test, not a use.
    if (parent?.type === "UnaryExpression" && parent.operator === "typeof") continue;

    if (parent?.type === "MemberExpression" && parent.object === identifier && checkPrototypeRead(reporter, name, parent)) continue;

    if (name === "Error" && parent?.type === "BinaryExpression" && parent.operator === "instanceof" && parent.right === identifier) {
      report(reporter, "instanceof-error", parent);
      continue;
    }

    const absent = Object.prototype.hasOwnProperty.call(ABSENT_GLOBALS, name) ? ABSENT_GLOBALS[name] : undefined;
    if (absent) {
      report(reporter, "absent-global", identifier, `${name} is not available on Espruino: ${absent.instead}`);
      continue;
    }

    const members = Object.prototype.hasOwnProperty.call(ABSENT_MEMBERS, name) ? ABSENT_MEMBERS[name] : undefined;
    if (members && parent?.type === "MemberExpression" && parent.object === identifier) {
      const member = memberName(parent as ESTree.MemberExpression);
      if (member !== undefined && Object.prototype.hasOwnProperty.call(members, member)) {
        report(reporter, "absent-global", parent, `${name}.${member} is not available on Espruino: ${members[member].instead}`);
      }
      continue;
    }

    if (
      ERROR_CLASSES.has(name) &&
      (parent?.type === "ClassDeclaration" || parent?.type === "ClassExpression") &&
      parent.superClass === identifier
    ) {
      report(reporter, "error-subclass", parent);
    }
  }
}

/**
 * `Array.prototype.slice` and the like: reports a read of a built-in method from a prototype and returns true
 * when `member` is `X.prototype` of a built-in listed in PROTOTYPE_INSTANCES. Assigning a new method works.
 */
function checkPrototypeRead(reporter: Reporter, owner: string, member: Loose): boolean {
  if (!Object.prototype.hasOwnProperty.call(PROTOTYPE_INSTANCES, owner)) return false;
  if (memberName(member as unknown as ESTree.MemberExpression) !== "prototype") return false;
  const read = member.parent as Loose | undefined;
  if (read?.type !== "MemberExpression" || read.object !== member) return true;
  const method = memberName(read as unknown as ESTree.MemberExpression);
  if (method === undefined || PROTOTYPE_MEMBERS_PRESENT.has(method)) return true;
  const target = read.parent as Loose | undefined;
  if (target?.type === "AssignmentExpression" && target.left === read) return true;
  const instance = PROTOTYPE_INSTANCES[owner];
  report(
    reporter,
    "prototype-method",
    read,
    `${owner}.prototype.${method} is undefined on Espruino (built-in methods exist on instances only): read it from an instance, ${instance}.${method}${owner === "Function" ? "" : ".call(...)"}`,
  );
  return true;
}

// ---------------------------------------------------------------------------
// Scope checks: declarations that Espruino does not hoist, loop variables it does not copy.

/** The parts of an eslint-scope / typescript-eslint scope manager that the scope checks read. */
export interface AnalysedScope {
  type: string;
  block: ESTree.Node;
  variableScope: AnalysedScope;
  variables: readonly AnalysedVariable[];
}
export interface AnalysedDefinition {
  type: string;
  node: ESTree.Node;
  parent?: ESTree.Node | null;
}
export interface AnalysedVariable {
  name: string;
  scope: AnalysedScope;
  defs: readonly AnalysedDefinition[];
  references: readonly AnalysedReference[];
}
export interface AnalysedReference extends ScopeReference {
  from: AnalysedScope;
}

/** Checks every scope of a program (call once, at Program:exit, with scopeManager.scopes). */
export function checkScopes(scopes: readonly AnalysedScope[], reporter: Reporter): void {
  for (const scope of scopes) {
    for (const variable of scope.variables) {
      checkHoisting(variable, reporter);
      checkLoopClosure(variable, reporter);
    }
  }
}

/** A reference that runs code: not a type, not `export { name }` (a binding, evaluated at no position). */
function evaluated(reference: AnalysedReference): (SubsetNode & ESTree.Identifier) | undefined {
  if (reference.isTypeReference === true && reference.isValueReference !== true) return undefined;
  const identifier = reference.identifier as SubsetNode & ESTree.Identifier;
  if (identifier.type !== "Identifier" || identifier.range === undefined || isTypeOnly(identifier)) return undefined;
  if (identifier.parent?.type === "ExportSpecifier") return undefined;
  return identifier;
}

/**
 * Espruino creates a function or class declaration when its statement runs. A use in the same function (or at
 * the top level) that comes earlier in the source runs before that: report it. A use inside a nested function
 * only breaks when that function is called before the declaration has run, which is not knowable here.
 */
function checkHoisting(variable: AnalysedVariable, reporter: Reporter): void {
  if (variable.scope.type === "class") return; // a class's inner name binding; its outer one is checked
  const declaration = variable.defs
    .map((def) => def.node as SubsetNode)
    .find((node) => node.type === "FunctionDeclaration" || node.type === "ClassDeclaration");
  if (declaration?.range === undefined) return;
  const kind = declaration.type === "ClassDeclaration" ? "class" : "function";
  for (const reference of variable.references) {
    if (reference.from.variableScope !== variable.scope.variableScope) continue;
    const identifier = evaluated(reference);
    if (identifier === undefined || identifier.range![0] >= declaration.range[0]) continue;
    const line = declaration.loc ? ` on line ${declaration.loc.start.line}` : "";
    report(
      reporter,
      "hoisting",
      identifier,
      `\`${variable.name}\` is used before its ${kind} declaration${line} runs: Espruino does not hoist declarations (ReferenceError: "${variable.name}" is not defined): move the declaration above this use`,
    );
  }
}

const LOOP_TYPES = new Set(["ForStatement", "ForInStatement", "ForOfStatement"]);

/** The loop whose head declares this let/const variable, if any. */
function headLoop(variable: AnalysedVariable): SubsetNode | undefined {
  for (const def of variable.defs) {
    const declaration = def.parent as (SubsetNode & ESTree.VariableDeclaration) | null | undefined;
    if (def.type !== "Variable" || declaration?.type !== "VariableDeclaration" || declaration.kind === "var") continue;
    const loop = declaration.parent as Loose | undefined;
    if (loop && LOOP_TYPES.has(loop.type) && (loop.init === declaration || loop.left === declaration)) return loop;
  }
  return undefined;
}

/**
 * Espruino keeps one binding for a let/const declared in a loop's head, so a function created in the loop sees
 * the last value. Reports each use of such a variable from inside a function (the loop's own function reads it
 * as JavaScript does).
 */
function checkLoopClosure(variable: AnalysedVariable, reporter: Reporter): void {
  const loop = headLoop(variable);
  if (loop === undefined) return;
  for (const reference of variable.references) {
    if (reference.from.variableScope === variable.scope.variableScope) continue;
    const identifier = evaluated(reference);
    if (identifier === undefined) continue;
    const line = loop.loc ? ` on line ${loop.loc.start.line}` : "";
    report(
      reporter,
      "loop-closure",
      identifier,
      `\`${variable.name}\` is declared in the head of the loop${line} and used in a function created in the loop: Espruino does not copy it per iteration, so every such function sees its last value: copy it into a const inside the loop body (const current = ${variable.name};) and use that, or iterate with forEach`,
    );
  }
}
