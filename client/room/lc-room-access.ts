import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { inviteLink } from '../app/router';
import '../ui/lc-copy';
import { baseStyles } from '../ui/styles';

/**
 * What the host hands out to let people in: the room ID, the PIN and an invite link, each to
 * copy, and a button for a fresh PIN (e.g. after wrong guesses).
 * @fires lc-new-pin - the host wants the PIN rotated
 */
@customElement('lc-room-access')
export class LcRoomAccess extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1.25rem;
        align-items: center;
      }
      span {
        font-weight: 600;
      }
    `,
  ];

  @property() roomId = '';
  @property() pin = '';

  override render() {
    return html`<span>Room ID</span><lc-copy label="Room ID" .value=${this.roomId}></lc-copy>
      <span>PIN</span><lc-copy label="PIN" .value=${this.pin}></lc-copy>
      <button type="button" @click=${this._onNewPin}>New PIN</button>
      <lc-copy label="Invite link" .value=${inviteLink(location.origin, this.roomId, this.pin)}></lc-copy>`;
  }

  private _onNewPin(): void {
    this.dispatchEvent(new CustomEvent('lc-new-pin', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lc-room-access': LcRoomAccess;
  }
  interface HTMLElementEventMap {
    'lc-new-pin': CustomEvent<undefined>;
  }
}
