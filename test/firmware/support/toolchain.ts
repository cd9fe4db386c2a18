// Builds the firmware's C (firmware/tls, firmware/wolfssl) and the harness
// (firmware/test) with the host compiler, the way the board files link it
// into Espruino: the same sources and the same -Wl,--wrap flags. Three
// builds, each made once per test process in a fresh temporary folder:
//  - mbedTLS: Debian's mbedTLS 2.28, with the mbedTLS policy and without
//    (stock), plus the command-line driver of the pure helpers;
//  - wolfSSL: Debian's wolfSSL 5.5.4 with the wolfSSL backend;
//  - post-quantum: the wolfSSL backend on a wolfSSL 5.8+ named by
//    WOLFSSL_PQ_DIR (built by hand outside the repository).
//
// When the compiler, a library or python3 is missing the firmware tests skip
// with a loud banner on stderr; FIRMWARE_TESTS=required (set by
// `npm run test:firmware`, and so in CI) turns that into a failure. The
// post-quantum tests skip, loudly, whenever WOLFSSL_PQ_DIR is unset.
import { execFile } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

import { REPO_ROOT as REPO } from "../../../scripts/lib/paths.ts";
export { REPO };
export const FIRMWARE = join(REPO, "firmware");
export const TLS_DIR = join(FIRMWARE, "tls");
export const WOLFSSL_DIR = join(FIRMWARE, "wolfssl");
export const HARNESS_DIR = join(FIRMWARE, "test");

export const REQUIRED = process.env.FIRMWARE_TESTS === "required";
/** A wolfSSL 5.8+ with ML-KEM for the post-quantum tests: DIR/include and DIR/lib. */
export const PQ_DIR = process.env.WOLFSSL_PQ_DIR;

/** Warnings the project's own C must compile cleanly under (Espruino's Linux build adds -Wconversion). */
export const CFLAGS = ["-std=gnu99", "-Wall", "-Wextra", "-Werror"];
export const STRICT_CFLAGS = [...CFLAGS, "-Wconversion", "-Wmissing-prototypes"];
const MBEDTLS_LIBS = ["-lmbedtls", "-lmbedx509", "-lmbedcrypto"];

export type Backend = "mbedtls" | "wolfssl";

/** The policy's C, by folder: what both backends share, and each backend's own. */
export const SOURCES = {
  shared: ["tls_names.c", "tls_reasons.c", "tls_target.c"],
  mbedtls: ["tls_policy.c", "tls_policy_cert.c"],
  wolfssl: ["tls_wolfssl.c", "tls_wolfssl_setup.c", "tls_wolfssl_errors.c"],
} as const;

/** Where each backend lists the symbols its boards wrap. */
const WRAP_LISTS: Record<Backend, { header: string; macro: string }> = {
  mbedtls: { header: join(TLS_DIR, "tls_policy.h"), macro: "TLS_POLICY_WRAPPED_SYMBOLS" },
  wolfssl: { header: join(WOLFSSL_DIR, "tls_wolfssl.h"), macro: "TLS_WOLFSSL_WRAPPED_SYMBOLS" },
};

/** The wrapped symbols of a backend, from the one list in its header. */
export async function wrappedSymbols(backend: Backend): Promise<string[]> {
  const { header, macro } = WRAP_LISTS[backend];
  const text = await readFile(header, "utf8");
  const match = new RegExp(`#define ${macro}((?:[^\\n]*\\\\\\n)*[^\\n]*)`).exec(text);
  if (!match) throw new Error(`${macro} not found in ${header}`);
  const list = [...match[1].matchAll(/"([^"]*)"/g)].map((m) => m[1]).join("");
  return list.split(/\s+/).filter((s) => s.length > 0);
}

export function wrapFlags(symbols: string[]): string[] {
  return symbols.map((s) => `-Wl,--wrap=${s}`);
}

async function cc(args: string[], cwd: string): Promise<void> {
  try {
    await run("cc", args, { cwd, timeout: 120_000 });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`cc ${args.join(" ")}\n${(e.stderr ?? e.message).trim()}`);
  }
}

/** The first lines of a compiler failure, for a skip reason. */
function firstWords(error: unknown): string {
  return (error as Error).message.split("\n").slice(1).join(" ").slice(0, 300);
}

/** A temporary build folder; each object is compiled once, whoever asks for it first. */
class BuildDir {
  private readonly objects = new Map<string, Promise<string>>();
  constructor(readonly dir: string) {}

  static async create(): Promise<BuildDir> {
    const dir = await mkdtemp(join(tmpdir(), "firmware-tls-"));
    // The folder only holds build products; exit handlers must be synchronous.
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    return new BuildDir(dir);
  }

