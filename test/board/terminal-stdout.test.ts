// The espruino CLI's stdout in terminal mode taken apart: its lines until
// "Connected", its note about a piped stdin dropped, then the board's bytes
// exactly as the board sent them, however the stream is cut into chunks.
import assert from "node:assert/strict";
import fc from "fast-check";
import { TerminalStdout } from "../../scripts/board/terminal-stdout.ts";

const NOTICE = "No process.stdin.setRawMode() - Ctrl-C/etc won't function correctly\n";
/** The board's bytes, as the CLI writes them: each byte one character, in UTF-8. */
const BOARD = "1+2\r\n=3\r\n\u00e9\u00ff\u0080>";
const STREAM = "Espruino Command-line Tool 0.1.67\nConnecting to 'tcp://127.0.0.1:2323'\n>Connected\n" + NOTICE + BOARD;

function takeApart(chunks: Buffer[]): { cliLines: string[]; board: Buffer } {
  const cliLines: string[] = [];
  const board: Buffer[] = [];
  const stdout = new TerminalStdout(
    (line) => cliLines.push(line),
    (bytes) => board.push(bytes),
  );
  for (const chunk of chunks) stdout.push(chunk);
  stdout.end();
  return { cliLines, board: Buffer.concat(board) };
}

/** The stream cut at these byte offsets. */
function cut(bytes: Buffer, at: number[]): Buffer[] {
  const edges = [0, ...[...new Set(at)].sort((a, b) => a - b), bytes.length];
  return edges.slice(1).map((end, index) => bytes.subarray(edges[index], end));
}

describe("terminal-stdout", () => {
  it("the CLI's lines up to Connected; the prompt before it, then the board's bytes as sent; the note about stdin dropped", () => {
    const { cliLines, board } = takeApart([Buffer.from(STREAM)]);
    assert.deepEqual(cliLines, ["Espruino Command-line Tool 0.1.67", "Connecting to 'tcp://127.0.0.1:2323'", "Connected"]);
    assert.deepEqual(board, Buffer.from(">" + BOARD, "latin1"));
    assert.ok(board.includes(0xe9) && board.includes(0xff) && board.includes(0x80), "bytes over 0x7f come back as single bytes");
  });

  it("property: however the stream is cut (inside a character, inside the note), the same lines and bytes", () => {
    const bytes = Buffer.from(STREAM);
    const whole = takeApart([bytes]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 12 }), (at) => {
        assert.deepEqual(takeApart(cut(bytes, at)), whole);
      }),
    );
  });

  it("without the note, or with text that only starts like it, the board's output begins right after Connected", () => {
    assert.deepEqual(takeApart([Buffer.from("Connected\n=3\r\n")]).board, Buffer.from("=3\r\n"));
    const lookalike = "No process here\r\n";
    assert.deepEqual(takeApart([Buffer.from("Connected\n"), Buffer.from(lookalike)]).board, Buffer.from(lookalike));
  });

  it("at the end: an unfinished line before Connected is one more CLI line; half a note is dropped", () => {
    assert.deepEqual(takeApart([Buffer.from("Connecting to 'x'\nUnable to connect!")]).cliLines, ["Connecting to 'x'", "Unable to connect!"]);
    const halfNote = takeApart([Buffer.from("Connected\n" + NOTICE.slice(0, 20))]);
    assert.deepEqual(halfNote.board, Buffer.alloc(0));
  });
});
