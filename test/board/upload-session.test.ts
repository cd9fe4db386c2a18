// The upload session followed step by step: a scripted espruino CLI prints
// what the real one printed for an upload (cli-transcript.ts), with the
// failures put in where they happen, and the session's output and exit code
// are read. The whole path over the real CLI is in test/upload.test.ts.
import assert from "node:assert/strict";
import type { Stream } from "../../scripts/board/cli-output.ts";
import type { PortSpec } from "../../scripts/board/port.ts";
import { lostInputMessage } from "../../scripts/board/upload-damage.ts";
import type { UploadOutput } from "../../scripts/board/upload-output.ts";
import { FIRMWARE_README, runUploadSession, type UploadSessionOptions } from "../../scripts/board/upload-session.ts";
import { SOURCE, transcript, uploadWrite } from "./cli-transcript.ts";
import { ScriptedCli } from "./scripted-cli.ts";

const TCP_PORT: PortSpec = { kind: "tcp", host: "127.0.0.1", port: 2323, text: "tcp://127.0.0.1:2323" };

type Line = [Stream, string];

/** Everything the session showed, in order: [stream, text]. */
class Shown {
  readonly entries: Array<[string, string]> = [];
  readonly output: UploadOutput = {
    out: (line, kind) => void this.entries.push([kind === "result" ? "result" : "out", line]),
    info: (line) => void this.entries.push(["info", line]),
    warn: (line) => void this.entries.push(["warn", line]),
    fail: (line) => void this.entries.push(["fail", line]),
    progress: (sent, total) => void this.entries.push(["progress", `${sent}/${total}`]),
  };

  text(stream: string): string[] {
    return this.entries.filter(([kind]) => kind === stream).map(([, text]) => text);
  }
}

/** The transcript with `lines` put in before the first line that matches `before`. */
function withLines(before: RegExp, lines: Line[], from: Line[] = transcript()): Line[] {
  const at = from.findIndex(([, line]) => before.test(line));
  assert.ok(at >= 0, `no line matches ${before}`);
  return [...from.slice(0, at), ...lines, ...from.slice(at)];
}

/** The transcript up to (not including) the first line that matches `stop`. */
function until(stop: RegExp): Line[] {
  const lines = transcript();
  return lines.slice(0, lines.findIndex(([, line]) => stop.test(line)));
}

/** Runs a session on the scripted CLI, which prints `lines` once it is started. */
async function session(lines: Line[], options: Partial<UploadSessionOptions> = {}, afterwards?: (cli: ScriptedCli) => void) {
  const cli = new ScriptedCli();
  const shown = new Shown();
  const exit = runUploadSession({
    port: TCP_PORT,
    baud: 115200,
    deviceExists: false,
    file: "/scratch/app.js",
    bundleBytes: SOURCE.length,
    ram: false,
    timeoutMs: 60_000,
    verbose: false,
    output: shown.output,
    startCli: cli.start,
    ...options,
  });
  cli.print(lines);
  afterwards?.(cli);
  return { code: await exit, shown, cli };
}

