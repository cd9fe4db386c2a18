// The firmware's TLS policy (firmware/tls) in real handshakes: the harness
// drives Debian's mbedTLS 2.28 the way Espruino does (authmode NONE, the
// bogus host name, a CA chain that may be empty), once with the policy's
// -Wl,--wrap hooks linked in and once without (stock), against local Node
// TLS servers and the project's checker on 127.0.0.1.
import assert from "node:assert/strict";
import type tls from "node:tls";
import { type Fixtures, makeFixtures, type PemFiles } from "../support/fixtures.ts";
import { assertRefused, assertVerifyFailure, CLEAN_EVENTS, FAILED_EVENTS_TAIL, lastHello, withChecker, withServer } from "../support/handshakes.ts";
import { MBEDTLS, REASON, runHarness, SOCKET_ERR } from "../support/harness.ts";
import { BODY, captureHello, STOCK_SNI } from "../support/servers.ts";
import { type Built, requireBuild } from "../support/toolchain.ts";

/** ECDHE-ECDSA / ECDHE-RSA with AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305. */
const ALLOWED_SUITES = new Set([0xc02b, 0xc02c, 0xcca9, 0xc02f, 0xc030, 0xcca8]);
/** x25519, secp256r1, secp384r1. */
const ALLOWED_GROUPS = new Set([29, 23, 24]);
/** TLS_EMPTY_RENEGOTIATION_INFO_SCSV: a signal, not a suite. */
const RENEGOTIATION_SCSV = 0x00ff;
const TLS12 = 0x0303;

