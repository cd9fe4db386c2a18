// npm run upload end to end: the real espruino CLI (node_modules/espruino)
// uploads to the virtual device (the host runtime behind an Espruino console
// on 127.0.0.1), whose check runs against the local checker with a
// development PKI in a temporary directory. The failures are provoked with
// loopback servers (refused, silent, garbage) and device files that are not
// serial ports. Everything on loopback, ephemeral ports, bounded in time.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { ensureDevPki, type DevPki } from "../scripts/checker/dev-pki.ts";
import { startChecker, type Checker } from "../scripts/checker/server.ts";
import { checkBundle } from "../scripts/gate/gate.ts";
import { startVirtualDevice, type VirtualDevice, type VirtualDeviceOptions } from "../scripts/host/device.ts";
import { stopBlockingConnects } from "../scripts/host/blocking-connect.ts";
import { buildBundle, type Bundle } from "../scripts/build/bundle.ts";
import { resolveConfig, type ConfigFlags } from "../scripts/build/config.ts";
import { parseResultLine } from "../scripts/lib/result.ts";
import { upload, type UploadOptions, type UploadOutput } from "../scripts/upload.ts";
import { plainEnv } from "./support/plain-env.ts";
import { freePort } from "./support/ports.ts";
import { exitCode, runScript, scriptCommand, scriptShellCommand } from "./support/run-script.ts";
import { REPO_ROOT as ROOT } from "../scripts/lib/paths.ts";

const PASSWORD = "correct-horse-battery-staple";

interface Recorded {
  output: UploadOutput;
  text(stream?: "out" | "info" | "warn" | "fail"): string;
}

/** An UploadOutput that keeps every line, by stream. */
function recorder(): Recorded {
  const lines: Array<{ stream: string; text: string }> = [];
  const add = (stream: string) => (text: string) => void lines.push({ stream, text });
  return {
    output: { out: add("out"), info: add("info"), warn: add("warn"), fail: add("fail"), progress: (sent, total) => add("progress")(`${sent}/${total}`) },
    text: (stream) => lines.filter((line) => !stream || line.stream === stream).map((line) => line.text).join("\n"),
  };
}

/** A bundle of hand-written device code; over 512 bytes, since the CLI 0.1.67 never finishes shorter uploads. */
function handBundle(code: string): Bundle {
  const padded = code + "\n/*" + "-".repeat(Math.max(0, 700 - code.length)) + "*/\n";
  return { code: padded, map: "", bytes: Buffer.byteLength(padded), problems: [] };
}


