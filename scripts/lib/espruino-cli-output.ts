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
// The quoted parts are JSON strings. Anything else is a "note".

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
  | { kind: "note"; stream: Stream; text: string };

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

/** The CLI prepends these to the code it uploads (codeWriter.js): how the upload's write is told from others. */
const UPLOAD_WRITE_PREFIXES = ["\x10reset();\n", "\x10print()\n"];

export class CliOutputInterpreter {
  private upload: { total: number; sent: number } | null = null;
  private uploadSent = false;
  private resetSent = false;
  private boardInfoFailed = false;

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
        this.upload = { total: data.length, sent: 0 };
        return [{ kind: "upload-start", total: data.length }];
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
    return [{ kind: "note", stream, text: trimmed }];
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
