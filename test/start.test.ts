// npm start as a user runs it: a child process, its output and exit code.
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { parseResultLine } from "../scripts/lib/result.ts";
import { CUTOVERS } from "../scripts/lib/cutovers.ts";
import { REPO_ROOT as ROOT } from "../scripts/lib/paths.ts";
import { plainEnv } from "./support/plain-env.ts";
import { freePort } from "./support/ports.ts";
import { scriptCommand } from "./support/run-script.ts";


interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** npm start (on `node`, this one unless told), with `onStdout` told of all it has printed so far. */
function start(
  args: string[],
  onStdout?: (text: string, child: ChildProcess) => void,
  timeoutMs = 60_000,
  env = plainEnv(),
  node = process.execPath,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const [, ...argv] = scriptCommand("start", args);
    const child = spawn(node, argv, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`npm start ${args.join(" ")} did not finish:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.stdout.on("data", (data) => {
      stdout += data;
      onStdout?.(stdout, child);
    });
    child.stderr.on("data", (data) => (stderr += data));
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function result(run: Run) {
  const line = run.stdout.split("\n").find((text) => text.includes("RESULT {"));
  return line ? parseResultLine(line) : null;
}

describe("npm start", function () {
  this.timeout(90_000);

  it("checks the local checker with the real bundle as the wolfSSL firmware: TLS 1.3 with X25519MLKEM768, verified, Probably Okay, exit 0", async () => {
    const run = await start([]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const outcome = result(run);
    assert.equal(outcome?.ok, true);
    assert.equal(outcome?.cert_verified, true);
    assert.equal(outcome?.tls_version, "TLS 1.3");
    assert.equal(outcome?.post_quantum_key_agreement, true);
    assert.equal(outcome?.session_ticket_supported, false);
    assert.equal(outcome?.rating, "Probably Okay", "TLS 1.3 with a post-quantum group, on any date");
    assert.match(run.stdout, /local checker on https:\/\/127\.0\.0\.1:\d+\/a\/check/);
    assert.match(run.stdout, /as this project's wolfSSL firmware \(TLS 1\.3, X25519MLKEM768\)/);
    assert.match(run.stdout, /negotiated with 127\.0\.0\.1:\d+: TLSv1\.3, X25519MLKEM768, TLS_/);
  });

  it("--firmware mbedtls: TLS 1.2 without a post-quantum group, rated Improvable up to 2026-12-14 18:00 UTC and Bad from then (--rate-at)", async () => {
    // --rate-at rather than this machine's clock: under faketime each child process starts its
    // faked clock again, so a child and this test would disagree near the cutover.
    const justBefore = new Date(CUTOVERS.bad.getTime() - 1);
    for (const [at, rating] of [[justBefore, "Improvable"], [CUTOVERS.bad, "Bad"]] as const) {
      const run = await start(["--firmware", "mbedtls", "--rate-at", at.toISOString()]);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const outcome = result(run);
      assert.equal(outcome?.tls_version, "TLS 1.2");
      assert.equal(outcome?.post_quantum_key_agreement, false);
      assert.equal(outcome?.session_ticket_supported, false);
      assert.equal(outcome?.cert_verified, true);
      assert.equal(outcome?.rating, rating, at.toISOString());
      assert.match(run.stdout, /negotiated with 127\.0\.0\.1:\d+: TLSv1\.2, X25519, TLS_ECDHE_/);
    }
  });

  it("exits 2 with REFUSED for a closed port; the RESULT line stays plain when a CI forces colour", async () => {
    const coloured: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: "1", CI: "true" };
    delete coloured.NO_COLOR;
    const run = await start(["--url", "https://127.0.0.1:1/a/check", "--ca", ".dev-pki/ca.pem"], undefined, 60_000, coloured);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stdout, /\x1b\[/, "colour is on in this run");
    const line = run.stdout.split("\n").find((text) => text.includes("RESULT {")) ?? "";
    assert.match(line, /^RESULT \{.*\}$/);
    assert.equal(result(run)?.error, "REFUSED");
  });

  it("exits 3 when the rating is at --fail-on or worse", async () => {
    // The mbedTLS firmware offers TLS 1.2 and no post-quantum group: "Improvable" before 2026-12-14, "Bad" after.
    const run = await start(["--firmware", "mbedtls", "--fail-on", "improvable"]);
    assert.equal(run.code, 3, run.stdout + run.stderr);
    assert.match(run.stdout, /why "(Improvable|Bad)": .*post-quantum/);
  });

  it("runs as stock Espruino would (--firmware stock, or --stock-tls as before), and warns that the server went unauthenticated", async () => {
    for (const args of [["--firmware", "stock"], ["--stock-tls"]]) {
      const run = await start(args);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.equal(result(run)?.cert_verified, false, args.join(" "));
      assert.match(run.stdout, /WARNING: server NOT authenticated/);
      assert.match(run.stdout, /as stock Espruino's TLS/);
    }
  });

  it("on a Node without X25519MLKEM768 (the one running npm here, when it is older than 24), says in one line how to run it", async function () {
    const npmNode = process.env.npm_node_execpath;
    if (!npmNode || npmNode === process.execPath) this.skip();
    const probe = spawnSync(npmNode, ["-e", "require('tls').createSecureContext({ ecdhCurve: 'X25519MLKEM768' })"]);
    if (probe.status === 0) this.skip(); // that Node has the hybrid group too
    const run = await start([], undefined, 60_000, plainEnv(), npmNode);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const errors = run.stderr.split("\n").filter((line) => line.startsWith("error: "));
    assert.equal(errors.length, 1, run.stderr);
    assert.match(errors[0], /^error: --firmware wolfssl: this Node \(v\d+[^)]*\) has no X25519MLKEM768: run the tools through npm/);
    assert.ok(!run.stderr.includes("    at "), run.stderr);
  });

  it("does mutual TLS against the checker with --mtls", async () => {
    const run = await start(["--mtls"]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /client certificate required/);
    assert.equal(result(run)?.ok, true);
  });

  it("exits 1 with a clear message on bad usage", async () => {
    for (const args of [
      ["--bogus"],
      ["--fail-on", "sometimes"],
      ["--port", "9999"],
      ["--url", "http://plain.test/"],
      ["--firmware", "esp-idf"],
      ["--stock-tls", "--firmware", "wolfssl"],
      ["--serve", "--firmware", "mbedtls"],
    ]) {
      const run = await start(args);
      assert.equal(run.code, 1, args.join(" ") + "\n" + run.stdout + run.stderr);
      assert.match(run.stderr, /error/i, args.join(" "));
      assert.ok(!run.stderr.includes("    at "), "no stack trace for a usage error: " + run.stderr);
    }
  });

  it("says in one line that it checks the local checker, not the configuration's url, and how to check that one", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "start-config-"));
    try {
      const config = path.join(dir, "app.config.json");
      fs.writeFileSync(config, JSON.stringify({ url: "https://device.example/a/check", ca: path.join(ROOT, "certs", "isrg-root-x1.pem") }));
      const run = await start(["--config", config]);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const notes = run.stdout.split("\n").filter((line) => line.startsWith("note: "));
      assert.equal(notes.length, 1, run.stdout);
      assert.match(notes[0], /^note: npm start checks its local checker, not the url in .*app\.config\.json; to check that one: npm start -- --url https:\/\/device\.example\/a\/check$/);
      assert.match(result(run)?.url ?? "", /^https:\/\/127\.0\.0\.1:\d+\/a\/check$/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--mqtt alone: a broker of its own with mutual TLS on loopback; the RESULT is published, arrives on the device's topic and is shown; exit 0", async () => {
    const run = await start(["--mqtt"]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /own MQTT broker on mqtts:\/\/localhost:\d+ \(mutual TLS/);
    const outcome = result(run);
    assert.equal(outcome?.ok, true);
    assert.equal(outcome?.report?.published, true, JSON.stringify(outcome?.report));
    assert.equal(outcome?.report?.cert_verified, true, "the broker's CA is pinned and the wolfSSL firmware verifies");
    assert.equal(outcome?.report?.topic, "espruino-tls-check/host-runtime/result");
    const shown = run.stdout.split("\n");
    const at = shown.findIndex((line) => /^received on mqtts:\/\/localhost:\d+, topic espruino-tls-check\/host-runtime\/result:$/.test(line));
    assert.ok(at >= 0, run.stdout);
    assert.match(shown[at + 1], /^ {2} +device +last seen \(UTC\) +status +rating +TLS +verified +mem_peak +ms/, "the fleet view's table");
    assert.match(shown[at + 2], /^ {2} +host-runtime +\S+ +ok +Probably Okay +1\.3 +yes +\d+ +\d+ +1$/);
    assert.match(run.stdout, /published to localhost:\d+, topic espruino-tls-check\/host-runtime\/result, broker verified/);
  });

  it("--mqtt mqtts://HOST:PORT publishes to that broker: one that is not there is a failed publish, exit 2 with the class and the hint", async () => {
    const port = await freePort();
    const run = await start(["--mqtt", `mqtts://127.0.0.1:${port}`, "--mqtt-ca", ".dev-pki/ca.pem", "--mqtt-client-id", "bench-1"]);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    const outcome = result(run);
    assert.equal(outcome?.ok, true, "the check itself passed");
    assert.equal(outcome?.report?.published, false);
    assert.equal(outcome?.report?.error, "REFUSED");
    assert.match(run.stderr, new RegExp(`^error: not published to 127\\.0\\.0\\.1:${port}: REFUSED .*; Check host, port, server and firewall\\.$`, "m"));
  });

  /** npm start -- --serve ARGS: once it has printed its CA, one GET /a/check with `request`'s options, then Ctrl-C. */
  async function serveAndAsk(args: string[], request: https.RequestOptions = {}): Promise<{ run: Run; body: { rating: string } }> {
    const port = await freePort();
    let answered: Promise<string> | null = null;
    const run = await start(["--serve", "--port", String(port), ...args], (stdout, child) => {
      if (answered || !stdout.includes("-----END CERTIFICATE-----")) return;
      const ca = stdout.slice(stdout.indexOf("-----BEGIN CERTIFICATE-----"), stdout.indexOf("-----END CERTIFICATE-----") + 25);
      answered = new Promise<string>((resolve, reject) => {
        https
          .get({ host: "127.0.0.1", port, path: "/a/check", ca, agent: false, ...request }, (response) => {
            let body = "";
            response.on("data", (data) => (body += data));
            response.on("end", () => {
              child.kill("SIGINT");
              resolve(body);
            });
          })
          .on("error", (error) => {
            child.kill("SIGINT");
            reject(error);
          });
      });
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`checker listening on https://127\\.0\\.0\\.1:${port}/a/check`));
    return { run, body: JSON.parse(await answered!) as { rating: string } };
  }

  it("--serve runs only the checker, prints the CA to pin, and stops on SIGINT", async () => {
    const { run, body } = await serveAndAsk([]);
    assert.match(run.stdout, /CA to pin: \.dev-pki\/ca\.pem/);
    assert.equal(typeof body.rating, "string");
    assert.match(run.stdout, /TLS 1\.[23], /, "each check is logged");
  });

  it("--serve --rate-at rates as if it were then; --pki-dir and --san shape its own PKI; no private key printed", async () => {
    const pkiDir = fs.mkdtempSync(path.join(os.tmpdir(), "start-serve-pki-"));
    try {
      // A client with no post-quantum group: Bad once past 2026-12-14, whatever today is.
      const { run, body } = await serveAndAsk(["--pki-dir", pkiDir, "--san", "checker.test", "--rate-at", "2027-01-01T00:00:00Z"], { ecdhCurve: "X25519:P-256" });
      assert.equal(body.rating, "Bad");
      assert.match(run.stdout, /server certificate names: localhost, 127\.0\.0\.1, checker\.test/);
      assert.ok(fs.existsSync(path.join(pkiDir, "ca.pem")), "the dev PKI went to --pki-dir");
      assert.ok(!run.stdout.includes("PRIVATE KEY"));
      assert.match(run.stdout, /TLS 1\.3, Bad, SNI none/);
    } finally {
      fs.rmSync(pkiDir, { recursive: true, force: true });
    }
  });
});
