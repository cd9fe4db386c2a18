// Real TLS on loopback through the host runtime: what the app sees, and what
// the server sees, for each firmware it plays. Expected event orders are the
// ones measured on stock Espruino 2v29 (docs/espruino-behaviour.md) and, for
// the project's firmware, firmware/README.md.
import assert from "node:assert/strict";
import net from "node:net";
import tls from "node:tls";
import { createCa, issueLeaf, selfSignedLeaf, type Issued } from "../../scripts/certs/issue.ts";
import { createHostRuntime } from "../../scripts/host/runtime.ts";
import { currentTime, daysAfter } from "../../scripts/lib/clock.ts";
import type { Firmware } from "../../scripts/host/firmware.ts";
import type { TlsHandshake } from "../../scripts/host/tls.ts";

const RESPONSE = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

interface Seen {
  servername?: string | false;
  cipher?: string;
  protocol?: string | null;
  authorized?: boolean;
  request?: string;
  clientError?: string;
}

interface TestServer {
  port: number;
  seen: Seen[];
  close(): Promise<void>;
}

type Mode = "close_notify" | "fin" | "rst" | "silent" | "rst-after-handshake";

function der(pem: string): string {
  return pem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
}

function startTlsServer(options: tls.TlsOptions, mode: Mode = "close_notify", body = RESPONSE): Promise<TestServer> {
  const seen: Seen[] = [];
  const sockets = new Set<net.Socket>();
  const raws = new Map<number, net.Socket>(); // TCP sockets by client port, to drop them without close_notify
  const server = tls.createServer(options, (socket) => {
    const entry: Seen = {
      servername: (socket as tls.TLSSocket & { servername?: string | false }).servername,
      cipher: socket.getCipher().standardName,
      protocol: socket.getProtocol(),
      authorized: socket.authorized,
      request: "",
    };
    seen.push(entry);
    socket.on("error", () => {});
    if (mode === "rst-after-handshake") {
      setTimeout(() => raws.get(socket.remotePort ?? -1)?.resetAndDestroy(), 30);
      return;
    }
    socket.on("data", (chunk: Buffer) => {
      entry.request += chunk.toString("latin1");
      if (!entry.request?.endsWith("\r\n\r\n") || mode === "silent") return;
      if (mode === "close_notify") socket.end(body);
      else {
        const raw = raws.get(socket.remotePort ?? -1);
        socket.write(body, () => {
          setTimeout(() => (mode === "rst" ? raw?.resetAndDestroy() : raw?.destroy()), 30);
        });
      }
    });
  });
  server.on("connection", (socket: net.Socket) => {
    sockets.add(socket);
    raws.set(socket.remotePort ?? -1, socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("tlsClientError", (error: NodeJS.ErrnoException) => seen.push({ clientError: error.code ?? error.message }));
  return listen(server, seen, sockets);
}

function listen(server: net.Server, seen: Seen[], sockets: Set<net.Socket>): Promise<TestServer> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve({
        port: (server.address() as net.AddressInfo).port,
        seen,
        close: () =>
          new Promise((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** A plain TCP server: answers like an HTTP server would to a TLS ClientHello, or says nothing. */
function startPlainServer(answer: string | null): Promise<TestServer> {
  const seen: Seen[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    socket.once("data", () => {
      seen.push({ request: "hello" });
      if (answer !== null) socket.end(answer);
    });
  });
  return listen(server, seen, sockets);
}

interface Outcome {
  events: string[];
  output: string;
  handshakes: TlsHandshake[];
}

/**
 * Runs a small app in the host runtime: connect to URL with the given
 * options, write a request in onConnect, record every event. Waits until the
 * runtime is idle (or `waitMs` passes).
 */
async function runClient(
  urlText: string,
  extra: { ca?: string; cert?: string; key?: string } = {},
  settings: { firmware?: Firmware; listener?: boolean; write?: boolean; waitMs?: number; script?: string } = {},
): Promise<Outcome> {
  let output = "";
  const handshakes: TlsHandshake[] = [];
  const runtime = createHostRuntime({ firmware: settings.firmware, write: (text) => (output += text), onTlsHandshake: (h) => handshakes.push(h) });
  try {
    const fields = Object.entries(extra)
      .map(([k, v]) => `o.${k} = atob(${JSON.stringify(der(v))});`)
      .join("\n");
    runtime.run(`
      var ev = [];
      function rec(s) { ev.push(s); }
      ${settings.listener === false ? "" : 'process.on("uncaughtException", function(e){ rec("uncaught " + e.type + ": " + e.message); });'}
      var o = url.parse(${JSON.stringify(urlText)});
      ${fields}
      var s;
      try {
        s = require("tls").connect(o, function(arg){
          rec("connect " + (arg === s) + " " + (this === s));
          ${settings.write === false ? "" : 's.write("GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n");'}
        });
        s.on("data", function(d){ rec("data " + typeof d + " " + JSON.stringify(d)); });
        s.on("drain", function(){ rec("drain"); });
        s.on("end", function(){ rec("end"); });
        s.on("error", function(e){ rec("error " + JSON.stringify(e) + " " + (e instanceof Error)); });
        s.on("close", function(h){ rec("close " + h); });
      } catch (e) {
        rec("threw " + e.type + ": " + e.message + " " + (e instanceof Error));
      }
      ${settings.script ?? ""}
    `);
    const deadline = performance.now() + (settings.waitMs ?? 5000);
    while (!runtime.isIdle() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    // The app's array belongs to another realm: copy it for deepEqual.
    return { events: [...(runtime.evaluate("ev") as string[])], output, handshakes };
  } finally {
    runtime.close();
  }
}

/** Events without the drains, whose number depends on timing. */
function withoutDrains(events: string[]): string[] {
  return events.filter((e) => e !== "drain");
}

describe("host runtime tls over real TLS (loopback)", function () {
  this.timeout(60_000);
  let ca: Issued;
  let otherCa: Issued;
  let server: Issued;
  let client: Issued;
  const servers: TestServer[] = [];

  async function serve(options: tls.TlsOptions = {}, mode?: Mode, body?: string): Promise<TestServer> {
    const started = await startTlsServer({ cert: server.certPem, key: server.keyPem, ...options }, mode, body);
    servers.push(started);
    return started;
  }

  before(async () => {
    ca = await createCa({ commonName: "Host Runtime Test CA" });
    otherCa = await createCa({ commonName: "Unrelated CA" });
    server = await issueLeaf(ca, "server", { commonName: "localhost", names: ["localhost", "127.0.0.1"] });
    client = await issueLeaf(ca, "client", { commonName: "device" });
  });

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it("right CA, wolfSSL firmware (the default): TLS 1.3 with X25519MLKEM768; connect before the handshake, data as strings, end, close(false)", async () => {
    const srv = await serve();
    const { events, handshakes } = await runClient(`https://localhost:${srv.port}/`, { ca: ca.certPem });
    assert.deepEqual(withoutDrains(events), ["connect true true", `data string ${JSON.stringify(RESPONSE)}`, "end", "close false"]);
    assert.equal(events[1], "drain", "a drain follows onConnect at once");
    const real = srv.seen.find((s) => s.request !== undefined);
    assert.equal(real?.servername, "localhost", "SNI carries the host name");
    assert.equal(real?.request, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert.equal(real?.protocol, "TLSv1.3");
    assert.match(real?.cipher ?? "", /^TLS_(AES_\d+_GCM|CHACHA20_POLY1305)_SHA\d+$/);
    assert.deepEqual(handshakes.map((h) => [h.protocol, h.group]), [["TLSv1.3", "X25519MLKEM768"]]);
  });

  it("right CA, mbedTLS firmware: TLS 1.2 with ECDHE (its mbedTLS 2.28 has no TLS 1.3), the same events", async () => {
    const srv = await serve();
    const { events, handshakes } = await runClient(`https://localhost:${srv.port}/`, { ca: ca.certPem }, { firmware: "mbedtls" });
    assert.deepEqual(withoutDrains(events), ["connect true true", `data string ${JSON.stringify(RESPONSE)}`, "end", "close false"]);
    const real = srv.seen.find((s) => s.request !== undefined);
    assert.equal(real?.servername, "localhost");
    assert.match(real?.cipher ?? "", /^TLS_ECDHE_RSA_WITH_(AES_\d+_GCM|CHACHA20_POLY1305)/);
    assert.equal(real?.protocol, "TLSv1.2");
    assert.deepEqual(handshakes.map((h) => [h.protocol, h.group]), [["TLSv1.2", "X25519"]]);
  });

  it("a TLS 1.2-only server: the wolfSSL firmware falls back to TLS 1.2 with ECDHE", async () => {
    const srv = await serve({ maxVersion: "TLSv1.2" });
    const { events } = await runClient(`https://localhost:${srv.port}/`, { ca: ca.certPem });
    assert.ok(events.includes(`data string ${JSON.stringify(RESPONSE)}`), events.join(" | "));
    const real = srv.seen.find((s) => s.request !== undefined);
    assert.equal(real?.protocol, "TLSv1.2");
    assert.match(real?.cipher ?? "", /^TLS_ECDHE_RSA_WITH_/);
  });

  it("process.memory counts an open connection as the Linux build does (1531 blocks)", async () => {
    const srv = await serve();
    const { events } = await runClient(`https://127.0.0.1:${srv.port}/`, { ca: ca.certPem }, {
      script:
        'rec("mem " + process.memory().usage); s.on("connect", function(){ rec("mem " + process.memory().usage); });' +
        's.on("close", function(){ rec("mem " + process.memory().usage); });',
    });
    const samples = events.filter((e) => e.startsWith("mem ")).map((e) => Number(e.substring(4)));
    assert.equal(samples.length, 3);
    const [afterConnectCall, duringConnection, afterClose] = samples;
    // Between samples only the app's own event log grows.
    assert.ok(Math.abs(duringConnection - afterConnectCall) < 200, samples.join(", "));
    assert.ok(duringConnection - afterClose >= 1531 - 200, samples.join(", "));
  });

  it("delivers data in chunks of at most 536 bytes", async () => {
    const body = "HTTP/1.1 200 OK\r\n\r\n" + "x".repeat(2000);
    const srv = await serve({}, "close_notify", body);
    const { events } = await runClient(`https://127.0.0.1:${srv.port}/`, { ca: ca.certPem });
    const chunks = events.filter((e) => e.startsWith("data ")).map((e) => JSON.parse(e.substring(12)) as string);
    assert.equal(chunks.join(""), body);
    assert.ok(chunks.every((c) => c.length <= 536));
    assert.ok(chunks.length >= 4);
  });

  it("wrong CA: unsent data, end, close(true), then the uncaught verify error, on both firmwares", async () => {
    for (const firmware of ["wolfssl", "mbedtls"] as const) {
      const srv = await serve();
      const { events, handshakes } = await runClient(`https://localhost:${srv.port}/`, { ca: otherCa.certPem }, { firmware });
      assert.deepEqual(withoutDrains(events), [
        "connect true true",
        'error {"code":-8,"message":"unsent data"} false',
        "end",
        "close true",
        "uncaught InternalError: mbedtls_x509_crt_verify: The certificate is not correctly signed by the trusted CA (mbedtls_ssl_handshake returned -0x2700)",
      ], firmware);
      assert.equal(
        srv.seen.some((s) => s.request !== undefined && s.request !== ""),
        false,
        "the request never reaches a server that failed verification",
      );
      assert.deepEqual(handshakes, [], "a connection that failed verification is not reported as negotiated");
    }
  });

  /** A server certificate for `name` from `issuer`, valid from `fromDay` to `toDay` days from now. */
  function serverLeaf(issuer: Issued, name: string, fromDay: number, toDay: number): Promise<Issued> {
    return issueLeaf(issuer, "server", { commonName: name, names: [name], notBefore: daysAfter(currentTime(), fromDay), notAfter: daysAfter(currentTime(), toDay) });
  }

  it("reports an expired certificate, a not-yet-valid one and a name mismatch with mbedTLS's reasons", async () => {
    const expired = await serverLeaf(ca, "localhost", -10, -1);
    const future = await serverLeaf(ca, "localhost", 1, 10);
    const elsewhere = await issueLeaf(ca, "server", { commonName: "example.test", names: ["example.test", "10.0.0.1"] });
    const cases: Array<[Issued, string, RegExp]> = [
      [expired, "localhost", /^uncaught InternalError: mbedtls_x509_crt_verify: The certificate validity has expired \(mbedtls_ssl_handshake returned -0x2700\)$/],
      [future, "localhost", /^uncaught InternalError: mbedtls_x509_crt_verify: The certificate validity starts in the future \(/],
      [elsewhere, "localhost", /^uncaught InternalError: mbedtls_x509_crt_verify: The certificate Common Name \(CN\) does not match with the expected CN \(/],
      // IP literals are checked against IP SANs
      [elsewhere, "127.0.0.1", /does not match with the expected CN/],
      [server, "127.0.0.1", /^data string/],
    ];
    for (const firmware of ["wolfssl", "mbedtls"] as const) {
      for (const [leaf, host, expected] of cases) {
        const srv = await startTlsServer({ cert: leaf.certPem, key: leaf.keyPem });
        servers.push(srv);
        const { events } = await runClient(`https://${host}:${srv.port}/`, { ca: ca.certPem }, { firmware });
        assert.ok(events.some((e) => expected.test(e)), `${firmware} ${host}: ${events.join(" | ")}`);
      }
    }
  });

  it("a certificate with several problems: mbedTLS lists them all, wolfSSL only the first it finds", async () => {
    const expiredElsewhere = await serverLeaf(otherCa, "example.test", -10, -1);
    const expiredWrongName = await serverLeaf(ca, "example.test", -10, -1);
    const verifyError = async (leaf: Issued, firmware: Firmware): Promise<string> => {
      const srv = await startTlsServer({ cert: leaf.certPem, key: leaf.keyPem });
      servers.push(srv);
      const { events } = await runClient(`https://localhost:${srv.port}/`, { ca: ca.certPem }, { firmware });
      return events[events.length - 1]!.replace(/^uncaught InternalError: mbedtls_x509_crt_verify: | \(mbedtls_ssl_handshake returned -0x2700\)$/g, "");
    };
    const EXPIRED = "The certificate validity has expired";
    const MISMATCH = "The certificate Common Name (CN) does not match with the expected CN";
    const UNTRUSTED = "The certificate is not correctly signed by the trusted CA";
    assert.equal(await verifyError(expiredElsewhere, "mbedtls"), [EXPIRED, MISMATCH, UNTRUSTED].join("; "));
    assert.equal(await verifyError(expiredElsewhere, "wolfssl"), UNTRUSTED);
    assert.equal(await verifyError(expiredWrongName, "mbedtls"), [EXPIRED, MISMATCH].join("; "));
    assert.equal(await verifyError(expiredWrongName, "wolfssl"), EXPIRED);
  });

  it("a self-signed leaf is not signed by the pinned CA", async () => {
    const self = await selfSignedLeaf({ commonName: "localhost", names: ["localhost"] });
    const srv = await startTlsServer({ cert: self.certPem, key: self.keyPem });
    servers.push(srv);
    const { events } = await runClient(`https://localhost:${srv.port}/`, { ca: ca.certPem });
    assert.match(events[events.length - 1], /not correctly signed by the trusted CA/);
  });

  it("no CA: connects without verification, as stock does", async () => {
    const srv = await serve();
    const { events } = await runClient(`https://localhost:${srv.port}/`, {}, {});
    assert.deepEqual(withoutDrains(events), ["connect true true", `data string ${JSON.stringify(RESPONSE)}`, "end", "close false"]);
  });

  it("stock + wrong CA: connects, no SNI, RSA key exchange, close_notify as error -30848", async () => {
    const srv = await serve();
    const { events } = await runClient(`https://localhost:${srv.port}/`, { ca: otherCa.certPem }, { firmware: "stock" });
    assert.deepEqual(withoutDrains(events), [
      "connect true true",
      `data string ${JSON.stringify(RESPONSE)}`,
      'error {"code":-30848,"message":"unknown error"} false',
      "end",
      "close true",
    ]);
    const real = srv.seen.find((s) => s.request !== undefined);
    assert.equal(real?.servername, false, "no SNI");
    assert.equal(real?.protocol, "TLSv1.2");
    assert.match(real?.cipher ?? "", /^TLS_RSA_WITH_AES_/);
  });

  it("close_notify is a normal close with the project's firmware, over TLS 1.3 and 1.2", async () => {
    for (const [firmware, maxVersion] of [["wolfssl", "TLSv1.3"], ["wolfssl", "TLSv1.2"], ["mbedtls", "TLSv1.2"]] as const) {
      const srv = await serve({ maxVersion });
      const { events } = await runClient(`https://127.0.0.1:${srv.port}/`, { ca: ca.certPem }, { firmware });
      assert.deepEqual(withoutDrains(events), ["connect true true", `data string ${JSON.stringify(RESPONSE)}`, "end", "close false"], `${firmware} ${maxVersion}`);
    }
  });

  it("a dropped connection (FIN or RST, no close_notify) is a clean end with every firmware", async () => {
    for (const mode of ["fin", "rst"] as const) {
      for (const firmware of ["wolfssl", "mbedtls", "stock"] as const) {
        const srv = await serve({ maxVersion: "TLSv1.2" }, mode);
        const { events } = await runClient(`https://127.0.0.1:${srv.port}/`, {}, { firmware });
        assert.deepEqual(withoutDrains(events), ["connect true true", `data string ${JSON.stringify(RESPONSE)}`, "end", "close false"], `${mode} ${firmware}`);
      }
    }
  });

  it("a connection reset right after the handshake, before any data, is a plain close with every firmware", async () => {
    for (const firmware of ["wolfssl", "mbedtls", "stock"] as const) {
      const srv = await serve({}, "rst-after-handshake");
      const { events } = await runClient(`https://127.0.0.1:${srv.port}/`, {}, { firmware });
      assert.deepEqual(withoutDrains(events), ["connect true true", "end", "close false"], firmware);
    }
  });

  it("refused and unresolvable hosts throw synchronously with Espruino's messages", async () => {
    const closed = await startPlainServer(null);
    const port = closed.port;
    await closed.close();
    const refused = await runClient(`https://127.0.0.1:${port}/`);
    assert.deepEqual(refused.events, ["threw InternalError: Unable to create socket false"]);
    assert.equal(refused.output, "ERROR: Connect failed (err 111)\n");
    const dns = await runClient("https://nonexistent.invalid/");
    assert.deepEqual(dns.events, ["threw InternalError: Unable to locate host false"]);
  });

  it("an ECDHE-only TLS 1.2 server: both firmware policies connect, stock fails with -0x7780", async () => {
    const srv = await serve({ ciphers: "ECDHE-RSA-AES128-GCM-SHA256", maxVersion: "TLSv1.2" });
    for (const firmware of ["wolfssl", "mbedtls"] as const) {
      const ok = await runClient(`https://127.0.0.1:${srv.port}/`, { ca: ca.certPem }, { firmware });
      assert.deepEqual(withoutDrains(ok.events).slice(-2), ["end", "close false"], firmware);
      assert.ok(ok.events.some((e) => e.startsWith("data string")), firmware);
    }
    const stock = await runClient(`https://127.0.0.1:${srv.port}/`, {}, { firmware: "stock" });
    assert.deepEqual(withoutDrains(stock.events), [
      "connect true true",
      'error {"code":-8,"message":"unsent data"} false',
      "end",
      "close true",
      "uncaught InternalError: mbedtls_ssl_handshake returned -0x7780",
    ]);
    assert.ok(srv.seen.some((s) => s.clientError === "ERR_SSL_NO_SHARED_CIPHER"));
  });

  it("without a pending write, a failed handshake has no error event", async () => {
    const srv = await serve({ ciphers: "ECDHE-RSA-AES128-GCM-SHA256", maxVersion: "TLSv1.2" });
    const { events } = await runClient(`https://127.0.0.1:${srv.port}/`, {}, { firmware: "stock", write: false });
    assert.deepEqual(withoutDrains(events), ["connect true true", "end", "close false", "uncaught InternalError: mbedtls_ssl_handshake returned -0x7780"]);
  });

  it("prints an uncaught handshake error when nobody listens", async () => {
    const srv = await serve({ ciphers: "ECDHE-RSA-AES128-GCM-SHA256", maxVersion: "TLSv1.2" });
    const { output } = await runClient(`https://127.0.0.1:${srv.port}/`, {}, { firmware: "stock", listener: false });
    assert.equal(output, "Uncaught InternalError: mbedtls_ssl_handshake returned -0x7780\n");
  });

  it("mutual TLS over TLS 1.2: a client certificate is presented when given, and required ones fail the handshake without", async () => {
    const required = { requestCert: true, rejectUnauthorized: true, ca: [ca.certPem], maxVersion: "TLSv1.2" as const };
    for (const firmware of ["wolfssl", "mbedtls", "stock"] as const) {
      const srv = await serve(required);
      const withCert = await runClient(`https://127.0.0.1:${srv.port}/`, { ca: ca.certPem, cert: client.certPem, key: client.keyPem }, { firmware });
      assert.ok(withCert.events.some((e) => e.startsWith("data string")), `with cert, ${firmware}`);
      assert.equal(srv.seen.find((s) => s.request !== undefined)?.authorized, true);
      const without = await runClient(`https://127.0.0.1:${srv.port}/`, { ca: ca.certPem }, { firmware });
      assert.deepEqual(withoutDrains(without.events).slice(1), [
        'error {"code":-8,"message":"unsent data"} false',
        "end",
        "close true",
        "uncaught InternalError: mbedtls_ssl_handshake returned -0x7780",
      ], firmware);
    }
  });

  it("mutual TLS over TLS 1.3 (wolfSSL firmware): the server's refusal after the handshake is the handshake's error", async () => {
    const srv = await serve({ requestCert: true, rejectUnauthorized: true, ca: [ca.certPem] });
    const withCert = await runClient(`https://127.0.0.1:${srv.port}/`, { ca: ca.certPem, cert: client.certPem, key: client.keyPem });
    assert.ok(withCert.events.some((e) => e.startsWith("data string")), withCert.events.join(" | "));
    assert.equal(srv.seen.find((s) => s.request !== undefined)?.protocol, "TLSv1.3");
    // TLS 1.3's client finishes first and sends the request; the refusal comes after (no data was pending any more).
    const without = await runClient(`https://127.0.0.1:${srv.port}/`, { ca: ca.certPem });
    assert.deepEqual(withoutDrains(without.events), ["connect true true", "end", "close false", "uncaught InternalError: mbedtls_ssl_handshake returned -0x7780"]);
  });

  it("stock: an EC client key parses but fails the handshake with -0x3f00 (no ECDSA in its mbedTLS)", async () => {
    const ecClient = await issueLeaf(ca, "client", { commonName: "device-ec", key: "ec-p256" });
    const srv = await serve({ requestCert: true, rejectUnauthorized: true, ca: [ca.certPem] });
    const stock = await runClient(`https://127.0.0.1:${srv.port}/`, { cert: ecClient.certPem, key: ecClient.keyPem }, { firmware: "stock" });
    assert.equal(stock.events[stock.events.length - 1], "uncaught InternalError: mbedtls_ssl_handshake returned -0x3f00");
    for (const firmware of ["wolfssl", "mbedtls"] as const) {
      const ok = await runClient(`https://127.0.0.1:${srv.port}/`, { ca: ca.certPem, cert: ecClient.certPem, key: ecClient.keyPem }, { firmware });
      assert.ok(ok.events.some((e) => e.startsWith("data string")), `${firmware}: ${ok.events.join(" | ")}`);
    }
  });

  it("a server that is not TLS gives the -0x7200 handshake error", async () => {
    const plain = await startPlainServer("HTTP/1.1 400 Bad Request\r\n\r\n");
    servers.push(plain);
    for (const firmware of ["wolfssl", "mbedtls", "stock"] as const) {
      const { events } = await runClient(`https://127.0.0.1:${plain.port}/`, {}, { firmware });
      assert.deepEqual(withoutDrains(events), [
        "connect true true",
        'error {"code":-8,"message":"unsent data"} false',
        "end",
        "close true",
        "uncaught InternalError: mbedtls_ssl_handshake returned -0x7200",
      ]);
    }
  });

  it("like stock, end() waits while a write is pending before the handshake; clsNow closes", async () => {
    const silent = await startPlainServer(null);
    servers.push(silent);
    const stuck = await runClient(`https://127.0.0.1:${silent.port}/`, {}, { waitMs: 400, script: "setTimeout(function(){ s.end(); }, 100);" });
    assert.deepEqual(withoutDrains(stuck.events), ["connect true true"]);
    const forced = await runClient(`https://127.0.0.1:${silent.port}/`, {}, { script: "setTimeout(function(){ s.clsNow = true; }, 100);" });
    assert.deepEqual(withoutDrains(forced.events), ["connect true true", "end", "close false"]);
  });

  it("certificates arrive as DER: PEM text or garbage throws mbedTLS's parse error", async () => {
    const srv = await serve();
    let output = "";
    const runtime = createHostRuntime({ write: (text) => (output += text) });
    runtime.run(`
      var o = url.parse("https://127.0.0.1:${srv.port}/");
      o.ca = ${JSON.stringify(ca.certPem)};
      try { require("tls").connect(o, function(){}); } catch (e) { print(String(e)); }
      o.ca = atob(${JSON.stringify(der(ca.certPem))});
      o.key = "k".repeat(300); o.cert = atob(${JSON.stringify(der(client.certPem))});
      try { require("tls").connect(o, function(){}); } catch (e) { print(String(e)); }
    `);
    runtime.close();
    assert.equal(
      output,
      "InternalError: HTTPS init failed! mbedtls_x509_crt_parse of 'ca': Invalid format\n" +
        "InternalError: HTTPS init failed! mbedtls_pk_parse_key: Invalid format\n",
    );
  });
});
