// The npm mirror of this workplace lacks the macOS and Windows builds of some platform packages
// (workerd, biome), so `npm install` leaves them out of package-lock.json and `npm ci` then
// refuses the lock file. This adds their entries back (os/cpu set, so npm skips them on Linux
// and fetches them from the public registry elsewhere). Run after `npm install`.
import { readFileSync, writeFileSync } from "node:fs";

const platformOf = (name) => {
  const os = /darwin/.test(name)
    ? "darwin"
    : /win(32|dows)/.test(name)
      ? "win32"
      : /android/.test(name)
        ? "android"
        : "linux";
  const cpu = /arm64/.test(name) ? "arm64" : "x64";
  return { os: [os], cpu: [cpu] };
};

const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = path === "" ? "" : `${path}/`;
    // Platform builds are pinned to an exact version; a range is an ordinary optional
    // dependency npm chose not to install (e.g. less's make-dir), not a missing platform build.
    if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(version)) continue;
    const candidates = [`${base}node_modules/${name}`, `node_modules/${name}`];
    if (candidates.some((p) => lock.packages[p])) continue;
    const sibling = Object.entries(lock.packages).find(
      ([p]) =>
        p.startsWith(`${base}node_modules/`) &&
        p.slice(0, p.lastIndexOf("/")) === `${base}node_modules/${name.split("/")[0]}` &&
        lock.packages[p].optional &&
        lock.packages[p].version === version,
    );
    lock.packages[`${base}node_modules/${name}`] = {
      version,
      ...platformOf(name),
      dev: sibling?.[1].dev ?? true,
      license: sibling?.[1].license,
      optional: true,
    };
    added += 1;
  }
}
writeFileSync("package-lock.json", `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform entries`);
