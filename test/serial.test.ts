// upload and repl through a real serial line without hardware: the serial
// bench (test/support/serial-bench.ts) joins two pseudo-terminals with socat;
// the virtual device serves its console on one end (--tty, like the ESP32's
// UART console, XON/XOFF included) and the real espruino CLI, through
// serialport, opens the other as /dev/ttyUSB0 would be opened. Everything
// stays on this machine (the check's TLS goes to the local checker on
// 127.0.0.1); every process a test starts is ended in afterEach.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensureDevPki, type DevPki } from "../scripts/checker/dev-pki.ts";
import { startChecker, type Checker } from "../scripts/checker/server.ts";
import { startVirtualDevice, type VirtualDevice } from "../scripts/host/device.ts";
import { stopBlockingConnects } from "../scripts/host/blocking-connect.ts";
import { buildBundle, type Bundle } from "../scripts/build/bundle.ts";
import { resolveConfig } from "../scripts/build/config.ts";
import { REPO_ROOT } from "../scripts/lib/paths.ts";
import { parseResultLine } from "../scripts/lib/result.ts";
import { upload, type UploadOutput } from "../scripts/upload.ts";
import { exitCode, follow, killAllFollowed, runScript, scriptShellCommand, type FollowedChild } from "./support/run-script.ts";
import { requireBench, skipOrFail, startSerialBench, type SerialBench } from "./support/serial-bench.ts";

/** How long a stalled board keeps the sender paused with XOFF. */
const XOFF_PAUSE_MS = 2000;

interface Collected {
  output: UploadOutput;
  lines: string[];
  failures: string[];
}

/** An UploadOutput for upload() called in this process: every line kept, failures also apart. */
function collect(): Collected {
  const lines: string[] = [];
  const failures: string[] = [];
  const keep = (line: string) => void lines.push(line);
  return { lines, failures, output: { out: keep, info: keep, warn: keep, fail: (line) => (keep(line), failures.push(line)), progress: () => {} } };
}

/** Resolves true once the board has begun storing the upload (its first Storage.write ran), false if not within `ms`. */
function storingBegins(device: VirtualDevice, ms = 30_000): Promise<boolean> {
  const started = performance.now();
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      const begun = device.storage.has(".bootcde");
      if (!begun && performance.now() - started < ms) return;
      clearInterval(poll);
      resolve(begun);
    }, 5);
  });
}

function resultIn(stdout: string) {
  return stdout.split(/\r?\n/).map(parseResultLine).find(Boolean) ?? null;
}

