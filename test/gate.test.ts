import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runScriptToEnd } from "./support/run-script.ts";
import { bundleSnippet } from "./support/snippet-bundle.ts";

/** npm run gate, run from `cwd` (the tests' temporary folder). */
async function runCli(args: string[], cwd: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const run = await runScriptToEnd("gate", args, { cwd, timeoutMs: 30_000 });
  return { status: run.code, stdout: run.stdout, stderr: run.stderr };
}

describe("gate CLI (scripts/gate.ts)", function () {
  this.timeout(60000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "gate-cli-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("prints one OK line and exits 0 for a bundle inside the subset", async () => {
    writeFileSync(path.join(dir, "ok.js"), "var a = o.a;\n");
    const result = await runCli(["ok.js"], dir);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^ok\.js: OK, inside the Espruino subset \(13 bytes\)\n$/);
  });

  it("lists the problems, mapped through <bundle>.map, and exits 1", async () => {
    await bundleSnippet(dir, { "src.ts": "export const f = (o: { a: number }) => {\n  const { a } = o;\n  return a;\n};\n" }, "src.ts");
    const result = await runCli(["dist/app.js"], dir);
    assert.equal(result.status, 1);
    const lines = result.stdout.trim().split("\n");
    assert.equal(lines.length, 2, result.stdout);
    assert.match(lines[0], /^dist\/app\.js:1:\d+ \(src\.ts:2:\d+\): destructuring is not supported by Espruino: /);
    assert.equal(lines[1], "dist/app.js: 1 problem outside the Espruino subset");

    const unmapped = await runCli(["--no-source-map", "dist/app.js"], dir);
    assert.equal(unmapped.status, 1);
    assert.match(unmapped.stdout, /^dist\/app\.js:1:\d+: destructuring/);
  });

  it("passes a bundle with warnings only, and says so", async () => {
    writeFileSync(path.join(dir, "strict.js"), '"use strict";\nvar a = 1;\n');
    const result = await runCli(["strict.js"], dir);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /^strict\.js:1:1: warning: 'use strict' is ignored by Espruino/);
    assert.match(result.stdout, /strict\.js: OK, inside the Espruino subset \(\d+ bytes\) \(1 warning\)\n$/);
  });

  it("explains a missing file in one line, without a stack trace, and exits 1", async () => {
    const result = await runCli(["missing.js"], dir);
    assert.equal(result.status, 1);
    assert.equal(result.stderr, "gate: cannot read bundle missing.js: no such file\n");
  });

  it("has --help", async () => {
    const result = await runCli(["--help"], dir);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /Usage: gate \[options\] <bundle>/);
    assert.match(result.stdout, /--source-map <file>/);
  });
});
