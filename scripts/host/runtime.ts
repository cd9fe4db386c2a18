// The host runtime: runs an Espruino app bundle unchanged in a Node `vm`
// context that provides Espruino's globals and built-in modules (as the
// Linux build has them: tls, Storage, no Wifi). See contracts.md §2.
//
// Espruino semantics kept here:
// - callbacks (timers, socket events) run one at a time; an exception in one
//   goes to process.on('uncaughtException') listeners, or is printed as
//   "Uncaught <error>" when there are none, and the program carries on;
// - clearTimeout() with no argument clears every timer, clearTimeout(undefined)
//   throws; timer ids are small integers;
// - require() knows only built-in modules and throws `Module "X" not found`;
// - reset()/load()/E.reboot() happen when the current code returns, then run
//   the boot code from Storage the way jsiSemiInit does (.bootcde after load()
//   and a reboot, only .bootrst after reset()).
import vm from "node:vm";
import type { TlsModule } from "../../typings/espruino.d.ts";
import { atob as espruinoAtob, btoa as espruinoBtoa } from "./base64.ts";
import { formatPrintArgs, formatResult, formatValue } from "./format.ts";
import { BASE_BLOCKS, BLOCK_BYTES, TOTAL_BLOCKS, codeBlocks, sizeOfValue } from "./sizeof.ts";
import { StorageError, createStorage } from "./storage.ts";
import { createTlsModule, type TlsHandshake, type TlsHost } from "./tls.ts";
import { type Firmware, firmwareProblem, firmwareTls } from "./firmware.ts";
import { parseUrl } from "./url-parse.ts";
import { currentTime } from "../lib/clock.ts";
import type { ProbeResult } from "./blocking-connect.ts";

export interface HostRuntimeOptions {
  /** Which firmware's TLS to play (firmware.ts); the recommended wolfSSL firmware by default. */
  firmware?: Firmware;
  /** Told what each TLS connection negotiated (the app cannot see it; the host tools report it). */
  onTlsHandshake?: (handshake: TlsHandshake) => void;
  /** Like firmware built without TLS: require("tls") throws `Module "tls" not found`, MODULES lists no tls. */
  noTls?: boolean;
  /** Where console output goes (default: process.stdout). */
  write?: (text: string) => void;
  /** Replaces the tls module (the unit-test stub plugs in here). */
  tls?: TlsModule;
  /** Storage contents; the virtual device keeps one across resets. */
  storage?: Map<string, string>;
  /** Told about `echo(on)` (the virtual device's console uses it). */
  onEcho?: (on: boolean) => void;
  /** process.env.CONSOLE: "Telnet" (default, the virtual device over TCP) or "Serial1" (a UART console, as on the ESP32). */
  consoleDevice?: "Telnet" | "Serial1";
  /** Replaces the blocking reachability check before each TLS connection (tests). */
  probe?: (host: string, port: number) => ProbeResult;
}

export interface HostRuntime {
  /** Evaluate a script in the Espruino-like context. Errors are reported the Espruino way, not thrown. */
  run(code: string, filename?: string): void;
  /** REPL: evaluate and return the value (throws what the code throws). */
  evaluate(expression: string): unknown;
  /** Drop timers, sockets, listeners and globals; fresh context. */
  reset(): void;
  /** Peak process.memory().usage seen, in blocks. */
  memoryPeak(): number;
  /** Like reset, and release everything. */
  close(): void;
}

/** What the run CLI and the virtual device need beyond the contract. */
export interface HostRuntimeExtras {
  /** True when nothing is pending: no timers, no sockets, no queued callbacks. */
  isIdle(): boolean;
  /** Report an exception as Espruino does after a REPL line or callback. */
  reportUncaught(error: unknown): void;
  /** A pending reset()/load()/E.reboot() requested by the code, performed now. */
  performPendingReboot(): boolean;
  /** Boot as the device would: "power-on" (start, E.reboot), "load" (load()), "reset" (reset()). */
  boot(kind: BootKind, file?: string): void;
  /** The REPL's `=value` text for a value. */
  formatResult(value: unknown): string;
  /** The Storage contents (shared with options.storage). */
  readonly storage: Map<string, string>;
}

export type BootKind = "power-on" | "load" | "reset";

export const ESPRUINO_VERSION = "2v29";
export const BOARD = "HOST_RUNTIME";

