// Static checks of firmware/boards: the board modules load the way Espruino's
// build loads them (python3, upstream board importable by name), enable the
// TLS libraries, add the policy's C and wrap exactly the symbols tls_policy.c
// wraps; the ESP32 board's makefile lines really hand the wraps to the IDF
// CMake build; the twin's mbedTLS config enables what the policy needs.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { FIRMWARE, requireCommands, TLS_DIR, wrappedSymbols } from "./support/toolchain.ts";

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
upstream = sys.modules["ESP32_IDF4" if sys.argv[2].startswith("ESP32") else "LINUX"]
print(json.dumps({"info": board.info, "chip": board.chip, "pins": board.get_pins(), "upstreamInfo": upstream.info}))
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
const POLICY_FILES = ["tls_policy.c", "tls_policy_cert.c", "tls_policy_espruino.c"];

function sourcesLine(info: BoardInfo): string[] {
  const line = info.build.makefile.find((l) => l.startsWith("SOURCES+=") && l.includes("tls_policy"));
  assert.ok(line, "no SOURCES line for the policy");
  return line.slice("SOURCES+=".length).split(/\s+/);
}

describe("firmware boards", function () {
  let symbols: string[];

  before(async () => {
    symbols = await wrappedSymbols();
  });

  it("wraps in tls_policy.c exactly the symbols tls_policy.h lists", async () => {
    const source = await readFile(join(TLS_DIR, "tls_policy.c"), "utf8");
    const defined = [...source.matchAll(/^\w[^;\n]*\b__wrap_(\w+)\([^;]*$/gm)].map((m) => m[1]);
    assert.deepEqual([...defined].sort(), [...symbols].sort());
    assert.deepEqual(
      symbols.filter((s) => IDF_DYNAMIC_BUFFER_WRAPS.includes(s)),
      [],
      "a symbol ESP-IDF's dynamic buffers already wrap",
    );
  });

  describe("ESP32_IDF4_TLS", () => {
    let board: LoadedBoard;
    before(async function () {
      await requireCommands(this, ["python3", "make"]);
      board = await loadBoard("ESP32_IDF4_TLS");
    });

    it("is upstream's ESP32_IDF4 (ESP-IDF 4) with CRYPTO, SHA256, SHA512 and TLS added", () => {
      assert.equal(board.chip.family, "ESP32_IDF4");
      assert.deepEqual(board.pins, ["upstream pins"]);
      for (const library of [...board.upstreamInfo.build.libraries, ...TLS_LIBRARIES]) {
        assert.ok(board.info.build.libraries.includes(library), library);
      }
      assert.deepEqual(board.upstreamInfo.build.libraries, ["ESP32", "NET", "GRAPHICS", "NEOPIXEL", "BLUETOOTH"], "upstream's module was changed");
      assert.deepEqual(board.info.build.makefile.slice(0, 1), board.upstreamInfo.build.makefile);
    });

    it("compiles the policy's C", () => {
      const sources = sourcesLine(board.info);
      assert.deepEqual(sources, POLICY_FILES.map((f) => `$(TLS_POLICY_DIR)/tls/${f}`));
      for (const file of POLICY_FILES) assert.ok(existsSync(join(TLS_DIR, file)), file);
      assert.ok(board.info.build.makefile.includes("INCLUDE+=-I$(ROOT)/$(TLS_POLICY_DIR)/tls"));
    });

    it("hands exactly the policy's --wrap flags to the ESP-IDF CMake link, once", async () => {
      const dir = await mkdtemp(join(tmpdir(), "firmware-board-"));
      try {
        // What make/targets/ESP32_IDF4.make does around the board's lines: write
        // the main component's CMakeLists.txt, then build $(PROJ_NAME).bin.
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
          "",
        ].join("\n");
        await writeFile(join(dir, "Makefile"), makefile);
        await run("make", ["-s", "bin/espruino_esp32_tls.bin"], { cwd: dir, timeout: 20_000 });
        await run("make", ["-s", "bin/espruino_esp32_tls.bin"], { cwd: dir, timeout: 20_000 });
        const cmake = await readFile(join(dir, "linked-with.txt"), "utf8");
        const linkLines = cmake.split("\n").filter((l) => l.startsWith("target_link_libraries("));
        assert.equal(linkLines.length, 1, cmake);
        assert.match(linkLines[0], /^target_link_libraries\(\$\{COMPONENT_LIB\} INTERFACE /);
        assert.deepEqual(wrapsIn(linkLines[0]).sort(), [...symbols].sort());
        assert.ok(cmake.includes("libs/espruino-tls-check/tls/tls_policy_espruino.c"));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  describe("LINUX_TLS_TWIN", () => {
    let board: LoadedBoard;
    before(async function () {
      await requireCommands(this, ["python3"]);
      board = await loadBoard("LINUX_TLS_TWIN");
    });

    it("is upstream's LINUX with the TLS libraries", () => {
      assert.equal(board.chip.family, "LINUX");
      for (const library of TLS_LIBRARIES) assert.ok(board.info.build.libraries.includes(library), library);
      assert.ok(board.info.build.makefile.includes("LINUX=1"));
    });

    it("compiles the policy's C and the extra mbedTLS sources, and links with the --wrap flags", () => {
      assert.deepEqual(sourcesLine(board.info), POLICY_FILES.map((f) => `$(TLS_POLICY_DIR)/tls/${f}`));
      const mbedtls = board.info.build.makefile.find((l) => l.startsWith("SOURCES+=libs/crypto/mbedtls/library/"));
      assert.ok(mbedtls);
      for (const file of ["ecdh.c", "ecdsa.c", "asn1write.c"]) assert.ok(mbedtls.includes(`libs/crypto/mbedtls/library/${file}`), file);
      const ldflags = board.info.build.makefile.filter((l) => l.startsWith("LDFLAGS+="));
      assert.equal(ldflags.length, 1);
      assert.deepEqual(wrapsIn(ldflags[0]).sort(), [...symbols].sort());
    });

    it("builds Espruino's mbedTLS with the twin configuration", async () => {
      const defines = board.info.build.makefile.filter((l) => l.includes("MBEDTLS_CONFIG_FILE"));
      assert.equal(defines.length, 1);
      // The compiler must get a C string, whether get_makefile_decls.py prints
      // the line as is (2v29) or re-quotes it (later upstream); make hands the
      // flags to the shell.
      for (const line of new Set([defines[0], asMakeLine(defines[0])])) {
        const { stdout } = await run("sh", ["-c", "printf '%s\\n' " + line.slice("DEFINES+=".length)]);
        assert.equal(stdout, '-DMBEDTLS_CONFIG_FILE="tls_twin_mbedtls_config.h"\n', line);
      }
      assert.ok(board.info.build.makefile.some((l) => l.startsWith("INCLUDE+=") && l.includes("-I$(ROOT)/$(TLS_POLICY_DIR)/boards")));
      assert.ok(existsSync(join(BOARDS, "tls_twin_mbedtls_config.h")));
      // The configuration's allocator (mbedtls_calloc/mbedtls_free) is compiled in.
      assert.ok(board.info.build.makefile.includes("SOURCES+=$(TLS_POLICY_DIR)/boards/tls_twin_alloc.c"));
      assert.ok(existsSync(join(BOARDS, "tls_twin_alloc.c")));
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
