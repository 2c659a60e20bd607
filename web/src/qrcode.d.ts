// The part of the `qrcode` package (1.5) the portal uses: encoding a payload into modules.
// Written here rather than taken from @types/qrcode, which references Node's types: those would
// then apply to the browser code too (Node's setTimeout overloads, `process`, `Buffer`).
declare module 'qrcode' {
  export interface QRCodeOptions {
    errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H';
  }
  // The symbol's modules, `size` a side; get() is 1 for a dark module, 0 for a light one.
  export interface BitMatrix {
    size: number;
    get(row: number, col: number): number;
  }
  // Encodes `text` in the smallest version that holds it; throws when none does.
  export function create(text: string, options?: QRCodeOptions): { modules: BitMatrix };
}
