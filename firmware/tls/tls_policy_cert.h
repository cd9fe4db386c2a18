/*
 * tls_policy_cert.h - certificate checks the policy adds to mbedTLS 2.x.
 *
 * Pure functions (values in, values out; no globals, no I/O) so the harness
 * can test them directly. tls_policy.c calls them from its verify callback.
 */
#ifndef TLS_POLICY_CERT_H
#define TLS_POLICY_CERT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "mbedtls/x509_crt.h"

/*
 * 1, with the address in `out`, when `text` is a dotted-quad IPv4 literal
 * (exactly four decimal parts, each 0..255, no leading '+', no spaces, no
 * trailing dot), else 0. Such a host gets no SNI (RFC 6066 section 3) and is
 * checked against the certificate's iPAddress names instead of its DNS names.
 */
int tls_policy_parse_ipv4(const char *text, unsigned char out[4]);

/*
 * Whether the subjectAltName extension in `ext` holds an iPAddress equal to
 * `ip` (4 bytes for IPv4, 16 for IPv6). `ext` is the DER of a certificate's
 * v3 extensions as mbedTLS keeps them in mbedtls_x509_crt.v3_ext: the
 * Extensions SEQUENCE, optionally still inside its [3] tag.
 * mbedTLS 2.x does not match IP addresses itself (2.28 drops iPAddress names
 * when parsing, 2.1.1 keeps dNSName only), hence this reader.
 * Returns 1 found, 0 not found, -1 malformed (never reads outside `ext`).
 */
int tls_policy_extensions_have_ip(const unsigned char *ext, size_t len,
                                  const unsigned char *ip, size_t ip_len);

/*
 * MBEDTLS_X509_BADCERT_EXPIRED and/or MBEDTLS_X509_BADCERT_FUTURE for `crt`
 * at the UTC time `now`, compared the way mbedTLS does with
 * MBEDTLS_HAVE_TIME_DATE (valid_to in the past: expired; valid_from in the
 * future: not yet valid). Used when the library was built without dates.
 */
uint32_t tls_policy_validity_flags(const mbedtls_x509_crt *crt, const struct tm *now);

/*
 * The message JavaScript gets for a failed verification:
 *   "mbedtls_x509_crt_verify: <reason>[; <reason>...] (mbedtls_ssl_handshake returned -0x2700)"
 * with mbedTLS's own reason texts (mbedtls_x509_crt_verify_info), or just
 *   "mbedtls_ssl_handshake returned -0x2700"
 * when `flags` is 0. Always NUL-terminates `out` (size > 0).
 */
void tls_policy_describe_verify_failure(char *out, size_t size, uint32_t flags, int handshake_error);

#endif /* TLS_POLICY_CERT_H */
