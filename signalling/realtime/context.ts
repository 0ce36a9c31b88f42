import type { SessionService } from '../auth/sessions';
import type { Logger } from '../log';
import type { RoomService } from '../rooms/service';
import type { Limits } from '../security/limits';
import type { JoinLock } from './keyed-lock';
import type { ResumeTokens } from './resume';
import type { LcServer } from './types';

export interface RealtimeContext {
  io: LcServer;
  rooms: RoomService;
  sessions: SessionService;
  limits: Limits;
  joinLock: JoinLock;
  resume: ResumeTokens;
  log: Logger;
}

/** A handler's answer for the ack, and work to do once the ack is sent. */
export interface Outcome<R> {
  reply: R;
  after?: () => Promise<void>;
}
