// The AI tool catalog (seed 001's per-image prices and seed 002's generation).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, removeDataDir, call } from './lib/server.mjs';

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server.stop();
  removeDataDir(server.dataDir);
});

test('GET /api/v1/tools lists the seed prices without authentication', async () => {
  const response = await call(server, 'GET', '/api/v1/tools');
  assert.equal(response.status, 200);
  const prices = Object.fromEntries(response.json.data.map((tool) => [tool.key, tool.credits]));
  assert.deepEqual(prices, {
    'ai-generation': 10,
    'flux-kontext-max': 8,
    'flux-kontext-pro': 3,
    'llm-chat': 1,
    'nano-banana': 2,
    'nano-banana-pro': 4,
    'seedream-4.0': 5,
    'sora-image': 6,
  });
  const banana = response.json.data.find((tool) => tool.key === 'nano-banana');
  assert.deepEqual(banana, {
    key: 'nano-banana', name: 'Nano Banana', credits: 2, unit: 'image', resource_type: 'images',
    required_feature: null,
  });
});
