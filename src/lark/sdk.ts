import { createRequire } from "node:module";
import type * as Sdk from "@larksuiteoapi/node-sdk";

/**
 * The Lark SDK, loaded once with require(). An ESM `import` of this 6 MB CommonJS bundle makes
 * Node scan its whole source for export names, which keeps about 80 MB more resident memory in
 * the bot for nothing (under tsx; about 30 MB without): a quarter of the memory budget measured
 * in bench/README.md. Everything in src/lark/ takes the SDK from here.
 */
export const lark: typeof Sdk = createRequire(import.meta.url)("@larksuiteoapi/node-sdk");

export type EventDispatcher = Sdk.EventDispatcher;
export type Client = Sdk.Client;
export type Domain = Sdk.Domain;
