/*
 * tls_wolfssl_espruino.c - the wolfSSL backend's embedding in Espruino:
 * its network driver and the connect() options, through Espruino's own
 * headers. Built inside Espruino only (the wolfSSL board files add it); the
 * harness provides its own. The exception itself is tls_policy_raise() in
 * ../tls/tls_policy_espruino.c, shared with the mbedTLS backend.
 */
#include "jsvar.h"
#include "jsvariterator.h" /* JSV_GET_AS_CHAR_ARRAY uses it */
#include "network.h"
#include "tls_wolfssl.h"

/* network.c's reader of a `ca`/`cert`/`key` option (not static there, not in
 * its header): a function is called, a short string names a file (with
 * USE_FILESYSTEM), anything else is the data. */
JsVar *decode_certificate_var(JsVar *var);

int tls_net_create(struct JsNetwork *net, int socketType, uint32_t host, unsigned short port, void *options)
{
  return net->createsocket(net, (SocketType)socketType, host, port, (JsVar *)options);
}

void tls_net_close(struct JsNetwork *net, int sckt)
{
  net->closesocket(net, sckt);
}

int tls_net_send(struct JsNetwork *net, int socketType, int sckt, const void *buf, size_t len)
{
  return net->send(net, (SocketType)socketType, sckt, buf, len);
}

int tls_net_recv(struct JsNetwork *net, int socketType, int sckt, void *buf, size_t len)
{
  return net->recv(net, (SocketType)socketType, sckt, buf, len);
}

int tls_option_with(void *options, const char *name, tls_option_use use, void *ctx)
{
  JsVar *value, *decoded;
  int ret;
  if (!jsvIsObject((JsVar *)options)) return TLS_OPTION_ABSENT;
  value = jsvObjectGetChildIfExists((JsVar *)options, name);
  if (value == NULL) return TLS_OPTION_ABSENT;
  decoded = decode_certificate_var(value);
  jsvUnLock(value);
  {
    /* A flat string gives its pointer; anything else is copied to the stack
     * (hence the bytes live only during this call). */
    JSV_GET_AS_CHAR_ARRAY(data, len, decoded);
    ret = use(ctx, (const unsigned char *)data, data != NULL ? len : 0);
  }
  jsvUnLock(decoded);
  return ret;
}
