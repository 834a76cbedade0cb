// A client typed from /api/v1/asyncapi.json (json2ts output in socket.d.ts), written without casts:
// narrowing on `type` gives each event's `data` and each frame's fields.
import type { Socket } from "./socket";

type ServerFrame = NonNullable<Socket["server"]>;
type ClientAction = NonNullable<Socket["client"]>;

const cursors: Record<string, number> = {};

export function onFrame(frame: ServerFrame, send: (action: ClientAction) => void): string {
  switch (frame.type) {
    case "welcome":
      for (const channel of frame.data.channels) {
        send({ action: "subscribe", channel, since: cursors[channel] ?? null });
      }
      return `user ${frame.data.user_id}`;
    case "subscribed":
      return `${frame.channel} at ${frame.seq}`;
    case "resync":
      cursors[frame.channel] = frame.seq;
      return `refetch ${frame.channel}`;
    case "error":
      return frame.code === "forbidden" ? `not allowed: ${frame.channel ?? ""}` : frame.detail;
    case "lesson.updated":
      cursors[frame.channel] = Math.max(cursors[frame.channel] ?? 0, frame.seq);
      return `${frame.data.id} ${frame.data.change} at ${frame.data.starts_at} (${frame.ts})`;
    case "attendance.updated":
      return frame.data.records.map((line) => `${line.student.first_name}: ${line.status ?? "-"}`).join(", ");
    case "payment.updated":
      return `${frame.data.amount} ${frame.data.currency} ${frame.data.status}`;
    case "coins.updated":
      return `${frame.data.balance} (${frame.data.transaction.reason})`;
    default:
      return frame.type;
  }
}

export function ping(send: (action: ClientAction) => void): void {
  send({ action: "ping" });
}
