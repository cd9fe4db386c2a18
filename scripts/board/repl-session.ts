// An interactive console on a board through the espruino CLI's terminal
// mode: what the user types goes to the board, what the board prints comes
// back unchanged (its bytes as sent), and the end says why it came.
import pc from "picocolors";
import { asUsage, fail } from "../lib/command.ts";
import { EXIT } from "../lib/result.ts";
import type { CliEvent } from "./cli-output.ts";
import { boardAnswerKind, checkBeforeConnecting, connectProblemOf, explainWithFacts, openCli, type CliConnection, type OpenCliOptions } from "./cli-connection.ts";
import { cliArgs } from "./espruino-cli.ts";
import { portAndBaud, portText, SUGGESTED_BAUD, type ConnectProblem, type PortSpec } from "./port.ts";
import { TerminalStdout } from "./terminal-stdout.ts";

const CTRL_C = 0x03;
const CTRL_D = 0x04;
/** At the end of piped input: how long the board must have been quiet, and the longest wait, before the console quits. */
const QUIET_MS = 500;
const MAX_DRAIN_MS = 5000;

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
  /** Notices (default: process.stderr); errors go to stderr. */
  notices?: (line: string) => void;
  startCli?: OpenCliOptions["startCli"];
}

/** How a board's unusable answer to "process.env" is named in the warning. */
const ANSWER_NAMES = { none: "no answer", "not-espruino": "an unexpected answer", garbage: "garbage" } as const;

/** Runs the console until the user quits or the board goes away; returns the exit code. */
export async function repl(options: ReplOptions): Promise<number> {
  const { port, baud } = asUsage(() => portAndBaud(options.port, options.baud));
  const checked = await checkBeforeConnecting(port);
  if ("problem" in checked) {
    for (const line of await explainWithFacts(checked.problem)) fail(line);
    return EXIT.USAGE;
  }
  return new ReplSession(options, port, baud, checked.deviceExists).run();
}

class ReplSession {
  private readonly notice: (line: string) => void;
  private readonly stdin: NodeJS.ReadStream | NodeJS.ReadableStream;
  private readonly stdout: NodeJS.WritableStream;
  private readonly where: string;
  /** stdin is a terminal: read in raw mode, and Ctrl-D is ours to handle. */
  private readonly tty: boolean;
  private connected = false;
  private problem: ConnectProblem | null = null;
  private otherFailure: string | null = null;
  private lastOutputAt = performance.now();
  /** Keys typed before the board answered wait here (the CLI reads its input only once connected). */
  private readonly earlyKeys: Buffer[] = [];
  private inputEnded = false;
  private connection!: CliConnection;

  constructor(
    private readonly options: ReplOptions,
    private readonly port: PortSpec,
    private readonly baud: number,
    private readonly deviceExists: boolean,
  ) {
    this.notice = options.notices ?? ((line: string) => void process.stderr.write(line + "\n"));
    this.stdin = options.stdin ?? process.stdin;
    this.stdout = options.stdout ?? process.stdout;
    this.where = portText(port);
    const stdin = this.stdin;
    this.tty = "isTTY" in stdin && stdin.isTTY === true && typeof (stdin as NodeJS.ReadStream).setRawMode === "function";
  }

  async run(): Promise<number> {
    const terminal = new TerminalStdout(
      (line) => this.connection.line("stdout", line),
      (bytes) => void this.stdout.write(bytes),
    );
    this.connection = openCli({
      args: cliArgs({ port: this.port, baud: this.baud, mode: { kind: "terminal" } }),
      verbose: this.options.verbose === true,
      showNote: (text) => this.notice(pc.dim(text)),
      onEvent: (event) => this.handleEvent(event),
      stdin: "pipe",
      startCli: this.options.startCli,
      rawStdout: (chunk) => {
        this.lastOutputAt = performance.now();
        terminal.push(chunk);
      },
    });
    this.connection.cli.child.stdin?.on("error", () => {}); // the CLI may be gone already
    const detachInput = this.attachInput();
    const { code, signal } = await this.connection.cli.exited;
    detachInput();
    terminal.end();
    return this.outcome(code, signal);
  }

