export * from "./policies.ts";
export * from "./requests.ts";
export * from "./delivery.ts";
export * from "./log.ts";
