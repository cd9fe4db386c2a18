// The virtual device: the host runtime behind an Espruino console on a TCP
// port, like Espruino's Linux build with --telnet, so that the real espruino
// CLI (`-p tcp://HOST:PORT`) can query it, upload, save to Storage, reset and
// evaluate. One client at a time; Storage lives as long as the device (and
// optionally in a JSON file); boot code runs at start and on load()/E.reboot().
// With `tty` it serves the console on a terminal instead (one end of a
// pseudo-terminal pair, see test/support/serial-bench.ts), like the ESP32's
// UART console: process.env.CONSOLE is "Serial1" and input goes through
// Espruino's input buffer with XON/XOFF (serial-input.ts).
import net from "node:net";
import { closeSync, constants, openSync } from "node:fs";
import tty from "node:tty";
import { EspruinoConsole } from "./console.ts";
import { BOARD, ESPRUINO_VERSION, createHostRuntime, type HostRuntime, type HostRuntimeExtras } from "./runtime.ts";
import { FIFO_FULL_MESSAGE, SerialInputQueue, type SerialInputCounts } from "./serial-input.ts";
import type { Firmware } from "./firmware.ts";
import { type WatchedMap, keepStorageInFile, loadStorage } from "./storage-file.ts";

export interface VirtualDeviceOptions {
  host?: string;
  port?: number;
  /** Serve the console on this terminal (raw mode, e.g. a pty from socat's `raw,echo=0`) instead of TCP. */
  tty?: string;
  /** The firmware whose TLS the device plays (default: the recommended one). */
  firmware?: Firmware;
  /** Like firmware built without TLS (require("tls") fails). */
  noTls?: boolean;
  /** Keep Storage in this JSON file (read at start, written on change). */
  storageFile?: string;
  /** Told about connections (for a CLI's log); "hangup": the tty's other end closed, the device no longer has a line. */
  log?: (event: "listening" | "connected" | "disconnected" | "refused" | "hangup", detail: string) => void;
  /** Everything the console sends, also when no client is connected. */
  onOutput?: (text: string) => void;
}

export interface VirtualDevice {
  /** Where it listens (TCP only). */
  host?: string;
  port?: number;
  /** What the espruino CLI's -p and upload/repl's --port take: tcp://HOST:PORT, or the tty's path. */
  url: string;
  storage: Map<string, string>;
  runtime: HostRuntime & HostRuntimeExtras;
  /** The serial line, when the console is on a tty; null over TCP. */
  serial: SerialLine | null;
  close(): Promise<void>;
}

export interface SerialLine {
  /**
   * The interpreter takes no input until the returned function is called, as
   * while a flash erase or a blocking TLS handshake runs; input queues up in
   * Espruino's input buffer meanwhile (XOFF, XON, FIFO_FULL).
   */
  stall(): () => void;
  /** What the input buffer went through so far. */
  counts(): SerialInputCounts;
}