  private handleEvent(event: CliEvent): void {
    switch (event.kind) {
      case "connected":
        this.connected = true;
        this.notice(pc.dim(`connected to ${this.where}. ${this.tty ? "Ctrl-C twice or Ctrl-D quits." : "End of input quits."}`));
        return;
      case "no-board-info": {
        const answer = ANSWER_NAMES[boardAnswerKind(event.received)];
        this.notice(pc.yellow(`warning: ${answer} from the board when asked for process.env: probably the wrong baud rate (Espruino on the ESP32: --baud ${SUGGESTED_BAUD}). Staying connected.`));
        return;
      }
      case "port-not-found":
      case "socket-error":
      case "open-failed":
        this.problem = connectProblemOf(event, this.port, this.deviceExists);
        return;
      case "unable-to-connect":
        if (!this.problem) this.otherFailure = `cannot connect to ${this.where}`;
        return;
      default:
        return;
    }
  }

  /** Reads the user's keys until the CLI ends; returns what stops that. */
  private attachInput(): () => void {
    const stdin = this.stdin;
    const cli = this.connection.cli;
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      if (this.connected) return this.sendKeys(bytes);
      this.earlyKeys.push(bytes);
      if (this.tty && (bytes.includes(CTRL_C) || bytes.includes(CTRL_D))) cli.stop();
    };
    const onEnd = () => {
      this.inputEnded = true;
      if (this.connected) this.quitWhenQuiet();
    };
    const sendEarlyKeys = setInterval(() => {
      if (!this.connected) return;
      clearInterval(sendEarlyKeys);
      for (const bytes of this.earlyKeys.splice(0)) this.sendKeys(bytes);
      if (this.inputEnded) this.quitWhenQuiet();
    }, 20);
    if (this.tty) (stdin as NodeJS.ReadStream).setRawMode(true);
    stdin.on("data", onData);
    stdin.on("end", onEnd);
    stdin.resume();
    const onSigint = () => cli.stop();
    process.on("SIGINT", onSigint);
    return () => {
      clearInterval(sendEarlyKeys);
      process.off("SIGINT", onSigint);
      stdin.off("data", onData);
      stdin.off("end", onEnd);
      if (this.tty) (stdin as NodeJS.ReadStream).setRawMode(false);
      stdin.pause();
    };
  }

  /** Sends keys to the board; on a terminal, Ctrl-D ends the session. */
  private sendKeys(chunk: Buffer): void {
    const toCli = this.connection.cli.child.stdin;
    const ctrlD = this.tty ? chunk.indexOf(CTRL_D) : -1;
    if (ctrlD < 0) return void toCli?.write(chunk);
    if (ctrlD > 0) toCli?.write(chunk.subarray(0, ctrlD));
    toCli?.end();
  }

  /**
   * At the end of piped input, give the board time to answer the last line
   * (until its output has been quiet for QUIET_MS, at most MAX_DRAIN_MS), then
   * end the CLI's input, which makes it quit.
   */
  private quitWhenQuiet(): void {
    const cli = this.connection.cli;
    const endedAt = performance.now();
    const poll = setInterval(() => {
      const now = performance.now();
      if (now - Math.max(this.lastOutputAt, endedAt) >= QUIET_MS || now - endedAt >= MAX_DRAIN_MS) {
        clearInterval(poll);
        cli.child.stdin?.end();
      }
    }, 50);
    void cli.exited.then(() => clearInterval(poll));
  }

  private async outcome(code: number | null, signal: NodeJS.Signals | null): Promise<number> {
    if (this.problem) {
      for (const line of await explainWithFacts(this.problem)) fail(line);
      return EXIT.USAGE;
    }
    if (this.otherFailure || !this.connected) {
      fail(this.otherFailure ?? `the espruino CLI ended (${signal ?? `exit code ${code}`}) before connecting to ${this.where}`);
      return EXIT.USAGE;
    }
    this.notice(pc.dim(`\ndisconnected from ${this.where}`));
    return EXIT.OK;
  }
}
