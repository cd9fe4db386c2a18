import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { serialPortUsers } from "../../scripts/board/port-users.ts";

describe("serial-port-users (/proc)", function () {
  let dir: string;

  before(function () {
    if (process.platform !== "linux") this.skip();
  });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "port-users-"));
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A fake /proc: `device` locked by `locker` and open in `openers`, with their names and command lines. */
  function fakeProc(device: string, locker: number, openers: Array<{ pid: number; comm: string; cmdline: string[] }>): string {
    const proc = path.join(dir, "proc");
    const stat = fs.statSync(device);
    const major = Math.floor(stat.dev / 256) % 4096;
    const minor = (stat.dev % 256) + Math.floor(stat.dev / 1048576) * 256;
    const key = `${major.toString(16).padStart(2, "0")}:${minor.toString(16).padStart(2, "0")}:${stat.ino}`;
    fs.mkdirSync(proc);
    fs.writeFileSync(path.join(proc, "locks"), `1: POSIX  ADVISORY  WRITE 9 ${key} 0 EOF\n2: FLOCK  ADVISORY  WRITE ${locker} ${key} 0 EOF\n3: FLOCK  ADVISORY  WRITE 8 00:01:1 0 EOF\n`);
    for (const opener of openers) {
      fs.mkdirSync(path.join(proc, String(opener.pid), "fd"), { recursive: true });
      fs.symlinkSync(device, path.join(proc, String(opener.pid), "fd", "3"));
      fs.symlinkSync("/dev/null", path.join(proc, String(opener.pid), "fd", "0"));
      fs.writeFileSync(path.join(proc, String(opener.pid), "comm"), opener.comm + "\n");
      fs.writeFileSync(path.join(proc, String(opener.pid), "cmdline"), opener.cmdline.join("\0") + "\0");
    }
    return proc;
  }

  it("names the lock holder and the programs that have the device open, by program name only", () => {
    const device = path.join(dir, "ttyUSB0");
    fs.writeFileSync(device, "");
    const proc = fakeProc(device, 200, [
      { pid: 200, comm: "MainThread", cmdline: ["/x/node_modules/.bin/node", "--import", "tsx", "/x/node_modules/espruino/bin/espruino-cli.js", "-p", "/dev/ttyUSB0"] },
      { pid: 100, comm: "node", cmdline: ["node", "scripts/upload.ts", "--wifi-password", "hunter2"] },
      { pid: 300, comm: "screen", cmdline: ["screen", "/dev/ttyUSB0", "115200"] },
    ]);
    assert.deepEqual(serialPortUsers(device, proc), [
      { pid: 100, program: "node upload.ts", locks: false },
      { pid: 200, program: "node espruino-cli.js", locks: true },
      { pid: 300, program: "screen", locks: false },
    ]);
    assert.doesNotMatch(JSON.stringify(serialPortUsers(device, proc)), /hunter2/, "never an argument");
  });

  it("a device that does not exist, or no /proc: nobody", () => {
    assert.deepEqual(serialPortUsers(path.join(dir, "nothing")), []);
    const device = path.join(dir, "ttyUSB0");
    fs.writeFileSync(device, "");
    assert.deepEqual(serialPortUsers(device, path.join(dir, "no-proc")), []);
  });

  it("finds a real flock holder in this machine's /proc", async function () {
    if (spawnSync("flock", ["--version"]).status !== 0) return this.skip();
    const file = path.join(dir, "ttyLOCKED");
    fs.writeFileSync(file, "");
    // Its own process group: flock and its sleep end together.
    const holder = spawn("flock", [file, "sleep", "30"], { stdio: "ignore", detached: true });
    const ended = new Promise((resolve) => holder.once("exit", resolve));
    try {
      let users = serialPortUsers(file);
      for (let tries = 0; !users.some((user) => user.locks) && tries < 200; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        users = serialPortUsers(file);
      }
      assert.deepEqual(users.find((user) => user.locks), { pid: holder.pid, program: "flock", locks: true });
    } finally {
      process.kill(-holder.pid!, "SIGKILL");
      await ended;
    }
  });
});
