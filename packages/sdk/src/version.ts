/** This SDK's version (kept equal to package.json by a test). */
export const SDK_VERSION = "0.1.0";

/** Sent as `x-zerobus-sdk` and as the gRPC user agent, so the service can tell which client it talks to. */
export const SDK_IDENTIFIER = `zerobus-ts/${SDK_VERSION}`;
