// What the espruino CLI (0.1.67, run with --verbose) is doing, read from its
// output lines (pure). The CLI has no machine-readable output and exits 0
// even when it could not connect, so its messages are the interface:
// - stdout, "--] " prefix: a line the board printed;
// - stdout, verbose: "Connecting to 'P'", "serial: Connected" (port open),
//   "Connected" (board queried), `Got "<process.env answer>"`,
//   `serial: ---> "<a whole write>"`, `serial: Sending "<chunk>"` (progress), "Sent",
//   "Upload Complete", "Disconnected.";
// - stderr: `serial: Port "P" not found`, `RECEIVE ERROR: {...}` (a TCP
//   error), serialport's "Error <reason> Cannot open P" (the CLI crashes with
//   it), `No result found for "process.env" - just got "..."` and
//   "Unable to retrieve board information." (the board did not answer).
// The quoted parts are JSON strings. Anything else is a "note"; notes about
// optional parts the CLI lacks here (see CLI_NOISE) are marked harmless.

export interface BoardEnv {
  VERSION?: string;
  BOARD?: string;
  MODULES?: string;
  [key: string]: unknown;
}

export type CliEvent =
  | { kind: "connecting"; port: string }
  /** The port or socket is open; the CLI now asks the board for process.env. */
  | { kind: "opened" }
  /** The CLI has the board's answer (or gave up asking) and goes on. */
  | { kind: "connected" }
  | { kind: "board"; env: BoardEnv }
  | { kind: "no-board-info"; received: string | null }
  /** `total`: the bytes that carry the code, up to and including the command that runs it. */
  | { kind: "upload-start"; total: number }
  | { kind: "upload-progress"; sent: number; total: number }
  | { kind: "upload-sent" }
  | { kind: "upload-complete" }
  | { kind: "upload-failed"; message: string }
  | { kind: "device"; line: string }
  | { kind: "port-not-found"; port: string }
  | { kind: "port-list-failed"; message: string }
  | { kind: "socket-error"; code: string; message: string }
  | { kind: "open-failed"; message: string }
  | { kind: "unable-to-connect" }
  | { kind: "disconnected" }
  | { kind: "note"; stream: Stream; text: string; harmless: boolean };

export type Stream = "stdout" | "stderr";

export const DEVICE_PREFIX = "--] ";

/** A JSON string literal at the start of `text`, or null. */
function jsonStringAt(text: string): string | null {
  try {
    const value = JSON.parse(text.trim()) as unknown;
    return typeof value === "string" ? value : null;
  } catch {
    return null;
  }
}

/** process.env as the CLI received it: `... < << {json} >> > ...`. */
export function boardEnvFrom(received: string): BoardEnv | null {
  const start = received.indexOf("< <<");
  const end = received.indexOf(">> >", start);
  if (start < 0 || end < 0) return null;
  try {
    const value = JSON.parse(received.slice(start + 4, end).trim()) as unknown;
    return value && typeof value === "object" && !Array.isArray(value) ? (value as BoardEnv) : null;
  } catch {
    return null;
  }
}

/**
 * A board's output line as a terminal would show it: escape sequences
 * removed, text overwritten after a carriage return dropped, a line of bare
 * ">" prompts gives null. Other control characters become visible \xNN escapes,
 * so that a board cannot drive the user's terminal.
 */
export function cleanDeviceLine(raw: string): string | null {
  const noEscapes = raw.replace(/\x1b\[[0-9;?]*[@-~]/g, "").replace(/\x1b./g, "");
  const segments = noEscapes.split("\r").filter((segment) => segment.length > 0);
  const visible = segments.length ? segments[segments.length - 1] : "";
  if (/^>+\s*$/.test(visible)) return null;
  return visible.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (ch) => "\\x" + ch.charCodeAt(0).toString(16).padStart(2, "0"));
}

/**
 * What the CLI 0.1.67 says at every start about optional parts it lacks on a
 * machine like this (its heatshrink decoder needs a browser's __dirname-less
 * loader, WebRTC needs peerjs-on-node, Chrome and Bluetooth transports are
 * absent, there are no board description files by our choice, see
 * espruino-cli.ts): harmless for a serial or TCP upload. Each entry matches
 * a line; `block` entries also swallow the lines of the error object the CLI
 * prints after them, up to its closing "}".
 */
