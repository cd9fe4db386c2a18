import assert from "node:assert/strict";
import { mkdtempSync, rmSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SourceMapGenerator } from "source-map-js";
import { checkBundle, formatProblems, type Problem } from "../../scripts/gate/gate.ts";
import { DEFAULTS, type AppConfig } from "../../app/config.ts";
import { buildBundle, terminateBareReturns } from "../../scripts/build/bundle.ts";
import { bundleSnippet } from "../support/snippet-bundle.ts";
import { ALLOWED_JS, FORBIDDEN_CASES, WARNING_CASES } from "./cases.ts";

function describeProblems(problems: Problem[]): string {
  return problems.map((p) => `${p.line}:${p.column} [${p.rule}] ${p.message}`).join("\n") || "(none)";
}

describe("gate: checkBundle", () => {
  describe("rejects every construct outside the subset", () => {
    for (const item of FORBIDDEN_CASES) {
      it(item.name, () => {
        const problems = checkBundle(item.code);
        assert.equal(problems.length, 1, `expected one problem, got:\n${describeProblems(problems)}`);
        const [problem] = problems;
        assert.equal(problem.rule, item.rule);
        assert.equal(problem.severity, "error");
        assert.equal(problem.line, item.line);
        if (item.column !== undefined) assert.equal(problem.column, item.column);
        assert.match(problem.message, item.message);
      });
    }
  });

  describe("warns about calls and reads that fail or differ when the receiver is a built-in", () => {
    for (const item of WARNING_CASES) {
      it(item.name, () => {
        const problems = checkBundle(item.code);
        assert.equal(problems.length, 1, `expected one problem, got:\n${describeProblems(problems)}`);
        const [problem] = problems;
        assert.equal(problem.rule, item.rule);
        assert.equal(problem.severity, "warning");
        assert.equal(problem.line, item.line);
        if (item.column !== undefined) assert.equal(problem.column, item.column);
        assert.match(problem.message, item.message);
      });
    }
  });

  it("accepts everything in the language doc's What works list", () => {
    const problems = checkBundle(ALLOWED_JS);
    assert.deepEqual(problems, [], describeProblems(problems));
  });

  it("accepts a local variable, parameter or class named like an absent global", () => {
    const code = [
      "function a(Set) { return new Set(); }",
      "function b() { var Map = function () {}; return new Map(); }",
      "function c() { class Symbol {} return new Symbol(); }",
      "var WeakMap = {}; WeakMap.x = 1;", // a global the program defines itself
    ].join("\n");
    assert.deepEqual(checkBundle(code), []);
  });

  it("accepts `typeof Map` as a feature test but rejects a use next to it", () => {
    const code = 'var m = typeof Map === "function" ? new Map() : {};';
    const problems = checkBundle(code);
    assert.deepEqual(
      problems.map((p) => [p.rule, p.column]),
      [["absent-global", code.lastIndexOf("Map") + 1]],
    );
  });

  it("accepts Array.isArray and Number constants Espruino has, rejects the absent member", () => {
    const problems = checkBundle("var a = Array.isArray(x) && Number.MAX_VALUE > 1;\nvar b = Array.from(x);");
    assert.deepEqual(
      problems.map((p) => [p.line, p.message.split(":")[0]]),
      [[2, "Array.from is not available on Espruino"]],
    );
  });

  it("reports a property named like a keyword only when it names a variable", () => {
    const problems = checkBundle("var o = { of: 1 };\nvar x = o.of;\nfunction f(of) { return of; }");
    assert.deepEqual(
      problems.map((p) => [p.rule, p.line, p.column]),
      [
        ["reserved-identifier", 3, 12],
        ["reserved-identifier", 3, 25],
      ],
    );
  });

  it("flags 'use strict' as a warning, in the script and in functions", () => {
    const problems = checkBundle('"use strict";\nfunction f() {\n  "use strict";\n  return 1;\n}');
    assert.deepEqual(
      problems.map((p) => [p.rule, p.severity, p.line]),
      [
        ["use-strict", "warning", 1],
        ["use-strict", "warning", 3],
      ],
    );
    assert.match(problems[0].message, /^'use strict' is ignored by Espruino/);
  });

  it("rejects the bare returns of minified code wherever the next token closes a function", () => {
    const code = [
      "function a(g){if(g)return}",
      "function b(g){g++;return}",
      "function c(g){if(g)g=2;else return}",
      "function d(g){for(;;)if(g)return}",
      "var e=g=>{if(g)return};",
      "var f={m(g){if(g)return},get x(){if(f)return},set y(v){if(v)return}};",
      "class G{constructor(g){if(g)return}static s(g){if(g)return}}",
    ].join("\n");
    const problems = checkBundle(code);
    assert.deepEqual(
      problems.map((p) => [p.rule, p.line, code.split("\n")[p.line - 1].slice(p.column - 1, p.column + 6)]),
      [
        ["bare-return-before-brace", 1, "return}"],
        ["bare-return-before-brace", 2, "return}"],
        ["bare-return-before-brace", 3, "return}"],
        ["bare-return-before-brace", 4, "return}"],
        ["bare-return-before-brace", 5, "return}"],
        ["bare-return-before-brace", 6, "return}"],
        ["bare-return-before-brace", 6, "return}"],
        ["bare-return-before-brace", 6, "return}"],
        ["bare-return-before-brace", 7, "return}"],
        ["bare-return-before-brace", 7, "return}"],
      ],
      describeProblems(problems),
    );
  });

  it("accepts the returns Espruino runs: with `;` or a value, before a block's }, or first in the body", () => {
    const code = [
      "function a(g){if(g)return;}",
      "function b(g){if(g)return 5}",
      "function c(g){return}",
      "function d(g){if(g){return}}",
      "function e(g){if(g){g++;return}}",
      "function f(g){switch(g){case 1:return}}",
      "function h(g){try{return}finally{g++}}",
      "function i(g){try{g()}catch(x){return}}",
      "var j=()=>{return},k={m(){return},get x(){return}};",
      "class L{constructor(){return}}",
      "function m(g){return g;if(g)return}",
    ].join("\n");
    assert.deepEqual(checkBundle(code), [], describeProblems(checkBundle(code)));
  });

  it("reports several problems in source order", () => {
    const problems = checkBundle("var x = a ** 2;\nvar { y } = o;\nvar z = [...w];");
    assert.deepEqual(
      problems.map((p) => p.rule),
      ["exponent", "destructuring", "spread"],
    );
  });

  it("reports a bundle that does not parse as a script", () => {
    const problems = checkBundle("var x = ;\n");
    assert.equal(problems.length, 1);
    assert.equal(problems[0].rule, "parse");
    assert.equal(problems[0].severity, "error");
    assert.match(problems[0].message, /^the bundle is not valid JavaScript: /);
  });

  it("cannot be switched off by a comment in the bundle", () => {
    const problems = checkBundle("/* eslint-disable */\nvar { a } = o; // eslint-disable-line\n");
    assert.deepEqual(
      problems.map((p) => p.rule),
      ["destructuring"],
    );
  });

  it("points inside a minified line at the offending regular expression feature", () => {
    const code = `var a=1;${"x=1;".repeat(500)}var r=/\\r?\\n/;`;
    const problems = checkBundle(code);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].line, 1);
    assert.equal(problems[0].column, code.indexOf("?") + 1);
  });
});

