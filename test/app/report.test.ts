import assert from "node:assert/strict";
import { failure } from "../../app/failure.ts";
import { parseHowsmyssl } from "../../app/howsmyssl.ts";
import type { TlsReport } from "../../app/result.ts";
import { CheckResult, redact, reportLines, resultLine, resultObject } from "../../app/report.ts";
import { howsmysslJson } from "../support/espruino-stub.ts";
import { withEspruinoStrings } from "../support/espruino-quirks.ts";

const report = parseHowsmyssl(howsmysslJson()) as TlsReport;
const base: CheckResult = { url: "https://x.test/a/check", firmware: "2v29", ms: 812, memPeak: 1844, report: null, certVerified: null, failure: null };

describe("report", () => {
  it("puts ok, url, the outcome, then time, memory and firmware in the RESULT object", () => {
    const out = resultObject({ ...base, report, certVerified: true });
    assert.deepEqual(Object.keys(out).slice(0, 4), ["ok", "url", "tls_version", "rating"]);
    assert.deepEqual(Object.keys(out).slice(-4), ["cert_verified", "ms", "mem_peak", "firmware"]);
    assert.equal(out.ok, true);
    assert.equal(out.mem_peak, 1844);
  });

  it("describes a failure with error, detail and hint", () => {
    const out = resultObject({ ...base, failure: failure("REFUSED", "Unable to create socket") });
    assert.deepEqual(out, {
      ok: false,
      url: base.url,
      error: "REFUSED",
      detail: "Unable to create socket",
      hint: failure("REFUSED", "").hint,
      ms: 812,
      mem_peak: 1844,
      firmware: "2v29",
    });
  });

  it("writes one RESULT line of JSON", () => {
    const line = resultLine({ ...base, report, certVerified: false });
    assert.match(line, /^RESULT \{.*\}$/);
    assert.ok(!line.includes("\n"));
    assert.equal(JSON.parse(line.slice(7)).cert_verified, false);
  });

  it("renders every field for people, and warns when the server went unauthenticated", () => {
    const lines = reportLines({ ...base, report, certVerified: false });
    assert.ok(lines.includes("  rating: Improvable"));
    assert.ok(lines.includes("  given_named_groups: x25519, secp256r1, secp384r1"));
    assert.ok(lines.includes("  insecure_cipher_suites: {}"));
    assert.match(lines[lines.length - 1], /^WARNING: server NOT authenticated/);
    assert.ok(!reportLines({ ...base, report, certVerified: true }).some((line) => line.startsWith("WARNING")));
  });

  it("redacts every occurrence of every secret", () => {
    assert.equal(redact("pw=hunter22 again hunter22, key=KEYDATA", ["hunter22", "KEYDATA", ""]), "pw=*** again ***, key=***");
    assert.equal(redact("aaaaa", ["aa"]), "******a");
  });

  it("redacts right with Espruino's string methods, and keeps text shorter than a secret", () => {
    withEspruinoStrings(() => {
      assert.equal(redact("ok", ["password"]), "ok");
      assert.equal(redact("pw: aaaa", ["aa"]), "pw: ******");
      assert.equal(redact("x hunter22hunter2", ["hunter22"]), "x ***hunter2");
    });
  });
});
