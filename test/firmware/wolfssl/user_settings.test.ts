// Static checks of firmware/wolfssl/user_settings.h, the wolfSSL build of the
// wolfSSL backend: a reason above every setting, the small-memory settings
// the hybrid group's figures were measured with, and nothing the policy
// leaves out (old TLS versions, CBC, DH, the slow X25519).
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { WOLFSSL_DIR } from "../support/toolchain.ts";

const DEFINE = /^\s*#define\s+(\w+)/;

describe("firmware wolfSSL user_settings.h", () => {
  let lines: string[];
  let defined: Set<string>;

  before(async () => {
    lines = (await readFile(join(WOLFSSL_DIR, "user_settings.h"), "utf8")).split("\n");
    defined = new Set(lines.map((l) => DEFINE.exec(l)?.[1]).filter((n): n is string => n !== undefined));
  });

  it("explains every setting in a comment right above it", () => {
    lines.forEach((line, i) => {
      const name = DEFINE.exec(line)?.[1];
      if (!name || name === "TLS_WOLFSSL_USER_SETTINGS_H") return;
      const above = lines[i - 1]?.trim() ?? "";
      assert.ok(above.endsWith("*/") && above.length > 8, `no reason above ${name}`);
    });
  });

  it("has the small-memory settings (heap on the stack's behalf, small tables, small ML-KEM)", () => {
    for (const name of [
      "WOLFSSL_SMALL_STACK",
      "WOLFSSL_SP_SMALL",
      "NO_SESSION_CACHE",
      "RSA_LOW_MEM",
      "WOLFSSL_SMALL_CERT_VERIFY",
      "GCM_SMALL",
      "WOLFSSL_AES_SMALL_TABLES",
      "WOLFSSL_MLKEM_SMALL",
      "WOLFSSL_MLKEM_MAKEKEY_SMALL_MEM",
      "WOLFSSL_MLKEM_ENCAPSULATE_SMALL_MEM",
      "WOLFSSL_MLKEM_DYNAMIC_KEYS",
    ]) {
      assert.ok(defined.has(name), name);
    }
  });

  it("builds a TLS 1.3 and 1.2 client with X25519MLKEM768, X25519 and P-256, SNI and certificate checks", () => {
    for (const name of [
      "WOLFSSL_TLS13",
      "NO_OLD_TLS",
      "NO_WOLFSSL_SERVER",
      "HAVE_SNI",
      "HAVE_SUPPORTED_CURVES",
      "HAVE_CURVE25519",
      "HAVE_ECC",
      "WOLFSSL_HAVE_MLKEM",
      "WOLFSSL_PQC_HYBRIDS",
      "WOLFSSL_NO_ML_KEM_512",
      "WOLFSSL_NO_ML_KEM_1024",
      "HAVE_AESGCM",
      "HAVE_CHACHA",
      "HAVE_POLY1305",
      "WC_RSA_PSS",
      "WOLFSSL_ALWAYS_VERIFY_CB",
      "WOLFSSL_USER_IO",
    ]) {
      assert.ok(defined.has(name), name);
    }
  });

  it("leaves out what the policy does not offer, and the slow X25519", () => {
    for (const name of ["CURVE25519_SMALL", "HAVE_SECURE_RENEGOTIATION", "HAVE_SESSION_TICKET", "WOLFSSL_STATIC_RSA", "HAVE_FFDHE_2048"]) {
      assert.ok(!defined.has(name), name);
    }
    for (const name of ["NO_DH", "NO_AES_CBC", "NO_DES3", "NO_RC4", "NO_PSK"]) assert.ok(defined.has(name), name);
  });
});
