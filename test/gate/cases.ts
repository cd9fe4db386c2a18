// Snippets outside the Espruino subset, shared by the bundle gate tests (espree,
// script) and the ESLint rule tests (typescript-eslint, module). Each snippet is
// valid JavaScript and TypeScript and holds exactly one problem, on `line`.

export interface ForbiddenCase {
  /** What docs/espruino-language.md (measured, or read in Espruino's source) says fails. */
  name: string;
  code: string;
  line: number;
  rule: string;
  message: RegExp;
  /** 1-based column, where the position matters (inside a regular expression). */
  column?: number;
}

const pad = "var ready = 1;\n";

export const FORBIDDEN_CASES: ForbiddenCase[] = [
  // destructuring (object, array, parameter) and where else patterns appear
  { name: "object destructuring", code: `${pad}var { a, b } = o;`, line: 2, rule: "destructuring", message: /^destructuring is not supported by Espruino: / },
  { name: "array destructuring", code: `${pad}var [a, b] = arr;`, line: 2, rule: "destructuring", message: /^destructuring is not supported/ },
  { name: "nested destructuring (reported once)", code: `${pad}var { a: [b, { c }] } = o;`, line: 2, rule: "destructuring", message: /^destructuring/ },
  { name: "parameter destructuring", code: `${pad}function f({ a }) {\n  return a;\n}`, line: 2, rule: "destructuring", message: /^destructuring/ },
  { name: "arrow parameter destructuring", code: `${pad}var f = ([a]) => a;`, line: 2, rule: "destructuring", message: /^destructuring/ },
  { name: "destructuring assignment", code: `${pad}var a;\n({ a } = o);`, line: 3, rule: "destructuring", message: /^destructuring/ },
  { name: "destructuring in a for...of head", code: `${pad}for (const [k, v] of list) {\n  use(k, v);\n}`, line: 2, rule: "destructuring", message: /^destructuring/ },
  { name: "destructuring a catch parameter", code: `${pad}try {\n  run();\n} catch ({ message }) {\n  use(message);\n}`, line: 4, rule: "destructuring", message: /^destructuring/ },
  // default and rest parameters
  { name: "default parameter", code: `${pad}function f(a = 1) {\n  return a;\n}`, line: 2, rule: "default-parameter", message: /^default parameters are not supported by Espruino: / },
  { name: "arrow default parameter", code: `${pad}var f = (a, b = 2) => a + b;`, line: 2, rule: "default-parameter", message: /^default parameters/ },
  { name: "rest parameter", code: `${pad}function f(...args) {\n  return args;\n}`, line: 2, rule: "rest-parameter", message: /^rest parameters are not supported by Espruino: / },
  // spread
  { name: "spread in a call", code: `${pad}f(...args);`, line: 2, rule: "spread", message: /^spread is not supported by Espruino: use fn\.apply/ },
  { name: "spread in new", code: `${pad}var d = new D(...args);`, line: 2, rule: "spread", message: /^spread is not supported by Espruino: use fn\.apply/ },
  { name: "spread in an array", code: `${pad}var b = [0, ...a];`, line: 2, rule: "spread", message: /^spread is not supported by Espruino: use a\.concat/ },
  { name: "spread in an object", code: `${pad}var c = { x: 1, ...o };`, line: 2, rule: "spread", message: /^spread is not supported by Espruino: use Object\.assign/ },
  // computed keys
  { name: "computed key", code: `${pad}var o = { [k]: 1 };`, line: 2, rule: "computed-key", message: /^computed keys in object literals are not supported by Espruino: / },
  { name: "computed method key", code: `${pad}var o = {\n  [k]() {\n    return 1;\n  },\n};`, line: 3, rule: "computed-key", message: /^computed keys/ },
  // async/await, generators
  { name: "async function", code: `${pad}async function f() {\n  await g();\n}`, line: 2, rule: "async", message: /^async\/await is not supported by Espruino: / },
  { name: "async arrow", code: `${pad}var f = async () => 1;`, line: 2, rule: "async", message: /^async\/await/ },
  { name: "async method", code: `${pad}var o = {\n  async m() {},\n};`, line: 3, rule: "async", message: /^async\/await/ },
  { name: "async class method", code: `${pad}class A {\n  async m() {}\n}`, line: 3, rule: "async", message: /^async\/await/ },
  { name: "generator", code: `${pad}function* g() {\n  yield 1;\n}`, line: 2, rule: "generator", message: /^generators are not supported by Espruino: / },
  { name: "generator method", code: `${pad}var o = {\n  *m() {},\n};`, line: 3, rule: "generator", message: /^generators/ },
  // ?. ** BigInt
  { name: "optional member access", code: `${pad}var x = o?.a;`, line: 2, rule: "optional-chaining", message: /^optional chaining \(\?\.\) is not supported by Espruino: / },
  { name: "optional call", code: `${pad}o.f?.();`, line: 2, rule: "optional-chaining", message: /^optional chaining/ },
  { name: "exponent operator", code: `${pad}var x = 2 ** 10;`, line: 2, rule: "exponent", message: /^the \*\* operator is not supported by Espruino: use Math\.pow/ },
  { name: "exponent assignment", code: `${pad}var x = 2;\nx **= 2;`, line: 3, rule: "exponent", message: /^the \*\* operator/ },
  { name: "BigInt literal", code: `${pad}var n = 10n;`, line: 2, rule: "bigint", message: /^BigInt literals are not supported by Espruino: / },
  // labels
  { name: "labelled break", code: `${pad}outer: for (;;) {\n  break outer;\n}`, line: 2, rule: "label", message: /^labelled statements \(labelled break\/continue\) are not supported by Espruino: / },
  { name: "labelled continue", code: `${pad}outer: for (var i = 0; i < 3; i++) {\n  for (;;) {\n    continue outer;\n  }\n}`, line: 2, rule: "label", message: /^labelled statements/ },
  // \u{...}
  { name: "\\u{...} in a string", code: `${pad}var s = "\\u{1F600}";`, line: 2, rule: "code-point-escape", message: /^\\u\{\.\.\.\} escapes are not supported by Espruino: / },
  { name: "\\u{...} in a template literal", code: `${pad}var s = \`x\\u{41}\`;`, line: 2, rule: "code-point-escape", message: /^\\u\{\.\.\.\} escapes/ },
  // absent globals (measured), then additions from Espruino's source
  ...["Map", "Set", "TextDecoder", "TextEncoder", "WeakMap", "WeakSet", "Proxy"].map((name) => ({
    name: `new ${name}()`,
    code: `${pad}var x = new ${name}();`,
    line: 2,
    rule: "absent-global",
    message: new RegExp(`^${name} is not available on Espruino: `),
  })),
  { name: "Symbol", code: `${pad}var s = Symbol("id");`, line: 2, rule: "absent-global", message: /^Symbol is not available on Espruino: / },
  { name: "Reflect", code: `${pad}var k = Reflect.ownKeys(o);`, line: 2, rule: "absent-global", message: /^Reflect is not available on Espruino: / },
  { name: "Array.from", code: `${pad}var a = Array.from(list);`, line: 2, rule: "absent-global", message: /^Array\.from is not available on Espruino: / },
  { name: "Number.isFinite", code: `${pad}var ok = Number.isFinite(n);`, line: 2, rule: "absent-global", message: /^Number\.isFinite is not available on Espruino: / },
  { name: "Number['isInteger'] (addition)", code: `${pad}var ok = Number["isInteger"](n);`, line: 2, rule: "absent-global", message: /^Number\.isInteger is not available on Espruino: / },
  { name: "Math.trunc (addition)", code: `${pad}var t = Math.trunc(n);`, line: 2, rule: "absent-global", message: /^Math\.trunc is not available on Espruino: / },
  { name: "Object.freeze (addition)", code: `${pad}var f = Object.freeze(o);`, line: 2, rule: "absent-global", message: /^Object\.freeze is not available on Espruino: / },
  // class X extends Error, and Espruino's class parser (additions)
  { name: "class extends Error", code: `${pad}class Failure extends Error {\n  constructor(m) {\n    super(m);\n  }\n}`, line: 2, rule: "error-subclass", message: /^`class X extends Error` loses `message` on Espruino/ },
  { name: "class expression extends TypeError", code: `${pad}var F = class extends TypeError {};`, line: 2, rule: "error-subclass", message: /loses `message`/ },
  { name: "extends an expression (addition)", code: `${pad}class A extends ns.Base {}`, line: 2, rule: "class-extends", message: /needs a plain name after `extends`/ },
  { name: "computed class member (addition)", code: `${pad}class A {\n  [k]() {}\n}`, line: 3, rule: "class-member", message: /^computed class member names/ },
  { name: "string class member name (addition)", code: `${pad}class A {\n  "m"() {}\n}`, line: 3, rule: "class-member", message: /plain identifiers/ },
  { name: "keyword class member name (addition)", code: `${pad}class A {\n  delete() {}\n}`, line: 3, rule: "class-member", message: /`delete` is a keyword in Espruino's lexer/ },
  { name: "#private member (addition)", code: `${pad}class A {\n  #secret = 1;\n}`, line: 3, rule: "class-member", message: /#private class members/ },
  { name: "static block (addition)", code: `${pad}class A {\n  static {\n    init();\n  }\n}`, line: 3, rule: "class-member", message: /static blocks/ },
  { name: "variable named of (addition; esbuild's minifier can pick it)", code: `${pad}var of = 1;`, line: 2, rule: "reserved-identifier", message: /^`of` is a keyword in Espruino's lexer/ },
  // regular expressions: each feature measured as failing
  { name: "regexp {n}", code: `${pad}var re = /a{3}/;`, line: 2, rule: "regexp", column: 12, message: /^\{n\} and \{n,m\} quantifiers/ },
  { name: "regexp {n,m}", code: `${pad}var re = /\\d{1,3}/;`, line: 2, rule: "regexp", column: 13, message: /^\{n\} and \{n,m\} quantifiers/ },
  { name: "regexp ?", code: `${pad}var lines = s.split(/\\r?\\n/);`, line: 2, rule: "regexp", column: 24, message: /^the \? quantifier .*split\(\/\\r\?\\n\/\) gives one element/ },
  { name: "regexp lazy *?", code: `${pad}var re = /<.*?>/;`, line: 2, rule: "regexp", column: 13, message: /^lazy quantifiers/ },
  { name: "regexp lazy +?", code: `${pad}var re = /a+?/;`, line: 2, rule: "regexp", column: 12, message: /^lazy quantifiers/ },
  { name: "regexp (?:", code: `${pad}var re = /(?:ab)c/;`, line: 2, rule: "regexp", column: 11, message: /^non-capturing groups/ },
  { name: "regexp lookahead", code: `${pad}var re = /a(?=b)/;`, line: 2, rule: "regexp", column: 12, message: /^lookahead and lookbehind/ },
  { name: "regexp negative lookahead", code: `${pad}var re = /a(?!b)/;`, line: 2, rule: "regexp", column: 12, message: /^lookahead and lookbehind/ },
  { name: "regexp lookbehind", code: `${pad}var re = /(?<=a)b/;`, line: 2, rule: "regexp", column: 11, message: /^lookahead and lookbehind/ },
  { name: "regexp backreference", code: `${pad}var re = /(a)\\1/;`, line: 2, rule: "regexp", column: 14, message: /^backreferences/ },
  { name: "regexp named group", code: `${pad}var re = /(?<year>\\d+)/;`, line: 2, rule: "regexp", column: 11, message: /^named groups/ },
  { name: "regexp flag m", code: `${pad}var re = /^a$/m;`, line: 2, rule: "regexp", column: 15, message: /^the regular expression flag "m" is not supported by Espruino \(only i and g\)/ },
  { name: "regexp flag u", code: `${pad}var re = /a/u;`, line: 2, rule: "regexp", column: 13, message: /flag "u"/ },
  { name: "regexp flag s", code: `${pad}var re = /a.b/s;`, line: 2, rule: "regexp", column: 15, message: /flag "s"/ },
  { name: "regexp flag y", code: `${pad}var re = /a/y;`, line: 2, rule: "regexp", column: 13, message: /flag "y"/ },
  { name: "regexp \\b (addition)", code: `${pad}var re = /\\bword/;`, line: 2, rule: "regexp", column: 11, message: /^\\b and \\B are not word boundaries/ },
  { name: "regexp quantified group (addition)", code: `${pad}var re = /(ab)+/;`, line: 2, rule: "regexp", column: 15, message: /not groups/ },
  { name: "regexp | inside a group (addition)", code: `${pad}var re = /(a|b)c/;`, line: 2, rule: "regexp", column: 11, message: /at the top level only/ },
  { name: "regexp \\u escape (addition)", code: `${pad}var re = /\\u0041/;`, line: 2, rule: "regexp", column: 11, message: /understand only/ },
  { name: "new RegExp with a string pattern", code: `${pad}var re = new RegExp("a{2}");`, line: 2, rule: "regexp", message: /^\{n\} and \{n,m\} quantifiers/ },
  { name: "RegExp() with string flags", code: `${pad}var re = RegExp("ab", "gm");`, line: 2, rule: "regexp", message: /flag "m"/ },
  // function and class declarations are not hoisted (measured by the lead and again for the gate)
  { name: "a function declaration read into an object before it runs", code: `${pad}function outer() {\n  var o = { f: inner };\n  function inner() {\n    return 1;\n  }\n  return o.f();\n}`, line: 3, column: 16, rule: "hoisting", message: /^`inner` is used before its function declaration on line 4 runs: Espruino does not hoist declarations \(ReferenceError: "inner" is not defined\): move the declaration above this use$/ },
  { name: "a call before the declaration in the same function", code: `${pad}function outer() {\n  return inner();\n  function inner() {\n    return 2;\n  }\n}`, line: 3, column: 10, rule: "hoisting", message: /^`inner` is used before its function declaration on line 4 runs/ },
  { name: "a top-level call before the declaration", code: `${pad}top();\nfunction top() {\n  return 3;\n}`, line: 2, column: 1, rule: "hoisting", message: /^`top` is used before its function declaration on line 3 runs/ },
  { name: "a use in a nested block before the declaration (still the same function)", code: `${pad}function outer(x) {\n  if (x) {\n    return inner();\n  }\n  function inner() {\n    return 4;\n  }\n  return 0;\n}`, line: 4, rule: "hoisting", message: /^`inner` is used before its function declaration on line 6 runs/ },
  { name: "typeof before the declaration (\"undefined\" on Espruino)", code: `${pad}var t = typeof later;\nfunction later() {}`, line: 2, rule: "hoisting", message: /^`later` is used before its function declaration on line 3 runs/ },
  { name: "a class used before its declaration", code: `${pad}var a = new A();\nclass A {}`, line: 2, rule: "hoisting", message: /^`A` is used before its class declaration on line 3 runs/ },
  // let/const loop variables are shared between iterations (measured: closures see the last value)
  { name: "closure over for (let i...)", code: `${pad}for (let i = 0; i < 3; i++) {\n  fs.push(function () {\n    return i;\n  });\n}`, line: 4, column: 12, rule: "loop-closure", message: /^`i` is declared in the head of the loop on line 2 and used in a function created in the loop: Espruino does not copy it per iteration, so every such function sees its last value: copy it into a const inside the loop body \(const current = i;\) and use that, or iterate with forEach$/ },
  { name: "arrow over for (const x of ...)", code: `${pad}for (const x of xs) {\n  fs.push(() => x);\n}`, line: 3, rule: "loop-closure", message: /^`x` is declared in the head of the loop on line 2/ },
  { name: "closure over for (let k in ...)", code: `${pad}for (let k in o) fs.push(function () {\n  return k;\n});`, line: 3, rule: "loop-closure", message: /^`k` is declared in the head of the loop/ },
  { name: "function declaration in the loop body", code: `${pad}for (let i = 0; i < 3; i++) {\n  function g() {\n    return i;\n  }\n  fs.push(g);\n}`, line: 4, rule: "loop-closure", message: /^`i` is declared in the head/ },
  { name: "closure in a nested loop over the outer loop's variable", code: `${pad}for (const a of as) {\n  for (var j = 0; j < 2; j++) {\n    later(() => a + j);\n  }\n}`, line: 4, rule: "loop-closure", message: /^`a` is declared in the head of the loop on line 2/ },
  // built-in prototypes (measured: Array.prototype.slice and the like are undefined)
  { name: "Array.prototype.slice.call(arguments)", code: `${pad}function f() {\n  return Array.prototype.slice.call(arguments);\n}`, line: 3, column: 10, rule: "prototype-method", message: /^Array\.prototype\.slice is undefined on Espruino \(built-in methods exist on instances only\): read it from an instance, \[\]\.slice\.call\(\.\.\.\)$/ },
  { name: "String.prototype.trim", code: `${pad}var trim = String.prototype.trim;`, line: 2, rule: "prototype-method", message: /^String\.prototype\.trim is undefined on Espruino .*"".trim.call/ },
  { name: "Array.prototype['map'] (computed)", code: `${pad}var map = Array.prototype["map"];`, line: 2, rule: "prototype-method", message: /^Array\.prototype\.map is undefined/ },
  { name: "Function.prototype.apply", code: `${pad}var r = Function.prototype.apply.call(f, null, args);`, line: 2, rule: "prototype-method", message: /^Function\.prototype\.apply is undefined .*\(function \(\) \{\}\)\.apply$/ },
  { name: "Uint8Array.prototype.subarray", code: `${pad}var sub = Uint8Array.prototype.subarray;`, line: 2, rule: "prototype-method", message: /^Uint8Array\.prototype\.subarray is undefined/ },
  // methods no built-in object has (measured: Function "<name>" not found!)
  ...[
    ["flat", "var a = [[1], [2]].flat();"],
    ["flatMap", "var a = list.flatMap(f);"],
    ["findLast", "var a = list.findLast(f);"],
    ["findLastIndex", "var a = list.findLastIndex(f);"],
    ["reduceRight", "var a = list.reduceRight(f);"],
    ["trimStart", "var a = s.trimStart();"],
    ["trimEnd", "var a = s.trimEnd();"],
    ["codePointAt", 'var a = s["codePointAt"](0);'],
    ["localeCompare", "var a = s.localeCompare(t);"],
    ["matchAll", "var a = s.matchAll(re);"],
    ["toSorted", "var a = list.toSorted();"],
    ["toLocaleString", "var a = n.toLocaleString();"],
    ["getUTCHours", "var a = new Date().getUTCHours();"],
    ["setUTCMinutes", "var a = d.setUTCMinutes(0);"],
  ].map(([method, code]) => ({
    name: `${method}()`,
    code: `${pad}${code}`,
    line: 2,
    rule: "absent-method",
    message: new RegExp(`^${method}\\(\\) does not exist on Espruino \\(not on strings, arrays, typed arrays or dates; calling it throws Function "${method}" not found!\\): .{5,}`),
  })),
  { name: "Date.UTC", code: `${pad}var t = Date.UTC(2026, 10, 28);`, line: 2, rule: "absent-global", message: /^Date\.UTC is not available on Espruino: use Date\.parse/ },
  { name: "process.exit", code: `${pad}process.exit(1);`, line: 2, rule: "absent-global", message: /^process\.exit is not available on Espruino/ },
  // syntax measured as SyntaxError
  { name: "tagged template", code: `${pad}var s = tag\`a\${1}b\`;`, line: 2, rule: "tagged-template", message: /^tagged template literals are not supported by Espruino: / },
  { name: "new.target", code: `${pad}function F() {\n  return new.target;\n}`, line: 3, rule: "new-target", message: /^new\.target is not supported by Espruino: / },
  { name: "||=", code: `${pad}var a = 0;\na ||= 5;`, line: 3, rule: "logical-assignment", message: /^\|\|=, &&= and \?\?= are not supported by Espruino: / },
  { name: "&&=", code: `${pad}var a = 1;\na &&= 7;`, line: 3, rule: "logical-assignment", message: /^\|\|=, &&= and \?\?=/ },
  { name: "??= on a member", code: `${pad}o.x ??= 3;`, line: 2, rule: "logical-assignment", message: /^\|\|=, &&= and \?\?=/ },
  // JSON.stringify ignores a replacer (measured)
  { name: "JSON.stringify with a replacer array", code: `${pad}var j = JSON.stringify(o, ["a"]);`, line: 2, column: 27, rule: "json-replacer", message: /^JSON\.stringify ignores its replacer on Espruino/ },
  { name: "JSON.stringify with a replacer function", code: `${pad}var j = JSON.stringify(o, function (k, v) {\n  return v;\n}, 2);`, line: 2, rule: "json-replacer", message: /^JSON\.stringify ignores its replacer/ },
  // string search with a needle of 2+ characters (measured: indexOf matches past the end, split has its own faults)
  { name: "indexOf with a 2+ character string", code: `${pad}var i = "-0x7780".indexOf("0x2700");`, line: 2, column: 27, rule: "multichar-needle", message: /^indexOf\("0x2700"\) on Espruino also matches where the string only ends with the start of "0x2700" \(its indexOf compares up to the end of the string: "-0x7780"\.indexOf\("0x2700"\) is 6\): use find\(haystack, "0x2700"\) from app\/text\.ts \(-1 when the match runs past the end\), or check that the index \+ the needle's length fits the string\. An array's indexOf is right, but only types could tell: for an array, compare in a loop or with some\(\)\.$/ },
  { name: "indexOf of a blank line, with a start index", code: `${pad}var end = buffer.indexOf("\\r\\n\\r\\n", from);`, line: 2, column: 26, rule: "multichar-needle", message: /^indexOf\("\\r\\n\\r\\n"\) on Espruino .*: use find\(buffer, "\\r\\n\\r\\n"\) from app\/text\.ts/ },
  { name: "includes with a template literal", code: `${pad}var ok = s.includes(\`zq\`);`, line: 2, column: 21, rule: "multichar-needle", message: /^includes\("zq"\) on Espruino is also true where .*"xyz"\.includes\("zq"\) is true\): use find\(s, "zq"\) >= 0/ },
  { name: "indexOf with a 2-digit number", code: `${pad}var i = s.indexOf(12);`, line: 2, rule: "multichar-needle", message: /^indexOf\("12"\) on Espruino also matches/ },
  { name: "replace with a string pattern", code: `${pad}var t = s.replace("\\r\\n", " ");`, line: 2, rule: "multichar-needle", message: /^replace\("\\r\\n"\) on Espruino also replaces .*"abab"\.replace\("bc", "X"\) is "abaX"\): replace a regular expression/ },
  { name: "replaceAll with a string pattern", code: `${pad}var t = s.replaceAll("ab", "");`, line: 2, rule: "multichar-needle", message: /^replaceAll\("ab"\) on Espruino also replaces .*: replace a regular expression with the g flag/ },
  { name: "match with a string", code: `${pad}var m = s.match("ab");`, line: 2, rule: "multichar-needle", message: /^match\("ab"\) on Espruino also matches .*"ab"\.match\("bc"\) is \["bc"\]/ },
  { name: "split on a 2+ character string", code: `${pad}var lines = head.split("\\r\\n");`, line: 2, column: 24, rule: "multichar-needle", message: /^split\("\\r\\n"\) on Espruino gives \[\] for a string shorter than the separator less one \(""\.split\("\\r\\n"\) is \[\], JavaScript \[""\]\) and splits again inside a separator that overlaps itself \("aaa"\.split\("aa"\) is \["","a",""\]\): split on a regular expression/ },
  { name: "indexOf on a call's result", code: `${pad}var i = read().indexOf("ab");`, line: 2, rule: "multichar-needle", message: /use find\(haystack, "ab"\)/ },
  // a bare return right before the `}` closing a function (measured: SyntaxError: Unexpected end of Input)
  { name: "bare return ending an if, before the function's }", code: `${pad}function f(g) {\n  if (g) return\n}`, line: 3, column: 10, rule: "bare-return-before-brace", message: /^a `return` without value or `;` right before the `}` that closes a function throws SyntaxError: Unexpected end of Input on Espruino when the function runs \(Espruino keeps the body without its `}`, so the return reads the end of the body as its value\): write `return;`$/ },
  { name: "bare return after a statement (minified)", code: `${pad}function f(g){g++;return}`, line: 2, column: 19, rule: "bare-return-before-brace", message: /^a `return` without value or `;`/ },
  { name: "bare return in an else, arrow (minified)", code: `${pad}var f=g=>{if(g)g=2;else return};`, line: 2, column: 25, rule: "bare-return-before-brace", message: /Unexpected end of Input/ },
  { name: "bare return in a loop, with a comment before the }", code: `${pad}var f = function (g) {\n  for (;;) if (g) return /* done */\n};`, line: 3, rule: "bare-return-before-brace", message: /Unexpected end of Input/ },
  { name: "bare return after a block's return (the second one)", code: `${pad}function f(g){if(g){return}else return}`, line: 2, column: 33, rule: "bare-return-before-brace", message: /Unexpected end of Input/ },
  { name: "bare return ending a method", code: `${pad}class A {\n  m(g) {\n    if (g) return\n  }\n}`, line: 4, rule: "bare-return-before-brace", message: /Unexpected end of Input/ },
  { name: "bare return ending a getter", code: `${pad}var o = {\n  get x() {\n    if (o) return\n  },\n};`, line: 4, rule: "bare-return-before-brace", message: /Unexpected end of Input/ },
  { name: "bare return after a directive", code: `${pad}function f(){"x";return}`, line: 2, rule: "bare-return-before-brace", message: /Unexpected end of Input/ },
];

/** Snippets that run but may fail or differ on Espruino, matched by name: one warning each, on `line`. */
export const WARNING_CASES: ForbiddenCase[] = [
  { name: "x.at(-1)", code: `${pad}var last = list.at(-1);`, line: 2, column: 17, rule: "absent-method-common-name", message: /^at\(\) does not exist on Espruino's strings and arrays \(calling it throws Function "at" not found!\): index from the end yourself: .*; ignore this warning if the receiver is your own object that defines at\(\)$/ },
  { name: "s.search(re)", code: `${pad}var i = s.search(/c/);`, line: 2, rule: "absent-method-common-name", message: /^search\(\) does not exist .*indexOf/ },
  { name: "s.normalize()", code: `${pad}var n = s.normalize();`, line: 2, rule: "absent-method-common-name", message: /^normalize\(\) does not exist/ },
  { name: "a.with(i, v)", code: `${pad}var b = a.with(0, 5);`, line: 2, rule: "absent-method-common-name", message: /^with\(\) does not exist/ },
  { name: "split with a limit", code: `${pad}var parts = s.split(",", 2);`, line: 2, column: 26, rule: "split", message: /^split\(separator, limit\) ignores the limit on Espruino: / },
  { name: "split on a capture group", code: `${pad}var parts = s.split(/(\\d)/);`, line: 2, rule: "split", message: /^split\(\/\(\.\.\.\)\/\) drops the captured separators on Espruino: / },
  { name: "instanceof Error", code: `${pad}function describe(e) {\n  return e instanceof Error ? e.message : String(e);\n}`, line: 3, rule: "instanceof-error", message: /^`instanceof Error` is false on Espruino for TypeError, ReferenceError, SyntaxError and InternalError/ },
  { name: "re.global", code: `${pad}var g = re.global;`, line: 2, rule: "regexp-flag-property", message: /^regular expressions have no \.global property on Espruino/ },
  { name: "re.ignoreCase", code: `${pad}var g = re.ignoreCase;`, line: 2, rule: "regexp-flag-property", message: /^regular expressions have no \.ignoreCase property/ },
];

/** Everything in docs/espruino-language.md's "What works" list, as plain JavaScript. */
export const ALLOWED_JS = `var count = 0;
let name = "device";
const limit = 3;
const double = (x) => x * 2;
class Base {
  constructor(n) {
    this.n = n;
  }
  get twice() {
    return this.n * 2;
  }
  static make() {
    return new Base(1);
  }
}
class Child extends Base {
  describe() {
    return \`child \${this.n} of \${name}\`;
  }
}
for (const item of [1, 2, 3]) {
  count += item;
}
const shorthand = { count, limit, double, method() { return 1; }, get size() { return 2; } };
const fallback = shorthand.missing ?? "default";
const later = new Promise((resolve) => resolve(1)).then((v) => v + 1);
const merged = Object.assign({}, shorthand, { extra: true });
const names = Object.keys(merged).concat(Object.entries(merged).map((pair) => pair[0]));
const found = [1, 2].includes(2) && [1, 2].find((x) => x > 1) === 2;
const text = "  abc ".trim();
const padded = "abc".startsWith("a") && "abc".includes("b") ? "7".padStart(3, "0") : "";
const bytes = new Uint8Array(4);
const view = new DataView(new ArrayBuffer(8));
view.setUint16(0, 513);
const copy = JSON.parse(JSON.stringify({ a: 1 }));
const b64 = btoa("hi");
const plain = atob(b64);
const str = E.toString(bytes);
const now = Date.now() - new Date().getTime();
const lines = "a\\r\\nb".split(/\\r\\n|\\n/);
const status = /^HTTP\\/1\\.[01] (\\d+)\\s*([A-Za-z ]*)$/i.exec("HTTP/1.1 200 OK");
const words = /[^\\r\\n]+/g;
const either = /^a|b$/;
const hex = /\\x41[\\d.]*\\w\\S/;
const all = ["x"].map((s) => s.replace(/[a-z]/gi, "_"));
function shadow() {
  var Map = {};
  class Set {}
  return [Map, new Set()];
}
function feature() {
  return typeof Symbol !== "undefined";
}
const obj = { of: 1, let: 2, static: 3 };
const member = obj.of + obj["let"];
try {
  JSON.parse("x");
} catch (e) {
  count--;
}
class Holder {
  value = 1;
  static shared = 2;
  static get instance() {
    return new Holder();
  }
}
function declaredFirst() {
  return 1;
}
const early = declaredFirst();
function withHelpers() {
  function a() {
    return b(); // b is declared later, but a only runs after it
  }
  function b() {
    return 2;
  }
  return a() + countdown(2);
}
function countdown(n) {
  return n > 0 ? countdown(n - 1) : 0;
}
class Node2 {
  next() {
    return new Node2();
  }
}
const callbacks = [];
for (let i = 0; i < 3; i++) {
  const index = i;
  callbacks.push(() => index + count);
}
for (const item of [1, 2]) {
  const copy = item;
  callbacks.push(function () {
    return copy;
  });
}
for (var legacy of [1, 2]) callbacks.push(() => legacy);
for (let j = 0; j < 2; j++) count += j;
[1, 2, 3].forEach((value) => callbacks.push(() => value));
function args() {
  return [].slice.call(arguments).concat("".trim.call(" x "));
}
Array.prototype.lastItem = function () {
  return this[this.length - 1];
};
const own = Object.prototype.hasOwnProperty.call(obj, "of") && Array.prototype.constructor === Array;
const json = JSON.stringify(obj, null, 2) + JSON.stringify(obj, undefined, 2);
const pieces = "a,b".split(",").concat("a1b".split(/\\d/), "x".padEnd(3, "-"), [String("ab".lastIndexOf("b"))]);
const keys = Object.keys(obj).concat(Object.values(obj));
const typed = new TypeError("t") instanceof TypeError;
const flags = /a/gi.flags;
const when = Date.parse("2026-11-28T12:00:00Z") + new Date().getHours();
const needle = "ab";
const searches = [
  "abc".indexOf("b"), "abc".indexOf("b", 1), "abc".indexOf(needle), "abc".lastIndexOf("bc"), ["ab", "cd"].indexOf("ab"),
  "abc".split(","), "abc".split(/bc/), "abc".replace(/bc/g, "_"), "x".indexOf(7), "abc".startsWith("ab"), "abc".endsWith("bc"),
  "abc".match(/bc/), ["ab"].includes(needle),
];
function r1(g) { if (g) return; }
function r2(g) { if (g) return 5 }
function r3(g) { return }
function r4(g) { if (g) { return } }
function r5(g) { switch (g) { case 1: return } }
function r6(g) { try { return } finally { count++; } }
function r7(g) { try { g(); } catch (e) { return } }
function r8(g) { /* first */ return }
const r9 = (g) => { return };
const r10 = { get x() { return }, m() { return } };
function r11(g) { return g; if (g) return }
`;
