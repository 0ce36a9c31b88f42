import { describe, expect, it } from 'vitest';
import {
  FILE_CHANNEL_ID,
  FILE_CHANNEL_LABEL,
  FILE_HIGH_WATER_BYTES,
  FILE_LOW_WATER_BYTES,
  FILE_MESSAGE_MAX_BYTES,
  FileChannel,
} from './file-channel';

// A stand-in for the browser's RTCDataChannel, to send what no WebRTC stack lets a peer send
// (node-datachannel, like Chromium, refuses messages past 256 KiB before they leave, and a
// hostile peer may send anything up to that).

type Handler = ((event: { data: unknown }) => void) | null;

class StandInChannel {
  binaryType = 'blob';
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  closed = false;
  sent: ArrayBuffer[] = [];
  onopen: Handler = null;
  onclose: Handler = null;
  onmessage: Handler = null;
  onbufferedamountlow: Handler = null;
  constructor(
    readonly label: string,
    readonly init: RTCDataChannelInit,
  ) {}
  send(bytes: ArrayBuffer): void {
    this.sent.push(bytes);
    this.bufferedAmount += bytes.byteLength;
  }
  close(): void {
    this.closed = true;
  }
}

function open() {
  const events: string[] = [];
  const chunks: number[] = [];
  let refused = 0;
  let channel: StandInChannel | null = null;
  const pc = {
    createDataChannel: (label: string, init: RTCDataChannelInit) => {
      channel = new StandInChannel(label, init);
      return channel;
    },
  } as unknown as RTCPeerConnection;
  const file = new FileChannel(
    pc,
    {
      open: () => events.push('open'),
      closed: () => events.push('closed'),
      drain: () => events.push('drain'),
      data: (bytes) => chunks.push(bytes.byteLength),
    },
    () => {
      refused += 1;
    },
  );
  if (!channel) throw new Error('no channel made');
  return { file, channel: channel as StandInChannel, events, chunks, refused: () => refused };
}

describe('FileChannel', () => {
  it('is a negotiated binary channel with a low-water mark below the high one', () => {
    const { channel } = open();
    expect(channel.label).toBe(FILE_CHANNEL_LABEL);
    expect(channel.init).toEqual({ negotiated: true, id: FILE_CHANNEL_ID });
    expect(channel.binaryType).toBe('arraybuffer');
    expect(channel.bufferedAmountLowThreshold).toBe(FILE_LOW_WATER_BYTES);
    expect(FILE_LOW_WATER_BYTES).toBeLessThan(FILE_HIGH_WATER_BYTES);
  });

  it('refuses and counts what is too large or not binary, and takes the rest', () => {
    const { channel, chunks, refused } = open();
    channel.onopen?.({ data: null });
    channel.onmessage?.({ data: new ArrayBuffer(FILE_MESSAGE_MAX_BYTES) });
    channel.onmessage?.({ data: new ArrayBuffer(FILE_MESSAGE_MAX_BYTES + 1) });
    channel.onmessage?.({ data: 'text is for the other channel' });
    channel.onmessage?.({ data: new Uint8Array(8) });
    expect(chunks).toEqual([FILE_MESSAGE_MAX_BYTES]);
    expect(refused()).toBe(3);
  });

  it('sends only while open and below the high-water mark', () => {
    const { file, channel, events } = open();
    expect(file.send(new ArrayBuffer(8))).toBe(false);
    channel.onopen?.({ data: null });
    const piece = new ArrayBuffer(FILE_MESSAGE_MAX_BYTES);
    const fit = FILE_HIGH_WATER_BYTES / FILE_MESSAGE_MAX_BYTES;
    const taken = Array.from({ length: fit + 1 }, () => file.send(piece));
    expect(taken).toEqual([...new Array<boolean>(fit).fill(true), false]);
    expect(channel.sent).toHaveLength(fit);
    channel.bufferedAmount = FILE_LOW_WATER_BYTES - 1;
    channel.onbufferedamountlow?.({ data: null });
    expect(events).toEqual(['open', 'drain']);
    expect(file.send(piece)).toBe(true);
    expect(() => file.send(new ArrayBuffer(FILE_MESSAGE_MAX_BYTES + 1))).toThrow(RangeError);
  });

  it('tells of its close once, whoever closes it first', () => {
    const { file, channel, events } = open();
    channel.onopen?.({ data: null });
    channel.onclose?.({ data: null });
    file.close();
    expect(events).toEqual(['open', 'closed']);
    expect(channel.closed).toBe(true);
    expect(file.send(new ArrayBuffer(8))).toBe(false);
  });
});
