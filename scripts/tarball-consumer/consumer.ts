// A TypeScript user's code against the installed packages' declarations: type-checked (not run) with
// `node16` and with `bundler` module resolution. Each line uses a type a user would reach for.
import { readTable, startLocalService, type LocalService, type TableContents } from "@zerobus-ts/local";
import { RecordType, TableProperties, ZerobusSdk, type ZerobusStream } from "@zerobus-ts/sdk";
import { ZerobusSdk as BlockingSdk } from "@zerobus-ts/sdk/sync";

export async function ingestOne(): Promise<number> {
  const service: LocalService = await startLocalService({ dataDir: "data", port: 0 });
  await service.createTable("main.default.t", "id BIGINT NOT NULL");
  const sdk = new ZerobusSdk(service.serverEndpoint, service.workspaceUrl);
  const stream: ZerobusStream = await sdk.createStream(service.clientId, service.clientSecret, new TableProperties("main.default.t"), {
    recordType: RecordType.JSON,
  });
  const offset: bigint = await stream.ingestRecordOffset({ id: 1 });
  await stream.close();
  sdk.close();
  const table: TableContents = await readTable(`${service.dataDir}/main/default/t`);
  await service.close();
  return table.rows.length + Number(offset);
}

export const blocking: typeof BlockingSdk = BlockingSdk;
