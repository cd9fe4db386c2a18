// Modules the build provides (scripts/build/bundle.ts).

/** The configuration embedded in the bundle. */
declare module "app-config" {
  const config: import("../app/config.ts").AppConfig;
  export default config;
}

/** app/wifi.ts when the configuration names a Wi-Fi network, else null (and the code is left out). */
declare module "app-wifi" {
  export const joinWifi: typeof import("../app/wifi.ts").joinWifi | null;
}

/** app/publisher.ts when the configuration names an MQTT broker, else null (and the code is left out). */
declare module "app-mqtt" {
  export const startPublisher: typeof import("../app/publisher.ts").startPublisher | null;
}
