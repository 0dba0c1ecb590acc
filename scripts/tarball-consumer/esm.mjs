// `import` of every public entry point of the installed packages, then the round trip (see round-trip.cjs).
import * as local from "@zerobus-ts/local";
import * as sdk from "@zerobus-ts/sdk";
import * as sync from "@zerobus-ts/sdk/sync";
import roundTrip from "./round-trip.cjs";

const loaded = { sdk: Object.keys(sdk).length, sync: typeof sync.ZerobusSdk, local: typeof local.startLocalService };
console.log(JSON.stringify({ loaded, ...(await roundTrip(local, sdk, Number(process.argv[2] ?? 1000))) }));
