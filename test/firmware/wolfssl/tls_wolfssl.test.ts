// The wolfSSL backend (firmware/wolfssl) in real handshakes on 127.0.0.1:
// the harness drives Espruino's socket calls as Espruino does, the backend's
// -Wl,--wrap hooks take the TLS sockets over and run them on Debian's
// wolfSSL (5.5.4: TLS 1.3 and X25519, no ML-KEM). What the harness reports
// is what JavaScript would see: the same events and exceptions as with the
// mbedTLS policy (test/firmware/tls), in mbedTLS's words.
import assert from "node:assert/strict";
import type tls from "node:tls";
import { type Fixtures, makeFixtures, type PemFiles } from "../support/fixtures.ts";
import {
  assertRefused,
  assertVerifyFailure,
  CLEAN_EVENTS,
  FAILED_EVENTS_TAIL,
  lastHello,
  withChecker,
  withServer,
} from "../support/handshakes.ts";
import { type DerConnect, derRequest, type HarnessReport, MBEDTLS, REASON, runHarness } from "../support/harness.ts";
import { BODY, captureHello } from "../support/servers.ts";
import { requireWolfssl, type WolfsslBuilt } from "../support/toolchain.ts";

/** TLS 1.3's AEAD suites, and ECDHE-ECDSA / ECDHE-RSA with AES-GCM or ChaCha20-Poly1305. */
const ALLOWED_SUITES = new Set([0x1301, 0x1302, 0x1303, 0xc02b, 0xc02c, 0xcca9, 0xc02f, 0xc030, 0xcca8]);
/** X25519MLKEM768 (with a wolfSSL that has it), x25519, secp256r1: in this order. */
const POLICY_GROUPS = [0x11ec, 0x001d, 0x0017];
const TLS13 = 0x0304;
const TLS12 = 0x0303;
/** TLS_EMPTY_RENEGOTIATION_INFO_SCSV: a signal, not a suite. */
const RENEGOTIATION_SCSV = 0x00ff;

const TLS12_ONLY: tls.TlsOptions = { maxVersion: "TLSv1.2" };
const TLS13_ONLY: tls.TlsOptions = { minVersion: "TLSv1.3" };

