#!/bin/false
# tls_check_board.py - what the espruino-tls-check board files share: the
# TLS libraries, each backend's C and wrapped symbols, and the makefile lines
# that add them to an upstream board. Not a board itself: the board files
# next to it import it, so copy it into the checkout's boards/ with them.
#
# Two backends (firmware/README.md):
#  - "mbedtls": the policy wraps a few of Espruino's calls into the mbedTLS
#    Espruino already uses (firmware/tls);
#  - "wolfssl": Espruino's TLS sockets run on wolfSSL instead
#    (firmware/wolfssl), with TLS 1.3 and X25519MLKEM768.

import copy

# The libraries a TLS build needs (upstream ESP32_IDF4 ships them commented out).
TLS_LIBRARIES = ["CRYPTO", "SHA256", "SHA512", "TLS"]

# The policy's C every backend uses, relative to $(TLS_POLICY_DIR).
SHARED_SOURCES = ["tls/tls_names.c", "tls/tls_reasons.c", "tls/tls_target.c", "tls/tls_policy_espruino.c"]

# Each backend's C and the symbols its boards wrap. The wrap lists must equal
# TLS_POLICY_WRAPPED_SYMBOLS (firmware/tls/tls_policy.h) and
# TLS_WOLFSSL_WRAPPED_SYMBOLS (firmware/wolfssl/tls_wolfssl.h); the firmware
# tests check.
BACKENDS = {
  "mbedtls": {
    "sources": ["tls/tls_policy.c", "tls/tls_policy_cert.c"],
    "include": ["tls"],
    "wraps": [
      "networkGetHostByName",
      "netCreateSocket",
      "netRecv",
      "mbedtls_ssl_set_hostname",
      "mbedtls_ssl_handshake",
      "mbedtls_ssl_config_free",
    ],
  },
  "wolfssl": {
    "sources": [
      "wolfssl/tls_wolfssl.c",
      "wolfssl/tls_wolfssl_setup.c",
      "wolfssl/tls_wolfssl_errors.c",
      "wolfssl/tls_wolfssl_espruino.c",
    ],
    "include": ["tls", "wolfssl"],
    "wraps": ["networkGetHostByName", "netCreateSocket", "netCloseSocket", "netRecv", "netSend"],
  },
}


def wrap_flags(backend):
  return " ".join("-Wl,--wrap=" + symbol for symbol in BACKENDS[backend]["wraps"])


def tls_board_info(upstream_info, backend, name, binary_name):
  """A copy of the upstream board's info with the TLS libraries and the
  backend's C added (linking with the wraps is the board's own business)."""
  info = copy.deepcopy(upstream_info)
  info["name"] = name
  info["binary_name"] = binary_name
  for library in TLS_LIBRARIES:
    if library not in info["build"]["libraries"]:
      info["build"]["libraries"].append(library)
  spec = BACKENDS[backend]
  info["build"]["makefile"] = info["build"]["makefile"] + [
    # Where this repository's firmware/ folder sits, relative to the checkout.
    "TLS_POLICY_DIR?=libs/espruino-tls-check",
    "INCLUDE+=" + " ".join("-I$(ROOT)/$(TLS_POLICY_DIR)/" + folder for folder in spec["include"]),
    "SOURCES+=" + " ".join("$(TLS_POLICY_DIR)/" + source for source in SHARED_SOURCES + spec["sources"]),
  ]
  return info


def idf_link_lines(backend):
  """Makefile lines that give an ESP-IDF 4 build the wraps. idf.py links the
  firmware through CMake, which never sees LDFLAGS: append the flags, once, to
  the main component's CMakeLists.txt after make/targets/ESP32_IDF4.make has
  written it."""
  flags = wrap_flags(backend)
  return [
    ".PHONY: tls_policy_link_options",
    "$(PROJ_NAME).bin: tls_policy_link_options",
    "tls_policy_link_options: $(BINDIR)/main/CMakeLists.txt ; "
    "@grep -q -e '--wrap=" + BACKENDS[backend]["wraps"][0] + "' $< || "
    "echo 'target_link_libraries($${COMPONENT_LIB} INTERFACE " + flags + ")' >> $<",
  ]


def linux_twin_lines(backend):
  """Makefile lines every Linux twin adds: the TLS library's allocator
  (tls_twin_alloc.c, its header in boards/) and the wraps, which a plain make
  link takes from LDFLAGS."""
  return [
    "INCLUDE+=-I$(ROOT)/$(TLS_POLICY_DIR)/boards",
    "SOURCES+=$(TLS_POLICY_DIR)/boards/tls_twin_alloc.c",
    "LDFLAGS+=" + wrap_flags(backend),
  ]
