// Bundle entry: the build's configuration and Espruino's real globals.
import CONFIG from "app-config";
import { joinWifi } from "app-wifi";
import { startPublisher } from "app-mqtt";
import { espruinoPlatform } from "./espruino.ts";
import { main } from "./main.ts";

main(
  CONFIG,
  espruinoPlatform({
    require: require,
    process: process,
    E: E,
    url: url,
    atob: atob,
    setTimeout: setTimeout,
    clearTimeout: clearTimeout,
    log: (line) => console.log(line),
    now: () => Date.now(),
  }),
  joinWifi,
  null,
  startPublisher,
);
