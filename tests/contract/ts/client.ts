// The client every flow uses, as the README sets it up: openapi-fetch typed by the generated paths.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

export type Markaz = ReturnType<typeof createClient<paths>>;
export type ApiError = components["schemas"]["ErrorOut"];

export function markaz(baseUrl: string, access: string): Markaz {
  return createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${access}` } });
}

export class MarkazError extends Error {
  constructor(readonly error: ApiError) {
    super(typeof error.detail === "string" ? error.detail : error.detail.map((item) => item.msg).join("; "));
  }
}

// `const group = ok(await api.POST(...))`: the body of a 2xx, or the API's {detail, code} thrown.
export function ok<T, E extends ApiError>(result: { data: T; error?: never } | { data?: never; error: E }): T {
  if (result.error !== undefined) throw new MarkazError(result.error);
  if (result.data === undefined) throw new Error("the response has no body");
  return result.data;
}

export type Role = components["schemas"]["LoginUserOut"]["role"];

export async function login(baseUrl: string, loginName: string, password: string) {
  const anonymous = createClient<paths>({ baseUrl });
  const tokens = ok(await anonymous.POST("/api/v1/auth/login", { body: { login: loginName, password } }));
  const role: Role = tokens.user.role;
  return { api: markaz(baseUrl, tokens.access), role, expiresIn: tokens.expires_in, refresh: tokens.refresh };
}
