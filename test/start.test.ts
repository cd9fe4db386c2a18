// npm start as a user runs it: a child process, its output and exit code.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import https from "node:https";
import os from "node:os";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseResultLine } from "../scripts/lib/result.ts";
import { plainEnv } from "./support/plain-env.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], onStdout?: (text: string, child: ChildProcess) => void, timeoutMs = 60_000, env = plainEnv()): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts", ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
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

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

describe("npm start", function () {
  this.timeout(90_000);

  it("checks the local checker with the real bundle and exits 0, verified", async () => {
    const run = await start([]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const outcome = result(run);
    assert.equal(outcome?.ok, true);
    assert.equal(outcome?.cert_verified, true);
    assert.match(run.stdout, /local checker on https:\/\/127\.0\.0\.1:\d+\/a\/check/);
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
    // Node's TLS offers no post-quantum group: "Improvable" before 2026-12-14, "Bad" after.
    const run = await start(["--fail-on", "improvable"]);
    assert.equal(run.code, 3, run.stdout + run.stderr);
    assert.match(run.stdout, /why "(Improvable|Bad)": .*post-quantum/);
  });

  it("runs as stock Espruino would, and warns that the server went unauthenticated", async () => {
    const run = await start(["--stock-tls"]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(result(run)?.cert_verified, false);
    assert.match(run.stdout, /WARNING: server NOT authenticated/);
  });

  it("does mutual TLS against the checker with --mtls", async () => {
    const run = await start(["--mtls"]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /client certificate required/);
    assert.equal(result(run)?.ok, true);
  });

  it("exits 1 with a clear message on bad usage", async () => {
    for (const args of [["--bogus"], ["--fail-on", "sometimes"], ["--port", "9999"], ["--url", "http://plain.test/"]]) {
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

  it("--serve runs only the checker, prints the CA to pin, and stops on SIGINT", async () => {
    const port = await freePort();
    let answered: Promise<string> | null = null;
    const run = await start(["--serve", "--port", String(port)], (stdout, child) => {
      if (answered || !stdout.includes("-----END CERTIFICATE-----")) return;
      const ca = stdout.slice(stdout.indexOf("-----BEGIN CERTIFICATE-----"), stdout.indexOf("-----END CERTIFICATE-----") + 25);
      answered = new Promise<string>((resolve, reject) => {
        https
          .get({ host: "127.0.0.1", port, path: "/a/check", ca }, (response) => {
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
    assert.match(run.stdout, /CA to pin: \.dev-pki\/ca\.pem/);
    const body = JSON.parse(await answered!);
    assert.equal(typeof body.rating, "string");
    assert.match(run.stdout, /TLS 1\.[23], /, "each check is logged");
  });
});