/** The few context-realm helpers, created inside each fresh context. */
interface RealmHelpers {
  newError(type: string, message: string): object;
  object<T extends object>(fields: T): T;
  array<T>(items: T[]): T[];
  parseJson(text: string): unknown;
  stringify(value: unknown): string | undefined;
}

/**
 * Built-ins V8 has and Espruino 2v29 does not (measured: docs/espruino-language.md,
 * "Built-in objects"). They are removed from the app's realm so that code relying on them fails
 * here as it would on a board. Prototype methods are per realm, so deleting
 * them does not touch Node's own.
 */
const MISSING_BUILTINS: Record<string, string[]> = {
  "": ["Map", "Set", "WeakMap", "WeakSet", "Symbol"],
  Number: ["isNaN", "isFinite", "isInteger", "parseInt", "MAX_SAFE_INTEGER"],
  Date: ["UTC"],
  "Date.prototype": ["getUTCHours", "getUTCMinutes", "getUTCSeconds", "getUTCMilliseconds", "getUTCDay", "getUTCDate", "getUTCMonth", "getUTCFullYear"],
  Math: ["trunc"],
  Object: ["freeze"],
  Array: ["from", "of"],
  "Array.prototype": ["flat", "flatMap", "at", "findLast", "entries", "keys", "reduceRight", "lastIndexOf"],
  String: ["fromCodePoint"],
  "String.prototype": ["at", "trimStart", "trimEnd", "codePointAt", "normalize", "localeCompare", "search"],
};

// Espruino's InternalError is not an Error: `instanceof Error` is false, its
// own keys are message and type, and String(e) is "InternalError: message"
// (measured on 2v29). Errors of other types are the realm's own, plus `type`.
const REALM_BOOTSTRAP = `(function (global) {
  function InternalError(message) {
    if (!(this instanceof InternalError)) return new InternalError(message);
    this.message = String(message);
    this.type = "InternalError";
  }
  Object.defineProperty(InternalError.prototype, "toString", {
    value: function () { return this.type + ": " + this.message; }, writable: true, configurable: true,
  });
  Object.defineProperty(global, "InternalError", { value: InternalError, writable: true, configurable: true });
  var missing = ${JSON.stringify(MISSING_BUILTINS)};
  Object.keys(missing).forEach(function (path) {
    var owner = path === "" ? global : path.split(".").reduce(function (o, k) { return o[k]; }, global);
    missing[path].forEach(function (name) { delete owner[name]; });
  });
  return {
    newError: function (type, message) {
      if (type === "InternalError") return new InternalError(message);
      var Ctor = global[type] || Error;
      var error = new Ctor(message);
      Object.defineProperty(error, "message", { value: String(message), enumerable: true, writable: true, configurable: true });
      error.type = type;
      return error;
    },
    object: function (fields) { return Object.assign({}, fields); },
    array: function (items) { return Array.prototype.slice.call(items); },
    parseJson: function (text) { return JSON.parse(text); },
    stringify: function (value) { return JSON.stringify(value); },
  };
})`;

type Callable = (...args: unknown[]) => unknown;

/** Binary string of the app's data: strings as they are, numbers as a byte, arrays and buffers byte-wise. */
function binaryOf(data: unknown): string {
  if (typeof data === "string") return data;
  if (typeof data === "number") return String.fromCharCode(data & 0xff);
  if (data === undefined || data === null) return "";
  const bytes: ArrayLike<unknown> | null = ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : Object.prototype.toString.call(data) === "[object ArrayBuffer]"
      ? new Uint8Array(data as ArrayBuffer)
      : Array.isArray(data)
        ? data
        : null;
  if (!bytes) return String(data);
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += String.fromCharCode((Number(bytes[i]) || 0) & 0xff);
  return out;
}

/** "Uncaught ..." text: Espruino prints the error's toString (for objects, its JSON-ish form). */
function uncaughtText(error: unknown): string {
  if (typeof error === "string") return error;
  if (error !== null && typeof error === "object") {
    if (Object.prototype.toString.call(error) === "[object Error]" || "message" in error) {
      const e = error as { type?: unknown; name?: unknown; message?: unknown };
      const type = typeof e.type === "string" ? e.type : typeof e.name === "string" ? e.name : "Error";
      return e.message === undefined ? type : `${type}: ${String(e.message)}`;
    }
    return formatValue(error);
  }
  return String(error);
}