  /** Compiles `source` with `flags` into `name` (unique per source and flags). */
  object(name: string, source: string, flags: string[]): Promise<string> {
    let made = this.objects.get(name);
    if (!made) {
      made = mkdir(dirname(join(this.dir, name)), { recursive: true })
        .then(() => cc([...flags, "-c", source, "-o", name], this.dir))
        .then(() => name);
      this.objects.set(name, made);
    }
    return made;
  }

  link(output: string, inputs: string[]): Promise<string> {
    return cc(["-o", output, ...inputs], this.dir).then(() => join(this.dir, output));
  }

  /** Compiles and runs a check program; its stdout, or the compiler's complaint. */
  async check(name: string, program: string, flags: string[], libs: string[]): Promise<string> {
    await writeFile(join(this.dir, `${name}.c`), program);
    await cc([...flags, `${name}.c`, "-o", name, ...libs], this.dir);
    return (await run(join(this.dir, name), [], { timeout: 10_000 })).stdout;
  }
}

let folder: Promise<BuildDir> | undefined;
const buildDir = () => (folder ??= BuildDir.create());

const INCLUDE = [`-I${TLS_DIR}`, `-I${WOLFSSL_DIR}`, `-I${HARNESS_DIR}`];

/** Objects every harness links: the shared policy C and the Espruino stand-in. */
async function commonObjects(build: BuildDir): Promise<string[]> {
  return Promise.all([
    ...SOURCES.shared.map((s) => build.object(s.replace(/\.c$/, ".o"), join(TLS_DIR, s), [...STRICT_CFLAGS, ...INCLUDE])),
    ...["espruino_like.c", "harness.c"].map((s) => build.object(s.replace(/\.c$/, ".o"), join(HARNESS_DIR, s), [...CFLAGS, ...INCLUDE])),
  ]);
}

// --- mbedTLS -------------------------------------------------------------------

export interface Built {
  dir: string;
  /** The harness with the mbedTLS policy linked in, as the firmware. */
  policy: string;
  /** The same harness without the policy: stock Espruino's behaviour. */
  stock: string;
  /** The line-oriented front end to the pure helpers. */
  helpersCli: string;
  symbols: string[];
}

export type Toolchain<T> = { ok: true; built: T } | { ok: false; reason: string };

const MBEDTLS_CHECK = `#include <mbedtls/version.h>
#include <mbedtls/ssl.h>
#if MBEDTLS_VERSION_MAJOR != 2
#error "mbedTLS " MBEDTLS_VERSION_STRING " found; the firmware policy targets mbedTLS 2.x (ESP-IDF 4, Espruino's bundled copy)"
#endif
int main(void) { mbedtls_ssl_context s; mbedtls_ssl_init(&s); mbedtls_ssl_free(&s); return 0; }
`;

async function buildMbedtls(): Promise<Toolchain<Built>> {
  try {
    await run("cc", ["--version"], { timeout: 10_000 });
  } catch {
    return { ok: false, reason: "no C compiler (`cc`) on PATH" };
  }
  const build = await buildDir();
  try {
    await build.check("mbedtls-check", MBEDTLS_CHECK, CFLAGS, MBEDTLS_LIBS);
  } catch (error) {
    return { ok: false, reason: `mbedTLS 2.x development files unusable: ${firstWords(error)}` };
  }
  const symbols = await wrappedSymbols("mbedtls");
  const common = await commonObjects(build);
  const [espruinoLike, harness] = common.slice(-2);
  const shared = common.slice(0, -2);
  const policy = await Promise.all(
    SOURCES.mbedtls.map((s) => build.object(s.replace(/\.c$/, ".o"), join(TLS_DIR, s), [...STRICT_CFLAGS, ...INCLUDE])),
  );
  const [session, helpersCli] = await Promise.all(
    ["harness_mbedtls.c", "helpers_cli.c"].map((s) => build.object(s.replace(/\.c$/, ".o"), join(HARNESS_DIR, s), [...CFLAGS, ...INCLUDE])),
  );
  const host = [harness, session, espruinoLike];
  return {
    ok: true,
    built: {
      dir: build.dir,
      policy: await build.link("harness", [...host, ...policy, ...shared, ...wrapFlags(symbols), ...MBEDTLS_LIBS]),
      stock: await build.link("harness-stock", [...host, ...MBEDTLS_LIBS]),
      helpersCli: await build.link("helpers_cli", [helpersCli, "tls_policy_cert.o", "tls_names.o", "tls_reasons.o", ...MBEDTLS_LIBS]),
      symbols,
    },
  };
}

