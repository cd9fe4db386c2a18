// The pure helpers of firmware/tls through firmware/test/helpers_cli: the IPv4
// literal test and the subjectAltName iPAddress reader (tls_names.c, DER
// parsers: property tests and every-prefix truncation), both as the mbedTLS
// policy uses them (on mbedTLS's v3_ext) and as the wolfSSL backend does (on
// the whole certificate), validity dates (tls_policy_cert.c) and the failure
// text (tls_reasons.c).
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import fc from "fast-check";
import { type Fixtures, makeFixtures } from "../support/fixtures.ts";
import { REASON } from "../support/harness.ts";
import { HelpersCli } from "../support/helpers-cli.ts";
import { requireBuild } from "../support/toolchain.ts";

const BADCERT = { EXPIRED: 0x01, CN_MISMATCH: 0x04, NOT_TRUSTED: 0x08, FUTURE: 0x200 } as const;
const VERIFY_FAILED = -0x2700;

// --- a tiny DER writer for generated extensions ------------------------------

function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

function tlv(tag: number, body: Uint8Array | number[]): Uint8Array {
  const content = Uint8Array.from(body);
  return Uint8Array.from([tag, ...derLength(content.length), ...content]);
}

function concat(parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

const seq = (...parts: Uint8Array[]) => tlv(0x30, concat(parts));

type GeneralName = { kind: "dns"; name: string } | { kind: "uri"; name: string } | { kind: "ip"; bytes: number[] };

function generalName(n: GeneralName): Uint8Array {
  if (n.kind === "ip") return tlv(0x87, n.bytes);
  return tlv(n.kind === "dns" ? 0x82 : 0x86, [...Buffer.from(n.name, "latin1")]);
}

const OID_SAN = [0x55, 0x1d, 0x11];
const OID_BASIC_CONSTRAINTS = [0x55, 0x1d, 0x13];

function extension(oid: number[], critical: boolean | undefined, value: Uint8Array): Uint8Array {
  const parts = [tlv(0x06, oid)];
  if (critical !== undefined) parts.push(tlv(0x01, [critical ? 0xff : 0x00]));
  parts.push(tlv(0x04, value));
  return seq(...parts);
}

interface Extensions {
  names: GeneralName[];
  sanCritical: boolean | undefined;
  otherBefore: boolean;
  otherAfter: boolean;
  wrapped: boolean;
}

function encodeExtensions(e: Extensions): Uint8Array {
  const other = extension(OID_BASIC_CONSTRAINTS, true, seq());
  const list: Uint8Array[] = [];
  if (e.otherBefore) list.push(other);
  list.push(extension(OID_SAN, e.sanCritical, seq(...e.names.map(generalName))));
  if (e.otherAfter) list.push(other);
  const all = seq(...list);
  return e.wrapped ? tlv(0xa3, all) : all;
}

const hex = (bytes: Uint8Array | number[]) => Buffer.from(Uint8Array.from(bytes)).toString("hex") || "-";

const ipv4 = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 });
const ipv6 = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 16, maxLength: 16 });
const label = fc.string({ unit: fc.constantFrom(..."abcxyz019-."), minLength: 1, maxLength: 300 });
const arbName: fc.Arbitrary<GeneralName> = fc.oneof(
  label.map((name) => ({ kind: "dns" as const, name })),
  label.map((name) => ({ kind: "uri" as const, name: `https://${name}` })),
  ipv4.map((bytes) => ({ kind: "ip" as const, bytes })),
  ipv6.map((bytes) => ({ kind: "ip" as const, bytes })),
);
const arbExtensions: fc.Arbitrary<Extensions> = fc.record({
  names: fc.array(arbName, { maxLength: 8 }),
  sanCritical: fc.option(fc.boolean(), { nil: undefined }),
  otherBefore: fc.boolean(),
  otherAfter: fc.boolean(),
  wrapped: fc.boolean(),
});

function hasIp(names: GeneralName[], ip: number[]): boolean {
  return names.some((n) => n.kind === "ip" && n.bytes.length === ip.length && n.bytes.every((b, i) => b === ip[i]));
}

/** What a dotted-quad IPv4 literal is, independently of the C. */
function referenceIpv4(text: string): string | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts.join(".") : null;
}