describe("npm run upload (scripts/upload.ts) with the real espruino CLI", function () {
  this.timeout(60_000);
  let dir: string;
  let pki: DevPki;
  let checker: Checker;
  let emptyConfigFile: string;
  const devices: VirtualDevice[] = [];
  const servers: net.Server[] = [];
  const sockets = new Set<net.Socket>();

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "upload-test-"));
    pki = await ensureDevPki(dir);
    // The checker's clock is fixed: its ratings change on dated cutovers, and the --fail-on test expects one.
    const now = () => new Date("2026-11-01T00:00:00Z");
    checker = await startChecker({ pki: { caPem: pki.caPem, serverCertPem: pki.serverCertPem, serverKeyPem: pki.serverKeyPem }, now });
    // An explicit, empty configuration file: a developer's app.config.json must not leak in.
    emptyConfigFile = path.join(dir, "empty.config.json");
    fs.writeFileSync(emptyConfigFile, "{}\n");
  });

  after(async () => {
    await checker?.close();
    await stopBlockingConnects();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  afterEach(async () => {
    await Promise.all(devices.splice(0).map((device) => device.close()));
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  async function device(options: VirtualDeviceOptions = {}): Promise<VirtualDevice> {
    const started = await startVirtualDevice({ port: 0, ...options });
    devices.push(started);
    return started;
  }

  function config(flags: ConfigFlags = {}) {
    return resolveConfig({ config: emptyConfigFile, url: checker.url, ca: pki.caPath, deadline: 5000, ...flags }, {}).config;
  }

  /** A loopback TCP server; `onConnection` decides what it says. */
  async function server(onConnection: (socket: net.Socket) => void): Promise<{ port: number; connections: () => number }> {
    let count = 0;
    const started = net.createServer((socket) => {
      count++;
      sockets.add(socket);
      socket.on("error", () => {});
      onConnection(socket);
    });
    await new Promise<void>((resolve) => started.listen(0, "127.0.0.1", resolve));
    servers.push(started);
    return { port: (started.address() as net.AddressInfo).port, connections: () => count };
  }

  function run(options: Partial<UploadOptions> & { port: string }): Promise<{ code: number; recorded: Recorded }> {
    const recorded = recorder();
    return upload({ config: config(), ...options }, recorded.output).then((code) => ({ code, recorded }));
  }

  it("npm run upload: stores the check on the virtual device, which runs it against the local checker; RESULT ok, exit 0", async () => {
    const target = await device();
    const env: NodeJS.ProcessEnv = plainEnv();
    delete env.WIFI_SSID;
    delete env.WIFI_PASSWORD;
    const upload = runScript("upload", ["--port", target.url, "--url", checker.url, "--ca", pki.caPath, "--config", emptyConfigFile], env);
    const code = await exitCode(upload, 45_000);
    const [stdout, stderr] = [upload.stdout(), upload.stderr()];
    assert.equal(code, 0, stdout + stderr);
    const result = stdout.split("\n").map(parseResultLine).find(Boolean);
    assert.equal(result?.ok, true, stdout);
    assert.equal(result?.cert_verified, true, "this project's TLS policy verified the pinned development CA");
    assert.match(stderr, /connecting to tcp:\/\/127\.0\.0\.1:\d+/);
    assert.match(stderr, /board: Espruino 2v29 on HOST_RUNTIME/);
    const total = /uploading (\d+) bytes: the bundle written into Storage .* \(bundle (\d+) bytes\)/.exec(stderr);
    assert.ok(total, stderr);
    assert.match(stderr, new RegExp(`^uploading: 100% of ${total[1]} bytes$`, "m"), "progress reaches 100 % in a pipe");
    assert.match(stderr, new RegExp(`^upload sent: ${total[1]} bytes; the board restarts`, "m"));
    assert.equal(target.storage.get(".bootcde")?.length, Number(total[2]), "the bundle named is the one stored");
    assert.ok(target.storage.get(".bootcde")?.includes("espruino-tls-check/"), "the bundle is the board's boot code");
    assert.ok(checker.hellos.length >= 1, "the checker saw the device's ClientHello");
  });

  it("on a terminal: progress redrawn in place up to 100 %, the sent line, and the board's lines never on the progress line", async function () {
    if (spawnSync("script", ["--version"]).status !== 0) this.skip();
    const target = await device();
    const command = scriptShellCommand("upload", ["--port", target.url, "--url", checker.url, "--ca", pki.caPath, "--config", emptyConfigFile]);
    const env: NodeJS.ProcessEnv = plainEnv();
    delete env.WIFI_SSID;
    delete env.WIFI_PASSWORD;
    const child = spawn("script", ["-q", "-e", "-c", command, "/dev/null"], { cwd: ROOT, env, stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (data) => (output += data));
    const timer = setTimeout(() => child.kill("SIGKILL"), 45_000);
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    clearTimeout(timer);
    assert.equal(code, 0, output);
    const plain = output.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "");
    const total = /uploading (\d+) bytes:/.exec(plain)?.[1];
    assert.ok(total, plain);
    assert.match(output, new RegExp(`\r\x1b\\[K(\x1b\\[\\d+m)?uploading: 100% of ${total} bytes`), "the progress line is redrawn in place and ends at 100 %");
    assert.match(plain, new RegExp(`upload sent: ${total} bytes`));
    for (const line of plain.split("\n")) {
      if (line.includes("uploading:")) assert.match(line, /^(\r?uploading: \d+% of \d+ bytes)+\r?$/, `a progress line holds nothing else: ${JSON.stringify(line)}`);
    }
    assert.match(plain, /Espruino-compatible host runtime/, "the board's banner is shown, on its own line");
  });

  it("the stored check runs again after the virtual device is power-cycled; secrets never printed", async () => {
    const storageFile = path.join(dir, "storage.json");
    const first = await device({ storageFile });
    let built: Bundle | null = null;
    const withSecrets = config({ wifiSsid: "lab", wifiPassword: PASSWORD, cert: pki.clientCertPath, key: pki.clientKeyPath });
    const { code, recorded } = await run({
      port: first.url,
      config: withSecrets,
      build: async (c) => (built = await buildBundle(c)),
    });
    assert.equal(code, 0, recorded.text());
    assert.equal(first.storage.get(".bootcde"), built!.code, "Storage .bootcde holds exactly the bundle");
    assert.ok(built!.code.includes(PASSWORD), "the bundle does carry the password (so there is something to hide)");
    const printed = recorded.text();
    assert.ok(!printed.includes(PASSWORD));
    assert.ok(!printed.includes(withSecrets.key!.slice(200, 240)));

    // Power cycle: a new device on the same Storage boots the stored check by itself.
    await first.close();
    devices.splice(devices.indexOf(first), 1);
    let boardOutput = "";
    await device({ storageFile, onOutput: (text) => void (boardOutput += text) });
    const deadline = performance.now() + 30_000;
    while (!/RESULT \{/.test(boardOutput) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const result = boardOutput.split("\n").map(parseResultLine).find(Boolean);
    assert.equal(result?.ok, true, boardOutput);
  });

  it("masks the Wi-Fi password and the key in every line it shows, even when the board prints them", async () => {
    const target = await device();
    const withSecrets = config({ wifiSsid: "lab", wifiPassword: PASSWORD, cert: pki.clientCertPath, key: pki.clientKeyPath });
    const key = withSecrets.key!;
    const code = [
      `console.log("the password is " + ${JSON.stringify(PASSWORD)});`,
      `console.log("a piece of the key: " + ${JSON.stringify(key.slice(300, 360))});`,
      `console.log("the whole key: " + ${JSON.stringify(key)});`,
      `setTimeout(function () { console.log('RESULT {"ok":true,"url":"https://x/a/check","rating":"Probably Okay"}'); }, 50);`,
    ].join("\n");
    const { code: exit, recorded } = await run({ port: target.url, config: withSecrets, build: async () => handBundle(code) });
    assert.equal(exit, 0, recorded.text());
    const printed = recorded.text();
    assert.match(printed, /the password is \*\*\*/);
    assert.match(printed, /a piece of the key: \*\*\*/);
    assert.ok(!printed.includes(PASSWORD));
    for (let at = 0; at + 6 <= key.length; at += 6) assert.ok(!printed.includes(key.slice(at, at + 6)), `key piece at ${at} printed`);
  });

  it("refuses a bundle that fails the subset gate before connecting to anything", async () => {
    const listener = await server(() => {});
    const code = "var [a, b] = [1, 2];\nconsole.log(a + b);\n";
    const bad: Bundle = { code, map: "", bytes: code.length, problems: checkBundle(code) };
    assert.ok(bad.problems.some((problem) => problem.severity === "error"), "the gate rejects destructuring");
    const { code: exit, recorded } = await run({ port: `tcp://127.0.0.1:${listener.port}`, build: async () => bad });
    assert.equal(exit, 1);
    assert.match(recorded.text("fail"), /Espruino cannot run; nothing was sent to the board/);
    assert.match(recorded.text("fail"), /dist\/app\.js:1:\d+/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(listener.connections(), 0, "no connection was made");
    assert.doesNotMatch(recorded.text(), /connecting to/);
  });

  it("--ram: the check runs from RAM and nothing is stored; --fail-on improvable exits 3 with the reasons", async () => {
    const target = await device({ firmware: "mbedtls" }); // TLS 1.2: marked down; the default wolfSSL firmware is not
    const { code, recorded } = await run({ port: target.url, ram: true, failOn: "improvable" });
    const result = recorded.text("out").split("\n").map(parseResultLine).find(Boolean);
    assert.equal(result?.ok, true, recorded.text());
    assert.equal(result?.rating, "Improvable", "on 2026-11-01 the checker's rules mark TLS 1.2 without post-quantum down one step");
    assert.equal(code, 3);
    assert.match(recorded.text("out"), /why "Improvable": .*TLS 1\.2/);
    assert.equal(target.storage.has(".bootcde"), false);
    assert.match(recorded.text("info"), /RAM/);
  });

  it("firmware without tls: the check reports NO_TLS, exit 2, and upload points at firmware/README.md", async () => {
    const target = await device({ noTls: true });
    const { code, recorded } = await run({ port: target.url });
    assert.equal(code, 2, recorded.text());
    const result = recorded.text("out").split("\n").map(parseResultLine).find(Boolean);
    assert.equal(result?.ok, false);
    assert.equal(result?.error, "NO_TLS");
    assert.match(recorded.text("warn"), /no tls module/);
    assert.match(recorded.text("fail"), /firmware\/README\.md/);
  });

  it("no RESULT within --timeout: exit 2", async () => {
    const target = await device();
    const { code, recorded } = await run({ port: target.url, timeoutMs: 1500, build: async () => handBundle('console.log("thinking...");') });
    assert.equal(code, 2);
    assert.match(recorded.text("out"), /thinking\.\.\./);
    assert.match(recorded.text("fail"), /no RESULT line from the board within 2 s/);
  });

  it("a serial port that does not exist: named, with the serial ports there are; exit 1 without a stack trace", async () => {
    const upload = runScript("upload", ["--port", "/dev/ttyNOPE", "--no-ca", "--url", "https://127.0.0.1:1/a/check", "--config", emptyConfigFile]);
    const code = await exitCode(upload, 30_000);
    const stderr = upload.stderr();
    assert.equal(code, 1, stderr);
    assert.match(stderr, /error: serial port \/dev\/ttyNOPE not found\./);
    assert.match(stderr, /Serial ports on this machine:|No serial ports were found/);
    assert.doesNotMatch(stderr, /\n\s+at /, "no stack trace");
  });

  it("a device file without read/write permission: permission denied, and how to join the dialout group; exit 1", async function () {
    // A world-readable folder, so that an unprivileged user can see the file (and nothing else of this test).
    const open = fs.mkdtempSync(path.join(os.tmpdir(), "upload-perm-"));
    try {
      fs.chmodSync(open, 0o755);
      const file = path.join(open, "ttyFAKE");
      fs.writeFileSync(file, "");
      fs.chmodSync(file, 0o000);
      let failure: string;
      let code: number | null;
      if (process.getuid?.() !== 0) {
        const ran = await run({ port: file });
        [code, failure] = [ran.code, ran.recorded.text("fail")];
      } else {
        // root may open anything: run upload as user nobody instead (util-linux setpriv).
        if (spawnSync("setpriv", ["--version"]).status !== 0) return this.skip();
        const configFile = path.join(open, "empty.config.json");
        fs.writeFileSync(configFile, "{}\n", { mode: 0o644 });
        const child = spawn(
          "setpriv",
          ["--reuid=65534", "--regid=65534", "--clear-groups", ...scriptCommand("upload", ["--port", file, "--no-ca", "--url", "https://127.0.0.1:1/a/check", "--config", configFile])],
          { cwd: ROOT, env: plainEnv({ HOME: open }), stdio: ["ignore", "ignore", "pipe"] },
        );
        let stderr = "";
        child.stderr.on("data", (data) => (stderr += data));
        const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
        code = await new Promise<number | null>((resolve) => child.on("close", resolve));
        clearTimeout(timer);
        failure = stderr;
      }
      assert.equal(code, 1, failure);
      assert.match(failure, /permission denied opening .*ttyFAKE \(EACCES\)/);
      assert.match(failure, /'dialout' group/);
      assert.match(failure, /sudo usermod -aG dialout \$USER/);
    } finally {
      fs.rmSync(open, { recursive: true, force: true });
    }
  });

  it("a file the espruino CLI does not list as a serial port (root can open it): named as such; exit 1", async function () {
    if (process.getuid?.() !== 0) return this.skip();
    const file = path.join(dir, "ttyNOTLISTED");
    fs.writeFileSync(file, "");
    const { code, recorded } = await run({ port: file });
    assert.equal(code, 1);
    assert.match(recorded.text("fail"), /exists but is not a serial port this system lists/);
  });

  it("a tcp:// port that refuses the connection says so", async () => {
    const port = await freePort();
    const { code, recorded } = await run({ port: `tcp://127.0.0.1:${port}` });
    assert.equal(code, 1);
    assert.match(recorded.text("fail"), new RegExp(`cannot connect to tcp://127\\.0\\.0\\.1:${port}: the connection was refused`));
  });

  it("garbage from the port: probably the wrong baud rate, 115200 suggested; nothing uploaded", async () => {
    let received = "";
    const noisy = await server((socket) => {
      const noise = Buffer.from([0xf0, 0x80, 0xfe, 0x13, 0x99, 0x0d, 0xaa, 0xff]);
      socket.write(noise);
      socket.on("data", (data) => {
        received += data.toString("latin1");
        socket.write(noise);
      });
    });
    const { code, recorded } = await run({ port: `tcp://127.0.0.1:${noisy.port}` });
    assert.equal(code, 1);
    const failure = recorded.text("fail");
    assert.match(failure, /bytes that are not Espruino's console/);
    assert.match(failure, /wrong baud rate/);
    assert.match(failure, /--baud 115200/);
    assert.ok(!received.includes("Storage"), "the upload never started");
  });

  it("no answer from the port: probably the wrong baud rate, 115200 suggested", async () => {
    const silent = await server(() => {});
    const { code, recorded } = await run({ port: `tcp://127.0.0.1:${silent.port}` });
    assert.equal(code, 1);
    const failure = recorded.text("fail");
    assert.match(failure, /no answer from tcp:\/\/127\.0\.0\.1:\d+/);
    assert.match(failure, /wrong baud rate/);
    assert.match(failure, /--baud 115200/);
  });
});
