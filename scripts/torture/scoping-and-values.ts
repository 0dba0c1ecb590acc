/**
 * Issue 13 §4–§6: REST table scoping, values stored exactly or refused, and the lower-severity cases
 * (unreadable tables, 413 on a keep-alive connection, calls that never send create_stream, a killed
 * launcher). Each case starts its own service on a temp directory and bounds its own time.
 */
import { readFile, writeFile } from "node:fs/promises";
import { Agent, request } from "node:http";
import { join } from "node:path";
import { status as GrpcStatus } from "@grpc/grpc-js";
import descriptorProto from "protobufjs/ext/descriptor.js";
import { startLocalService, type LocalService, type LocalServiceOptions } from "@zerobus-ts/local";
import { startZerobus, waitForExit, waitForOutput } from "../../packages/cli/src/test-support/run-zerobus.js";
import { makeTempDir, within } from "../../packages/local/src/e2e/support/e2e-harness.js";
import { RawZerobusClient, type RawStream } from "../../packages/local/src/service/test-support/raw-zerobus-client.js";
import { tokenFor, workspaceToken } from "../../packages/local/src/service/test-support/service-fixture.js";
import { RequestType } from "../../packages/local/src/service/wire-types.js";
import type { TortureCase, TortureOutcome } from "./cases.js";

const TABLES = "/api/2.1/unity-catalog/tables";

/** The cases of this file. */
export function scopingAndValueCases(): TortureCase[] {
  return [
    { name: "rest-scoping", run: () => withService({ principals: { admin: "s1" } }, restScoping) },
    { name: "value-refusals", run: () => withService({}, valueRefusals) },
    { name: "unreadable-table", run: () => withService({ commit: { maxDelayMs: 5 } }, unreadableTable) },
    { name: "http-413-keep-alive", run: () => withService({}, http413) },
    { name: "idle-calls", run: () => withService({ createStreamTimeoutMs: 2_000 }, idleCalls) },
    { name: "launcher-kill-9", run: launcherKill },
  ];
}

async function withService(options: LocalServiceOptions, run: (service: LocalService) => Promise<TortureOutcome[]>): Promise<TortureOutcome[]> {
  const temp = await makeTempDir();
  const service = await startLocalService({ ...options, dataDir: temp.dir, port: 0 });
  try {
    return await within(60_000, run(service), "the case");
  } finally {
    await service.close();
    await temp.remove();
  }
}

