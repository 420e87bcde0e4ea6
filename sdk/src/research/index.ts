export * from "./errors.ts";
export * from "./studies.ts";
export * from "./participation.ts";
export * from "./contributions.ts";