describe("firmware wolfSSL backend: handshakes through the Espruino-like harness (Debian's wolfSSL)", function () {
  let built: WolfsslBuilt;
  let pki: Fixtures;
  const connect = (c: DerConnect): Promise<HarnessReport> => runHarness(built.harness, derRequest(c));

  before(async function () {
    built = await requireWolfssl(this);
    pki = await makeFixtures();
  });

  after(async () => {
    await pki?.cleanup();
  });

  describe("with the right CA", () => {
    it("speaks TLS 1.3, verifies the server, sends the host as SNI and reads the answer up to a clean close", async () => {
      await withChecker(pki, pki.server, {}, async (checker) => {
        const report = await connect({ host: "localhost", port: checker.port, ca: pki.ca, path: "/a/check" });
        assert.equal(report.backend, "wolfssl");
        assert.equal(report.ok, true, JSON.stringify(report));
        assert.equal(report.cert_verified, true);
        assert.equal(report.version, "TLSv1.3");
        assert.equal(report.sni, "localhost");
        assert.equal(lastHello(checker).serverName, "localhost");
        assert.deepEqual(report.events, CLEAN_EVENTS);
        const body = report.data.slice(report.data.indexOf("\r\n\r\n") + 4);
        const answer = JSON.parse(body) as { tls_version: string };
        assert.equal(answer.tls_version, "TLS 1.3");
      });
    });

    it("offers TLS 1.3 then 1.2, AEAD suites only and the policy's groups in order, its first group's key share", async () => {
      await withChecker(pki, pki.server, {}, async (checker) => {
        await connect({ host: "localhost", port: checker.port, ca: pki.ca, path: "/a/check" });
        const hello = lastHello(checker);
        assert.deepEqual(hello.supportedVersions, [TLS13, TLS12]);
        const suites = hello.cipherSuites.filter((s) => s !== RENEGOTIATION_SCSV);
        assert.deepEqual(suites.filter((s) => !ALLOWED_SUITES.has(s)), [], "suites outside the allow-list");
        for (const tls13 of [0x1301, 0x1302, 0x1303]) assert.ok(suites.includes(tls13), `TLS 1.3 suite 0x${tls13.toString(16)}`);
        const expected = POLICY_GROUPS.slice(built.hybrid ? 0 : 1);
        assert.deepEqual(hello.namedGroups, expected);
      });
    });

    it("reaches a server that speaks only TLS 1.3", async () => {
      await withServer(pki.server, TLS13_ONLY, async (server) => {
        const report = await connect({ host: "localhost", port: server.port, ca: pki.ca });
        assert.equal(report.ok, true, JSON.stringify(report));
        assert.equal(report.version, "TLSv1.3");
        assert.match(report.suite ?? "", /^TLS13-/);
        assert.ok(report.data.endsWith(BODY));
      });
    });

    it("reaches a server that speaks only TLS 1.2 with ECDHE, RSA and ECDSA certificates alike", async () => {
      const ecdhe: tls.TlsOptions = { ...TLS12_ONLY, ciphers: "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384" };
      for (const [leaf, ca, suite] of [
        [pki.server, pki.ca, "ECDHE-RSA-AES128-GCM-SHA256"],
        [pki.ecServer, pki.ecCa, "ECDHE-ECDSA-AES256-GCM-SHA384"],
      ] as const) {
        await withServer(leaf, ecdhe, async (server) => {
          const report = await connect({ host: "localhost", port: server.port, ca });
          assert.equal(report.ok, true, JSON.stringify(report));
          assert.equal(report.cert_verified, true);
          assert.equal(report.version, "TLSv1.2");
          assert.equal(report.suite, suite);
          assert.deepEqual(report.events, CLEAN_EVENTS);
        });
      }
    });

    it("uses ChaCha20-Poly1305 when that is all a TLS 1.2 server offers", async () => {
      await withServer(pki.server, { ...TLS12_ONLY, ciphers: "ECDHE-RSA-CHACHA20-POLY1305" }, async (server) => {
        const report = await connect({ host: "localhost", port: server.port, ca: pki.ca });
        assert.equal(report.ok, true, JSON.stringify(report));
        assert.equal(report.suite, "ECDHE-RSA-CHACHA20-POLY1305");
      });
    });

    it("completes a TLS 1.3 handshake with an ECDSA certificate", async () => {
      await withServer(pki.ecServer, TLS13_ONLY, async (server) => {
        const report = await connect({ host: "localhost", port: server.port, ca: pki.ecCa });
        assert.equal(report.ok, true, JSON.stringify(report));
        assert.equal(report.cert_verified, true);
      });
    });

    it("connects to an IP literal without SNI when the certificate names that address", async () => {
      await withChecker(pki, pki.server, {}, async (checker) => {
        const report = await connect({ host: "127.0.0.1", port: checker.port, ca: pki.ca, path: "/a/check" });
        assert.equal(report.ok, true, JSON.stringify(report));
        assert.equal(report.cert_verified, true);
        assert.equal(report.sni, null);
        assert.equal(lastHello(checker).serverName, null);
      });
    });

    it("gets the same answer when every read and write moves one byte", async () => {
      for (const options of [TLS13_ONLY, { ...TLS12_ONLY, ciphers: "ECDHE-RSA-AES128-GCM-SHA256" }]) {
        await withServer(pki.server, options, async (server) => {
          const report = await connect({ host: "localhost", port: server.port, ca: pki.ca, ioPiece: 1 });
          assert.equal(report.ok, true, JSON.stringify(report));
          assert.equal(report.cert_verified, true);
          assert.ok(report.data.endsWith(BODY), report.data);
          assert.deepEqual(report.events, CLEAN_EVENTS);
        });
      }
    });
  });

  describe("mutual TLS", () => {
    for (const [name, client] of [
      ["an RSA", (f: Fixtures) => f.client],
      ["an EC (P-256)", (f: Fixtures) => f.ecClient],
    ] as const) {
      it(`presents ${name} client certificate to a server that requires one, in TLS 1.3 and 1.2`, async () => {
        for (const tlsOptions of [TLS13_ONLY, TLS12_ONLY]) {
          await withChecker(pki, pki.server, { requireClientCert: true, tlsOptions }, async (checker) => {
            const report = await connect({ host: "localhost", port: checker.port, ca: pki.ca, client: client(pki), path: "/a/check" });
            assert.equal(report.ok, true, JSON.stringify(report));
            assert.equal(report.cert_verified, true);
          });
        }
      });
    }

    it("is refused by a server that requires a certificate and gets none, as a failed handshake", async () => {
      for (const tlsOptions of [TLS13_ONLY, TLS12_ONLY]) {
        await withChecker(pki, pki.server, { requireClientCert: true, tlsOptions }, async (checker) => {
          const report = await connect({ host: "localhost", port: checker.port, ca: pki.ca, path: "/a/check" });
          assertRefused(report, MBEDTLS.SSL_FATAL_ALERT_MESSAGE);
          // TLS 1.3 clients finish first, so the request may already be out: no "unsent data".
          assert.deepEqual(report.events.slice(-2), ["end", report.events.includes("error:-8") ? "close:true" : "close:false"]);
        });
      }
    });
  });

  describe("certificate failures reach JavaScript with mbedTLS's reason", () => {
    const cases: { name: string; leaf: (f: Fixtures) => PemFiles; ca: (f: Fixtures) => PemFiles; host: string; reason: string }[] = [
      { name: "a server from another CA", leaf: (f) => f.server, ca: (f) => f.otherCa, host: "localhost", reason: REASON.notTrusted },
      { name: "an expired certificate", leaf: (f) => f.expired, ca: (f) => f.ca, host: "localhost", reason: REASON.expired },
      { name: "a certificate not valid yet", leaf: (f) => f.notYetValid, ca: (f) => f.ca, host: "localhost", reason: REASON.future },
      { name: "a certificate for another host name", leaf: (f) => f.otherName, ca: (f) => f.ca, host: "localhost", reason: REASON.nameMismatch },
      { name: "an IP literal the certificate names only as DNS", leaf: (f) => f.dnsOnly, ca: (f) => f.ca, host: "127.0.0.1", reason: REASON.nameMismatch },
      { name: "an IP literal not among the certificate's addresses", leaf: (f) => f.otherIp, ca: (f) => f.ca, host: "127.0.0.1", reason: REASON.nameMismatch },
    ];
    for (const c of cases) {
      it(`refuses ${c.name}, in TLS 1.3 and 1.2`, async () => {
        for (const options of [TLS13_ONLY, TLS12_ONLY]) {
          await withServer(c.leaf(pki), options, async (server) => {
            assertVerifyFailure(await connect({ host: c.host, port: server.port, ca: c.ca(pki) }), c.reason);
          });
        }
      });
    }
  });

  describe("servers outside the policy", () => {
    it("refuses a server limited to TLS 1.0/1.1", async () => {
      const old: tls.TlsOptions = { minVersion: "TLSv1", maxVersion: "TLSv1.1", ciphers: "DEFAULT@SECLEVEL=0" };
      await withServer(pki.server, old, async (server) => {
        const report = await connect({ host: "localhost", port: server.port, ca: pki.ca });
        assertRefused(report, MBEDTLS.SSL_FATAL_ALERT_MESSAGE);
        assert.deepEqual(report.events.slice(-3), FAILED_EVENTS_TAIL);
        assert.ok(server.clientErrors.some((e) => /unsupported protocol|version/i.test(e)), server.clientErrors.join("\n"));
      });
    });

    it("refuses a server that offers only RSA key exchange", async () => {
      const rsaOnly: tls.TlsOptions = { ...TLS12_ONLY, ciphers: "AES128-GCM-SHA256:AES256-GCM-SHA384" };
      await withServer(pki.server, rsaOnly, async (server) => {
        const report = await connect({ host: "localhost", port: server.port, ca: pki.ca });
        assertRefused(report, MBEDTLS.SSL_FATAL_ALERT_MESSAGE);
        assert.deepEqual(report.events.slice(-3), FAILED_EVENTS_TAIL);
        assert.ok(server.clientErrors.some((e) => e.includes("no shared cipher")), server.clientErrors.join("\n"));
      });
    });

    it("reports a server that is not TLS as mbedTLS would (-0x7200)", async () => {
      const { createServer } = await import("node:net");
      const plain = createServer((socket) => {
        socket.on("error", () => undefined);
        socket.once("data", () => socket.end("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"));
      });
      await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", () => resolve()));
      try {
        const port = (plain.address() as { port: number }).port;
        assertRefused(await connect({ host: "localhost", port, ca: pki.ca }), MBEDTLS.SSL_INVALID_RECORD);
      } finally {
        await new Promise<void>((resolve) => plain.close(() => resolve()));
      }
    });
  });

  describe("options JavaScript passes", () => {
    it("without a CA stays unverified, like stock, but still sends the real host name as SNI", async () => {
      await withServer(pki.otherName, {}, async (server) => {
        const report = await connect({ host: "localhost", port: server.port });
        assert.equal(report.ok, true, JSON.stringify(report));
        assert.equal(report.cert_verified, false);
        assert.deepEqual(server.servernames, ["localhost"]);
      });
    });

    it("throws network.c's parse error for a `ca` that is not a certificate", async () => {
      await withServer(pki.server, {}, async (server) => {
        // A PEM file where DER is expected: what Espruino's mbedTLS also refuses.
        const report = await runHarness(built.harness, { host: "localhost", port: server.port, ca: pki.ca.cert });
        assert.equal(report.exception, "HTTPS init failed! mbedtls_x509_crt_parse of 'ca': Invalid format");
        assert.equal(report.tcp, false);
        assert.deepEqual(report.events, []);
      });
    });
  });

  describe("closing", () => {
    it("delivers the server's close_notify as end and close(false)", async () => {
      await withServer(pki.server, {}, async (server) => {
        const report = await connect({ host: "localhost", port: server.port, ca: pki.ca });
        assert.deepEqual(report.events, CLEAN_EVENTS, JSON.stringify(report));
        assert.equal(report.clean_close, true);
        assert.equal(report.close_error, null);
        assert.ok(report.data.endsWith(BODY));
      });
    });
  });

  it("offers no group outside the policy, whatever the server (ClientHello read off TCP)", async () => {
    const hello = await captureHello((port) => connect({ host: "localhost", port, ca: pki.ca }));
    assert.deepEqual(hello.namedGroups, POLICY_GROUPS.slice(built.hybrid ? 0 : 1));
    assert.equal(hello.serverName, "localhost");
  });
});
