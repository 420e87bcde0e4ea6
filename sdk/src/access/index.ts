export * from "./policies.ts";
export * from "./requests.ts";
export * from "./delivery.ts";
/** The access-log decoder lives in the query layer; re-exported here for `accessLog(chain, patient)`. */
export * from "../query/access-log.ts";