describe("gate: source maps", () => {
  function mapOf(mappings: Array<[number, number, string, number, number]>): string {
    const generator = new SourceMapGenerator({ file: "app.js" });
    for (const [line, column, source, originalLine, originalColumn] of mappings) {
      generator.addMapping({ generated: { line, column }, source, original: { line: originalLine, column: originalColumn } });
    }
    return generator.toString();
  }
  const code = "var a = 1;\nvar { b } = o;\nvar c = 2 ** 3;\n";

  it("resolves sources against the bundle's folder and shows them from cwd", () => {
    const map = mapOf([
      [2, 0, "../app/x.ts", 10, 2],
      [3, 0, "app-config:app-config", 1, 0],
    ]);
    const problems = checkBundle(code, { filename: "dist/app.js", sourceMap: map, cwd: "/repo" });
    assert.deepEqual(
      problems.map((p) => p.source),
      [
        { file: "app/x.ts", line: 10, column: 3 },
        { file: "app-config:app-config", line: 1, column: 1 },
      ],
    );
  });

  it("leaves sources as the map names them without a filename, and unmapped code without source", () => {
    const map = mapOf([[2, 0, "../app/x.ts", 10, 2]]);
    const problems = checkBundle("var a = 1;\nvar { b } = o;\n", { sourceMap: map });
    assert.deepEqual(problems[0].source, { file: "../app/x.ts", line: 10, column: 3 });
    const unmapped = checkBundle("var { b } = o;\n", { sourceMap: mapOf([[5, 0, "x.ts", 1, 0]]) });
    assert.equal(unmapped[0].source, undefined);
  });
});

