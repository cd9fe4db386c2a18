// The espruino CLI's stdout in terminal mode, taken apart: its own lines
// until it says "Connected", then perhaps its note about a piped stdin (the
// repl's always is: the keys are handled there), and from then on the
// board's bytes. The CLI turned each byte from the board into one character
// and wrote those as UTF-8: decoded, then that undone.
import { StringDecoder } from "node:string_decoder";

/** What the CLI prints on stdout before the board's output starts, once connected. */
const RAW_MODE_NOTICE = "No process.stdin.setRawMode() - Ctrl-C/etc won't function correctly\n";

export class TerminalStdout {
  private readonly decoder = new StringDecoder("utf8");
  private phase: "cli" | "notice" | "board" = "cli";
  /** Decoded text not passed on yet: an unfinished CLI line, or what may be the start of the notice. */
  private pending = "";

  /**
   * @param cliLine each line of the CLI's own, without its "\n"
   * @param boardBytes the board's output, as the board sent it
   */
  constructor(
    private readonly cliLine: (line: string) => void,
    private readonly boardBytes: (bytes: Buffer) => void,
  ) {}

  push(chunk: Buffer): void {
    this.pending += this.decoder.write(chunk);
    if (this.phase === "cli") this.cliLines();
    if (this.phase === "notice") this.skipNotice();
    if (this.phase === "board") this.toBoard();
  }

  /** The end of stdout: what is left is passed on (a CLI line, or the board's). */
  end(): void {
    this.pending += this.decoder.end();
    if (this.phase === "cli") this.cliLine(this.pending);
    else if (this.pending && !RAW_MODE_NOTICE.startsWith(this.pending)) this.toBoard();
    this.pending = "";
  }

  private cliLines(): void {
    const lines = this.pending.split("\n");
    // The board's prompt may come just before it, on the same line (">Connected").
    const at = lines.findIndex((line, index) => index < lines.length - 1 && line.replace(/\r$/, "").endsWith("Connected"));
    if (at < 0) {
      this.pending = lines.pop() ?? "";
      for (const line of lines) this.cliLine(line);
      return;
    }
    for (const line of lines.slice(0, at)) this.cliLine(line);
    const boardBefore = lines[at].replace(/\r$/, "").slice(0, -"Connected".length);
    this.cliLine("Connected");
    if (boardBefore) this.boardBytes(Buffer.from(boardBefore, "latin1"));
    this.pending = lines.slice(at + 1).join("\n");
    this.phase = "notice";
  }

  private skipNotice(): void {
    if (this.pending.startsWith(RAW_MODE_NOTICE)) {
      this.pending = this.pending.slice(RAW_MODE_NOTICE.length);
      this.phase = "board";
    } else if (!RAW_MODE_NOTICE.startsWith(this.pending)) {
      this.phase = "board";
    }
    // Otherwise the rest of the notice may still be on its way.
  }

  private toBoard(): void {
    if (this.pending) this.boardBytes(Buffer.from(this.pending, "latin1"));
    this.pending = "";
  }
}
