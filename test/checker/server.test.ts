import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import https from "node:https";
import { connect as tcpConnect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { type DevPki, ensureDevPki } from "../../scripts/checker/dev-pki.ts";
import { type HowsMySslAnswer, rateClientHello } from "../../scripts/checker/rating.ts";
import { type Checker, type CheckerOptions, MAX_HELLOS, startChecker } from "../../scripts/checker/server.ts";
import { createCa, issueLeaf } from "../../scripts/certs/issue.ts";
import { OPENSSL } from "./capture.ts";
import { encodeHello, toRecords } from "./hello-builder.ts";

const BEFORE_CUTOVERS = new Date("2026-01-01T00:00:00Z");
const BETWEEN_CUTOVERS = new Date("2026-09-01T00:00:00Z");
const AFTER_CUTOVERS = new Date("2027-01-01T00:00:00Z");
const CLIENT_TIMEOUT_MS = 10_000;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  protocol: string | null;
  /** The key-exchange group the handshake used, as the client saw it. */
  group: string | null;
}

function get(checker: Checker, path: string, options: https.RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: "127.0.0.1", port: checker.port, path, ca: checker.caPem, agent: false, timeout: CLIENT_TIMEOUT_MS, ...options },
      (res) => {
        const socket = res.socket as tls.TLSSocket;
        const protocol = socket.getProtocol?.() ?? null;
        const group = (socket.getEphemeralKeyInfo() as { name?: string } | null)?.name ?? null;
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, protocol, group }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("request timed out")));
    req.on("error", reject);
    req.end();
  });
}

async function check(checker: Checker, options: https.RequestOptions = {}): Promise<HowsMySslAnswer> {
  const reply = await get(checker, "/a/check", options);
  assert.equal(reply.status, 200, reply.body);
  return JSON.parse(reply.body) as HowsMySslAnswer;
}

/** GET /a/check through `openssl s_client`; resolves with the response body. */
function opensslCheck(checker: Checker, caFile: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      OPENSSL,
      ["s_client", "-connect", `127.0.0.1:${checker.port}`, "-CAfile", caFile, "-quiet", "-verify_return_error", ...args],
      { stdio: ["pipe", "pipe", "pipe"], timeout: CLIENT_TIMEOUT_MS },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString("latin1")));
    child.stderr.on("data", (d: Buffer) => (err += d.toString("latin1")));
    child.on("error", reject);
    child.on("close", (code) => {
      const split = out.indexOf("\r\n\r\n");
      if (split < 0) reject(new Error(`openssl s_client exited ${code} without a response: ${err}`));
      else resolve(out.slice(split + 4));
    });
    child.stdin.end("GET /a/check HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  });
}

/** Opens a raw TCP connection, writes `bytes` (optionally ending), and resolves when the server closes it. */
function rawExchange(checker: Checker, bytes: Uint8Array, end: boolean): Promise<{ closedByServer: boolean; received: number }> {
  return new Promise((resolve) => {
    const socket = tcpConnect(checker.port, "127.0.0.1");
    let received = 0;
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ closedByServer: false, received });
    }, 3000);
    socket.on("data", (d: Buffer) => (received += d.length));
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ closedByServer: true, received });
    });
    socket.write(bytes);
    if (end) socket.end();
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await sleep(10);
  assert.ok(condition(), `timed out waiting for ${what}`);
}

