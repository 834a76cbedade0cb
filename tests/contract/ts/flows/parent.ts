// Parent: each child's open invoices and what is left to pay.
import { type Markaz, ok } from "../client";
import type { components } from "../schema";

type Status = components["schemas"]["PaymentOut"]["status"];
const OPEN: ReadonlySet<Status> = new Set<Status>(["pending", "partially_paid", "overdue"]);

export async function childrensDebts(api: Markaz) {
  const me = ok(await api.GET("/api/v1/auth/me"));
  const lines: string[] = [];
  for (const child of me.children ?? []) {
    const payments = ok(await api.GET("/api/v1/payments", { params: { query: { student: child.id } } }));
    const open = payments.items.filter((payment) => OPEN.has(payment.status));
    const due = open.reduce((sum, payment) => sum + payment.amount_due, 0);
    const group = open[0]?.group?.name ?? "no group";
    lines.push(`${child.first_name}: ${due} tiyin due over ${open.length} invoices (${group})`);
  }
  return lines;
}
