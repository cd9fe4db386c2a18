// The host runtime: runs an Espruino app bundle unchanged in a Node `vm`
// context that provides Espruino's globals and built-in modules (as the
// Linux build has them: tls, Storage, no Wifi). This file is the interpreter's
// life: running code, reporting what it throws, resets and boots; the app's
// realm is realm.ts, one boot's state and event queue session.ts, the globals
// globals/.
//
// Espruino semantics kept here:
// - callbacks (timers, socket events) run one at a time; an exception in one
//   goes to process.on('uncaughtException') listeners, or is printed as
//   "Uncaught <error>" when there are none, and the program carries on;
// - reset()/load()/E.reboot() happen when the current code returns, then run
//   the boot code from Storage the way jsiSemiInit does (.bootcde after load()
//   and a reboot, only .bootrst after reset()).
import vm from "node:vm";
import { DeviceClock } from "./device-clock.ts";
import type { Callable } from "./event-listeners.ts";
import { firmwareProblem, firmwareTls } from "./firmware.ts";
import { formatResult, uncaughtText } from "./format.ts";
import { installGlobals } from "./globals/install.ts";
import type { RuntimeServices } from "./globals/runtime-services.ts";
import { estimateBlocks } from "./memory-estimate.ts";
import {
  BOARD,
  ESPRUINO_VERSION,
  type BootKind,
  type HostRuntime,
  type HostRuntimeExtras,
  type HostRuntimeOptions,
} from "./runtime-api.ts";
import { Session } from "./session.ts";
import { TOTAL_BLOCKS } from "./sizeof.ts";
import { addRejectionHandler, removeRejectionHandler, type RejectionHandler } from "./unhandled-rejection.ts";

export { BOARD, ESPRUINO_VERSION } from "./runtime-api.ts";
export type { BootKind, HostRuntime, HostRuntimeExtras, HostRuntimeOptions } from "./runtime-api.ts";

class Runtime implements HostRuntime, HostRuntimeExtras, RejectionHandler {
  readonly storage: Map<string, string>;
  private readonly write: (text: string) => void;
  private readonly clock = new DeviceClock();
  private session: Session;
  private peak = 0;
  private pendingReboot: { kind: BootKind; file?: string } | null = null;

  constructor(private readonly options: HostRuntimeOptions) {
    const problem = firmwareProblem(firmwareTls(options.firmware));
    if (problem) throw new Error(problem);
    this.storage = options.storage ?? new Map();
    this.write = options.write ?? ((text) => void process.stdout.write(text));
    this.session = this.createSession();
    addRejectionHandler(this);
  }

  /** A rejected promise of this runtime's realm nobody handled: true when it was ours. */
  handleRejection(reason: unknown, promise: Promise<unknown>): boolean {
    const session = this.session;
    const RealmPromise = vm.runInContext("Promise", session.realm.context) as PromiseConstructor;
    if (session.closed || !(promise instanceof RealmPromise)) return false;
    this.reportUncaught(session.helpers.newError("Error", "Unhandled promise rejection: " + uncaughtText(reason)));
    this.afterCallback();
    return true;
  }

  // --- HostRuntime ------------------------------------------------------------

  run(code: string, filename = "code"): void {
    const session = this.session;
    session.codeLength += code.length;
    try {
      new vm.Script(code, { filename }).runInContext(session.realm.context);
    } catch (error) {
      if (session === this.session) this.reportUncaught(error);
    }
  }

  evaluate(expression: string): unknown {
    return vm.runInContext(expression, this.session.realm.context, { filename: "REPL" });
  }

  reset(): void {
    this.session.dispose();
    this.pendingReboot = null;
    this.session = this.createSession();
  }

  memoryPeak(): number {
    return this.peak;
  }

  close(): void {
    this.session.dispose();
    this.pendingReboot = null;
    removeRejectionHandler(this);
  }

  // --- HostRuntimeExtras ------------------------------------------------------

  isIdle(): boolean {
    const session = this.session;
    return session.closed || (!session.hasPendingWork() && this.pendingReboot === null);
  }

  formatResult(value: unknown): string {
    return formatResult(value);
  }

  reportUncaught(error: unknown): void {
    const listeners = this.session.processListeners.of("uncaughtException");
    if (listeners.length > 0) {
      for (const listener of listeners) {
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
    for (const listener of this.session.eListeners.of("init")) this.call(listener, []);
    const onInit = this.session.realm.context.onInit as unknown;
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

  // --- internals --------------------------------------------------------------

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

  /** Run a callback into the app; an exception becomes an uncaught error. */
  private call(fn: Callable, args: unknown[]): void {
    const session = this.session;
    try {
      fn(...args);
    } catch (error) {
      if (session === this.session && !session.closed) this.reportUncaught(error);
    }
    this.afterCallback();
  }

  private afterCallback(): void {
    if (this.pendingReboot) setImmediate(() => this.performPendingReboot());
  }

  private requestReboot(kind: BootKind, file?: string): void {
    this.pendingReboot = { kind, file };
    setImmediate(() => this.performPendingReboot());
  }

  /** process.memory()'s usage, capped at the store's size; the peak is kept for memoryPeak(). */
  private memoryUsage(session: Session): number {
    const usage = Math.min(TOTAL_BLOCKS, estimateBlocks(session));
    if (usage > this.peak) this.peak = usage;
    return usage;
  }

  private createSession(): Session {
    const session = new Session(
      (error) => this.reportUncaught(error),
      () => this.afterCallback(),
    );
    installGlobals(this.servicesFor(session));
    session.builtins = new Set(Object.getOwnPropertyNames(session.realm.globalObject));
    return session;
  }

  private servicesFor(session: Session): RuntimeServices {
    return {
      session,
      options: this.options,
      storage: this.storage,
      clock: this.clock,
      write: (text) => this.write(text),
      run: (code, filename) => this.run(code, filename),
      call: (fn, args) => this.call(fn, args),
      reportUncaught: (error) => this.reportUncaught(error),
      requestReboot: (kind, file) => this.requestReboot(kind, file),
      memoryUsage: () => this.memoryUsage(session),
    };
  }
}

export function createHostRuntime(options: HostRuntimeOptions = {}): HostRuntime & HostRuntimeExtras {
  return new Runtime(options);
}
