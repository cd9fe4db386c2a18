import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { type Issued, createCa, issueCa, issueLeaf, selfSignedLeaf } from "../scripts/certs/issue.ts";
import { defaultOutPath, main, parseTarget } from "../scripts/fetch-ca.ts";
import { startChecker } from "../scripts/checker/server.ts";
import { runScriptToEnd } from "./support/run-script.ts";
import { currentTime, daysAfter } from "../scripts/lib/clock.ts";
import { freePort } from "./support/ports.ts";

const days = (n: number): Date => daysAfter(currentTime(), n);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe("fetch-ca", function () {
  this.timeout(30_000);
  let root: Issued;
  let intermediate: Issued;
  let leaf: Issued;
  let tmp: string;
  const closers: Array<() => Promise<void> | void> = [];

  before(async () => {
    root = await createCa({ commonName: "Fetch Test Root" });
    intermediate = await issueCa(root, { commonName: "Fetch Test Intermediate" });
    leaf = await issueLeaf(intermediate, "server", { commonName: "fetch.test", names: ["fetch.test", "127.0.0.1"] });
  });

  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), "fetch-ca-test-"));
  });

  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    rmSync(tmp, { recursive: true, force: true });
  });

  /** A TLS server on loopback presenting `chain` (PEM, leaf first); records the SNI names it saw. */
  async function tlsServer(chain: string, keyPem: string): Promise<{ port: number; servernames: string[] }> {
    // Recorded while the ClientHello is processed, so before the client sees the certificates.
    const servernames: string[] = [];
    const context = tls.createSecureContext({ cert: chain, key: keyPem });
    const sockets = new Set<net.Socket>();
    const server = tls.createServer(
      {
        cert: chain,
        key: keyPem,
        SNICallback: (name, done) => {
          servernames.push(name);
          done(null, context);
        },
      },
      (socket) => socket.end(),
    );
    server.on("connection", (socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    server.on("tlsClientError", () => {});
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    });
    return { port: (server.address() as net.AddressInfo).port, servernames };
  }

  /** A plain TCP server: `reply` is sent to each client, or nothing when null (a server that stalls). */
  async function tcpServer(reply: string | null): Promise<number> {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => {});
      if (reply !== null) socket.end(reply);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    });
    return (server.address() as net.AddressInfo).port;
  }


  /** The command in this process. */
  async function run(args: string[]): Promise<Run> {
    let stdout = "";
    let stderr = "";
    const code = await main(args, { out: (t) => (stdout += t), err: (t) => (stderr += t), color: false, cwd: tmp });
    return { code, stdout, stderr };
  }

  /** The real CLI, as `npm run fetch-ca` starts it. */
  async function runCli(args: string[]): Promise<Run> {
    const run = await runScriptToEnd("fetch-ca", args, { timeoutMs: 20_000 });
    return { code: run.code ?? -1, stdout: run.stdout, stderr: run.stderr };
  }

  const fingerprintOf = (file: string): string => new X509Certificate(readFileSync(file)).fingerprint256;
  const fingerprint = (issued: Issued): string => new X509Certificate(issued.certPem).fingerprint256;

  it("pins the root of a full chain (real CLI)", async () => {
    const server = await tlsServer(leaf.certPem + intermediate.certPem + root.certPem, leaf.keyPem);
    const out = path.join(tmp, "nested", "dir", "root.pem");
    const result = await runCli([`127.0.0.1:${server.port}`, "--servername", "fetch.test", "--out", out]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /The server sent 3 certificates/);
    for (const [index, name] of [[0, "fetch.test"], [1, "Fetch Test Intermediate"], [2, "Fetch Test Root"]] as const) {
      assert.match(result.stdout, new RegExp(`\\[${index}\\] CN=${name}, O=espruino-tls-check development`));
    }
    assert.match(result.stdout, /key {6}RSA 2048/);
    assert.ok(result.stdout.includes(`SHA-256  ${fingerprint(intermediate)}`));
    assert.match(result.stdout, /CA {7}yes, a self-signed root/);
    assert.match(result.stdout, /Trust anchor: the root the server sent, certificate \[2\]/);
    assert.match(result.stdout, /npm start -- --url https:\/\/127\.0\.0\.1:\d+\/\.\.\. --ca /);
    assert.equal(fingerprintOf(out), fingerprint(root));
    assert.equal(result.stderr, "");
    assert.deepEqual(server.servernames, ["fetch.test"]);
  });

  it("takes the missing root from the trust store, matched by signature", async () => {
    const server = await tlsServer(leaf.certPem + intermediate.certPem, leaf.keyPem);
    const store = path.join(tmp, "store");
    mkdirSync(store);
    const impostor = await createCa({ commonName: "Fetch Test Root" }); // same name, different key
    writeFileSync(path.join(store, "Aaa_Impostor.pem"), impostor.certPem);
    writeFileSync(path.join(store, "Fetch_Test_Root.pem"), root.certPem);
    writeFileSync(path.join(store, "ca-certificates.crt"), impostor.certPem + root.certPem);
    writeFileSync(path.join(store, "README"), "not a certificate");
    const out = path.join(tmp, "anchor.pem");
    const result = await run([`127.0.0.1:${server.port}`, "--out", out, "--trust-store", store]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /The server sent 2 certificates/);
    assert.match(result.stdout, /the server did not send its root/);
    assert.match(result.stdout, /Trust anchor: the root that issued certificate \[1\], from .*Fetch_Test_Root\.pem/);
    assert.equal(fingerprintOf(out), fingerprint(root));
    assert.deepEqual(server.servernames, [], "no SNI for an IP address");
  });

  it("explains when the trust store lacks the root, and writes nothing", async () => {
    const server = await tlsServer(leaf.certPem + intermediate.certPem, leaf.keyPem);
    const store = path.join(tmp, "empty-store");
    mkdirSync(store);
    const out = path.join(tmp, "anchor.pem");
    const result = await run([`127.0.0.1:${server.port}`, "--out", out, "--trust-store", store]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /the server did not send its root/);
    assert.match(result.stderr, /no certificate in the trust store \(0 certificates\) issued "CN=Fetch Test Intermediate.*--pick N/);
    assert.match(result.stderr, /Nothing was written/);
    assert.equal(existsSync(out), false);
  });

  it("pins an intermediate with --pick, with a warning", async () => {
    const server = await tlsServer(leaf.certPem + intermediate.certPem, leaf.keyPem);
    const out = path.join(tmp, "intermediate.pem");
    const result = await run([`127.0.0.1:${server.port}`, "--out", out, "--pick", "1", "--trust-store", path.join(tmp, "none")]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /warning: "Fetch Test Intermediate" is an intermediate CA/);
    assert.equal(fingerprintOf(out), fingerprint(intermediate));
  });

  it("refuses an expired root and writes nothing", async () => {
    const oldRoot = await createCa({ commonName: "Expired Root", notBefore: days(-800), notAfter: days(-2) });
    const oldIntermediate = await issueCa(oldRoot, { commonName: "Under Expired Root", notBefore: days(-10), notAfter: days(300) });
    const oldLeaf = await issueLeaf(oldIntermediate, "server", { commonName: "old.test", names: ["127.0.0.1"] });
    const server = await tlsServer(oldLeaf.certPem + oldIntermediate.certPem + oldRoot.certPem, oldLeaf.keyPem);
    const out = path.join(tmp, "expired.pem");
    const result = await run([`127.0.0.1:${server.port}`, "--out", out]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /expired 2 days ago/);
    assert.match(result.stderr, /refusing to pin it: "Expired Root" expired on \d{4}-\d\d-\d\d \(2 days ago\)/);
    assert.match(result.stderr, /Nothing was written/);
    assert.equal(existsSync(out), false);
  });

  it("pins a root that expires in 30 days, with a warning", async () => {
    const soonRoot = await createCa({ commonName: "Soon Root", notBefore: days(-300), notAfter: new Date(days(30).getTime() + 3_600_000) });
    const soonLeaf = await issueLeaf(soonRoot, "server", { commonName: "soon.test", names: ["127.0.0.1"], notAfter: days(20) });
    const server = await tlsServer(soonLeaf.certPem + soonRoot.certPem, soonLeaf.keyPem);
    const out = path.join(tmp, "soon.pem");
    const result = await run([`127.0.0.1:${server.port}`, "--out", out]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /warning: "Soon Root" expires on .*, in 30 days/);
    assert.equal(fingerprintOf(out), fingerprint(soonRoot));
  });

  it("refuses a self-signed leaf unless --pick 0 is given", async () => {
    const selfSigned = await selfSignedLeaf({ commonName: "self.test", names: ["127.0.0.1"] });
    const server = await tlsServer(selfSigned.certPem, selfSigned.keyPem);
    const out = path.join(tmp, "self.pem");
    const refused = await run([`127.0.0.1:${server.port}`, "--out", out]);
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /CA {7}no, a self-signed server certificate/);
    assert.match(refused.stderr, /only a self-signed certificate.*until the server renews.*--pick 0/);
    assert.equal(existsSync(out), false);
    const picked = await run([`127.0.0.1:${server.port}`, "--out", out, "--pick", "0"]);
    assert.equal(picked.code, 0, picked.stderr);
    assert.match(picked.stderr, /warning: "self.test" is a self-signed server certificate, not a CA: pinning it works until the server renews it/);
    assert.equal(fingerprintOf(out), fingerprint(selfSigned));
  });

  it("pins the local checker's CA (OpenSSL completes its chain with the CA)", async () => {
    const checkerLeaf = await issueLeaf(root, "server", { commonName: "localhost", names: ["localhost", "127.0.0.1"] });
    const checker = await startChecker({ pki: { caPem: root.certPem, serverCertPem: checkerLeaf.certPem, serverKeyPem: checkerLeaf.keyPem } });
    closers.push(() => checker.close());
    const out = path.join(tmp, "checker.pem");
    const result = await run([checker.url, "--out", out, "--trust-store", path.join(tmp, "no-store")]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /The server sent 2 certificates:/);
    assert.match(result.stdout, /Trust anchor: the root the server sent, certificate \[1\]/);
    assert.equal(fingerprintOf(out), fingerprint(root));
    assert.ok(result.stdout.includes(`npm start -- --url https://127.0.0.1:${checker.port}/... --ca ${out}`));
  });

  it("refuses a picked end-entity certificate that a CA issued", async () => {
    const server = await tlsServer(leaf.certPem + intermediate.certPem + root.certPem, leaf.keyPem);
    const out = path.join(tmp, "leaf.pem");
    const result = await run([`127.0.0.1:${server.port}`, "--out", out, "--pick", "0"]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /refusing to pin it: "fetch.test" is not a CA certificate/);
    assert.equal(existsSync(out), false);
    const outOfRange = await run([`127.0.0.1:${server.port}`, "--out", out, "--pick", "3"]);
    assert.equal(outOfRange.code, 1);
    assert.match(outOfRange.stderr, /there is no certificate 3: the server sent 3 \(0\.\.2\)/);
  });

  it("writes to certs/<host>.pem by default and says when a file is replaced or unchanged", async () => {
    const server = await tlsServer(leaf.certPem + intermediate.certPem + root.certPem, leaf.keyPem);
    const first = await run([`127.0.0.1:${server.port}`]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Wrote certs\/127\.0\.0\.1\.pem/);
    assert.deepEqual(readdirSync(path.join(tmp, "certs")), ["127.0.0.1.pem"]);
    assert.equal(fingerprintOf(path.join(tmp, "certs", "127.0.0.1.pem")), fingerprint(root));
    const again = await run([`127.0.0.1:${server.port}`]);
    assert.match(again.stdout, /Unchanged: certs\/127\.0\.0\.1\.pem/);
    writeFileSync(path.join(tmp, "certs", "127.0.0.1.pem"), intermediate.certPem);
    const replaced = await run([`127.0.0.1:${server.port}`]);
    assert.match(replaced.stdout, /Replaced certs\/127\.0\.0\.1\.pem/);
    assert.equal(fingerprintOf(path.join(tmp, "certs", "127.0.0.1.pem")), fingerprint(root));
  });

  it("warns when the server's certificate does not carry the name asked for", async () => {
    const server = await tlsServer(leaf.certPem + intermediate.certPem + root.certPem, leaf.keyPem);
    const result = await run([`127.0.0.1:${server.port}`, "--servername", "other.test", "--out", path.join(tmp, "a.pem")]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(server.servernames, ["other.test"]);
    assert.match(result.stderr, /warning: the server's certificate does not name other\.test \(it names DNS:fetch\.test/);
  });

  it("reports a refused port clearly (real CLI)", async () => {
    const port = await freePort();
    const out = path.join(tmp, "x.pem");
    const result = await runCli([`127.0.0.1:${port}`, "--out", out]);
    assert.equal(result.code, 1);
    assert.equal(result.stderr.trim(), `error: 127.0.0.1:${port} refused the connection: nothing listens on port ${port}`);
    assert.equal(existsSync(out), false);
  });

  it("reports a server that does not speak TLS", async () => {
    const port = await tcpServer("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    const result = await run([`127.0.0.1:${port}`, "--out", path.join(tmp, "x.pem")]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`error: 127\\.0\\.0\\.1:${port} does not speak TLS .*is this the HTTPS port\\?`));
  });

  it("gives up on a server that never answers, within --timeout", async () => {
    const port = await tcpServer(null);
    const started = performance.now();
    const result = await run([`127.0.0.1:${port}`, "--timeout", "300", "--out", path.join(tmp, "x.pem")]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /no TLS handshake with 127\.0\.0\.1:\d+ within 300 ms \(raise it with --timeout\)/);
    assert.ok(performance.now() - started < 5_000);
  });

  it("reports a name that does not resolve", async () => {
    const result = await run(["no-such-host.invalid", "--timeout", "8000", "--out", path.join(tmp, "x.pem")]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /cannot resolve "no-such-host\.invalid"/);
  });

  it("rejects bad usage with exit 1, and shows help (real CLI)", async () => {
    for (const args of [["host:99999"], ["host:http"], ["a b"], ["host", "--pick", "x"], ["host", "--timeout", "0"], []]) {
      const result = await run(args);
      assert.equal(result.code, 1, `args ${args.join(" ")}`);
      assert.notEqual(result.stderr, "");
      assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
    }
    const help = await runCli(["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: fetch-ca \[options\] <target>/);
    assert.match(help.stdout, /--trust-store <path>/);
  });

  describe("helpers", () => {
    it("parses targets", () => {
      assert.deepEqual(parseTarget("www.howsmyssl.com"), { host: "www.howsmyssl.com", port: 443 });
      assert.deepEqual(parseTarget("example.com:8443"), { host: "example.com", port: 8443 });
      assert.deepEqual(parseTarget("[::1]:9443"), { host: "::1", port: 9443 });
      assert.deepEqual(parseTarget("::1"), { host: "::1", port: 443 });
      assert.deepEqual(parseTarget("https://www.howsmyssl.com/a/check"), { host: "www.howsmyssl.com", port: 443 });
      assert.deepEqual(parseTarget("https://[::1]:8443/x"), { host: "::1", port: 8443 });
      assert.throws(() => parseTarget("host:0"), /out of range/);
      assert.throws(() => parseTarget(":443"), /not a host name/);
      assert.equal(defaultOutPath("WWW.Example.com"), path.join("certs", "www.example.com.pem"));
      assert.equal(defaultOutPath("::1"), path.join("certs", "__1.pem"));
    });
  });
});
