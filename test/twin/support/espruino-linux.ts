// An Espruino Linux executable (ESPRUINO_BIN) for the twin tests: which
// firmware it is, running a script directly, and its telnet console.
//
// Measured on Espruino 2v29's Linux build (targets/linux upstream):
// - `--telnet` serves the console on port 2323 of every interface; the port
//   is a constant in libs/network/telnet/jswrap_telnet.c and cannot be
//   chosen. The socket is opened with SO_REUSEPORT, so a second Espruino
//   binds the same port without an error and connections are shared between
//   the two: the port is checked to be free before starting, and only
//   127.0.0.1 is ever connected to.
// - SIGTERM and SIGHUP are caught and ignored: only SIGKILL stops it.
// - With stdin at end of file (e.g. /dev/null) its input thread reads an
//   uninitialised byte as a key press, again and again, flooding the input
//   queue; sooner or later that corrupts it (ASSERT in src/jsdevices.c) or
//   drops console input (FIFO_FULL). stdin is therefore an open pipe that
//   never delivers anything.
// - Storage lives in ./espruino.flash: each process runs in its own folder.
import { type ChildProcess, spawn } from "node:child_process";
import { constants } from "node:fs";
import { access, mkdtemp, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const TELNET_PORT = 2323;

/** Which TLS the executable has: this project's twins (mbedTLS or wolfSSL policy) or stock Espruino's. */
export type Firmware = "mbedtls" | "wolfssl" | "stock";

/** Board name -> firmware (firmware/boards). */
const BOARDS: Record<string, Firmware> = { LINUX_TLS_TWIN: "mbedtls", LINUX_WOLFSSL_TWIN: "wolfssl", LINUX: "stock" };

export interface FirmwareInfo {
  board: string;
  version: string;
  firmware: Firmware;
}

export interface Captured {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
}

/** Runs `bin args...` in `cwd` with an idle stdin pipe; SIGKILL after `timeoutMs`. */
export function runEspruino(bin: string, args: string[], cwd: string, timeoutMs: number): Promise<Captured> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (data: Buffer) => (stdout += data.toString("latin1")));
    child.stderr.on("data", (data: Buffer) => (stderr += data.toString("latin1")));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code, signal, timedOut });
    });
  });
}

/** The board and version the executable reports: LINUX is stock, LINUX_TLS_TWIN and LINUX_WOLFSSL_TWIN this project's twins. */
export async function firmwareOf(bin: string): Promise<FirmwareInfo> {
  try {
    await access(bin, constants.X_OK);
  } catch {
    throw new Error(`ESPRUINO_BIN=${bin} is not an executable file`);
  }
  const dir = await mkdtemp(join(tmpdir(), "twin-board-"));
  try {
    const run = await runEspruino(bin, ["-e", 'console.log("FIRMWARE "+process.env.BOARD+" "+process.env.VERSION)'], dir, 10_000);
    const match = /FIRMWARE (\S+) (\S+)/.exec(run.stdout);
    if (!match) throw new Error(`${bin} -e did not print process.env.BOARD (exit ${run.code ?? run.signal}): is it an Espruino Linux build?`);
    const [, board, version] = match;
    const firmware = BOARDS[board];
    if (firmware) return { board, version, firmware };
    throw new Error(`${bin} reports board ${board}: the twin tests know LINUX (stock), LINUX_TLS_TWIN and LINUX_WOLFSSL_TWIN (firmware/boards)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs one script file directly (`bin script.js`) in a fresh folder. */
export async function runScript(bin: string, script: string, timeoutMs: number): Promise<Captured> {
  const dir = await mkdtemp(join(tmpdir(), "twin-script-"));
  try {
    await writeFile(join(dir, "script.js"), script);
    return await runEspruino(bin, ["script.js"], dir, timeoutMs);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Rejects with a clear message when anything listens on `port`. */
export async function assertPortFree(port: number): Promise<void> {
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new Error(
              `port ${port} is in use. Espruino's Linux telnet console always listens on ${port} and shares it ` +
                "with any other listener (SO_REUSEPORT), so the twin tests need it free: stop the other program " +
                `(e.g. another "espruino --telnet" or a virtual device on ${port}) and run them again`,
            )
          : error,
      ),
    );
    probe.listen({ port, host: "0.0.0.0", exclusive: true }, () => probe.close(() => resolve()));
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export interface TelnetConsole {
  /** tcp://127.0.0.1:2323, for the espruino CLI. */
  port: string;
  /** What Espruino printed on its own stdout (banner, and the console until a client connects). */
  output(): string;
  /** What it printed on stderr (notes of the Linux port, and of firmware/boards/tls_twin_alloc.c). */
  errors(): string;
  /** Whether the process is still running. */
  alive(): boolean;
  /** SIGKILL (Espruino ignores SIGTERM), wait for the exit, remove its folder. */
  stop(): Promise<void>;
}

/** Starts `bin --telnet` in a fresh folder once port 2323 is free, and waits until the console listens. */
export async function startTelnetConsole(bin: string, timeoutMs = 10_000): Promise<TelnetConsole> {
  await assertPortFree(TELNET_PORT);
  const dir = await mkdtemp(join(tmpdir(), "twin-console-"));
  const child: ChildProcess = spawn(bin, ["--telnet"], { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once("exit", () => ((exited = true), resolve())));
  child.stdout!.on("data", (data: Buffer) => (stdout += data.toString("latin1")));
  child.stderr!.on("data", (data: Buffer) => (stderr += data.toString("latin1")));
  child.on("error", () => {}); // surfaces as "did not start" below

  const stop = async () => {
    if (!exited) {
      child.kill("SIGKILL");
      await exit;
    }
    await rm(dir, { recursive: true, force: true });
  };
  // The telnet server opens its socket on the first idle loop; a probe
  // connection that closes at once hands the console straight back.
  const limit = performance.now() + timeoutMs;
  let listening = false;
  while (!exited && !listening && performance.now() < limit) {
    listening = await canConnect(TELNET_PORT);
    if (!listening) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!listening || exited) {
    await stop();
    throw new Error(`${bin} --telnet did not listen on 127.0.0.1:${TELNET_PORT} within ${timeoutMs} ms. Its output:\n${stdout}`);
  }
  return {
    port: `tcp://127.0.0.1:${TELNET_PORT}`,
    output: () => stdout,
    errors: () => stderr,
    alive: () => !exited,
    stop,
  };
}

/**
 * Bytes of TLS library memory the twin had to take from the C heap, which
 * process.memory() (and so the app's mem_peak) does not count; reported on
 * stderr by firmware/boards/tls_twin_alloc.c.
 */
export function uncountedBytes(stderr: string): number {
  let total = 0;
  for (const match of stderr.matchAll(/^tls_twin_alloc: (\d+) bytes from the C heap/gm)) total += Number(match[1]);
  return total;
}

/**
 * The most variables in use while the TLS library held memory, one figure
 * per stretch (a connection), as firmware/boards/tls_twin_alloc.c reports it
 * on stderr: peaks inside a handshake step, which JavaScript cannot sample.
 */
export function libraryPeaks(stderr: string): number[] {
  return [...stderr.matchAll(/^tls_twin_alloc: peak (\d+) blocks in use/gm)].map((match) => Number(match[1]));
}