describe("gate: formatProblems", () => {
  it("writes bundle position, source position and message", () => {
    const problems: Problem[] = [
      {
        line: 1,
        column: 2345,
        rule: "destructuring",
        severity: "error",
        message: "destructuring is not supported by Espruino: x",
        source: { file: "app/check.ts", line: 40, column: 7 },
      },
      { line: 2, column: 1, rule: "use-strict", severity: "warning", message: "'use strict' is ignored" },
    ];
    assert.equal(
      formatProblems(problems, "dist/app.js"),
      "dist/app.js:1:2345 (app/check.ts:40:7): destructuring is not supported by Espruino: x\n" +
        "dist/app.js:2:1: warning: 'use strict' is ignored",
    );
  });
});

describe("gate: esbuild bundles", function () {
  this.timeout(30000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "gate-"));
    mkdirSync(path.join(dir, "app"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const build = (files: Record<string, string>, entry: string) => bundleSnippet(dir, files, entry);

  it("maps a problem in a minified bundle back to the original file and line", async () => {
    const { code, map } = await build(
      {
        "app/main.ts": 'import { pick } from "./util.ts";\nconsole.log(pick({ a: 1, b: 2 }));\n',
        "app/util.ts": [
          "// Helpers.",
          "export function pick(o: { a: number; b: number }): number {",
          "  const total = o.a + o.b;",
          "  const { a } = o;",
          "  return a * total;",
          "}",
          "",
        ].join("\n"),
      },
      "app/main.ts",
    );
    const problems = checkBundle(code, { filename: path.join(dir, "dist", "app.js"), sourceMap: map, cwd: dir });
    assert.equal(problems.length, 1, describeProblems(problems));
    const [problem] = problems;
    assert.equal(problem.rule, "destructuring");
    assert.equal(problem.line, 1);
    assert.deepEqual(problem.source && [problem.source.file, problem.source.line], ["app/util.ts", 4]);
    assert.match(
      formatProblems(problems, "dist/app.js"),
      /^dist\/app\.js:1:\d+ \(app\/util\.ts:4:\d+\): destructuring is not supported by Espruino: /,
    );
  });

  it("passes esbuild's minified es2019 output of code inside the subset", async () => {
    const { code } = await build(
      {
        "app/sample.ts": [
          "interface Item { name: string; size?: number }",
          "class Counter {",
          "  private total = 0;",
          "  static created = 0;",
          "  constructor(private readonly label: string) { Counter.created++; }",
          "  add(item: Item): this { this.total += item.size ?? 1; return this; }",
          "  get summary(): string { return `${this.label}: ${this.total}`; }",
          "}",
          "class Named extends Counter { describe(): string { return 'named ' + this.summary; } }",
          "const items: Item[] = [{ name: 'a', size: 2 }, { name: 'b' }];",
          "const counter = new Named('items');",
          "for (const item of items) counter.add(item);",
          "const sizes = items.map((item) => item.size ?? 0).filter((n) => n > 0);",
          "const byName: { [k: string]: Item } = {};",
          "items.forEach((item) => { byName[item.name] = item; });",
          "const label = items.length > 1 ? `${items.length} items` : 'one item';",
          "let attempts = 0;",
          "attempts ||= 3;",
          "Promise.resolve(sizes).then((list) => console.log(label, list.length, counter.describe(), attempts));",
          "",
        ].join("\n"),
      },
      "app/sample.ts",
    );
    const problems = checkBundle(code);
    assert.deepEqual(problems, [], `${describeProblems(problems)}\n---\n${code}`);
  });

  it("keeps a per-iteration copy in a loop body through minification (passes), and a loop-head closure (rejected)", async () => {
    const { code } = await build(
      {
        "app/loops.ts": [
          "const fs: Array<() => number> = [];",
          "for (const x of [1, 2, 3]) { const y = x; fs.push(() => y); }",
          "[4, 5].forEach((v) => fs.push(() => v));",
          "console.log(fs.map((f) => f()).join(','));",
          "",
        ].join("\n"),
      },
      "app/loops.ts",
    );
    assert.deepEqual(checkBundle(code), [], code);
    const shared = await build({ "app/shared.ts": "const gs: Array<() => number> = [];\nfor (const x of [1, 2]) gs.push(() => x);\nconsole.log(gs.length);\n" }, "app/shared.ts");
    assert.deepEqual(checkBundle(shared.code).map((p) => p.rule), ["loop-closure"], shared.code);
  });

  it("finds a declaration that esbuild places after its use (an import cycle) and maps it to the source", async () => {
    // entry -> cycle-a -> cycle-b -> cycle-a: esbuild emits cycle-b's top-level call before cycle-a's function,
    // which JavaScript's hoisting forgives and Espruino does not. Linting each file cannot see this.
    const { code, map } = await build(
      {
        "app/cycle-main.ts": 'import { fromA } from "./cycle-a.ts";\nconsole.log(fromA());\n',
        "app/cycle-a.ts": 'import { b } from "./cycle-b.ts";\nexport function helperA(): string {\n  return "a";\n}\nexport function fromA(): string {\n  return b;\n}\n',
        "app/cycle-b.ts": 'import { helperA } from "./cycle-a.ts";\n// Runs while cycle-a is still being evaluated.\nexport const b = helperA();\n',
      },
      "app/cycle-main.ts",
    );
    const problems = checkBundle(code, { filename: path.join(dir, "dist", "app.js"), sourceMap: map, cwd: dir });
    assert.deepEqual(
      problems.map((p) => [p.rule, p.source?.file, p.source?.line]),
      [["hoisting", "app/cycle-b.ts", 3]],
      `${describeProblems(problems)}\n---\n${code}`,
    );
  });

  it("finds the bare returns esbuild's minifier writes before a function's } and maps them to the source", async () => {
    const { code, map } = await build(
      {
        "app/returns.ts": [
          "export function first(list: number[]): void {",
          "  for (const x of list) {",
          "    if (x > 1) return;",
          "    console.log(x);",
          "  }",
          "}",
          "export function choose(x: number): void {",
          "  if (x) console.log(x);",
          "  else return;",
          "}",
          "export function drain(x: number[]): void {",
          "  while (x.length) {",
          "    if (x.pop()) return;",
          "  }",
          "}",
          "first([1]);",
          "choose(0);",
          "drain([]);",
          "",
        ].join("\n"),
      },
      "app/returns.ts",
    );
    assert.match(code, /else return\}/, code); // esbuild drops the `;` the source has
    const problems = checkBundle(code, { filename: path.join(dir, "dist", "app.js"), sourceMap: map, cwd: dir });
    assert.deepEqual(
      problems.map((p) => [p.rule, p.source?.file, p.source?.line]),
      [
        ["bare-return-before-brace", "app/returns.ts", 9],
        ["bare-return-before-brace", "app/returns.ts", 13],
      ],
      `${describeProblems(problems)}\n---\n${code}`,
    );
    // The build adds the `;` (scripts/build/bundle.ts); the gate then passes the same code.
    const fixed = terminateBareReturns(code, map);
    assert.deepEqual(checkBundle(fixed.code), [], fixed.code);
  });

  it("finds a multi-character search that esbuild rewrote into a template literal", async () => {
    const { code, map } = await build(
      { "app/search.ts": 'export function headEnd(s: string): number {\n  return s.indexOf("\\r\\n");\n}\nconsole.log(headEnd("a"));\n' },
      "app/search.ts",
    );
    assert.match(code, /indexOf\(`\\r\n`\)/, code); // `\r` escaped, the line feed written as it is
    const problems = checkBundle(code, { filename: path.join(dir, "dist", "app.js"), sourceMap: map, cwd: dir });
    assert.deepEqual(
      problems.map((p) => [p.rule, p.source?.file, p.source?.line]),
      [["multichar-needle", "app/search.ts", 2]],
      describeProblems(problems),
    );
    assert.match(problems[0].message, /^indexOf\("\\r\\n"\) on Espruino also matches/);
  });

  it("rejects what esbuild passes through unchanged at es2019 (async, destructuring)", async () => {
    const { code } = await build(
      { "app/async.ts": "export async function f(o: { a: number }) { const { a } = o; return a; }\nf({ a: 1 });\n" },
      "app/async.ts",
    );
    const rules = checkBundle(code).map((p) => p.rule);
    assert.ok(rules.includes("async"), rules.join());
    assert.ok(rules.includes("destructuring"), rules.join());
  });
});

describe("gate: the app's own bundle (scripts/build/bundle.ts)", function () {
  this.timeout(60000);
  const base: AppConfig = { ...DEFAULTS, ca: null, cert: null, key: null, wifi: null, builtAt: 1764331200000 };

  for (const [name, config] of [
    ["without Wi-Fi", base],
    ["with Wi-Fi and the probe", { ...base, wifi: { ssid: "net", password: "secret" }, probe: true }],
  ] as const) {
    it(`passes the gate, built ${name}`, async () => {
      const bundle = await buildBundle(config);
      assert.ok(bundle.bytes > 1000, `a ${bundle.bytes}-byte bundle cannot hold the app`);
      // The bundle is checked again here rather than trusting bundle.problems, which buildBundle fills with the same gate.
      const problems = checkBundle(bundle.code);
      assert.deepEqual(problems, [], describeProblems(problems));
      assert.deepEqual(bundle.problems, []);
    });
  }
});
