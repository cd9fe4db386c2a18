// One upload through the espruino CLI, followed by what the CLI reports:
// connecting (with the CLI's failures read into problems), the upload going
// out (progress, stalls), then the board's lines until its RESULT, an error
// or a timeout. The result is the exit code of `npm run upload`.
import { existsSync } from "node:fs";
import { cliArgs } from "./espruino-cli.ts";
import type { BoardEnv, CliEvent } from "./cli-output.ts";
import { boardAnswerKind, connectProblemOf, explainWithFacts, openCli, type CliConnection, type OpenCliOptions } from "./cli-connection.ts";
import { portText, previewBytes, SUGGESTED_BAUD, type ConnectProblem, type PortSpec } from "./port.ts";
import { closedMidUploadMessage, lostInputMessage, reportsLostInput } from "./upload-damage.ts";
import type { UploadOutput } from "./upload-output.ts";
import { EXIT, exitCodeFor, parseResultLine, ratingReasons, type ResultJson, type FailOn } from "../lib/result.ts";

/** Where the user goes for firmware with TLS. */
export const FIRMWARE_README = "firmware/README.md";

/** How long opening the port may take, and the board's first answer. */
export const OPEN_TIMEOUT_MS = 20_000;
export const CONNECT_TIMEOUT_MS = 45_000;
/** The upload is given up when the CLI reports no progress for this long. */
export const STALL_TIMEOUT_MS = 30_000;

/** Exit code for an upload the user interrupted (128 + SIGINT, as a shell reports it). */
const EXIT_INTERRUPTED = 130;

export interface UploadSessionOptions {
  port: PortSpec;
  baud: number;
  /** The serial device file is known to exist (then "not found" from the CLI means "not listed"). */
  deviceExists: boolean;
  /** The bundle, in a file the CLI reads. */
  file: string;
  /** The bundle's size, to say why more bytes go over the line. */
  bundleBytes: number;
  /** Sent to RAM (--ram) rather than stored. */
  ram: boolean;
  /** How long to wait for RESULT once the upload is out. */
  timeoutMs: number;
  failOn?: FailOn;
  verbose: boolean;
  output: UploadOutput;
  /** Aborting stops the CLI and ends the upload (exit 130). */
  signal?: AbortSignal;
  startCli?: OpenCliOptions["startCli"];
  /** Whether a serial device file is there now (tests stand in for the file system). */
  deviceFileExists?: (path: string) => boolean;
}

/** Runs the CLI and follows what it reports, until RESULT, an error or a timeout; returns the exit code. */
export function runUploadSession(options: UploadSessionOptions): Promise<number> {
  return new UploadSession(options).run();
}

/** Why the CLI sends more than the bundle: what it wraps the code in. */
function uploadWrapping(ram: boolean): string {
  return ram
    ? "the bundle after reset()"
    : 'the bundle written into Storage as require("Storage").write(".bootcde", ...) commands (escaped, in chunks), between reset() and load()';
}

/** A board echoing uploaded code (on an error) would show chunks of the bundle: never print those. */
function isEchoedUpload(line: string): boolean {
  return line.includes('require("Storage").write(') || line.includes("\\x10require(");
}

/** Timers by name; starting one again restarts it. */
class NamedTimers {
  private readonly running = new Map<string, NodeJS.Timeout>();

  start(name: string, ms: number, onExpiry: () => void): void {
    this.stop(name);
    this.running.set(name, setTimeout(onExpiry, ms));
  }

  stop(name: string): void {
    clearTimeout(this.running.get(name));
    this.running.delete(name);
  }

  stopAll(): void {
    for (const timer of this.running.values()) clearTimeout(timer);
    this.running.clear();
  }
}

class UploadSession {
  private readonly output: UploadOutput;
  private readonly where: string;
  private readonly timers = new NamedTimers();
  /** The CLI's latest notes, shown when it fails without saying why. */
  private readonly recentNotes: string[] = [];
  /**
   * What the board prints while the upload goes out (its banner after reset()) waits
   * until the progress has finished, so that it does not cut into the progress line.
   */
  private heldBoardLines: string[] | null = null;
  /** Why the CLI could not list serial ports, if it said. */
  private listFailure: string | undefined;
  /** The outcome is known (a problem may still be being explained): see stopFollowing. */
  private decided = false;
  /** The exit code is given. */
  private settled = false;
  private connection!: CliConnection;
  private resolveExit!: (code: number) => void;

  constructor(private readonly options: UploadSessionOptions) {
    this.output = options.output;
    this.where = portText(options.port);
  }

