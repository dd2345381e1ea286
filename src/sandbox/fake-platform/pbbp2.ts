// The long connection's wire format: protobuf `pbbp2.Frame` (proto2), hand-coded because the SDK
// keeps its generated classes private (not exported from @larksuiteoapi/node-sdk).
//
// message Header { required string key = 1; required string value = 2; }
// message Frame {
//   required uint64 SeqID = 1; required uint64 LogID = 2; required int32 service = 3; required int32 method = 4;
//   repeated Header headers = 5; optional string payloadEncoding = 6; optional string payloadType = 7;
//   optional bytes payload = 8; optional string LogIDNew = 9;
// }
// The SDK's decoder throws when a required field is missing, so the four numbers are always written.

export const FRAME_CONTROL = 0;
export const FRAME_DATA = 1;

export interface FrameHeader {
  key: string;
  value: string;
}

export interface Frame {
  SeqID: bigint;
  LogID: bigint;
  service: number;
  method: number;
  headers: FrameHeader[];
  payloadEncoding?: string;
  payloadType?: string;
  payload?: Uint8Array;
  LogIDNew?: string;
}

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

export function encodeFrame(frame: Frame): Uint8Array {
  const out = new Writer();
  out.varintField(1, frame.SeqID);
  out.varintField(2, frame.LogID);
  out.varintField(3, int32ToVarint(frame.service));
  out.varintField(4, int32ToVarint(frame.method));
  for (const h of frame.headers) {
    const header = new Writer();
    header.bytesField(1, utf8(h.key));
    header.bytesField(2, utf8(h.value));
    out.bytesField(5, header.finish());
  }
  if (frame.payloadEncoding !== undefined) out.bytesField(6, utf8(frame.payloadEncoding));
  if (frame.payloadType !== undefined) out.bytesField(7, utf8(frame.payloadType));
  if (frame.payload !== undefined) out.bytesField(8, frame.payload);
  if (frame.LogIDNew !== undefined) out.bytesField(9, utf8(frame.LogIDNew));
  return out.finish();
}

export function decodeFrame(bytes: Uint8Array): Frame {
  const frame: Partial<Frame> & { headers: FrameHeader[] } = { headers: [] };
  const r = new Reader(bytes);
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field === 1 && wireType === VARINT) frame.SeqID = r.varint();
    else if (field === 2 && wireType === VARINT) frame.LogID = r.varint();
    else if (field === 3 && wireType === VARINT) frame.service = varintToInt32(r.varint());
    else if (field === 4 && wireType === VARINT) frame.method = varintToInt32(r.varint());
    else if (field === 5 && wireType === LENGTH_DELIMITED) frame.headers.push(decodeHeader(r.bytes()));
    else if (field === 6 && wireType === LENGTH_DELIMITED) frame.payloadEncoding = text(r.bytes());
    else if (field === 7 && wireType === LENGTH_DELIMITED) frame.payloadType = text(r.bytes());
    else if (field === 8 && wireType === LENGTH_DELIMITED) frame.payload = r.bytes();
    else if (field === 9 && wireType === LENGTH_DELIMITED) frame.LogIDNew = text(r.bytes());
    else r.skip(wireType);
  }
  for (const required of ["SeqID", "LogID", "service", "method"] as const) {
    if (frame[required] === undefined) throw new Error(`pbbp2.Frame: missing required '${required}'`);
  }
  return frame as Frame;
}

/** Header lookup by key; the last one wins, as in the SDK's own header reduce. */
export function headerOf(frame: Frame, key: string): string | undefined {
  return frame.headers.filter((h) => h.key === key).at(-1)?.value;
}

function decodeHeader(bytes: Uint8Array): FrameHeader {
  const r = new Reader(bytes);
  let key: string | undefined;
  let value: string | undefined;
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field === 1 && wireType === LENGTH_DELIMITED) key = text(r.bytes());
    else if (field === 2 && wireType === LENGTH_DELIMITED) value = text(r.bytes());
    else r.skip(wireType);
  }
  if (key === undefined || value === undefined) throw new Error("pbbp2.Header: missing required 'key' or 'value'");
  return { key, value };
}

/** int32 is written as a sign-extended 64-bit varint (10 bytes when negative), as protobuf does. */
function int32ToVarint(n: number): bigint {
  return BigInt.asUintN(64, BigInt(Math.trunc(n) | 0));
}
function varintToInt32(v: bigint): number {
  return Number(BigInt.asIntN(32, v));
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder("utf-8").decode(b);

class Writer {
  private readonly chunks: number[] = [];

  varintField(field: number, value: bigint): void {
    this.varint(BigInt((field << 3) | VARINT));
    this.varint(value);
  }

  bytesField(field: number, bytes: Uint8Array): void {
    this.varint(BigInt((field << 3) | LENGTH_DELIMITED));
    this.varint(BigInt(bytes.length));
    for (const b of bytes) this.chunks.push(b);
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }

  private varint(value: bigint): void {
    let v = BigInt.asUintN(64, value);
    while (v >= 0x80n) {
      this.chunks.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.chunks.push(Number(v));
  }
}

class Reader {
  private pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  done(): boolean {
    return this.pos >= this.buf.length;
  }

  tag(): { field: number; wireType: number } {
    const t = Number(this.varint());
    return { field: t >>> 3, wireType: t & 7 };
  }

  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const byte = this.byte();
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return BigInt.asUintN(64, result);
    }
    throw new Error("pbbp2: varint too long");
  }

  bytes(): Uint8Array {
    const length = Number(this.varint());
    if (this.pos + length > this.buf.length) throw new Error("pbbp2: truncated length-delimited field");
    const out = this.buf.slice(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  skip(wireType: number): void {
    if (wireType === VARINT) this.varint();
    else if (wireType === FIXED64) this.advance(8);
    else if (wireType === LENGTH_DELIMITED) this.bytes();
    else if (wireType === FIXED32) this.advance(4);
    else throw new Error(`pbbp2: unsupported wire type ${wireType}`);
  }

  private advance(n: number): void {
    if (this.pos + n > this.buf.length) throw new Error("pbbp2: truncated field");
    this.pos += n;
  }

  private byte(): number {
    const b = this.buf[this.pos];
    if (b === undefined) throw new Error("pbbp2: truncated varint");
    this.pos += 1;
    return b;
  }
}
