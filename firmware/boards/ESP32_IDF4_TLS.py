#!/bin/false
# ESP32_IDF4_TLS: Espruino's ESP32_IDF4 board (ESP-IDF 4.4) with TLS switched
# on and espruino-tls-check's TLS policy linked in.
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
#  - link-time wrapping of the calls the policy intercepts. An ESP-IDF 4 build
#    links through idf.py/CMake, which never sees LDFLAGS, so the flags are
#    appended to the main component's generated CMakeLists.txt instead.
#
# Install: copy this file into the checkout's boards/ and this repository's
# firmware/ folder to <checkout>/libs/espruino-tls-check (or point
# TLS_POLICY_DIR at it, relative to the checkout). Merge firmware/sdkconfig.tls
# into the IDF4 sdkconfig. Building itself follows Espruino's README_Building.md.

import copy

import ESP32_IDF4 as upstream

# The symbols firmware/tls/tls_policy.c wraps (TLS_POLICY_WRAPPED_SYMBOLS in
# tls_policy.h). None of them is one ESP-IDF's CONFIG_MBEDTLS_DYNAMIC_BUFFER
# wraps itself (mbedtls_ssl_setup/read/write/free/...), so both can be on.
TLS_POLICY_WRAPS = [
  "networkGetHostByName",
  "netCreateSocket",
  "netRecv",
  "mbedtls_ssl_set_hostname",
  "mbedtls_ssl_handshake",
  "mbedtls_ssl_config_free",
]
TLS_POLICY_SOURCES = ["tls_policy.c", "tls_policy_cert.c", "tls_policy_espruino.c"]
TLS_LIBRARIES = ["CRYPTO", "SHA256", "SHA512", "TLS"]

_wrap_flags = " ".join("-Wl,--wrap=" + symbol for symbol in TLS_POLICY_WRAPS)

info = copy.deepcopy(upstream.info)
info["name"] = "ESP32 (ESP-IDF 4) with the espruino-tls-check TLS policy"
info["binary_name"] = "espruino_%v_esp32_tls.bin"
for _library in TLS_LIBRARIES:
  if _library not in info["build"]["libraries"]:
    info["build"]["libraries"].append(_library)
info["build"]["makefile"] = info["build"]["makefile"] + [
  # Where the policy sources sit, relative to the Espruino checkout.
  "TLS_POLICY_DIR?=libs/espruino-tls-check",
  "INCLUDE+=-I$(ROOT)/$(TLS_POLICY_DIR)/tls",
  "SOURCES+=" + " ".join("$(TLS_POLICY_DIR)/tls/" + source for source in TLS_POLICY_SOURCES),
  # idf.py links the firmware: give the main component the --wrap flags, once,
  # after make/targets/ESP32_IDF4.make has written its CMakeLists.txt.
  ".PHONY: tls_policy_link_options",
  "$(PROJ_NAME).bin: tls_policy_link_options",
  "tls_policy_link_options: $(BINDIR)/main/CMakeLists.txt ; "
  "@grep -q -e '--wrap=" + TLS_POLICY_WRAPS[0] + "' $< || "
  "echo 'target_link_libraries($${COMPONENT_LIB} INTERFACE " + _wrap_flags + ")' >> $<",
]

chip = upstream.chip
devices = upstream.devices
boards = getattr(upstream, "boards", [])


def get_pins():
  return upstream.get_pins()
