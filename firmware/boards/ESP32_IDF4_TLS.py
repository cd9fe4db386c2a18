#!/bin/false
# ESP32_IDF4_TLS: Espruino's ESP32_IDF4 board (ESP-IDF 4.4) with TLS switched
# on and espruino-tls-check's TLS policy on ESP-IDF's mbedTLS 2.28.
#
# A board file is a Python module that Espruino's build imports from its
# boards/ folder. This one does not repeat the upstream board: it imports
# boards/ESP32_IDF4.py from the same checkout and changes only what the TLS
# policy needs, so pins, memory and flash layout stay upstream's.
#
# What changes (see firmware/README.md):
#  - libraries CRYPTO, SHA256, SHA512 and TLS (upstream ships them commented out);
#  - the policy's C from $(TLS_POLICY_DIR)/tls, compiled into the main
#    component like Espruino's own sources;
#  - link-time wrapping of the calls the policy intercepts, handed to the
#    CMake link (tls_check_board.idf_link_lines).
#
# Install: copy this file and tls_check_board.py into the checkout's boards/
# and this repository's firmware/ folder to <checkout>/libs/espruino-tls-check
# (or point TLS_POLICY_DIR at it, relative to the checkout). Merge
# firmware/sdkconfig.tls into the IDF4 sdkconfig. Building itself follows
# Espruino's README_Building.md.

import ESP32_IDF4 as upstream
import tls_check_board as tls

# None of the wrapped symbols is one ESP-IDF's CONFIG_MBEDTLS_DYNAMIC_BUFFER
# wraps itself (mbedtls_ssl_setup/read/write/free/...), so both can be on.
info = tls.tls_board_info(
  upstream.info,
  "mbedtls",
  "ESP32 (ESP-IDF 4) with the espruino-tls-check TLS policy",
  "espruino_%v_esp32_tls.bin",
)
info["build"]["makefile"] += tls.idf_link_lines("mbedtls")

# Pins, devices and the rest stay upstream's.
chip, devices, get_pins = upstream.chip, upstream.devices, upstream.get_pins
boards = getattr(upstream, "boards", [])
