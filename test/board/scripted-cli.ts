// A stand-in for the espruino CLI's child process (OpenCliOptions.startCli):
// it prints what a test tells it to, keeps what is written to its stdin, and
// exits when told to, when stopped, or (like the CLI's terminal) when its
// stdin ends.
import type { ChildProcess } from "node:child_process";
import { PassThrough } from "node:stream";
import type { Stream } from "../../scripts/board/cli-output.ts";
import type { CliProcess, SpawnOptions } from "../../scripts/board/espruino-cli.ts";

type Exit = { code: number | null; signal: NodeJS.Signals | null };

export class ScriptedCli {
  /** The arguments it was started with. */
  args: string[] = [];
  stopped = false;
  /** Its stdin: what the caller sends to the board. */
  readonly stdin = new PassThrough();
  private received = "";
  private spawnOptions: SpawnOptions | null = null;
  private resolveExit: (exit: Exit) => void = () => {};
  private readonly exited = new Promise<Exit>((resolve) => (this.resolveExit = resolve));
  private markStarted: () => void = () => {};
  /** Resolves once it has been started. */
  readonly started = new Promise<void>((resolve) => (this.markStarted = resolve));

  constructor() {
    this.stdin.on("data", (data: Buffer) => (this.received += data.toString("latin1")));
    this.stdin.on("end", () => this.exit(0));
  }

  /** Starts it, as spawnCli would start the CLI. */
  readonly start = (args: string[], options: SpawnOptions): CliProcess => {
    this.args = args;
    this.spawnOptions = options;
    this.markStarted();
    const stop = () => {
      this.stopped = true;
      this.exit(null, "SIGTERM");
    };
    return { child: { stdin: this.stdin } as unknown as ChildProcess, exited: this.exited, stop };
  };

  /** Lines it prints, each whole (a stdout taken raw gets them as bytes, with their "\n"). */
  print(lines: Array<[Stream, string]>): void {
    const options = this.spawnOptions!;
    for (const [stream, line] of lines) {
      if (stream === "stdout" && options.rawStdout) options.rawStdout(Buffer.from(line + "\n"));
      else options.onLine(stream, line);
    }
  }

  /** Raw stdout, as the CLI's terminal writes it (the board's bytes as characters, in UTF-8). */
  write(text: string): void {
    this.spawnOptions!.rawStdout!(Buffer.from(text));
  }

  /** What was written to its stdin, a byte a character. */
  input(): string {
    return this.received;
  }

  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    // After the output already printed has been read, as a child's "close" comes last.
    setImmediate(() => this.resolveExit({ code, signal }));
  }
}
