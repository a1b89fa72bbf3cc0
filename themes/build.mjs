// Builds the front-end assets into themes/build/: run by `npm run build` (via make).
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const assets = join(here, "base", "assets");
const out = join(here, "build");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const css = sass.compile(join(assets, "carepurse.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "carepurse.css"), css.css);
cpSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
cpSync(join(assets, "carepurse.mjs"), join(out, "carepurse.mjs"));
cpSync(join(assets, "images"), join(out, "images"), { recursive: true });

// Content hashes let pages ask browsers to cache assets for a year.
const manifest = {};
for (const name of ["carepurse.css", "carepurse.mjs", "govuk-frontend.min.js"]) {
  const digest = createHash("sha256").update(readFileSync(join(out, name))).digest("hex");
  manifest[name] = digest.slice(0, 12);
}
writeFileSync(join(out, "manifest.json"), JSON.stringify(manifest, null, 2));
console.log(`built ${Object.keys(manifest).length} assets into ${out}`);
