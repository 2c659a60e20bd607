import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// `npm run build` writes dist/, which creditd serves at / (--web-root). During `vite dev` the API
// is proxied to a creditd on :8080.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, assetsDir: 'assets' },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/sandbox': 'http://127.0.0.1:8080' } },
  test: { include: ['src/**/*.test.ts', 'src/**/*.test.tsx'], environment: 'node' },
});
