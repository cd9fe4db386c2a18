// Every bad input a user can give the scripts ends in one line that names
// what to fix, exit code 1, no stack trace and nothing written.
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT as REPO } from "../scripts/lib/paths.ts";
import { runScriptToEnd, type ScriptRun } from "./support/run-script.ts";

interface BadInput {
  what: string;
  script: "start" | "build" | "upload" | "virtual-device";
  /** Arguments; CONFIG stands for a configuration file holding `config`, PORT for a port another process holds. */
  args: string[];
  config?: string;
  env?: NodeJS.ProcessEnv;
  expect: RegExp;
}

const SERVER_CERT = path.join(REPO, ".dev-pki", "server.pem");

const CASES: BadInput[] = [
  { what: "--serve on a port in use", script: "start", args: ["--serve", "--port", "PORT"], expect: /^error: --port \d+: port \d+ on 127\.0\.0\.1 is already in use .*; try --port \d+$/ },
  { what: "--serve --host with an impossible IPv4 address", script: "start", args: ["--serve", "--host", "999.1.1.1"], expect: /^error: --host "999\.1\.1\.1": not a valid IP address$/ },
  { what: "--serve --host with a name that does not resolve", script: "start", args: ["--serve", "--host", "nosuch.invalid"], expect: /^error: --host nosuch\.invalid: no such host/ },
  { what: "--rate-at that is not a date", script: "start", args: ["--rate-at", "yesterday"], expect: /^error: option '--rate-at <iso-date>' argument 'yesterday' is invalid\. --rate-at takes an ISO date/ },
  { what: "--serve --host that is not this machine's", script: "start", args: ["--serve", "--host", "192.0.2.1"], expect: /^error: --host 192\.0\.2\.1: not an address of this machine/ },
  { what: "a number as the SSID", script: "build", args: ["--config", "CONFIG"], config: '{"wifiSsid":12}', expect: /: wifiSsid \(--wifi-ssid\) must be a string \(got 12\)$/ },
  { what: "ca 0 (once read standard input)", script: "build", args: ["--config", "CONFIG"], config: '{"ca":0}', expect: /: ca \(--ca\) must be a string or null \(got 0\)$/ },
  { what: "ca 3 (once read file descriptor 3)", script: "build", args: ["--config", "CONFIG"], config: '{"ca":3}', expect: /: ca \(--ca\) must be a string or null \(got 3\)$/ },
  { what: "a number as the Wi-Fi password", script: "build", args: ["--config", "CONFIG"], config: '{"wifiSsid":"Net","wifiPassword":12345678}', expect: /: wifiPassword \(--wifi-password\) must be a string$/ },
  { what: "a number as the NTP server", script: "build", args: ["--config", "CONFIG"], config: '{"ntpServer":5}', expect: /: ntpServer \(--ntp-server\) must be a string \(got 5\)$/ },
  { what: "a NUL in the SSID", script: "build", args: ["--config", "CONFIG"], config: '{"wifiSsid":"Net\\u0000"}', expect: /: wifiSsid \(--wifi-ssid\) must not contain control characters/ },
  { what: "a newline in the SSID flag", script: "build", args: ["--wifi-ssid", "Net\nWork"], expect: /^error: --wifi-ssid \(wifiSsid\) must not contain control characters/ },
  { what: "a newline in the password", script: "build", args: ["--config", "CONFIG"], config: '{"wifiSsid":"Net","wifiPassword":"Pa55word\\nPa55"}', expect: /: wifiPassword \(--wifi-password\) must be 8 to 63 printable ASCII/ },
  { what: "a NUL in WIFI_PASSWORD", script: "build", args: [], env: { WIFI_SSID: "Net", WIFI_PASSWORD: "Pa55word\u0001Pa55" }, expect: /^error: WIFI_PASSWORD \(wifiPassword\) must be 8 to 63 printable ASCII/ },
  { what: "port 0 in the URL", script: "build", args: ["--url", "https://127.0.0.1:0/a/check"], expect: /^error: --url \(url\): port 0 is not a port a server listens on$/ },
  { what: "a URL without a host", script: "build", args: ["--url", "https:///a/check"], expect: /^error: --url \(url\) has no host name: write it as https:\/\/HOST\/PATH$/ },
  { what: "upload with an unknown option", script: "upload", args: ["--bogus"], expect: /^error: unknown option '--bogus'$/ },
  { what: "upload without --port", script: "upload", args: [], expect: /^error: --port is required/ },
  { what: "upload --deadline too small", script: "upload", args: ["--port", "tcp://127.0.0.1:1", "--deadline", "5"], expect: /^error: --deadline \(deadlineMs\) must be at least 1000 \(got 5\)$/ },
  { what: "a firmware the host runtime cannot play", script: "start", args: ["--firmware", "esp-idf"], expect: /^error: option '--firmware <name>' argument 'esp-idf' is invalid\. Allowed choices are wolfssl, mbedtls, stock\.$/ },
  { what: "--stock-tls with another --firmware", script: "start", args: ["--stock-tls", "--firmware", "wolfssl"], expect: /^error: --stock-tls means --firmware stock, not --firmware wolfssl: give one of them$/ },
  { what: "--firmware with --serve (only the checker runs)", script: "start", args: ["--serve", "--firmware", "mbedtls"], expect: /^error: --firmware and --stock-tls choose what the host runtime plays; --serve runs only the checker$/ },
  { what: "virtual-device --stock-tls with another --firmware", script: "virtual-device", args: ["--stock-tls", "--firmware", "mbedtls"], expect: /^error: --stock-tls means --firmware stock, not --firmware mbedtls: give one of them$/ },
  { what: "plain mqtt://", script: "build", args: ["--mqtt", "mqtt://broker.test"], expect: /^error: --mqtt \(mqtt\) plain mqtt:\/\/ is refused: it would send every RESULT and any password unencrypted, to a broker nobody verified; use mqtts:\/\/HOST\[:PORT\]$/ },
  { what: "--mqtt without the broker (only npm start has one of its own)", script: "build", args: ["--mqtt"], expect: /^error: --mqtt needs the broker, mqtts:\/\/HOST\[:PORT\] \(only npm start runs a broker of its own\)$/ },
  { what: "a wildcard in the topic", script: "build", args: ["--mqtt", "mqtts://b.test", "--mqtt-client-id", "d", "--mqtt-topic", "espruino-tls-check/#"], expect: /^error: --mqtt-topic \(mqttTopic\) must not contain \+ or # \(wildcards are for subscribing\)/ },
  { what: "--every that is no number", script: "build", args: ["--every", "soon"], expect: /^error: option '--every <minutes>' argument 'soon' is invalid\. --every takes a number, not "soon"$/ },
  { what: "--every 0", script: "build", args: ["--mqtt", "mqtts://b.test", "--mqtt-client-id", "d", "--every", "0"], expect: /^error: --every \(every\) must be more than 0 \(got 0\)$/ },
  { what: "a profile nobody wrote", script: "build", args: ["--mqtt-profile", "hivemq"], expect: /^error: option '--mqtt-profile <name>' argument 'hivemq' is invalid\. Allowed choices are generic, azure-iot-hub, aws-iot\.$/ },
  { what: "no client id and no certificate to take it from", script: "build", args: ["--mqtt", "mqtts://b.test"], expect: /^error: mqttClientId \(--mqtt-client-id\) is needed: there is no client certificate to take the common name from$/ },
  { what: "aws-iot without the thing name", script: "build", args: ["--mqtt", "mqtts://a.iot.test", "--mqtt-profile", "aws-iot"], expect: /^error: --mqtt-profile aws-iot needs mqttClientId \(--mqtt-client-id\) \(the thing name\)$/ },
  { what: "MQTT_PASSWORD without a broker", script: "build", args: [], env: { MQTT_PASSWORD: "hunter22" }, expect: /^error: MQTT_PASSWORD \(mqttPassword\): no broker to publish to; give --mqtt mqtts:\/\/HOST\[:PORT\]$/ },
  { what: "an MQTT password without a user name", script: "upload", args: ["--port", "tcp://127.0.0.1:1", "--mqtt", "mqtts://b.test", "--mqtt-client-id", "d", "--mqtt-password", "hunter22"], expect: /^error: --mqtt-password \(mqttPassword\) needs mqttUsername \(--mqtt-username\): MQTT 3\.1\.1 sends a password only with a user name$/ },
  { what: "a broker URL that is no URL", script: "start", args: ["--mqtt", "mqtts://[nope"], expect: /^error: --mqtt \(mqtt\) is not a URL: write it as mqtts:\/\/HOST\[:PORT\]$/ },
  { what: "virtual-device --listen that is no address", script: "virtual-device", args: ["--listen", "nonsense"], expect: /^error: option '--listen <host:port>' argument 'nonsense' is invalid\. expected HOST:PORT/ },
];

function readIfExists(file: string): string | null {
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : null;
}

describe("bad input: one line, exit 1, no stack trace", function () {
  this.timeout(60_000);
  let dir: string;
  let busy: net.Server;
  let busyPort: number;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "bad-input-"));
    busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    busyPort = (busy.address() as net.AddressInfo).port;
  });
  after(() => {
    busy.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const [index, input] of CASES.entries()) {
    it(`${input.script}: ${input.what}`, async () => {
      const config = path.join(dir, `config-${index}.json`);
      fs.writeFileSync(config, input.config ?? "{}");
      const args = input.args.map((arg) => (arg === "CONFIG" ? config : arg === "PORT" ? String(busyPort) : arg));
      // An empty configuration unless the case gives one, so a developer's app.config.json plays no part.
      if (!args.includes("--config") && input.script !== "virtual-device") args.push("--config", config);
      const serverCertBefore = readIfExists(SERVER_CERT);
      const run: ScriptRun = await runScriptToEnd(input.script, args, { env: { WIFI_SSID: "", WIFI_PASSWORD: "", MQTT_PASSWORD: "", ...input.env } });
      const output = run.stdout + run.stderr;
      assert.equal(run.timedOut, false, `it hung (read standard input?):\n${output}`);
      assert.equal(run.code, 1, output);
      const lines = output.split("\n").filter((line) => line.trim() !== "");
      assert.equal(lines.length, 1, `one line, not:\n${output}`);
      assert.match(lines[0], input.expect);
      assert.ok(!/^ {4}at /m.test(output), output);
      assert.equal(readIfExists(SERVER_CERT), serverCertBefore, "the dev PKI's server certificate is untouched");
    });
  }
});
