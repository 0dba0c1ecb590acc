/**
 * `zerobus local`: runs the local Zerobus service in the foreground until SIGINT or SIGTERM, then closes
 * it gracefully (streams ended, pending commits flushed).
 */
import { readFileSync } from "node:fs";
import { dirname, resolve as resolvePath } from "node:path";
import { GrantsError, startLocalService, type LocalService, type LocalServiceOptions, type TrustedIssuer } from "@zerobus-ts/local";
import { CliError, EXIT_CODES, errorText, UsageError } from "../cli-error.js";
import { HELP_OPTION, parseCommandLine, parseIntegerFlag } from "../command-line.js";
import type { CommandContext } from "../command-context.js";
import { parseDurationMs } from "../durations.js";
import { watchParent } from "./local-parent-watch.js";
import { parseSeedTables, seedTables } from "./local-seed-tables.js";

/** `zerobus local --help`. */
export const LOCAL_HELP = `Usage: zerobus local [options]

Runs a local Zerobus service: the Zerobus gRPC endpoint, an OAuth token endpoint and a Unity Catalog
REST subset, writing real Delta tables under the data directory. Prints the environment variables the
other commands (and the SDKs) read, then serves until Ctrl+C / SIGTERM, when it flushes and exits.

Options:
  --data-dir DIR          where tables live                       (default ./.zerobus)
  --host HOST             interface to listen on                  (default 127.0.0.1)
  --grpc-port N           Zerobus gRPC port                       (default 50051)
  --http-port N           OAuth + Unity Catalog HTTP port         (default 8080)
  --port 0                ephemeral ports for both (tests, parallel runs)
  --tables FILE           create these tables at start; existing ones are left alone
  --stream-lifetime D     end every stream D after it opens (CloseStreamSignal), e.g. 15m, 30s, 500
  --token-ttl D           lifetime of issued tokens               (default 1h; whole seconds)
  --tls-cert FILE         serve TLS with this PEM certificate …
  --tls-key FILE          … and this PEM key
  --no-auth               accept any caller (no token checks, any client credentials)
  --principal ID:SECRET   an OAuth client (repeatable; the first is printed). Default: a generated
                          development principal, 'zerobus-local-dev' with a random secret
  --trust-issuer FILE     accept token exchange (federated auth) for JWTs of these issuers (repeatable)
  --grants FILE           Unity Catalog privileges per principal (JSON, below). Default: every
                          principal holds every privilege on every catalog
  --create-timeout D      end a call that sends no create_stream within D   (default 30s)
  --max-calls-per-principal N
                          calls one client id may hold open at once         (default 1000)
  --max-inflight-records N, --max-inflight-mb N
                          memory bounds: records / MB of requests received and not yet
                          committed, in total (default 6000000 / 128); a request waits (its
                          call stops reading) until it fits
  --max-table-inflight-records N, --max-table-inflight-mb N
                          the same per table                      (default 6000000 / 64)
  --max-call-inflight-records N, --max-call-inflight-mb N
                          the same per call; a request over one of these alone is refused
                          with RESOURCE_EXHAUSTED                 (default 3000000 / 32)
  -h, --help              show this help

Durations: 250ms, 30s, 15m, 2h, or a number of milliseconds.

--trust-issuer FILE is JSON, one issuer or an array of them:
  { "issuer": "https://ci.example", "audience": "databricks", "publicKeyFile": "ci-key.pem",
    "principalClaim": "sub", "principals": { "repo:acme/app:ref:refs/heads/main": "ci-writer" } }
with "hmacSecret" (HS256) or "publicKey"/"publicKeyFile" (PEM; RSA → RS256, EC P-256 → ES256);
without "principals" the claim's value is the principal.

--tables FILE is JSON, either an object of table name → SQL column list:
  { "main.default.air_quality": "device_name STRING NOT NULL, temp INT, humidity BIGINT" }
or an array of tables, whose columns are a column list or { name, type, nullable } objects:
  [ { "name": "main.default.t", "columns": [ { "name": "id", "type": "bigint", "nullable": false } ] } ]

--grants FILE is JSON, client id → securable ("*", catalog, catalog.schema, catalog.schema.table) →
privileges (USE_CATALOG, USE_SCHEMA, CREATE_TABLE, SELECT, MODIFY, BROWSE, MANAGE, ALL_PRIVILEGES);
grants inherit downward and a principal it does not name holds nothing:
  { "app": { "main": ["USE_CATALOG"], "main.default": ["USE_SCHEMA"], "main.default.t": ["SELECT", "MODIFY"] } }
`;

