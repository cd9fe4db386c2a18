// npm run upload: build the check with the given configuration, refuse a
// bundle the subset gate rejects (before touching the board), store it on
// the board through the official espruino CLI so that it runs at every boot,
// restart the board, stream its output until the RESULT line, and exit like
// `npm start`: 0 completed, 2 check failed or no RESULT, 3 rating at
// --fail-on or worse, 1 for anything the user must fix first (flags,
// configuration, gate, port, permissions, baud rate).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Command, Option } from "commander";
import pc from "picocolors";
import type { AppConfig } from "../app/config.ts";
import { formatProblems } from "./gate/gate.ts";
import { buildBundle, rejected, type Bundle } from "./build/bundle.ts";
import { wholeNumber } from "./lib/args.ts";
import { asUsage, fail, runMain, UsageError, warn } from "./lib/command.ts";
import { addConfigOptions, resolveConfig, type ConfigFlags } from "./build/config.ts";
import { CliOutputInterpreter, VerboseNotes, type BoardEnv, type CliEvent } from "./board/cli-output.ts";
import { checkSerialDevice, cliArgs, ESPRUINO_VERSION, listSerialPorts, spawnCli, withPortUsers, type CliProcess } from "./board/espruino-cli.ts";
import {
  explainConnectProblem,
  looksLikeText,
  portAndBaud,
  portText,
  previewBytes,
  serialOpenProblem,
  SUGGESTED_BAUD,
  type ConnectProblem,
  type PortSpec,
} from "./board/port.ts";
import { createRedactor, secretsOf, type Redactor } from "./lib/redact.ts";
import { closedMidUploadMessage, lostInputMessage, reportsLostInput } from "./board/upload-damage.ts";
import { EXIT, exitCodeFor, parseResultLine, ratingReasons, type ResultJson, type FailOn } from "./lib/result.ts";

/** Where the user goes for firmware with TLS. */
export const FIRMWARE_README = "firmware/README.md";

/** How long opening the port may take, and the board's first answer. */
export const OPEN_TIMEOUT_MS = 20_000;
export const CONNECT_TIMEOUT_MS = 45_000;
/** The upload is given up when the CLI reports no progress for this long. */
export const STALL_TIMEOUT_MS = 30_000;

/**
 * How long to wait for RESULT once the upload is on the board: the check and
 * the probe (each bounded by the deadline), joining Wi-Fi (every attempt) and
 * setting the clock (10 s at most, app/clock.ts), plus time to boot.
 */
export function defaultResultTimeoutMs(config: AppConfig): number {
  const checks = config.probe ? 2 : 1;
  const wifi = config.wifi ? config.wifiTimeoutMs * config.wifiAttempts + 10_000 : 0;
  return checks * config.deadlineMs + wifi + 20_000;
}

export interface UploadOptions {
  /** --port as given: a serial device or tcp://HOST:PORT. */
  port: string;
  baud?: number;
  /** Send to RAM only (reset, then the code), instead of storing it as boot code. */
  ram?: boolean;
  /** How long to wait for RESULT after the upload went out (default defaultResultTimeoutMs). */
  timeoutMs?: number;
  failOn?: FailOn;
  /** Also show what the espruino CLI says about itself. */
  verbose?: boolean;
  config: AppConfig;
  /** Builds the bundle (default buildBundle); a test hands in its own. */
  build?: (config: AppConfig) => Promise<Bundle>;
  /** Aborting stops the CLI and ends the upload (exit 130). */
  signal?: AbortSignal;
}

/** Where upload's output goes. Everything passed here is already redacted. */
export interface UploadOutput {
  /** A line the board printed, or the result: stdout. */
  out(line: string, kind?: "result" | "reason"): void;
  /** A step of the upload: stderr. */
  info(line: string): void;
  warn(line: string): void;
  fail(line: string): void;
  /** Bytes of the upload sent so far (may be called often). */
  progress(sent: number, total: number): void;
}

