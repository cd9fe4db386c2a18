// The fleet view as a web page (`--web PORT`): the page, its script (the
// browser code in scripts/fleet/page.ts, bundled by esbuild when the server
// starts) and a server-sent event stream: the whole table when a page
// connects, then each device's row and history as its RESULT comes in.
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import type { DeviceRow, HistoryPoint, MalformedSummary } from "./devices.ts";

export interface DeviceEntry {
  row: DeviceRow;
  history: HistoryPoint[];
}

/** Everything a page needs when it (re)connects. */
export interface Snapshot {
  broker: string;
  topic: string;
  failOn: string | null;
  connected: boolean;
  messages: number;
  devices: DeviceEntry[];
  malformed: MalformedSummary;
}

export interface WebView {
  url: string;
  device(entry: DeviceEntry, messages: number): void;
  malformed(summary: MalformedSummary, messages: number): void;
  connection(connected: boolean, text: string): void;
  close(): Promise<void>;
}

/** A comment every so often keeps idle streams open through proxies and tells a page the server is there. */
const HEARTBEAT_MS = 15_000;
const PAGE_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "page.ts");

const HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>espruino-tls-check fleet</title>
<link rel="stylesheet" href="page.css">
<script src="page.js" defer></script>
</head>
<body>
<header>
<h1>espruino-tls-check fleet</h1>
<p><span id="where"></span> <span id="connection" class="pending">connecting</span></p>
<p id="summary">waiting for devices</p>
<p id="malformed" hidden></p>
</header>
<table>
<thead><tr><th></th><th>device</th><th>last seen (UTC)</th><th>status</th><th>rating</th><th>TLS</th><th>verified</th><th>mem_peak</th><th>ms</th><th>msgs</th><th>attention</th><th>history <span class="legend-ms">ms</span> <span class="legend-mem">mem_peak</span></th></tr></thead>
<tbody id="devices"></tbody>
</table>
</body>
</html>
`;

const CSS = `body { font: 14px system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.3em; margin: 0 0 .3em; }
header p { margin: .2em 0; }
#connection.up { color: #17803d; } #connection.down, #connection.pending { color: #b45309; }
#malformed { color: #b45309; }
table { border-collapse: collapse; margin-top: 1em; }
th, td { text-align: left; padding: .25em .6em; border-bottom: 1px solid #ddd; white-space: nowrap; }
th { font-weight: 600; color: #555; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
tr.attention { background: #fdecec; }
tr.attention td.mark { color: #b91c1c; font-weight: 700; }
.good { color: #17803d; } .warn { color: #b45309; } .bad { color: #b91c1c; font-weight: 600; }
svg.plot { display: block; }
svg.plot polyline { fill: none; stroke-width: 1.5; }
svg.plot .ms { stroke: #2563eb; } svg.plot .mem { stroke: #ea580c; }
svg.plot circle.ms { fill: #2563eb; stroke: none; } svg.plot circle.mem { fill: #ea580c; stroke: none; }
.legend-ms { color: #2563eb; } .legend-mem { color: #ea580c; }
`;

/** The page's script, bundled for the browser. */
async function pageScript(): Promise<string> {
  const result = await build({ entryPoints: [PAGE_SCRIPT], bundle: true, write: false, format: "iife", target: "es2020", logLevel: "silent" });
  return result.outputFiles[0].text;
}

const event = (name: string, data: unknown): string => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

/** Serves the page on host:port (0: any free port) until close(). */
export async function startWebView(host: string, port: number, snapshot: () => Snapshot): Promise<WebView> {
  const script = await pageScript();
  const streams = new Set<http.ServerResponse>();
  const headers = {
    // The page loads only its own script and style, and talks only to this server.
    "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'",
    "x-content-type-options": "nosniff",
    "cache-control": "no-store",
  };
  const server = http.createServer((request, response) => {
    const route = (request.url ?? "/").split("?")[0];
    if (request.method !== "GET") {
      response.writeHead(405, headers).end();
    } else if (route === "/") {
      response.writeHead(200, { ...headers, "content-type": "text/html; charset=utf-8" }).end(HTML);
    } else if (route === "/page.js") {
      response.writeHead(200, { ...headers, "content-type": "text/javascript; charset=utf-8" }).end(script);
    } else if (route === "/page.css") {
      response.writeHead(200, { ...headers, "content-type": "text/css; charset=utf-8" }).end(CSS);
    } else if (route === "/events") {
      response.writeHead(200, { ...headers, "content-type": "text/event-stream" });
      response.write(event("snapshot", snapshot()));
      streams.add(response);
      request.on("close", () => streams.delete(response));
    } else {
      response.writeHead(404, { ...headers, "content-type": "text/plain" }).end("not found\n");
    }
  });
  const heartbeat = setInterval(() => {
    for (const stream of streams) stream.write(": heartbeat\n\n");
  }, HEARTBEAT_MS);
  heartbeat.unref();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as net.AddressInfo).port;
  const broadcast = (name: string, data: unknown) => {
    const text = event(name, data);
    for (const stream of streams) stream.write(text);
  };
  return {
    url: `http://${net.isIPv6(host) ? `[${host}]` : host}:${bound}/`,
    device: (entry, messages) => broadcast("device", { ...entry, messages }),
    malformed: (summary, messages) => broadcast("malformed", { malformed: summary, messages }),
    connection: (connected, text) => broadcast("connection", { connected, text }),
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(heartbeat);
        for (const stream of streams) stream.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