/**
 * Unhandled promise rejections reach Node's process, not the context they
 * happened in. Rejections of promises from a runtime's realm go to that
 * runtime, reported as Espruino does ("Uncaught Error: Unhandled promise
 * rejection: ..."); any other keeps Node's behaviour (it is rethrown).
 */
const liveRuntimes = new Set<Runtime>();
let rejectionHookInstalled = false;

function installRejectionHook(): void {
  if (rejectionHookInstalled) return;
  rejectionHookInstalled = true;
  // Some hosts (mocha) re-emit the event: report each promise once.
  const reported = new WeakSet<Promise<unknown>>();
  process.on("unhandledRejection", (reason, promise) => {
    if (reported.has(promise)) return;
    for (const runtime of liveRuntimes) {
      if (runtime.handleRejection(reason, promise)) {
        reported.add(promise);
        return;
      }
    }
    throw reason;
  });
}

/** Everything that lives for one boot of the interpreter. */
class Session {
  readonly context: vm.Context;
  readonly helpers: RealmHelpers;
  readonly timers = new Map<number, NodeJS.Timeout>();
  readonly sockets = new Set<{ destroy(): void; memoryBlocks(): number }>();
  readonly listeners = new Map<string, Callable[]>(); // process.on
  readonly eListeners = new Map<string, Callable[]>(); // E.on
  readonly queue: Array<() => void> = [];
  nextTimerId = 1;
  drainScheduled = false;
  closed = false;
  modules = new Map<string, unknown>();
  /** Characters of code loaded (process.memory's model counts it). */
  codeLength = 0;
  /** The globals the runtime provides; the app's are the others. */
  builtins = new Set<string>();

  constructor() {
    this.context = vm.createContext({}, { name: "espruino" });
    const bootstrap = vm.runInContext(REALM_BOOTSTRAP, this.context) as (g: unknown) => RealmHelpers;
    this.helpers = bootstrap(vm.runInContext("globalThis", this.context));
  }
}

class Runtime implements HostRuntime, HostRuntimeExtras {
  readonly storage: Map<string, string>;
  private readonly write: (text: string) => void;
  private session: Session;
  private peak = 0;
  private clockOffsetMs = 0;
  private pendingReboot: { kind: BootKind; file?: string } | null = null;

  constructor(private readonly options: HostRuntimeOptions) {
    const problem = firmwareProblem(firmwareTls(options.firmware));
    if (problem) throw new Error(problem);
    this.storage = options.storage ?? new Map();
    this.write = options.write ?? ((text) => void process.stdout.write(text));
    this.session = this.createSession();
    liveRuntimes.add(this);
    installRejectionHook();
  }

  /** A rejected promise of this runtime's realm nobody handled: true when it was ours. */
  handleRejection(reason: unknown, promise: Promise<unknown>): boolean {
    const session = this.session;
    const RealmPromise = vm.runInContext("Promise", session.context) as PromiseConstructor;
    if (session.closed || !(promise instanceof RealmPromise)) return false;
    this.reportUncaught(session.helpers.newError("Error", "Unhandled promise rejection: " + uncaughtText(reason)));
    this.afterCallback();
    return true;
  }

  // --- contract -------------------------------------------------------------

  run(code: string, filename = "code"): void {
    const session = this.session;
    session.codeLength += code.length;
    try {
      new vm.Script(code, { filename }).runInContext(session.context);
    } catch (error) {
      if (session === this.session) this.reportUncaught(error);
    }
  }

  evaluate(expression: string): unknown {
    return vm.runInContext(expression, this.session.context, { filename: "REPL" });
  }

  reset(): void {
    this.dispose(this.session);
    this.pendingReboot = null;
    this.session = this.createSession();
  }

  memoryPeak(): number {
    return this.peak;
  }

  close(): void {
    this.dispose(this.session);
    this.pendingReboot = null;
    liveRuntimes.delete(this);
  }

  // --- extras ---------------------------------------------------------------

  isIdle(): boolean {
    const s = this.session;
    return s.closed || (s.timers.size === 0 && s.sockets.size === 0 && s.queue.length === 0 && this.pendingReboot === null);
  }

  formatResult(value: unknown): string {
    return formatResult(value);
  }

  reportUncaught(error: unknown): void {
    const listeners = this.session.listeners.get("uncaughtException") ?? [];
    if (listeners.length > 0) {
      for (const listener of [...listeners]) {
        try {
          listener(error);
        } catch (inner) {
          this.printUncaught(inner);
        }
      }
      return;
    }
    this.printUncaught(error);
  }

