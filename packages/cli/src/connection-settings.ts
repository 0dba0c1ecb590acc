/**
 * Where the service is and who we are: from flags, else from the environment variables `zerobus local`
 * prints (`ZEROBUS_SERVER_ENDPOINT`, `DATABRICKS_WORKSPACE_URL`, `DATABRICKS_CLIENT_ID`,
 * `DATABRICKS_CLIENT_SECRET`). Flags win.
 */
import { readFileSync } from "node:fs";
import { CliError, errorText, UsageError } from "./cli-error.js";

/** The flags of every command that talks to a service. */
export const CONNECTION_OPTIONS = {
  endpoint: { type: "string" },
  "workspace-url": { type: "string" },
  "client-id": { type: "string" },
  "client-secret": { type: "string" },
  "ca-cert": { type: "string" },
} as const;

/** Help text for {@link CONNECTION_OPTIONS}; `withEndpoint` for commands that open streams. */
export function connectionHelp(withEndpoint: boolean): string {
  return [
    "Connection (flags win over the environment):",
    ...(withEndpoint ? ["  --endpoint URL         Zerobus endpoint            [env ZEROBUS_SERVER_ENDPOINT]"] : []),
    "  --workspace-url URL    workspace / Unity Catalog   [env DATABRICKS_WORKSPACE_URL]",
    "  --client-id ID         OAuth client id             [env DATABRICKS_CLIENT_ID]",
    "  --client-secret S      OAuth client secret         [env DATABRICKS_CLIENT_SECRET]",
    "  --ca-cert FILE         PEM certificate(s) to trust for https:// URLs (e.g. a local --tls-cert)",
  ].join("\n");
}

/** Resolved connection settings. */
export interface ConnectionSettings {
  /** The Zerobus (gRPC) endpoint; empty when the command does not need one. */
  serverEndpoint: string;
  workspaceUrl: string;
  clientId: string;
  clientSecret: string;
  /** Extra trusted roots for TLS, from `--ca-cert`. */
  caCert: Buffer | undefined;
}

/** Flag values as `parseArgs` returns them for {@link CONNECTION_OPTIONS}. */
export interface ConnectionFlags {
  endpoint?: string | undefined;
  "workspace-url"?: string | undefined;
  "client-id"?: string | undefined;
  "client-secret"?: string | undefined;
  "ca-cert"?: string | undefined;
}

/** Resolves the settings, naming the flag and variable of anything missing in a `UsageError`. */
export function resolveConnection(flags: ConnectionFlags, env: NodeJS.ProcessEnv, needEndpoint: boolean): ConnectionSettings {
  const pick = (flag: keyof ConnectionFlags, variable: string, required: boolean): string => {
    const value = flags[flag] ?? env[variable] ?? "";
    if (required && value === "") throw new UsageError(`missing ${flag.replace("-", " ")}: pass --${flag} or set ${variable}`);
    return value;
  };
  const serverEndpoint = pick("endpoint", "ZEROBUS_SERVER_ENDPOINT", needEndpoint);
  const workspaceUrl = pick("workspace-url", "DATABRICKS_WORKSPACE_URL", true);
  if (!/^https?:\/\/[^/]/.test(workspaceUrl)) throw new UsageError(`the workspace URL must start with https:// or http://, got '${workspaceUrl}'`);
  return {
    serverEndpoint,
    workspaceUrl: workspaceUrl.replace(/\/+$/, ""),
    clientId: pick("client-id", "DATABRICKS_CLIENT_ID", true),
    clientSecret: pick("client-secret", "DATABRICKS_CLIENT_SECRET", true),
    caCert: flags["ca-cert"] === undefined ? undefined : readCaCert(flags["ca-cert"]),
  };
}

function readCaCert(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new CliError(`cannot read --ca-cert '${path}': ${errorText(err)}`);
  }
}

