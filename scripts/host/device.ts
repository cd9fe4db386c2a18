// The virtual device: the host runtime behind an Espruino console on a TCP
// port, like Espruino's Linux build with --telnet, so that the real espruino
// CLI (`-p tcp://HOST:PORT`) can query it, upload, save to Storage, reset and
// evaluate. One client at a time; Storage lives as long as the device (and
// optionally in a JSON file); boot code runs at start and on load()/E.reboot().
import net from "node:net";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { EspruinoConsole } from "./console.ts";
import { BOARD, ESPRUINO_VERSION, createHostRuntime, type HostRuntime, type HostRuntimeExtras } from "./runtime.ts";
import type { Firmware } from "./firmware.ts";

export interface VirtualDeviceOptions {
  host?: string;
  port?: number;
  /** The firmware whose TLS the device plays (default: the recommended one). */
  firmware?: Firmware;
  /** Like firmware built without TLS (require("tls") fails). */
  noTls?: boolean;
  /** Keep Storage in this JSON file (read at start, written on change). */
  storageFile?: string;
  /** Told about connections and what the device prints (for a CLI's log). */
  log?: (event: "listening" | "connected" | "disconnected" | "refused", detail: string) => void;
  /** Everything the console sends, also when no client is connected. */
  onOutput?: (text: string) => void;
}

export interface VirtualDevice {
  host: string;
  port: number;
  url: string;
  storage: Map<string, string>;
  runtime: HostRuntime & HostRuntimeExtras;
  close(): Promise<void>;
}

/** A Map that tells when it changes (so the Storage file can be rewritten). */
class WatchedMap extends Map<string, string> {
  onChange: () => void = () => {};
  override set(key: string, value: string): this {
    super.set(key, value);
    this.onChange();
    return this;
  }
  override delete(key: string): boolean {
    const had = super.delete(key);
    if (had) this.onChange();
    return had;
  }
  override clear(): void {
    super.clear();
    this.onChange();
  }
}

function loadStorage(file: string | undefined): WatchedMap {
  const storage = new WatchedMap();
  if (!file) return storage;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return storage;
    throw error;
  }
  const data = JSON.parse(text) as Record<string, string>;
  // Contents are binary strings; the file keeps them as base64.
  for (const [name, value] of Object.entries(data)) storage.set(name, Buffer.from(value, "base64").toString("latin1"));
  return storage;
}

function saveStorage(file: string, storage: Map<string, string>): void {
  const data: Record<string, string> = {};
  for (const [name, value] of storage) data[name] = Buffer.from(value, "latin1").toString("base64");
  writeFileSync(file + ".tmp", JSON.stringify(data, null, 1) + "\n");
  renameSync(file + ".tmp", file);
}

export function startVirtualDevice(options: VirtualDeviceOptions = {}): Promise<VirtualDevice> {
  const host = options.host ?? "127.0.0.1";
  const storage = loadStorage(options.storageFile);
  let client: net.Socket | null = null;
  let promptPending = false;
  let saveTimer: NodeJS.Timeout | null = null;

  const send = (text: string): void => {
    options.onOutput?.(text);
    if (client && !client.destroyed) client.write(Buffer.from(text, "latin1"));
  };

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
  const terminal = new EspruinoConsole(evaluator, send, `Espruino ${ESPRUINO_VERSION} ${BOARD}`);
  const runtime = createHostRuntime({
    firmware: options.firmware,
    noTls: options.noTls,
    storage,
    write: (text) => {
      terminal.print(text);
      schedulePrompt();
    },
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

  if (options.storageFile) {
    const file = options.storageFile;
    storage.onChange = () => {
      if (saveTimer) return;
      saveTimer = setTimeout(() => {
        saveTimer = null;
        saveStorage(file, storage);
      }, 50);
    };
  }

  // Power on: boot code from Storage runs before anyone is connected.
  runtime.boot("power-on");

  const server = net.createServer((socket) => {
    const where = `${socket.remoteAddress}:${socket.remotePort}`;
    if (client && !client.destroyed) {
      options.log?.("refused", where);
      socket.end("Another client is connected to this virtual device.\r\n");
      return;
    }
    client = socket;
    socket.setNoDelay(true);
    options.log?.("connected", where);
    terminal.attach();
    socket.on("data", (data: Buffer) => {
      // A reset()/load()/E.reboot() on a line happens before the next line runs.
      terminal.receive(data.toString("latin1"), () => runtime.performPendingReboot());
      schedulePrompt();
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      if (client === socket) client = null;
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
        storage,
        runtime,
        close: () =>
          new Promise<void>((done) => {
            runtime.close();
            if (saveTimer) {
              clearTimeout(saveTimer);
              saveTimer = null;
              if (options.storageFile) saveStorage(options.storageFile, storage);
            }
            client?.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