  performPendingReboot(): boolean {
    const pending = this.pendingReboot;
    if (!pending) return false;
    this.pendingReboot = null;
    this.boot(pending.kind, pending.file);
    return true;
  }

  /**
   * jsiSemiInit's order (measured on 2v29): boot code, E "init" and onInit,
   * then the banner (not for a plain load()), then load(file)'s file.
   */
  boot(kind: BootKind, file?: string): void {
    this.reset();
    // load(file) runs boot code as after a reset (only .bootrst), then the file.
    this.runBootCode(kind === "reset" || file !== undefined);
    this.emitE("init");
    const onInit = this.session.context.onInit as unknown;
    if (typeof onInit === "function") {
      this.write("Running onInit()...\n");
      this.call(onInit as Callable, []);
    }
    if (kind !== "load" || file !== undefined) this.write(`\n Espruino-compatible host runtime ${ESPRUINO_VERSION} (${BOARD})\n\n`);
    if (file !== undefined) {
      const code = this.storage.get(file);
      if (code !== undefined) this.run(code, file);
    }
  }

  // --- internals ------------------------------------------------------------

  /** jsfLoadBootCodeFromFlash: .boot0-3, then .bootrst, or .bootcde unless this is a reset. */
  private runBootCode(isReset: boolean): void {
    for (const name of [".boot0", ".boot1", ".boot2", ".boot3"]) {
      const code = this.storage.get(name);
      if (code !== undefined) this.run(code, name);
    }
    const resetCode = this.storage.get(".bootrst");
    const code = isReset || resetCode !== undefined ? resetCode : this.storage.get(".bootcde");
    if (code !== undefined) this.run(code, "boot code");
  }

  private printUncaught(error: unknown): void {
    this.write(`Uncaught ${uncaughtText(error)}\n`);
  }

  private dispose(session: Session): void {
    session.closed = true;
    for (const timer of session.timers.values()) clearTimeout(timer);
    session.timers.clear();
    for (const socket of [...session.sockets]) socket.destroy();
    session.sockets.clear();
    session.queue.length = 0;
    session.listeners.clear();
    session.eListeners.clear();
  }

  /** Run a callback into the app; an exception becomes an uncaught error. */
  private call(fn: Callable, args: unknown[], self?: unknown): void {
    const session = this.session;
    try {
      fn.apply(self, args);
    } catch (error) {
      if (session === this.session && !session.closed) this.reportUncaught(error);
    }
    this.afterCallback();
  }

  private afterCallback(): void {
    if (this.pendingReboot) setImmediate(() => this.performPendingReboot());
  }

  /** Events run in order, one after the other, like Espruino's event queue. */
  private enqueue(session: Session, task: () => void): void {
    if (session.closed) return;
    session.queue.push(task);
    if (session.drainScheduled) return;
    session.drainScheduled = true;
    setImmediate(() => {
      session.drainScheduled = false;
      while (session.queue.length > 0 && !session.closed) {
        const next = session.queue.shift() as () => void;
        try {
          next();
        } catch (error) {
          if (!session.closed) this.reportUncaught(error);
        }
      }
      this.afterCallback();
    });
  }

  /** The device's clock: the host's, moved by whatever setTime() the program called. */
  private deviceTime(): Date {
    return new Date(currentTime().getTime() + this.clockOffsetMs);
  }

  private emitE(event: string): void {
    for (const listener of [...(this.session.eListeners.get(event) ?? [])]) this.call(listener, []);
  }

  private requestReboot(kind: BootKind, file?: string): void {
    this.pendingReboot = { kind, file };
    setImmediate(() => this.performPendingReboot());
  }

  private createSession(): Session {
    const session = new Session();
    this.installGlobals(session);
    session.builtins = new Set(Object.getOwnPropertyNames(vm.runInContext("globalThis", session.context)));
    return session;
  }

