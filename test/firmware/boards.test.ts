// Static checks of firmware/boards: the board modules load the way Espruino's
// build loads them (python3, upstream board importable by name, the shared
// tls_check_board.py beside them), enable the TLS libraries, add their
// backend's C and wrap exactly the symbols that backend wraps; the ESP32
// boards' makefile lines really hand the wraps to the IDF CMake build (and
// wolfSSL's component to ESP-IDF); the twins' library settings hold what the
// policy needs.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { type Backend, FIRMWARE, requireCommands, SOURCES, TLS_DIR, WOLFSSL_DIR, wrappedSymbols } from "./support/toolchain.ts";

const run = promisify(execFile);
const BOARDS = join(FIRMWARE, "boards");

interface BoardInfo {
  name: string;
  binary_name: string;
  build: { libraries: string[]; makefile: string[] };
}

interface LoadedBoard {
  info: BoardInfo;
  chip: { family: string };
  pins: unknown;
  upstreamInfo: BoardInfo;
  backends: Record<Backend, { sources: string[]; wraps: string[] }>;
  shared: string[];
}

// Stand-ins for upstream's boards/ESP32_IDF4.py and boards/LINUX.py with the
// shape Espruino's scripts read (info, chip, devices, get_pins).
const LOADER = `
import importlib, json, sys, types
stubs = {
  "ESP32_IDF4": (["ESP32", "NET", "GRAPHICS", "NEOPIXEL", "BLUETOOTH"], ["DEFINES+=-DESP_PLATFORM -DESP32=1"], "ESP32_IDF4"),
  "LINUX": (["NET", "GRAPHICS", "FILESYSTEM", "CRYPTO", "SHA256", "SHA512", "AES_CCM", "TLS", "TELNET"], ["LINUX=1"], "LINUX"),
}
for name, (libraries, makefile, family) in stubs.items():
  module = types.ModuleType(name)
  module.info = {"name": "upstream " + name, "binary_name": "upstream", "build": {"libraries": list(libraries), "makefile": list(makefile)}}
  module.chip = {"part": name, "family": family}
  module.devices = {}
  module.get_pins = lambda: ["upstream pins"]
  sys.modules[name] = module
sys.path.insert(0, sys.argv[1])
board = importlib.import_module(sys.argv[2])
shared = importlib.import_module("tls_check_board")
upstream = sys.modules["ESP32_IDF4" if sys.argv[2].startswith("ESP32") else "LINUX"]
print(json.dumps({"info": board.info, "chip": board.chip, "pins": board.get_pins(), "upstreamInfo": upstream.info,
                  "backends": shared.BACKENDS, "shared": shared.SHARED_SOURCES}))
`;

async function loadBoard(name: string): Promise<LoadedBoard> {
  const { stdout } = await run("python3", ["-c", LOADER, BOARDS, name], { timeout: 20_000 });
  return JSON.parse(stdout) as LoadedBoard;
}

/** What Espruino's scripts/get_makefile_decls.py does to a DEFINES line ending in a quote. */
function asMakeLine(line: string): string {
  return line.startsWith("DEFINES") && line.endsWith('"') ? line.replace(/"([^"]*)"/g, '"\\"$1\\""') : line;
}

function wrapsIn(text: string): string[] {
  return [...text.matchAll(/-Wl,--wrap=([A-Za-z0-9_]+)/g)].map((m) => m[1]);
}

/** Symbols ESP-IDF wraps itself with CONFIG_MBEDTLS_DYNAMIC_BUFFER: a second wrap would not link. */
const IDF_DYNAMIC_BUFFER_WRAPS = [
  "mbedtls_ssl_handshake_client_step",
  "mbedtls_ssl_handshake_server_step",
  "mbedtls_ssl_read",
  "mbedtls_ssl_write",
  "mbedtls_ssl_session_reset",
  "mbedtls_ssl_free",
  "mbedtls_ssl_setup",
  "mbedtls_ssl_send_alert_message",
  "mbedtls_ssl_close_notify",
];

const TLS_LIBRARIES = ["CRYPTO", "SHA256", "SHA512", "TLS"];

