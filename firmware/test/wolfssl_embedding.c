/*
 * wolfssl_embedding.c - the wolfSSL backend's embedding in the harness, as
 * ../wolfssl/tls_wolfssl_espruino.c is in Espruino: the driver behind
 * espruino_like.c's JsNetwork, and the options read from files.
 */
#include <stdlib.h>

#include "espruino_like.h"
#include "tls_wolfssl.h"

int tls_net_create(struct JsNetwork *net, int socketType, uint32_t host, unsigned short port, void *options)
{
  return net->createsocket(net, socketType, host, port, options);
}

void tls_net_close(struct JsNetwork *net, int sckt)
{
  net->closesocket(net, sckt);
}

int tls_net_send(struct JsNetwork *net, int socketType, int sckt, const void *buf, size_t len)
{
  return net->send(net, socketType, sckt, buf, len);
}

int tls_net_recv(struct JsNetwork *net, int socketType, int sckt, void *buf, size_t len)
{
  return net->recv(net, socketType, sckt, buf, len);
}

int tls_option_with(void *options, const char *name, tls_option_use use, void *ctx)
{
  size_t len = 0;
  int error, ret;
  unsigned char *data = el_option_bytes((const el_options *)options, name, &len, &error);
  if (data == NULL) return error ? use(ctx, NULL, 0) : TLS_OPTION_ABSENT;
  ret = use(ctx, data, len);
  free(data);
  return ret;
}