/** Opens a terminal for the console, raw: every byte as it comes. Throws ENOTTY for anything else. */
function openTty(path: string): tty.ReadStream {
  // O_NONBLOCK: a serial port without carrier would otherwise block the open.
  const fd = openSync(path, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
  if (!tty.isatty(fd)) {
    closeSync(fd);
    throw Object.assign(new Error(`${path} is not a terminal`), { code: "ENOTTY" });
  }
  const line = new tty.ReadStream(fd);
  line.setRawMode(true);
  return line;
}

/** The interpreter behind the console, whatever carries the console. */
interface DeviceCore {
  storage: WatchedMap;
  runtime: HostRuntime & HostRuntimeExtras;
  terminal: EspruinoConsole;
  /** Where the console prints: the TCP client, the tty, or nobody. */
  client: net.Socket | null;
  /** Characters for the interpreter; a reset()/load()/E.reboot() on a line happens before the next line runs. */
  receive(text: string): void;
  /** Output of the interpreter's own (an error report), then the prompt back. */
  print(text: string): void;
  closed: boolean;
  /** Stops the runtime, writes Storage out, drops the client. */
  close(): void;
}

/** Storage, runtime and console, wired; the boot code has run. */
function createCore(options: VirtualDeviceOptions, consoleDevice: "Telnet" | "Serial1", client: net.Socket | null): DeviceCore {
  const storage = loadStorage(options.storageFile);
  const storageFile = options.storageFile ? keepStorageInFile(storage, options.storageFile) : null;
  let promptPending = false;

  // The console and the runtime refer to each other; neither calls the other before both exist.
  const evaluator = {
    evaluate(line: string): { ok: true; value: unknown } | { ok: false } {
      try {
        return { ok: true, value: runtime.evaluate(line) };
      } catch (error) {
        runtime.reportUncaught(error);
        return { ok: false };
      }
    },
    format: (value: unknown) => runtime.formatResult(value),
  };
  const send = (text: string): void => {
    options.onOutput?.(text);
    if (core.client && !core.client.destroyed) core.client.write(Buffer.from(text, "latin1"));
  };
  const terminal = new EspruinoConsole(evaluator, send, `Espruino ${ESPRUINO_VERSION} ${BOARD}`);
  const runtime = createHostRuntime({
    firmware: options.firmware,
    noTls: options.noTls,
    storage,
    consoleDevice,
    write: (text) => core.print(text),
    onEcho: (on) => terminal.setEcho(on),
  });

  /** Like the end of Espruino's idle loop: the prompt comes back once the output is done. */
  function schedulePrompt(): void {
    if (promptPending) return;
    promptPending = true;
    setImmediate(() => {
      promptPending = false;
      terminal.returnInputLine();
    });
  }

  const core: DeviceCore = {
    storage,
    runtime,
    terminal,
    client,
    closed: false,
    receive(text) {
      terminal.receive(text, () => runtime.performPendingReboot());
      schedulePrompt();
    },
    print(text) {
      terminal.print(text);
      schedulePrompt();
    },
    close() {
      core.closed = true;
      runtime.close();
      storageFile?.flush();
      core.client?.destroy();
    },
  };
  // Power on: boot code from Storage runs before anyone is connected.
  runtime.boot("power-on");
  return core;
}

/**
 * The console on a terminal, like a board's UART: always there (the board
 * prints whether or not anyone listens), input through Espruino's input
 * buffer, which a stalled interpreter leaves to fill.
 */
function serveOnTty(core: DeviceCore, line: tty.ReadStream, path: string, options: VirtualDeviceOptions): VirtualDevice {
  const input = new SerialInputQueue((character) => void line.write(character));
  let stalls = 0;
  const drainInput = (): void => {
    if (stalls > 0 || core.closed) return;
    const text = input.take();
    if (text) core.receive(text);
    if (input.takeLostReport()) core.print(FIFO_FULL_MESSAGE);
  };
  core.terminal.attach();
  line.on("data", (data: Buffer) => {
    input.push(data.toString("latin1"));
    drainInput();
  });
  line.on("error", () => {});
  line.once("close", () => {
    core.client = null;
    if (!core.closed) options.log?.("hangup", path);
  });
  options.log?.("listening", path);
  return {
    url: path,
    storage: core.storage,
    runtime: core.runtime,
    serial: {
      stall() {
        stalls++;
        let resumed = false;
        return () => {
          if (resumed) return;
          resumed = true;
          stalls--;
          drainInput();
        };
      },
      counts: () => ({ ...input.counts }),
    },
    close: async () => core.close(),
  };
}

/** The console on a TCP port, like Espruino's telnet console: one client at a time. */
function serveOnTcp(core: DeviceCore, options: VirtualDeviceOptions): Promise<VirtualDevice> {
  const host = options.host ?? "127.0.0.1";
  const server = net.createServer((socket) => {
    const where = `${socket.remoteAddress}:${socket.remotePort}`;
    if (core.client && !core.client.destroyed) {
      options.log?.("refused", where);
      socket.end("Another client is connected to this virtual device.\r\n");
      return;
    }
    core.client = socket;
    socket.setNoDelay(true);
    options.log?.("connected", where);
    core.terminal.attach();
    socket.on("data", (data: Buffer) => core.receive(data.toString("latin1")));
    socket.on("error", () => {});
    socket.on("close", () => {
      if (core.client === socket) core.client = null;
      options.log?.("disconnected", where);
    });
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 2323, host, () => {
      server.off("error", reject);
      const port = (server.address() as net.AddressInfo).port;
      const url = `tcp://${host}:${port}`;
      options.log?.("listening", url);
      resolve({
        host,
        port,
        url,
        storage: core.storage,
        runtime: core.runtime,
        serial: null,
        close: () =>
          new Promise<void>((done) => {
            core.close();
            server.close(() => done());
          }),
      });
    });
  });
}

export function startVirtualDevice(options: VirtualDeviceOptions = {}): Promise<VirtualDevice> {
  if (options.tty === undefined) return serveOnTcp(createCore(options, "Telnet", null), options);
  // The terminal first: a bad path fails before any boot code runs.
  const line = openTty(options.tty);
  try {
    return Promise.resolve(serveOnTty(createCore(options, "Serial1", line), line, options.tty, options));
  } catch (error) {
    line.destroy();
    throw error;
  }
}
