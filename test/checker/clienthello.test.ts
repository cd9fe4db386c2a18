import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type ClientHello,
  ClientHelloError,
  clientHelloRecordLength,
  parseClientHello,
} from "../../scripts/checker/clienthello.ts";
import { POST_QUANTUM_GROUPS } from "../../scripts/checker/names.ts";
import { captureNodeHello, captureOpensslHello } from "./capture.ts";
import { type HelloSpec, encodeHello, extensionOrder, recordPayload, toRecords } from "./hello-builder.ts";

const TLS13_SUITES = [0x1301, 0x1302, 0x1303, 0x1304, 0x1305];
const SCSV = 0x00ff;
const RENEGOTIATION_INFO = 0xff01;
const X25519MLKEM768 = 0x11ec;
const X25519 = 0x001d;
const P256 = 0x0017;

/** Runs `fn` and returns the ClientHelloError it throws; fails on anything else. */
function helloError(fn: () => unknown): ClientHelloError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ClientHelloError) return error;
    throw new assert.AssertionError({ message: `expected ClientHelloError, got ${String(error)}` });
  }
  throw new assert.AssertionError({ message: "expected ClientHelloError, got a result" });
}

/** Every prefix shorter than the whole is "need more" (null or a larger total) and does not parse. */
function assertPrefixesIncomplete(bytes: Uint8Array): void {
  for (let n = 0; n < bytes.length; n++) {
    const prefix = bytes.subarray(0, n);
    const total = clientHelloRecordLength(prefix);
    assert.ok(total === null || total > n, `prefix of ${n} bytes reported complete (${total})`);
    helloError(() => parseClientHello(prefix));
  }
}

