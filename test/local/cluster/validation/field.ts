/** field.Error as kube-apiserver words it: `<Type>: <value>: <detail>`, with its cause reason. */
import type { StatusCause } from "../status.js";

const show = (v: unknown) => (typeof v === "string" ? JSON.stringify(v) : String(v));

export const invalidValue = (field: string, value: unknown, detail: string): StatusCause => ({
  reason: "FieldValueInvalid",
  message: `Invalid value: ${show(value)}: ${detail}`,
  field,
});

export const required = (field: string, detail: string): StatusCause => ({
  reason: "FieldValueRequired",
  message: detail ? `Required value: ${detail}` : "Required value",
  field,
});

export const duplicate = (field: string, value: unknown): StatusCause => ({
  reason: "FieldValueDuplicate",
  message: `Duplicate value: ${show(value)}`,
  field,
});

export const notFoundValue = (field: string, value: unknown): StatusCause => ({
  reason: "FieldValueNotFound",
  message: `Not found: ${show(value)}`,
  field,
});

export const notSupported = (field: string, value: unknown, supported: string[]): StatusCause => ({
  reason: "FieldValueNotSupported",
  message: `Unsupported value: ${show(value)}: supported values: ${supported.map((s) => JSON.stringify(s)).join(", ")}`,
  field,
});

export const tooLong = (field: string, max: number): StatusCause => ({
  reason: "FieldValueTooLong",
  message: `Too long: may not be more than ${max} bytes`,
  field,
});
