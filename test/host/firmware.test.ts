// What the checker sees from the host runtime playing each firmware, and
// what the RESULT line then says: the ClientHello must carry what the
// firmware's would (firmware/tls/tls_policy.c, firmware/sdkconfig.tls, the
// wolfSSL policy), and nothing it would not (session tickets above all). What
// OpenSSL cannot reproduce is listed in docs/host-runtime.md and asserted
// here as it is, so that a change shows.
import assert from "node:assert/strict";
import type { ClientHello } from "../../scripts/checker/clienthello.ts";
import { type Checker, startChecker } from "../../scripts/checker/server.ts";
import type { Firmware } from "../../scripts/host/firmware.ts";
import { buildBundle } from "../../scripts/build/bundle.ts";
import { pemToBase64 } from "../../scripts/certs/pem.ts";
import { type RunOutcome, runBundle } from "../../scripts/host/run-bundle.ts";
import { appConfig } from "../support/run-app.ts";
import { createTestPki, type TestPki } from "../support/tls-servers.ts";

const TLS13 = 0x0304;
const TLS12 = 0x0303;
const X25519MLKEM768 = 0x11ec;
const X25519 = 0x001d;
const SECP256R1 = 0x0017;
const SECP384R1 = 0x0018;
const SESSION_TICKET = 35;
const RENEGOTIATION_INFO = 0xff01;
const SCSV = 0x00ff;
/** Signature schemes OpenSSL 3.5 offers that none of the firmwares can verify: Ed25519, Ed448, brainpool, ML-DSA, SHA-1. */
const NOT_IN_ANY_FIRMWARE = [0x0807, 0x0808, 0x081a, 0x081b, 0x081c, 0x0904, 0x0905, 0x0906, 0x0203];

interface Seen {
  hello: ClientHello;
  outcome: RunOutcome;
}

