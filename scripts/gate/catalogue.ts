// The rules of the Espruino subset, as data: each rule's id, severity, basis
// and default message.
//
// One rule set serves two users: the ESLint plugin (app/ sources, parsed by
// typescript-eslint) and the bundle gate (dist/app.js, parsed by espree). The
// checks that fire the rules live beside this file, one module per kind of
// check; none of them knows about ESLint.
//
// Every rule says where its fact comes from (docs/espruino-language.md holds
// both kinds):
//  - "measured": run on Espruino 2v29; the rule's comment or the doc says what
//    was run and what came out;
//  - "source":   read in Espruino's own source (src/jsparse.c, src/jslex.c,
//    src/jswrap_regexp.c, src/jswrap_*.c), not measured. These are additions.

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
