import assert from "node:assert/strict";
import {
  POST_QUANTUM_GROUPS,
  cipherSuiteName,
  displayNamedGroup,
  goHex,
  isGrease,
  namedGroupName,
  signatureSchemeName,
  versionName,
} from "../../scripts/checker/names.ts";
import { isCbcSuite, isMetaSuite } from "../../scripts/checker/suites.ts";

describe("checker/names", () => {
  it("recognises exactly the 16 GREASE values of RFC 8701", () => {
    const found: number[] = [];
    for (let code = 0; code <= 0xffff; code++) if (isGrease(code)) found.push(code);
    assert.deepEqual(found, Array.from({ length: 16 }, (_, i) => (i * 0x10 + 0x0a) * 0x101));
  });

  it("names IANA code points, and GREASE per registry", () => {
    assert.equal(cipherSuiteName(0xc02f), "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    assert.equal(cipherSuiteName(0x1303), "TLS_CHACHA20_POLY1305_SHA256");
    assert.equal(cipherSuiteName(0xcaca), "TLS_GREASE_IS_THE_WORD_CA");
    assert.equal(cipherSuiteName(0x0050), undefined);
    assert.equal(namedGroupName(0x11ec), "X25519MLKEM768");
    assert.equal(namedGroupName(0x0a0a), "GREASE_0A");
    assert.equal(signatureSchemeName(0x0804), "rsa_pss_rsae_sha256");
    assert.equal(signatureSchemeName(0xeaea), "GREASE_EA");
  });

  it("names the hybrid and pure ML-KEM groups as howsmyssl's groups.go does, and counts exactly them as post-quantum", () => {
    const mlkem: Array<[number, string]> = [
      [0x11eb, "SecP256r1MLKEM768"],
      [0x11ec, "X25519MLKEM768"],
      [0x11ed, "SecP384r1MLKEM1024"],
      [0x0200, "MLKEM512"],
      [0x0201, "MLKEM768"],
      [0x0202, "MLKEM1024"],
    ];
    for (const [code, name] of mlkem) assert.equal(displayNamedGroup(code), name);
    const postQuantum: number[] = [];
    for (let code = 0; code <= 0xffff; code++) if (POST_QUANTUM_GROUPS.has(code)) postQuantum.push(code);
    assert.deepEqual(postQuantum, mlkem.map(([code]) => code).sort((a, b) => a - b));
    // The draft code points before the final ones are unknown to howsmyssl.
    assert.equal(displayNamedGroup(0x6399), "Unknown named group: 0x6399");
  });

  it("names versions; GREASE and unknown versions have no name", () => {
    assert.deepEqual(
      [0x0300, 0x0301, 0x0302, 0x0303, 0x0304, 0x7f12, 0x7f21].map(versionName),
      ["SSL 3.0", "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3", "TLS 1.3", "TLS 1.3"],
    );
    assert.equal(versionName(0x7f13), undefined); // drafts 19 and 20 were never listed
    assert.equal(versionName(0x1a1a), undefined);
  });

  it("prints hex like Go's %#04x", () => {
    assert.deepEqual([0, 0xab, 0x1234].map(goHex), ["0x0000", "0x00ab", "0x1234"]);
  });

  it("classes CBC and meta suites", () => {
    assert.equal(isCbcSuite(0x002f), true);
    assert.equal(isCbcSuite(0xc02f), false);
    assert.equal(isCbcSuite(0x0062), false); // not in the IANA registry, so not in howsmyssl's CBC list
    assert.equal(isMetaSuite(0x00ff), true);
    assert.equal(isMetaSuite(0x5600), false); // TLS_FALLBACK_SCSV is not a meta suite for howsmyssl
    assert.equal(isMetaSuite(0x3a3a), true);
  });
});