async function restScoping(service: LocalService): Promise<TortureOutcome[]> {
  await service.createTable("main.default.a", "id BIGINT");
  await service.createTable("main.default.b", "id BIGINT");
  const token = await tokenFor(service, "main.default.b");
  const call = (method: string, path: string, body?: object) =>
    fetch(`${service.workspaceUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, ...(body ? { body: JSON.stringify(body) } : {}) });
  const tries = [
    ["read rows of A", await call("GET", `${TABLES}/main.default.a/rows`)],
    ["delete A", await call("DELETE", `${TABLES}/main.default.a`)],
    ["create A2", await call("POST", TABLES, { name: "a2", catalog_name: "main", schema_name: "default", columns: [{ name: "id", type_text: "bigint", type_name: "LONG", position: 0 }] })],
  ] as const;
  const outcomes: TortureOutcome[] = [];
  for (const [what, res] of tries) {
    const body = (await res.json()) as { error_code?: string };
    outcomes.push({ name: `token for B: ${what}`, outcome: `HTTP ${res.status} ${body.error_code ?? ""}`, pass: res.status === 403 && body.error_code === "PERMISSION_DENIED" });
  }
  const intact = (await service.createTable("main.default.a", "id BIGINT").then(() => "recreated", () => "exists")) === "exists";
  outcomes.push({ name: "table A after the tries", outcome: intact ? "intact" : "GONE", pass: intact });
  return outcomes;
}

async function valueRefusals(service: LocalService): Promise<TortureOutcome[]> {
  const table = "main.default.v";
  await service.createTable(table, "id BIGINT, name STRING, m MAP<INT, STRING>");
  const token = await tokenFor(service, table);
  const client = new RawZerobusClient(service.serverEndpoint);
  const json = { create_stream: { table_name: table, record_type: 2 } };
  const badUtf8 = Buffer.from('{"name":"abQ"}');
  badUtf8[badUtf8.indexOf("Q")] = 0xff;
  const single = Buffer.from(RequestType.encode(RequestType.fromObject({ ingest_record: { offset_id: 0, json_record: '{"name":"abQ"}' } })).finish());
  badUtf8.copy(single, single.indexOf('{"name"'));
  const dupNumbers = descriptorProto.DescriptorProto.encode({ name: "Row", field: [{ name: "id", number: 1, label: 1, type: 3 }, { name: "name", number: 1, label: 1, type: 9 }] }).finish();
  const name = Buffer.from(table);
  const inner = Buffer.concat([Buffer.from([0x0a, name.length]), name, Buffer.from([0x20, 7])]);
  const cases: Array<[string, Array<object | Buffer>, RegExp]> = [
    ["invalid UTF-8 in a JSON record", [json, single], /column 'name': string holds invalid UTF-8/],
    ["lone surrogate escape", [json, { ingest_record: { offset_id: 0, json_record: '{"name":"\\ud800"}' } }], /column 'name': lone surrogate/],
    ['{"id":1,"id":2}', [json, { ingest_record: { offset_id: 0, json_record: '{"id":1,"id":2}' } }], /column 'id': key "id" appears twice/],
    ["map with a repeated key", [json, { ingest_record: { offset_id: 0, json_record: '{"m":[[1,"a"],[1,"b"]]}' } }], /map key 1 appears more than once/],
    ["descriptor with two fields numbered 1", [{ create_stream: { table_name: table, record_type: 1, descriptor_proto: dupNumbers } }], /share the number 1/],
    ["record_type 7", [Buffer.concat([Buffer.from([0x0a, inner.length]), inner])], /Unknown record type 7/],
  ];
  const outcomes: TortureOutcome[] = [];
  try {
    for (const [what, messages, expected] of cases) {
      const stream: RawStream = client.open({ token, table });
      for (const message of messages) stream.send(message);
      const s = await within(5_000, stream.status, what);
      outcomes.push({ name: what, outcome: `${GrpcStatus[s.code]}: ${s.details.slice(0, 90)}`, pass: s.code === GrpcStatus.INVALID_ARGUMENT && expected.test(s.details) });
    }
  } finally {
    client.close();
  }
  const rows = ((await (await fetch(`${service.workspaceUrl}${TABLES}/${table}/rows`, { headers: { authorization: `Bearer ${token}` } })).json()) as { row_count: number }).row_count;
  outcomes.push({ name: "rows stored by the refused calls", outcome: String(rows), pass: rows === 0 });
  return outcomes;
}

async function unreadableTable(service: LocalService): Promise<TortureOutcome[]> {
  for (const t of ["good", "cut"]) await service.createTable(`main.default.${t}`, "id BIGINT");
  const token = await tokenFor(service, "main.default.cut");
  const client = new RawZerobusClient(service.serverEndpoint);
  try {
    const stream = client.open({ token, table: "main.default.cut" });
    stream.send({ create_stream: { table_name: "main.default.cut", record_type: 2 } });
    await within(5_000, stream.next(), "create");
    stream.send({ ingest_record_batch: { offset_id: 0, json_batch: { records: Array.from({ length: 100 }, (_, i) => `{"id":${i}}`) } } });
    await within(5_000, stream.next(), "ack");
    stream.end();
    await within(5_000, stream.status, "close");
  } finally {
    client.close();
  }
  // Cut the last commit between lines: its add goes, its commitInfo stays.
  const commit = join(service.dataDir, "main/default/cut/_delta_log/00000000000000000001.json");
  await writeFile(commit, `${(await readFile(commit, "utf8")).split("\n").filter((l) => l !== "" && !l.startsWith('{"add"')).join("\n")}\n`);
  const workspace = await workspaceToken(service); // the catalog clients' kind of token, which may list the schema
  const get = (path: string) => fetch(`${service.workspaceUrl}${path}`, { headers: { authorization: `Bearer ${workspace}` } });
  const rows = await get(`${TABLES}/main.default.cut/rows`);
  const rowsBody = (await rows.json()) as { error_code?: string; message?: string };
  const list = await get(`${TABLES}?catalog_name=main&schema_name=default`);
  const listed = list.status === 200 ? ((await list.json()) as { tables: Array<{ name: string }> }).tables.map((t) => t.name).join(", ") : `HTTP ${list.status}`;
  const again = new RawZerobusClient(service.serverEndpoint);
  let grpc: string;
  try {
    const stream = again.open({ token, table: "main.default.cut" });
    stream.send({ create_stream: { table_name: "main.default.cut", record_type: 2 } });
    const s = await within(5_000, stream.status, "refusal");
    grpc = `${GrpcStatus[s.code]} ${/Error Code: (\d+)/.exec(s.details)?.[1] ?? ""}`;
  } finally {
    again.close();
  }
  return [
    { name: "rows of a cut-short table", outcome: `HTTP ${rows.status} ${rowsBody.error_code ?? ""}: ${(rowsBody.message ?? "").slice(0, 80)}`, pass: rows.status === 400 && /cut short/.test(rowsBody.message ?? "") },
    { name: "listing beside it", outcome: listed, pass: listed === "good" },
    { name: "stream into it", outcome: grpc, pass: grpc === "INVALID_ARGUMENT 4090" },
  ];
}

async function http413(service: LocalService): Promise<TortureOutcome[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const post = (body: Buffer) =>
    new Promise<string>((resolve) => {
      const req = request(`${service.workspaceUrl}/oidc/v1/token`, { method: "POST", agent }, (res) => {
        res.resume();
        res.on("end", () => resolve(`HTTP ${res.statusCode}`));
      });
      req.on("error", (err) => resolve(`error ${(err as NodeJS.ErrnoException).code ?? err.message}`));
      for (let at = 0; at < body.length; at += 256 * 1024) req.write(body.subarray(at, at + 256 * 1024));
      req.end();
    });
  try {
    const first = await within(5_000, post(Buffer.alloc(2 * 1024 * 1024, 0x61)), "the 413");
    const next = await within(5_000, post(Buffer.from("grant_type=client_credentials")), "the next request");
    return [{ name: "2 MiB body, then a request on the same agent", outcome: `${first}, then ${next}`, pass: first === "HTTP 413" && next === "HTTP 401" }];
  } finally {
    agent.destroy();
  }
}

async function idleCalls(service: LocalService): Promise<TortureOutcome[]> {
  await service.createTable("main.default.idle", "id BIGINT");
  const token = await tokenFor(service, "main.default.idle");
  const client = new RawZerobusClient(service.serverEndpoint);
  try {
    const t0 = performance.now();
    const calls = Array.from({ length: 1_001 }, () => client.open({ token, table: "main.default.idle" }));
    const statuses = await within(20_000, Promise.all(calls.map((c) => c.status)), "the idle calls' ends");
    const seconds = (performance.now() - t0) / 1000;
    const byCode = new Map<string, number>();
    for (const s of statuses) byCode.set(GrpcStatus[s.code] ?? String(s.code), (byCode.get(GrpcStatus[s.code] ?? "") ?? 0) + 1);
    const summary = [...byCode].map(([code, n]) => `${n}× ${code}`).join(", ");
    const pass = byCode.get("DEADLINE_EXCEEDED") === 1_000 && byCode.get("RESOURCE_EXHAUSTED") === 1;
    return [{ name: "1,001 calls that never send create_stream (2 s timeout, cap 1,000)", outcome: `${summary}, all ended within ${seconds.toFixed(1)} s`, pass }];
  } finally {
    client.close();
  }
}

async function launcherKill(): Promise<TortureOutcome[]> {
  const temp = await makeTempDir();
  const run = startZerobus(["local", "--port", "0", "--data-dir", temp.dir]);
  try {
    const out = await waitForOutput(run, (text) => text.includes("\nServing."), 30_000);
    const workspaceUrl = /DATABRICKS_WORKSPACE_URL=(\S+)/.exec(out)?.[1] ?? "";
    process.kill(run.child.pid!, "SIGKILL");
    const t0 = performance.now();
    await waitForExit(run, 10_000); // the pipes close once the service behind the launcher is gone too
    const gone = await fetch(`${workspaceUrl}/health`).then(() => false, () => true);
    return [{ name: "kill -9 of the zerobus launcher", outcome: `${gone ? "service gone" : "service STILL UP"} ${((performance.now() - t0) / 1000).toFixed(1)} s after the kill`, pass: gone }];
  } finally {
    run.kill();
    await temp.remove();
  }
}
