/*
 * tls_names.h - which address or name a certificate must carry: the pure
 * parts of the host check that both backends share (values in, values out;
 * no library, no globals), so the probe can test them directly.
 */
#ifndef TLS_NAMES_H
#define TLS_NAMES_H

#include <stddef.h>

/*
 * 1, with the address in `out`, when `text` is a dotted-quad IPv4 literal
 * (exactly four decimal parts, each 0..255, no leading '+', no spaces, no
 * trailing dot), else 0. Such a host gets no SNI (RFC 6066 section 3) and is
 * checked against the certificate's iPAddress names instead of its DNS names.
 */
int tls_parse_ipv4(const char *text, unsigned char out[4]);

/*
 * Whether the subjectAltName extension in `ext` holds an iPAddress equal to
 * `ip` (4 bytes for IPv4, 16 for IPv6). `ext` is the DER of a certificate's
 * Extensions SEQUENCE, optionally still inside its [3] tag (mbedTLS keeps it
 * so in mbedtls_x509_crt.v3_ext; tls_certificate_extensions finds it in a
 * whole certificate). Neither mbedTLS 2.x nor a small wolfSSL build matches
 * IP addresses the way the policy wants, hence this reader.
 * Returns 1 found, 0 not found, -1 malformed (never reads outside `ext`).
 */
int tls_extensions_have_ip(const unsigned char *ext, size_t len,
                           const unsigned char *ip, size_t ip_len);

/*
 * The extensions of a DER certificate: sets `ext`/`ext_len` to its [3]
 * element (tag included) and returns 1, returns 0 when the certificate has
 * none, -1 when the DER is malformed.
 */
int tls_certificate_extensions(const unsigned char *der, size_t len,
                               const unsigned char **ext, size_t *ext_len);

#endif /* TLS_NAMES_H */
