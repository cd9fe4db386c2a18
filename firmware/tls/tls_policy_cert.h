/*
 * tls_policy_cert.h - the certificate date check the mbedTLS policy adds
 * when mbedTLS was built without MBEDTLS_HAVE_TIME_DATE.
 *
 * Pure (values in, values out; no globals, no I/O) so the harness can test it
 * directly. tls_policy.c calls it from its verify callback.
 */
#ifndef TLS_POLICY_CERT_H
#define TLS_POLICY_CERT_H

#include <stdint.h>
#include <time.h>

#include "mbedtls/x509_crt.h"

/*
 * MBEDTLS_X509_BADCERT_EXPIRED and/or MBEDTLS_X509_BADCERT_FUTURE for `crt`
 * at the UTC time `now`, compared the way mbedTLS does with
 * MBEDTLS_HAVE_TIME_DATE (valid_to in the past: expired; valid_from in the
 * future: not yet valid). Used when the library was built without dates.
 */
uint32_t tls_policy_validity_flags(const mbedtls_x509_crt *crt, const struct tm *now);

#endif /* TLS_POLICY_CERT_H */
