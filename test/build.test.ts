// npm run build as a user runs it.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runScriptToEnd } from "./support/run-script.ts";
import { pemToBase64 } from "../scripts/certs/pem.ts";
import { createCa, issueLeaf } from "../scripts/certs/issue.ts";

/** npm run build, without the Wi-Fi settings of whoever runs the tests. */
async function build(args: string[], env: NodeJS.ProcessEnv = {}) {
  const run = await runScriptToEnd("build", args, { env: { WIFI_SSID: "", WIFI_PASSWORD: "", ...env }, timeoutMs: 60_000 });
  return { status: run.code, stdout: run.stdout, stderr: run.stderr };
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

  it("writes the bundle and its map, and prints the size and the configuration", async () => {
    const out = path.join(dir, "app.js");
    const run = await build(["--config", empty, "--out", out]);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const bytes = fs.statSync(out).size;
    assert.match(run.stdout, new RegExp(`app\\.js: ${bytes} bytes .*subset gate passed`));
    assert.ok(fs.existsSync(out + ".map"));
    assert.match(run.stdout, /ISRG Root X1/);
  });

  it("never prints the Wi-Fi password", async () => {
    const run = await build(["--config", empty, "--out", path.join(dir, "wifi.js")], { WIFI_SSID: "HomeNet", WIFI_PASSWORD: "hunter2-hunter2" });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /"HomeNet" \(password set\)/);
    assert.ok(!(run.stdout + run.stderr).includes("hunter2-hunter2"));
  });

  it("leaves no piece of the Wi-Fi password or the private key in any file it writes but the bundle", async () => {
    const ca = await createCa({ commonName: "Build Test CA" });
    const client = await issueLeaf(ca, "client", { commonName: "build-test-device", key: "ec-p256" });
    fs.writeFileSync(path.join(dir, "client.pem"), client.certPem);
    fs.writeFileSync(path.join(dir, "client-key.pem"), client.keyPem);
    // Random, so that no piece of it is a word the app's own code contains.
    const password = randomBytes(18).toString("base64");
    const dist = path.join(dir, "dist");
    const run = await build(["--config", empty, "--out", path.join(dist, "app.js"), "--cert", path.join(dir, "client.pem"), "--key", path.join(dir, "client-key.pem")], {
      WIFI_SSID: "HomeNet",
      WIFI_PASSWORD: password,
    });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const key = pemToBase64(client.keyPem);
    const bundle = fs.readFileSync(path.join(dist, "app.js"), "latin1");
    assert.ok(bundle.includes(password) && bundle.includes(key), "the bundle carries both: the device needs them");
    const others = fs.readdirSync(dist).filter((name) => name !== "app.js");
    assert.deepEqual(others, ["app.js.map"]);
    const pieces = (secret: string) => Array.from({ length: secret.length - 5 }, (_, at) => secret.slice(at, at + 6));
    for (const name of others) {
      const text = fs.readFileSync(path.join(dist, name), "latin1");
      for (const [what, secret] of [["password", password], ["key", key]] as const) {
        const found = pieces(secret).filter((piece) => text.includes(piece));
        assert.deepEqual(found, [], `${name} holds pieces of the ${what}`);
      }
    }
  });

  it("exits 1 and lists every configuration problem, without a stack trace", async () => {
    const run = await build(["--config", empty, "--url", "http://plain.test/", "--ca", path.join(dir, "missing.pem"), "--out", path.join(dir, "no.js")]);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /https:\/\//);
    assert.match(run.stderr, /missing\.pem/);
    assert.ok(!run.stderr.includes("    at "), run.stderr);
    assert.ok(!fs.existsSync(path.join(dir, "no.js")), "nothing is written");
  });

  it("has --help", async () => {
    const run = await build(["--help"]);
    assert.equal(run.status, 0);
    assert.match(run.stdout, /--ca <file>/);
    assert.match(run.stdout, /--wifi-ssid/);
  });
});
