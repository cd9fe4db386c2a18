// Where things live in the repository.
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const DIST_DIR = path.join(REPO_ROOT, "dist");
export const DEFAULT_BUNDLE = path.join(DIST_DIR, "app.js");
