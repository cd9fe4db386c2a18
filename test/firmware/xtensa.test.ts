// The firmware's C compiled for a 32-bit Xtensa target, as the ESP32 (LX6)
// would run it: Debian's xtensa-lx106-elf-gcc (the ESP8266's core, same ISA
// family) with picolibc, -Wall -Wextra -Werror -Wconversion, so that mistakes
// only a 32-bit size_t, long or pointer would show come out before anyone
// flashes a board. No ESP-IDF is needed: Debian's mbedTLS 2.28 and wolfSSL
// headers are used with configurations of this repository's own
// (firmware/test/xtensa_mbedtls_config.h, firmware/wolfssl/user_settings.h),
// since Debian's own mbedTLS config pulls in pthread.h. The files that need
// Espruino's headers (tls_policy_espruino.c, tls_wolfssl_espruino.c) are
// built only inside Espruino.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { HARNESS_DIR, requireCommands, skipOrFail, SOURCES, STRICT_CFLAGS, TLS_DIR, WOLFSSL_DIR } from "./support/toolchain.ts";

const run = promisify(execFile);
const GCC = "xtensa-lx106-elf-gcc";
const SPECS = "/usr/lib/xtensa-lx106-elf/picolibc.specs";
/** ELF e_machine of Xtensa. */
const EM_XTENSA = 94;

interface Unit {
  name: string;
  source: string;
  flags: string[];
}

const MBEDTLS_CONFIG = ['-DMBEDTLS_CONFIG_FILE="xtensa_mbedtls_config.h"', `-I${HARNESS_DIR}`];
const WOLFSSL_SETTINGS = ["-DWOLFSSL_USER_SETTINGS", `-I${WOLFSSL_DIR}`];

const UNITS: Unit[] = [
  ...SOURCES.shared.map((s) => ({ name: s, source: join(TLS_DIR, s), flags: [] })),
  ...SOURCES.mbedtls.map((s) => ({ name: s, source: join(TLS_DIR, s), flags: MBEDTLS_CONFIG })),
  // ESP32 builds without MBEDTLS_HAVE_TIME_DATE (stock sdkconfig): the policy checks dates itself.
  ...SOURCES.mbedtls.map((s) => ({ name: `${s} without mbedTLS dates`, source: join(TLS_DIR, s), flags: [...MBEDTLS_CONFIG, "-DTLS_XTENSA_NO_TIME_DATE"] })),
  ...SOURCES.wolfssl.map((s) => ({ name: s, source: join(WOLFSSL_DIR, s), flags: WOLFSSL_SETTINGS })),
];

/** The ELF class (1: 32-bit) and machine of an object file. */
async function elfOf(path: string): Promise<{ bits: number; machine: number }> {
  const bytes = await readFile(path);
  assert.equal(bytes.subarray(0, 4).toString("latin1"), "\x7fELF");
  return { bits: bytes[4] === 1 ? 32 : 64, machine: bytes.readUInt16LE(18) };
}

describe("firmware C compiled for 32-bit Xtensa (xtensa-lx106-elf-gcc, picolibc)", function () {
  this.timeout(120_000);
  let dir: string;

  before(async function () {
    await requireCommands(this, [GCC]);
    if (!existsSync(SPECS)) skipOrFail(this, `no ${SPECS} (package picolibc-xtensa-lx106-elf)`);
    for (const headers of ["/usr/include/mbedtls", "/usr/include/wolfssl"]) {
      if (!existsSync(headers)) skipOrFail(this, `no ${headers} (packages libmbedtls-dev, libwolfssl-dev)`);
    }
    // Only the libraries' headers: the host's own /usr/include is not for this target.
    dir = await mkdtemp(join(tmpdir(), "firmware-xtensa-"));
    await mkdir(join(dir, "include"));
    await symlink("/usr/include/mbedtls", join(dir, "include/mbedtls"));
    await symlink("/usr/include/wolfssl", join(dir, "include/wolfssl"));
  });

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const [index, unit] of UNITS.entries()) {
    it(`compiles ${unit.name} without a warning`, async () => {
      const object = join(dir, `${index}.o`);
      const args = [`-specs=${SPECS}`, ...STRICT_CFLAGS, "-Os", ...unit.flags, `-I${TLS_DIR}`, `-I${join(dir, "include")}`, "-c", unit.source, "-o", object];
      try {
        await run(GCC, args, { timeout: 60_000 });
      } catch (error) {
        const e = error as { stderr?: string; message: string };
        assert.fail(`${GCC} ${args.join(" ")}\n${(e.stderr ?? e.message).trim()}`);
      }
      assert.deepEqual(await elfOf(object), { bits: 32, machine: EM_XTENSA });
    });
  }
});