const OPTIONS = {
  ...HELP_OPTION,
  "data-dir": { type: "string" },
  host: { type: "string" },
  "grpc-port": { type: "string" },
  "http-port": { type: "string" },
  port: { type: "string" },
  tables: { type: "string" },
  "stream-lifetime": { type: "string" },
  "max-inflight-records": { type: "string" },
  "max-inflight-mb": { type: "string" },
  "max-table-inflight-records": { type: "string" },
  "max-table-inflight-mb": { type: "string" },
  "max-call-inflight-records": { type: "string" },
  "max-call-inflight-mb": { type: "string" },
  "token-ttl": { type: "string" },
  "tls-cert": { type: "string" },
  "tls-key": { type: "string" },
  "no-auth": { type: "boolean" },
  principal: { type: "string", multiple: true },
  "trust-issuer": { type: "string", multiple: true },
  grants: { type: "string" },
  "create-timeout": { type: "string" },
  "max-calls-per-principal": { type: "string" },
} as const;

/** Runs `zerobus local`. Resolves (with 0) only after a signal and a graceful close. */
export async function runLocal(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandLine(args, OPTIONS);
  if (values.help) {
    ctx.stdout.write(LOCAL_HELP);
    return EXIT_CODES.OK;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const options = serviceOptions(values);
  const seeds = values.tables === undefined ? undefined : parseSeedTables(readSeedFile(values.tables));

  let service: LocalService;
  try {
    service = await startLocalService(options);
  } catch (err) {
    // A grants file naming an unknown principal or privilege is a bad command line, not a failure.
    if (err instanceof GrantsError) throw new UsageError(`--grants: ${err.message}`);
    throw new CliError(`cannot start the local service: ${errorText(err)}`, { cause: err });
  }
  // A signal may arrive while tables are being created; it is honoured once they are.
  const stopped = waitForStopSignal();
  try {
    if (seeds !== undefined) for (const line of await seedTables(service, seeds)) ctx.stdout.write(`${line}\n`);
  } catch (err) {
    await service.close();
    throw err;
  }
  ctx.stdout.write(banner(service, options));
  const signal = await stopped;
  // With the launcher gone its terminal or pipe may be gone too: nothing is written then.
  const say = (text: string) => signal !== "parent exit" && ctx.stderr.write(text);
  say(`\nreceived ${signal}: closing (flushing pending commits)…\n`);
  await service.close();
  say("closed\n");
  return EXIT_CODES.OK;
}

type Values = ReturnType<typeof parseCommandLine<typeof OPTIONS>>["values"];

function serviceOptions(values: Values): LocalServiceOptions {
  const options: LocalServiceOptions = { dataDir: values["data-dir"] ?? "./.zerobus", host: values.host ?? "127.0.0.1" };
  if (values.port !== undefined) {
    if (values.port !== "0") throw new UsageError(`--port only takes 0 (ephemeral ports for both services), got '${values.port}'; use --grpc-port and --http-port`);
    options.port = 0;
  }
  if (values["grpc-port"] !== undefined) options.grpcPort = port(values["grpc-port"], "grpc-port");
  if (values["http-port"] !== undefined) options.httpPort = port(values["http-port"], "http-port");
  if (values["stream-lifetime"] !== undefined) options.streamLifetimeMs = parseDurationMs(values["stream-lifetime"], "stream-lifetime");
  if (values["token-ttl"] !== undefined) options.tokenTtlSeconds = Math.max(1, Math.round(parseDurationMs(values["token-ttl"], "token-ttl") / 1000));
  if (values["no-auth"]) options.noAuth = true;
  if (values.principal !== undefined) options.principals = principals(values.principal);
  if (values["trust-issuer"] !== undefined) options.trustedIssuers = values["trust-issuer"].flatMap(trustedIssuers);
  if (values.grants !== undefined) options.grants = readGrantsFile(values.grants);
  if (values["create-timeout"] !== undefined) options.createStreamTimeoutMs = parseDurationMs(values["create-timeout"], "create-timeout");
  if (values["max-calls-per-principal"] !== undefined) options.maxCallsPerPrincipal = parseIntegerFlag(values["max-calls-per-principal"], "max-calls-per-principal", 1);
  options.limits = inflightLimits(values);
  if ((values["tls-cert"] === undefined) !== (values["tls-key"] === undefined)) throw new UsageError("--tls-cert and --tls-key go together");
  if (values["tls-cert"] !== undefined) options.tls = { cert: readInput(values["tls-cert"], "tls-cert"), key: readInput(values["tls-key"]!, "tls-key") };
  return options;
}

// Only the flags given: the service fills in the rest of the limits.
function inflightLimits(values: Values): NonNullable<LocalServiceOptions["limits"]> {
  const limits: NonNullable<LocalServiceOptions["limits"]> = {};
  const MB = 1024 * 1024;
  const scopes = [["", "total"], ["table-", "table"], ["call-", "call"]] as const;
  for (const [flag, key] of scopes) {
    const records = values[`max-${flag}inflight-records`];
    const mb = values[`max-${flag}inflight-mb`];
    if (records !== undefined) limits[`${key}Records`] = parseIntegerFlag(records, `max-${flag}inflight-records`, 1);
    if (mb !== undefined) limits[`${key}Bytes`] = parseIntegerFlag(mb, `max-${flag}inflight-mb`, 1) * MB;
  }
  return limits;
}

function port(text: string, flag: string): number {
  const n = parseIntegerFlag(text, flag, 0);
  if (n > 65535) throw new UsageError(`--${flag} must be a port number (0-65535), got '${text}'`);
  return n;
}

function principals(specs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of specs) {
    const colon = spec.indexOf(":");
    if (colon <= 0 || colon === spec.length - 1) throw new UsageError(`--principal takes CLIENT_ID:SECRET, got '${spec}'`);
    out[spec.slice(0, colon)] = spec.slice(colon + 1);
  }
  return out;
}

