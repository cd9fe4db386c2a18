#!/bin/false
# LINUX_TLS_TWIN: Espruino's default Linux build (boards/LINUX.py) with the
# same TLS policy as ESP32_IDF4_TLS, so the device's TLS behaviour can be
# tried on a PC ("host twin").
#
# Like ESP32_IDF4_TLS.py it imports the upstream board from the same checkout
# and changes only the TLS parts:
#  - Espruino's bundled mbedTLS (2.1.1) is built with
#    tls_twin_mbedtls_config.h instead of libs/crypto/mbedtls/config.h
#    (selected with MBEDTLS_CONFIG_FILE, which every mbedTLS header honours):
#    ECDHE-ECDSA and ECDHE-RSA, AES-GCM, the curves, SNI, certificate dates;
#  - the mbedTLS sources that configuration needs beyond Espruino's list
#    (make/crypto/default.make): ECDH, ECDSA and the ASN.1 writer; and
#    tls_twin_alloc.c, mbedTLS's allocator there;
#  - the policy's C and the -Wl,--wrap flags (a plain make link, so LDFLAGS).
#
# Install: copy this file and tls_check_board.py into the checkout's boards/
# and this repository's firmware/ folder to <checkout>/libs/espruino-tls-check
# (or point TLS_POLICY_DIR at it, relative to the checkout). Building itself
# follows Espruino's README_Building.md.

import LINUX as upstream
import tls_check_board as tls

# Bundled mbedTLS sources the twin configuration enables but Espruino's
# make/crypto/default.make does not compile.
EXTRA_MBEDTLS_SOURCES = ["ecdh.c", "ecdsa.c", "asn1write.c"]
MBEDTLS_CONFIG = "tls_twin_mbedtls_config.h"

info = tls.tls_board_info(upstream.info, "mbedtls", "Linux host twin with the espruino-tls-check TLS policy", "espruino_tls_twin")
info["build"]["makefile"] += [
  # A C string through make and the shell: the single quotes keep the double
  # quotes for the compiler (as upstream's boards write BLUETOOTH_NAME_PREFIX).
  # The line must not end in a double quote: newer get_makefile_decls.py
  # re-quotes such DEFINES lines, 2v29's does not.
  "DEFINES+=-DMBEDTLS_CONFIG_FILE='\"" + MBEDTLS_CONFIG + "\"'",
  "SOURCES+=" + " ".join("libs/crypto/mbedtls/library/" + source for source in EXTRA_MBEDTLS_SOURCES),
] + tls.linux_twin_lines("mbedtls")

# Pins, devices and the rest stay upstream's.
chip, devices, get_pins = upstream.chip, upstream.devices, upstream.get_pins
