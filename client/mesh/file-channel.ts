import { PIECE_MESSAGE_MAX_BYTES } from '../../shared/swarm/messages';

/** The binary channel beside the JSON one, for a file's chunks (issue 12). */
export const FILE_CHANNEL_LABEL = 'lc-file';
/**
 * Created on both sides with this id (`negotiated`), never announced in-band: on the answering
 * side simple-peer takes every incoming channel for its own. simple-peer's channel is 0 or 1.
 */
export const FILE_CHANNEL_ID = 8;
/**
 * The largest message either side sends or accepts: a chunk's piece (shared/swarm/pieces.ts).
 * Larger messages would make the JSON channel of the same connection wait behind them.
 */
export const FILE_MESSAGE_MAX_BYTES = PIECE_MESSAGE_MAX_BYTES;
/**
 * Above this much queued, `send` takes nothing more until `drain`: what is queued here is queued
 * ahead of chat and sync too, so it is kept to two pieces.
 */
export const FILE_HIGH_WATER_BYTES = 32 * 1024;
/** Strictly below the high-water mark: `bufferedamountlow` fires only on crossing it from above. */
export const FILE_LOW_WATER_BYTES = 16 * 1024;

/** What a link's `lc-file` channel reports, as the mesh passes it on. */
export type FileEvent =
  | { kind: 'open' }
  | { kind: 'closed' }
  | { kind: 'data'; bytes: ArrayBuffer }
  | { kind: 'drain' };

export interface FileChannelListener {
  /** The channel opened: `send` works from now on. */
  open(): void;
  /** The channel closed with its connection attempt; a new attempt opens a new one. */
  closed(): void;
  /** A message from the other side (a piece), at most FILE_MESSAGE_MAX_BYTES. */
  data(bytes: ArrayBuffer): void;
  /** The send buffer fell below the low-water mark: `send` takes messages again. */
  drain(): void;
}

/**
 * `lc-file` on one RTCPeerConnection: ordered and reliable, binary only, with a size check on
 * what comes in (`refuse` counts a bad message) and flow control on what goes out.
 */
export class FileChannel {
  readonly #channel: RTCDataChannel;
  #open = false;

  constructor(
    pc: RTCPeerConnection,
    private readonly listener: FileChannelListener | undefined,
    refuse: () => void,
  ) {
    // Ordered and reliable, as a data channel is by default.
    const channel = pc.createDataChannel(FILE_CHANNEL_LABEL, {
      negotiated: true,
      id: FILE_CHANNEL_ID,
    });
    channel.binaryType = 'arraybuffer';
    channel.bufferedAmountLowThreshold = FILE_LOW_WATER_BYTES;
    channel.onopen = () => {
      this.#open = true;
      listener?.open();
    };
    channel.onclose = () => this.close();
    channel.onbufferedamountlow = () => listener?.drain();
    channel.onmessage = ({ data }: MessageEvent<unknown>) => {
      if (data instanceof ArrayBuffer && data.byteLength <= FILE_MESSAGE_MAX_BYTES) {
        listener?.data(data);
      } else {
        refuse();
      }
    };
    this.#channel = channel;
  }

  /**
   * Queues one message, a whole buffer or a view of one (the host's pieces share a buffer). False
   * when the channel is not open or holds FILE_HIGH_WATER_BYTES already: wait for `drain` (or
   * `open`) and send it again.
   */
  send(bytes: ArrayBuffer | Uint8Array<ArrayBuffer>): boolean {
    if (bytes.byteLength > FILE_MESSAGE_MAX_BYTES) {
      throw new RangeError(`a message exceeds ${FILE_MESSAGE_MAX_BYTES} bytes`);
    }
    if (!this.#open || this.#channel.bufferedAmount >= FILE_HIGH_WATER_BYTES) return false;
    try {
      // No overload of `send` takes the union: each branch picks its own.
      if (bytes instanceof ArrayBuffer) this.#channel.send(bytes);
      else this.#channel.send(bytes);
      return true;
    } catch {
      return false; // closing: `closed` follows
    }
  }

  /** Closes it (with its attempt); tells the listener once if it had opened. */
  close(): void {
    const channel = this.#channel;
    channel.onopen = channel.onclose = channel.onmessage = channel.onbufferedamountlow = null;
    channel.close();
    if (!this.#open) return;
    this.#open = false;
    this.listener?.closed();
  }
}