let mbedtls: Promise<Toolchain<Built>> | undefined;

/** Builds once per process; later callers share the result. */
export function toolchain(): Promise<Toolchain<Built>> {
  mbedtls ??= buildMbedtls();
  return mbedtls;
}

// --- wolfSSL -------------------------------------------------------------------

/** Where a wolfSSL is: compiler flags for its headers and how to link it. */
interface WolfsslLibrary {
  /** Folder name for its objects. */
  name: string;
  flags: string[];
  libs: string[];
}

export interface WolfsslBuilt {
  /** The harness with the wolfSSL backend and the wolfSSL boards' wraps. */
  harness: string;
  /** LIBWOLFSSL_VERSION_STRING. */
  version: string;
  /** Whether this wolfSSL offers X25519MLKEM768 (tls_wolfssl_groups.h). */
  hybrid: boolean;
}

const WOLFSSL_CHECK = `#ifndef WOLFSSL_USER_SETTINGS
#include <wolfssl/options.h>
#endif
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/ssl.h>
#include <stdio.h>
#include "tls_wolfssl_groups.h"
int main(void) { printf("%s %d\\n", LIBWOLFSSL_VERSION_STRING, TLS_WOLFSSL_HYBRID); return wolfSSL_Init() == WOLFSSL_SUCCESS ? 0 : 1; }
`;

const DEBIAN_WOLFSSL: WolfsslLibrary = { name: "debian", flags: [], libs: ["-lwolfssl"] };

/** The wolfSSL under WOLFSSL_PQ_DIR: a configure/cmake install (options.h) or a user_settings.h build. */
function pqLibrary(dir: string): WolfsslLibrary {
  const include = join(dir, "include");
  const lib = join(dir, "lib");
  const flags = [`-I${include}`, ...(existsSync(join(include, "user_settings.h")) ? ["-DWOLFSSL_USER_SETTINGS"] : [])];
  const archive = join(lib, "libwolfssl.a");
  const libs = existsSync(archive) ? [archive, "-lm"] : [`-L${lib}`, `-Wl,-rpath,${lib}`, "-lwolfssl", "-lm"];
  return { name: "pq", flags, libs };
}

async function buildWolfssl(library: WolfsslLibrary): Promise<Toolchain<WolfsslBuilt>> {
  const mbed = await toolchain();
  if (!mbed.ok) return mbed; // the harness's Espruino stand-in runs mbedTLS
  const build = await buildDir();
  const flags = [...library.flags, ...INCLUDE];
  let version: string;
  let hybrid: boolean;
  try {
    const out = await build.check(`${library.name}-wolfssl-check`, WOLFSSL_CHECK, [...CFLAGS, ...flags], library.libs);
    const [name, offers] = out.trim().split(" ");
    version = name;
    hybrid = offers === "1";
  } catch (error) {
    return { ok: false, reason: `wolfSSL development files unusable: ${firstWords(error)}` };
  }
  const symbols = await wrappedSymbols("wolfssl");
  const common = await commonObjects(build);
  const backend = await Promise.all([
    ...SOURCES.wolfssl.map((s) =>
      build.object(`${library.name}/${s.replace(/\.c$/, ".o")}`, join(WOLFSSL_DIR, s), [...STRICT_CFLAGS, ...flags]),
    ),
    ...["harness_wolfssl.c", "wolfssl_embedding.c"].map((s) =>
      build.object(`${library.name}/${s.replace(/\.c$/, ".o")}`, join(HARNESS_DIR, s), [...CFLAGS, ...flags]),
    ),
  ]);
  const harness = await build.link(`harness-wolfssl-${library.name}`, [
    ...common,
    ...backend,
    ...wrapFlags(symbols),
    ...MBEDTLS_LIBS,
    ...library.libs,
  ]);
  return { ok: true, built: { harness, version, hybrid } };
}

let debianWolfssl: Promise<Toolchain<WolfsslBuilt>> | undefined;
let pqWolfssl: Promise<Toolchain<WolfsslBuilt>> | undefined;

// --- skipping, loudly ------------------------------------------------------------

const warned = new Set<string>();

function banner(title: string, lines: string[]): void {
  if (warned.has(title)) return;
  warned.add(title);
  const rule = "=".repeat(78);
  process.stderr.write(`\n${rule}\n  ${title}\n${lines.map((l) => `  ${l}\n`).join("")}${rule}\n\n`);
}

