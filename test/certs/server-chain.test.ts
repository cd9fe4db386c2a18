import assert from "node:assert/strict";
import { describeConnectError } from "../../scripts/certs/server-chain.ts";

// Fetching a chain from real servers (and every way a connection fails) is
// tested through the command, in test/fetch-ca.test.ts.
describe("certs/server-chain", () => {
  it("names connection failures", () => {
    const target = { host: "h", port: 1 };
    const error = (code: string, message = code) => Object.assign(new Error(message), { code });
    assert.equal(describeConnectError(error("ENOTFOUND"), target).kind, "DNS");
    assert.equal(describeConnectError(error("EAI_AGAIN"), target).kind, "DNS");
    assert.equal(describeConnectError(error("ECONNREFUSED"), target).kind, "REFUSED");
    assert.equal(describeConnectError(error("EHOSTUNREACH"), target).kind, "UNREACHABLE");
    assert.equal(describeConnectError(error("ECONNRESET"), target).kind, "RESET");
    assert.equal(describeConnectError(error("ERR_SSL_WRONG_VERSION_NUMBER", "wrong version number"), target).kind, "NOT_TLS");
    assert.equal(describeConnectError(error("ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE", "sslv3 alert handshake failure"), target).kind, "HANDSHAKE");
  });
});
