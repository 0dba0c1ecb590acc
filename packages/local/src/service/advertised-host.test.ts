import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { advertisedHost } from "./advertised-host.js";

describe("advertisedHost", () => {
  it("names localhost for loopback and wildcard addresses with TLS, so certificates for localhost verify", () => {
    assert.equal(advertisedHost("127.0.0.1", true), "localhost");
    assert.equal(advertisedHost("0.0.0.0", true), "localhost");
    assert.equal(advertisedHost("::", true), "localhost");
  });

  it("keeps other hosts, bracketing IPv6 addresses", () => {
    assert.equal(advertisedHost("::1", true), "[::1]"); // localhost may resolve to 127.0.0.1 only
    assert.equal(advertisedHost("zerobus.test", true), "zerobus.test");
    assert.equal(advertisedHost("10.1.2.3", false), "10.1.2.3");
  });

  it("prints plaintext loopback as the address, and a wildcard as 127.0.0.1", () => {
    assert.equal(advertisedHost("127.0.0.1", false), "127.0.0.1");
    assert.equal(advertisedHost("0.0.0.0", false), "127.0.0.1");
    assert.equal(advertisedHost("::", false), "127.0.0.1");
    assert.equal(advertisedHost("::1", false), "[::1]");
  });
});