  private installGlobals(session: Session): void {
    const g = session.context as Record<string, unknown>;
    const h = session.helpers;
    const error = (type: string, message: string): object => h.newError(type, message);
    const print = (...args: unknown[]): void => {
      this.write(formatPrintArgs(args) + "\n");
    };
    const addListener = (map: Map<string, Callable[]>, event: unknown, fn: unknown): void => {
      if (typeof fn !== "function") return;
      const name = String(event);
      map.set(name, [...(map.get(name) ?? []), fn as Callable]);
    };
    const removeListener = (map: Map<string, Callable[]>, event: unknown, fn: unknown): void => {
      const name = String(event);
      map.set(name, (map.get(name) ?? []).filter((l) => l !== fn));
    };

    // Timers -----------------------------------------------------------------
    const addTimer = (repeat: boolean, fn: unknown, ms: unknown, args: unknown[]): number => {
      if (typeof fn !== "function" && typeof fn !== "string") throw error("Error", "Function or String not supplied!");
      const id = session.nextTimerId++;
      const delay = Math.max(0, Number(ms) || 0);
      const fire = (): void => {
        if (session.closed) return;
        if (!repeat) session.timers.delete(id);
        if (typeof fn === "string") this.run(fn, "timer");
        else this.call(fn as Callable, args);
      };
      session.timers.set(id, repeat ? setInterval(fire, delay) : setTimeout(fire, delay));
      return id;
    };
    const clearTimer = (kind: "Timeout" | "Interval", args: unknown[]): void => {
      if (args.length === 0) {
        for (const timer of session.timers.values()) clearTimeout(timer);
        session.timers.clear();
        return;
      }
      if (args[0] === undefined) throw error("Error", `clear${kind}(undefined) not allowed. Use clear${kind}() instead`);
      const id = Number(args[0]);
      const timer = session.timers.get(id);
      if (timer) {
        clearTimeout(timer);
        session.timers.delete(id);
      }
    };
    g.setTimeout = (fn: unknown, ms: unknown, ...args: unknown[]) => addTimer(false, fn, ms, args);
    g.setInterval = (fn: unknown, ms: unknown, ...args: unknown[]) => addTimer(true, fn, ms, args);
    g.clearTimeout = (...args: unknown[]) => clearTimer("Timeout", args);
    g.clearInterval = (...args: unknown[]) => clearTimer("Interval", args);
    g.changeInterval = (id: unknown, ms: unknown) => {
      const timer = session.timers.get(Number(id));
      if (!timer) return;
      const callback = (timer as unknown as { _onTimeout: () => void })._onTimeout;
      clearInterval(timer);
      session.timers.set(Number(id), setInterval(callback, Math.max(0, Number(ms) || 0)));
    };

    // Console ------------------------------------------------------------------
    g.print = print;
    g.console = h.object({ log: print, debug: print, info: print, warn: print, error: print });
    g.echo = (on: unknown) => this.options.onEcho?.(Boolean(on));

    // Encoding and time ------------------------------------------------------
    g.atob = (text: unknown) => {
      if (typeof text !== "string") throw error("Error", `Expecting String, got ${text === null ? "null" : typeof text}`);
      return espruinoAtob(text);
    };
    g.btoa = (data: unknown) => {
      if (typeof data !== "string" && !Array.isArray(data) && !ArrayBuffer.isView(data)) {
        throw error("Error", `Expecting String or Array, got ${data === null ? "null" : typeof data}`);
      }
      return espruinoBtoa(typeof data === "string" ? data : binaryOf(data));
    };
    g.getTime = () => this.deviceTime().getTime() / 1000;
    g.setTime = (seconds: unknown) => {
      this.clockOffsetMs = Number(seconds) * 1000 - currentTime().getTime();
    };
    g.global = vm.runInContext("globalThis", session.context);

    // url ----------------------------------------------------------------------
    g.url = h.object({
      parse: (text: unknown, parseQuery?: unknown) => {
        const parsed = parseUrl(text, Boolean(parseQuery));
        if (!parsed) return undefined;
        const query = parsed.query;
        return h.object({ ...parsed, query: query !== null && typeof query === "object" ? h.object(query) : query });
      },
    });

    // E ------------------------------------------------------------------------
    g.E = h.object({
      toString: (...args: unknown[]) => args.map(binaryOf).join(""),
      getSizeOf: (value: unknown) => sizeOfValue(value),
      // Nothing to compact: V8 manages this memory. The app calls it before each TLS connection.
      defrag: () => undefined,
      reboot: () => this.requestReboot("power-on"),
      setTimeZone: () => undefined,
      on: (event: unknown, fn: unknown) => addListener(session.eListeners, event, fn),
      removeListener: (event: unknown, fn: unknown) => removeListener(session.eListeners, event, fn),
      removeAllListeners: (event?: unknown) => (event === undefined ? session.eListeners.clear() : session.eListeners.delete(String(event))),
      emit: (event: unknown, ...args: unknown[]) => {
        for (const l of [...(session.eListeners.get(String(event)) ?? [])]) l(...args);
      },
    });

    // process ------------------------------------------------------------------
    g.process = h.object({
      version: ESPRUINO_VERSION,
      env: h.object({
        VERSION: ESPRUINO_VERSION,
        BOARD,
        FLASH: 0,
        STORAGE: 0x30000,
        RAM: TOTAL_BLOCKS * BLOCK_BYTES,
        SERIAL: "00000000-0000-0000-0000-000000000000",
        CONSOLE: this.options.consoleDevice ?? "Telnet",
        MODULES: this.options.noTls ? "Storage" : "Storage,tls",
        EXPTR: 0,
      }),
      memory: () => {
        const usage = Math.min(TOTAL_BLOCKS, this.estimateBlocks(session));
        if (usage > this.peak) this.peak = usage;
        return h.object({ free: TOTAL_BLOCKS - usage, usage, total: TOTAL_BLOCKS, history: 0, gc: 0, gctime: 0, blocksize: BLOCK_BYTES });
      },
      on: (event: unknown, fn: unknown) => addListener(session.listeners, event, fn),
      removeListener: (event: unknown, fn: unknown) => removeListener(session.listeners, event, fn),
      removeAllListeners: (event?: unknown) => (event === undefined ? session.listeners.clear() : session.listeners.delete(String(event))),
    });

    // Device control -------------------------------------------------------------
    g.reset = () => this.requestReboot("reset");
    g.load = (file?: unknown) => this.requestReboot("load", file === undefined ? undefined : String(file));
    g.save = () => this.write("save() is not supported by the host runtime: use Storage (.bootcde)\n");

    // Modules --------------------------------------------------------------------
    g.require = (name: unknown) => {
      const id = String(name);
      const cached = session.modules.get(id);
      if (cached) return cached;
      const module = this.createModule(session, id);
      if (module === undefined) throw error("Error", `Module ${JSON.stringify(id)} not found`);
      session.modules.set(id, module);
      return module;
    };
  }

