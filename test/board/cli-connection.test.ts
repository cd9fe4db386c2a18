// What upload and repl share on the way to a board: the serial device checked
// first, the CLI's connect failures read into problems and explained with
// the facts of the moment, the board's unusable answer named, and the CLI's
// output read into events with its notes shown under --verbose.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  boardAnswerKind,
  checkBeforeConnecting,
  connectProblemOf,
  explainWithFacts,
  openCli,
} from "../../scripts/board/cli-connection.ts";
import type { CliEvent } from "../../scripts/board/cli-output.ts";
import { explainConnectProblem, type PortSpec } from "../../scripts/board/port.ts";
import { ScriptedCli } from "./scripted-cli.ts";

const TCP_PORT: PortSpec = { kind: "tcp", host: "127.0.0.1", port: 2323, text: "tcp://127.0.0.1:2323" };

describe("cli-connection", () => {
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-connection-"));
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe("checkBeforeConnecting", () => {
    it("a tcp:// port has nothing to check; a device file that is there and open to us exists", async () => {
      assert.deepEqual(await checkBeforeConnecting(TCP_PORT), { deviceExists: false });
      const file = path.join(dir, "ttyHERE");
      fs.writeFileSync(file, "");
      assert.deepEqual(await checkBeforeConnecting({ kind: "serial", path: file }), { deviceExists: true });
    });

    it("a device that is not there is not found", async () => {
      const missing = await checkBeforeConnecting({ kind: "serial", path: path.join(dir, "ttyNOPE") });
      assert.ok("problem" in missing && missing.problem.kind === "not-found" && missing.problem.exists === undefined);
    });

    it("a device we may not open is a permission problem (not as root, who may open anything)", async function () {
      if (process.getuid?.() === 0) return this.skip();
      const locked = path.join(dir, "ttyLOCKED");
      fs.writeFileSync(locked, "");
      fs.chmodSync(locked, 0o000);
      const checked = await checkBeforeConnecting({ kind: "serial", path: locked });
      assert.ok("problem" in checked && checked.problem.kind === "permission", JSON.stringify(checked));
    });
  });

  it("connectProblemOf: each connect failure of the CLI as a problem", () => {
    const serial: PortSpec = { kind: "serial", path: "/dev/ttyUSB0" };
    assert.deepEqual(connectProblemOf({ kind: "port-not-found", port: "/dev/ttyUSB0" }, serial, true), { kind: "not-found", port: serial, exists: true, listing: { ports: [] } });
    assert.deepEqual(connectProblemOf({ kind: "socket-error", code: "ECONNREFUSED", message: "refused" }, TCP_PORT, false), {
      kind: "socket",
      port: TCP_PORT,
      code: "ECONNREFUSED",
      detail: "refused",
    });
    assert.deepEqual(connectProblemOf({ kind: "open-failed", message: "Error Resource temporarily unavailable Cannot lock port" }, serial, true), {
      kind: "busy",
      port: serial,
      how: "locked",
    });
    assert.equal(connectProblemOf({ kind: "open-failed", message: "Permission denied, cannot open /dev/ttyUSB0" }, serial, true).kind, "permission");
  });

  describe("explainWithFacts", () => {
    it("a port not found: the serial ports listed now, and why the CLI could not list them when listing here says nothing", async () => {
      const port: PortSpec = { kind: "serial", path: "/dev/ttyNOPE" };
      const lines = await explainWithFacts({ kind: "not-found", port, listing: { ports: [] } }, "spawn udevadm ENOENT");
      assert.equal(lines[0], "serial port /dev/ttyNOPE not found.");
      assert.match(lines[1], /^Serial ports on this machine:|^No serial ports were found/);
      assert.match(lines.join("\n"), /\(Listing serial ports failed: /);
    });

    it("a busy port names who uses it (nobody found: another program); other problems as they are", async () => {
      const port: PortSpec = { kind: "serial", path: path.join(dir, "ttyFREE") };
      assert.match((await explainWithFacts({ kind: "busy", port, how: "locked" }))[0], /is in use: another program holds its lock/);
      const refused = { kind: "socket", port: TCP_PORT, code: "ECONNREFUSED" } as const;
      assert.deepEqual(await explainWithFacts(refused), explainConnectProblem(refused));
    });
  });

  it("boardAnswerKind: nothing but prompts is no answer; text that is not Espruino's, and bytes that are not text", () => {
    assert.equal(boardAnswerKind(null), "none");
    assert.equal(boardAnswerKind("\r\n>\r\n>"), "none");
    assert.equal(boardAnswerKind("Welcome to some other firmware\r\n"), "not-espruino");
    assert.equal(boardAnswerKind("\xf0\x80\xfe\x13\x99\xaa"), "garbage");
  });

  describe("openCli", () => {
    const lines: Array<["stdout" | "stderr", string]> = [
      ["stdout", "Acorn library not found - you'll need it for compiled code"],
      ["stdout", "ERROR something that is not known to be harmless"],
      ["stdout", "Connecting to 'tcp://127.0.0.1:2323'"],
      ["stderr", 'RECEIVE ERROR: {"code":"ECONNREFUSED","message":"connect ECONNREFUSED"}'],
      ["stdout", "Unable to connect!"],
    ];

    function open(verbose: boolean) {
      const cli = new ScriptedCli();
      const events: CliEvent[] = [];
      const notes: string[] = [];
      const connection = openCli({ args: ["-p", "tcp://127.0.0.1:2323"], verbose, showNote: (text) => notes.push(text), onEvent: (event) => events.push(event), startCli: cli.start });
      return { cli, connection, events, notes };
    }

    it("the CLI's output comes back as events; under --verbose its notes are shown, the harmless ones counted once it connects", () => {
      const { cli, events, notes } = open(true);
      assert.deepEqual(cli.args, ["-p", "tcp://127.0.0.1:2323"]);
      cli.print(lines);
      assert.deepEqual(
        events.map((event) => event.kind),
        ["note", "note", "connecting", "socket-error", "unable-to-connect"],
      );
      assert.equal(notes.length, 2);
      assert.equal(notes[0], "espruino: ERROR something that is not known to be harmless");
      assert.match(notes[1], /^espruino: \(1 lines left out: /);
    });

    it("without --verbose no note is shown; after close() the CLI is stopped and nothing it says is read", () => {
      const { cli, connection, events, notes } = open(false);
      cli.print(lines.slice(0, 3));
      connection.close();
      cli.print(lines.slice(3));
      assert.deepEqual(notes, []);
      assert.deepEqual(
        events.map((event) => event.kind),
        ["note", "note", "connecting"],
      );
      assert.ok(cli.stopped);
    });
  });
});