  run(): Promise<number> {
    const { port, baud, ram, file, timeoutMs, verbose, signal, startCli } = this.options;
    // The CLI stays connected long enough for a stalled upload and the whole wait for RESULT.
    const stayConnectedSeconds = Math.ceil((STALL_TIMEOUT_MS + timeoutMs) / 1000) + 60;
    return new Promise<number>((resolve) => {
      this.resolveExit = resolve;
      this.connection = openCli({
        args: cliArgs({ port, baud, mode: { kind: ram ? "ram" : "flash", file, stayConnectedSeconds } }),
        verbose,
        showNote: (text) => this.output.info(text),
        onEvent: (event) => this.handle(event),
        startCli,
      });
      signal?.addEventListener("abort", this.interrupted);
      this.timers.start("open", OPEN_TIMEOUT_MS, () => this.problem({ kind: "socket", port, code: "ETIMEDOUT", detail: `no connection within ${OPEN_TIMEOUT_MS / 1000} s` }));
      void this.connection.cli.exited.then(({ code, signal: killedBy }) => this.cliEnded(code, killedBy));
      if (signal?.aborted) this.interrupted();
    });
  }

  private handle(event: CliEvent): void {
    if (this.decided) return;
    switch (event.kind) {
      case "connecting":
        return this.output.info(`connecting to ${this.where}${this.options.port.kind === "serial" ? ` at ${this.options.baud} baud` : ""}`);
      case "opened":
        return this.opened();
      case "board":
        return this.describeBoard(event.env);
      case "no-board-info":
        return this.noBoardInfo(event.received);
      case "connected":
        return this.timers.stop("connect");
      case "upload-start":
        return this.uploadStarted(event.total);
      case "upload-progress":
        this.output.progress(event.sent, event.total);
        return this.timers.start("stall", STALL_TIMEOUT_MS, () => this.stalled());
      case "upload-sent":
        return this.uploadSent();
      case "upload-complete":
        return;
      case "upload-failed":
        return this.end(EXIT.CHECK_FAILED, [`the board stopped answering during the upload (the espruino CLI says: ${event.message})`]);
      case "device":
        return this.boardLine(event.line);
      case "port-list-failed":
        this.listFailure = event.message;
        return;
      case "port-not-found":
      case "socket-error":
      case "open-failed":
        return this.problem(connectProblemOf(event, this.options.port, this.options.deviceExists));
      case "unable-to-connect":
        return this.end(EXIT.USAGE, [`cannot connect to ${this.where}${this.lastNotes()}`]);
      case "disconnected":
        return this.disconnected();
      case "note":
        this.recentNotes.push(event.text);
        if (this.recentNotes.length > 50) this.recentNotes.shift();
        return;
    }
  }

  private opened(): void {
    this.timers.stop("open");
    this.output.info("connected; asking the board what it is");
    this.timers.start("connect", CONNECT_TIMEOUT_MS, () => this.problem({ kind: "no-answer", port: this.options.port, seconds: CONNECT_TIMEOUT_MS / 1000 }));
  }

  private describeBoard(env: BoardEnv): void {
    this.output.info(`board: Espruino ${env.VERSION ?? "(version unknown)"}${env.BOARD ? ` on ${env.BOARD}` : ""}`);
    if (typeof env.MODULES === "string" && !env.MODULES.split(",").includes("tls")) {
      this.output.warn(`this firmware has no tls module: the check will end with NO_TLS. Flash firmware built with TLS (see ${FIRMWARE_README}).`);
    }
  }

  private noBoardInfo(received: string | null): void {
    const port = this.options.port;
    switch (boardAnswerKind(received)) {
      case "none":
        // The CLI waits about 3 s for the answer (utils.js: 1 s for a prompt, then 2 s).
        return this.problem({ kind: "no-answer", port, seconds: 3 });
      case "garbage":
        return this.problem({ kind: "garbage", port, received: received ?? "" });
      case "not-espruino":
        return this.end(EXIT.USAGE, [
          `${this.where} answered, but not like an Espruino console: "${previewBytes(received ?? "", 60)}"`,
          `Is the board running Espruino? A busy board may need its reset button first. For a serial port, check the baud rate (--baud ${SUGGESTED_BAUD}).`,
        ]);
    }
  }

  private uploadStarted(total: number): void {
    this.output.info(`uploading ${total} bytes: ${uploadWrapping(this.options.ram)} (bundle ${this.options.bundleBytes} bytes)`);
    this.heldBoardLines = [];
    this.timers.start("stall", STALL_TIMEOUT_MS, () => this.stalled());
  }

