// The fleet page (`npm run fleet -- --web PORT`) in a real headless Chromium
// (Debian's package, driven by playwright-core): devices publish to a real
// Mosquitto with mutual TLS, and their rows and history points appear on the
// page as the server-sent events come in. Skipped, loudly, without Mosquitto
// or Chromium; CI installs both (.ci/run).
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { MOSQUITTO, startMosquitto, type Mosquitto } from "../../scripts/fleet/mosquitto.ts";
import { publishAsDevice, resultTopic } from "../../scripts/fleet/simulated-device.ts";
import { createCa, issueLeaf, type Issued } from "../../scripts/certs/issue.ts";
import { exitCode, killAllFollowed, runScript, type FollowedChild } from "../support/run-script.ts";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const GOOD = { ok: true, url: "https://checker.test/a/check", tls_version: "TLS 1.3", rating: "Probably Okay", cert_verified: true, ms: 640, mem_peak: 1759, firmware: "2v29" };
/** A device whose certificate's common name is markup: the page must show it as text. */
const MARKUP_ID = "<img src x onerror alert(1)>";

describe("the fleet page in headless Chromium", function () {
  this.timeout(60_000);
  let dir = "";
  let profile = "";
  let ca: Issued;
  let broker: Mosquitto | null = null;
  let fleet: FollowedChild | null = null;
  let browser: BrowserContext | null = null;
  let page: Page;
  const certificates = new Map<string, Issued>();

  async function publish(id: string, payload: unknown): Promise<void> {
    if (!certificates.has(id)) certificates.set(id, await issueLeaf(ca, "client", { commonName: id, key: "ec-p256" }));
    const issued = certificates.get(id)!;
    const body = typeof payload === "string" ? payload : JSON.stringify(payload);
    await publishAsDevice({ host: "127.0.0.1", port: broker!.port, caPem: ca.certPem }, { clientId: id, certPem: issued.certPem, keyPem: issued.keyPem }, resultTopic(id), body);
  }
  const row = (id: string) => page.locator(`tr[data-device="${id}"]`);
  const cellText = (id: string, name: string) => row(id).locator(`td.${name}`).textContent();

  before(async function () {
    for (const needed of [MOSQUITTO, CHROMIUM]) {
      if (!fs.existsSync(needed)) {
        console.log(`    (skipped: ${needed} is not installed)`);
        this.skip();
      }
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-web-"));
    profile = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-chromium-"));
    ca = await createCa({ commonName: "Fleet Page Test CA", key: "ec-p256" });
    const server = await issueLeaf(ca, "server", { commonName: "localhost", names: ["localhost", "127.0.0.1"], key: "ec-p256" });
    const reader = await issueLeaf(ca, "client", { commonName: "fleet", key: "ec-p256" });
    for (const [name, text] of Object.entries({ "ca.pem": ca.certPem, "fleet.pem": reader.certPem, "fleet-key.pem": reader.keyPem })) fs.writeFileSync(path.join(dir, name), text);
    broker = await startMosquitto({ caPem: ca.certPem, serverCertPem: server.certPem, serverKeyPem: server.keyPem, readers: ["fleet"] });
    const flags = ["--ca", "ca.pem", "--cert", "fleet.pem", "--key", "fleet-key.pem"].map((value) => (value.endsWith(".pem") ? path.join(dir, value) : value));
    fleet = runScript("fleet", ["--broker", `mqtts://127.0.0.1:${broker.port}`, ...flags, "--web", "0", "--json"]);
    await fleet.waitFor("stderr", /fleet page: http:\/\/127\.0\.0\.1:\d+\//);
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
    page = await browser.newPage();
    await page.goto(/fleet page: (\S+)/.exec(fleet.stderr())![1]);
    await page.locator("#connection", { hasText: "live" }).waitFor();
  });

  after(async () => {
    await browser?.close();
    if (fleet) {
      fleet.child.kill("SIGINT");
      await exitCode(fleet);
    }
    await killAllFollowed();
    await broker?.stop();
    for (const folder of [dir, profile]) if (folder) fs.rmSync(folder, { recursive: true, force: true });
  });

  it("shows the broker and topic, and no device yet", async () => {
    assert.match((await page.locator("#where").textContent()) ?? "", /^espruino-tls-check\/\+\/result at 127\.0\.0\.1:\d+; marked: failed checks, unverified, rated Bad;$/);
    assert.equal(await page.locator("#devices tr").count(), 0);
    assert.equal(await page.locator("#summary").textContent(), "waiting for devices");
  });

  it("a device publishes: its row appears with the RESULT's fields, and its plot has a point", async () => {
    await publish("web-01", GOOD);
    await row("web-01").waitFor();
    assert.equal(await cellText("web-01", "status"), "ok");
    assert.equal(await cellText("web-01", "rating"), "Probably Okay");
    assert.equal(await cellText("web-01", "tls"), "TLS 1.3");
    assert.equal(await cellText("web-01", "verified"), "yes");
    assert.equal(await cellText("web-01", "mem"), "1759");
    assert.equal(await cellText("web-01", "ms"), "640");
    assert.equal(await row("web-01").getAttribute("class"), null, "not marked");
    assert.equal(await row("web-01").locator("svg.plot").getAttribute("data-points"), "1");
    assert.equal(await row("web-01").locator("svg.plot circle").count(), 2, "a dot for ms and one for mem_peak");
  });

  it("the device publishes again: the row is updated in place and the plot gets a second point", async () => {
    await publish("web-01", { ...GOOD, ms: 700, mem_peak: 1800 });
    await row("web-01").locator('svg.plot[data-points="2"]').waitFor();
    assert.equal(await page.locator('tr[data-device="web-01"]').count(), 1);
    assert.equal(await cellText("web-01", "ms"), "700");
    assert.equal(await cellText("web-01", "msgs"), "2");
    const points = (await row("web-01").locator("polyline.ms").getAttribute("points")) ?? "";
    assert.equal(points.split(" ").length, 2);
  });

  it("unverified and Bad devices are marked, rows stay sorted, markup in an id stays text, malformed messages are counted", async () => {
    await publish("web-03", { ...GOOD, rating: "Bad" });
    await publish("web-02", { ...GOOD, cert_verified: false });
    await publish(MARKUP_ID, GOOD);
    await publish("web-04", "not a result");
    await page.locator("#malformed", { hasText: "1 malformed message" }).waitFor();
    assert.deepEqual(await page.locator("#devices tr").evaluateAll((rows) => rows.map((tr) => (tr as HTMLElement).dataset.device)), [MARKUP_ID, "web-01", "web-02", "web-03"]);
    assert.equal(await row("web-02").getAttribute("class"), "attention");
    assert.equal(await cellText("web-02", "verified"), "NO");
    assert.equal(await cellText("web-02", "attention-reasons"), "unverified");
    assert.equal(await row("web-03").getAttribute("class"), "attention");
    assert.equal(await cellText("web-03", "attention-reasons"), "rated Bad");
    assert.equal(await page.locator("#devices img").count(), 0, "no element made from a device's id");
    assert.equal(await page.locator("#devices td.id").first().textContent(), MARKUP_ID);
    assert.equal(await page.locator("#summary").textContent(), "4 devices, 2 need a look, 6 messages");
    assert.match((await page.locator("#malformed").textContent()) ?? "", /^1 malformed message \(last: espruino-tls-check\/web-04\/result: not JSON\)$/);
  });

  it("a page opened later gets the whole table at once, histories included", async () => {
    const late = await browser!.newPage();
    await late.goto(page.url());
    await late.locator("#devices tr").nth(3).waitFor();
    assert.equal(await late.locator('tr[data-device="web-01"] svg.plot').getAttribute("data-points"), "2");
    assert.equal(await late.locator("#summary").textContent(), "4 devices, 2 need a look, 6 messages");
    await late.close();
  });
});