describe("firmware TLS policy: handshakes through the Espruino-like harness", function () {
  let built: Built;
  let pki: Fixtures;

  before(async function () {
    built = await requireBuild(this);
    pki = await makeFixtures();
  });

  after(async () => {
    await pki?.cleanup();
  });

  describe("with the right CA", () => {
    it("verifies the server, sends the host as SNI and reads the answer up to a clean close", async () => {
      await withChecker(pki, pki.server, {}, async (checker) => {
        const report = await runHarness(built.policy, { host: "localhost", port: checker.port, ca: pki.ca.cert, path: "/a/check" });
        assert.equal(report.ok, true, JSON.stringify(report));
        assert.equal(report.cert_verified, true);
        assert.equal(report.sni, "localhost");
        assert.equal(lastHello(checker).serverName, "localhost");
        assert.equal(report.version, "TLSv1.2");
        assert.match(report.suite ?? "", /^TLS-ECDHE-RSA-WITH-/);
        assert.deepEqual(report.events, CLEAN_EVENTS);
        const body = report.data.slice(report.data.indexOf("\r\n\r\n") + 4);
        const answer = JSON.parse(body) as { tls_version: string; ephemeral_keys_supported: boolean };
        assert.equal(answer.tls_version, "TLS 1.2");
        assert.equal(answer.ephemeral_keys_supported, true);
      });
    });

    it("offers only ECDHE with AES-GCM or ChaCha20-Poly1305, the allowed groups and TLS 1.2 as the minimum", async () => {
      await withChecker(pki, pki.server, {}, async (checker) => {
        await runHarness(built.policy, { host: "localhost", port: checker.port, ca: pki.ca.cert, path: "/a/check" });
        const hello = lastHello(checker);
        const suites = hello.cipherSuites.filter((s) => s !== RENEGOTIATION_SCSV);
        assert.ok(suites.length > 0);
        assert.deepEqual(suites.filter((s) => !ALLOWED_SUITES.has(s)), [], "suites outside the allow-list");
        assert.ok(hello.namedGroups.length > 0);
        assert.deepEqual(hello.namedGroups.filter((g) => !ALLOWED_GROUPS.has(g)), [], "groups outside the allow-list");
        // mbedTLS 2.x writes its minimum version into the ClientHello's record header.
        assert.equal(hello.recordVersion, TLS12);
        assert.equal(hello.legacyVersion, TLS12);
      });
      // The same client without the policy offers much more: the checks above can fail.
      const stock = await captureHello((port) => runHarness(built.stock, { host: "localhost", port, timeoutMs: 3000 }));
      assert.ok(stock.cipherSuites.some((s) => s !== RENEGOTIATION_SCSV && !ALLOWED_SUITES.has(s)));
      assert.ok(stock.namedGroups.some((g) => !ALLOWED_GROUPS.has(g)));
      assert.ok(stock.recordVersion < TLS12);
      assert.equal(stock.serverName, STOCK_SNI.replaceAll(" ", "_"));
    });

    it("completes an ECDHE-ECDSA handshake with an ECDSA certificate", async () => {
      await withServer(pki.ecServer, {}, async (server) => {
        const report = await runHarness(built.policy, { host: "localhost", port: server.port, ca: pki.ecCa.cert });
        assert.equal(report.ok, true, JSON.stringify(report));
        assert.equal(report.cert_verified, true);
        assert.match(report.suite ?? "", /^TLS-ECDHE-ECDSA-WITH-/);
        assert.ok(report.data.endsWith(BODY));
      });
    });

    it("presents an RSA or EC client certificate to a server that requires one", async () => {
      await withChecker(pki, pki.server, { requireClientCert: true }, async (checker) => {
        for (const client of [pki.client, pki.ecClient]) {
          const withCert = await runHarness(built.policy, {
            host: "localhost",
            port: checker.port,
            ca: pki.ca.cert,
            cert: client.cert,
            key: client.key,
            path: "/a/check",
          });
          assert.equal(withCert.ok, true, JSON.stringify(withCert));
        }
        const without = await runHarness(built.policy, { host: "localhost", port: checker.port, ca: pki.ca.cert, path: "/a/check" });
        // The server's alert races its reset of the connection: mbedTLS reads the alert
        // (-0x7780) or finds the connection gone first (Espruino's -1, "closed").
        assertRefused(without);
        assert.ok(([MBEDTLS.SSL_FATAL_ALERT_MESSAGE, SOCKET_ERR.CLOSED] as number[]).includes(without.handshake_error ?? 0), JSON.stringify(without));
      });
    });

    it("gets the same answer when every read and write moves one byte", async () => {
      await withServer(pki.server, {}, async (server) => {
        const report = await runHarness(built.policy, { host: "localhost", port: server.port, ca: pki.ca.cert, ioPiece: 1 });
        assert.equal(report.ok, true, JSON.stringify(report));
        assert.ok(report.data.endsWith(BODY), report.data);
        assert.deepEqual(report.events, CLEAN_EVENTS);
      });
    });

    it("connects to an IP literal without SNI when the certificate names that address", async () => {
      await withChecker(pki, pki.server, {}, async (checker) => {
        const report = await runHarness(built.policy, { host: "127.0.0.1", port: checker.port, ca: pki.ca.cert, path: "/a/check" });
        assert.equal(report.ok, true, JSON.stringify(report));
        assert.equal(report.cert_verified, true);
        assert.equal(report.sni, null);
        assert.equal(lastHello(checker).serverName, null);
      });
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
      it(`refuses ${c.name}, which stock accepts`, async () => {
        await withServer(c.leaf(pki), {}, async (server) => {
          const policy = await runHarness(built.policy, { host: c.host, port: server.port, ca: c.ca(pki).cert });
          assertVerifyFailure(policy, c.reason);
          const stock = await runHarness(built.stock, { host: c.host, port: server.port, ca: c.ca(pki).cert });
          assert.equal(stock.handshake, "ok", JSON.stringify(stock));
          assert.ok(stock.data.endsWith(BODY));
          assert.equal(stock.cert_verified, false);
        });
      });
    }
  });

  describe("servers outside the policy", () => {
    it("refuses a server limited to TLS 1.0/1.1, which stock accepts", async () => {
      const old: tls.TlsOptions = { minVersion: "TLSv1", maxVersion: "TLSv1.1", ciphers: "DEFAULT@SECLEVEL=0" };
      await withServer(pki.server, old, async (server) => {
        const policy = await runHarness(built.policy, { host: "localhost", port: server.port, ca: pki.ca.cert });
        assert.equal(policy.handshake, "failed", JSON.stringify(policy));
        assert.equal(policy.bytes, 0);
        assert.deepEqual(policy.events.slice(-3), FAILED_EVENTS_TAIL);
        const stock = await runHarness(built.stock, { host: "localhost", port: server.port, ca: pki.ca.cert });
        assert.equal(stock.handshake, "ok", JSON.stringify(stock));
        assert.match(stock.version ?? "", /^TLSv1(\.1)?$/);
      });
    });

    it("refuses a server that offers only RSA key exchange, which stock accepts", async () => {
      const rsaOnly: tls.TlsOptions = { maxVersion: "TLSv1.2", ciphers: "AES128-GCM-SHA256:AES256-GCM-SHA384" };
      await withServer(pki.server, rsaOnly, async (server) => {
        const policy = await runHarness(built.policy, { host: "localhost", port: server.port, ca: pki.ca.cert });
        assert.equal(policy.handshake, "failed", JSON.stringify(policy));
        assert.equal(policy.handshake_error, MBEDTLS.SSL_FATAL_ALERT_MESSAGE);
        assert.equal(policy.exception, "mbedtls_ssl_handshake returned -0x7780");
        assert.ok(server.clientErrors.some((e) => e.includes("no shared cipher")), server.clientErrors.join("\n"));
        const stock = await runHarness(built.stock, { host: "localhost", port: server.port, ca: pki.ca.cert });
        assert.equal(stock.handshake, "ok", JSON.stringify(stock));
        assert.match(stock.suite ?? "", /^TLS-RSA-WITH-/);
      });
    });

    it("uses ChaCha20-Poly1305 when that is all the server offers", async () => {
      const chacha: tls.TlsOptions = { maxVersion: "TLSv1.2", ciphers: "ECDHE-RSA-CHACHA20-POLY1305" };
      await withServer(pki.server, chacha, async (server) => {
        const report = await runHarness(built.policy, { host: "localhost", port: server.port, ca: pki.ca.cert });
        assert.equal(report.ok, true, JSON.stringify(report));
        assert.equal(report.suite, "TLS-ECDHE-RSA-WITH-CHACHA20-POLY1305-SHA256");
      });
    });
  });

  describe("without a CA", () => {
    it("stays unverified, like stock, but still sends the real host name as SNI", async () => {
      await withServer(pki.otherName, {}, async (server) => {
        const report = await runHarness(built.policy, { host: "localhost", port: server.port });
        assert.equal(report.ok, true, JSON.stringify(report));
        assert.equal(report.cert_verified, false);
        assert.deepEqual(server.servernames, ["localhost"]);
        const stock = await runHarness(built.stock, { host: "localhost", port: server.port });
        assert.equal(stock.handshake, "ok");
        assert.deepEqual(server.servernames, ["localhost", STOCK_SNI]);
      });
    });
  });

  describe("closing", () => {
    it("delivers the server's close_notify as end and close(false), where stock reports -0x7880", async () => {
      await withServer(pki.server, {}, async (server) => {
        const policy = await runHarness(built.policy, { host: "localhost", port: server.port, ca: pki.ca.cert });
        assert.deepEqual(policy.events, CLEAN_EVENTS, JSON.stringify(policy));
        assert.equal(policy.clean_close, true);
        assert.equal(policy.close_error, null);
        assert.ok(policy.data.endsWith(BODY));
        const stock = await runHarness(built.stock, { host: "localhost", port: server.port, ca: pki.ca.cert });
        assert.deepEqual(stock.events, ["connect", "data", `error:${MBEDTLS.SSL_PEER_CLOSE_NOTIFY}`, "end", "close:true"]);
      });
    });
  });
});