/** Skips the suite with a banner - or fails it, when FIRMWARE_TESTS=required. */
export function skipOrFail(context: Mocha.Context, reason: string): never {
  if (REQUIRED) throw new Error(`firmware tests required (FIRMWARE_TESTS=required) but ${reason}`);
  banner(`FIRMWARE TESTS SKIPPED: ${reason}`, [
    "They compile firmware/tls and firmware/wolfssl and run real TLS handshakes;",
    "to run them install build-essential, libmbedtls-dev (mbedTLS 2.28, Debian",
    "12), libwolfssl-dev (wolfSSL 5.5.4), gcc-xtensa-lx106 with",
    "picolibc-xtensa-lx106-elf (the 32-bit compile) and python3.",
    "`npm run test:firmware` (FIRMWARE_TESTS=required) fails instead of skipping.",
  ]);
  context.skip();
}

/**
 * For a mocha `before` hook: the mbedTLS build products, or skip the suite
 * (loudly) when the toolchain is missing - or fail, when FIRMWARE_TESTS=required.
 */
export async function requireBuild(context: Mocha.Context): Promise<Built> {
  context.timeout(180_000);
  const result = await toolchain();
  if (result.ok) return result.built;
  return skipOrFail(context, result.reason);
}

/** As requireBuild, for the wolfSSL backend on Debian's wolfSSL. */
export async function requireWolfssl(context: Mocha.Context): Promise<WolfsslBuilt> {
  context.timeout(180_000);
  debianWolfssl ??= buildWolfssl(DEBIAN_WOLFSSL);
  const result = await debianWolfssl;
  if (result.ok) return result.built;
  return skipOrFail(context, result.reason);
}

/**
 * The wolfSSL backend on the wolfSSL named by WOLFSSL_PQ_DIR. Without it the
 * suite is skipped with a banner, even when the firmware tests are required:
 * Debian 12 has no wolfSSL with ML-KEM. A WOLFSSL_PQ_DIR that does not build,
 * or has no X25519MLKEM768, fails.
 */
export async function requireWolfsslPq(context: Mocha.Context): Promise<WolfsslBuilt> {
  context.timeout(300_000);
  if (!PQ_DIR) {
    banner("POST-QUANTUM FIRMWARE TESTS SKIPPED: WOLFSSL_PQ_DIR is not set", [
      "They run the wolfSSL backend with X25519MLKEM768, which needs wolfSSL 5.8 or",
      "later built with ML-KEM-768 (Debian 12 has 5.5.4, without). Build one outside",
      "the repository (firmware/README.md, \"Post-quantum tests\") and run",
      "  WOLFSSL_PQ_DIR=/path/to/wolfssl npm run test:firmware",
      "where DIR/include has its headers (and user_settings.h if it was built with",
      "one, e.g. firmware/wolfssl/user_settings.h) and DIR/lib its libwolfssl.",
    ]);
    context.skip();
  }
  pqWolfssl ??= buildWolfssl(pqLibrary(PQ_DIR));
  const result = await pqWolfssl;
  if (!result.ok) throw new Error(`WOLFSSL_PQ_DIR=${PQ_DIR}: ${result.reason}`);
  if (!result.built.hybrid) {
    throw new Error(`WOLFSSL_PQ_DIR=${PQ_DIR} is wolfSSL ${result.built.version} without X25519MLKEM768 (needs 5.8+ with ML-KEM-768)`);
  }
  return result.built;
}

/** Skips (loudly) when this Node's OpenSSL cannot be the hybrid-only server the test needs. */
export function requireHybridServer(context: Mocha.Context, canServe: boolean): void {
  if (canServe) return;
  banner(`POST-QUANTUM HANDSHAKE TESTS SKIPPED: Node ${process.version} has no X25519MLKEM768`, [
    "The server side of these tests is node:tls with ecdhCurve X25519MLKEM768,",
    "which needs OpenSSL 3.5 (Node 24). Run them with Node 24 on PATH.",
  ]);
  context.skip();
}

const WHY_COMMAND: Record<string, string> = {
  python3: "the board files are Python modules, as in Espruino's build",
  make: "the board files' makefile lines are checked with make",
  "xtensa-lx106-elf-gcc": "the firmware's C is compiled for 32-bit Xtensa (package gcc-xtensa-lx106)",
};

/** For a mocha `before` hook: skip (loudly) or fail, as requireBuild, unless these commands run. */
export async function requireCommands(context: Mocha.Context, commands: string[]): Promise<void> {
  for (const command of commands) {
    try {
      await run(command, ["--version"], { timeout: 10_000 });
    } catch {
      skipOrFail(context, `no ${command} on PATH (${WHY_COMMAND[command] ?? "needed by the firmware tests"})`);
    }
  }
}
