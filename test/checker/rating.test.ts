import assert from "node:assert/strict";
import type { ClientHello } from "../../scripts/checker/clienthello.ts";
import { negotiatedVersion, rateClientHello } from "../../scripts/checker/rating.ts";
import { CUTOVERS } from "../../scripts/lib/cutovers.ts";
import { REASON } from "../../scripts/checker/suites.ts";
import { parseClientHello } from "../../scripts/checker/clienthello.ts";
import { captureNodeHello, captureOpensslHello } from "./capture.ts";

const X25519 = 0x001d;
const SECP256R1 = 0x0017;
const X25519MLKEM768 = 0x11ec;
const ECDHE_RSA_AES128_GCM = 0xc02f; // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
const RSA_AES128_GCM = 0x009c; // TLS_RSA_WITH_AES_128_GCM_SHA256
const RSA_AES128_CBC = 0x002f; // TLS_RSA_WITH_AES_128_CBC_SHA
const RSA_3DES = 0x000a; // TLS_RSA_WITH_3DES_EDE_CBC_SHA
const TLS_AES_128_GCM = 0x1301;

const BEFORE_ALL = new Date("2026-01-01T00:00:00Z");
const AFTER_ALL = new Date("2027-01-01T00:00:00Z");

/** A modern TLS 1.3 client with a post-quantum group: "Probably Okay" at any date. */
function hello(overrides: Partial<ClientHello> = {}): ClientHello {
  return {
    recordVersion: 0x0301,
    legacyVersion: 0x0303,
    supportedVersions: [0x0304, 0x0303],
    cipherSuites: [TLS_AES_128_GCM, ECDHE_RSA_AES128_GCM],
    compressionMethods: [0],
    extensions: [0, 10, 13, 43],
    serverName: "checker.test",
    namedGroups: [X25519MLKEM768, X25519],
    signatureAlgorithms: [0x0804, 0x0403],
    sessionTicket: true,
    alpn: [],
    keyShares: [{ group: X25519MLKEM768, length: 1216 }],
    ...overrides,
  };
}

/** A TLS 1.2-only client with ECDHE but no post-quantum group. */
function tls12(overrides: Partial<ClientHello> = {}): ClientHello {
  return hello({ supportedVersions: [], cipherSuites: [ECDHE_RSA_AES128_GCM], namedGroups: [X25519, SECP256R1], ...overrides });
}

const justBefore = (d: Date): Date => new Date(d.getTime() - 1000);

