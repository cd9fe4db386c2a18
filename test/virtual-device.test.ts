// The virtual device driven by the real espruino CLI (node_modules/espruino,
// 0.1.67) over tcp://127.0.0.1. The CLI never exits after a short upload (its
// write callback only fires for writes over 512 bytes), so each run waits for
// the expected output and then kills the CLI.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { startVirtualDevice, type VirtualDevice } from "../scripts/host/device.ts";
import { plainEnv } from "./support/plain-env.ts";
import { scriptCommand } from "./support/run-script.ts";

const CLI = path.join(path.dirname(createRequire(import.meta.url).resolve("espruino/package.json")), "bin", "espruino-cli.js");

interface CliRun {
  child: ChildProcess;
  output(): string;
  /** Resolves once the output matches, rejects after `ms`. */
  waitFor(pattern: RegExp, ms?: number): Promise<string>;
  stop(): Promise<void>;
}

const running = new Set<CliRun>();

function runCli(device: VirtualDevice, args: string[], stdin?: string): CliRun {
  const child = spawn(process.execPath, [CLI, "--no-ble", "-p", device.url, ...args], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  let text = "";
  // The console's cursor and erase sequences are dropped so that lines read plainly.
  const add = (d: Buffer): void => void (text += d.toString("latin1").replace(/\x1b\[[0-9;]*[A-Za-z]/g, ""));
  child.stdout?.on("data", add);
  child.stderr?.on("data", add);
  if (stdin === undefined) child.stdin?.end();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const run: CliRun = {
    child,
    output: () => text,
    waitFor(pattern, ms = 15_000) {
      return new Promise((resolve, reject) => {
        const started = performance.now();
        const poll = (): void => {
          if (pattern.test(text)) resolve(text);
          else if (performance.now() - started > ms || child.exitCode !== null) reject(new Error(`no ${pattern} in CLI output:\n${text}`));
          else setTimeout(poll, 50);
        };
        poll();
      });
    },
    async stop() {
      running.delete(run);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
  running.add(run);
  return run;
}

/** Type into the CLI's terminal mode, line by line, once the device has answered the board query. */
async function typeLines(run: CliRun, lines: string[]): Promise<void> {
  await run.waitFor(/Connected/);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  for (const line of lines) {
    run.child.stdin?.write(line + "\r");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("virtual device with the real espruino CLI", function () {
  this.timeout(90_000);
  let device: VirtualDevice;
  let dir: string;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "virtual-device-"));
    device = await startVirtualDevice({ port: 0 });
  });

  afterEach(async () => {
    await Promise.all([...running].map((run) => run.stop()));
    await device.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("listens on loopback and answers the CLI's board query", async () => {
    assert.equal(device.host, "127.0.0.1");
    const run = runCli(device, ["-e", "print(process.env.BOARD)"]);
    await run.waitFor(/--\] HOST_RUNTIME\r?\n/);
    // The CLI read process.env through its `< << ... >> >` protocol (else it warns).
    assert.doesNotMatch(run.output(), /Unable to retrieve board information/);
  });

  it("-e evaluates on the device; like a real board, a bare expression is not echoed back", async () => {
    const run = runCli(device, ["-e", "1+2;print('sum', 1+2)"]);
    const output = await run.waitFor(/sum 3\r?\n/);
    assert.doesNotMatch(output, /=3/, "the CLI sends -e with echo off (DLE), so no =3");
  });

  it("the REPL (terminal mode) evaluates expressions and prints =value", async () => {
    const run = runCli(device, [], "");
    await typeLines(run, ["1+2", "var o = {a: 1}", "o.a + 41"]);
    run.child.stdin?.end();
    const output = await run.waitFor(/=42/);
    assert.match(output, /1\+2\r?\n=3\r?\n/);
  });

  it("uploads a file; it runs and its output comes back", async () => {
    const file = path.join(dir, "hello.js");
    writeFileSync(file, 'var who = "virtual device";\nfunction greet() {\n  print("hello from the " + who);\n}\ngreet();\n');
    const run = runCli(device, [file]);
    await run.waitFor(/--\] >?hello from the virtual device\r?\n/);
    assert.equal(device.runtime.evaluate("who"), "virtual device");
    assert.equal(device.storage.has(".bootcde"), false, "a normal upload goes to RAM only");
  });

  it("save-on-send stores boot code in Storage; load() and a restart run it again", async () => {
    const file = path.join(dir, "boot.js");
    writeFileSync(file, 'var boots = (require("Storage").read("boots") || "") + "x";\nrequire("Storage").write("boots", boots);\nprint("booted " + boots.length);\n');
    const upload = runCli(device, ["--config", "SAVE_ON_SEND=1", file]);
    await upload.waitFor(/booted 1\r?\n/);
    await upload.stop();
    assert.match(device.storage.get(".bootcde") ?? "", /print\("booted " \+ boots.length\);/);

    // reset() alone does not run .bootcde (Espruino: only .bootrst); load() does.
    const reset = runCli(device, ["-e", "reset()"]);
    await reset.waitFor(/host runtime 2v29/);
    await reset.stop();
    assert.equal(device.storage.get("boots"), "x");
    const load = runCli(device, ["-e", "load()"]);
    await load.waitFor(/booted 2\r?\n/);
    await load.stop();

    // A device restarted with the same Storage boots from it.
    const storage = device.storage;
    await device.close();
    device = await startVirtualDevice({ port: 0 });
    for (const [name, value] of storage) device.storage.set(name, value);
    device.runtime.boot("power-on");
    assert.equal(device.storage.get("boots"), "xxx");
  });

  it("keeps Storage in a file with --storage, and runs its boot code at start", async () => {
    const storageFile = path.join(dir, "storage.json");
    await device.close();
    device = await startVirtualDevice({ port: 0, storageFile });
    const run = runCli(device, ["-e", 'require("Storage").write(".bootcde", "var fromBoot = 7;");print("saved")']);
    await run.waitFor(/saved\r?\n/);
    await run.stop();
    await device.close();
    device = await startVirtualDevice({ port: 0, storageFile });
    assert.equal(device.runtime.evaluate("fromBoot"), 7);
  });

  it("serves one client at a time", async () => {
    const first = runCli(device, [], "");
    await first.waitFor(/Connected/);
    const second = runCli(device, ["-e", "print(1)"]);
    await second.waitFor(/Another client is connected|Disconnected/);
  });

  it("npm run virtual-device plays the firmware --firmware names (--stock-tls as before), and says which", async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /\(this project's wolfSSL firmware \(TLS 1\.3, X25519MLKEM768\)\)/],
      [["--firmware", "mbedtls"], /\(this project's mbedTLS firmware \(TLS 1\.2\)\)/],
      [["--stock-tls"], /\(stock Espruino's TLS/],
    ];
    for (const [args, expected] of cases) {
      const [node, ...argv] = scriptCommand("virtual-device", ["--listen", "127.0.0.1:0", ...args]);
      const child = spawn(node, argv, { env: plainEnv(), stdio: ["ignore", "pipe", "pipe"] });
      let text = "";
      child.stderr.on("data", (d: Buffer) => (text += d.toString()));
      try {
        for (let i = 0; i < 300 && !/virtual device listening on/.test(text) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 50));
        assert.match(text, /virtual device listening on tcp:\/\/127\.0\.0\.1:\d+/, text);
        assert.match(text, expected, args.join(" "));
      } finally {
        child.kill("SIGTERM");
        await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once("exit", resolve)));
      }
    }
  });
});
