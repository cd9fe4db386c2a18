/*
 * tls_policy_espruino.c - the only part of the policy that needs Espruino's
 * headers: a failed certificate verification becomes a JavaScript
 * InternalError, exactly where Espruino raises its own handshake error.
 * Built inside Espruino only (the board files add it); the harness provides
 * its own tls_policy_raise().
 */
#include "jsutils.h"
#include "tls_policy.h"

void tls_policy_raise(const char *message)
{
  /* Called from mbedtls_ssl_handshake, which Espruino runs from its socket
   * idle loop; jsExceptionHere keeps the first exception, so Espruino's own
   * "mbedtls_ssl_handshake returned -0x2700" that follows is dropped. */
  jsExceptionHere(JSET_INTERNALERROR, "%s", message);
}
