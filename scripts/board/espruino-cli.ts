// Running the official espruino CLI (the `espruino` npm package, 0.1.67) as a
// child process, shared by upload and repl; listing and checking serial
// ports the way that package sees them. Its output is read by cli-output.ts;
// its flags are chosen here (cliArgs).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { StringDecoder } from "node:string_decoder";
import { LineSplitter, type Stream } from "./cli-output.ts";
import { portText, type PortSpec, type SerialPortListing } from "./port.ts";

const requireHere = createRequire(import.meta.url);
const ESPRUINO_DIR = path.dirname(requireHere.resolve("espruino/package.json"));
/** The CLI script of the installed espruino package. */
export const ESPRUINO_CLI = path.join(ESPRUINO_DIR, "bin", "espruino-cli.js");
export const ESPRUINO_VERSION: string = (requireHere("espruino/package.json") as { version: string }).version;

export type CliMode =
  /** Store the code in Storage as .bootcde (runs at every boot), then load() it: a soft reset that runs it. */
  | { kind: "flash"; file: string; stayConnectedSeconds: number }
  /** Reset, then send the code to the REPL: it runs from RAM and is gone after the next reset. */
  | { kind: "ram"; file: string; stayConnectedSeconds: number }
  /** The CLI's terminal: stdin to the board, the board to stdout. */
  | { kind: "terminal" };

export interface CliArgsOptions {
  port: PortSpec;
  baud: number;
  mode: CliMode;
}

/**
 * Where the CLI is told to look for board description files: a folder that
 * does not exist, inside the installed package (so nobody else can put one there).
 */
export const NO_BOARD_FILES = path.join(ESPRUINO_DIR, ".no-board-files");

/**
 * The CLI's arguments (pure).
 * - `-p PORT` first: the CLI takes every following argument that does not
 *   start with "-" and has no ".js" in it as one more port.
 * - `--no-ble`: no Bluetooth scan (needs no D-Bus or Bluetooth adapter).
 * - `-b BAUD`: the serial speed (ignored for tcp://).
 * - `--config MODULE_URL=`: never download modules from the internet (the
 *   bundle needs only the firmware's built-in modules).
 * - `--config BOARD_JSON_URL=NO_BOARD_FILES`: look for board descriptions in a
 *   folder that has none instead of downloading them (the CLI only uses them
 *   for hints; it says ENOENT and carries on).
 * - upload: `--verbose` (its progress lines), `--config SAVE_ON_SEND=1`
 *   ("Direct to Flash (execute code at boot)": the code is written with
 *   require("Storage").write(".bootcde", ...) in chunks, then `load()`
 *   restarts the interpreter, which runs .bootcde) or 0 (`--ram`: `reset()`,
 *   then the code itself), and `--sleep N` to stay connected N seconds after
 *   the upload so that the board's output keeps coming (we stop it at RESULT).
 */
export function cliArgs(options: CliArgsOptions): string[] {
  const args = ["-p", portText(options.port), "--no-ble", "-b", String(options.baud), "--config", "MODULE_URL=", "--config", `BOARD_JSON_URL=${NO_BOARD_FILES}`];
  const mode = options.mode;
  if (mode.kind === "terminal") return args;
  return [...args, "--verbose", "--config", `SAVE_ON_SEND=${mode.kind === "flash" ? 1 : 0}`, "--sleep", String(mode.stayConnectedSeconds), mode.file];
}

export interface CliProcess {
  child: ChildProcess;
  /** Resolves when the CLI has exited (after its last output was delivered). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Ends the CLI (SIGTERM, then SIGKILL if it lingers); safe to call twice. */
  stop(): void;
}

export interface SpawnOptions {
  /** Each line the CLI writes, without its "\n". Not called for stdout when `rawStdout` takes it. */
  onLine(stream: Stream, line: string): void;
  /** Takes stdout as bytes instead of lines from the first byte (the terminal). */
  rawStdout?: (chunk: Buffer) => void;
  stdin?: "ignore" | "pipe";
}

