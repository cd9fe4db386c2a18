// Why the fleet view could not connect, in one line for each way it fails
// (the ways a real Mosquitto shows are tested in test/fleet/fleet.test.ts).
import assert from "node:assert/strict";
import type { FleetOptions } from "../../scripts/fleet/options.ts";
import { CONNECT_TIMEOUT_MS, explainFailure } from "../../scripts/fleet/subscription.ts";

const options = {
  broker: { host: "broker.example", port: 8883, name: "broker.example:8883" },
  files: { ca: "ca.pem", cert: "fleet.pem" },
  cert: "-----BEGIN CERTIFICATE-----",
} as FleetOptions;
const failure = (message: string, code?: string | number) => Object.assign(new Error(message), { code });

describe("fleet: why the broker connection failed", () => {
  it("names the CONNACK refusal and what to check", () => {
    assert.equal(explainFailure(failure("Connection refused: Bad username or password", 4), options), "the broker at broker.example:8883 refused us: bad user name or password (check --username and MQTT_PASSWORD)");
    assert.match(explainFailure(failure("Connection refused: Not authorized", 5), options), /refused us: not authorised \(check the broker's ACL/);
    assert.match(explainFailure(failure("Connection refused: Identifier rejected", 2), options), /identifier rejected \(try another --client-id\)/);
    assert.match(explainFailure(failure("?", 9), options), /CONNACK return code 9/);
  });

  it("tells a broker that is not there from one that is not an MQTT broker", () => {
    assert.equal(explainFailure(failure("getaddrinfo ENOTFOUND broker.example", "ENOTFOUND"), options), "cannot reach the broker: no such host broker.example");
    assert.equal(explainFailure(failure("connect EHOSTUNREACH", "EHOSTUNREACH"), options), "cannot reach the broker at broker.example:8883 (EHOSTUNREACH)");
    assert.equal(explainFailure(failure("connack timeout"), options), `the broker at broker.example:8883 accepted the connection but sent no CONNACK in ${CONNECT_TIMEOUT_MS / 1000} s (is it an MQTT broker?)`);
  });

  it("a hang-up in the handshake points at the client certificate", () => {
    assert.match(explainFailure(failure("socket hang up", "ECONNRESET"), options), /closed the connection during the handshake: it may not accept our client certificate \(fleet\.pem\)/);
    assert.match(explainFailure(failure("alert", "ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE"), options), /refused the TLS handshake: it may not accept our client certificate/);
    assert.match(explainFailure(failure("socket hang up", "ECONNRESET"), { ...options, cert: undefined }), /it may need a client certificate \(--cert, --key\)/);
  });

  it("a broker certificate the pinned CA does not vouch for", () => {
    for (const code of ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "SELF_SIGNED_CERT_IN_CHAIN", "CERT_HAS_EXPIRED", "ERR_TLS_CERT_ALTNAME_INVALID"]) {
      assert.match(explainFailure(failure("why", code), options), /is not who it should be: its certificate does not verify against --ca ca\.pem \(why\)/, code);
    }
  });
});
