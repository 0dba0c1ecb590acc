/**
 * Z85, the ZeroMQ base-85 encoding (rfc.zeromq.org/spec/32), which Delta uses to put binary data in
 * JSON: inline deletion vectors and the UUIDs that name deletion-vector files. Every 5 characters
 * stand for 4 bytes, read as a big-endian 32-bit number in base 85.
 */

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
const DIGITS = new Map([...ALPHABET].map((char, value) => [char, value]));

/**
 * Decodes Z85 text, whose length must be a multiple of 5, into `length / 5 * 4` bytes.
 *
 * @throws RangeError for a length that is not a multiple of 5, a character outside the alphabet, or
 * a group whose value exceeds 32 bits.
 */
export function decodeZ85(text: string): Uint8Array {
  if (text.length % 5 !== 0) throw new RangeError(`Z85 text must have a multiple of 5 characters, not ${text.length}`);
  const out = new Uint8Array((text.length / 5) * 4);
  const view = new DataView(out.buffer);
  for (let group = 0; group < text.length / 5; group++) {
    let value = 0;
    for (let i = 0; i < 5; i++) {
      const char = text[group * 5 + i]!;
      const digit = DIGITS.get(char);
      if (digit === undefined) throw new RangeError(`${JSON.stringify(char)} is not a Z85 character`);
      value = value * 85 + digit;
    }
    if (value > 0xffff_ffff) throw new RangeError(`Z85 group ${text.slice(group * 5, group * 5 + 5)} exceeds 32 bits`);
    view.setUint32(group * 4, value);
  }
  return out;
}

/**
 * Encodes bytes as Z85; the input is zero-padded to a multiple of 4 bytes first (Delta's inline
 * deletion vectors record their unpadded size separately).
 */
export function encodeZ85(bytes: Uint8Array): string {
  const padded = new Uint8Array(Math.ceil(bytes.length / 4) * 4);
  padded.set(bytes);
  const view = new DataView(padded.buffer);
  let out = "";
  for (let offset = 0; offset < padded.length; offset += 4) {
    let value = view.getUint32(offset);
    const group: string[] = [];
    for (let i = 0; i < 5; i++) {
      group.push(ALPHABET[value % 85]!);
      value = Math.floor(value / 85);
    }
    out += group.reverse().join("");
  }
  return out;
}
