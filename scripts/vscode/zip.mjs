// A minimal zip reader (no dependencies): enough to list a VSIX and read small entries.
//
// Exports:
//   readZip(file) -> { entries: { name, size, compressedSize }[], read(name) -> Buffer }

import fs from 'node:fs';
import zlib from 'node:zlib';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** @param {string} file */
export function readZip(file) {
  const buf = fs.readFileSync(file);
  // End of central directory: 22 bytes plus a comment of at most 65535 bytes, at the very end.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file}: not a zip file (no end-of-central-directory record)`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || p === 0xffffffff) throw new Error(`${file}: zip64 archives are not supported`);

  /** @type {Map<string, { name: string, size: number, compressedSize: number, method: number, offset: number }>} */
  const byName = new Map();
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== CENTRAL) throw new Error(`${file}: corrupt central directory at entry ${n}`);
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const offset = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    byName.set(name, { name, size, compressedSize, method, offset });
    p += 46 + nameLen + extraLen + commentLen;
  }

  return {
    entries: [...byName.values()].map(({ name, size, compressedSize }) => ({ name, size, compressedSize })),
    /** The uncompressed bytes of one entry. */
    read(name) {
      const e = byName.get(name);
      if (!e) throw new Error(`${file}: no entry ${name}`);
      if (buf.readUInt32LE(e.offset) !== LOCAL) throw new Error(`${file}: corrupt local header for ${name}`);
      const start = e.offset + 30 + buf.readUInt16LE(e.offset + 26) + buf.readUInt16LE(e.offset + 28);
      const data = buf.subarray(start, start + e.compressedSize);
      if (e.method === 0) return Buffer.from(data);
      if (e.method === 8) return zlib.inflateRawSync(data);
      throw new Error(`${file}: ${name} uses unsupported compression method ${e.method}`);
    },
  };
}
