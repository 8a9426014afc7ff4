// On-disk layout of one block header (fixed size, little-endian). The same bytes are
// produced by the builder, appended to headers.seg and parsed back into BlockTable.
//
//   0  f64  start offset of the block in the log file (always at a line start)
//   8  u32  byte length (whole lines, newline included, except a provisional tail)
//  12  u32  line count
//  16  u32  bloom length in bytes (the bloom itself lives in blooms.seg)
//  20  u8   bloom hash count
//  21  u8   flags (reserved)
//  22  u16  reserved
//  24  7×u32 line count per level code (see LEVELS)
//  52  u32  magic, detects torn or foreign records
export const HEADER_BYTES = 56;
export const HEADER_MAGIC = 0x424c4f47; // "GOLB"

export interface BlockHeader {
  start: number;
  byteLen: number;
  lines: number;
  bloomLen: number;
  hashes: number;
  levelCounts: Uint32Array;
}

export function writeHeader(view: DataView, at: number, h: BlockHeader): void {
  view.setFloat64(at, h.start, true);
  view.setUint32(at + 8, h.byteLen, true);
  view.setUint32(at + 12, h.lines, true);
  view.setUint32(at + 16, h.bloomLen, true);
  view.setUint8(at + 20, h.hashes);
  view.setUint8(at + 21, 0);
  view.setUint16(at + 22, 0, true);
  for (let l = 0; l < 7; l++) view.setUint32(at + 24 + l * 4, h.levelCounts[l], true);
  view.setUint32(at + 52, HEADER_MAGIC, true);
}

export function headerView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
