import { make, shadowWith } from '../comfort/element';
import type { Member } from '../mesh/member';
import type { MeshController } from '../mesh/mesh-controller';
import { now } from '../util/clock';
import {
  agoText,
  type DetailsRow,
  detailsRow,
  type StatsEntry,
  type StatsSample,
  sampleStats,
} from './link-report';

const CSS = `
:host { display: inline-block; }
button {
  font: inherit; cursor: pointer; padding: 0.4rem 0.8rem; min-height: 2.25rem;
  border: 1px solid var(--lc-border); border-radius: var(--lc-radius);
  background: var(--lc-surface); color: CanvasText;
}
button:focus-visible { outline: 3px solid var(--lc-accent); outline-offset: 2px; }
dialog {
  width: min(36rem, calc(100vw - 1rem)); max-height: calc(100vh - 2rem); padding: 1rem;
  border: 1px solid var(--lc-border); border-radius: var(--lc-radius);
  background: Canvas; color: CanvasText;
}
dialog::backdrop { background: rgb(0 0 0 / 0.5); }
h2 { margin: 0 0 0.5rem; font-size: 1.15rem; }
ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.75rem; }
li { border-top: 1px solid var(--lc-border); padding-top: 0.5rem; }
h3 { margin: 0 0 0.25rem; font-size: 1rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 0.75rem; margin: 0; }
dt { font-weight: 600; }
dd { margin: 0; font-variant-numeric: tabular-nums; }
.end { display: flex; justify-content: flex-end; margin-top: 1rem; }
`;

/** How often the open dialog asks every link for its stats again, ms. */
const REFRESH_MS = 1000;

/**
 * "Connection details": a button and the dialog it opens, listing per person the round trip,
 * route, receive bitrate, packet loss and sync offset to the host, so a person can tell why the
 * picture is choppy for them. Stats are read only while the dialog is open, once a second.
 */
export class LcDetails extends HTMLElement {
  /** No initialiser: it would overwrite what the room set before the upgrade. */
  mesh?: MeshController;
  readonly #open = make('button', { type: 'button' }, 'Connection details');
  readonly #dialog = make('dialog');
  readonly #list = make('ul');
  /** Each person's previous sample, for rates; forgotten when the dialog closes. */
  readonly #samples = new Map<string, StatsSample>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #busy = false;

  constructor() {
    super();
    const title = make('h2', { id: 'details-title' }, 'Connection details');
    const close = make('button', { type: 'button' }, 'Close');
    this.#dialog.setAttribute('aria-labelledby', title.id);
    this.#dialog.append(title, this.#list, make('div', { className: 'end' }, close));
    shadowWith(this, CSS).append(this.#open, this.#dialog);
    this.#open.addEventListener('click', () => this.#show());
    close.addEventListener('click', () => this.#dialog.close());
    this.#dialog.addEventListener('close', () => this.#onClose());
  }

  disconnectedCallback(): void {
    if (this.#dialog.open) this.#dialog.close();
    this.#onClose();
  }

  #show(): void {
    this.#dialog.showModal();
    void this.#refresh();
    clearInterval(this.#timer);
    this.#timer = setInterval(() => void this.#refresh(), REFRESH_MS);
  }

  #onClose(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#samples.clear();
    if (this.isConnected) this.#open.focus();
  }

  async #refresh(): Promise<void> {
    const mesh = this.mesh;
    // A slow getStats must not pile refreshes up on a busy machine.
    if (!mesh || this.#busy) return;
    this.#busy = true;
    try {
      const members = mesh.members;
      const rows = await Promise.all(members.map((m) => this.#row(mesh, m)));
      if (!this.#dialog.open) return;
      const t = now();
      this.#list.replaceChildren(...members.map((m, i) => personItem(m, rows[i] ?? null, t)));
      if (members.length === 0) this.#list.append(make('li', {}, 'Nobody is connected yet.'));
    } finally {
      this.#busy = false;
    }
  }

  async #row(mesh: MeshController, member: Member): Promise<DetailsRow> {
    const isHost = member.peerId === mesh.hostPeerId;
    const hostClock = mesh.isHost ? null : mesh.hostClock();
    if (member.link === 'self') {
      // Our own offset to the host is what our link to the host measured.
      const self = hostClock ? { offset: 0, rtt: 0, at: hostClock.at } : null;
      return {
        ...detailsRow({
          now: null,
          before: null,
          clock: self,
          hostClock,
          isHost,
          weAreHost: mesh.isHost,
        }),
        rttMs: null,
      };
    }
    const report = await mesh.linkStats(member.peerId).catch(() => null);
    const sample = report ? sampleStats(report.values() as Iterable<StatsEntry>, now()) : null;
    const before = this.#samples.get(member.peerId) ?? null;
    if (sample) this.#samples.set(member.peerId, sample);
    return detailsRow({
      now: sample,
      before,
      clock: mesh.clock(member.peerId),
      hostClock,
      isHost,
      weAreHost: mesh.isHost,
    });
  }
}

/** One person's entry: their name, then each figure, "–" where not known (yet). */
function personItem(member: Member, row: DetailsRow | null, t: number): HTMLLIElement {
  const dash = '–';
  const ms = (v: number | null | undefined) => (v == null ? dash : `${Math.round(v)} ms`);
  const name = member.link === 'self' ? `${member.name} (you)` : member.name;
  const figures: [string, string][] = [
    ['Round trip', member.link === 'self' ? dash : ms(row?.rttMs)],
    ['Route', row?.route ?? dash],
    ['Receiving', row?.bitrateKbps == null ? dash : `${Math.round(row.bitrateKbps)} kbit/s`],
    ['Packet loss', row?.lossPercent == null ? dash : `${row.lossPercent.toFixed(1)} %`],
    ['Sync offset to the host', member.role === 'host' ? 'the host' : ms(row?.syncOffsetMs)],
    ['Measured', row?.measuredAt == null ? dash : agoText(row.measuredAt, t)],
  ];
  const list = make('dl');
  for (const [term, value] of figures) list.append(make('dt', {}, term), make('dd', {}, value));
  const state = member.link === 'self' || member.link === 'connected' ? '' : ` (${member.link})`;
  return make('li', {}, make('h3', {}, name + state), list);
}

customElements.define('lc-details', LcDetails);

declare global {
  interface HTMLElementTagNameMap {
    'lc-details': LcDetails;
  }
}
