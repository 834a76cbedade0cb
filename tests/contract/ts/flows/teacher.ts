// Teacher: today's lessons of a group, mark attendance, review the oldest submission in the queue.
import { type Markaz, MarkazError, ok } from "../client";
import type { components } from "../schema";

type Mark = components["schemas"]["AttendanceMarkItemIn"]["status"];

export async function markToday(api: Markaz, groupId: number, day: string, absent: Set<number>) {
  const lessons = ok(
    await api.GET("/api/v1/lessons", {
      params: { query: { group: groupId, date_from: day, date_to: day, status: "scheduled" } },
    }),
  );
  const lesson = lessons.items[0];
  if (lesson === undefined) return null;
  const sheet = ok(
    await api.GET("/api/v1/lessons/{lesson_id}/attendance", { params: { path: { lesson_id: lesson.id } } }),
  );
  const records = sheet.records.map((record) => {
    const status: Mark = absent.has(record.student.id) ? "absent" : "present";
    return { student_id: record.student.id, status };
  });
  const { data, error } = await api.PUT("/api/v1/lessons/{lesson_id}/attendance", {
    params: { path: { lesson_id: lesson.id } },
    body: { records },
  });
  if (error) {
    // a cancelled lesson or a closed sheet is a 409 with its own code; anything else is a bug here
    if (error.code === "conflict" || error.code === "lesson_cancelled") return `${lesson.id}: ${error.detail}`;
    throw new MarkazError(error);
  }
  return `${data.summary.present} present, ${data.summary.absent} absent, editable until ${data.editable_until}`;
}

export async function reviewNext(api: Markaz, score: number) {
  const queue = ok(await api.GET("/api/v1/submissions/review-queue", { params: { query: { limit: 1 } } }));
  const submission = queue.items[0];
  if (submission === undefined) return `nothing to review of ${queue.count}`;
  const transcript: string = submission.transcript?.text ?? submission.text;
  const reviewed = ok(
    await api.POST("/api/v1/submissions/{submission_id}/review", {
      params: { path: { submission_id: submission.id } },
      body: { score: Math.min(score, submission.max_score) },
    }),
  );
  return `${reviewed.student.first_name}: ${reviewed.score ?? "-"} / ${reviewed.max_score} (${transcript.length} chars)`;
}
