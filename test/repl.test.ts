// npm run repl end to end: scripts/repl.ts as a child process with piped
// stdin, through the real espruino CLI's terminal mode, to the virtual device
// on 127.0.0.1.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import net from "node:net";
import { startVirtualDevice, type VirtualDevice } from "../scripts/host/device.ts";
import { REPO_ROOT } from "../scripts/lib/paths.ts";
import { plainEnv } from "./support/plain-env.ts";
import { exitCode, follow, killAllFollowed, runScript, scriptShellCommand, type FollowedChild as Repl } from "./support/run-script.ts";

function startRepl(args: string[]): Repl {
  return runScript("repl", args);
}

describe("npm run repl (scripts/repl.ts) with the real espruino CLI", function () {
  this.timeout(45_000);
  let device: VirtualDevice;

  beforeEach(async () => {
    device = await startVirtualDevice({ port: 0 });
  });

  afterEach(async () => {
    await killAllFollowed();
    await device.close();
  });

  it("evaluates what is typed: 1+2 gives =3; quits at the end of input with exit 0", async () => {
    const repl = startRepl(["--port", device.url]);
    await repl.waitFor("stderr", /connected to tcp:\/\/127\.0\.0\.1:\d+/);
    repl.child.stdin.write("1+2\n");
    await repl.waitFor("stdout", /=3\r\n/);
    repl.child.stdin.write("var o = {a: 1}\n");
    repl.child.stdin.write("o.a + 41\n");
    await repl.waitFor("stdout", /=42\r\n/);
    repl.child.stdin.end();
    assert.equal(await exitCode(repl), 0, repl.stderr());
    assert.match(repl.stdout(), /1\+2\r\n=3\r\n/, "the board echoes the line, then the value");
    assert.match(repl.stderr(), /disconnected from/);
    assert.doesNotMatch(repl.stdout(), /setRawMode/, "the CLI's note about its piped stdin is not shown");
  });

  it("input that ends at once still gets its answers before the console quits", async () => {
    const repl = startRepl(["--port", device.url]);
    repl.child.stdin.end("print('hello ' + (6*7))\n");
    assert.equal(await exitCode(repl), 0, repl.stderr());
    assert.match(repl.stdout(), /hello 42\r\n/);
  });

  it("a tcp:// port that refuses: says so and exits 1", async () => {
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, "127.0.0.1", () => {
        const free = (server.address() as net.AddressInfo).port;
        server.close(() => resolve(free));
      });
    });
    const repl = startRepl(["--port", `tcp://127.0.0.1:${port}`]);
    repl.child.stdin.end();
    assert.equal(await exitCode(repl), 1);
    assert.match(repl.stderr(), /cannot connect to tcp:\/\/127\.0\.0\.1:\d+: the connection was refused/);
  });

  it("a serial port that does not exist: named, exit 1", async () => {
    const repl = startRepl(["--port", "/dev/ttyNOPE"]);
    repl.child.stdin.end();
    assert.equal(await exitCode(repl), 1);
    assert.match(repl.stderr(), /serial port \/dev\/ttyNOPE not found/);
  });

  describe("on a terminal (util-linux `script` provides the pseudo-terminal)", () => {
    const hasScript = process.platform === "linux" && spawnSync("script", ["--version"]).status === 0;

    /** repl.ts on a pseudo-terminal; what we write to `script` is typed into it. */
    function onTerminal(): Repl {
      const command = scriptShellCommand("repl", ["--port", device.url]);
      return follow(spawn("script", ["-q", "-e", "-c", command, "/dev/null"], { cwd: REPO_ROOT, env: plainEnv() }), true);
    }

    beforeEach(function () {
      if (!hasScript) this.skip();
    });

    it("Ctrl-D quits (exit 0)", async () => {
      const repl = onTerminal();
      await repl.waitFor("stdout", /Ctrl-C twice or Ctrl-D quits/);
      repl.child.stdin.write("1+2\r");
      await repl.waitFor("stdout", /=3/);
      repl.child.stdin.write("\x04");
      await repl.waitFor("stdout", /disconnected from/);
      assert.equal(await exitCode(repl), 0);
    });

    it("Ctrl-C once is sent to the board and the console stays; Ctrl-C twice in a row quits (exit 0)", async () => {
      const repl = onTerminal();
      await repl.waitFor("stdout", /Ctrl-C twice or Ctrl-D quits/);
      repl.child.stdin.write("\x03");
      await new Promise((resolve) => setTimeout(resolve, 400));
      repl.child.stdin.write("6*7\r");
      await repl.waitFor("stdout", /=42/);
      repl.child.stdin.write("\x03");
      await new Promise((resolve) => setTimeout(resolve, 50));
      repl.child.stdin.write("\x03");
      await repl.waitFor("stdout", /disconnected from/);
      assert.equal(await exitCode(repl), 0);
    });
  });

  it("--help says what Ctrl-C and Ctrl-D do", async () => {
    const repl = startRepl(["--help"]);
    assert.equal(await exitCode(repl), 0);
    const help = repl.stdout().replace(/\s+/g, " ");
    assert.match(help, /Ctrl-C once interrupts the board/);
    assert.match(help, /Ctrl-C twice in a row quits/);
    assert.match(help, /Ctrl-D quits/);
    assert.match(help, /--port <port>/);
  });
});
