import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Why an Open Platform call is made, for counting against the tenant's monthly budget (issue
 * #22): the outbox row or job being worked on. Carried through the async call chain rather
 * than passed down every port, so the gateway can attribute each call it makes.
 */
export interface CallCause {
  orgId?: number;
  /** What the call did, e.g. "patch meeting:signin", "job meetings.reminder". */
  cause: string;
}

const current = new AsyncLocalStorage<CallCause>();

export function withCallCause<T>(cause: CallCause, fn: () => Promise<T>): Promise<T> {
  return current.run(cause, fn);
}

export function callCause(): CallCause | undefined {
  return current.getStore();
}

/**
 * An outbox row's cause: its kind and what its card is (`meeting:12:signin` → "patch
 * meeting:signin"), or the message type for texts and files.
 */
export function outboxCause(row: { kind: string; cardRef: string | null; msgType: string | null }): string {
  if (row.cardRef) {
    const [feature, , what] = row.cardRef.split(":");
    return `${row.kind} ${feature}${what ? `:${what}` : ""}`;
  }
  return `${row.kind} ${row.msgType ?? "text"}`;
}
