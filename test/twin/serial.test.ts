// The serial bench (test/support/serial-bench.ts) in front of a real
// Espruino Linux executable (ESPRUINO_BIN): its console on the board's end of
// the line (its stdin and stdout), `npm run upload` and `npm run repl` on the
// host's end through the real espruino CLI and serialport, as with a board on
// /dev/ttyUSB0. The check runs against the local checker on 127.0.0.1.
//
//   ESPRUINO_BIN=/path/to/espruino npm run test:twin
//
// Skipped, as the other twin tests, when ESPRUINO_BIN is unset.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, constants, openSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { ensureDevPki, type DevPki } from "../../scripts/checker/dev-pki.ts";
import { startChecker, type Checker } from "../../scripts/checker/server.ts";
import { buildBundle, type Bundle } from "../../scripts/build/bundle.ts";
import { resolveConfig } from "../../scripts/build/config.ts";
import { parseResultLine } from "../../scripts/lib/result.ts";
import { upload } from "../../scripts/upload.ts";
import { exitCode, killAllFollowed, runScript } from "../support/run-script.ts";
import { requireBench, startSerialBench, type SerialBench } from "../support/serial-bench.ts";
import { firmwareOf, type FirmwareInfo } from "./support/espruino-linux.ts";

const BIN = process.env.ESPRUINO_BIN;

/** Espruino with its console on a terminal, in a fresh folder (its Storage is ./espruino.flash there). */
async function espruinoOnLine(bin: string, tty: string): Promise<{ stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "twin-serial-"));
  const fd = openSync(tty, constants.O_RDWR | constants.O_NOCTTY);
  let child: ChildProcess;
  try {
    child = spawn(bin, [], { cwd: dir, stdio: [fd, fd, "ignore"] });
  } finally {
    closeSync(fd);
  }
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    async stop() {
      // Espruino's Linux build ignores SIGTERM.
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

describe("twin: upload and repl over the serial bench to an Espruino Linux executable (ESPRUINO_BIN)", function () {
  this.timeout(90_000);
  let info: FirmwareInfo;
  let dir: string;
  let pki: DevPki;
  let checker: Checker;
  let emptyConfigFile: string;
  let bench: SerialBench | null = null;
  let espruino: { stop(): Promise<void> } | null = null;
  let restore: (() => void) | null = null;

  before(async function () {
    if (!BIN) this.skip();
    requireBench(this);
    info = await firmwareOf(BIN);
    dir = await mkdtemp(join(tmpdir(), "twin-serial-test-"));
    pki = await ensureDevPki(dir);
    checker = await startChecker({ pki: { caPem: pki.caPem, serverCertPem: pki.serverCertPem, serverKeyPem: pki.serverKeyPem } });
    // An explicit, empty configuration file: a developer's app.config.json must not leak in.
    emptyConfigFile = join(dir, "empty.config.json");
    await writeFile(emptyConfigFile, "{}\n");
  });

  beforeEach(async function () {
    if (!BIN) this.skip();
    bench = await startSerialBench();
    espruino = await espruinoOnLine(BIN, bench.boardEnd);
  });

  afterEach(async () => {
    restore?.();
    restore = null;
    await killAllFollowed();
    await espruino?.stop();
    espruino = null;
    await bench?.stop();
    bench = null;
  });

  after(async () => {
    await checker?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("upload stores the bundle byte for byte (read back with npm run repl) and the check runs: RESULT ok, exit 0", async () => {
    restore = bench!.useInThisProcess();
    const config = resolveConfig({ config: emptyConfigFile, url: checker.url, ca: pki.caPath, deadline: 10_000 }, {}).config;
    let bundle: Bundle | null = null;
    const lines: string[] = [];
    const keep = (line: string) => void lines.push(line);
    const code = await upload(
      { port: bench!.hostEnd, config, build: async (c) => (bundle = await buildBundle(c)) },
      { out: keep, info: keep, warn: keep, fail: keep, progress: () => {} },
    );
    assert.equal(code, 0, lines.join("\n"));
    const result = lines.map(parseResultLine).find(Boolean);
    assert.equal(result?.ok, true, lines.join("\n"));
    assert.equal(result?.cert_verified, info.firmware !== "stock", "the twins verify the pinned CA; stock Espruino does not");

    const repl = runScript("repl", ["--port", bench!.hostEnd], bench!.env());
    repl.child.stdin.end('var f = require("Storage").read(".bootcde"); print("STORED " + f.length + " " + (E.CRC32(f) >>> 0));\n');
    assert.equal(await exitCode(repl, 30_000), 0, repl.stderr());
    const stored = /STORED (\d+) (\d+)/.exec(repl.stdout());
    assert.ok(stored, repl.stdout());
    const bytes = Buffer.from(bundle!.code, "latin1");
    assert.deepEqual([Number(stored[1]), Number(stored[2])], [bytes.length, crc32(bytes)], "length and CRC-32 of Storage .bootcde and of the bundle");
  });
});