describe("upload-session", () => {
  it("follows a whole upload: each step said, progress to the last byte, the banner held until the upload is out, RESULT ends it with exit 0", async () => {
    const { code, shown, cli } = await session(transcript());
    assert.equal(code, 0);
    assert.ok(cli.stopped, "the CLI is stopped once RESULT is in");
    assert.ok(cli.args.includes("SAVE_ON_SEND=1") && cli.args.at(-1) === "/scratch/app.js");
    assert.equal(cli.args[cli.args.indexOf("--sleep") + 1], "150", "connected through a stalled upload and the whole wait for RESULT, and a minute more");
    const total = uploadWrite(SOURCE).data.length - 1;
    const steps = shown.entries.filter(([kind]) => kind !== "progress");
    const expected: Array<[string, RegExp]> = [
      ["info", /^connecting to tcp:\/\/127\.0\.0\.1:2323$/],
      ["info", /^connected; asking the board what it is$/],
      ["info", /^board: Espruino 2v29 on LINUX$/],
      ["info", new RegExp(`^uploading ${total} bytes: the bundle written into Storage .* \\(bundle ${SOURCE.length} bytes\\)$`)],
      ["info", new RegExp(`^upload sent: ${total} bytes; the board restarts and runs the check \\(waiting up to 60 s for RESULT\\)$`)],
      ["out", /^ ____ {17}_ $/],
      ["out", /^booted 3 3000$/],
      ["result", /^RESULT \{"ok":true,"url":"x"\}$/],
    ];
    assert.equal(steps.length, expected.length, steps.join("\n"));
    expected.forEach(([kind, text], at) => assert.ok(steps[at][0] === kind && text.test(steps[at][1]), `${at}: ${steps[at].join(": ")}`));
    assert.equal(shown.text("progress").at(-1), `${total}/${total}`);
  });

  it("--ram: the CLI is told so; a RESULT printed before the upload's reset() is the old program's and does not end the session", async () => {
    const old: Line = ["stdout", '--] RESULT {"ok":false,"error":"OLD"}\r'];
    const { code, shown, cli } = await session(withLines(/^Uploading/, [old]), { ram: true });
    assert.equal(code, 0);
    assert.ok(cli.args.includes("SAVE_ON_SEND=0"));
    assert.match(shown.text("info")[3], /^uploading \d+ bytes: the bundle after reset\(\)/);
    assert.deepEqual(shown.text("result"), ['RESULT {"ok":false,"error":"OLD"}', 'RESULT {"ok":true,"url":"x"}']);
  });

  it("a serial port: the connecting line names the baud rate", async () => {
    const { shown } = await session(transcript(), { port: { kind: "serial", path: "/dev/ttyUSB7" }, baud: 9600 });
    assert.equal(shown.text("info")[0], "connecting to /dev/ttyUSB7 at 9600 baud");
  });

  it("a board that lost part of the upload (FIFO_FULL): the held lines, then what it left on the board; exit 1", async () => {
    const lost: Line = ["stdout", "--] New interpreter error: FIFO_FULL\r"];
    const { code, shown } = await session(withLines(/^serial: Sending "\\u0010load/, [lost]));
    assert.equal(code, 1);
    assert.deepEqual(shown.text("out"), [" ____                 _ ", "New interpreter error: FIFO_FULL"]);
    assert.deepEqual(shown.text("fail"), lostInputMessage(false));
    assert.deepEqual(shown.text("result"), [], "nothing is read after the failure");
  });

  it("a board that echoes the uploaded code: never shown", async () => {
    const echoed: Line = ["stdout", '--] require("Storage").write(".bootcde","var secret = \\"hunter2hunter2\\";",0,3089);\r'];
    const { code, shown } = await session(withLines(/^--\] >\r\x1b\[JRESULT/, [echoed]));
    assert.equal(code, 0);
    assert.ok(shown.text("out").includes("[the board echoed part of the uploaded code; not shown]"));
    assert.doesNotMatch(shown.entries.map(([, text]) => text).join("\n"), /hunter2/);
  });

  it("firmware without tls: a warning once the board is known; RESULT NO_TLS points at the firmware, exit 2", async () => {
    const lines = transcript().map(([stream, line]): Line => [stream, line.replace(",tls,", ",").replace('{"ok":true,"url":"x"}', '{"ok":false,"error":"NO_TLS"}')]);
    const { code, shown } = await session(lines);
    assert.equal(code, 2);
    assert.match(shown.text("warn")[0], /no tls module: the check will end with NO_TLS/);
    assert.ok(shown.text("fail")[0].includes(FIRMWARE_README));
  });

  it("--fail-on: a rating at it or worse is exit 3, with the reasons", async () => {
    const improvable = '{"ok":true,"url":"x","rating":"Improvable","tls_version":"TLS 1.2"}';
    const lines = transcript().map(([stream, line]): Line => [stream, line.replace('{"ok":true,"url":"x"}', improvable)]);
    const { code, shown } = await session(lines, { failOn: "improvable" });
    assert.equal(code, 3);
    assert.match(shown.text("out").at(-1)!, /^why "Improvable": /);
  });

  it("the board stops answering during the upload: the CLI's words, exit 2", async () => {
    const failed: Line = ["stderr", "Prompt not detected - upload failed. Trying to recover..."];
    const { code, shown } = await session(withLines(/^serial: Sending "\\u0010load/, [failed]));
    assert.equal(code, 2);
    assert.deepEqual(shown.text("fail"), ["the board stopped answering during the upload (the espruino CLI says: Prompt not detected - upload failed. Trying to recover...)"]);
  });

  it("the connection closes during the upload: what is left on the board, exit 1; after it, before RESULT: exit 2", async () => {
    const closed: Line = ["stdout", "Disconnected."];
    const during = await session(withLines(/^serial: Sending "\\u0010load/, [closed]));
    assert.equal(during.code, 1);
    assert.match(during.shown.text("fail")[0], /^the connection to tcp:\/\/127\.0\.0\.1:2323 closed during the upload: its boot code .* is incomplete/);
    const after = await session([...until(/^Upload Complete/), closed]);
    assert.equal(after.code, 2);
    assert.deepEqual(after.shown.text("fail"), ["the board disconnected before printing RESULT"]);
  });

  it("the CLI ends before the upload is done: the CLI's last notes, exit 1", async () => {
    const { code, shown } = await session([...until(/^Uploading/), ["stderr", "ERROR something the CLI had to say"]], {}, (cli) => cli.exit(0));
    assert.equal(code, 1);
    assert.match(shown.text("fail")[0], /^the espruino CLI ended \(exit code 0\) before the upload was done:\n(.*\n)*ERROR something the CLI had to say$/);
  });

  it("a serial port whose device file is gone when the CLI ends mid-upload (its write to the closed port threw): the port went away, exit 1", async () => {
    const port: PortSpec = { kind: "serial", path: "/dev/ttyUSB7" };
    const crash: Line[] = [["stderr", "TypeError: Cannot read properties of undefined (reading 'write')"], ["stderr", "    at Object.writeSerial (serial_node_serial.js:105:16)"]];
    const lines = [...until(/^serial: Sending "\\u0010load/), ...crash];
    for (const [fileThere, expected] of [
      [false, /^\/dev\/ttyUSB7 went away during the upload \(unplugged, or the board reset\?\): its boot code \(Storage \.bootcde\) is incomplete/],
      [true, /^the espruino CLI ended \(exit code 1\) before the upload was done:\n(.*\n)*TypeError: Cannot read properties/],
    ] as const) {
      const { code, shown } = await session(lines, { port, deviceFileExists: () => fileThere }, (cli) => cli.exit(1));
      assert.equal(code, 1);
      assert.equal(shown.text("fail").length, 1, shown.text("fail").join("\n"));
      assert.match(shown.text("fail")[0], expected);
    }
  });

  it("Unable to connect!: says so with the CLI's last notes, exit 1", async () => {
    const lines: Line[] = [["stdout", "Connecting to 'tcp://127.0.0.1:2323'"], ["stderr", "something went wrong"], ["stdout", "Unable to connect!"]];
    const { code, shown } = await session(lines);
    assert.equal(code, 1);
    assert.deepEqual(shown.text("fail"), ["cannot connect to tcp://127.0.0.1:2323:\nsomething went wrong"]);
  });

  it("the board's answer to process.env: none is the wrong baud rate; text that is not Espruino's is said as such; exit 1 and nothing uploaded", async () => {
    const answer = (received: string): Line[] => [...until(/^Got /), ["stderr", `No result found for "process.env" - just got ${JSON.stringify(received)}`]];
    const silent = await session(answer("\r\n>"));
    assert.equal(silent.code, 1);
    assert.match(silent.shown.text("fail")[0], /^no answer from tcp:\/\/127\.0\.0\.1:2323: the board sent nothing back within 3 s\./);
    const other = await session(answer("Welcome to some other firmware\r\n"));
    assert.equal(other.code, 1);
    assert.match(other.shown.text("fail")[0], /answered, but not like an Espruino console: "Welcome to some other firmware/);
    const noise = await session(answer("\xf0\x80\xfe\x13\x99\xaa"));
    assert.match(noise.shown.text("fail")[0], /answered with 6 bytes that are not Espruino's console/);
    for (const run of [silent, other, noise]) assert.ok(!run.shown.text("info").some((line) => line.startsWith("uploading")));
  });

  it("a device file the CLI does not list: named as such, with the ports there are; what the CLI says meanwhile is not followed", async () => {
    const port: PortSpec = { kind: "serial", path: "/tmp/ttyNOTLISTED" };
    const lines: Line[] = [["stdout", "Connecting to '/tmp/ttyNOTLISTED'"], ["stderr", 'serial: Port "/tmp/ttyNOTLISTED" not found'], ["stdout", "Disconnected."], ["stdout", "Unable to connect!"]];
    const { code, shown } = await session(lines, { port, deviceExists: true });
    assert.equal(code, 1);
    assert.match(shown.text("fail")[0], /^\/tmp\/ttyNOTLISTED exists but is not a serial port this system lists/);
    assert.match(shown.text("fail")[1], /^Serial ports on this machine:|^No serial ports were found/);
    assert.ok(!shown.text("fail").some((line) => /went away|cannot connect/.test(line)), shown.text("fail").join("\n"));
  });

  it("interrupted: exit 130 and the CLI stopped", async () => {
    const controller = new AbortController();
    const { code, shown, cli } = await session(until(/^Uploading/), { signal: controller.signal }, () => controller.abort());
    assert.equal(code, 130);
    assert.deepEqual(shown.text("fail"), ["interrupted"]);
    assert.ok(cli.stopped);
  });
});
