// A typedoc plugin (typedoc.json): names each entry point's module after the package import that
// reaches it — packages/sdk/src/index.ts is "@zerobus-ts/sdk", packages/sdk/src/sync/index.ts is
// "@zerobus-ts/sdk/sync" — instead of typedoc's guess from the path ("sdk/src", "sdk/src/sync").
import { Converter, ReflectionKind } from "typedoc";

const ENTRY_PATH = /^(?<pkg>[a-z][a-z0-9-]*)\/src(?<subpath>\/[a-z0-9/-]+)?$/;

/** @param {import("typedoc").Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const module of context.project.getReflectionsByKind(ReflectionKind.Module)) {
      const match = ENTRY_PATH.exec(module.name);
      if (match?.groups) module.name = `@zerobus-ts/${match.groups.pkg}${match.groups.subpath ?? ""}`;
    }
  });
}
