/**
 * Types for the parts of @thaunknown/simple-peer we use. The fork ships none, and
 * @types/simple-peer describes 9.x (Node Buffers, a non-null replaceTrack), so this states what
 * 10.x actually does: data arrives as Uint8Array, errors carry an `ERR_*` code.
 */
declare module '@thaunknown/simple-peer' {
  export interface PeerOptions {
    initiator?: boolean;
    config?: RTCConfiguration;
    channelConfig?: RTCDataChannelInit;
    trickle?: boolean;
    streams?: MediaStream[];
  }

  export interface PeerError extends Error {
    code?: string;
  }

  export default class Peer {
    constructor(opts?: PeerOptions);
    readonly initiator: boolean;
    readonly connected: boolean;
    readonly destroyed: boolean;
    /** The underlying connection; simple-peer has no API for codec preferences. */
    readonly _pc: RTCPeerConnection;
    /** The data channel's bufferedAmount, in bytes. */
    readonly bufferSize: number;
    signal(data: object): void;
    send(data: string | Uint8Array): void;
    addTrack(track: MediaStreamTrack, stream: MediaStream): void;
    /** `newTrack` null stops sending on that sender without renegotiating. */
    replaceTrack(
      oldTrack: MediaStreamTrack,
      newTrack: MediaStreamTrack | null,
      stream: MediaStream,
    ): void;
    addTransceiver(kind: 'audio' | 'video', init?: RTCRtpTransceiverInit): void;
    destroy(err?: Error): void;
    on(event: 'connect' | 'close', listener: () => void): this;
    on(event: 'signal', listener: (data: unknown) => void): this;
    on(event: 'data', listener: (chunk: Uint8Array) => void): this;
    on(event: 'error', listener: (err: PeerError) => void): this;
    on(event: 'track', listener: (track: MediaStreamTrack, stream: MediaStream) => void): this;
    removeAllListeners(event?: string): this;
  }
}