  /** process.memory()'s model (sizeof.ts): rest + code + the app's globals + connections. */
  private estimateBlocks(session: Session): number {
    const global = vm.runInContext("globalThis", session.context) as Record<string, unknown>;
    const seen = new Set<object>();
    let globals = 0;
    for (const name of Object.getOwnPropertyNames(global)) {
      if (session.builtins.has(name)) continue;
      globals += 1 + sizeOfValue(global[name], seen);
    }
    let sockets = 0;
    for (const socket of session.sockets) sockets += socket.memoryBlocks();
    return BASE_BLOCKS + codeBlocks(session.codeLength) + globals + sockets;
  }

  private createModule(session: Session, id: string): unknown {
    const h = session.helpers;
    if (id === "Storage") {
      const storage = createStorage(this.storage, binaryOf, (text) => h.parseJson(text), (value) => h.stringify(value) ?? "");
      const wrapped = h.object({ ...storage, list: (pattern?: RegExp | string) => h.array(storage.list(pattern)) });
      // StorageError -> an Espruino error of the app's realm.
      for (const [key, fn] of Object.entries(wrapped)) {
        if (typeof fn !== "function") continue;
        (wrapped as Record<string, unknown>)[key] = (...args: unknown[]) => {
          try {
            return (fn as Callable)(...args);
          } catch (e) {
            if (e instanceof StorageError) throw h.newError("Error", e.message);
            throw e;
          }
        };
      }
      return wrapped;
    }
    if (id === "tls") {
      if (this.options.noTls) return undefined;
      if (this.options.tls) return this.options.tls;
      const host: TlsHost = {
        queue: (task) => this.enqueue(session, task),
        raise: (e) => this.enqueue(session, () => this.reportUncaught(e)),
        newError: (type, message) => h.newError(type, message),
        newObject: (fields) => h.object(fields),
        print: (text) => this.write(text),
        track: (socket) => session.sockets.add(socket),
        untrack: (socket) => session.sockets.delete(socket),
        // Certificate dates are judged by the device's clock, as mbedTLS does on a board.
        now: () => this.deviceTime(),
        onHandshake: this.options.onTlsHandshake,
      };
      const module = createTlsModule(host, { firmware: firmwareTls(this.options.firmware), probe: this.options.probe });
      return h.object({ connect: module.connect });
    }
    return undefined;
  }
}

export function createHostRuntime(options: HostRuntimeOptions = {}): HostRuntime & HostRuntimeExtras {
  return new Runtime(options);
}
