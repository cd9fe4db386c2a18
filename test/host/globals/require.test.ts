import assert from "node:assert/strict";
import { createHostRuntime } from "../../../scripts/host/runtime.ts";
import { useRuntime } from "../runtime-fixture.ts";

describe("host runtime: require and its modules", () => {
  const fixture = useRuntime();

  it("has no Wifi module: require throws like Espruino", () => {
    const { runtime } = fixture;
    runtime.run('try { require("Wifi"); } catch (e) { print(e.type, e.message, e instanceof Error); }');
    assert.equal(fixture.output, 'Error Module "Wifi" not found true\n');
    runtime.run('try { require("http"); } catch (e) { print(String(e)); }');
    assert.match(fixture.output, /Error: Module "http" not found\n$/);
    assert.equal(runtime.evaluate('require("tls") === require("tls")'), true);
  });

  it("Storage: chunked writes as the espruino CLI sends them, read, list, erase", () => {
    const { runtime } = fixture;
    runtime.run(
      'var S = require("Storage");' +
        'S.write(".bootcde", "print(1);", 0, 18);' +
        'S.write(".bootcde", "print(2);", 9);' +
        'S.write("data", [1, 2, 255]);' +
        'S.writeJSON("cfg", {a: 1});',
    );
    assert.equal(runtime.storage.get(".bootcde"), "print(1);print(2);");
    assert.equal(runtime.evaluate('require("Storage").read("data")'), "\x01\x02\xff");
    assert.equal(runtime.evaluate('require("Storage").readJSON("cfg").a'), 1);
    assert.equal(runtime.evaluate('require("Storage").list().sort().join()'), ".bootcde,cfg,data");
    assert.equal(runtime.evaluate('require("Storage").list() instanceof Array'), true);
    runtime.run('require("Storage").erase("data")');
    assert.equal(runtime.evaluate('require("Storage").read("data")'), undefined);
    runtime.run('try { require("Storage").write("cfg", "toolong", 0, 3); } catch (e) { print(e.message); }');
    assert.equal(fixture.output, "Too much data for file size\n");
  });

  it("uses the tls module it is given (the unit-test stub plugs in here)", () => {
    const stub = { connect: () => ({ stub: true }) } as never;
    const withStub = createHostRuntime({ tls: stub, write: () => {} });
    assert.equal(withStub.evaluate('require("tls").connect({}).stub'), true);
    withStub.close();
  });

  it("without TLS, require(\"tls\") is not found, as on firmware built without it", () => {
    const withoutTls = createHostRuntime({ noTls: true, write: () => {} });
    assert.equal(withoutTls.evaluate('(function(){ try { require("tls"); } catch (e) { return e.message; } })()'), 'Module "tls" not found');
    withoutTls.close();
  });
});
