import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BodyReadResult } from '../http/body-reader.js';
import type { ActiveFault, EventErrorsSpec } from './fault-script.js';
import { jsonReply, messageReply, sendReply, textReply, type Reply } from '../http/http-reply.js';

export interface FaultableRequest {
  res: ServerResponse;
  /** Reads the body (within the size limit) without processing it. */
  readBody(): Promise<BodyReadResult>;
  /** Processes the request normally and decides the answer. */
  handle(eventFault?: EventErrorsSpec): Promise<Reply>;
  /** Aborted when the receiver closes, so pending delays end. */
  signal: AbortSignal;
}

/** Serves one ingestion request, applying the fault step scripted for it (if any). */
export async function serveWithFault(request: FaultableRequest, fault: ActiveFault | undefined): Promise<void> {
  const { res } = request;
  switch (fault?.kind) {
    case undefined:
      sendReply(res, await request.handle());
      return;
    case 'status': {
      const read = await request.readBody();
      sendReply(res, { ...statusReply(fault), closeConnection: read.kind === 'too-large' });
      return;
    }
    case 'delay': {
      const reply = await request.handle();
      if (await delay(fault.delayMs, request.signal)) sendReply(res, reply);
      return;
    }
    case 'hang':
      // Never answer; the socket stays open until the client gives up or the receiver closes.
      await request.readBody();
      return;
    case 'destroy':
      await request.readBody();
      res.socket?.destroy();
      return;
    case 'eventErrors':
      sendReply(res, await request.handle(fault.eventErrors));
      return;
  }
}

function statusReply(fault: Extract<ActiveFault, { kind: 'status' }>): Reply {
  const { status, body, headers } = fault;
  if (body === undefined) return withHeaders(messageReply(status), headers);
  return typeof body === 'string' ? textReply(status, body, headers) : jsonReply(status, body, headers);
}

function withHeaders(reply: Reply, headers: Record<string, string>): Reply {
  return { ...reply, headers: { ...reply.headers, ...headers } };
}

/** Resolves true after the delay, false if the receiver closed first. */
async function delay(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
