// Reaching a board through the espruino CLI, as upload and repl both do: the
// serial device checked before the CLI starts, the CLI started with its
// output read into events (its own notes shown under --verbose), and what
// goes wrong on the way read into a ConnectProblem, explained with the facts
// gathered when it is reported (the serial ports there are, who holds a busy
// port).
import { CliOutputInterpreter, VerboseNotes, type CliEvent, type Stream } from "./cli-output.ts";
import { checkSerialDevice, listSerialPorts, spawnCli, type CliProcess, type SpawnOptions } from "./espruino-cli.ts";
import { explainConnectProblem, looksLikeText, serialOpenProblem, type ConnectProblem, type PortSpec, type SerialPortListing } from "./port.ts";
import { serialPortUsers } from "./port-users.ts";

/** A listing still to be made: explainWithFacts lists the ports when it explains the problem. */
const NOT_LISTED_YET: SerialPortListing = { ports: [] };

/**
 * The serial device checked before the CLI is started: a problem, or whether
 * the device file is known to exist (then the CLI's "not found" means "not
 * a port it lists"). A tcp:// port has nothing to check.
 */
export async function checkBeforeConnecting(port: PortSpec): Promise<{ problem: ConnectProblem } | { deviceExists: boolean }> {
  if (port.kind !== "serial") return { deviceExists: false };
  const check = checkSerialDevice(port.path);
  if (!check.ok) return { problem: serialOpenProblem(port, check.error, NOT_LISTED_YET) };
  if (!check.exists) return { problem: { kind: "not-found", port, listing: NOT_LISTED_YET } };
  return { deviceExists: check.exists === true };
}

/** The CLI's events that say it could not reach the port. */
export type ConnectFailureEvent = Extract<CliEvent, { kind: "port-not-found" | "socket-error" | "open-failed" }>;

/** The problem a connect failure of the CLI stands for; `deviceExists` as checkBeforeConnecting found it. */
export function connectProblemOf(event: ConnectFailureEvent, port: PortSpec, deviceExists: boolean): ConnectProblem {
  switch (event.kind) {
    case "port-not-found":
      return { kind: "not-found", port, exists: deviceExists, listing: NOT_LISTED_YET };
    case "socket-error":
      return { kind: "socket", port, code: event.code, detail: event.message };
    case "open-failed":
      return serialOpenProblem(port, { message: event.message }, NOT_LISTED_YET);
  }
}

/**
 * What the user reads about a problem, with the facts as they are now: the
 * serial ports there are, for a port not found (`listFailure`: why the CLI
 * could not list them, when listing here gives no reason), and the
 * processes that use a busy port.
 */
export async function explainWithFacts(problem: ConnectProblem, listFailure?: string): Promise<string[]> {
  if (problem.kind === "not-found") {
    const listing = await listSerialPorts();
    return explainConnectProblem({ ...problem, listing: { ...listing, error: listing.error ?? listFailure } });
  }
  if (problem.kind === "busy" && problem.port.kind === "serial") return explainConnectProblem({ ...problem, users: serialPortUsers(problem.port.path) });
  return explainConnectProblem(problem);
}

/**
 * What the board sent when the CLI asked it for process.env and got no usable
 * answer: nothing (prompts and line ends do not count), bytes that are not
 * text (most likely the wrong baud rate), or text that is not Espruino's.
 */
export function boardAnswerKind(received: string | null): "none" | "garbage" | "not-espruino" {
  const text = received ?? "";
  if (!text.replace(/[\r\n>]/g, "")) return "none";
  return looksLikeText(text) ? "not-espruino" : "garbage";
}

export interface OpenCliOptions extends Pick<SpawnOptions, "stdin" | "rawStdout"> {
  args: string[];
  /** Show the CLI's own notes (the harmless ones counted into one line). */
  verbose: boolean;
  showNote(text: string): void;
  /** Every event the CLI's output gives, notes included. */
  onEvent(event: CliEvent): void;
  /** Starts the CLI (default spawnCli); a test hands in a scripted one. */
  startCli?: typeof spawnCli;
}

export interface CliConnection {
  cli: CliProcess;
  /** What the CLI has done so far (how much of an upload went out). */
  interpreter: CliOutputInterpreter;
  /** Reads one line of the CLI's output; for the lines of a stdout taken raw (SpawnOptions.rawStdout). */
  line(stream: Stream, text: string): void;
  /** Stops the CLI; what it says from now on is not read. */
  close(): void;
}

/** Starts the CLI with `args`; its output comes back as events. */
export function openCli(options: OpenCliOptions): CliConnection {
  const interpreter = new CliOutputInterpreter();
  const notes = new VerboseNotes(options.showNote);
  let closed = false;
  const line = (stream: Stream, text: string) => {
    for (const event of interpreter.line(stream, text)) {
      if (closed) return;
      // The harmless notes come before the CLI connects: counted once it starts to.
      if (options.verbose && event.kind === "connecting") notes.summarise();
      if (options.verbose && event.kind === "note") notes.note(event);
      options.onEvent(event);
    }
  };
  const cli = (options.startCli ?? spawnCli)(options.args, { stdin: options.stdin, rawStdout: options.rawStdout, onLine: line });
  const close = () => {
    closed = true;
    cli.stop();
  };
  return { cli, interpreter, line, close };
}
