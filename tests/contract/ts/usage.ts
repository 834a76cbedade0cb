// What a Next.js page does with the generated types: typed requests and responses.
import type { components, paths } from "./schema";

type LoginBody = paths["/api/v1/auth/login"]["post"]["requestBody"]["content"]["application/json"];
type LoginResult = paths["/api/v1/auth/login"]["post"]["responses"]["200"]["content"]["application/json"];
type ApiError = components["schemas"]["ErrorOut"];

export async function login(base: string, body: LoginBody): Promise<LoginResult | ApiError> {
  const response = await fetch(`${base}/api/v1/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return (await response.json()) as LoginResult | ApiError;
}

export function greeting(result: LoginResult): string {
  const role: "admin" | "teacher" | "student" | "parent" = result.user.role;
  return `${result.user.first_name} (${role}), token expires in ${result.expires_in}s`;
}

type GroupList = paths["/api/v1/groups"]["get"]["responses"]["200"]["content"]["application/json"];
export function groupNames(list: GroupList): string[] {
  const total: number = list.count;
  return list.items.map((group) => `${group.name} of ${total}`);
}
