#!/usr/bin/env node
// The `zerobus` command. It runs the package's private `#main` import: the build (dist/esm/main.js) in an
// installed package, or the TypeScript sources when Node runs with `--conditions=zerobus-source --import tsx`
// (this repository's tests). In a checkout that has not been built, it hands over to the repository-only
// source launcher, which is not part of the published package.
try {
  await import("#main");
} catch (err) {
  if (!isMissingBuild(err)) throw err;
  const launcher = new URL("./run-from-source.mjs", import.meta.url);
  try {
    await import(launcher.href);
  } catch (launcherErr) {
    if (launcherErr?.code === "ERR_MODULE_NOT_FOUND") throw err; // an installed package without its build
    throw launcherErr;
  }
}

/** Whether `err` says the build's entry point itself is missing (not a failure inside the command). */
function isMissingBuild(err) {
  return err?.code === "ERR_MODULE_NOT_FOUND" && /dist[\\/]esm[\\/]main\.js/.test(String(err.message));
}
