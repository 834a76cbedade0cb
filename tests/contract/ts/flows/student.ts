// Student: open homework, submit a recording, see the coins it earned.
import { type Markaz, ok } from "../client";

export async function submitRecording(api: Markaz, recording: Blob) {
  const homework = ok(await api.GET("/api/v1/homework", { params: { query: { kind: "audio" } } }));
  const task = homework.items[0];
  if (task === undefined) return null;
  const submission = ok(
    await api.POST("/api/v1/homework/{homework_id}/submissions", {
      params: { path: { homework_id: task.id } },
      body: { audio: recording },
      bodySerializer(body) {
        const form = new FormData();
        if (body.audio !== undefined) form.append("audio", body.audio, "answer.webm");
        if (body.text !== undefined) form.append("text", body.text);
        return form;
      },
    }),
  );
  const waiting: boolean = submission.status === "submitted" || submission.status === "transcribing";
  return { id: submission.id, waiting, late: submission.is_late, due: task.due_at };
}

export async function myCoins(api: Markaz) {
  const me = ok(await api.GET("/api/v1/auth/me"));
  const path = { student_id: me.id };
  const balance = ok(await api.GET("/api/v1/students/{student_id}/coins", { params: { path } }));
  const history = ok(
    await api.GET("/api/v1/students/{student_id}/coins/transactions", { params: { path, query: { limit: 10 } } }),
  );
  const earned = history.items.filter((t) => t.reason !== "redemption" && t.amount > 0);
  return `${balance.balance} coins (${balance.earned_total} earned, ${earned.length} recent rewards)`;
}

export async function inbox(api: Markaz): Promise<string[]> {
  const notifications = ok(await api.GET("/api/v1/notifications", { params: { query: { unread: true } } }));
  return notifications.items.map((notification) => {
    switch (notification.kind) {
      case "homework_assigned":
        return `New homework: ${notification.title}`;
      case "lesson_cancelled":
      case "lesson_rescheduled":
        return `Timetable: ${notification.body}`;
      default:
        return notification.title;
    }
  });
}
