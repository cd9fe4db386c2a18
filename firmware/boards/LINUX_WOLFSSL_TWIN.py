#!/bin/false
# LINUX_WOLFSSL_TWIN: Espruino's default Linux build (boards/LINUX.py) with
# its TLS sockets on wolfSSL, as ESP32_IDF4_WOLFSSL runs them: the "host twin"
# of the wolfSSL firmware (TLS 1.3, X25519MLKEM768).
#
# It imports the upstream board from the same checkout and adds:
#  - the TLS libraries (so require("tls") exists; Espruino's bundled mbedTLS
#    still builds with Espruino's own configuration, for the crypto library);
#  - the wolfSSL backend's C and the -Wl,--wrap flags (a plain make link, so
#    LDFLAGS) that hand it every TLS socket;
#  - wolfSSL itself, compiled from $(WOLFSSL_DIR) (a wolfSSL 5.8 or later
#    source tree, relative to the checkout) with
#    firmware/wolfssl/user_settings.h, its memory taken from Espruino's
#    variables through tls_twin_alloc.c (TLS_TWIN_ALLOC), so process.memory()
#    counts it.
#
# Install: copy this file and tls_check_board.py into the checkout's boards/,
# this repository's firmware/ folder to <checkout>/libs/espruino-tls-check
# (or set TLS_POLICY_DIR) and wolfSSL's source to <checkout>/libs/wolfssl (or
# set WOLFSSL_DIR). Building itself follows Espruino's README_Building.md.

import LINUX as upstream
import tls_check_board as tls

# The wolfSSL sources this configuration uses (the rest compile to nothing).
WOLFSSL_SOURCES = [
  "src/internal.c", "src/keys.c", "src/ssl.c", "src/tls.c", "src/tls13.c", "src/wolfio.c",
] + ["wolfcrypt/src/" + source for source in [
  "aes.c", "asn.c", "chacha.c", "coding.c", "curve25519.c", "ecc.c", "fe_operations.c", "hash.c",
  "hmac.c", "kdf.c", "md5.c", "memory.c", "poly1305.c", "random.c", "rsa.c", "sha.c", "sha256.c",
  "sha3.c", "sha512.c", "sp_c32.c", "sp_c64.c", "sp_int.c", "wc_mlkem.c", "wc_mlkem_poly.c",
  "wc_port.c", "wolfmath.c",
]]

info = tls.tls_board_info(upstream.info, "wolfssl", "Linux host twin with espruino-tls-check's wolfSSL TLS", "espruino_wolfssl_twin")
info["build"]["makefile"] += [
  # wolfSSL's source tree, relative to the checkout.
  "WOLFSSL_DIR?=libs/wolfssl",
  "INCLUDE+=-I$(ROOT)/$(WOLFSSL_DIR)",
  # wolfSSL reads firmware/wolfssl/user_settings.h; its memory comes from the twin allocator.
  "DEFINES+=-DWOLFSSL_USER_SETTINGS -DTLS_TWIN_ALLOC",
  "SOURCES+=" + " ".join("$(WOLFSSL_DIR)/" + source for source in WOLFSSL_SOURCES),
] + tls.linux_twin_lines("wolfssl")

# Pins, devices and the rest stay upstream's.
chip, devices, get_pins = upstream.chip, upstream.devices, upstream.get_pins
