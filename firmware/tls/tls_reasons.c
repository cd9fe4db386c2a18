/*
 * tls_reasons.c - mbedTLS's verification reasons as one line of text.
 * See tls_reasons.h.
 */
#include "tls_reasons.h"

#include <stdio.h>

/* mbedtls_x509_crt_verify_info's texts (mbedTLS 2.x x509_crt.c), in its order. */
static const struct {
  uint32_t flag;
  const char *text;
} reasons[] = {
  { 0x01u, "The certificate validity has expired" },
  { 0x02u, "The certificate has been revoked (is on a CRL)" },
  { 0x04u, "The certificate Common Name (CN) does not match with the expected CN" },
  { 0x08u, "The certificate is not correctly signed by the trusted CA" },
  { 0x10u, "The CRL is not correctly signed by the trusted CA" },
  { 0x20u, "The CRL is expired" },
  { 0x40u, "Certificate was missing" },
  { 0x80u, "Certificate verification was skipped" },
  { 0x0100u, "Other reason (can be used by verify callback)" },
  { 0x0200u, "The certificate validity starts in the future" },
  { 0x0400u, "The CRL is from the future" },
  { 0x0800u, "Usage does not match the keyUsage extension" },
  { 0x1000u, "Usage does not match the extendedKeyUsage extension" },
  { 0x2000u, "Usage does not match the nsCertType extension" },
  { 0x4000u, "The certificate is signed with an unacceptable hash." },
  { 0x8000u, "The certificate is signed with an unacceptable PK alg (eg RSA vs ECDSA)." },
  { 0x010000u, "The certificate is signed with an unacceptable key (eg bad curve, RSA too short)." },
  { 0x020000u, "The CRL is signed with an unacceptable hash." },
  { 0x040000u, "The CRL is signed with an unacceptable PK alg (eg RSA vs ECDSA)." },
  { 0x080000u, "The CRL is signed with an unacceptable key (eg bad curve, RSA too short)." },
};

void tls_describe_verify_failure(char *out, size_t size, uint32_t flags, int handshake_error)
{
  unsigned int code = handshake_error < 0 ? (unsigned int)(-handshake_error) : (unsigned int)handshake_error;
  uint32_t rest = flags;
  size_t used, i;
  int w;

  if (out == NULL || size == 0) return;
  if (flags == 0) {
    snprintf(out, size, "mbedtls_ssl_handshake returned -0x%x", code);
    return;
  }
  w = snprintf(out, size, "mbedtls_x509_crt_verify: ");
  used = w > 0 ? (size_t)w : 0;
  /* mbedTLS prints one reason per line; JavaScript gets them on one line. */
  for (i = 0; i < sizeof reasons / sizeof reasons[0] && used < size; i++) {
    if ((rest & reasons[i].flag) == 0) continue;
    w = snprintf(out + used, size - used, "%s%s", rest == flags ? "" : "; ", reasons[i].text);
    if (w < 0) break;
    used += (size_t)w;
    rest &= ~reasons[i].flag;
  }
  if (rest != 0 && used < size) {
    w = snprintf(out + used, size - used, "%sUnknown reason (this should not happen)", rest == flags ? "" : "; ");
    if (w > 0) used += (size_t)w;
  }
  if (used < size) snprintf(out + used, size - used, " (mbedtls_ssl_handshake returned -0x%x)", code);
}
