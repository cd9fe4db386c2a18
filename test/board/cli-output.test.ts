// The espruino CLI's (0.1.67, --verbose) output read into events. The lines
// below are as that CLI printed them uploading to a stock Espruino 2v29 Linux
// build's telnet console (`--config SAVE_ON_SEND=1`), and for the failures
// measured against loopback servers (refused, silent, garbage) and a missing
// serial device; long ones are shortened where noted.
import assert from "node:assert/strict";
import fc from "fast-check";
import { cleanDeviceLine, CliOutputInterpreter, LineSplitter, VerboseNotes, type CliEvent, type Stream } from "../../scripts/board/cli-output.ts";
import { SOURCE, transcript, uploadWrite } from "./cli-transcript.ts";

function run(lines: Array<[Stream, string]>): CliEvent[] {
  const interpreter = new CliOutputInterpreter();
  return lines.flatMap(([stream, line]) => interpreter.line(stream, line));
}

const kinds = (events: CliEvent[]) => events.filter((event) => event.kind !== "note").map((event) => event.kind);

describe("espruino-cli-output", () => {
  it("follows a real upload: connect, board query, upload progress to the last byte, then the board's lines", () => {
    const events = run(transcript());
    const upload = uploadWrite(SOURCE);
    assert.deepEqual(kinds(events).filter((kind) => kind !== "upload-progress" && kind !== "device"), [
      "connecting",
      "port-list-failed",
      "opened",
      "board",
      "connected",
      "upload-start",
      "upload-sent",
      "upload-complete",
    ]);
    const board = events.find((event) => event.kind === "board");
    assert.ok(board && board.kind === "board");
    assert.equal(board.env.VERSION, "2v29");
    assert.ok(board.env.MODULES?.split(",").includes("tls"));
    // The spare "\n" the CLI sends 250 ms after load() is not part of the upload: the board already runs it.
    const total = upload.data.length - 1;
    const start = events.find((event) => event.kind === "upload-start");
    assert.deepEqual(start, { kind: "upload-start", total });
    const progress = events.filter((event) => event.kind === "upload-progress").map((event) => (event.kind === "upload-progress" ? event.sent : -1));
    assert.equal(progress.length, upload.chunks.length - 1);
    assert.deepEqual(progress, [...progress].sort((a, b) => a - b), "progress only grows");
    assert.equal(progress.at(-1), total, "100 % once load() has gone out");
    const sentAt = events.findIndex((event) => event.kind === "upload-sent");
    assert.ok(sentAt < events.findIndex((event) => event.kind === "device" && event.line.startsWith("booted")), "sent before the new program prints");
    const device = events.flatMap((event) => (event.kind === "device" ? [event.line] : []));
    assert.deepEqual(device, [" ____                 _ ", "booted 3 3000", 'RESULT {"ok":true,"url":"x"}']);
  });

  it("marks the CLI's reports about optional parts it lacks as harmless, error objects included, and nothing else", () => {
    const lines: Array<[Stream, string]> = [
      ["stdout", "Acorn library not found - you'll need it for compiled code"],
      ["stdout", "ERROR ReferenceError: __dirname is not defined while loading /x/node_modules/espruino/libs/heatshrink.js"],
      ["stdout", 'webrtc-connection: require("peerjs-on-node") failed:  Error: Cannot find module \'peerjs-on-node\''],
      ["stdout", "Require stack:"],
      ["stdout", "    at Module._resolveFilename (node:internal/modules/cjs/loader:1207:15)"],
      ["stdout", "    at Object.<anonymous> (/x/node_modules/espruino/bin/espruino-cli.js:884:24) {"],
      ["stdout", "  requireStack: ["],
      ["stdout", "  ]"],
      ["stdout", "}"],
      ["stdout", "ERROR No Peer.js implementation available while loading /x/libs/webrtc-connection.js"],
      ["stdout", "Loading /x/node_modules/espruino/.no-board-files/ESP32.json"],
      ["stderr", "[Error: ENOENT: no such file or directory, open '/x/node_modules/espruino/.no-board-files/ESP32.json'] {"],
      ["stderr", "  errno: -2,"],
      ["stderr", "}"],
      ["stdout", "********************************************************************"],
      ["stdout", "* No list of built-in modules found. If you get 'Module not found' *"],
      ["stdout", "Minification complete"],
      ["stdout", "ERROR something that is not known to be harmless"],
    ];
    const notes = run(lines).flatMap((event) => (event.kind === "note" ? [event] : []));
    assert.equal(notes.length, lines.length);
    assert.deepEqual(
      notes.filter((note) => !note.harmless).map((note) => note.text),
      ["Minification complete", "ERROR something that is not known to be harmless"],
    );
    const shown: string[] = [];
    const verbose = new VerboseNotes((text) => shown.push(text));
    for (const note of notes) verbose.note(note);
    verbose.summarise();
    verbose.summarise();
    assert.deepEqual(shown.slice(0, 2), ["espruino: Minification complete", "espruino: ERROR something that is not known to be harmless"]);
    assert.match(shown[2], /^espruino: \(16 lines left out: .* harmless/);
    assert.equal(shown.length, 3, "the summary is said once");
  });

  it("knows when the upload's reset() has gone out: the board's output before it is from the old program", () => {
    const interpreter = new CliOutputInterpreter();
    const lines = transcript();
    const resetAt = lines.findIndex(([, line]) => line.startsWith('serial: Sending "\\u0010reset();'));
    assert.ok(resetAt > 0);
    for (const [stream, line] of lines.slice(0, resetAt)) interpreter.line(stream, line);
    assert.equal(interpreter.started, false);
    interpreter.line(...lines[resetAt]);
    assert.equal(interpreter.started, true);
    assert.equal(interpreter.sent, false);
  });

  it("the failures as the CLI reports them", () => {
    assert.deepEqual(run([["stderr", 'serial: Port "/dev/ttyNOPE" not found']]), [{ kind: "port-not-found", port: "/dev/ttyNOPE" }]);
    assert.deepEqual(run([["stderr", "Unable to connect!"]]), [{ kind: "unable-to-connect" }]);
    assert.deepEqual(run([["stderr", 'RECEIVE ERROR: {"errno":-111,"code":"ECONNREFUSED","syscall":"connect","address":"127.0.0.1","port":1}']]), [
      { kind: "socket-error", code: "ECONNREFUSED", message: "" },
    ]);
    // A silent board: the CLI gives up on process.env after about 3 s, then says so twice.
    assert.deepEqual(run([["stderr", 'No result found for "process.env" - just got ""'], ["stderr", "Unable to retrieve board information."], ["stderr", "Connection Error?"]]).filter((e) => e.kind !== "note"), [
      { kind: "no-board-info", received: "" },
    ]);
    // Line noise at the wrong baud rate.
    assert.deepEqual(run([["stderr", 'No result found for "process.env" - just got "ðþ\\u0013ªÿðþ\\u0013ªÿ"']]), [{ kind: "no-board-info", received: "ðþ\x13ªÿðþ\x13ªÿ" }]);
    assert.deepEqual(run([["stderr", "Unable to retrieve board information."]]), [{ kind: "no-board-info", received: null }]);
    // serialport's open failure, which the CLI does not catch (it crashes with it).
    assert.deepEqual(run([["stderr", "Error: Error Permission denied Cannot open /dev/ttyUSB0"]]), [
      { kind: "open-failed", message: "Error Permission denied Cannot open /dev/ttyUSB0" },
    ]);
    assert.deepEqual(run([["stdout", "Prompt not detected - upload failed. Trying to recover..."]]), [
      { kind: "upload-failed", message: "Prompt not detected - upload failed. Trying to recover..." },
    ]);
    assert.deepEqual(run([["stdout", "Disconnected."]]), [{ kind: "disconnected" }]);
  });

  it("'Upload Complete' without progress lines (another CLI version) still marks the upload as sent", () => {
    const events = run([
      ["stdout", `serial: ---> ${JSON.stringify("\x10reset();\n\x10print()\ncode\n\n")}`],
      ["stdout", "Upload Complete"],
    ]);
    assert.deepEqual(kinds(events), ["upload-start", "upload-sent", "upload-complete"]);
  });

  it("cleanDeviceLine: what a terminal would show, prompts dropped, control characters made visible", () => {
    assert.equal(cleanDeviceLine('>\r\x1b[JRESULT {"ok":true}\r'), 'RESULT {"ok":true}');
    assert.equal(cleanDeviceLine("\r\x1b[Jbooted 3 3000\r"), "booted 3 3000");
    assert.equal(cleanDeviceLine(">\r"), null);
    assert.equal(cleanDeviceLine(">>"), null);
    assert.equal(cleanDeviceLine("\r"), "");
    assert.equal(cleanDeviceLine("a\x07b\x1b]0;title\x07c"), "a\\x07b0;title\\x07c");
  });

  it("property: a board's line cannot pass for a message of the CLI", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const events = new CliOutputInterpreter().line("stdout", "--] " + text);
        assert.ok(events.every((event) => event.kind === "device"));
        assert.ok(events.length <= 1);
      }),
    );
  });

  it("LineSplitter: the transcript split at every boundary gives the same lines", () => {
    const text = transcript()
      .filter(([stream]) => stream === "stdout")
      .map(([, line]) => line + "\n")
      .join("")
      .slice(0, 4000);
    const whole = new LineSplitter();
    const expected = [...whole.push(text), ...whole.flush()];
    for (let at = 0; at <= text.length; at++) {
      const splitter = new LineSplitter();
      const lines = [...splitter.push(text.slice(0, at)), ...splitter.push(text.slice(at)), ...splitter.flush()];
      assert.deepEqual(lines, expected, `split at ${at}`);
    }
  });

  it("property: LineSplitter gives the same lines however the stream is cut", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom("a", "b", "\n", "\r", "é") }), { maxLength: 20 }), (pieces) => {
        const splitter = new LineSplitter();
        const lines = [...pieces.flatMap((piece) => splitter.push(piece)), ...splitter.flush()];
        const joined = pieces.join("");
        const expected = joined.split("\n");
        if (expected.at(-1) === "") expected.pop();
        assert.deepEqual(lines, expected);
      }),
    );
  });
});