/** Output to the terminal: the board on stdout, the rest on stderr; progress redrawn in place on a terminal. */
export function consoleOutput(): UploadOutput {
  const tty = process.stderr.isTTY === true;
  let progressShown = false;
  let lastQuarter = -1;
  const endProgress = () => {
    if (progressShown) process.stderr.write("\n");
    progressShown = false;
  };
  return {
    // Device output, RESULT line included, stays plain even with colour on: tools parse it.
    out: (line) => {
      endProgress();
      process.stdout.write(line + "\n");
    },
    info: (line) => {
      endProgress();
      process.stderr.write(pc.dim(line) + "\n");
    },
    warn: (line) => {
      endProgress();
      warn(line);
    },
    fail: (line) => {
      endProgress();
      fail(line);
    },
    progress: (sent, total) => {
      const percent = Math.floor((sent * 100) / total);
      const text = `uploading: ${percent}% of ${total} bytes`;
      if (tty) {
        process.stderr.write("\r\x1b[K" + pc.dim(text));
        progressShown = sent < total;
        if (sent >= total) process.stderr.write("\n");
      } else if (Math.floor(percent / 25) !== lastQuarter) {
        lastQuarter = Math.floor(percent / 25);
        process.stderr.write(text + "\n");
      }
    },
  };
}

/** The same output, with every secret of the configuration masked. */
function redacting(output: UploadOutput, redact: Redactor): UploadOutput {
  return {
    out: (line, kind) => output.out(redact(line), kind),
    info: (line) => output.info(redact(line)),
    warn: (line) => output.warn(redact(line)),
    fail: (line) => output.fail(redact(line)),
    progress: (sent, total) => output.progress(sent, total),
  };
}

/** A board echoing uploaded code (on an error) would show chunks of the bundle: never print those. */
function isEchoedUpload(line: string): boolean {
  return line.includes('require("Storage").write(') || line.includes("\\x10require(");
}

/**
 * Builds, checks and uploads the bundle, then waits for the board's RESULT.
 * Returns the exit code; throws UsageError for flags that make no sense.
 */
