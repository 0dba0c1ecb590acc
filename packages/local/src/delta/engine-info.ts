/** `commitInfo.engineInfo` of every commit this service writes. */
export const ENGINE_INFO = "zerobus-ts-local/0.1.0";