  private stalled(): void {
    this.end(EXIT.CHECK_FAILED, [`the upload stalled: no progress for ${STALL_TIMEOUT_MS / 1000} s`]);
  }

  private uploadSent(): void {
    const seconds = Math.round(this.options.timeoutMs / 1000);
    this.timers.stop("stall");
    this.output.info(`upload sent: ${this.connection.interpreter.uploadTotal} bytes; the board restarts and runs the check (waiting up to ${seconds} s for RESULT)`);
    this.releaseBoardLines();
    this.timers.start("result", this.options.timeoutMs, () => this.end(EXIT.CHECK_FAILED, [`no RESULT line from the board within ${seconds} s (--timeout to wait longer)`]));
  }

  private boardLine(line: string): void {
    if (isEchoedUpload(line)) return this.output.out("[the board echoed part of the uploaded code; not shown]");
    const { started } = this.connection.interpreter;
    const lostInput = started && reportsLostInput(line);
    const isResult = line.includes("RESULT {");
    if (this.heldBoardLines && !lostInput && !isResult) {
      this.heldBoardLines.push(line);
      return;
    }
    this.releaseBoardLines();
    this.output.out(line, isResult ? "result" : undefined);
    if (lostInput) return this.end(EXIT.USAGE, lostInputMessage(this.options.ram));
    // Output from before the upload reset the board comes from what ran before: not this check's RESULT.
    const result = started ? parseResultLine(line) : null;
    if (result) this.resultReceived(result);
  }

  private releaseBoardLines(): void {
    for (const line of this.heldBoardLines ?? []) this.output.out(line);
    this.heldBoardLines = null;
  }

  private resultReceived(result: ResultJson): void {
    if (result.ok && result.rating && result.rating !== "Probably Okay") {
      const reasons = ratingReasons(result);
      if (reasons.length) this.output.out(`why "${result.rating}": ${reasons.join("; ")}`, "reason");
    }
    const noTls = !result.ok && result.error === "NO_TLS";
    this.end(exitCodeFor(result, this.options.failOn), noTls ? [`the board's firmware has no TLS (require("tls") failed). Flash firmware built with TLS: see ${FIRMWARE_README}.`] : []);
  }

  private disconnected(): void {
    const { sent, started } = this.connection.interpreter;
    if (sent) this.end(EXIT.CHECK_FAILED, ["the board disconnected before printing RESULT"]);
    else this.end(EXIT.USAGE, [closedMidUploadMessage(this.options.port, this.options.ram, started)]);
  }

  private cliEnded(code: number | null, signal: NodeJS.Signals | null): void {
    const notes = this.lastNotes();
    // A serial port that goes away can end the CLI with an error of its own
    // (a write to the closed port) before it says "Disconnected.".
    if (!this.connection.interpreter.sent && this.serialDeviceGone()) return this.disconnected();
    if (this.connection.interpreter.sent) this.end(EXIT.CHECK_FAILED, [`the espruino CLI ended before the board printed RESULT${notes}`]);
    else this.end(EXIT.USAGE, [`the espruino CLI ended (${signal ?? `exit code ${code}`}) before the upload was done${notes}`]);
  }

  private serialDeviceGone(): boolean {
    const { port, deviceFileExists = existsSync } = this.options;
    return port.kind === "serial" && !deviceFileExists(port.path);
  }

  private lastNotes(): string {
    return this.recentNotes.length ? ":\n" + this.recentNotes.slice(-8).join("\n") : "";
  }

  /** Ends with a connect problem, explained once the facts for it are gathered. */
  private problem(found: ConnectProblem): void {
    if (this.decided) return;
    this.stopFollowing();
    void explainWithFacts(found, this.listFailure).then((lines) => this.settle(EXIT.USAGE, lines));
  }

  private readonly interrupted = () => this.settle(EXIT_INTERRUPTED, ["interrupted"]);

  /** Ends with these failure lines, unless the outcome is already decided. */
  private end(code: number, failures: string[]): void {
    if (!this.decided) this.settle(code, failures);
  }

  /** The outcome is known: the CLI is stopped, and neither it nor the timers are followed any more (an interruption still is). */
  private stopFollowing(): void {
    this.decided = true;
    this.timers.stopAll();
    this.connection.close();
  }

  private settle(code: number, failures: string[]): void {
    if (this.settled) return;
    this.settled = true;
    this.stopFollowing();
    this.options.signal?.removeEventListener("abort", this.interrupted);
    for (const line of failures) this.output.fail(line);
    this.releaseBoardLines();
    void this.connection.cli.exited.then(() => this.resolveExit(code));
  }
}
