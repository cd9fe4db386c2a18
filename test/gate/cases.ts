// Snippets outside the Espruino subset, shared by the bundle gate tests (espree,
// script) and the ESLint rule tests (typescript-eslint, module). Each snippet is
// valid JavaScript and TypeScript and holds exactly one problem, on `line`.

export interface ForbiddenCase {
  /** What the facts file (or Espruino's source, for additions) says fails. */
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
  // absent globals (facts), then additions from Espruino's source
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
  // regular expressions: each feature the facts list as failing
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
];

/** Everything in the facts file's "Works" list, as plain JavaScript. */
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
`;
