// npm run repl: an interactive console on an Espruino board, through the
// official espruino CLI's terminal mode. What you type goes to the board;
// what the board prints comes back unchanged (its bytes as sent).
import path from "node:path";
import { StringDecoder } from "node:string_decoder";
import { fileURLToPath } from "node:url";
import { Command, Option } from "commander";
import pc from "picocolors";
import { wholeNumber } from "./lib/args.ts";
import { asUsage, fail, runMain } from "./lib/command.ts";
import { CliOutputInterpreter, VerboseNotes, type CliEvent } from "./board/cli-output.ts";
import { checkSerialDevice, cliArgs, listSerialPorts, spawnCli, withPortUsers, type CliProcess } from "./board/espruino-cli.ts";
import { explainConnectProblem, looksLikeText, portAndBaud, portText, serialOpenProblem, SUGGESTED_BAUD, type ConnectProblem } from "./board/port.ts";
import { EXIT } from "./lib/result.ts";

const CTRL_C = 0x03;
const CTRL_D = 0x04;
const QUIET_MS = 500;
const MAX_DRAIN_MS = 5000;

/** What the CLI prints on stdout before the board's output starts, once connected. */
const RAW_MODE_NOTICE = "No process.stdin.setRawMode() - Ctrl-C/etc won't function correctly";

export const HELP_KEYS =
  "Keys: what you type is sent to the board as you type it (the board echoes it). " +
  "Ctrl-C once interrupts the board (stops running code, clears the line); Ctrl-C twice in a row quits. " +
  "Ctrl-D quits. When stdin is not a terminal, the console quits at the end of stdin.";

export interface ReplOptions {
  port: string;
  baud?: number;
  verbose?: boolean;
  stdin?: NodeJS.ReadStream | NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
  /** Notices and errors (default: process.stderr). */
  notices?: (line: string) => void;
}

