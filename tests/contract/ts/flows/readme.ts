// The README's front-end example and docs/frontend.md's calls, verbatim inside functions.
import createClient from "openapi-fetch";
import type { paths } from "../schema";

export async function readmeExample(baseUrl: string, access: string) {
  const api = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${access}` } });
  const { data, error } = await api.GET("/api/v1/lessons", { params: { query: { group: 7 } } });
  if (error) throw new Error(error.code); // a union of the codes this operation can answer with
  return data.items.map((lesson) => lesson.status); // "scheduled" | "completed" | "cancelled"
}

export async function frontendGuideCalls(
  api: ReturnType<typeof createClient<paths>>,
  ids: { course_id: number; branch_id: number; teacher_id: number },
) {
  const { course_id, branch_id, teacher_id } = ids;
  const { data: group, error } = await api.POST("/api/v1/groups", {
    body: { name: "IELTS evening", course_id, branch_id, teacher_id, start_date: "2026-09-01" },
  });
  if (error) throw new Error(`${error.code}: ${JSON.stringify(error.detail)}`);

  await api.POST("/api/v1/groups/{group_id}/schedules", {
    params: { path: { group_id: group.id } },
    body: { weekday: 0, start_time: "18:30" }, // duration, room, dates have server defaults
  });

  const lessons = await api.GET("/api/v1/lessons", {
    params: { query: { group: group.id, date_from: "2026-09-01", date_to: "2026-09-07" } },
  });
  lessons.data?.items.forEach((lesson) => console.log(lesson.starts_at, lesson.status));
}