describe("upload and repl over a serial line (the serial bench: socat pseudo-terminals, the real espruino CLI)", function () {
  this.timeout(60_000);
  let dir: string;
  let pki: DevPki;
  let checker: Checker;
  let emptyConfigFile: string;
  let bench: SerialBench;
  const devices: VirtualDevice[] = [];
  const undo: Array<() => void> = [];

  before(async function () {
    requireBench(this);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "serial-test-"));
    pki = await ensureDevPki(dir);
    checker = await startChecker({ pki: { caPem: pki.caPem, serverCertPem: pki.serverCertPem, serverKeyPem: pki.serverKeyPem } });
    // An explicit, empty configuration file: a developer's app.config.json must not leak in.
    emptyConfigFile = path.join(dir, "empty.config.json");
    fs.writeFileSync(emptyConfigFile, "{}\n");
  });

  beforeEach(async () => {
    bench = await startSerialBench();
  });

  afterEach(async () => {
    for (const restore of undo.splice(0)) restore();
    await killAllFollowed();
    await Promise.all(devices.splice(0).map((device) => device.close()));
    await bench?.stop();
  });

  after(async () => {
    await checker?.close();
    await stopBlockingConnects();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The virtual device in this process, its console on the board's end of the line. */
  async function boardOnLine(): Promise<VirtualDevice> {
    const device = await startVirtualDevice({ tty: bench.boardEnd });
    devices.push(device);
    return device;
  }

  /** The flags that point the check at the local checker. */
  const checkFlags = () => ["--url", checker.url, "--ca", pki.caPath, "--config", emptyConfigFile];

  function npmUpload(args: string[]): FollowedChild {
    return runScript("upload", ["--port", bench.hostEnd, ...checkFlags(), ...args], bench.env());
  }

  /** upload() in this process (to see the bundle it built), with the bench's port listing. */
  async function uploadHere(options: { ram?: boolean } = {}): Promise<{ code: number; bundle: Bundle; collected: Collected }> {
    undo.push(bench.useInThisProcess());
    const config = resolveConfig({ config: emptyConfigFile, url: checker.url, ca: pki.caPath, deadline: 5000 }, {}).config;
    let bundle: Bundle | null = null;
    const collected = collect();
    const code = await upload({ port: bench.hostEnd, ram: options.ram, config, build: async (c) => (bundle = await buildBundle(c)) }, collected.output);
    assert.ok(bundle, "upload built the bundle");
    return { code, bundle, collected };
  }

  it("npm run virtual-device -- --tty and npm run upload -- --port: the check is stored and runs, RESULT ok, exit 0; the device stops when the line goes", async () => {
    const storageFile = path.join(dir, "storage.json");
    const device = runScript("virtual-device", ["--tty", bench.boardEnd, "--storage", storageFile]);
    await device.waitFor("stderr", /virtual device listening on /);
    const run = npmUpload([]);
    assert.equal(await exitCode(run, 45_000), 0, run.stdout() + run.stderr());
    assert.equal(resultIn(run.stdout())?.ok, true, run.stdout());
    assert.match(run.stderr(), new RegExp(`connecting to ${bench.hostEnd.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} at 115200 baud`));
    assert.match(run.stderr(), /board: Espruino 2v29 on HOST_RUNTIME/);

    // The line goes away: the device says so and stops by itself, keeping its Storage.
    await bench.unplug();
    assert.equal(await exitCode(device), 0, device.stderr());
    assert.match(device.stderr(), /closed at its other end/);
    const stored = JSON.parse(fs.readFileSync(storageFile, "utf8")) as Record<string, string>;
    assert.match(Buffer.from(stored[".bootcde"], "base64").toString("latin1"), /espruino-tls-check\//);
  });

  it("npm run virtual-device -- --tty with a file that is not a terminal: one line saying so, exit 1", async () => {
    const notATerminal = path.join(dir, "plain-file");
    fs.writeFileSync(notATerminal, "");
    const device = runScript("virtual-device", ["--tty", notATerminal]);
    assert.equal(await exitCode(device), 1);
    assert.equal(device.stderr().trim(), `error: --tty ${notATerminal}: not a terminal: give a serial port or one end of a pseudo-terminal pair`);
  });

  it("the stored .bootcde equals the built bundle byte for byte; the CLI sends as slowly as to an ESP32 (CONSOLE Serial1)", async () => {
    const device = await boardOnLine();
    const { code, bundle, collected } = await uploadHere();
    assert.equal(code, 0, collected.lines.join("\n"));
    assert.equal(device.storage.get(".bootcde"), bundle.code, "Storage .bootcde holds exactly the bundle");
    assert.equal(device.runtime.evaluate("process.env.CONSOLE"), "Serial1");
    assert.deepEqual(device.serial?.counts(), { xoffSent: 0, receivedAfterXoff: 0, lost: 0 }, "an idle board never had to pause the sender");
  });

  it("--ram: the check runs from RAM, RESULT ok, and nothing is stored", async () => {
    const device = await boardOnLine();
    const run = npmUpload(["--ram"]);
    assert.equal(await exitCode(run, 45_000), 0, run.stdout() + run.stderr());
    assert.equal(resultIn(run.stdout())?.ok, true, run.stdout());
    assert.equal(device.storage.has(".bootcde"), false);
  });

  it("npm run repl with piped input: 1+2 gives =3; exit 0 at the end of input", async () => {
    await boardOnLine();
    const repl = runScript("repl", ["--port", bench.hostEnd], bench.env());
    await repl.waitFor("stderr", /connected to /);
    repl.child.stdin.end("1+2\nprint('on the ' + 'line')\n");
    assert.equal(await exitCode(repl), 0, repl.stderr());
    assert.match(repl.stdout(), /1\+2\r\n=3\r\n/);
    assert.match(repl.stdout(), /on the line\r\n/);
  });

  it("npm run repl on a terminal: Ctrl-C clears the board's input line, Ctrl-D quits (exit 0)", async function () {
    if (spawnSync("script", ["--version"]).status !== 0) skipOrFail(this, "util-linux `script`, which gives repl a terminal, is not installed");
    await boardOnLine();
    const command = scriptShellCommand("repl", ["--port", bench.hostEnd]);
    const repl = follow(spawn("script", ["-q", "-e", "-c", command, "/dev/null"], { cwd: REPO_ROOT, env: bench.env(), detached: true }), true);
    await repl.waitFor("stdout", /Ctrl-C twice or Ctrl-D quits/);
    repl.child.stdin.write("6*");
    await repl.waitFor("stdout", /6\*/);
    repl.child.stdin.write("\x03");
    // The board erases its input line (cursor back, clear to the end).
    await repl.waitFor("stdout", /6\*\x1b\[D\x1b\[D\r\x1b\[J/);
    repl.child.stdin.write("7*6\r");
    await repl.waitFor("stdout", /=\d+/);
    // (script's terminal turns each "\n" into "\r\n": the board's "\r\n" arrives as "\r\r\n".)
    assert.match(repl.stdout(), /=42\r+\n/, "only 7*6 ran: Ctrl-C had cleared 6*\n" + JSON.stringify(repl.stdout()));
    repl.child.stdin.write("\x04");
    await repl.waitFor("stdout", /disconnected from/);
    assert.equal(await exitCode(repl), 0);
  });

  it("a board that goes away in the middle of an upload: one line saying so, exit 1, nothing reported as sent", async () => {
    const device = await boardOnLine();
    const run = npmUpload([]);
    assert.ok(await storingBegins(device), "the board began storing");
    await bench.unplug();
    assert.equal(await exitCode(run), 1, run.stderr());
    const errors = run.stderr().split("\n").filter((line) => line.startsWith("error:"));
    assert.equal(errors.length, 1, run.stderr());
    assert.match(errors[0], /went away during the upload \(unplugged, or the board reset\?\): its boot code \(Storage \.bootcde\) is incomplete and will fail at the next start; upload again\./, run.stderr());
    assert.doesNotMatch(run.stderr(), /upload sent|100%/);
    assert.equal(resultIn(run.stdout()), null);
  });

  it("a port where nothing answers: no answer, probably the wrong baud rate, 115200 suggested; exit 1", async () => {
    const run = npmUpload([]);
    assert.equal(await exitCode(run, 30_000), 1, run.stderr());
    assert.match(run.stderr(), /no answer from .*ttyUSB0: the board sent nothing back/);
    assert.match(run.stderr(), /wrong baud rate/);
    assert.match(run.stderr(), /--baud 115200/);
  });

  it("a port another repl holds: in use, the process named by its lock; exit 1 and the other session carries on", async () => {
    await boardOnLine();
    const holder = runScript("repl", ["--port", bench.hostEnd], bench.env());
    await holder.waitFor("stderr", /connected to /);
    const run = npmUpload([]);
    assert.equal(await exitCode(run), 1, run.stderr());
    assert.match(run.stderr(), /ttyUSB0 is in use: process \d+ \(node espruino-cli\.js\) holds its lock\./);
    assert.match(run.stderr(), /another upload or repl/);
    holder.child.stdin.end("6*7\n");
    assert.equal(await exitCode(holder), 0, holder.stderr());
    assert.match(holder.stdout(), /=42/);
  });

  it("a board that pauses the sender with XOFF for 2 s during the upload: stored byte for byte, or a clear failure; never a damaged bundle quietly", async () => {
    const device = await boardOnLine();
    // The board gets busy once it starts storing (as with a flash erase or a blocking TLS handshake),
    // and stays busy for 2 s after its buffer made it send XOFF.
    let uploading = true;
    const pausing = storingBegins(device).then(async (begun) => {
      if (!begun) return;
      const resume = device.serial!.stall();
      while (uploading && device.serial!.counts().xoffSent === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      await new Promise((resolve) => setTimeout(resolve, uploading ? XOFF_PAUSE_MS : 0));
      resume();
    });
    const { code, bundle, collected } = await uploadHere();
    uploading = false;
    await pausing;
    const input = device.serial!.counts();
    const stored = device.storage.get(".bootcde");
    console.log(
      `      the board sent XOFF ${input.xoffSent} time(s); ${input.receivedAfterXoff} bytes still came after it, ${input.lost} were lost; ` +
        `upload exit ${code}${code === 0 ? ", stored byte for byte" : ""}`,
    );
    assert.ok(input.xoffSent >= 1, "the board did ask the sender to pause");
    if (input.lost > 0) {
      assert.equal(code, 1, collected.lines.join("\n"));
      assert.match(collected.failures.join("\n"), /the board lost part of the upload: its input buffer overflowed \(FIFO_FULL\)/);
      assert.match(collected.failures.join("\n"), /Upload again/);
      assert.ok(!collected.lines.some((line) => line.startsWith("RESULT ")), "no check result is shown");
    } else {
      assert.equal(code, 0, collected.lines.join("\n"));
      assert.equal(stored, bundle.code, "stored byte for byte");
    }
  });
});
