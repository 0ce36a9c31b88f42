import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { CHAT_TEXT_MAX, HISTORY_MAX, type PeerMessageOf } from '../../shared/peer-messages';
import type { MeshController } from '../mesh/mesh-controller';
import { now } from '../util/clock';
import { randomId } from '../util/random-id';
import { addEntries, type ChatEntry, chatLines } from './chat-log';
import { historyPages } from './history-pages';

/** Own lines kept per member whose connection was not ready when they were sent. */
const UNDELIVERED_MAX = 50;

/**
 * Chat over the mesh: lines go to every member (once their connection is ready), the host
 * keeps the history and hands it to each new connection, and membership changes appear as
 * system lines.
 */
export class ChatController implements ReactiveController {
  entries: readonly ChatEntry[] = [];
  #unsubscribe: (() => void) | null = null;
  /** A line typed while someone's connection is still forming reaches them once it is ready. */
  readonly #undelivered = new Map<string, PeerMessageOf<'chat'>[]>();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly mesh: MeshController,
    private readonly selfUserId: string,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.#unsubscribe = this.mesh.subscribe({
      message: (from, message) => {
        if (message.type === 'chat') {
          const line = {
            id: message.id,
            from: from.userId,
            name: from.name,
            text: message.text,
            sentAt: message.sentAt,
          };
          this.#add([{ kind: 'chat', line, own: from.userId === this.selfUserId, at: now() }]);
        } else if (message.type === 'history') {
          const t = now();
          this.#add(
            message.messages.map((line) => ({
              kind: 'chat',
              line,
              own: line.from === this.selfUserId,
              at: Math.min(line.sentAt, t),
            })),
          );
        }
      },
      linkReady: (member) => {
        for (const line of this.#undelivered.get(member.peerId) ?? []) {
          this.mesh.send(member.peerId, line);
        }
        this.#undelivered.delete(member.peerId);
        if (!this.mesh.isHost) return;
        for (const page of historyPages(chatLines(this.entries, HISTORY_MAX))) {
          this.mesh.send(member.peerId, page);
        }
      },
      memberJoined: (m) => this.system(`${m.name} joined${m.role === 'host' ? ' (host)' : ''}.`),
      memberLeft: (m) => {
        this.#undelivered.delete(m.peerId);
        this.system(`${m.name} left${m.role === 'host' ? ' (host)' : ''}.`);
      },
      hostChanged: (hostPeerId, previous) => {
        if (hostPeerId === null && previous !== null) {
          this.system(
            'The host is away. You can keep chatting; playback resumes when they return.',
          );
        }
      },
    });
  }

  hostDisconnected(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  /** Sends a line to everyone connected; returns false for an empty or oversized line. */
  send(text: string): boolean {
    const trimmed = text.trim();
    if (!trimmed || trimmed.length > CHAT_TEXT_MAX || this.mesh.selfPeerId === null) return false;
    const self = this.mesh.members.find((m) => m.link === 'self');
    const line = {
      id: randomId(),
      from: this.selfUserId,
      name: self?.name ?? '',
      text: trimmed,
      sentAt: now(),
    };
    this.#add([{ kind: 'chat', line, own: true, at: line.sentAt }]);
    const message: PeerMessageOf<'chat'> = {
      type: 'chat',
      id: line.id,
      text: line.text,
      sentAt: line.sentAt,
    };
    for (const member of this.mesh.members) {
      if (member.link === 'self' || this.mesh.send(member.peerId, message)) continue;
      const queued = [...(this.#undelivered.get(member.peerId) ?? []), message];
      this.#undelivered.set(member.peerId, queued.slice(-UNDELIVERED_MAX));
    }
    return true;
  }

  system(text: string): void {
    this.#add([{ kind: 'system', id: randomId(), text, at: now() }]);
  }

  #add(added: ChatEntry[]): void {
    this.entries = addEntries(this.entries, added);
    this.host.requestUpdate();
  }
}
