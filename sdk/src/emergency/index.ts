export * from "./key.ts";
export * from "./contacts.ts";
export * from "./requests.ts";
export * from "./open.ts";
