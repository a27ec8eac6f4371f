/**
 * crc32Combine(crcA, crcB, lengthB) = CRC-32 of A followed by B, from the two CRCs alone.
 * Lets chunks of one large file be checksummed in parallel. Node's zlib exposes crc32 but not
 * crc32_combine, so this is the GF(2) polynomial arithmetic: crc(AB) = crc(A) * x^(8*len(B)) mod P xor crc(B).
 */

const POLY = 0xedb88320; // reflected CRC-32 polynomial

/** a(x) * b(x) mod P(x), both reflected 32-bit polynomials. */
function multModP(a: number, b: number): number {
  let product = 0;
  for (let m = 0x80000000; m !== 0; m >>>= 1) {
    if ((a & m) !== 0) product ^= b;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return product >>> 0;
}

/** x^(2^k) mod P for k = 0..63 */
const X2N: number[] = (() => {
  const table = [0x40000000]; // x^1
  for (let k = 1; k < 64; k++) table.push(multModP(table[k - 1]!, table[k - 1]!));
  return table;
})();

/** x^(8 * byteCount) mod P */
function xPow8n(byteCount: number): number {
  let p = 0x80000000; // x^0
  let k = 3; // 8 = 2^3
  let n = byteCount;
  while (n > 0) {
    if (n % 2 === 1) p = multModP(X2N[k % 64]!, p);
    n = Math.floor(n / 2);
    k++;
  }
  return p;
}

export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  return (multModP(xPow8n(lengthB), crcA >>> 0) ^ (crcB >>> 0)) >>> 0;
}
