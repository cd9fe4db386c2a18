// The `url` global: url.parse, whose results are objects of the app's realm.
import { parseUrl } from "../url-parse.ts";
import type { GlobalScope, RuntimeServices } from "./runtime-services.ts";

export function installUrl(globals: GlobalScope, runtime: RuntimeServices): void {
  const realm = runtime.session.helpers;
  globals.url = realm.object({
    parse: (text: unknown, parseQuery?: unknown) => {
      const parsed = parseUrl(text, Boolean(parseQuery));
      if (!parsed) return undefined;
      const query = parsed.query;
      return realm.object({ ...parsed, query: query !== null && typeof query === "object" ? realm.object(query) : query });
    },
  });
}
