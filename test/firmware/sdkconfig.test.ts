// Static checks of firmware/sdkconfig.tls: it says what the firmware issue
// asks (TLS 1.2 minimum, ECDHE-only AEAD suites, no renegotiation, dates
// checked, buffers that fit the heap), in ESP-IDF 4.4 option names, with a
// comment above every setting.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { FIRMWARE } from "./support/toolchain.ts";

type Value = string | false; // false: "# CONFIG_X is not set"

interface Fragment {
  settings: Map<string, Value>;
  lines: string[];
}

const SET = /^(CONFIG_[A-Z0-9_]+)=(.*)$/;
const UNSET = /^# (CONFIG_[A-Z0-9_]+) is not set$/;

function parse(text: string): Fragment {
  const settings = new Map<string, Value>();
  const lines = text.split("\n");
  for (const line of lines) {
    const set = SET.exec(line);
    const unset = UNSET.exec(line);
    const name = set?.[1] ?? unset?.[1];
    if (!name) continue;
    assert.ok(!settings.has(name), `${name} set twice`);
    settings.set(name, set ? set[2] : false);
  }
  return { settings, lines };
}

// Every option name the fragment uses, as it appears in Espruino's
// targets/esp32/IDF4/sdkconfig (ESP-IDF 4.4). CHACHAPOLY_C is the one that
// file cannot list: it only appears once CHACHA20_C and POLY1305_C are on.
const IDF44_OPTIONS = new Set([
  "CONFIG_MBEDTLS_SSL_PROTO_SSL3",
  "CONFIG_MBEDTLS_SSL_PROTO_TLS1",
  "CONFIG_MBEDTLS_SSL_PROTO_TLS1_1",
  "CONFIG_MBEDTLS_SSL_PROTO_TLS1_2",
  "CONFIG_MBEDTLS_SSL_RENEGOTIATION",
  "CONFIG_MBEDTLS_KEY_EXCHANGE_RSA",
  "CONFIG_MBEDTLS_KEY_EXCHANGE_DHE_RSA",
  "CONFIG_MBEDTLS_KEY_EXCHANGE_ELLIPTIC_CURVE",
  "CONFIG_MBEDTLS_KEY_EXCHANGE_ECDHE_RSA",
  "CONFIG_MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA",
  "CONFIG_MBEDTLS_KEY_EXCHANGE_ECDH_ECDSA",
  "CONFIG_MBEDTLS_KEY_EXCHANGE_ECDH_RSA",
  "CONFIG_MBEDTLS_PSK_MODES",
  "CONFIG_MBEDTLS_GCM_C",
  "CONFIG_MBEDTLS_CHACHA20_C",
  "CONFIG_MBEDTLS_POLY1305_C",
  "CONFIG_MBEDTLS_CHACHAPOLY_C",
  "CONFIG_MBEDTLS_ECP_C",
  "CONFIG_MBEDTLS_ECDH_C",
  "CONFIG_MBEDTLS_ECDSA_C",
  "CONFIG_MBEDTLS_ECP_DP_SECP256R1_ENABLED",
  "CONFIG_MBEDTLS_ECP_DP_SECP384R1_ENABLED",
  "CONFIG_MBEDTLS_ECP_DP_CURVE25519_ENABLED",
  "CONFIG_MBEDTLS_HAVE_TIME",
  "CONFIG_MBEDTLS_HAVE_TIME_DATE",
  "CONFIG_MBEDTLS_ASYMMETRIC_CONTENT_LEN",
  "CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN",
  "CONFIG_MBEDTLS_SSL_OUT_CONTENT_LEN",
  "CONFIG_MBEDTLS_DYNAMIC_BUFFER",
  "CONFIG_MBEDTLS_SSL_KEEP_PEER_CERTIFICATE",
  "CONFIG_MBEDTLS_CLIENT_SSL_SESSION_TICKETS",
]);

describe("firmware sdkconfig.tls", () => {
  let fragment: Fragment;

  before(async () => {
    fragment = parse(await readFile(join(FIRMWARE, "sdkconfig.tls"), "utf8"));
  });

  const get = (name: string) => fragment.settings.get(`CONFIG_MBEDTLS_${name}`);

  it("uses ESP-IDF 4.4's option names only", () => {
    assert.ok(fragment.settings.size > 0);
    for (const name of fragment.settings.keys()) assert.ok(IDF44_OPTIONS.has(name), `unknown option ${name}`);
  });

  it("explains every setting in a comment right above it", () => {
    fragment.lines.forEach((line, i) => {
      if (!SET.test(line) && !UNSET.test(line)) return;
      const above = fragment.lines[i - 1] ?? "";
      assert.ok(above.startsWith("# ") && !UNSET.test(above) && above.length > 10, `no comment above: ${line}`);
    });
  });

  it("makes TLS 1.2 the minimum", () => {
    assert.equal(get("SSL_PROTO_SSL3"), false);
    assert.equal(get("SSL_PROTO_TLS1"), false);
    assert.equal(get("SSL_PROTO_TLS1_1"), false);
    assert.equal(get("SSL_PROTO_TLS1_2"), "y");
  });

  it("switches renegotiation off", () => {
    assert.equal(get("SSL_RENEGOTIATION"), false);
  });

  it("keeps only ECDHE key exchange", () => {
    for (const off of ["KEY_EXCHANGE_RSA", "KEY_EXCHANGE_DHE_RSA", "KEY_EXCHANGE_ECDH_ECDSA", "KEY_EXCHANGE_ECDH_RSA", "PSK_MODES"]) {
      assert.equal(get(off), false, off);
    }
    for (const on of ["KEY_EXCHANGE_ELLIPTIC_CURVE", "KEY_EXCHANGE_ECDHE_RSA", "KEY_EXCHANGE_ECDHE_ECDSA", "ECDH_C", "ECDSA_C"]) {
      assert.equal(get(on), "y", on);
    }
  });

  it("has the AEAD ciphers and the allowed curves", () => {
    for (const on of ["GCM_C", "CHACHA20_C", "POLY1305_C", "CHACHAPOLY_C", "ECP_DP_SECP256R1_ENABLED", "ECP_DP_SECP384R1_ENABLED", "ECP_DP_CURVE25519_ENABLED"]) {
      assert.equal(get(on), "y", on);
    }
  });

  it("checks certificate dates", () => {
    assert.equal(get("HAVE_TIME"), "y");
    assert.equal(get("HAVE_TIME_DATE"), "y");
  });

  it("sizes the record buffers for the heap", () => {
    const dynamic = get("DYNAMIC_BUFFER") === "y";
    const asymmetric = get("ASYMMETRIC_CONTENT_LEN") === "y";
    assert.ok(dynamic || asymmetric, "neither dynamic nor asymmetric buffers");
    if (asymmetric) {
      // Incoming records may be full size (16 KB) whatever the client asks for.
      assert.equal(Number(get("SSL_IN_CONTENT_LEN")), 16384);
      const out = Number(get("SSL_OUT_CONTENT_LEN"));
      assert.ok(out >= 512 && out <= 4096, `SSL_OUT_CONTENT_LEN ${out}`);
    }
  });
});