/** Runs the console until the user quits or the board goes away; returns the exit code. */
export async function repl(options: ReplOptions): Promise<number> {
  const notice = options.notices ?? ((line: string) => void process.stderr.write(line + "\n"));
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  const { port, baud } = asUsage(() => portAndBaud(options.port, options.baud));
  const where = portText(port);

  let deviceExists = false;
  if (port.kind === "serial") {
    const check = checkSerialDevice(port.path);
    if (!check.ok || !check.exists) {
      const found: ConnectProblem = !check.ok ? serialOpenProblem(port, check.error, await listSerialPorts()) : { kind: "not-found", port, listing: await listSerialPorts() };
      for (const line of explainConnectProblem(found)) fail(line);
      return EXIT.USAGE;
    }
    deviceExists = check.exists === true;
  }

  const interpreter = new CliOutputInterpreter();
  const cliNotes = new VerboseNotes((text) => notice(pc.dim(text)));
  // Set from the CLI's output callbacks (hence the casts: no narrowing to the initial values).
  let connected = false as boolean;
  let problem = null as ConnectProblem | null;
  let otherFailure = null as string | null;
  const tty = "isTTY" in stdin && stdin.isTTY === true && typeof (stdin as NodeJS.ReadStream).setRawMode === "function";

  // Until "Connected", stdout carries the CLI's own lines; then, perhaps, its note about a
  // piped stdin (ours always is: the keys are handled here); from then on, the board's bytes.
  // The CLI turned each byte from the board into one character and wrote those as UTF-8:
  // decode, then undo that.
  const decoder = new StringDecoder("utf8");
  const noticeLine = RAW_MODE_NOTICE + "\n";
  let phase: "cli" | "notice" | "board" = "cli";
  let pending = "";
  let lastOutputAt = performance.now();
  const toBoardOutput = (text: string) => void stdout.write(Buffer.from(text, "latin1"));
  const fromCli = (chunk: Buffer) => {
    lastOutputAt = performance.now();
    pending += decoder.write(chunk);
    if (phase === "cli") {
      const lines = pending.split("\n");
      // The board's prompt may come just before it, on the same line (">Connected").
      const at = lines.findIndex((line, index) => index < lines.length - 1 && line.replace(/\r$/, "").endsWith("Connected"));
      if (at < 0) {
        pending = lines.pop() ?? "";
        for (const line of lines) handleLine("stdout", line);
        return;
      }
      for (const line of lines.slice(0, at)) handleLine("stdout", line);
      const boardBefore = lines[at].replace(/\r$/, "").slice(0, -"Connected".length);
      handleLine("stdout", "Connected");
      if (boardBefore) toBoardOutput(boardBefore);
      pending = lines.slice(at + 1).join("\n");
      phase = "notice";
    }
    if (phase === "notice") {
      if (pending.startsWith(noticeLine)) {
        pending = pending.slice(noticeLine.length);
        phase = "board";
      } else if (noticeLine.startsWith(pending)) {
        return; // the rest of the note may still be on its way
      } else {
        phase = "board";
      }
    }
    if (pending) toBoardOutput(pending);
    pending = "";
  };

  const handleLine = (stream: "stdout" | "stderr", line: string) => {
    for (const event of interpreter.line(stream, line)) handleEvent(event);
  };
  const handleEvent = (event: CliEvent) => {
    switch (event.kind) {
      case "connecting":
        if (options.verbose) cliNotes.summarise();
        return;
      case "connected":
        connected = true;
        notice(pc.dim(`connected to ${where}. ${tty ? "Ctrl-C twice or Ctrl-D quits." : "End of input quits."}`));
        return;
      case "no-board-info": {
        const received = event.received ?? "";
        const kind = !received.replace(/[\r\n>]/g, "") ? "no answer" : looksLikeText(received) ? "an unexpected answer" : "garbage";
        notice(pc.yellow(`warning: ${kind} from the board when asked for process.env: probably the wrong baud rate (Espruino on the ESP32: --baud ${SUGGESTED_BAUD}). Staying connected.`));
        return;
      }
      case "port-not-found":
        problem = { kind: "not-found", port, exists: deviceExists, listing: { ports: [] } };
        return;
      case "socket-error":
        problem = { kind: "socket", port, code: event.code, detail: event.message };
        return;
      case "open-failed":
        problem = withPortUsers(serialOpenProblem(port, { message: event.message }, { ports: [] }));
        return;
      case "unable-to-connect":
        if (!problem) otherFailure = `cannot connect to ${where}`;
        return;
      case "disconnected":
        return;
      case "note":
        if (options.verbose) cliNotes.note(event);
        return;
      default:
        return;
    }
  };

  /** Sends keys to the board; Ctrl-D ends the session. */
  const keys = (chunk: Buffer) => {
    const ctrlD = tty ? chunk.indexOf(CTRL_D) : -1;
    if (ctrlD < 0) return void cli.child.stdin?.write(chunk);
    if (ctrlD > 0) cli.child.stdin?.write(chunk.subarray(0, ctrlD));
    cli.child.stdin?.end();
  };
  /**
   * At the end of piped input, give the board time to answer the last line
   * (until its output has been quiet for QUIET_MS, at most MAX_DRAIN_MS), then
   * end the CLI's input, which makes it quit.
   */
  const inputEnded = () => {
    const endedAt = performance.now();
    const poll = setInterval(() => {
      const now = performance.now();
      if (now - Math.max(lastOutputAt, endedAt) >= QUIET_MS || now - endedAt >= MAX_DRAIN_MS) {
        clearInterval(poll);
        cli.child.stdin?.end();
      }
    }, 50);
    void cli.exited.then(() => clearInterval(poll));
  };

  // The handlers above use `cli` only once it runs.
  const cli: CliProcess = spawnCli(cliArgs({ port, baud, mode: { kind: "terminal" } }), {
    stdin: "pipe",
    onLine: handleLine,
    rawStdout: fromCli,
  });
  cli.child.stdin?.on("error", () => {}); // the CLI may be gone already
  // Keys typed before the board answered wait here (the CLI reads its input only once connected).
  const earlyKeys: Buffer[] = [];
  let ended = false;
  const onData = (chunk: Buffer | string) => {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    if (connected) return keys(bytes);
    earlyKeys.push(bytes);
    if (tty && (bytes.includes(CTRL_C) || bytes.includes(CTRL_D))) cli.stop();
  };
  const onEnd = () => {
    ended = true;
    if (connected) inputEnded();
  };
  const flushPending = setInterval(() => {
    if (!connected) return;
    clearInterval(flushPending);
    for (const bytes of earlyKeys.splice(0)) keys(bytes);
    if (ended) inputEnded();
  }, 20);
  if (tty) (stdin as NodeJS.ReadStream).setRawMode(true);
  stdin.on("data", onData);
  stdin.on("end", onEnd);
  stdin.resume();
  const onSigint = () => cli.stop();
  process.on("SIGINT", onSigint);

  const { code, signal } = await cli.exited;
  clearInterval(flushPending);
  process.off("SIGINT", onSigint);
  stdin.off("data", onData);
  stdin.off("end", onEnd);
  if (tty) (stdin as NodeJS.ReadStream).setRawMode(false);
  stdin.pause();
  pending += decoder.end();
  if (phase === "cli") for (const line of pending.split("\n")) handleLine("stdout", line);
  else if (pending && !noticeLine.startsWith(pending)) toBoardOutput(pending);

  if (problem) {
    const explained = problem.kind === "not-found" ? { ...problem, listing: await listSerialPorts() } : problem;
    for (const line of explainConnectProblem(explained)) fail(line);
    return EXIT.USAGE;
  }
  if (otherFailure || !connected) {
    fail(otherFailure ?? `the espruino CLI ended (${signal ?? `exit code ${code}`}) before connecting to ${where}`);
    return EXIT.USAGE;
  }
  notice(pc.dim(`\ndisconnected from ${where}`));
  return EXIT.OK;
}

function program(): Command {
  return new Command("repl")
    .description(`An interactive console on an Espruino board, through the official espruino CLI's terminal mode.\n${HELP_KEYS}`)
    .requiredOption("--port <port>", "the board: a serial device (/dev/ttyUSB0, COM3) or tcp://HOST:PORT (a telnet console, npm run virtual-device)")
    .addOption(new Option("--baud <rate>", "serial speed in bits per second").default(SUGGESTED_BAUD).argParser(wholeNumber("--baud")))
    .option("--verbose", "also show what the espruino CLI says");
}

async function main(): Promise<number> {
  const command = program();
  command.parse();
  const flags = command.opts<{ port: string; baud: number; verbose?: boolean }>();
  return repl({ port: flags.port, baud: flags.baud, verbose: flags.verbose });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) runMain(main);
