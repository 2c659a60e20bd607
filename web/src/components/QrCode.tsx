// A QR code for the payer to scan (Alipay 当面付, WeChat Pay Native): the `qrcode` package
// encodes the payload, and the modules are drawn here as one SVG path, so the code is sharp at
// any size and renders the same on the server as in the browser.
import { create } from 'qrcode';

// Scanners need 4 light modules around the code (ISO/IEC 18004, "quiet zone").
const QUIET_ZONE_MODULES = 4;

// A drawn QR code: `size` modules a side, quiet zone included; `path` covers the dark modules,
// each run of a row as one rectangle.
export interface QrDrawing {
  size: number;
  path: string;
}

// Returns the drawing of `payload`, or null when it does not fit in a QR code.
export function drawQr(payload: string): QrDrawing | null {
  let modules;
  try {
    modules = create(payload, { errorCorrectionLevel: 'M' }).modules;
  } catch {
    return null;
  }
  const path: string[] = [];
  for (let row = 0; row < modules.size; row += 1) {
    let col = 0;
    while (col < modules.size) {
      if (!modules.get(row, col)) {
        col += 1;
        continue;
      }
      const start = col;
      while (col < modules.size && modules.get(row, col)) col += 1;
      const run = col - start;
      path.push(`M${start + QUIET_ZONE_MODULES} ${row + QUIET_ZONE_MODULES}h${run}v1h-${run}z`);
    }
  }
  return { size: modules.size + 2 * QUIET_ZONE_MODULES, path: path.join('') };
}

// The drawing as an image named `label` for screen readers.
export function QrCode({ drawing, label }: { drawing: QrDrawing; label: string }) {
  return (
    <svg
      role="img"
      aria-label={label}
      viewBox={`0 0 ${drawing.size} ${drawing.size}`}
      shapeRendering="crispEdges"
    >
      <rect width={drawing.size} height={drawing.size} fill="#fff" />
      <path d={drawing.path} fill="#000" />
    </svg>
  );
}
