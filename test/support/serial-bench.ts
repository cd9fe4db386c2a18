// The serial bench: a board's serial line without the board, for tests (and
// for trying upload and repl by hand, see docs/serial.md). Only tests use it.
//
// - socat (Debian package socat) makes a pair of pseudo-terminals and copies
//   bytes between them: the board's end, where a console serves (the virtual
//   device with --tty, or an Espruino Linux executable on its stdio), and the
//   host's end, which `npm run upload/repl -- --port` and the espruino CLI open
//   like a USB serial adapter.
// - The espruino CLI opens only ports that serialport lists, and on Linux
//   serialport lists them with `udevadm info -e`. The stand-in udevadm in
//   serial-bench-bin/ lists the paths in SERIAL_BENCH_PORTS; env() puts it
//   first on PATH for a child process (and useInThisProcess() for this one).
// - unplug() ends socat: both ends close and the host's path disappears, as
//   when a board's USB cable is pulled.
// A pseudo-terminal has no baud rate and no modem lines (DTR, RTS): see
// docs/serial.md for what the bench cannot show.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { plainEnv } from "./plain-env.ts";

/** The folder holding the stand-in udevadm. */
export const STAND_IN_BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), "serial-bench-bin");

/** SERIAL_TESTS=required (set by .ci/run) turns a missing socat into a failure instead of a skip. */
export const REQUIRED = process.env.SERIAL_TESTS === "required";

export interface SerialBench {
  /** The board's end of the line: a console serves here. */
  boardEnd: string;
  /** The host's end: the port that upload, repl and the espruino CLI open. */
  hostEnd: string;
  /** The environment for a child process that lists or opens the host's end (plain colours, the stand-in udevadm first on PATH). */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** Makes this process list the host's end too (for upload() called in-process); returns the undo. */
  useInThisProcess(): () => void;
  /** Ends socat: the line goes away at both ends, as when a board is unplugged. Resolves once socat has exited. */
  unplug(): Promise<void>;
  /** Unplugs if still plugged and removes the bench's folder. */
  stop(): Promise<void>;
}

/** Why the bench cannot run here, or null when it can. */
export function benchMissing(): string | null {
  if (process.platform !== "linux") return "the serial bench needs Linux (pseudo-terminals listed through udevadm)";
  if (spawnSync("socat", ["-V"], { stdio: "ignore" }).status !== 0) return "socat is not installed (Debian: apt-get install socat)";
  return null;
}

/** Skips the test or suite, or fails it when SERIAL_TESTS=required: `missing` says what is missing. */
export function skipOrFail(context: Mocha.Context, missing: string): never {
  if (REQUIRED) throw new Error(`serial tests required (SERIAL_TESTS=required) but ${missing}`);
  process.stderr.write(`    serial tests skipped: ${missing}\n`);
  context.skip();
}

/** For a mocha `before` hook: skip the suite when the bench cannot run here (or fail, when SERIAL_TESTS=required). */
export function requireBench(context: Mocha.Context): void {
  const missing = benchMissing();
  if (missing) skipOrFail(context, missing);
}

function withStandIn(env: NodeJS.ProcessEnv, hostEnd: string): NodeJS.ProcessEnv {
  return { ...env, PATH: `${STAND_IN_BIN}${path.delimiter}${env.PATH ?? ""}`, SERIAL_BENCH_PORTS: hostEnd };
}

/** Starts socat with a fresh pair of pseudo-terminals; resolves once both ends exist. */
export async function startSerialBench(): Promise<SerialBench> {
  const dir = await mkdtemp(path.join(tmpdir(), "serial-bench-"));
  const boardEnd = path.join(dir, "board");
  const hostEnd = path.join(dir, "ttyUSB0");
  // raw,echo=0: bytes pass unchanged both ways, as on a UART.
  const socat: ChildProcess = spawn("socat", ["-d", "-d", `PTY,link=${boardEnd},raw,echo=0`, `PTY,link=${hostEnd},raw,echo=0`], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const exited = new Promise<void>((resolve) => socat.once("exit", () => resolve()));
  let log = "";
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 10_000);
    socat.stderr!.on("data", (data: Buffer) => {
      log += data.toString();
      // socat -d -d says this once both pseudo-terminals exist.
      if (log.includes("starting data transfer loop")) {
        clearTimeout(timer);
        resolve(true);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  const unplug = async (): Promise<void> => {
    if (socat.exitCode === null && socat.signalCode === null) socat.kill("SIGTERM");
    await exited;
  };
  const stop = async (): Promise<void> => {
    await unplug();
    await rm(dir, { recursive: true, force: true });
  };
  if (!ready) {
    await stop();
    throw new Error(`socat did not make its pseudo-terminals within 10 s:\n${log}`);
  }
  return {
    boardEnd,
    hostEnd,
    env: (extra = {}) => withStandIn(plainEnv(extra), hostEnd),
    useInThisProcess() {
      const saved = { PATH: process.env.PATH, SERIAL_BENCH_PORTS: process.env.SERIAL_BENCH_PORTS };
      Object.assign(process.env, withStandIn(process.env, hostEnd));
      return () => {
        for (const [name, value] of Object.entries(saved)) {
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        }
      };
    },
    unplug,
    stop,
  };
}