/** The C each backend's boards compile, relative to firmware/ (Espruino-only files included). */
const BOARD_SOURCES: Record<Backend, string[]> = {
  mbedtls: [...SOURCES.shared.map((s) => `tls/${s}`), "tls/tls_policy_espruino.c", ...SOURCES.mbedtls.map((s) => `tls/${s}`)],
  wolfssl: [
    ...SOURCES.shared.map((s) => `tls/${s}`),
    "tls/tls_policy_espruino.c",
    ...SOURCES.wolfssl.map((s) => `wolfssl/${s}`),
    "wolfssl/tls_wolfssl_espruino.c",
  ],
};

/** Where each backend's __wrap_ functions are defined. */
const WRAPPERS: Record<Backend, string[]> = {
  mbedtls: [join(TLS_DIR, "tls_policy.c"), join(TLS_DIR, "tls_target.c")],
  wolfssl: [join(WOLFSSL_DIR, "tls_wolfssl.c"), join(TLS_DIR, "tls_target.c")],
};

function policySources(info: BoardInfo): string[] {
  const line = info.build.makefile.find((l) => l.startsWith("SOURCES+=$(TLS_POLICY_DIR)/tls/"));
  assert.ok(line, "no SOURCES line for the policy");
  return line.slice("SOURCES+=".length).split(/\s+/);
}

/**
 * Runs a board's makefile lines the way make/targets/ESP32_IDF4.make surrounds
 * them, twice, in a stand-in checkout (with the firmware's user_settings.h
 * where the board expects this repository); returns the folder.
 */
async function runIdfMake(board: LoadedBoard, variables: string[] = []): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "firmware-board-"));
  await mkdir(join(dir, "libs/espruino-tls-check/wolfssl"), { recursive: true });
  await writeFile(join(dir, "libs/espruino-tls-check/wolfssl/user_settings.h"), await readFile(join(WOLFSSL_DIR, "user_settings.h")));
  const makefile = [
    "BINDIR=bin",
    "ROOT=$(CURDIR)",
    "PROJ_NAME=$(BINDIR)/espruino_esp32_tls",
    ...board.info.build.makefile.map(asMakeLine),
    "CMAKEFILE=$(BINDIR)/main/CMakeLists.txt",
    "$(CMAKEFILE):",
    "\t@mkdir -p $(BINDIR)/main",
    '\t@echo "idf_component_register(SRCS $(SOURCES))" > $(CMAKEFILE)',
    "$(PROJ_NAME).bin: $(CMAKEFILE)",
    "\t@cp $(CMAKEFILE) linked-with.txt",
    "\t@env > build-env.txt",
    "",
  ].join("\n");
  await writeFile(join(dir, "Makefile"), makefile);
  await run("make", ["-s", "bin/espruino_esp32_tls.bin", ...variables], { cwd: dir, timeout: 20_000 });
  await run("make", ["-s", "bin/espruino_esp32_tls.bin", ...variables], { cwd: dir, timeout: 20_000 });
  return dir;
}

