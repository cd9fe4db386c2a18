import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { plainEnv } from "./support/plain-env.ts";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(repoRoot, "scripts/gate.ts");
// The tests run the CLI from a temporary folder, where a bare "tsx" would not resolve.
const tsxLoader = import.meta.resolve("tsx");

function runCli(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ["--import", tsxLoader, cli, ...args], {
    cwd,
    encoding: "utf8",
    timeout: 30000,
    env: plainEnv(),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("gate CLI (scripts/gate.ts)", function () {
  this.timeout(60000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "gate-cli-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("prints one OK line and exits 0 for a bundle inside the subset", () => {
    writeFileSync(path.join(dir, "ok.js"), "var a = o.a;\n");
    const result = runCli(["ok.js"], dir);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^ok\.js: OK, inside the Espruino subset \(13 bytes\)\n$/);
  });

  it("lists the problems, mapped through <bundle>.map, and exits 1", async () => {
    writeFileSync(path.join(dir, "src.ts"), "export const f = (o: { a: number }) => {\n  const { a } = o;\n  return a;\n};\n");
    await esbuild.build({
      entryPoints: [path.join(dir, "src.ts")],
      bundle: true,
      format: "iife",
      target: "es2019",
      minify: true,
      sourcemap: "external",
      outfile: path.join(dir, "dist", "app.js"),
      logLevel: "silent",
    });
    const result = runCli(["dist/app.js"], dir);
    assert.equal(result.status, 1);
    const lines = result.stdout.trim().split("\n");
    assert.equal(lines.length, 2, result.stdout);
    assert.match(lines[0], /^dist\/app\.js:1:\d+ \(src\.ts:2:\d+\): destructuring is not supported by Espruino: /);
    assert.equal(lines[1], "dist/app.js: 1 problem outside the Espruino subset");

    const unmapped = runCli(["--no-source-map", "dist/app.js"], dir);
    assert.equal(unmapped.status, 1);
    assert.match(unmapped.stdout, /^dist\/app\.js:1:\d+: destructuring/);
  });

  it("passes a bundle with warnings only, and says so", () => {
    writeFileSync(path.join(dir, "strict.js"), '"use strict";\nvar a = 1;\n');
    const result = runCli(["strict.js"], dir);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /^strict\.js:1:1: warning: 'use strict' is ignored by Espruino/);
    assert.match(result.stdout, /strict\.js: OK, inside the Espruino subset \(\d+ bytes\) \(1 warning\)\n$/);
  });

  it("explains a missing file in one line, without a stack trace, and exits 1", () => {
    const result = runCli(["missing.js"], dir);
    assert.equal(result.status, 1);
    assert.equal(result.stderr, "gate: cannot read bundle missing.js: no such file\n");
  });

  it("has --help", () => {
    const result = runCli(["--help"], dir);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /Usage: gate \[options\] <bundle>/);
    assert.match(result.stdout, /--source-map <file>/);
  });
});