export async function upload(options: UploadOptions, output: UploadOutput = consoleOutput()): Promise<number> {
  const o = redacting(output, createRedactor(secretsOf(options.config)));
  const { port, baud } = asUsage(() => portAndBaud(options.port, options.baud));
  const timeoutMs = options.timeoutMs ?? defaultResultTimeoutMs(options.config);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1000) throw new UsageError("--timeout must be at least 1000 ms");

  o.info("building the check");
  const bundle = await (options.build ?? buildBundle)(options.config);
  if (rejected(bundle)) {
    o.fail("the bundle uses JavaScript that Espruino cannot run; nothing was sent to the board:\n" + formatProblems(bundle.problems, "dist/app.js"));
    return EXIT.USAGE;
  }
  if (bundle.problems.length) o.warn(formatProblems(bundle.problems, "dist/app.js"));

  // Whether the device file is known to exist (then "not found" from the CLI means "not listed").
  let deviceExists = false;
  if (port.kind === "serial") {
    const check = checkSerialDevice(port.path);
    if (!check.ok) {
      for (const line of explainConnectProblem(serialOpenProblem(port, check.error, await listSerialPorts()))) o.fail(line);
      return EXIT.USAGE;
    }
    if (!check.exists) {
      for (const line of explainConnectProblem({ kind: "not-found", port, listing: await listSerialPorts() })) o.fail(line);
      return EXIT.USAGE;
    }
    deviceExists = check.exists === true;
  }

  // The bundle holds the secrets: a private directory, removed afterwards.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "espruino-upload-"));
  try {
    const file = path.join(scratch, "app.js");
    fs.writeFileSync(file, bundle.code, { mode: 0o600 });
    const stayConnectedSeconds = Math.ceil((STALL_TIMEOUT_MS + timeoutMs) / 1000) + 60;
    const args = cliArgs({
      port,
      baud,
      mode: { kind: options.ram ? "ram" : "flash", file, stayConnectedSeconds },
    });
    o.info(`bundle ${bundle.bytes} bytes; ${options.ram ? "sending it to the board's RAM (gone after a reset)" : "storing it as the board's boot code (Storage .bootcde)"} with the espruino CLI ${ESPRUINO_VERSION}`);
    return await session({
      port,
      deviceExists,
      timeoutMs,
      failOn: options.failOn,
      verbose: options.verbose === true,
      args,
      o,
      signal: options.signal,
      bundleBytes: bundle.bytes,
      ram: options.ram === true,
    });
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

interface SessionOptions {
  port: PortSpec;
  deviceExists: boolean;
  timeoutMs: number;
  failOn?: FailOn;
  verbose: boolean;
  args: string[];
  o: UploadOutput;
  signal?: AbortSignal;
  /** The bundle's size, to say why more bytes go over the line. */
  bundleBytes: number;
  /** Sent to RAM (--ram) rather than stored. */
  ram: boolean;
}

/** Why the CLI sends more than the bundle: what it wraps the code in. */
function uploadWrapping(ram: boolean): string {
  return ram
    ? "the bundle after reset()"
    : 'the bundle written into Storage as require("Storage").write(".bootcde", ...) commands (escaped, in chunks), between reset() and load()';
}

/** Runs the CLI and follows what it reports, until RESULT, an error or a timeout. */
function session(s: SessionOptions): Promise<number> {
  const { o, port } = s;
  const where = portText(port);
  const interpreter = new CliOutputInterpreter();
  const cliNotes = new VerboseNotes((text) => o.info(text));
  const recentNotes: string[] = [];
  // What the board prints while the upload goes out (its banner after reset()) waits until
  // the progress has finished, so that it does not cut into the progress line.
  let heldBoardLines: string[] | null = null;
  const releaseBoardLines = () => {
    for (const line of heldBoardLines ?? []) o.out(line);
    heldBoardLines = null;
  };
  let listFailure: string | undefined;
  let problemReported = false;
  let settled = false;
  let cli: CliProcess;
  const timers = new Map<string, NodeJS.Timeout>();

  return new Promise<number>((resolve) => {
    const finish = (code: number) => {
      if (settled) return;
      settled = true;
      releaseBoardLines();
      for (const timer of timers.values()) clearTimeout(timer);
      s.signal?.removeEventListener("abort", onAbort);
      cli.stop();
      void cli.exited.then(() => resolve(code));
    };
    const problem = (found: ConnectProblem) => {
      problemReported = true;
      for (const line of explainConnectProblem(found)) o.fail(line);
      finish(EXIT.USAGE);
    };
    const timer = (name: string, ms: number, onExpiry: () => void) => {
      const old = timers.get(name);
      if (old) clearTimeout(old);
      timers.set(name, setTimeout(onExpiry, ms));
    };
    const stopTimer = (name: string) => {
      const old = timers.get(name);
      if (old) clearTimeout(old);
      timers.delete(name);
    };
    const stalled = () => {
      o.fail(`the upload stalled: no progress for ${STALL_TIMEOUT_MS / 1000} s`);
      finish(EXIT.CHECK_FAILED);
    };
    const lastNotes = () => (recentNotes.length ? ":\n" + recentNotes.slice(-8).join("\n") : "");

    const onBoard = (env: BoardEnv) => {
      o.info(`board: Espruino ${env.VERSION ?? "(version unknown)"}${env.BOARD ? ` on ${env.BOARD}` : ""}`);
      if (typeof env.MODULES === "string" && !env.MODULES.split(",").includes("tls")) {
        o.warn(`this firmware has no tls module: the check will end with NO_TLS. Flash firmware built with TLS (see ${FIRMWARE_README}).`);
      }
    };

    const onResult = (result: ResultJson) => {
      if (result.ok && result.rating && result.rating !== "Probably Okay") {
        const reasons = ratingReasons(result);
        if (reasons.length) o.out(`why "${result.rating}": ${reasons.join("; ")}`, "reason");
      }
      if (!result.ok && result.error === "NO_TLS") {
        o.fail(`the board's firmware has no TLS (require("tls") failed). Flash firmware built with TLS: see ${FIRMWARE_README}.`);
      }
      finish(exitCodeFor(result, s.failOn));
    };

    const handle = (event: CliEvent) => {
      if (settled) return;
      switch (event.kind) {
        case "connecting":
          if (s.verbose) cliNotes.summarise();
          o.info(`connecting to ${where}${port.kind === "serial" ? ` at ${s.args[s.args.indexOf("-b") + 1]} baud` : ""}`);
          return;
        case "opened":
          stopTimer("open");
          o.info("connected; asking the board what it is");
          timer("connect", CONNECT_TIMEOUT_MS, () => problem({ kind: "no-answer", port, seconds: CONNECT_TIMEOUT_MS / 1000 }));
          return;
        case "board":
          onBoard(event.env);
          return;
        case "no-board-info": {
          const received = event.received ?? "";
          // The CLI waits about 3 s for the answer (utils.js: 1 s for a prompt, then 2 s).
          if (!received.replace(/[\r\n>]/g, "")) return problem({ kind: "no-answer", port, seconds: 3 });
          if (!looksLikeText(received)) return problem({ kind: "garbage", port, received });
          o.fail(`${where} answered, but not like an Espruino console: "${previewBytes(received, 60)}"`);
          o.fail(`Is the board running Espruino? A busy board may need its reset button first. For a serial port, check the baud rate (--baud ${SUGGESTED_BAUD}).`);
          problemReported = true;
          return finish(EXIT.USAGE);
        }
        case "connected":
          stopTimer("connect");
          return;
        case "upload-start":
          o.info(`uploading ${event.total} bytes: ${uploadWrapping(s.ram)} (bundle ${s.bundleBytes} bytes)`);
          heldBoardLines = [];
          timer("stall", STALL_TIMEOUT_MS, stalled);
          return;
        case "upload-progress":
          o.progress(event.sent, event.total);
          timer("stall", STALL_TIMEOUT_MS, stalled);
          return;
        case "upload-sent":
          stopTimer("stall");
          o.info(`upload sent: ${interpreter.uploadTotal} bytes; the board restarts and runs the check (waiting up to ${Math.round(s.timeoutMs / 1000)} s for RESULT)`);
          releaseBoardLines();
          timer("result", s.timeoutMs, () => {
            o.fail(`no RESULT line from the board within ${Math.round(s.timeoutMs / 1000)} s (--timeout to wait longer)`);
            finish(EXIT.CHECK_FAILED);
          });
          return;
        case "upload-complete":
          return;
        case "upload-failed":
          o.fail(`the board stopped answering during the upload (the espruino CLI says: ${event.message})`);
          return finish(EXIT.CHECK_FAILED);
        case "device": {
          if (isEchoedUpload(event.line)) {
            o.out("[the board echoed part of the uploaded code; not shown]");
            return;
          }
          const lostInput = interpreter.started && reportsLostInput(event.line);
          if (heldBoardLines && !lostInput && !event.line.includes("RESULT {")) {
            heldBoardLines.push(event.line);
            return;
          }
          releaseBoardLines();
          o.out(event.line, event.line.includes("RESULT {") ? "result" : undefined);
          if (lostInput) {
            for (const line of lostInputMessage(s.ram)) o.fail(line);
            return finish(EXIT.USAGE);
          }
          // Output from before the upload reset the board comes from what ran before: not this check's RESULT.
          const result = interpreter.started ? parseResultLine(event.line) : null;
          if (result) onResult(result);
          return;
        }
        case "port-list-failed":
          listFailure = event.message;
          return;
        case "port-not-found":
          void listSerialPorts().then((listing) => problem({ kind: "not-found", port, exists: s.deviceExists, listing: { ...listing, error: listing.error ?? listFailure } }));
          problemReported = true;
          return;
        case "socket-error":
          return problem({ kind: "socket", port, code: event.code, detail: event.message });
        case "open-failed":
          problemReported = true;
          void listSerialPorts().then((listing) => problem(withPortUsers(serialOpenProblem(port, { message: event.message }, listing))));
          return;
        case "unable-to-connect":
          if (!problemReported) {
            o.fail(`cannot connect to ${where}${lastNotes()}`);
            problemReported = true;
            finish(EXIT.USAGE);
          }
          return;
        case "disconnected":
          o.fail(interpreter.sent ? `the board disconnected before printing RESULT` : closedMidUploadMessage(port, s.ram, interpreter.started));
          return finish(interpreter.sent ? EXIT.CHECK_FAILED : EXIT.USAGE);
        case "note":
          recentNotes.push(event.text);
          if (recentNotes.length > 50) recentNotes.shift();
          if (s.verbose) cliNotes.note(event);
          return;
      }
    };

    const onAbort = () => {
      o.fail("interrupted");
      finish(130);
    };
    s.signal?.addEventListener("abort", onAbort);

    cli = spawnCli(s.args, {
      onLine: (stream, line) => {
        for (const event of interpreter.line(stream, line)) handle(event);
      },
    });
    timer("open", OPEN_TIMEOUT_MS, () => problem({ kind: "socket", port, code: "ETIMEDOUT", detail: `no connection within ${OPEN_TIMEOUT_MS / 1000} s` }));
    void cli.exited.then(({ code, signal }) => {
      if (settled || problemReported) return;
      o.fail(
        interpreter.sent
          ? `the espruino CLI ended before the board printed RESULT${lastNotes()}`
          : `the espruino CLI ended (${signal ?? `exit code ${code}`}) before the upload was done${lastNotes()}`,
      );
      finish(interpreter.sent ? EXIT.CHECK_FAILED : EXIT.USAGE);
    });
    if (s.signal?.aborted) onAbort();
  });
}

interface UploadFlags extends ConfigFlags {
  port: string;
  baud: number;
  failOn?: FailOn;
  timeout?: number;
  ram?: boolean;
  verbose?: boolean;
}


function program(): Command {
  return addConfigOptions(
    new Command("upload")
      .description(
        "Build the check with the given configuration, store it on an Espruino board so that it runs at every boot " +
          "(Storage .bootcde, via the official espruino CLI), restart the board and show its output until the RESULT line. " +
          "A bundle the subset gate rejects never reaches the board.\n" +
          "Exit codes: 0 check completed, 2 check failed or no RESULT in time, 3 rating at --fail-on or worse, " +
          "1 something to fix first (flags, configuration, gate, port, permissions, baud rate).",
      )
      // Not a commander requiredOption: commander would complain about it before naming an unknown option.
      .option("--port <port>", "required: the board: a serial device (/dev/ttyUSB0, COM3) or tcp://HOST:PORT (a telnet console, npm run virtual-device)")
      .addOption(new Option("--baud <rate>", "serial speed in bits per second").default(SUGGESTED_BAUD).argParser(wholeNumber("--baud")))
      .addOption(new Option("--fail-on <rating>", "exit 3 when the rating is this or worse").choices(["improvable", "bad"]))
      .addOption(new Option("--timeout <ms>", "how long to wait for RESULT after the upload (default: deadline x2 + Wi-Fi + 20 s)").argParser(wholeNumber("--timeout")))
      .option("--ram", "send the code to RAM only, for a quick try: it runs now and is gone after a reset (boot code stored earlier stays); the code then takes RAM that TLS needs")
      .option("--verbose", "also show what the espruino CLI says (secrets masked)"),
  );
}

async function main(): Promise<number> {
  const command = program();
  command.parse();
  const flags = command.opts<UploadFlags>();
  if (flags.port === undefined) throw new UsageError("--port is required: a serial device (/dev/ttyUSB0, COM3) or tcp://HOST:PORT (npm run upload -- --help)");
  const resolved = resolveConfig(flags);
  for (const line of resolved.summary) process.stderr.write(pc.dim(line) + "\n");
  for (const warning of resolved.warnings) warn(warning);
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort());
  process.once("SIGTERM", () => controller.abort());
  return upload({
    port: flags.port,
    baud: flags.baud,
    ram: flags.ram,
    timeoutMs: flags.timeout,
    failOn: flags.failOn,
    verbose: flags.verbose,
    config: resolved.config,
    signal: controller.signal,
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) runMain(main);
