// npm run build as a user runs it.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { plainEnv } from "./support/plain-env.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function build(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, ["--import", "tsx", "scripts/build.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
    env: plainEnv({ WIFI_SSID: "", WIFI_PASSWORD: "", ...env }),
  });
}

describe("npm run build", function () {
  this.timeout(60_000);
  let dir: string;
  let empty: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "build-test-"));
    empty = path.join(dir, "empty.json");
    fs.writeFileSync(empty, "{}");
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("writes the bundle and its map, and prints the size and the configuration", () => {
    const out = path.join(dir, "app.js");
    const run = build(["--config", empty, "--out", out]);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const bytes = fs.statSync(out).size;
    assert.match(run.stdout, new RegExp(`app\\.js: ${bytes} bytes .*subset gate passed`));
    assert.ok(fs.existsSync(out + ".map"));
    assert.match(run.stdout, /ISRG Root X1/);
  });

  it("never prints the Wi-Fi password", () => {
    const run = build(["--config", empty, "--out", path.join(dir, "wifi.js")], { WIFI_SSID: "HomeNet", WIFI_PASSWORD: "hunter2-hunter2" });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /"HomeNet" \(password set\)/);
    assert.ok(!(run.stdout + run.stderr).includes("hunter2-hunter2"));
  });

  it("exits 1 and lists every configuration problem, without a stack trace", () => {
    const run = build(["--config", empty, "--url", "http://plain.test/", "--ca", path.join(dir, "missing.pem"), "--out", path.join(dir, "no.js")]);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /https:\/\//);
    assert.match(run.stderr, /missing\.pem/);
    assert.ok(!run.stderr.includes("    at "), run.stderr);
    assert.ok(!fs.existsSync(path.join(dir, "no.js")), "nothing is written");
  });

  it("has --help", () => {
    const run = build(["--help"]);
    assert.equal(run.status, 0);
    assert.match(run.stdout, /--ca <file>/);
    assert.match(run.stdout, /--wifi-ssid/);
  });
});
