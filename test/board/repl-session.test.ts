// The console's session over a scripted espruino CLI in terminal mode: keys
// to the board (held until it answers; Ctrl-D on a terminal; the end of
// piped input once the board is quiet), the board's bytes back unchanged,
// and how it ends. The whole path over the real CLI is in test/repl.test.ts.
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { repl, type ReplOptions } from "../../scripts/board/repl-session.ts";
import { ScriptedCli } from "./scripted-cli.ts";

const PORT = "tcp://127.0.0.1:2323";
const CONNECTED = `Connecting to '${PORT}'\n>Connected\nNo process.stdin.setRawMode() - Ctrl-C/etc won't function correctly\n`;

/** A stdin that says it is a terminal, and the raw modes it was put in. */
function terminalStdin(): PassThrough & { isTTY: true; setRawMode(mode: boolean): void; modes: boolean[] } {
  const stdin = new PassThrough() as PassThrough & { isTTY: true; setRawMode(mode: boolean): void; modes: boolean[] };
  stdin.isTTY = true;
  stdin.modes = [];
  stdin.setRawMode = (mode) => void stdin.modes.push(mode);
  return stdin;
}

/** repl() on a scripted CLI; `errors` are what it wrote to stderr (its failures) while it ran. */
async function startRepl(stdin: ReplOptions["stdin"] = new PassThrough()) {
  const cli = new ScriptedCli();
  const notices: string[] = [];
  const board: Buffer[] = [];
  const stdout = new PassThrough().on("data", (bytes: Buffer) => board.push(bytes));
  let errors = "";
  const savedWrite = process.stderr.write;
  process.stderr.write = ((chunk: string) => ((errors += chunk), true)) as typeof process.stderr.write;
  const exit = repl({ port: PORT, stdin, stdout, notices: (line) => notices.push(line.replace(/\x1b\[\d+m/g, "")), startCli: cli.start }).finally(
    () => (process.stderr.write = savedWrite),
  );
  await cli.started;
  return { cli, stdin, notices, exit, board: () => Buffer.concat(board), errors: () => errors.replace(/\x1b\[\d+m/g, "") };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("repl-session", () => {
  it("piped: keys typed before the board answered reach it once connected; its bytes come back as sent; the end of input quits once it is quiet", async () => {
    const session = await startRepl();
    const stdin = session.stdin as PassThrough;
    stdin.write("1+2\n");
    await pause(50);
    assert.equal(session.cli.input(), "", "nothing goes to the CLI before it is connected");
    session.cli.write(CONNECTED);
    assert.deepEqual(session.notices, [`connected to ${PORT}. End of input quits.`]);
    await pause(50);
    assert.equal(session.cli.input(), "1+2\n");
    session.cli.write("1+2\r\n=3\r\n\u00e9>");
    stdin.end();
    assert.equal(await session.exit, 0);
    assert.deepEqual(session.board(), Buffer.from(">1+2\r\n=3\r\n\xe9>", "latin1"), "the prompt before Connected, then the board's bytes; the CLI's note is not among them");
    assert.equal(session.notices.at(-1), `\ndisconnected from ${PORT}`);
  });

  it("on a terminal: raw mode while it runs; Ctrl-D ends the input, the keys before it sent", async () => {
    const session = await startRepl(terminalStdin());
    const stdin = session.stdin as ReturnType<typeof terminalStdin>;
    session.cli.write(CONNECTED);
    assert.deepEqual(session.notices, [`connected to ${PORT}. Ctrl-C twice or Ctrl-D quits.`]);
    await pause(50);
    stdin.write("6*7\r\x04ignored");
    assert.equal(await session.exit, 0);
    assert.equal(session.cli.input(), "6*7\r");
    assert.deepEqual(stdin.modes, [true, false]);
  });

  it("a board that does not answer process.env: a warning about the baud rate, and the console stays", async () => {
    const session = await startRepl();
    session.cli.write(`Connecting to '${PORT}'\nNo result found for "process.env" - just got "\\r\\n"\n>Connected\n`);
    assert.match(session.notices[0], /^warning: no answer from the board when asked for process.env: probably the wrong baud rate .* Staying connected\.$/);
    (session.stdin as PassThrough).end();
    assert.equal(await session.exit, 0);
  });

  it("a tcp:// port that refuses: explained, exit 1", async () => {
    const session = await startRepl();
    session.cli.write(`Connecting to '${PORT}'\n`);
    session.cli.print([["stderr", 'RECEIVE ERROR: {"code":"ECONNREFUSED","message":"connect ECONNREFUSED 127.0.0.1:2323"}'], ["stdout", "Unable to connect!"]]);
    session.cli.exit(0);
    assert.equal(await session.exit, 1);
    assert.equal(session.errors(), `error: cannot connect to ${PORT}: the connection was refused: nothing is listening there. Is the device (or npm run virtual-device) running, and is the port right?\n`);
  });

  it("the CLI ends before it connected: said, exit 1", async () => {
    const session = await startRepl();
    session.cli.exit(1);
    assert.equal(await session.exit, 1);
    assert.equal(session.errors(), `error: the espruino CLI ended (exit code 1) before connecting to ${PORT}\n`);
  });
});
