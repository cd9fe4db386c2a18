// Builds the firmware's C (firmware/tls) and the harness (firmware/test) with
// the host compiler against Debian's mbedTLS 2.28, the way the board files
// link it into Espruino: the same sources and the same -Wl,--wrap flags.
// Everything goes into a fresh temporary folder, built once per test process.
//
// When the compiler, mbedTLS 2.x or python3 are missing the firmware tests
// skip with a loud banner on stderr; FIRMWARE_TESTS=required (set by
// `npm run test:firmware`, and so in CI) turns that into a failure.
import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const FIRMWARE = join(REPO, "firmware");
export const TLS_DIR = join(FIRMWARE, "tls");
export const HARNESS_DIR = join(FIRMWARE, "test");

export const REQUIRED = process.env.FIRMWARE_TESTS === "required";

/** Warnings the project's own C must compile cleanly under (Espruino's Linux build adds -Wconversion). */
export const CFLAGS = ["-std=gnu99", "-Wall", "-Wextra", "-Werror"];
const STRICT_CFLAGS = [...CFLAGS, "-Wconversion", "-Wmissing-prototypes"];
const MBEDTLS_LIBS = ["-lmbedtls", "-lmbedx509", "-lmbedcrypto"];

export const POLICY_SOURCES = ["tls_policy.c", "tls_policy_cert.c"];

/** The wrapped symbols, from the one list in firmware/tls/tls_policy.h. */
export async function wrappedSymbols(): Promise<string[]> {
  const header = await readFile(join(TLS_DIR, "tls_policy.h"), "utf8");
  const match = /#define TLS_POLICY_WRAPPED_SYMBOLS((?:[^\n]*\\\n)*[^\n]*)/.exec(header);
  if (!match) throw new Error("TLS_POLICY_WRAPPED_SYMBOLS not found in tls_policy.h");
  const text = [...match[1].matchAll(/"([^"]*)"/g)].map((m) => m[1]).join("");
  return text.split(/\s+/).filter((s) => s.length > 0);
}

export function wrapFlags(symbols: string[]): string[] {
  return symbols.map((s) => `-Wl,--wrap=${s}`);
}

export interface Built {
  dir: string;
  /** The harness with the policy linked in, as the firmware. */
  policy: string;
  /** The same harness without the policy: stock Espruino's behaviour. */
  stock: string;
  /** The line-oriented front end to tls_policy_cert.c. */
  probe: string;
  symbols: string[];
}

export type Toolchain = { ok: true; built: Built } | { ok: false; reason: string };

async function cc(args: string[], cwd: string): Promise<void> {
  try {
    await run("cc", args, { cwd, timeout: 60_000 });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`cc ${args.join(" ")}\n${(e.stderr ?? e.message).trim()}`);
  }
}

const MBEDTLS_CHECK = `#include <mbedtls/version.h>
#include <mbedtls/ssl.h>
#if MBEDTLS_VERSION_MAJOR != 2
#error "mbedTLS " MBEDTLS_VERSION_STRING " found; the firmware policy targets mbedTLS 2.x (ESP-IDF 4, Espruino's bundled copy)"
#endif
int main(void) { mbedtls_ssl_context s; mbedtls_ssl_init(&s); mbedtls_ssl_free(&s); return 0; }
`;

/** Why the toolchain cannot build the harness, or null when it can. */
async function missing(dir: string): Promise<string | null> {
  try {
    await run("cc", ["--version"], { timeout: 10_000 });
  } catch {
    return "no C compiler (`cc`) on PATH";
  }
  await writeFile(join(dir, "check.c"), MBEDTLS_CHECK);
  try {
    await cc([...CFLAGS, "check.c", "-o", "check", ...MBEDTLS_LIBS], dir);
  } catch (error) {
    return `mbedTLS 2.x development files unusable: ${(error as Error).message.split("\n").slice(1).join(" ").slice(0, 300)}`;
  }
  return null;
}

async function build(): Promise<Toolchain> {
  const dir = await mkdtemp(join(tmpdir(), "firmware-tls-"));
  // The folder only holds build products; exit handlers must be synchronous.
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  const why = await missing(dir);
  if (why !== null) return { ok: false, reason: why };

  const symbols = await wrappedSymbols();
  const include = [`-I${TLS_DIR}`, `-I${HARNESS_DIR}`];
  const objects: string[] = [];
  for (const source of POLICY_SOURCES) {
    const object = source.replace(/\.c$/, ".o");
    await cc([...STRICT_CFLAGS, ...include, "-c", join(TLS_DIR, source), "-o", object], dir);
    objects.push(object);
  }
  for (const source of ["espruino_like.c", "harness.c", "probe.c"]) {
    await cc([...CFLAGS, ...include, "-c", join(HARNESS_DIR, source), "-o", source.replace(/\.c$/, ".o")], dir);
  }
  await cc(["-o", "harness", "harness.o", "espruino_like.o", ...objects, ...wrapFlags(symbols), ...MBEDTLS_LIBS], dir);
  await cc(["-o", "harness-stock", "harness.o", "espruino_like.o", ...MBEDTLS_LIBS], dir);
  await cc(["-o", "probe", "probe.o", "tls_policy_cert.o", ...MBEDTLS_LIBS], dir);
  return {
    ok: true,
    built: { dir, policy: join(dir, "harness"), stock: join(dir, "harness-stock"), probe: join(dir, "probe"), symbols },
  };
}

let building: Promise<Toolchain> | undefined;

/** Builds once per process; later callers share the result. */
export function toolchain(): Promise<Toolchain> {
  building ??= build();
  return building;
}

const warned = new Set<string>();

function banner(reason: string): void {
  if (warned.has(reason)) return;
  warned.add(reason);
  const line = "=".repeat(78);
  process.stderr.write(
    `\n${line}\n` +
      `  FIRMWARE TESTS SKIPPED: ${reason}\n` +
      "  They compile firmware/tls and run real TLS handshakes; to run them install\n" +
      "  build-essential, libmbedtls-dev (mbedTLS 2.28, Debian 12) and python3.\n" +
      "  `npm run test:firmware` (FIRMWARE_TESTS=required) fails instead of skipping.\n" +
      `${line}\n\n`,
  );
}

function skipOrFail(context: Mocha.Context, reason: string): never {
  if (REQUIRED) throw new Error(`firmware tests required (FIRMWARE_TESTS=required) but ${reason}`);
  banner(reason);
  context.skip();
}

/**
 * For a mocha `before` hook: the build products, or skip the suite (loudly)
 * when the toolchain is missing - or fail, when FIRMWARE_TESTS=required.
 */
export async function requireBuild(context: Mocha.Context): Promise<Built> {
  context.timeout(120_000);
  const result = await toolchain();
  if (result.ok) return result.built;
  return skipOrFail(context, result.reason);
}

const WHY_COMMAND: Record<string, string> = {
  python3: "the board files are Python modules, as in Espruino's build",
  make: "the board files' makefile lines are checked with make",
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
