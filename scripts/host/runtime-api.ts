// The host runtime's public shapes: what its users pass (options) and get
// (the runtime), and what it says it is. runtime.ts builds it.
import type { TlsModule } from "../../typings/espruino.d.ts";
import type { Firmware } from "./firmware.ts";
import type { BlockingConnect } from "./blocking-connect.ts";
import type { TlsHandshake } from "./tls-socket.ts";

/** The Espruino version the runtime imitates (process.version, the banner). */
export const ESPRUINO_VERSION = "2v29";
/** process.env.BOARD, and the banner's board name. */
export const BOARD = "HOST_RUNTIME";

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
  connect?: (host: string, port: number) => BlockingConnect;
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

/** What run-bundle.ts and the virtual device need beyond HostRuntime. */
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
