// `require` of every public entry point of the installed packages, then the round trip (see round-trip.cjs).
const local = require("@zerobus-ts/local");
const sdk = require("@zerobus-ts/sdk");
const sync = require("@zerobus-ts/sdk/sync");
const roundTrip = require("./round-trip.cjs");

const loaded = { sdk: Object.keys(sdk).length, sync: typeof sync.ZerobusSdk, local: typeof local.startLocalService };
roundTrip(local, sdk, Number(process.argv[2] ?? 1000)).then((result) => console.log(JSON.stringify({ loaded, ...result })));
