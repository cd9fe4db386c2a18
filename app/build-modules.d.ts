// Modules the build provides to the app (scripts/build/bundle.ts): the configuration, and
// the optional parts it swaps in or leaves out.

/** The configuration embedded in the bundle. */
declare module "app-config" {
  const config: import("./config.ts").EmbeddedConfig;
  export default config;
}

/** app/wifi.ts when the configuration names a Wi-Fi network, else null (and the code is left out). */
declare module "app-wifi" {
  export const joinWifi: typeof import("./wifi.ts").joinWifi | null;
}

/** app/publisher.ts when the configuration names an MQTT broker, else null (and the code is left out). */
declare module "app-mqtt" {
  export const startPublisher: typeof import("./publisher.ts").startPublisher | null;
}
