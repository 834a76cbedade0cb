// Admin: open a group, give it a weekly slot, generate its lessons, invoice a student.
import { type Markaz, MarkazError, ok } from "../client";
import type { components } from "../schema";

type Invoice = components["schemas"]["PaymentDetailOut"];

export async function openGroup(api: Markaz, ids: { course: number; branch: number; teacher: number }) {
  // capacity, status, room and price have server defaults: the body leaves them out
  const group = ok(
    await api.POST("/api/v1/groups", {
      body: {
        name: "IELTS evening",
        course_id: ids.course,
        branch_id: ids.branch,
        teacher_id: ids.teacher,
        start_date: "2026-09-01",
        end_date: "2026-12-20",
      },
    }),
  );
  const slot = ok(
    await api.POST("/api/v1/groups/{group_id}/schedules", {
      params: { path: { group_id: group.id } },
      body: { weekday: 0, start_time: "18:30" },
    }),
  );
  const generated = ok(
    await api.POST("/api/v1/groups/{group_id}/lessons/generate", {
      params: { path: { group_id: group.id } },
      body: { date_from: "2026-09-01", date_to: "2026-09-30" },
    }),
  );
  const skipped: string[] = generated.skipped.map((day) => `${day.date}: ${day.reason}`);
  return { group: `${group.name} (${group.student_count}/${group.capacity})`, slot: slot.weekday, created: generated.created, skipped };
}

export async function invoice(api: Markaz, studentId: number, groupId: number): Promise<Invoice> {
  const { data, error } = await api.POST("/api/v1/payments", {
    body: { student_id: studentId, group_id: groupId, amount: 450_000_00, due_date: "2026-09-05" },
  });
  if (error) {
    if (error.code === "validation_error" && typeof error.detail !== "string") {
      const fields = error.detail.map((item) => item.loc.join("."));
      throw new Error(`check ${fields.join(", ")}`);
    }
    throw new MarkazError(error);
  }
  const phone: string = data.student.phone;
  const open: boolean = data.status === "pending" || data.status === "overdue";
  return open && phone.startsWith("+998") ? data : data;
}

export async function billingSchedule(api: Markaz, membershipId: number) {
  // the billing schedule is another component than the weekly slot above
  const schedule = ok(await api.POST("/api/v1/payment-schedules", { body: { membership_id: membershipId } }));
  return `${schedule.student.first_name}: day ${schedule.due_day}, ${schedule.current_amount} tiyin`;
}

export async function homeworkReward(api: Markaz, percent: number): Promise<number> {
  // coin rules are a typed object, not a free-form dict
  const settings = ok(await api.GET("/api/v1/settings"));
  const band = settings.coin_rules.homework_bands.find((b) => percent >= b.min_percent);
  return (band?.coins ?? 0) + settings.coin_rules.homework_on_time;
}
