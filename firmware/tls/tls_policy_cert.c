/*
 * tls_policy_cert.c - validity dates for mbedTLS builds without them.
 * See tls_policy_cert.h.
 */
#include "tls_policy_cert.h"

#include "mbedtls/x509.h"
#include "mbedtls/x509_crt.h"

#if !defined(MBEDTLS_X509_CRT_PARSE_C)
#error "the TLS policy needs MBEDTLS_X509_CRT_PARSE_C (certificate parsing)"
#endif

/* <0 when `t` is before `now`, 0 when equal, >0 when after (second resolution). */
static int compare_to_now(const mbedtls_x509_time *t, const struct tm *now)
{
  const int a[6] = { t->year, t->mon, t->day, t->hour, t->min, t->sec };
  const int b[6] = { now->tm_year + 1900, now->tm_mon + 1, now->tm_mday,
                     now->tm_hour, now->tm_min, now->tm_sec };
  int i;
  for (i = 0; i < 6; i++) {
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

uint32_t tls_policy_validity_flags(const mbedtls_x509_crt *crt, const struct tm *now)
{
  uint32_t flags = 0;
  if (compare_to_now(&crt->valid_to, now) < 0) flags |= MBEDTLS_X509_BADCERT_EXPIRED;
  if (compare_to_now(&crt->valid_from, now) > 0) flags |= MBEDTLS_X509_BADCERT_FUTURE;
  return flags;
}
