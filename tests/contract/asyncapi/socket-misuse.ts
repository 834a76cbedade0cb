// Must NOT type-check: a payment event has no attendance records, and `since` is a number.
import type { Socket } from "./socket";

type ServerFrame = NonNullable<Socket["server"]>;
type ClientAction = NonNullable<Socket["client"]>;

export function wrong(frame: ServerFrame): number {
  if (frame.type === "payment.updated") return frame.data.records.length;
  const action: ClientAction = { action: "subscribe", channel: "group:1", since: "12" };
  return action.action.length;
}
