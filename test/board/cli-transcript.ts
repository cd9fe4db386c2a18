// A real upload as the espruino CLI 0.1.67 (--verbose) printed it, uploading
// to a stock Espruino 2v29 Linux build's telnet console with
// `--config SAVE_ON_SEND=1` (long lines shortened): the input of the tests
// that read the CLI's output, alone (cli-output) and in an upload session.
import type { Stream } from "../../scripts/board/cli-output.ts";

export const ENV_ANSWER =
  '\r\n< << {"VERSION":"2v29","GIT_COMMIT":"6106910b8","BOARD":"LINUX","RAM":0,"FLASH":262144,"SPIFLASH":262144,"STORAGE":262144,' +
  '"SERIAL":"00000000-addeadde-addeadde","CONSOLE":"Telnet","MODULES":"timer,Flash,Storage,heatshrink,fs,net,dgram,tls,http,NetworkJS,TelnetServer,crypto,tensorflow","EXPTR":-887698432} >> >\r\n>';

/** The upload write as codeWriter.js frames it with SAVE_ON_SEND=1, and the chunks serial.js logs for it. */
export function uploadWrite(source: string): { data: string; chunks: string[] } {
  const parts = [`\x10reset();\n`, `\x10print()\n\x10require("Storage").write(".bootcde",${JSON.stringify(source.slice(0, 1024))},0,${source.length});\n`];
  for (let i = 1024; i < source.length; i += 1024) parts.push(`\x10require("Storage").write(".bootcde",${JSON.stringify(source.slice(i, i + 1024))},${i});\n`);
  parts.push("\x10load()\n", "\n");
  return { data: parts.join(""), chunks: parts };
}

export const SOURCE = 'var secret = "hunter2hunter2";\nvar pad = "' + "x".repeat(3000) + '";\nconsole.log("booted", 1+2, pad.length);\n';

export function transcript(): Array<[Stream, string]> {
  const upload = uploadWrite(SOURCE);
  return [
    ["stdout", "Espruino Command-line Tool 0.1.67"],
    ["stdout", "Command-line option set Espruino.Config.SAVE_ON_SEND to 1"],
    ["stdout", "Connecting to 'tcp://127.0.0.1:2323'"],
    ["stdout", "serial: Set Slow Write = true ('Throttle Send'='Auto')"],
    ["stdout", "serialport error: Error: spawn udevadm ENOENT"],
    ["stdout", "serial: Connected Ok"],
    ["stdout", 'serial: Sending "\\n"'],
    ["stdout", "Received a prompt after sending newline... good!"],
    ["stdout", "Sending..."],
    ["stdout", `serial: ---> ${JSON.stringify('\x10print("<","<<",JSON.stringify(process.env),">>",">")\n')}`],
    ["stdout", `serial: Sending ${JSON.stringify('\x10print("<","<<",JSO')}`],
    ["stdout", "Sent"],
    ["stdout", `Got ${JSON.stringify(ENV_ANSWER)}`],
    ["stderr", "[Error: ENOENT: no such file or directory, open '/tmp/x/no-board-files/LINUX.json'] {"],
    ["stderr", "  errno: -2,"],
    ["stderr", "}"],
    ["stdout", "Connected"],
    ["stdout", "Uploading 3169 bytes to flash"],
    ["stdout", "Sending..."],
    ["stdout", `serial: ---> ${JSON.stringify(upload.data)}`],
    ["stdout", "serial: Splitting for reset(), delay 250"],
    ["stdout", `serial: Sending ${JSON.stringify(upload.chunks[0])}`],
    ["stdout", "--] >\r"],
    ["stdout", "--]  ____                 _ \r"],
    ...upload.chunks.slice(1, -1).map((chunk): [Stream, string] => ["stdout", `serial: Sending ${JSON.stringify(chunk)}`]),
    ["stdout", "--] \r\x1b[Jbooted 3 3000\r"],
    ["stdout", `serial: Sending ${JSON.stringify("\n")}`],
    ["stdout", "Sent"],
    ["stdout", "--] >\r"],
    ["stdout", "Upload Complete. Sleeping for 3s"],
    ["stdout", '--] >\r\x1b[JRESULT {"ok":true,"url":"x"}\r'],
  ];
}
