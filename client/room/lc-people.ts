import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { linkBlocked, type Member } from '../mesh/member';
import type { Outdated } from '../mesh/protocol-version';
import { baseStyles } from '../ui/styles';
import { listChanged } from '../util/list-changed';
import type { MicrophoneMark } from '../voice/microphone-marks';

const LINK_TEXT: Record<Member['link'], string> = {
  self: 'you',
  connecting: 'connecting…',
  connected: 'connected',
  failed: 'connection failed',
  retrying: 'reconnecting…',
  closed: 'disconnected',
};

const OUTDATED_TEXT: Record<Outdated, string> = {
  self: 'reload this page to connect',
  peer: 'their page is out of date',
};

/** Words, not a colour or an icon alone, so a screen reader reads them with the name. */
const MICROPHONE_TEXT: Record<MicrophoneMark, string> = { on: 'microphone on', muted: 'muted' };

function stateText(m: Member): string {
  if (m.link === 'connected') return LINK_TEXT[m.link];
  if (m.outdated) return OUTDATED_TEXT[m.outdated];
  if (m.relayUnreachable) return 'could not reach the relay server';
  return linkBlocked(m) ? 'no connection yet, still trying' : LINK_TEXT[m.link];
}

/**
 * Everyone in the room, the state of our connection to each, and who is buffering.
 * @fires lc-remove - the host wants this guest out of the room for good
 * @fires lc-volume - the volume we hear a person's voice at
 */
@customElement('lc-people')
export class LcPeople extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        border: 1px solid var(--lc-border);
        border-radius: var(--lc-radius);
        padding: 0.5rem 0.75rem;
      }
      h2 {
        font-size: 1rem;
        margin: 0 0 0.25rem;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      li {
        display: flex;
        flex-wrap: wrap;
        justify-content: space-between;
        gap: 0.5rem;
        padding: 0.15rem 0;
      }
      .state {
        color: var(--lc-muted);
      }
      .buffering {
        color: var(--lc-warn);
        font-style: italic;
      }
      .mic {
        color: var(--lc-muted);
      }
      .state.connected {
        color: var(--lc-ok);
      }
      .state.failed,
      .state.retrying {
        color: var(--lc-warn);
      }
    `,
  ];

  @property({ attribute: false }) members: readonly Member[] = [];
  /** Peer IDs whose players are buffering, as the host knows them. */
  @property({ attribute: false, hasChanged: listChanged }) buffering: readonly string[] = [];
  /** Peer IDs of the people speaking now. */
  @property({ attribute: false, hasChanged: listChanged }) speaking: readonly string[] = [];
  /** Whose microphone is on or muted (peer ID to mark; none for who never turned it on). */
  @property({ attribute: false }) microphones: ReadonlyMap<string, MicrophoneMark> | undefined;
  /** The volume we hear each person at (peer ID to 0–1; 1 when absent). */
  @property({ attribute: false }) volume: (peerId: string) => number = () => 1;
  /** Ours is the host's page: each guest gets "Remove NAME". */
  @property({ type: Boolean }) host = false;

  override render() {
    return html`<h2 id="people-h">People (${this.members.length})</h2>
      <ul aria-label="People">
        ${this.members.map(
          (m) => html`<li data-peer=${m.peerId}>
            <span class="name">${m.name}${m.role === 'host' ? ' (host)' : ''}${
              this.buffering.includes(m.peerId)
                ? html` <span class="buffering">buffering</span>`
                : ''
            }${this.speaking.includes(m.peerId) ? html` <strong>speaking</strong>` : ''}${this._mic(m.peerId)}</span>
            <span class="state ${m.link}">${stateText(m)}</span>
            ${
              m.link === 'self'
                ? ''
                : html`<label>Volume for ${m.name} <input type="range" min="0" max="1" step="0.05"
                    .value=${String(this.volume(m.peerId))} @input=${(e: Event) =>
                      this._fire('lc-volume', {
                        peerId: m.peerId,
                        volume: Number((e.target as HTMLInputElement).value),
                      })}></label>`
            }
            ${
              this.host && m.role === 'guest'
                ? html`<button type="button" @click=${() => this._remove(m.peerId)}>Remove ${m.name}</button>`
                : ''
            }
          </li>`,
        )}
      </ul>`;
  }

  /** Not a live region: a mark that changes is read with the row, never announced by itself. */
  private _mic(peerId: string) {
    const mark = this.microphones?.get(peerId);
    return mark ? html` <span class="mic">${MICROPHONE_TEXT[mark]}</span>` : '';
  }

  private _remove(peerId: string): void {
    this._fire('lc-remove', { peerId });
  }

  private _fire<K extends 'lc-remove' | 'lc-volume'>(
    type: K,
    detail: HTMLElementEventMap[K]['detail'],
  ): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lc-people': LcPeople;
  }
  interface HTMLElementEventMap {
    'lc-remove': CustomEvent<{ peerId: string }>;
    'lc-volume': CustomEvent<{ peerId: string; volume: number }>;
  }
}