async function checkIdfLink(board: LoadedBoard, symbols: string[], variables: string[] = []): Promise<string> {
  const dir = await runIdfMake(board, variables);
  const cmake = await readFile(join(dir, "linked-with.txt"), "utf8");
  const linkLines = cmake.split("\n").filter((l) => l.startsWith("target_link_libraries("));
  assert.equal(linkLines.length, 1, cmake);
  assert.match(linkLines[0], /^target_link_libraries\(\$\{COMPONENT_LIB\} INTERFACE /);
  assert.deepEqual(wrapsIn(linkLines[0]).sort(), [...symbols].sort());
  return dir;
}

describe("firmware boards", function () {
  const symbols = {} as Record<Backend, string[]>;

  before(async () => {
    symbols.mbedtls = await wrappedSymbols("mbedtls");
    symbols.wolfssl = await wrappedSymbols("wolfssl");
  });

  for (const backend of ["mbedtls", "wolfssl"] as const) {
    it(`defines a __wrap_ for exactly the symbols the ${backend} backend lists, none that ESP-IDF wraps itself`, async () => {
      const defined: string[] = [];
      for (const file of WRAPPERS[backend]) {
        const source = await readFile(file, "utf8");
        defined.push(...[...source.matchAll(/^\w[^;\n]*\b__wrap_(\w+)\([^;]*$/gm)].map((m) => m[1]));
      }
      assert.deepEqual([...defined].sort(), [...symbols[backend]].sort());
      assert.deepEqual(symbols[backend].filter((s) => IDF_DYNAMIC_BUFFER_WRAPS.includes(s)), []);
    });
  }

  describe("tls_check_board.py", () => {
    let board: LoadedBoard;
    before(async function () {
      await requireCommands(this, ["python3"]);
      board = await loadBoard("LINUX_TLS_TWIN");
    });

    it("lists each backend's wrapped symbols as its header does, and C that exists", () => {
      for (const backend of ["mbedtls", "wolfssl"] as const) {
        assert.deepEqual(board.backends[backend].wraps, symbols[backend], backend);
        assert.deepEqual([...board.shared, ...board.backends[backend].sources].sort(), [...BOARD_SOURCES[backend]].sort(), backend);
      }
      for (const file of [...BOARD_SOURCES.mbedtls, ...BOARD_SOURCES.wolfssl]) assert.ok(existsSync(join(FIRMWARE, file)), file);
    });

    it("leaves no C file of firmware/tls or firmware/wolfssl out of the boards", async () => {
      const compiled = new Set([...BOARD_SOURCES.mbedtls, ...BOARD_SOURCES.wolfssl]);
      for (const folder of ["tls", "wolfssl"]) {
        for (const file of (await readdir(join(FIRMWARE, folder))).filter((f) => f.endsWith(".c"))) {
          assert.ok(compiled.has(`${folder}/${file}`), `${folder}/${file}`);
        }
      }
    });
  });

  const boards: { name: string; backend: Backend; family: string }[] = [
    { name: "ESP32_IDF4_TLS", backend: "mbedtls", family: "ESP32_IDF4" },
    { name: "ESP32_IDF4_WOLFSSL", backend: "wolfssl", family: "ESP32_IDF4" },
    { name: "LINUX_TLS_TWIN", backend: "mbedtls", family: "LINUX" },
    { name: "LINUX_WOLFSSL_TWIN", backend: "wolfssl", family: "LINUX" },
  ];
  for (const { name, backend, family } of boards) {
    describe(name, () => {
      let board: LoadedBoard;
      before(async function () {
        await requireCommands(this, family === "ESP32_IDF4" ? ["python3", "make"] : ["python3"]);
        board = await loadBoard(name);
      });

      it(`is upstream's ${family} with CRYPTO, SHA256, SHA512 and TLS, upstream's module untouched`, () => {
        assert.equal(board.chip.family, family);
        assert.deepEqual(board.pins, ["upstream pins"]);
        for (const library of [...board.upstreamInfo.build.libraries, ...TLS_LIBRARIES]) {
          assert.ok(board.info.build.libraries.includes(library), library);
        }
        assert.ok(!board.upstreamInfo.build.makefile.some((l) => l.includes("TLS_POLICY_DIR")), "upstream's module was changed");
        assert.deepEqual(board.info.build.makefile.slice(0, board.upstreamInfo.build.makefile.length), board.upstreamInfo.build.makefile);
      });

      it(`compiles the ${backend} backend's C`, () => {
        assert.deepEqual(policySources(board.info), BOARD_SOURCES[backend].map((f) => `$(TLS_POLICY_DIR)/${f}`));
        assert.ok(board.info.build.makefile.some((l) => l.startsWith("INCLUDE+=") && l.includes("-I$(ROOT)/$(TLS_POLICY_DIR)/tls")));
        if (backend === "wolfssl") {
          assert.ok(board.info.build.makefile.some((l) => l.startsWith("INCLUDE+=") && l.includes("-I$(ROOT)/$(TLS_POLICY_DIR)/wolfssl")));
          assert.ok(board.info.build.makefile.some((l) => l.startsWith("DEFINES+=") && l.includes("-DWOLFSSL_USER_SETTINGS")));
        }
      });

      if (family === "LINUX") {
        it("links with the backend's --wrap flags", () => {
          const ldflags = board.info.build.makefile.filter((l) => l.startsWith("LDFLAGS+="));
          assert.equal(ldflags.length, 1);
          assert.deepEqual(wrapsIn(ldflags[0]).sort(), [...symbols[backend]].sort());
        });

        it("gives the TLS library the twin allocator, so process.memory() counts its memory", () => {
          assert.ok(board.info.build.makefile.includes("SOURCES+=$(TLS_POLICY_DIR)/boards/tls_twin_alloc.c"));
          assert.ok(board.info.build.makefile.some((l) => l.startsWith("INCLUDE+=") && l.includes("-I$(ROOT)/$(TLS_POLICY_DIR)/boards")));
          assert.ok(existsSync(join(BOARDS, "tls_twin_alloc.c")));
        });
      } else {
        it("hands exactly the backend's --wrap flags to the ESP-IDF CMake link, once", async () => {
          const root = backend === "wolfssl" ? await fakeWolfsslRoot() : null;
          const dir = await checkIdfLink(board, symbols[backend], root ? [`WOLFSSL_ROOT=${root}`] : []);
          try {
            const cmake = await readFile(join(dir, "linked-with.txt"), "utf8");
            assert.ok(cmake.includes("libs/espruino-tls-check/tls/tls_policy_espruino.c"));
          } finally {
            await rm(dir, { recursive: true, force: true });
            if (root) await rm(root, { recursive: true, force: true });
          }
        });
      }
    });
  }

  /** A wolfSSL tree as far as the ESP32 board reads it: the component description wolfSSL ships. */
  async function fakeWolfsslRoot(): Promise<string> {
    const root = await mkdtemp(join(tmpdir(), "fake-wolfssl-"));
    const component = join(root, "IDE/Espressif/ESP-IDF/examples/template/components/wolfssl");
    await mkdir(component, { recursive: true });
    await writeFile(join(component, "CMakeLists.txt"), "# wolfSSL's component\n");
    await writeFile(join(component, "Kconfig"), "# wolfSSL's options\n");
    return root;
  }

  describe("ESP32_IDF4_WOLFSSL's wolfSSL component", () => {
    let board: LoadedBoard;
    before(async function () {
      await requireCommands(this, ["python3", "make"]);
      board = await loadBoard("ESP32_IDF4_WOLFSSL");
    });

    it("puts wolfSSL's component description and the firmware's user_settings.h under components/wolfssl, WOLFSSL_ROOT exported to idf.py", async () => {
      const root = await fakeWolfsslRoot();
      const dir = await runIdfMake(board, [`WOLFSSL_ROOT=${root}`]);
      try {
        const component = join(dir, "bin/components/wolfssl");
        assert.equal(await readFile(join(component, "CMakeLists.txt"), "utf8"), "# wolfSSL's component\n");
        assert.equal(await readFile(join(component, "Kconfig"), "utf8"), "# wolfSSL's options\n");
        assert.deepEqual(await readFile(join(component, "include/user_settings.h")), await readFile(join(WOLFSSL_DIR, "user_settings.h")));
        assert.match(await readFile(join(dir, "build-env.txt"), "utf8"), new RegExp(`^WOLFSSL_ROOT=${root}$`, "m"));
        // Without WOLFSSL_ROOT the build stops with a clear message.
        await assert.rejects(
          run("make", ["-s", "-B", "bin/espruino_esp32_tls.bin", "WOLFSSL_ROOT="], { cwd: dir, timeout: 20_000 }),
          (error: Error & { stdout?: string }) => /set WOLFSSL_ROOT/.test(error.stdout ?? ""),
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
        await rm(root, { recursive: true, force: true });
      }
    });
  });

  describe("the twins' TLS libraries", () => {
    let mbedtlsTwin: LoadedBoard;
    let wolfsslTwin: LoadedBoard;
    before(async function () {
      await requireCommands(this, ["python3"]);
      mbedtlsTwin = await loadBoard("LINUX_TLS_TWIN");
      wolfsslTwin = await loadBoard("LINUX_WOLFSSL_TWIN");
    });

    it("LINUX_TLS_TWIN builds Espruino's mbedTLS with the twin configuration and the sources it needs", async () => {
      const makefile = mbedtlsTwin.info.build.makefile;
      const defines = makefile.filter((l) => l.includes("MBEDTLS_CONFIG_FILE"));
      assert.equal(defines.length, 1);
      // The compiler must get a C string, whether get_makefile_decls.py prints
      // the line as is (2v29) or re-quotes it (later upstream); make hands the
      // flags to the shell.
      for (const line of new Set([defines[0], asMakeLine(defines[0])])) {
        const { stdout } = await run("sh", ["-c", "printf '%s\\n' " + line.slice("DEFINES+=".length)]);
        assert.equal(stdout, '-DMBEDTLS_CONFIG_FILE="tls_twin_mbedtls_config.h"\n', line);
      }
      assert.ok(existsSync(join(BOARDS, "tls_twin_mbedtls_config.h")));
      const mbedtls = makefile.find((l) => l.startsWith("SOURCES+=libs/crypto/mbedtls/library/"));
      assert.ok(mbedtls);
      for (const file of ["ecdh.c", "ecdsa.c", "asn1write.c"]) assert.ok(mbedtls.includes(`libs/crypto/mbedtls/library/${file}`), file);
    });

    it("LINUX_WOLFSSL_TWIN compiles wolfSSL from $(WOLFSSL_DIR) with user_settings.h and the twin allocator", () => {
      const makefile = wolfsslTwin.info.build.makefile;
      assert.ok(makefile.includes("WOLFSSL_DIR?=libs/wolfssl"));
      assert.ok(makefile.some((l) => l.startsWith("INCLUDE+=") && l.includes("-I$(ROOT)/$(WOLFSSL_DIR)")));
      assert.ok(makefile.includes("DEFINES+=-DWOLFSSL_USER_SETTINGS -DTLS_TWIN_ALLOC"));
      const sources = makefile.find((l) => l.startsWith("SOURCES+=$(WOLFSSL_DIR)/"));
      assert.ok(sources);
      for (const file of ["src/tls13.c", "src/ssl.c", "wolfcrypt/src/wc_mlkem.c", "wolfcrypt/src/curve25519.c", "wolfcrypt/src/sp_int.c"]) {
        assert.ok(sources.includes(`$(WOLFSSL_DIR)/${file}`), file);
      }
    });
  });

  describe("tls_twin_mbedtls_config.h", () => {
    let defined: Set<string>;
    before(async () => {
      const text = await readFile(join(BOARDS, "tls_twin_mbedtls_config.h"), "utf8");
      const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
      defined = new Set([...code.matchAll(/^\s*#define\s+(MBEDTLS_\w+)/gm)].map((m) => m[1]));
    });

    it("enables ECDHE-ECDSA and ECDHE-RSA, AES-GCM, the curves, SNI and certificate dates", () => {
      for (const name of [
        "MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED",
        "MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED",
        "MBEDTLS_ECDH_C",
        "MBEDTLS_ECDSA_C",
        "MBEDTLS_ECP_C",
        "MBEDTLS_ECP_DP_SECP256R1_ENABLED",
        "MBEDTLS_ECP_DP_SECP384R1_ENABLED",
        "MBEDTLS_ASN1_WRITE_C",
        "MBEDTLS_GCM_C",
        "MBEDTLS_AES_C",
        "MBEDTLS_SSL_SERVER_NAME_INDICATION",
        "MBEDTLS_SSL_PROTO_TLS1_2",
        "MBEDTLS_SSL_CLI_C",
        "MBEDTLS_X509_CRT_PARSE_C",
        "MBEDTLS_HAVE_TIME_DATE",
        "MBEDTLS_PLATFORM_CALLOC_MACRO",
      ]) {
        assert.ok(defined.has(name), name);
      }
    });

    it("leaves out RSA and DHE key exchange, old versions and renegotiation", () => {
      for (const name of [
        "MBEDTLS_KEY_EXCHANGE_RSA_ENABLED",
        "MBEDTLS_KEY_EXCHANGE_DHE_RSA_ENABLED",
        "MBEDTLS_SSL_PROTO_SSL3",
        "MBEDTLS_SSL_PROTO_TLS1",
        "MBEDTLS_SSL_PROTO_TLS1_1",
        "MBEDTLS_SSL_RENEGOTIATION",
        "MBEDTLS_ARC4_C",
        "MBEDTLS_DES_C",
      ]) {
        assert.ok(!defined.has(name), name);
      }
    });
  });
});
