/** A JSON value as the CLI prints it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