describe("checker/clienthello", function () {
  this.timeout(60_000);

  describe("real ClientHellos from node:tls", () => {
    it("default client (Node 24, OpenSSL 3.5): TLS 1.3 and 1.2, X25519MLKEM768 first with its key share, renegotiation_info, ticket", async () => {
      const bytes = await captureNodeHello({});
      assert.equal(clientHelloRecordLength(bytes), bytes.length);
      const hello = parseClientHello(bytes);
      assert.equal(hello.legacyVersion, 0x0303);
      assert.deepEqual(hello.supportedVersions, [0x0304, 0x0303]); // Node's default minVersion is TLS 1.2
      for (const suite of [0x1301, 0x1302, 0x1303]) assert.ok(hello.cipherSuites.includes(suite));
      // OpenSSL 3.5 signals secure renegotiation with the extension, not with the SCSV that OpenSSL 3.0 sends.
      assert.ok(!hello.cipherSuites.includes(SCSV));
      assert.ok(hello.extensions.includes(RENEGOTIATION_INFO));
      assert.deepEqual(hello.compressionMethods, [0]);
      assert.equal(hello.serverName, null); // no SNI for an IP address
      assert.equal(hello.sessionTicket, true);
      assert.ok(hello.signatureAlgorithms.length > 0);
      assert.ok(hello.extensions.includes(43) && hello.extensions.includes(10) && hello.extensions.includes(13) && hello.extensions.includes(51));
      assert.deepEqual(hello.namedGroups.slice(0, 3), [X25519MLKEM768, X25519, P256]);
      // A share for the hybrid (ML-KEM-768's 1,184-byte key and X25519's 32) and one for X25519.
      assert.deepEqual(hello.keyShares, [
        { group: X25519MLKEM768, length: 1216 },
        { group: X25519, length: 32 },
      ]);
    });

    it("ecdhCurve X25519MLKEM768:X25519:P-256: those groups, and a key share for the first only", async () => {
      const hello = parseClientHello(await captureNodeHello({ ecdhCurve: "X25519MLKEM768:X25519:P-256" }));
      assert.deepEqual(hello.namedGroups, [X25519MLKEM768, X25519, P256]);
      assert.deepEqual(hello.keyShares, [{ group: X25519MLKEM768, length: 1216 }]);
    });

    it("maxVersion TLSv1.2: no supported_versions and no TLS 1.3 suites", async () => {
      const hello = parseClientHello(await captureNodeHello({ maxVersion: "TLSv1.2" }));
      assert.equal(hello.legacyVersion, 0x0303);
      assert.deepEqual(hello.supportedVersions, []);
      assert.ok(!hello.extensions.includes(43));
      assert.ok(hello.cipherSuites.every((s) => !TLS13_SUITES.includes(s)));
    });

    it("minVersion TLSv1.3: only TLS 1.3 in supported_versions and only TLS 1.3 suites", async () => {
      const hello = parseClientHello(await captureNodeHello({ minVersion: "TLSv1.3" }));
      assert.deepEqual(hello.supportedVersions, [0x0304]);
      assert.ok(hello.cipherSuites.every((s) => TLS13_SUITES.includes(s)));
    });

    it("TLSv1 only: legacy_version 0x0301 and no signature_algorithms", async () => {
      const hello = parseClientHello(
        await captureNodeHello({ minVersion: "TLSv1", maxVersion: "TLSv1", ciphers: "DEFAULT@SECLEVEL=0" }),
      );
      assert.equal(hello.recordVersion, 0x0301);
      assert.equal(hello.legacyVersion, 0x0301);
      assert.deepEqual(hello.supportedVersions, []);
      assert.ok(!hello.extensions.includes(13)); // signature_algorithms is TLS 1.2+
      assert.deepEqual(hello.signatureAlgorithms, []);
    });

    it("ciphers, ecdhCurve, servername and ALPN options appear as sent", async () => {
      const hello = parseClientHello(
        await captureNodeHello({
          maxVersion: "TLSv1.2",
          ciphers: "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384",
          ecdhCurve: "X25519:P-384",
          servername: "checker.test",
          ALPNProtocols: ["h2", "http/1.1"],
        }),
      );
      assert.deepEqual(hello.cipherSuites, [0xc02f, 0xc030]);
      assert.deepEqual(hello.namedGroups, [0x001d, 0x0018]);
      assert.deepEqual(hello.keyShares, []); // TLS 1.2 only: no key_share
      assert.equal(hello.serverName, "checker.test");
      assert.deepEqual(hello.alpn, ["h2", "http/1.1"]);
      assert.ok(hello.extensions.includes(0) && hello.extensions.includes(16));
    });
  });

  describe("real ClientHellos from openssl s_client", () => {
    it("-tls1_2 -cipher -no_ticket -groups -servername", async () => {
      const hello = parseClientHello(
        await captureOpensslHello([
          "-tls1_2",
          "-cipher",
          "ECDHE-RSA-AES128-GCM-SHA256",
          "-no_ticket",
          "-groups",
          "X25519:P-256",
          "-servername",
          "openssl.test",
        ]),
      );
      assert.equal(hello.legacyVersion, 0x0303);
      assert.deepEqual(hello.supportedVersions, []);
      assert.deepEqual(hello.cipherSuites, [0xc02f, SCSV]);
      assert.equal(hello.sessionTicket, false);
      assert.ok(!hello.extensions.includes(35));
      assert.deepEqual(hello.namedGroups, [0x001d, 0x0017]);
      assert.equal(hello.serverName, "openssl.test");
    });

    it("defaults with -alpn (OpenSSL 3.0): TLS 1.3 first, ticket, ALPN, classical groups only, one X25519 key share", async () => {
      const hello = parseClientHello(await captureOpensslHello(["-alpn", "http/1.1"]));
      assert.equal(hello.supportedVersions[0], 0x0304);
      assert.ok(hello.supportedVersions.includes(0x0303));
      assert.equal(hello.sessionTicket, true);
      assert.deepEqual(hello.alpn, ["http/1.1"]);
      assert.equal(hello.namedGroups[0], X25519);
      assert.ok(hello.namedGroups.includes(P256));
      assert.ok(!hello.namedGroups.some((group) => POST_QUANTUM_GROUPS.has(group)), "Debian 12's OpenSSL 3.0 has no ML-KEM");
      assert.deepEqual(hello.keyShares, [{ group: X25519, length: 32 }]);
      assert.ok(hello.cipherSuites.includes(SCSV), "OpenSSL 3.0 signals secure renegotiation with the SCSV");
    });

    it("-tls1: legacy_version 0x0301", async () => {
      const hello = parseClientHello(await captureOpensslHello(["-tls1", "-cipher", "DEFAULT@SECLEVEL=0"]));
      assert.equal(hello.legacyVersion, 0x0301);
      assert.deepEqual(hello.supportedVersions, []);
    });
  });

  describe("record reassembly and truncation", () => {
    let captured: Uint8Array[] = [];
    before(async () => {
      captured = [
        await captureNodeHello({ servername: "split.test", ALPNProtocols: ["http/1.1"] }),
        await captureOpensslHello(["-tls1_2", "-servername", "split.test"]),
      ];
    });

    it("a ClientHello split into two records at every boundary parses the same", () => {
      for (const bytes of captured) {
        const whole = parseClientHello(bytes);
        const message = recordPayload(bytes);
        for (let cut = 1; cut < message.length; cut++) {
          const split = toRecords(message, [cut]);
          assert.equal(clientHelloRecordLength(split), split.length, `cut at ${cut}`);
          assert.deepEqual(parseClientHello(split), whole, `cut at ${cut}`);
        }
      }
    });

    it("a ClientHello cut into many records at random points parses the same", () => {
      const bytes = captured[0]!;
      const whole = parseClientHello(bytes);
      const message = recordPayload(bytes);
      fc.assert(
        fc.property(fc.uniqueArray(fc.integer({ min: 1, max: message.length - 1 }), { maxLength: 12 }), (cuts) => {
          const split = toRecords(message, [...cuts].sort((a, b) => a - b));
          assert.deepEqual(parseClientHello(split), whole);
        }),
      );
    });

    it("every prefix of a real ClientHello is incomplete, never a wrong parse", () => {
      for (const bytes of captured) assertPrefixesIncomplete(bytes);
    });

    it("every prefix of a split ClientHello is incomplete", () => {
      const message = recordPayload(captured[1]!);
      assertPrefixesIncomplete(toRecords(message, [2, 3, 40, message.length - 1]));
    });

    it("bytes after the ClientHello are not part of it", () => {
      const bytes = captured[0]!;
      const extra = Uint8Array.from([...bytes, 0x17, 0x03, 0x03, 0x00, 0x01, 0xff]);
      assert.equal(clientHelloRecordLength(extra), bytes.length);
      assert.deepEqual(parseClientHello(extra), parseClientHello(bytes));
    });
  });

  describe("generated ClientHellos", () => {
    it("a ClientHello without an extensions block (pre-TLS 1.2 style) parses", () => {
      const spec: HelloSpec = { legacyVersion: 0x0301, cipherSuites: [0x002f, 0x0035], noExtensions: true };
      const hello = parseClientHello(toRecords(encodeHello(spec)));
      assert.deepEqual(hello.extensions, []);
      assert.deepEqual(hello.cipherSuites, [0x002f, 0x0035]);
      assert.equal(hello.serverName, null);
    });

    it("only the first host_name in server_name counts; the session_ticket may carry a ticket", () => {
      // server_name_list: host_name "a.b", then host_name "c.de".
      const sni = [0, 13, 0, 0, 3, 0x61, 0x2e, 0x62, 0, 0, 4, 0x63, 0x2e, 0x64, 0x65];
      const bytes = toRecords(
        encodeHello({ cipherSuites: [0x1301], otherExtensions: [{ type: 0, data: sni }, { type: 35, data: [1, 2, 3] }] }),
      );
      const hello = parseClientHello(bytes);
      assert.equal(hello.serverName, "a.b");
      assert.equal(hello.sessionTicket, true);
    });

    const arbSpec: fc.Arbitrary<HelloSpec> = fc.record(
      {
        legacyVersion: fc.constantFrom(0x0300, 0x0301, 0x0302, 0x0303, 0x0304),
        sessionId: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 32 }),
        cipherSuites: fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 1, maxLength: 40 }),
        compressionMethods: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 3 }),
        serverName: fc.stringMatching(/^[a-z0-9]([a-z0-9.-]{0,30}[a-z0-9])?$/),
        namedGroups: fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 12 }),
        signatureAlgorithms: fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 20 }),
        alpn: fc.array(fc.stringMatching(/^[a-z0-9/.]{1,12}$/), { maxLength: 4 }),
        sessionTicket: fc.boolean(),
        supportedVersions: fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 1, maxLength: 6 }),
        keyShares: fc.array(fc.record({ group: fc.integer({ min: 0, max: 0xffff }), length: fc.integer({ min: 1, max: 1300 }) }), { maxLength: 3 }),
        otherExtensions: fc.uniqueArray(
          fc.record({ type: fc.constantFrom(5, 11, 21, 22, 23, 27, 45, 0xff01, 0x0a0a), data: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 20 }) }),
          { selector: (e) => e.type, maxLength: 4 },
        ),
      },
      { requiredKeys: ["cipherSuites"] },
    );

    it("parses what was written (any fields, any record cuts)", () => {
      fc.assert(
        fc.property(arbSpec, fc.array(fc.integer({ min: 1, max: 10_000 }), { maxLength: 6 }), (spec, rawCuts) => {
          const message = encodeHello(spec);
          const cuts = [...new Set(rawCuts.map((c) => 1 + (c % (message.length - 1))))].sort((a, b) => a - b);
          const bytes = toRecords(message, cuts, 0x0303);
          assert.equal(clientHelloRecordLength(bytes), bytes.length);
          const hello = parseClientHello(bytes);
          const expected: ClientHello = {
            recordVersion: 0x0303,
            legacyVersion: spec.legacyVersion ?? 0x0303,
            supportedVersions: spec.supportedVersions ?? [],
            cipherSuites: spec.cipherSuites,
            compressionMethods: spec.compressionMethods ?? [0],
            extensions: extensionOrder(spec),
            serverName: spec.serverName ?? null,
            namedGroups: spec.namedGroups ?? [],
            signatureAlgorithms: spec.signatureAlgorithms ?? [],
            sessionTicket: spec.sessionTicket ?? false,
            alpn: spec.alpn ?? [],
            keyShares: (spec.keyShares ?? []).map((share) => ({ ...share })), // fast-check's records have no prototype
          };
          assert.deepEqual(hello, expected);
        }),
        { numRuns: 300 },
      );
    });

    it("truncating a generated ClientHello anywhere gives 'need more' or ClientHelloError", () => {
      fc.assert(
        fc.property(arbSpec, fc.nat(), (spec, at) => {
          const bytes = toRecords(encodeHello(spec), [], 0x0303);
          const n = at % bytes.length;
          const total = clientHelloRecordLength(bytes.subarray(0, n));
          assert.ok(total === null || total > n);
          helloError(() => parseClientHello(bytes.subarray(0, n)));
        }),
        { numRuns: 300 },
      );
    });

    it("corrupting bytes of a ClientHello gives a parse or a ClientHelloError, nothing else", () => {
      fc.assert(
        fc.property(
          arbSpec,
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
          (spec, edits) => {
            const bytes = toRecords(encodeHello(spec), [], 0x0303);
            for (const [at, value] of edits) bytes[at % bytes.length] = value;
            try {
              clientHelloRecordLength(bytes);
              parseClientHello(bytes);
            } catch (error) {
              if (!(error instanceof ClientHelloError)) throw error;
            }
          },
        ),
        { numRuns: 500 },
      );
    });
  });

  describe("random and malformed input", () => {
    it("random bytes only ever give ClientHelloError", () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
          try {
            clientHelloRecordLength(bytes);
            parseClientHello(bytes);
          } catch (error) {
            if (!(error instanceof ClientHelloError)) throw error;
          }
        }),
        { numRuns: 1000 },
      );
    });

    it("random bytes behind a handshake header only ever give ClientHelloError", () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), fc.nat({ max: 400 }), (body, claimed) => {
          const message = Uint8Array.from([1, 0, (claimed >> 8) & 0xff, claimed & 0xff, ...body]);
          const bytes = toRecords(message, [], 0x0301);
          try {
            parseClientHello(bytes);
          } catch (error) {
            if (!(error instanceof ClientHelloError)) throw error;
          }
        }),
        { numRuns: 1000 },
      );
    });

    const valid = (): Uint8Array => encodeHello({ cipherSuites: [0x1301], namedGroups: [0x1d], supportedVersions: [0x0304] });

    const cases: [string, () => Uint8Array, RegExp][] = [
      ["SSLv2-style hello", () => Uint8Array.from([0x80, 0x2e, 0x01, 0x03, 0x01, 0x00, 0x15]), /SSLv2-style ClientHello/],
      ["plain HTTP", () => new TextEncoder().encode("GET /a/check HTTP/1.1\r\n\r\n"), /plain HTTP/],
      ["application data record", () => Uint8Array.from([0x17, 3, 3, 0, 1, 0]), /content type 23/],
      ["record version 2.0", () => Uint8Array.from([22, 2, 0, 0, 4, 1, 0, 0, 0]), /major version must be 3/],
      ["empty record", () => Uint8Array.from([22, 3, 1, 0, 0]), /empty handshake record/],
      ["oversized record", () => Uint8Array.from([22, 3, 1, 0x40, 0x01]), /exceeds the TLS maximum/],
      ["ServerHello instead", () => toRecords(Uint8Array.from([2, 0, 0, 0])), /not a ClientHello/],
      ["huge handshake length", () => toRecords(Uint8Array.from([1, 0x10, 0, 0, 3, 3])), /larger than/],
      ["second record not handshake", () => {
        const m = valid();
        const r = toRecords(m, [10]);
        r[5 + 10] = 0x15; // the second record's content type: alert
        return r;
      }, /record 2: content type 21/],
      ["odd cipher suite length", () => {
        const m = [...valid()];
        m[4 + 2 + 32 + 1 + 1] = 3; // cipher_suites length 2 -> 3
        return toRecords(Uint8Array.from(m));
      }, /cipher_suites length 3 is odd/],
      ["no cipher suites", () => toRecords(encodeHello({ cipherSuites: [] })), /no cipher suites/],
      ["no compression methods", () => toRecords(encodeHello({ cipherSuites: [0x1301], compressionMethods: [] })), /no compression methods/],
      ["duplicate extension", () => toRecords(encodeHello({ cipherSuites: [0x1301], otherExtensions: [{ type: 10, data: [0, 2, 0, 0x1d] }], namedGroups: [0x1d] })), /appears twice/],
      ["trailing byte in supported_groups", () => toRecords(encodeHello({ cipherSuites: [0x1301], otherExtensions: [{ type: 10, data: [0, 2, 0, 0x1d, 9] }] })), /trailing/],
      ["empty supported_versions", () => toRecords(encodeHello({ cipherSuites: [0x1301], supportedVersions: [] })), /empty supported_versions/],
      ["non-ASCII host name", () => toRecords(encodeHello({ cipherSuites: [0x1301], serverName: "caf\u00e9" })), /not printable ASCII/],
      ["legacy_version 2.0", () => toRecords(encodeHello({ cipherSuites: [0x1301], legacyVersion: 0x0200 })), /legacy_version 0x0200/],
      ["extension longer than the block", () => {
        const m = [...encodeHello({ cipherSuites: [0x1301], sessionTicket: true })];
        m[m.length - 1] = 9; // session_ticket's length: 0 -> 9
        return toRecords(Uint8Array.from(m));
      }, /needs 9 bytes/],
      ["truncated handshake", () => toRecords(valid().subarray(0, 20)), /truncated ClientHello/],
      ["empty key_exchange in key_share", () => toRecords(encodeHello({ cipherSuites: [0x1301], keyShares: [{ group: 0x1d, length: 0 }] })), /empty key_exchange for group 0x001d/],
      ["key_share entry longer than the list", () => toRecords(encodeHello({ cipherSuites: [0x1301], otherExtensions: [{ type: 51, data: [0, 6, 0, 0x1d, 0, 32, 1, 2] }] })), /key_exchange needs 32 bytes/],
      ["bytes after key_share's list", () => toRecords(encodeHello({ cipherSuites: [0x1301], otherExtensions: [{ type: 51, data: [0, 5, 0, 0x1d, 0, 1, 7, 0] }] })), /trailing/],
    ];
    it("accepts the SNI stock Espruino on ESP32 sends, spaces and all", () => {
      const hello = parseClientHello(toRecords(encodeHello({ cipherSuites: [0x009d], serverName: "mbed TLS Server 1" })));
      assert.equal(hello.serverName, "mbed TLS Server 1");
    });
    for (const [name, make, message] of cases) {
      it(`rejects ${name} with a clear ClientHelloError`, () => {
        const error = helloError(() => parseClientHello(make()));
        assert.match(error.message, message);
        assert.ok(error.message.length > 10);
      });
    }
  });
});