describe("checker/server", function () {
  this.timeout(60_000);
  let workDir: string;
  let pki: DevPki;
  const open: Checker[] = [];

  async function start(options: CheckerOptions = {}): Promise<Checker> {
    const checker = await startChecker({ pki, now: () => BEFORE_CUTOVERS, ...options });
    open.push(checker);
    return checker;
  }

  before(async () => {
    workDir = await mkdtemp(join(tmpdir(), "checker-server-test-"));
    pki = await ensureDevPki(join(workDir, "pki"));
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  after(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it("creates and uses a PKI folder, binds loopback, and reports its URL and CA", async () => {
    const checker = await start({ pki: undefined, pkiDir: join(workDir, "own-pki") });
    assert.equal(checker.host, "127.0.0.1");
    assert.equal(checker.url, `https://127.0.0.1:${checker.port}/a/check`);
    const answer = await check(checker); // verified against the CA it reports
    assert.equal(answer.tls_version, "TLS 1.3");
    assert.notEqual(checker.caPem, pki.caPem);
  });

  it("answers GET /a/check with the rating of the client's own ClientHello (node:https)", async () => {
    const checker = await start();
    const reply = await get(checker, "/a/check", {
      maxVersion: "TLSv1.2",
      ciphers: "ECDHE-RSA-AES128-GCM-SHA256",
      ecdhCurve: "X25519:P-256",
      servername: "localhost",
    });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers["content-type"], "application/json");
    assert.equal(reply.headers["content-length"], String(Buffer.byteLength(reply.body)));
    assert.equal(reply.headers["connection"], "close");
    const answer = JSON.parse(reply.body) as HowsMySslAnswer;
    // OpenSSL 3.5 (Node 24) signals secure renegotiation by extension: no SCSV among the suites.
    assert.deepEqual(answer.given_cipher_suites, ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]);
    assert.deepEqual(answer.given_named_groups, ["x25519", "secp256r1"]);
    assert.equal(answer.tls_version, "TLS 1.2");
    assert.equal(answer.ephemeral_keys_supported, true);
    assert.equal(answer.session_ticket_supported, true);
    assert.equal(answer.rating, "Probably Okay");
    const observed = checker.hellos.at(-1)!;
    assert.equal(observed.hello.serverName, "localhost");
    assert.equal(observed.served, true);
    assert.deepEqual(answer, observed.answer);
    assert.deepEqual(answer, rateClientHello(observed.hello, BEFORE_CUTOVERS));
  });

  it("answers openssl s_client with -tls1_2 -cipher -no_ticket -groups", async () => {
    const checker = await start();
    const body = await opensslCheck(checker, pki.caPath, [
      "-tls1_2",
      "-cipher",
      "ECDHE-RSA-AES256-GCM-SHA384",
      "-no_ticket",
      "-groups",
      "P-256",
      "-servername",
      "localhost",
    ]);
    const answer = JSON.parse(body) as HowsMySslAnswer;
    assert.deepEqual(answer.given_cipher_suites, ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"]);
    assert.deepEqual(answer.given_named_groups, ["secp256r1"]);
    assert.equal(answer.session_ticket_supported, false);
    assert.equal(answer.tls_version, "TLS 1.2");
    assert.equal(checker.hellos.at(-1)!.hello.serverName, "localhost");
  });

  it("rates with its clock: a TLS 1.3 client without a post-quantum group is Okay, Improvable, then Bad across the cutovers", async () => {
    let clock = BEFORE_CUTOVERS;
    const checker = await start({ now: () => clock });
    const ratings: string[] = [];
    for (const when of [BEFORE_CUTOVERS, BETWEEN_CUTOVERS, AFTER_CUTOVERS]) {
      clock = when;
      ratings.push((await check(checker, { ecdhCurve: "X25519:P-256" })).rating);
    }
    assert.deepEqual(ratings, ["Probably Okay", "Improvable", "Bad"]);
  });

  it("completes a TLS 1.3 handshake with X25519MLKEM768, and rates the client Probably Okay after the cutovers", async () => {
    const checker = await start({ now: () => AFTER_CUTOVERS });
    const reply = await get(checker, "/a/check", { ecdhCurve: "X25519MLKEM768" });
    assert.equal(reply.status, 200, reply.body);
    assert.equal(reply.protocol, "TLSv1.3");
    assert.equal(reply.group, "X25519MLKEM768");
    const answer = JSON.parse(reply.body) as HowsMySslAnswer;
    assert.equal(answer.tls_version, "TLS 1.3");
    assert.deepEqual(answer.given_named_groups, ["X25519MLKEM768"]);
    assert.equal(answer.post_quantum_key_agreement, true);
    assert.equal(answer.rating, "Probably Okay");
    assert.deepEqual(checker.hellos.at(-1)!.hello.keyShares, [{ group: 0x11ec, length: 1216 }]);
  });

  it("accepts the key-exchange groups howsmyssl's server accepts: the other hybrids too, and X25519 and P-256 on their own", async () => {
    const checker = await start();
    for (const group of ["SecP256r1MLKEM768", "SecP384r1MLKEM1024", "X25519", "P-256", "P-384", "P-521"]) {
      const reply = await get(checker, "/a/check", { ecdhCurve: group });
      assert.equal(reply.status, 200, `${group}: ${reply.body}`);
      assert.equal(reply.group, group === "P-256" ? "prime256v1" : group === "P-384" ? "secp384r1" : group === "P-521" ? "secp521r1" : group, group);
    }
  });

  it("rates what the client offered even when the server negotiates less", async () => {
    const checker = await start({ tlsOptions: { maxVersion: "TLSv1.2" } });
    const reply = await get(checker, "/a/check");
    assert.equal(reply.protocol, "TLSv1.2");
    assert.equal((JSON.parse(reply.body) as HowsMySslAnswer).tls_version, "TLS 1.3");
  });

  it("serves a TLS 1.0 client when the server allows it, and rates it Bad with BEAST", async () => {
    const checker = await start({ tlsOptions: { minVersion: "TLSv1", ciphers: "DEFAULT@SECLEVEL=0" } });
    const answer = await check(checker, { minVersion: "TLSv1", maxVersion: "TLSv1", ciphers: "DEFAULT@SECLEVEL=0" });
    assert.equal(answer.tls_version, "TLS 1.0");
    assert.equal(answer.beast_vuln, true);
    assert.equal(answer.rating, "Bad");
  });

  it("serves a short page at / and 404 elsewhere, and refuses other methods", async () => {
    const checker = await start();
    const index = await get(checker, "/");
    assert.equal(index.status, 200);
    assert.match(index.body, /\/a\/check/);
    assert.equal(index.headers["connection"], "close");
    assert.equal((await get(checker, "/nope")).status, 404);
    assert.equal((await get(checker, "/a/check", { method: "POST" })).status, 405);
  });

  describe("mutual TLS", () => {
    it("refuses a client without a certificate", async () => {
      const checker = await start({ requireClientCert: true });
      // OpenSSL sends a certificate_required alert; a reset may beat it to the client.
      await assert.rejects(get(checker, "/a/check"), /certificate required|ECONNRESET|socket hang up/);
      assert.equal(checker.hellos.length, 1);
      assert.equal(checker.hellos[0]!.served, false);
    });

    it("refuses a client certificate from another CA", async () => {
      const checker = await start({ requireClientCert: true });
      const stranger = await issueLeaf(await createCa({ commonName: "Stranger CA" }), "client", { commonName: "stranger" });
      // Node's server drops such a client without an alert, so only the refusal itself is certain.
      await assert.rejects(get(checker, "/a/check", { cert: stranger.certPem, key: stranger.keyPem }));
      assert.equal(checker.hellos.length, 1);
      assert.equal(checker.hellos[0]!.served, false);
    });

    it("answers a client with the development client certificate", async () => {
      const checker = await start({ requireClientCert: true });
      const answer = await check(checker, { cert: pki.clientCertPem, key: pki.clientKeyPem });
      assert.equal(answer.tls_version, "TLS 1.3");
      assert.equal(checker.hellos.at(-1)!.served, true);
    });
  });

  describe("bad ClientHellos", () => {
    const good = toRecords(encodeHello({ cipherSuites: [0x1301], namedGroups: [0x1d], supportedVersions: [0x0304] }));
    const bad: [string, Uint8Array, RegExp][] = [
      ["plain HTTP", new TextEncoder().encode("GET /a/check HTTP/1.1\r\nHost: x\r\n\r\n"), /plain HTTP/],
      ["an SSLv2-style hello", Uint8Array.from([0x80, 0x2e, 0x01, 0x03, 0x01, 0, 0x15, 0, 0, 0, 0x10]), /SSLv2/],
      ["an application data record", Uint8Array.from([0x17, 3, 3, 0, 2, 1, 2]), /content type 23/],
      ["a hello with a broken extension block", (() => {
        const b = Uint8Array.from(good);
        b[b.length - 3] = 0x09; // supported_versions' list length now overruns its extension
        return b;
      })(), /supported_versions/],
      ["a hello claiming 1 MB", Uint8Array.from([22, 3, 1, 0, 4, 1, 0x10, 0, 0]), /larger than/],
    ];

    for (const [name, bytes, reason] of bad) {
      it(`closes the connection on ${name}, logs why, and keeps serving`, async () => {
        const logs: string[] = [];
        const checker = await start({ log: (m) => logs.push(m) });
        const result = await rawExchange(checker, bytes, false);
        assert.deepEqual(result, { closedByServer: true, received: 0 });
        assert.ok(logs.some((m) => reason.test(m)), logs.join("\n"));
        assert.equal(checker.hellos.length, 0);
        assert.equal((await check(checker)).tls_version, "TLS 1.3");
        assert.equal(checker.hellos.length, 1);
      });
    }

    it("closes a connection that ends in the middle of a ClientHello, at any cut", async () => {
      const logs: string[] = [];
      const checker = await start({ log: (m) => logs.push(m) });
      for (const cut of [1, 4, 5, 9, Math.floor(good.length / 2), good.length - 1]) {
        const result = await rawExchange(checker, good.subarray(0, cut), true);
        assert.equal(result.closedByServer, true, `cut ${cut}`);
        assert.equal(result.received, 0, `cut ${cut}`);
      }
      assert.equal(logs.filter((m) => /before a complete ClientHello/.test(m)).length, 6);
      assert.equal(checker.hellos.length, 0);
      assert.equal((await check(checker)).rating, "Probably Okay");
    });

    it("closes a connection that stalls before finishing its ClientHello", async () => {
      const logs: string[] = [];
      const checker = await start({ helloTimeoutMs: 200, log: (m) => logs.push(m) });
      const started = performance.now();
      const result = await rawExchange(checker, good.subarray(0, 20), false);
      assert.equal(result.closedByServer, true);
      assert.ok(performance.now() - started >= 150);
      assert.ok(logs.some((m) => /no complete ClientHello within 200 ms/.test(m)));
    });
  });

  it("reassembles a ClientHello that arrives in small TCP pieces, then completes the handshake", async () => {
    const checker = await start();
    const raw = tcpConnect(checker.port, "127.0.0.1");
    raw.setNoDelay(true);
    await new Promise((resolve) => raw.once("connect", resolve));
    // A TLS client over a pipe whose first write (the ClientHello) goes out 7 bytes at a time.
    const { Duplex } = await import("node:stream");
    let first = true;
    const pipe = new Duplex({
      read() {},
      write(chunk: Buffer, _enc, done) {
        if (!first) {
          raw.write(chunk, done);
          return;
        }
        first = false;
        void (async () => {
          for (let i = 0; i < chunk.length; i += 7) {
            raw.write(chunk.subarray(i, i + 7));
            await sleep(2);
          }
          done();
        })();
      },
    });
    raw.on("data", (d) => pipe.push(d));
    raw.on("end", () => pipe.push(null));
    raw.on("error", () => undefined);
    const client = tls.connect({ socket: pipe, ca: pki.caPem, servername: "localhost" });
    try {
      const response = await new Promise<string>((resolve, reject) => {
        let text = "";
        client.on("secureConnect", () => client.write("GET /a/check HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
        client.on("data", (d: Buffer) => (text += d.toString("utf8")));
        client.on("end", () => resolve(text));
        client.on("error", reject);
      });
      const answer = JSON.parse(response.slice(response.indexOf("\r\n\r\n") + 4)) as HowsMySslAnswer;
      assert.deepEqual(answer, checker.hellos.at(-1)!.answer);
      assert.equal(checker.hellos.at(-1)!.hello.serverName, "localhost");
    } finally {
      client.destroy();
      raw.destroy();
    }
  });

  it(`keeps only the last ${MAX_HELLOS} ClientHellos`, async () => {
    const checker = await start();
    const total = MAX_HELLOS + 5;
    const sockets: Socket[] = [];
    try {
      for (let i = 1; i <= total; i++) {
        const socket = tcpConnect(checker.port, "127.0.0.1");
        socket.on("error", () => undefined);
        sockets.push(socket);
        socket.write(toRecords(encodeHello({ cipherSuites: [0xc02f], serverName: `n${i}.test` })));
        await waitFor(() => checker.hellos.at(-1)?.hello.serverName === `n${i}.test`, `hello ${i}`);
      }
    } finally {
      for (const socket of sockets) socket.destroy();
    }
    assert.equal(checker.hellos.length, MAX_HELLOS);
    assert.equal(checker.hellos[0]!.hello.serverName, `n${total - MAX_HELLOS + 1}.test`);
    assert.equal(checker.hellos.at(-1)!.hello.serverName, `n${total}.test`);
  });

  it("close() ends open connections and resolves", async () => {
    const checker = await startChecker({ pki });
    const idle = tcpConnect(checker.port, "127.0.0.1");
    idle.on("error", () => undefined);
    await new Promise((resolve) => idle.once("connect", resolve));
    const closed = new Promise((resolve) => idle.once("close", resolve));
    const started = performance.now();
    await checker.close();
    await closed;
    assert.ok(performance.now() - started < 2000);
    await assert.rejects(get(checker, "/"), /ECONNREFUSED/);
  });
});