/** Starts the CLI with `args` under this Node. */
export function spawnCli(args: string[], options: SpawnOptions): CliProcess {
  // NODE_OPTIONS cleared: a loader such as tsx's has no business in the CLI.
  const child = spawn(process.execPath, [ESPRUINO_CLI, ...args], { stdio: [options.stdin ?? "ignore", "pipe", "pipe"], env: { ...process.env, NODE_OPTIONS: "" } });
  const readLines = (stream: Stream, source: NodeJS.ReadableStream) => {
    // The CLI writes JavaScript strings: UTF-8 on the pipe.
    const decoder = new StringDecoder("utf8");
    const splitter = new LineSplitter();
    source.on("data", (chunk: Buffer) => {
      for (const line of splitter.push(decoder.write(chunk))) options.onLine(stream, line);
    });
    source.on("end", () => {
      for (const line of splitter.push(decoder.end())) options.onLine(stream, line);
      for (const line of splitter.flush()) options.onLine(stream, line);
    });
  };
  if (options.rawStdout) child.stdout!.on("data", options.rawStdout);
  else readLines("stdout", child.stdout!);
  readLines("stderr", child.stderr!);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal }));
    child.on("error", () => resolve({ code: null, signal: null }));
  });
  let killTimer: NodeJS.Timeout | null = null;
  const stop = () => {
    if (child.exitCode !== null || child.signalCode !== null || killTimer) return;
    child.kill("SIGTERM");
    killTimer = setTimeout(() => child.kill("SIGKILL"), 2000);
    killTimer.unref();
  };
  void exited.then(() => killTimer && clearTimeout(killTimer));
  return { child, exited, stop };
}

/** The serial ports the espruino package can open: serialport's list, the library its CLI uses. */
export async function listSerialPorts(): Promise<SerialPortListing> {
  let error: string | undefined;
  try {
    // serialport as the espruino package resolves it (it is that package's dependency).
    const { SerialPort } = createRequire(path.join(ESPRUINO_DIR, "index.js"))("serialport") as {
      SerialPort: { list(): Promise<Array<{ path: string; manufacturer?: string }>> };
    };
    const ports = await SerialPort.list();
    // As the CLI does on Linux: the many /dev/ttyS* are legacy UARTs, never a USB board.
    return { ports: ports.filter((port) => !/^\/dev\/ttyS\d*$/.test(port.path)).map((port) => ({ path: port.path, description: port.manufacturer })) };
  } catch (caught) {
    error = caught instanceof Error ? caught.message : String(caught);
  }
  return { ports: scanDevForSerialPorts(), error };
}

/** Device files that look like USB serial adapters, for when serialport cannot list (no udevadm). */
function scanDevForSerialPorts(): Array<{ path: string; description?: string }> {
  if (process.platform === "win32") return [];
  const found: Array<{ path: string; description?: string }> = [];
  try {
    for (const name of fs.readdirSync("/dev")) {
      if (/^(ttyUSB|ttyACM|cu\.usb|tty\.usb|cu\.SLAB|cu\.wchusb)/.test(name)) found.push({ path: `/dev/${name}` });
    }
  } catch {
    // no /dev: nothing to offer
  }
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

/** What the file system says about a serial device before the CLI tries it ("unknown": a Windows COM port). */
export type DeviceCheck = { ok: true; exists: boolean | "unknown" } | { ok: false; error: NodeJS.ErrnoException };

/**
 * Checks that a serial device exists and can be opened for reading and
 * writing (COM ports on Windows are left to the CLI). Missing devices are
 * reported as exists:false, permission problems as the fs error.
 */
export function checkSerialDevice(devicePath: string): DeviceCheck {
  if (process.platform === "win32" || /^COM\d+$/i.test(devicePath)) return { ok: true, exists: "unknown" };
  try {
    fs.statSync(devicePath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return { ok: true, exists: false };
    return { ok: false, error: error as NodeJS.ErrnoException };
  }
  try {
    fs.accessSync(devicePath, fs.constants.R_OK | fs.constants.W_OK);
  } catch (error) {
    return { ok: false, error: error as NodeJS.ErrnoException };
  }
  return { ok: true, exists: true };
}