const CLI_NOISE: Array<{ line: RegExp; block?: true }> = [
  { line: /^Acorn library not found/ },
  { line: /^ERROR ReferenceError: __dirname is not defined while loading .*heatshrink\.js$/ },
  { line: /^webrtc-connection: require\("peerjs-on-node"\) failed/, block: true },
  { line: /^webrtc-connection: Peer\.js not loaded/ },
  { line: /^ERROR No Peer\.js implementation available/ },
  { line: /^No chrome\.(serial|sockets)/ },
  { line: /^serial_frame: Not running in a browser/ },
  { line: /^(Noble|serial_node_ble): getPorts - disabled/ },
  { line: /^Loading .*\.no-board-files\/[^/]*\.json$/ },
  { line: /^\[Error: ENOENT: no such file or directory, open '.*\.no-board-files\//, block: true },
  { line: /^\*{20,}$/ },
  { line: /^\* .*(No list of built-in modules found|messages for built-in modules|with '-p devicePath').* \*$/ },
];

/** The CLI prepends these to the code it uploads (codeWriter.js): how the upload's write is told from others. */
const UPLOAD_WRITE_PREFIXES = ["\x10reset();\n", "\x10print()\n"];

export class CliOutputInterpreter {
  private upload: { total: number; sent: number } | null = null;
  private uploadSent = false;
  private resetSent = false;
  private boardInfoFailed = false;
  /** Inside an error object the CLI prints after a harmless line (until its "}"). */
  private inNoiseBlock = false;

  /** The bytes of the upload (see the "upload-start" event), 0 before it starts. */
  get uploadTotal(): number {
    return this.upload?.total ?? 0;
  }

  /** True once the whole upload (ending in load() or the code itself) has gone out to the board. */
  get sent(): boolean {
    return this.uploadSent;
  }

  /**
   * True once the upload's first chunk, `reset()`, has gone out: what the
   * board prints from then on comes from the new code (a quick check may
   * print its RESULT before the CLI has sent its last padding newlines).
   */
  get started(): boolean {
    return this.resetSent || this.uploadSent;
  }

  /** One line (without its "\n") from the CLI's stdout or stderr. */
  line(stream: Stream, text: string): CliEvent[] {
    if (stream === "stdout" && text.startsWith(DEVICE_PREFIX)) {
      const line = cleanDeviceLine(text.slice(DEVICE_PREFIX.length));
      return line === null ? [] : [{ kind: "device", line }];
    }
    const trimmed = text.replace(/\r$/, "");
    let match: RegExpExecArray | null;

    if ((match = /^Connecting to '(.*)'$/.exec(trimmed))) return [{ kind: "connecting", port: match[1] }];
    if (trimmed === "Connected") return [{ kind: "connected" }];
    if (/^serial: Connected\b/.test(trimmed)) return [{ kind: "opened" }];
    if (trimmed === "Disconnected." || trimmed === "\nDisconnected.") return [{ kind: "disconnected" }];
    if (/^Upload Complete/.test(trimmed)) return this.complete();
    if (trimmed === "Unable to connect!") return [{ kind: "unable-to-connect" }];

    if (trimmed.startsWith("Got ")) {
      const received = jsonStringAt(trimmed.slice(4));
      const env = received === null ? null : boardEnvFrom(received);
      if (env) return [{ kind: "board", env }];
    }
    if ((match = /^No result found for "process\.env" - just got (.*)$/.exec(trimmed))) {
      this.boardInfoFailed = true;
      return [{ kind: "no-board-info", received: jsonStringAt(match[1]) }];
    }
    if (trimmed === "Unable to retrieve board information.") {
      if (this.boardInfoFailed) return [];
      this.boardInfoFailed = true;
      return [{ kind: "no-board-info", received: null }];
    }

    if ((match = /^serial: ---> (".*")$/.exec(trimmed))) {
      const data = jsonStringAt(match[1]);
      if (data !== null && !this.upload && UPLOAD_WRITE_PREFIXES.some((prefix) => data.startsWith(prefix))) {
        // The CLI ends the write with spare newlines, sent 250 ms after load() (or the code) has
        // gone out and the board already runs it: they are not part of the upload's progress.
        const total = data.replace(/\n+$/, "\n").length;
        this.upload = { total, sent: 0 };
        return [{ kind: "upload-start", total }];
      }
      return [];
    }
    if ((match = /^serial: Sending (".*")$/.exec(trimmed))) {
      const chunk = jsonStringAt(match[1]);
      if (chunk === null || !this.upload || this.uploadSent) return [];
      if (this.upload.sent === 0 && chunk.startsWith(UPLOAD_WRITE_PREFIXES[0])) this.resetSent = true;
      this.upload.sent = Math.min(this.upload.total, this.upload.sent + chunk.length);
      const events: CliEvent[] = [{ kind: "upload-progress", sent: this.upload.sent, total: this.upload.total }];
      if (this.upload.sent >= this.upload.total) {
        this.uploadSent = true;
        events.push({ kind: "upload-sent" });
      }
      return events;
    }
    if (/^Prompt not detected - upload failed/.test(trimmed)) return [{ kind: "upload-failed", message: trimmed }];

    if ((match = /^serial: Port (".*") not found$/.exec(trimmed))) return [{ kind: "port-not-found", port: jsonStringAt(match[1]) ?? match[1] }];
    if ((match = /^serialport error: (.*)$/.exec(trimmed))) return [{ kind: "port-list-failed", message: match[1].replace(/^Error: /, "") }];
    if ((match = /^RECEIVE ERROR: (\{.*\})$/.exec(trimmed))) {
      try {
        const info = JSON.parse(match[1]) as { code?: unknown; message?: unknown };
        return [{ kind: "socket-error", code: String(info.code ?? "ERROR"), message: typeof info.message === "string" ? info.message : "" }];
      } catch {
        return [{ kind: "socket-error", code: "ERROR", message: match[1] }];
      }
    }
    // serialport (bindings-cpp) open failures: "Error: <strerror>, cannot open P", "Error <strerror> Cannot open P", "... Cannot lock port".
    if (/(cannot open|Cannot lock port)/i.test(trimmed) && /^(\w*Error:? )/.test(trimmed)) {
      return [{ kind: "open-failed", message: trimmed.replace(/^(\w*Error: )+/, "") }];
    }
    return [{ kind: "note", stream, text: trimmed, harmless: this.isNoise(trimmed) }];
  }

  private isNoise(text: string): boolean {
    if (this.inNoiseBlock) {
      if (text === "}") this.inNoiseBlock = false;
      return true;
    }
    const known = CLI_NOISE.find((noise) => noise.line.test(text));
    if (known?.block) this.inNoiseBlock = true;
    return known !== undefined;
  }

  private complete(): CliEvent[] {
    const events: CliEvent[] = [];
    if (this.upload && !this.uploadSent) {
      // Progress lines missing (another CLI version): the CLI's word is enough.
      this.uploadSent = true;
      events.push({ kind: "upload-sent" });
    }
    events.push({ kind: "upload-complete" });
    return events;
  }
}

/**
 * The CLI's own notes as --verbose shows them: each one that may matter, and
 * the harmless ones counted into one line (said when the CLI starts to connect).
 */
export class VerboseNotes {
  private hidden = 0;

  constructor(private readonly show: (text: string) => void) {}

  note(event: { text: string; harmless: boolean }): void {
    if (event.harmless) this.hidden++;
    else this.show(`espruino: ${event.text}`);
  }

  /** Says how many harmless lines were left out, once. */
  summarise(): void {
    if (this.hidden === 0) return;
    this.show(`espruino: (${this.hidden} lines left out: the CLI reporting optional parts it lacks here, such as Peer.js, heatshrink and board files; harmless for this upload)`);
    this.hidden = 0;
  }
}

/**
 * Splits a stream of text into lines at "\n", keeping an unfinished line
 * until more comes (pure; the caller decodes bytes first).
 */
export class LineSplitter {
  private partial = "";

  push(text: string): string[] {
    const parts = (this.partial + text).split("\n");
    this.partial = parts.pop() ?? "";
    return parts;
  }

  /** The unfinished last line, if any (at the end of the stream). */
  flush(): string[] {
    const rest = this.partial;
    this.partial = "";
    return rest ? [rest] : [];
  }
}
