import assert from "node:assert/strict";
import { test } from "node:test";
import { NonRetriableException } from "../errors.js";
import { workspaceIdFromEndpoint } from "./workspace-id.js";

test("takes the first label of an https endpoint", () => {
  assert.equal(workspaceIdFromEndpoint("https://1234567890123456.zerobus.us-west-2.cloud.databricks.com"), "1234567890123456");
  assert.equal(workspaceIdFromEndpoint("https://987.zerobus.westeurope.azuredatabricks.net:443"), "987");
});

test("strips http:// too, and takes scheme-less endpoints as they are", () => {
  assert.equal(workspaceIdFromEndpoint("http://42.zerobus.local"), "42");
  assert.equal(workspaceIdFromEndpoint("42.zerobus.local"), "42");
});

test("replicates the official edge cases exactly", () => {
  assert.equal(workspaceIdFromEndpoint("http://127.0.0.1:5000"), "127");
  assert.equal(workspaceIdFromEndpoint("http://localhost:50051"), "localhost:50051");
});

test("an endpoint with nothing before the first dot is rejected", () => {
  for (const endpoint of ["https://", "", "http://.example.com"]) {
    assert.throws(() => workspaceIdFromEndpoint(endpoint), NonRetriableException);
  }
});
