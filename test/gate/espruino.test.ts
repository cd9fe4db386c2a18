// The gate's indexOf and bare-return rules against a real Espruino Linux executable (ESPRUINO_BIN), on generated
// cases: the rule must fire on every case that goes wrong on the interpreter (and, for returns, only there).
//
//   ESPRUINO_BIN=/path/to/espruino npx mocha test/gate/espruino.test.ts
//
// Skipped when ESPRUINO_BIN is unset. Each check is one `espruino -e` run that prints one JSON line.

import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import * as esbuild from "esbuild";
import fc from "fast-check";
import { checkBundle } from "../../scripts/gate/gate.ts";
import { runEspruino } from "../twin/support/espruino-linux.ts";
import { REPO_ROOT as repoRoot } from "../../scripts/lib/paths.ts";

const BIN = process.env.ESPRUINO_BIN;
const MARK = "@@GATE@@";

/** Runs `code` (which calls `out(value)` once) on the executable and returns that value. */
async function onEspruino(code: string): Promise<unknown> {
  const dir = await mkdtemp(path.join(tmpdir(), "gate-espruino-"));
  try {
    const script = `function out(v){console.log(${JSON.stringify(MARK)}+JSON.stringify(v));}\n${code}`;
    const run = await runEspruino(BIN as string, ["-e", script], dir, 15_000);
    const line = run.stdout.split(/\r?\n/).find((l) => l.startsWith(MARK));
    assert.ok(line, `no result from ${BIN} (exit ${run.code ?? run.signal}${run.timedOut ? ", timed out" : ""}):\n${run.stdout.slice(-2000)}`);
    return JSON.parse(line.slice(MARK.length));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function rulesOf(code: string): string[] {
  return checkBundle(code).map((problem) => problem.rule);
}

// Function bodies: statements that never return, then a last statement whose tail may be a bare `return`,
// then whitespace or a comment before the function's `}`. `z` is 0, so no conditional branch runs, and each
// call parses the whole body (a return that has run stops Espruino's parse). No loops: one whose body does not
// run drops the error (see the rule), which only running the code can tell; the fixed cases below cover them.
const leading = fc.constantFrom("", "", "", "", "return 5;", "return;");
const plain = fc.constantFrom("g++;", ";", '"x";', "{g++}", "if(z)return 5;", "var h=function(){return};");
const tail = fc.oneof(
  { arbitrary: fc.constantFrom("return", "return ", "return/*c*/"), weight: 6 },
  { arbitrary: fc.constantFrom("return;", "return 5", "return 5;", "g++"), weight: 2 },
);
const last: fc.Arbitrary<string> = fc.letrec<{ t: string }>((tie) => ({
  t: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    tail,
    tie("t").map((t) => `if(z)${t}`),
    tie("t").map((t) => `if(z)g++;else ${t}`),
    fc.tuple(tie("t"), tie("t")).map(([a, b]) => `if(z){${a}}else ${b}`),
    tie("t").map((t) => `{${t}}`),
    tie("t").map((t) => `switch(z){case 1:${t}}`),
    fc.tuple(tie("t"), tie("t")).map(([a, b]) => `try{${a}}catch(e){${b}}`),
    tie("t").map((t) => `try{g++}finally{${t}}`),
  ),
})).t;
const gap = fc.constantFrom("", "", " ", "\n", "/*c*/", "//c\n");
const body = fc
  .tuple(leading, fc.array(plain, { maxLength: 2 }), last, gap)
  .map(([first, rest, end, space]) => first + rest.join("") + end + space);
const wrap = fc.constantFrom(
  (b: string) => `function(g){${b}}`,
  (b: string) => `(g)=>{${b}}`,
  (b: string) => `({m(g){${b}}}).m`,
  (b: string) => `({get m(){${b}}})`,
);
/** Loops whose body runs fail like the rest; z is 0 here too. */
const LOOPS = [
  "function(g){for(var k=0;k<1;k++)if(z)return}",
  "function(g){for(;;)if(g>=0)return}",
  "function(g){while(g<2)return}",
  "function(g){if(z)g++;else for(var k=0;k<1;k++)return}",
  "function(g){for(var k=0;k<1;k++)return;}",
  "function(g){while(g<2){return}}",
];

interface SearchCall {
  name: string;
  /** What JavaScript gives. */
  js: (s: string, n: string) => unknown;
  /** The same call on Espruino, over `s` and `n`. */
  espruino: string;
  /** The call as the gate sees it, with the needle's literal; none for what the rule does not look at. */
  gate?: (needle: string) => string;
}
const CALLS: SearchCall[] = [
  { name: "indexOf", js: (s, n) => s.indexOf(n), espruino: "s.indexOf(n)", gate: (n) => `s.indexOf(${n})` },
  { name: "includes", js: (s, n) => s.includes(n), espruino: "s.includes(n)", gate: (n) => `s.includes(${n})` },
  { name: "replace", js: (s, n) => s.replace(n, "X"), espruino: "s.replace(n,'X')", gate: (n) => `s.replace(${n},"X")` },
  { name: "replaceAll", js: (s, n) => s.replaceAll(n, "X"), espruino: "s.replaceAll(n,'X')", gate: (n) => `s.replaceAll(${n},"X")` },
  { name: "match", js: (s, n) => s.match(n), espruino: "s.match(n)", gate: (n) => `s.match(${n})` },
  { name: "split", js: (s, n) => s.split(n), espruino: "s.split(n)", gate: (n) => `s.split(${n})` },
  { name: "lastIndexOf", js: (s, n) => s.lastIndexOf(n), espruino: "s.lastIndexOf(n)", gate: (n) => `s.lastIndexOf(${n})` },
  { name: "startsWith", js: (s, n) => s.startsWith(n), espruino: "s.startsWith(n)", gate: (n) => `s.startsWith(${n})` },
  { name: "endsWith", js: (s, n) => s.endsWith(n), espruino: "s.endsWith(n)", gate: (n) => `s.endsWith(${n})` },
  { name: "an array's indexOf", js: (s, n) => s.split("").indexOf(n), espruino: "s.split('').indexOf(n)" },
  { name: "an array's includes", js: (s, n) => s.split("").includes(n), espruino: "s.split('').includes(n)" },
  // What the messages advise: find() from app/text.ts, and regular expressions (the needles hold no special character).
  { name: "find", js: (s, n) => s.indexOf(n), espruino: "find(s,n)" },
  { name: "replace(/re/)", js: (s, n) => s.replace(new RegExp(n), "X"), espruino: "s.replace(new RegExp(n),'X')" },
  { name: "replaceAll(/re/g)", js: (s, n) => s.replaceAll(new RegExp(n, "g"), "X"), espruino: "s.replaceAll(new RegExp(n,'g'),'X')" },
  { name: "match(/re/)", js: (s, n) => s.match(new RegExp(n)), espruino: "s.match(new RegExp(n))" },
  { name: "split(/re/)", js: (s, n) => s.split(new RegExp(n)), espruino: "s.split(new RegExp(n))" },
];

describe("gate rules against Espruino (ESPRUINO_BIN)", function () {
  this.timeout(60_000);

  before(function () {
    if (!BIN) {
      console.log("    (skipped: set ESPRUINO_BIN to an Espruino Linux executable)");
      this.skip();
    }
  });

  it("bare-return-before-brace fires on exactly the functions that throw Unexpected end of Input", async () => {
    const generated = fc.sample(fc.tuple(wrap, body).map(([w, b]) => w(b)), { numRuns: 300, seed: 20261128 });
    const functions = [...new Set([...generated, ...LOOPS])];
    const script = [
      "var z=0,g=0,R=[],f;",
      "function t(f){try{if(typeof f==='function'){f(0);f(1);}else{var v=f.m;}R.push('ok');}catch(e){R.push(String(e&&e.message));}}",
      ...functions.map((fn) => `f=${fn};\nt(f);`),
      "out(R);",
    ].join("\n");
    const results = (await onEspruino(script)) as string[];
    assert.equal(results.length, functions.length);
    const wrong: string[] = [];
    let failing = 0;
    functions.forEach((fn, i) => {
      const fails = results[i] === "Unexpected end of Input";
      assert.ok(fails || results[i] === "ok", `${fn}: ${results[i]}`);
      const flagged = rulesOf(`var z=0,f=${fn};`).includes("bare-return-before-brace");
      if (fails) failing++;
      if (fails !== flagged) wrong.push(`${JSON.stringify(fn)}: Espruino ${results[i]}, gate ${flagged ? "flags it" : "passes it"}`);
    });
    assert.deepEqual(wrong, []);
    // Both outcomes occur, so the comparison says something.
    assert.ok(failing >= 30 && functions.length - failing >= 30, `${failing} of ${functions.length} fail`);
    console.log(`      (${failing} of ${functions.length} functions fail on Espruino, as the gate says)`);
  });

  it("multichar-needle fires on every string method that differs from JavaScript, and what it advises is right", async () => {
    const source = await readFile(path.join(repoRoot, "app", "text.ts"), "utf8");
    const find = (await esbuild.transform(source.replace(/^export /gm, ""), { loader: "ts" })).code;
    const cases = fc.sample(fc.tuple(fc.stringMatching(/^[ab-]{0,5}$/), fc.stringMatching(/^[ab-]{1,3}$/)), { numRuns: 300, seed: 7 });
    const results = (await onEspruino(
      [
        find,
        `var C=${JSON.stringify(cases)},F=[${CALLS.map((call) => `function(s,n){return ${call.espruino};}`).join(",")}],R=[];`,
        "C.forEach(function(c){R.push(F.map(function(f){return JSON.stringify(f(c[0],c[1]));}));});",
        "out(R);",
      ].join("\n"),
    )) as string[][];
    const differing = new Set<string>();
    const missed: string[] = [];
    cases.forEach(([s, n], i) => {
      CALLS.forEach((call, j) => {
        const expected = JSON.stringify(call.js(s, n));
        if (results[i][j] === expected) return;
        differing.add(call.name);
        const flagged = call.gate !== undefined && rulesOf(`var s="",r=${call.gate(JSON.stringify(n))};`).includes("multichar-needle");
        if (!flagged) missed.push(`${call.name} of ${JSON.stringify(s)} and ${JSON.stringify(n)}: Espruino ${results[i][j]}, JavaScript ${expected}`);
      });
    });
    assert.deepEqual(missed, []);
    // Every method the rule names goes wrong somewhere; the others, regular expressions and find() never do.
    assert.deepEqual([...differing].sort(), ["includes", "indexOf", "match", "replace", "replaceAll", "split"]);
    for (const call of CALLS) {
      if (call.gate === undefined || differing.has(call.name)) continue;
      assert.deepEqual(rulesOf(`var s="",r=${call.gate('"ab"')};`), [], `${call.name} is right, yet the gate flags it`);
    }
  });
});