/** The issuers of one `--trust-issuer` file; a `publicKeyFile` is read relative to the file. */
function trustedIssuers(path: string): TrustedIssuer[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readInput(path, "trust-issuer"));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`--trust-issuer '${path}' is not JSON: ${errorText(err)}`);
  }
  const entries = Array.isArray(parsed) ? parsed : [parsed];
  return entries.map((entry: unknown) => {
    if (entry === null || typeof entry !== "object") throw new UsageError(`--trust-issuer '${path}': each issuer must be an object`);
    const { publicKeyFile, ...issuer } = entry as TrustedIssuer & { publicKeyFile?: unknown };
    if (typeof publicKeyFile === "string") issuer.publicKey = readInput(resolvePath(dirname(path), publicKeyFile), "trust-issuer");
    return issuer;
  });
}

function readInput(path: string, flag: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read --${flag} '${path}': ${errorText(err)}`);
  }
}

function readGrantsFile(path: string): NonNullable<LocalServiceOptions["grants"]> {
  const text = readInput(path, "grants");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--grants '${path}' is not valid JSON: ${errorText(err)}`);
  }
  // The shape of each principal's grants is checked by the service, which names the bad entry.
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw new UsageError(`--grants '${path}': expected a JSON object of client id → grants`);
  return json as NonNullable<LocalServiceOptions["grants"]>;
}

function readSeedFile(path: string): unknown {
  const text = readInput(path, "tables");
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--tables '${path}' is not valid JSON: ${errorText(err)}`);
  }
}

function waitForStopSignal(): Promise<NodeJS.Signals | "parent exit"> {
  return new Promise((resolve) => {
    // A launcher killed with SIGKILL forwards nothing: the service notices its parent is gone instead.
    watchParent(() => resolve("parent exit"));
    // Later signals (a second Ctrl+C, or the one the launcher forwards) are ignored while closing:
    // closing is what flushes the commits, so cutting it short would lose acknowledged rows' files.
    const onSignal = (signal: NodeJS.Signals) => resolve(signal);
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}

function banner(service: LocalService, options: LocalServiceOptions): string {
  const env = [
    `ZEROBUS_SERVER_ENDPOINT=${shellQuote(service.serverEndpoint)}`,
    `DATABRICKS_WORKSPACE_URL=${shellQuote(service.workspaceUrl)}`,
    `DATABRICKS_CLIENT_ID=${shellQuote(service.clientId)}`,
    `DATABRICKS_CLIENT_SECRET=${shellQuote(service.clientSecret)}`,
  ];
  return [
    "zerobus local service",
    `  Zerobus (gRPC):          ${service.serverEndpoint}`,
    `  workspace (OAuth, UC):   ${service.workspaceUrl}`,
    `  data dir:                ${service.dataDir}`,
    `  principal:               client id ${service.clientId}, secret ${service.clientSecret}${options.noAuth ? " (auth disabled: any credentials work)" : ""}`,
    "",
    "Environment for the SDKs and the zerobus command (copy and paste):",
    `export ${env.join(" ")}`,
    "",
    "Serving. Stop with Ctrl+C.",
    "",
  ].join("\n");
}

/** Single-quotes a value for POSIX shells when it holds anything beyond safe characters. */
function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