describe("firmware TLS policy: certificate helpers (tls_names.c, tls_policy_cert.c, tls_reasons.c)", function () {
  let helpers: HelpersCli;
  let pki: Fixtures;

  before(async function () {
    const built = await requireBuild(this);
    helpers = new HelpersCli(built.helpersCli);
    pki = await makeFixtures();
  });

  after(async () => {
    helpers?.close();
    await pki?.cleanup();
  });

  describe("IPv4 literals", () => {
    it("accepts every dotted quad and returns its bytes", async () => {
      await fc.assert(
        fc.asyncProperty(ipv4, async (bytes) => {
          const text = bytes.join(".");
          assert.deepEqual(await helpers.ask(`ipv4 ${text}`), { ipv4: true, ip: text });
        }),
      );
    });

    it("agrees with a reference on arbitrary digit-and-dot strings", async () => {
      const text = fc.string({ unit: fc.constantFrom(..."0123459.x-+"), maxLength: 20 });
      await fc.assert(
        fc.asyncProperty(text, async (s) => {
          const expected = referenceIpv4(s);
          assert.deepEqual(await helpers.ask(`ipv4 ${s}`), expected === null ? { ipv4: false } : { ipv4: true, ip: expected });
        }),
        { numRuns: 300, examples: [["1.2.3.4."], ["1..2.3"], ["256.0.0.1"], ["1.2.3"], ["0001.2.3.4"], [""]] },
      );
    });

    it("treats host names, even numeric-looking ones, as names", async () => {
      for (const name of ["localhost", "example.com", "1.2.3.4.example", "1.2.3.4a", "::1"]) {
        assert.deepEqual(await helpers.ask(`ipv4 ${name}`), { ipv4: false }, name);
      }
    });
  });

  describe("subjectAltName iPAddress reader", () => {
    it("finds an address exactly when one of the iPAddress names equals it", async () => {
      const query = fc.oneof(ipv4, ipv6);
      await fc.assert(
        fc.asyncProperty(arbExtensions, query, fc.boolean(), async (ext, randomIp, pickListed) => {
          const listed = ext.names.filter((n) => n.kind === "ip");
          const ip = pickListed && listed.length > 0 ? (listed[0] as { bytes: number[] }).bytes : randomIp;
          const answer = await helpers.ask(`san-ip ${hex(encodeExtensions(ext))} ${hex(ip)}`);
          assert.deepEqual(answer, { result: hasIp(ext.names, ip) ? 1 : 0 });
        }),
        { numRuns: 200 },
      );
    });

    it("calls every truncation of the DER malformed (cut at every boundary)", async () => {
      const ext = encodeExtensions({
        names: [
          { kind: "dns", name: "a".repeat(200) }, // long-form lengths on the way
          { kind: "ip", bytes: [10, 0, 0, 1] },
        ],
        sanCritical: false,
        otherBefore: true,
        otherAfter: true,
        wrapped: true,
      });
      assert.deepEqual(await helpers.ask(`san-ip ${hex(ext)} 0a000001`), { result: 1 });
      for (let cut = 1; cut < ext.length; cut++) {
        assert.deepEqual(await helpers.ask(`san-ip ${hex(ext.subarray(0, cut))} 0a000001`), { result: -1 }, `cut at ${cut}`);
      }
    });

    it("answers, never crashes, on arbitrary bytes", async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 64 }), ipv4, async (bytes, ip) => {
          const answer = await helpers.ask(`san-ip ${hex(bytes)} ${hex(ip)}`);
          assert.ok([-1, 0, 1].includes(answer.result as number), JSON.stringify(answer));
        }),
        { numRuns: 300 },
      );
    });

    it("reads the addresses of real certificates as mbedTLS 2.28 parses them (v3_ext)", async () => {
      assert.deepEqual(await helpers.ask(`cert-san-ip ${pki.server.cert} 127.0.0.1`), { result: 1 });
      assert.deepEqual(await helpers.ask(`cert-san-ip ${pki.server.cert} ::1`), { result: 1 });
      assert.deepEqual(await helpers.ask(`cert-san-ip ${pki.server.cert} 127.0.0.2`), { result: 0 });
      assert.deepEqual(await helpers.ask(`cert-san-ip ${pki.otherIp.cert} 127.0.0.2`), { result: 1 });
      assert.deepEqual(await helpers.ask(`cert-san-ip ${pki.dnsOnly.cert} 127.0.0.1`), { result: 0 });
      assert.deepEqual(await helpers.ask(`cert-san-ip ${pki.ca.cert} 127.0.0.1`), { result: 0 });
    });
  });

  describe("iPAddress names of a whole certificate (the wolfSSL backend's check)", () => {
    /** A certificate-shaped DER around `extensions` (nothing else in it is read). */
    function certificate(extensions: Uint8Array | null): Uint8Array {
      const fields = [
        tlv(0xa0, tlv(0x02, [2])), // version v3
        tlv(0x02, [1, 2, 3]), // serialNumber
        seq(tlv(0x06, [0x2a, 0x86, 0x48])), // signature
        seq(), // issuer
        seq(), // validity
        seq(), // subject
        seq(seq(tlv(0x06, [0x2a])), tlv(0x03, [0, 1, 2])), // subjectPublicKeyInfo
      ];
      if (extensions) fields.push(extensions);
      return seq(seq(...fields), seq(tlv(0x06, [0x2a])), tlv(0x03, [0, 9]));
    }

    it("finds an address exactly when the certificate's SAN lists it", async () => {
      const query = fc.oneof(ipv4, ipv6);
      await fc.assert(
        fc.asyncProperty(arbExtensions, query, fc.boolean(), async (ext, randomIp, pickListed) => {
          const listed = ext.names.filter((n) => n.kind === "ip");
          const ip = pickListed && listed.length > 0 ? (listed[0] as { bytes: number[] }).bytes : randomIp;
          const answer = await helpers.ask(`cert-ip ${hex(certificate(encodeExtensions({ ...ext, wrapped: true })))} ${hex(ip)}`);
          assert.deepEqual(answer, { result: hasIp(ext.names, ip) ? 1 : 0 });
        }),
        { numRuns: 200 },
      );
    });

    it("finds nothing in a certificate without extensions, and calls every truncation malformed", async () => {
      assert.deepEqual(await helpers.ask(`cert-ip ${hex(certificate(null))} 7f000001`), { result: 0 });
      const der = certificate(
        encodeExtensions({ names: [{ kind: "ip", bytes: [127, 0, 0, 1] }], sanCritical: undefined, otherBefore: true, otherAfter: false, wrapped: true }),
      );
      assert.deepEqual(await helpers.ask(`cert-ip ${hex(der)} 7f000001`), { result: 1 });
      for (let cut = 1; cut < der.length; cut++) {
        assert.deepEqual(await helpers.ask(`cert-ip ${hex(der.subarray(0, cut))} 7f000001`), { result: -1 }, `cut at ${cut}`);
      }
    });

    it("answers, never crashes, on arbitrary bytes", async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 96 }), async (bytes) => {
          const answer = await helpers.ask(`cert-ip ${hex(bytes)} 7f000001`);
          assert.ok([-1, 0, 1].includes(answer.result as number), JSON.stringify(answer));
        }),
        { numRuns: 300 },
      );
    });

    it("reads real certificates as the mbedTLS reader does", async () => {
      for (const [file, ip] of [
        [pki.server.cert, "127.0.0.1"],
        [pki.server.cert, "::1"],
        [pki.server.cert, "127.0.0.2"],
        [pki.otherIp.cert, "127.0.0.2"],
        [pki.dnsOnly.cert, "127.0.0.1"],
        [pki.ca.cert, "127.0.0.1"],
      ]) {
        assert.deepEqual(await helpers.ask(`cert-file-ip ${file} ${ip}`), await helpers.ask(`cert-san-ip ${file} ${ip}`), `${file} ${ip}`);
      }
      assert.deepEqual(await helpers.ask(`cert-file-ip ${pki.server.cert} 127.0.0.1`), { result: 1 });
      assert.deepEqual(await helpers.ask(`cert-file-ip ${pki.dnsOnly.cert} 127.0.0.1`), { result: 0 });
    });
  });

  describe("validity dates (used when mbedTLS is built without MBEDTLS_HAVE_TIME_DATE)", () => {
    it("flags expired and not-yet-valid exactly outside [notBefore, notAfter]", async () => {
      const cert = new X509Certificate(pki.expired.certPem);
      const from = Math.floor(new Date(cert.validFrom).getTime() / 1000);
      const to = Math.floor(new Date(cert.validTo).getTime() / 1000);
      const at = async (t: number) => (await helpers.ask(`validity ${pki.expired.cert} ${t}`)).flags;
      assert.equal(await at(from - 1), BADCERT.FUTURE);
      assert.equal(await at(from), 0);
      assert.equal(await at(to), 0);
      assert.equal(await at(to + 1), BADCERT.EXPIRED);
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: from - 5 * 86400 * 366, max: to + 5 * 86400 * 366 }), async (t) => {
          const expected = (t > to ? BADCERT.EXPIRED : 0) | (t < from ? BADCERT.FUTURE : 0);
          assert.equal(await at(t), expected);
        }),
        { numRuns: 200 },
      );
    });
  });

  describe("the message JavaScript gets", () => {
    it("names mbedTLS's reason and the handshake error", async () => {
      assert.deepEqual(await helpers.ask(`describe ${BADCERT.EXPIRED} ${VERIFY_FAILED}`), {
        message: `mbedtls_x509_crt_verify: ${REASON.expired} (mbedtls_ssl_handshake returned -0x2700)`,
      });
      assert.deepEqual(await helpers.ask(`describe ${BADCERT.FUTURE} ${VERIFY_FAILED}`), {
        message: `mbedtls_x509_crt_verify: ${REASON.future} (mbedtls_ssl_handshake returned -0x2700)`,
      });
    });

    it("puts several reasons on one line", async () => {
      const flags = BADCERT.EXPIRED | BADCERT.CN_MISMATCH | BADCERT.NOT_TRUSTED;
      const { message } = (await helpers.ask(`describe ${flags} ${VERIFY_FAILED}`)) as { message: string };
      assert.ok(message.startsWith("mbedtls_x509_crt_verify: "), message);
      assert.ok(!message.includes("\n"));
      for (const reason of [REASON.expired, REASON.nameMismatch, REASON.notTrusted]) assert.ok(message.includes(reason), reason);
      assert.equal(message.split("; ").length, 3);
    });

    it("falls back to the bare error code when there is no reason", async () => {
      assert.deepEqual(await helpers.ask(`describe 0 ${VERIFY_FAILED}`), { message: "mbedtls_ssl_handshake returned -0x2700" });
    });
  });
});