describe("host runtime: what the checker sees from each firmware it plays", function () {
  this.timeout(60_000);
  let pki: TestPki;
  let checker: Checker;

  before(async () => {
    pki = await createTestPki();
    checker = await startChecker({ pki: { caPem: pki.ca.certPem, serverCertPem: pki.server.certPem, serverKeyPem: pki.server.keyPem } });
  });

  after(async () => {
    await checker?.close();
  });

  /** Runs the real bundle (no probe) against the checker by host name, as `firmware`. */
  async function check(firmware: Firmware, host = "localhost"): Promise<Seen> {
    const bundle = await buildBundle(appConfig({ url: `https://${host}:${checker.port}/a/check`, ca: pemToBase64(pki.ca.certPem), probe: false }));
    const before = checker.hellos.length;
    const outcome = await runBundle(bundle.code, { firmware, timeoutMs: 30_000 });
    assert.equal(outcome.result?.ok, true, outcome.lines.join("\n"));
    assert.equal(checker.hellos.length, before + 1, "one ClientHello per check");
    return { hello: checker.hellos.at(-1)!.hello, outcome };
  }

  it("wolfssl: TLS 1.3 and 1.2, AEAD suites, X25519MLKEM768 first with the only key share, SNI, no session ticket", async () => {
    const { hello, outcome } = await check("wolfssl");
    assert.deepEqual(hello.supportedVersions, [TLS13, TLS12]);
    assert.equal(hello.legacyVersion, TLS12);
    assert.deepEqual(hello.cipherSuites, [0x1301, 0x1303, 0x1302, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8]);
    assert.deepEqual(hello.namedGroups, [X25519MLKEM768, X25519, SECP256R1]);
    assert.deepEqual(hello.keyShares, [{ group: X25519MLKEM768, length: 1216 }]);
    assert.equal(hello.serverName, "localhost");
    assert.equal(hello.sessionTicket, false);
    assert.deepEqual(hello.compressionMethods, [0]);
    assert.deepEqual(hello.signatureAlgorithms.filter((scheme) => NOT_IN_ANY_FIRMWARE.includes(scheme)), []);
    assert.ok(!hello.extensions.includes(22), "no encrypt_then_mac: AEAD suites only");
    const result = outcome.result!;
    assert.equal(result.tls_version, "TLS 1.3");
    assert.equal(result.post_quantum_key_agreement, true);
    assert.equal(result.session_ticket_supported, false);
    assert.deepEqual(result.given_named_groups, ["X25519MLKEM768", "x25519", "secp256r1"]);
    assert.equal(result.suites_offered, 9);
    assert.equal(result.rating, "Probably Okay", "TLS 1.3 with a post-quantum group is Probably Okay on any date");
    assert.deepEqual(outcome.handshakes.map((h) => [h.protocol, h.group]), [["TLSv1.3", "X25519MLKEM768"]]);
  });

  it("mbedtls: TLS 1.2 only, firmware/tls's suites in its order, x25519/P-256/P-384, mbedTLS 2.28's signature schemes, no session ticket", async () => {
    const { hello, outcome } = await check("mbedtls");
    assert.deepEqual(hello.supportedVersions, []);
    assert.equal(hello.legacyVersion, TLS12);
    // mbedTLS adds TLS_EMPTY_RENEGOTIATION_INFO_SCSV; OpenSSL 3.5 sends the renegotiation_info extension instead.
    assert.deepEqual(hello.cipherSuites, [0xc02b, 0xc02c, 0xcca9, 0xc02f, 0xc030, 0xcca8]);
    assert.ok(!hello.cipherSuites.includes(SCSV) && hello.extensions.includes(RENEGOTIATION_INFO));
    assert.deepEqual(hello.namedGroups, [X25519, SECP256R1, SECP384R1]);
    assert.deepEqual(hello.keyShares, []);
    assert.deepEqual(hello.signatureAlgorithms, [0x0603, 0x0601, 0x0503, 0x0501, 0x0403, 0x0401, 0x0303, 0x0301]);
    assert.equal(hello.serverName, "localhost");
    assert.equal(hello.sessionTicket, false);
    assert.ok(!hello.extensions.includes(SESSION_TICKET));
    const result = outcome.result!;
    assert.equal(result.tls_version, "TLS 1.2");
    assert.equal(result.post_quantum_key_agreement, false);
    assert.equal(result.session_ticket_supported, false);
    assert.equal(result.suites_offered, 6);
    assert.deepEqual(result.given_named_groups, ["x25519", "secp256r1", "secp384r1"]);
    assert.deepEqual(outcome.handshakes.map((h) => [h.protocol, h.group]), [["TLSv1.2", "X25519"]]);
  });

  it("stock: TLS 1.2, RSA and DHE-RSA with AES in the measured order, RSA signatures only, no groups, no SNI, no session ticket", async () => {
    const { hello, outcome } = await check("stock");
    assert.deepEqual(hello.supportedVersions, []);
    assert.deepEqual(hello.cipherSuites, [
      0x009f, 0xc09f, 0x006b, 0x0039, 0xc0a3, 0x009e, 0xc09e, 0x0067, 0x0033, 0xc0a2,
      0x009d, 0xc09d, 0x003d, 0x0035, 0xc0a1, 0x009c, 0xc09c, 0x003c, 0x002f, 0xc0a0,
    ]);
    assert.deepEqual(hello.namedGroups, []);
    assert.deepEqual(hello.signatureAlgorithms, [0x0601, 0x0501, 0x0401, 0x0301, 0x0201]);
    assert.equal(hello.serverName, null);
    assert.equal(hello.sessionTicket, false);
    // Measured stock sends signature_algorithms alone; OpenSSL 3.5 adds renegotiation_info.
    assert.deepEqual([...hello.extensions].sort((a, b) => a - b), [13, RENEGOTIATION_INFO]);
    const result = outcome.result!;
    assert.equal(result.tls_version, "TLS 1.2");
    assert.equal(result.ephemeral_keys_supported, true);
    assert.equal(result.session_ticket_supported, false);
  });

  it("an IP address as the host: no SNI from either of the project's firmwares", async () => {
    for (const firmware of ["wolfssl", "mbedtls"] as const) {
      const { hello } = await check(firmware, "127.0.0.1");
      assert.equal(hello.serverName, null, firmware);
    }
  });
});
