#!/bin/false
# ESP32_IDF4_WOLFSSL: Espruino's ESP32_IDF4 board (ESP-IDF 4.4) with TLS
# switched on and its TLS sockets on wolfSSL: TLS 1.3 preferred, TLS 1.2
# minimum, X25519MLKEM768 offered first (firmware/README.md).
#
# It imports boards/ESP32_IDF4.py from the same checkout and adds:
#  - libraries CRYPTO, SHA256, SHA512 and TLS (ESP-IDF's mbedTLS still serves
#    the crypto library; nothing calls its TLS code, so the linker's section
#    garbage collection can leave that out);
#  - the wolfSSL backend's C from $(TLS_POLICY_DIR), compiled into the main
#    component, and its wraps handed to the CMake link;
#  - wolfSSL as an ESP-IDF component: before idf.py runs, the build folder's
#    components/wolfssl/ gets the component description that wolfSSL ships
#    for ESP-IDF (its CMakeLists.txt and Kconfig, from $(WOLFSSL_ROOT)) and
#    firmware/wolfssl/user_settings.h as its include/user_settings.h. ESP-IDF
#    builds every component under the project's components/ folder, and the
#    main component (which names no REQUIRES) sees its headers.
#
# Install: copy this file and tls_check_board.py into the checkout's boards/,
# this repository's firmware/ folder to <checkout>/libs/espruino-tls-check
# (or set TLS_POLICY_DIR), and set WOLFSSL_ROOT to a wolfSSL 5.8 or later
# source tree (absolute). Building itself follows Espruino's
# README_Building.md and targets/esp32/IDF4/README.md.

import ESP32_IDF4 as upstream
import tls_check_board as tls

# Where wolfSSL keeps its ESP-IDF component description, inside its tree.
WOLFSSL_IDF_COMPONENT = "IDE/Espressif/ESP-IDF/examples/template/components/wolfssl"
COMPONENT = "$(BINDIR)/components/wolfssl"

info = tls.tls_board_info(
  upstream.info,
  "wolfssl",
  "ESP32 (ESP-IDF 4) with espruino-tls-check's wolfSSL TLS",
  "espruino_%v_esp32_wolfssl.bin",
)
info["build"]["makefile"] += [
  # The main component reads the same settings as wolfSSL.
  "DEFINES+=-DWOLFSSL_USER_SETTINGS",
  # wolfSSL's source tree (absolute), also read by its component's CMakeLists.txt.
  "export WOLFSSL_ROOT",
  ".PHONY: tls_wolfssl_component",
  "$(PROJ_NAME).bin: tls_wolfssl_component",
  "tls_wolfssl_component: ; "
  "@test -n '$(WOLFSSL_ROOT)' || { echo 'set WOLFSSL_ROOT to a wolfSSL 5.8+ source tree'; exit 1; }; "
  "mkdir -p " + COMPONENT + "/include && "
  "cp $(WOLFSSL_ROOT)/" + WOLFSSL_IDF_COMPONENT + "/CMakeLists.txt $(WOLFSSL_ROOT)/" + WOLFSSL_IDF_COMPONENT + "/Kconfig " + COMPONENT + "/ && "
  "cp $(ROOT)/$(TLS_POLICY_DIR)/wolfssl/user_settings.h " + COMPONENT + "/include/",
] + tls.idf_link_lines("wolfssl")

# Pins, devices and the rest stay upstream's.
chip, devices, get_pins = upstream.chip, upstream.devices, upstream.get_pins
boards = getattr(upstream, "boards", [])