describe("checker/rating", () => {
  it("answers with howsmyssl's fields, in its order", () => {
    const answer = rateClientHello(hello(), BEFORE_ALL);
    assert.deepEqual(Object.keys(answer), [
      "given_cipher_suites",
      "given_named_groups",
      "given_signature_algorithms",
      "post_quantum_key_agreement",
      "ephemeral_keys_supported",
      "session_ticket_supported",
      "tls_compression_supported",
      "unknown_cipher_suite_supported",
      "beast_vuln",
      "able_to_detect_n_minus_one_splitting",
      "insecure_cipher_suites",
      "tls_version",
      "rating",
    ]);
  });

  it("names suites, groups and signature schemes as howsmyssl does", () => {
    const answer = rateClientHello(hello(), BEFORE_ALL);
    assert.deepEqual(answer.given_cipher_suites, ["TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]);
    assert.deepEqual(answer.given_named_groups, ["X25519MLKEM768", "x25519"]);
    assert.deepEqual(answer.given_signature_algorithms, ["rsa_pss_rsae_sha256", "ecdsa_secp256r1_sha256"]);
    assert.equal(answer.tls_version, "TLS 1.3");
    assert.equal(answer.post_quantum_key_agreement, true);
    assert.equal(answer.ephemeral_keys_supported, true);
    assert.equal(answer.session_ticket_supported, true);
    assert.deepEqual(answer.insecure_cipher_suites, {});
    assert.equal(answer.rating, "Probably Okay");
  });

  it("names unknown values the way Go's %#04x prints them", () => {
    const answer = rateClientHello(
      hello({ cipherSuites: [ECDHE_RSA_AES128_GCM, 0x0050], namedGroups: [0x00ab], signatureAlgorithms: [0x0710, 0x0303] }),
      BEFORE_ALL,
    );
    assert.equal(answer.given_cipher_suites[1], "Some unknown cipher suite: 0x0050");
    assert.deepEqual(answer.given_named_groups, ["Unknown named group: 0x00ab"]);
    assert.deepEqual(answer.given_signature_algorithms, ["Unknown signature scheme: 0x0710", "Unknown signature scheme: 0x0303"]);
    assert.equal(answer.unknown_cipher_suite_supported, true);
    assert.equal(answer.rating, "Bad");
  });

  describe("GREASE", () => {
    const greasy = hello({
      cipherSuites: [0x1a1a, TLS_AES_128_GCM, ECDHE_RSA_AES128_GCM],
      namedGroups: [0xfafa, X25519MLKEM768],
      signatureAlgorithms: [0x0a0a, 0x0804],
      supportedVersions: [0x7a7a, 0x0304, 0x0303],
    });
    const answer = rateClientHello(greasy, BEFORE_ALL);

    it("names GREASE suites, groups and signature schemes instead of calling them unknown", () => {
      assert.equal(answer.given_cipher_suites[0], "TLS_GREASE_IS_THE_WORD_1A");
      assert.equal(answer.given_named_groups[0], "GREASE_FA");
      assert.equal(answer.given_signature_algorithms[0], "GREASE_0A");
      assert.equal(answer.unknown_cipher_suite_supported, false);
      assert.equal(answer.rating, "Probably Okay");
    });

    it("ignores GREASE in supported_versions", () => {
      assert.equal(answer.tls_version, "TLS 1.3");
      assert.equal(negotiatedVersion(greasy), 0x0304);
    });
  });

  describe("versions", () => {
    it("takes the highest of the negotiable version and supported_versions", () => {
      assert.equal(rateClientHello(hello({ supportedVersions: [0x0303, 0x0304] }), BEFORE_ALL).tls_version, "TLS 1.3");
      assert.equal(rateClientHello(tls12(), BEFORE_ALL).tls_version, "TLS 1.2");
    });

    it("does not let legacy_version alone claim TLS 1.3 (a server negotiates at most 1.2 from it)", () => {
      assert.equal(rateClientHello(tls12({ legacyVersion: 0x0304 }), BEFORE_ALL).tls_version, "TLS 1.2");
    });

    it("reads TLS 1.3 drafts in supported_versions as TLS 1.3", () => {
      assert.equal(rateClientHello(hello({ supportedVersions: [0x7f1c, 0x0303] }), BEFORE_ALL).tls_version, "TLS 1.3");
    });

    it("rates TLS 1.1 Improvable, TLS 1.0 and SSL 3.0 Bad", () => {
      const suites = [ECDHE_RSA_AES128_GCM];
      const v11 = rateClientHello(tls12({ legacyVersion: 0x0302, cipherSuites: suites }), BEFORE_ALL);
      assert.deepEqual([v11.tls_version, v11.rating], ["TLS 1.1", "Improvable"]);
      const v10 = rateClientHello(tls12({ legacyVersion: 0x0301, cipherSuites: suites }), BEFORE_ALL);
      assert.deepEqual([v10.tls_version, v10.rating], ["TLS 1.0", "Bad"]);
      const v30 = rateClientHello(tls12({ legacyVersion: 0x0300, cipherSuites: suites }), BEFORE_ALL);
      assert.deepEqual([v30.tls_version, v30.rating], ["SSL 3.0", "Bad"]);
    });
  });

  describe("rules", () => {
    it("no ephemeral key exchange (no DHE_ suite) is Improvable", () => {
      const answer = rateClientHello(tls12({ cipherSuites: [RSA_AES128_GCM] }), BEFORE_ALL);
      assert.equal(answer.ephemeral_keys_supported, false);
      assert.equal(answer.rating, "Improvable");
      assert.equal(rateClientHello(tls12(), BEFORE_ALL).rating, "Probably Okay");
    });

    it("compression is Bad", () => {
      const answer = rateClientHello(hello({ compressionMethods: [1, 0] }), BEFORE_ALL);
      assert.equal(answer.tls_compression_supported, true);
      assert.equal(answer.rating, "Bad");
    });

    it("RC4, NULL, anonymous and few-bit suites are insecure, with every reason that applies", () => {
      const answer = rateClientHello(
        tls12({ cipherSuites: [ECDHE_RSA_AES128_GCM, 0x0005, 0x0002, 0x0017] }),
        BEFORE_ALL,
      );
      assert.deepEqual(answer.insecure_cipher_suites, {
        TLS_DH_anon_EXPORT_WITH_RC4_40_MD5: [REASON.fewBit, REASON.nullAuth, REASON.rc4],
        TLS_RSA_WITH_NULL_SHA: [REASON.null],
        TLS_RSA_WITH_RC4_128_SHA: [REASON.rc4],
      });
      assert.deepEqual(Object.keys(answer.insecure_cipher_suites), [...Object.keys(answer.insecure_cipher_suites)].sort());
      assert.equal(answer.rating, "Bad");
    });

    it("the NSS FIPS suites are named and insecure, not unknown", () => {
      const answer = rateClientHello(tls12({ cipherSuites: [ECDHE_RSA_AES128_GCM, 0xfeff] }), BEFORE_ALL);
      assert.equal(answer.given_cipher_suites[1], "SSL_RSA_FIPS_WITH_3DES_EDE_CBC_SHA");
      assert.deepEqual(answer.insecure_cipher_suites, { SSL_RSA_FIPS_WITH_3DES_EDE_CBC_SHA: [REASON.weirdNss] });
      assert.equal(answer.unknown_cipher_suite_supported, false);
      assert.equal(answer.rating, "Bad");
    });

    it("3DES is insecure when preferred over a later suite (Sweet32)", () => {
      const answer = rateClientHello(tls12({ cipherSuites: [ECDHE_RSA_AES128_GCM, RSA_3DES, RSA_AES128_CBC] }), BEFORE_ALL);
      assert.deepEqual(answer.insecure_cipher_suites, { TLS_RSA_WITH_3DES_EDE_CBC_SHA: [REASON.sweet32] });
      assert.equal(answer.rating, "Bad");
    });

    it("3DES offered last, or followed only by TLS 1.3 suites, SCSV and GREASE, is a fallback and fine", () => {
      for (const cipherSuites of [
        [ECDHE_RSA_AES128_GCM, RSA_3DES],
        [ECDHE_RSA_AES128_GCM, RSA_3DES, TLS_AES_128_GCM, 0x00ff, 0x2a2a],
      ]) {
        const answer = rateClientHello(tls12({ cipherSuites }), BEFORE_ALL);
        assert.deepEqual(answer.insecure_cipher_suites, {}, JSON.stringify(cipherSuites));
        assert.equal(answer.rating, "Probably Okay");
      }
    });

    it("BEAST: a CBC suite at TLS 1.0 is vulnerable; splitting is never detectable from the hello", () => {
      const v10 = rateClientHello(tls12({ legacyVersion: 0x0301, cipherSuites: [ECDHE_RSA_AES128_GCM, RSA_AES128_CBC] }), BEFORE_ALL);
      assert.equal(v10.beast_vuln, true);
      assert.equal(v10.able_to_detect_n_minus_one_splitting, false);
      const noCbc = rateClientHello(tls12({ legacyVersion: 0x0301, cipherSuites: [ECDHE_RSA_AES128_GCM] }), BEFORE_ALL);
      assert.equal(noCbc.beast_vuln, false);
      const v12 = rateClientHello(tls12({ cipherSuites: [ECDHE_RSA_AES128_GCM, RSA_AES128_CBC] }), BEFORE_ALL);
      assert.equal(v12.beast_vuln, false);
      // legacy_version 1.0 but supported_versions reaching 1.3: negotiated above 1.0, no BEAST.
      const upgraded = rateClientHello(hello({ legacyVersion: 0x0301, cipherSuites: [ECDHE_RSA_AES128_GCM, RSA_AES128_CBC] }), BEFORE_ALL);
      assert.equal(upgraded.beast_vuln, false);
    });
  });

  describe("cutovers", () => {
    it("are 10:00 Los Angeles time on 2026-06-14 (PDT) and 2026-12-14 (PST)", () => {
      assert.equal(CUTOVERS.improvable.toISOString(), "2026-06-14T17:00:00.000Z");
      assert.equal(CUTOVERS.bad.toISOString(), "2026-12-14T18:00:00.000Z");
    });

    const at = (iso: string): Date => new Date(iso);

    it("TLS 1.2 with a post-quantum group: Okay, then Improvable at 2026-06-14 17:00Z, Bad at 2026-12-14 18:00Z", () => {
      const client = tls12({ namedGroups: [X25519MLKEM768, X25519] });
      assert.equal(rateClientHello(client, at("2026-06-14T16:59:59Z")).rating, "Probably Okay");
      assert.equal(rateClientHello(client, at("2026-06-14T17:00:00Z")).rating, "Improvable");
      assert.equal(rateClientHello(client, at("2026-12-14T17:59:59Z")).rating, "Improvable");
      assert.equal(rateClientHello(client, at("2026-12-14T18:00:00Z")).rating, "Bad");
    });

    it("TLS 1.3 without a post-quantum group: Okay, then Improvable, then Bad at the same instants", () => {
      const client = hello({ namedGroups: [X25519, SECP256R1] });
      assert.equal(rateClientHello(client, justBefore(CUTOVERS.improvable)).rating, "Probably Okay");
      assert.equal(rateClientHello(client, CUTOVERS.improvable).rating, "Improvable");
      assert.equal(rateClientHello(client, justBefore(CUTOVERS.bad)).rating, "Improvable");
      assert.equal(rateClientHello(client, CUTOVERS.bad).rating, "Bad");
    });

    it("TLS 1.3 with a post-quantum group stays Probably Okay after both", () => {
      assert.equal(rateClientHello(hello(), CUTOVERS.bad).rating, "Probably Okay");
      assert.equal(rateClientHello(hello(), AFTER_ALL).rating, "Probably Okay");
    });

    it("the answer's other fields do not depend on the date", () => {
      const client = hello({ namedGroups: [X25519] });
      const { rating: early, ...rest1 } = rateClientHello(client, BEFORE_ALL);
      const { rating: late, ...rest2 } = rateClientHello(client, AFTER_ALL);
      assert.notEqual(early, late);
      assert.deepEqual(rest1, rest2);
    });
  });

  describe("real ClientHellos on both sides of 2026-12-14 18:00 UTC", function () {
    this.timeout(30_000);
    const minuteBefore = new Date("2026-12-14T17:59:00Z");
    const minuteAfter = new Date("2026-12-14T18:01:00Z");

    const clients: Array<{ name: string; capture: () => Promise<Buffer>; version: string; postQuantum: boolean; before: string; after: string }> = [
      {
        name: "TLS 1.2 (node:tls, maxVersion TLSv1.2)",
        capture: () => captureNodeHello({ maxVersion: "TLSv1.2" }),
        version: "TLS 1.2",
        postQuantum: false,
        before: "Improvable",
        after: "Bad",
      },
      {
        name: "TLS 1.2 (openssl s_client -tls1_2, OpenSSL 3.0)",
        capture: () => captureOpensslHello(["-tls1_2"]),
        version: "TLS 1.2",
        postQuantum: false,
        before: "Improvable",
        after: "Bad",
      },
      {
        name: "TLS 1.3 without a post-quantum group (openssl s_client, OpenSSL 3.0)",
        capture: () => captureOpensslHello([]),
        version: "TLS 1.3",
        postQuantum: false,
        before: "Improvable",
        after: "Bad",
      },
      {
        name: "TLS 1.3 without a post-quantum group (node:tls, ecdhCurve X25519:P-256)",
        capture: () => captureNodeHello({ ecdhCurve: "X25519:P-256" }),
        version: "TLS 1.3",
        postQuantum: false,
        before: "Improvable",
        after: "Bad",
      },
      {
        name: "TLS 1.3 with X25519MLKEM768 (node:tls on Node 24, defaults)",
        capture: () => captureNodeHello({}),
        version: "TLS 1.3",
        postQuantum: true,
        before: "Probably Okay",
        after: "Probably Okay",
      },
    ];

    for (const client of clients) {
      it(`${client.name}: ${client.before} at 17:59, ${client.after} at 18:01`, async () => {
        const parsed = parseClientHello(await client.capture());
        const before = rateClientHello(parsed, minuteBefore);
        const after = rateClientHello(parsed, minuteAfter);
        assert.equal(before.tls_version, client.version);
        assert.equal(before.post_quantum_key_agreement, client.postQuantum);
        assert.equal(before.ephemeral_keys_supported, true);
        assert.deepEqual(before.insecure_cipher_suites, {});
        assert.deepEqual([before.rating, after.rating], [client.before, client.after]);
        if (client.postQuantum) assert.equal(before.given_named_groups[0], "X25519MLKEM768");
      });
    }
  });
});
