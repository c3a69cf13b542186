// Float values to the bytes of a GGUF tensor, for the tensor types the test writer produces.

/** Tensor types the test writer can encode from float values. */
export type GgufWritableTensorType = "F32" | "F16" | "Q8_0";

const f32View = new Float32Array(1);
const u32View = new Uint32Array(f32View.buffer);

/** Rounds a float32 to IEEE half precision (round to nearest even), returning the 16 bits. */
export function float32ToFloat16Bits(value: number): number {
  f32View[0] = value;
  const x = u32View[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0); // Inf / NaN
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00; // overflow to Inf
  if (halfExponent <= 0) {
    if (halfExponent < -10) return sign; // too small: signed zero
    mantissa |= 0x800000;
    const shift = 14 - halfExponent;
    let half = mantissa >>> shift;
    const remainder = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (remainder > halfway || (remainder === halfway && half & 1)) half += 1;
    return sign | half;
  }
  let half = (halfExponent << 10) | (mantissa >>> 13);
  const remainder = mantissa & 0x1fff;
  if (remainder > 0x1000 || (remainder === 0x1000 && half & 1)) half += 1; // may carry into the exponent: still correct
  return sign | half;
}

function encodeF32(values: Float32Array): Uint8Array {
  const copy = new Float32Array(values); // own, aligned buffer; the host is little-endian
  return new Uint8Array(copy.buffer);
}

function encodeF16(values: Float32Array): Uint8Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = float32ToFloat16Bits(values[i]!);
  return new Uint8Array(out.buffer);
}

/** Q8_0: blocks of 32 values as an f16 scale and 32 int8 quants (ggml's reference quantizer). */
function encodeQ8_0(values: Float32Array): Uint8Array {
  if (values.length % 32 !== 0) throw new Error("Q8_0 data chunks must hold a multiple of 32 values");
  const blocks = values.length / 32;
  const out = Buffer.alloc(blocks * 34);
  for (let block = 0; block < blocks; block++) {
    const start = block * 32;
    let absMax = 0;
    for (let i = 0; i < 32; i++) absMax = Math.max(absMax, Math.abs(values[start + i]!));
    const scale = absMax / 127;
    const inverse = scale ? 1 / scale : 0;
    const at = block * 34;
    out.writeUInt16LE(float32ToFloat16Bits(scale), at);
    for (let i = 0; i < 32; i++) out.writeInt8(Math.round(values[start + i]! * inverse), at + 2 + i);
  }
  return out;
}

/** The encoder for a tensor type; chunks fed to it must hold whole blocks (Q8_0: multiples of 32). */
export function tensorEncoderFor(type: GgufWritableTensorType): (values: Float32Array) => Uint8Array {
  return type === "F32" ? encodeF32 : type === "F16" ? encodeF16 : encodeQ8_0;
}
