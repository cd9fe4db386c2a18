import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { plainEnv } from "./support/plain-env.ts";
import { REPO_ROOT as REPO } from "../scripts/lib/paths.ts";
import { scriptCommand } from "./support/run-script.ts";

const run = promisify(execFile);
const tsx = (args: string[]) => {
  const [node, ...argv] = scriptCommand("checker", args);
  return [node, argv] as const;
};

describe("checker/cli", function () {
  this.timeout(60_000);
  let workDir: string;
  let child: ChildProcess | undefined;
  before(async () => {
    workDir = await mkdtemp(join(tmpdir(), "checker-cli-test-"));
  });
  afterEach(() => {
    child?.kill("SIGKILL");
    child = undefined;
  });
  after(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it("--help lists the options", async () => {
    const [cmd, args] = tsx(["--help"]);
    const { stdout } = await run(cmd, [...args], { cwd: REPO, env: plainEnv(), timeout: 30_000 });
    for (const option of ["--host", "--port", "--san", "--require-client-cert", "--now"]) assert.ok(stdout.includes(option), option);
  });

  it("rejects a bad --port or --now with a message and exit code 1", async () => {
    for (const bad of [["--port", "http"], ["--now", "yesterday"]]) {
      const [cmd, args] = tsx(bad);
      const failure = await run(cmd, [...args], { cwd: REPO, env: plainEnv(), timeout: 30_000 }).then(
        () => assert.fail("should have failed"),
        (error: { code: number; stderr: string }) => error,
      );
      assert.equal(failure.code, 1);
      assert.match(failure.stderr, /error: option/);
      assert.ok(!failure.stderr.includes("    at "), "no stack trace");
    }
  });

  it("serves, prints the URL and CA, and one summary line per check", async () => {
    const [cmd, args] = tsx(["--port", "0", "--pki-dir", join(workDir, "pki"), "--san", "checker.test", "--now", "2027-01-01T00:00:00Z"]);
    const proc = spawn(cmd, [...args], { cwd: REPO, env: plainEnv(), stdio: ["ignore", "pipe", "pipe"] });
    child = proc;
    let out = "";
    proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    const waitOut = async (pattern: RegExp): Promise<RegExpMatchArray> => {
      for (let i = 0; i < 300; i++) {
        const match = out.match(pattern);
        if (match) return match;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no ${pattern} in output:\n${out}`);
    };
    const url = (await waitOut(/Checker listening: (https:\/\/127\.0\.0\.1:\d+\/a\/check)/))[1]!;
    const ca = (await waitOut(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/))[0];
    assert.match(out, /Server names: localhost, 127\.0\.0\.1, checker\.test/);
    assert.ok(!out.includes("PRIVATE KEY"));
    const body = await new Promise<string>((resolve, reject) => {
      https
        .get(url, { ca, agent: false, ecdhCurve: "X25519:P-256" }, (res) => {
          let text = "";
          res.on("data", (d: Buffer) => (text += d.toString()));
          res.on("end", () => resolve(text));
        })
        .on("error", reject);
    });
    assert.equal((JSON.parse(body) as { rating: string }).rating, "Bad"); // --now is past both cutovers; the client offers no post-quantum group
    await waitOut(/127\.0\.0\.1 TLS 1\.3 Bad SNI \(no SNI\)/);
    proc.kill("SIGTERM");
    const code = await new Promise((resolve) => proc.once("exit", resolve));
    assert.equal(code, 0);
  });
});
