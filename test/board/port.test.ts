import assert from "node:assert/strict";
import fc from "fast-check";
import {
  explainConnectProblem,
  looksLikeText,
  parsePort,
  portText,
  previewBytes,
  serialOpenProblem,
  type PortSpec,
} from "../../scripts/board/port.ts";

const serial: PortSpec = { kind: "serial", path: "/dev/ttyUSB0" };
const tcp: PortSpec = { kind: "tcp", host: "127.0.0.1", port: 23231, text: "tcp://127.0.0.1:23231" };

describe("espruino-port", () => {
  describe("parsePort", () => {
    it("reads serial devices as they are", () => {
      assert.deepEqual(parsePort("/dev/ttyUSB0"), { kind: "serial", path: "/dev/ttyUSB0" });
      assert.deepEqual(parsePort("COM3"), { kind: "serial", path: "COM3" });
      assert.deepEqual(parsePort(" /dev/serial/by-id/usb-Silicon_Labs_CP2102-if00 "), { kind: "serial", path: "/dev/serial/by-id/usb-Silicon_Labs_CP2102-if00" });
    });

    it("reads tcp://HOST:PORT, with the CLI's default port 23 when none is given", () => {
      assert.deepEqual(parsePort("tcp://127.0.0.1:23231"), { kind: "tcp", host: "127.0.0.1", port: 23231, text: "tcp://127.0.0.1:23231" });
      assert.deepEqual(parsePort("TCP://board.local"), { kind: "tcp", host: "board.local", port: 23, text: "tcp://board.local:23" });
    });

    it("refuses what the CLI would misread, with a reason", () => {
      assert.throws(() => parsePort(""), /empty/);
      assert.throws(() => parsePort("http://127.0.0.1:80"), /only tcp:\/\//);
      assert.throws(() => parsePort("tcp://127.0.0.1:99999"), /1-65535/);
      assert.throws(() => parsePort("tcp://:2323"), /tcp:\/\/HOST:PORT/);
      assert.throws(() => parsePort("aa:bb:cc:dd:ee:ff"), /Bluetooth/);
      assert.throws(() => parsePort("--baud"), /not an option/);
    });

    it("property: tcp://HOST:PORT round-trips through portText", () => {
      const host = fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,30}$/);
      fc.assert(
        fc.property(host, fc.integer({ min: 1, max: 65535 }), (name, port) => {
          const parsed = parsePort(`tcp://${name}:${port}`);
          assert.deepEqual(parsed, { kind: "tcp", host: name, port, text: `tcp://${name}:${port}` });
          assert.equal(portText(parsed), `tcp://${name}:${port}`);
        }),
      );
    });
  });

  describe("explainConnectProblem", () => {
    it("port not found: names it and lists the ports that exist, or says there are none and why listing failed", () => {
      const listed = explainConnectProblem({ kind: "not-found", port: serial, listing: { ports: [{ path: "/dev/ttyACM0", description: "Espressif" }] } }).join("\n");
      assert.match(listed, /serial port \/dev\/ttyUSB0 not found/);
      assert.match(listed, /\/dev\/ttyACM0 {2}\(Espressif\)/);
      const none = explainConnectProblem({ kind: "not-found", port: serial, listing: { ports: [], error: "spawn udevadm ENOENT" } }).join("\n");
      assert.match(none, /No serial ports were found/);
      assert.match(none, /udevadm/);
      const unlisted = explainConnectProblem({ kind: "not-found", port: { kind: "serial", path: "/tmp/x" }, exists: true, listing: { ports: [] } }).join("\n");
      assert.match(unlisted, /exists but is not a serial port this system lists/);
    });

    it("permission denied: explains the dialout group and how to join it", () => {
      const text = explainConnectProblem({ kind: "permission", port: serial, detail: "EACCES" }).join("\n");
      assert.match(text, /permission denied opening \/dev\/ttyUSB0 \(EACCES\)/);
      assert.match(text, /sudo usermod -aG dialout \$USER/);
      assert.match(text, /log out and back in/);
    });

    it("busy: who holds the lock the espruino CLI wants, or who made the port exclusive", () => {
      const users = [
        { pid: 41, program: "socat", locks: false },
        { pid: 42, program: "node espruino-cli.js", locks: true },
      ];
      assert.deepEqual(explainConnectProblem({ kind: "busy", port: serial, how: "locked", users }), [
        "/dev/ttyUSB0 is in use: process 42 (node espruino-cli.js) holds its lock.",
        "The espruino CLI locks the port it opens, so another upload or repl, or a serial monitor that locks its port, keeps it out. Close that program and try again.",
      ]);
      assert.match(explainConnectProblem({ kind: "busy", port: serial, how: "locked" })[0], /is in use: another program holds its lock/);
      const exclusive = explainConnectProblem({ kind: "busy", port: serial, how: "exclusive", users: [{ pid: 7, program: "screen", locks: false }] });
      assert.match(exclusive[0], /^\/dev\/ttyUSB0 is in use: process 7 \(screen\) opened it for exclusive use/);
    });

    it("no answer and garbage: the wrong baud rate, 115200 suggested (and the bridge's rate for tcp://)", () => {
      for (const problem of [
        { kind: "no-answer" as const, port: serial, seconds: 3 },
        { kind: "garbage" as const, port: serial, received: "\xf0\x80\xfe" },
        { kind: "garbage" as const, port: tcp, received: "\xf0\x80\xfe" },
      ]) {
        const text = explainConnectProblem(problem).join("\n");
        assert.match(text, /baud rate/);
        assert.match(text, /--baud 115200/);
        if (problem.port.kind === "tcp") assert.match(text, /bridge/);
      }
      assert.match(explainConnectProblem({ kind: "garbage", port: serial, received: "\xf0\x80\xfe" })[0], /3 bytes that are not Espruino's console: \\xf0\\x80\\xfe/);
    });

    it("a refused tcp:// port says so; unknown socket codes are passed on", () => {
      assert.match(explainConnectProblem({ kind: "socket", port: tcp, code: "ECONNREFUSED" })[0], /cannot connect to tcp:\/\/127\.0\.0\.1:23231: the connection was refused/);
      assert.match(explainConnectProblem({ kind: "socket", port: tcp, code: "EWEIRD", detail: "odd" })[0], /EWEIRD \(odd\)/);
    });
  });

  describe("serialOpenProblem", () => {
    const listing = { ports: [] };
    it("EACCES and EPERM from fs (a synthetic error) are permission problems", () => {
      const error = Object.assign(new Error("EACCES: permission denied, access '/dev/ttyUSB0'"), { code: "EACCES" });
      assert.deepEqual(serialOpenProblem(serial, error, listing), { kind: "permission", port: serial, detail: "EACCES" });
      assert.equal(serialOpenProblem(serial, { code: "EPERM" }, listing).kind, "permission");
    });

    it("serialport's messages (strerror text, no code) map the same way", () => {
      assert.equal(serialOpenProblem(serial, { message: "Error Permission denied Cannot open /dev/ttyUSB0" }, listing).kind, "permission");
      assert.equal(serialOpenProblem(serial, { message: "Error: No such file or directory, cannot open /dev/ttyUSB0" }, listing).kind, "not-found");
      assert.deepEqual(serialOpenProblem(serial, { message: "Error Resource temporarily unavailable Cannot lock port" }, listing), { kind: "busy", port: serial, how: "locked" });
      assert.deepEqual(serialOpenProblem(serial, { message: "Error: Device or resource busy, cannot open /dev/ttyUSB0" }, listing), { kind: "busy", port: serial, how: "exclusive" });
      assert.deepEqual(serialOpenProblem(serial, { message: "Error Input/output error Cannot open /dev/ttyUSB0" }, listing), {
        kind: "open-failed",
        port: serial,
        detail: "Error Input/output error Cannot open /dev/ttyUSB0",
      });
    });
  });

  it("looksLikeText tells console text from line noise; previewBytes shows bytes safely", () => {
    assert.equal(looksLikeText("Uncaught Error: x\r\n>"), true);
    assert.equal(looksLikeText("\xf0\x80\xfe\x13\x99\r\xaa\xff>"), false);
    assert.equal(looksLikeText(""), false);
    assert.equal(previewBytes("ab\x1b[2J\xff", 24), "ab\\x1b[2J\\xff");
    assert.equal(previewBytes("x".repeat(30), 4), "xxxx...");
  });
});
