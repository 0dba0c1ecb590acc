import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NonRetriableException } from "../errors.js";
import { parseEndpoint } from "./endpoint.js";
import { hostBypassesProxy, resolveProxy } from "./proxy.js";

describe("parseEndpoint", () => {
  it("uses TLS for https:// and scheme-less endpoints, plaintext for http://", () => {
    assert.deepEqual(parseEndpoint("https://123.zerobus.us-west-2.cloud.databricks.com"), {
      target: "123.zerobus.us-west-2.cloud.databricks.com:443",
      host: "123.zerobus.us-west-2.cloud.databricks.com",
      port: 443,
      secure: true,
    });
    assert.equal(parseEndpoint("123.zerobus.example.com").secure, true);
    assert.deepEqual(parseEndpoint("http://127.0.0.1:50051"), { target: "127.0.0.1:50051", host: "127.0.0.1", port: 50051, secure: false });
    assert.equal(parseEndpoint("http://[::1]:9000").target, "[::1]:9000");
    assert.equal(parseEndpoint("localhost:7000").target, "localhost:7000");
  });

  it("rejects empty, non-http and path-carrying endpoints", () => {
    for (const bad of ["", "   ", "ftp://x", "https://host/path", "http://"]) {
      assert.throws(() => parseEndpoint(bad), NonRetriableException, bad);
    }
  });
});

describe("proxy selection", () => {
  it("takes the first non-empty variable in the official order", () => {
    assert.equal(resolveProxy("h", { HTTPS_PROXY: "http://b:2", http_proxy: "http://c:3" })?.host, "b:2");
    assert.equal(resolveProxy("h", { grpc_proxy: " ", GRPC_PROXY: "http://a:1", https_proxy: "http://b:2" })?.host, "a:1");
    assert.equal(resolveProxy("h", {}), undefined);
  });

  it("honours the bypass list: exact, suffix, leading dot and *", () => {
    assert.ok(hostBypassesProxy("api.example.com", "foo, .example.com"));
    assert.ok(hostBypassesProxy("example.com", "example.com"));
    assert.ok(!hostBypassesProxy("badexample.com", "example.com"));
    assert.ok(hostBypassesProxy("anything", "*"));
    assert.equal(resolveProxy("x.internal", { https_proxy: "http://p:1", NO_PROXY: "internal" }), undefined);
    assert.equal(resolveProxy("x.internal", { https_proxy: "http://p:1", no_grpc_proxy: "other", NO_PROXY: "internal" })?.host, "p:1");
  });

  it("ignores an unusable proxy URL (direct connection)", () => {
    assert.equal(resolveProxy("h", { https_proxy: "socks5://p:1" }), undefined);
  });
});
