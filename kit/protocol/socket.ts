/**
 * Client sockets for RpcPeer that read with Node's `onread` option: every read lands in one reusable
 * buffer and goes straight to the peer's decoder, without a Buffer per read and the stream machinery
 * around it (a sequential round trip measured ~10% faster, bench/protocol.ts). Servers cannot use it: Node
 * makes accepted sockets itself.
 */
import net from 'node:net';
import { RpcPeer, type PeerOptions } from './peer.ts';

/** One read's worth; Node reads at most 64 KiB at a time by default too. */
const READ_BUFFER_BYTES = 64 * 1024;

export interface PendingSocket {
  socket: net.Socket;
  /** The peer that receives the socket's bytes; bytes read before it exists are kept for it. */
  peer(opts?: PeerOptions): RpcPeer;
}

/** Starts connecting (listen for 'connect' / 'error' on `socket`); call peer() once connected. */
export function connectSocket(target: { host: string; port: number } | { path: string }): PendingSocket {
  let receiver: RpcPeer | null = null;
  const early: Buffer[] = [];
  const buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  const socket = net.connect({
    ...target,
    onread: {
      buffer,
      callback: (bytes: number, buf: Uint8Array) => {
        const chunk = Buffer.from(buf.buffer, buf.byteOffset, bytes);
        if (receiver) receiver.receive(chunk);
        else early.push(Buffer.from(chunk));
        return true;
      },
    },
  });
  return {
    socket,
    peer(opts = {}) {
      receiver = new RpcPeer(socket, { ...opts, externalReads: true });
      for (const chunk of early.splice(0)) receiver.receive(chunk);
      return receiver;
    },
  };
}
