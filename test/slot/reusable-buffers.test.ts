import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReusableBuffers } from '../../src/main/slot/reusable-buffers.js';

test('a given-back buffer is reused for the next upload of a similar size, and unknown buffers are ignored', () => {
  const buffers = new ReusableBuffers(1024 * 1024);
  const first = buffers.take(100_000);
  assert.equal(first.length, 100_000);
  first.fill(7);
  buffers.give(first);
  assert.equal(buffers.freeBytes, 128 * 1024);
  const second = buffers.take(90_000);
  assert.equal(second.length, 90_000);
  assert.equal(second.buffer, first.buffer, 'the same memory is used again');
  assert.equal(buffers.freeBytes, 0);
  buffers.give(Buffer.alloc(10));
  buffers.give('not a buffer');
  assert.equal(buffers.freeBytes, 0);
  buffers.give(second);
  buffers.give(second);
  assert.equal(buffers.freeBytes, 128 * 1024, 'giving twice keeps one copy');
});

test('buffers in use are never handed out twice, and free memory stays within the bound', () => {
  const buffers = new ReusableBuffers(300 * 1024);
  const inUse = Array.from({ length: 4 }, () => buffers.take(100_000));
  assert.equal(new Set(inUse.map((b) => b.buffer)).size, 4);
  for (const buffer of inUse) buffers.give(buffer);
  assert.equal(buffers.freeBytes, 256 * 1024, 'two 128 KiB buffers fit within 300 KiB; the others are dropped');
});

test('float views are reused like byte buffers, over the same memory', () => {
  const buffers = new ReusableBuffers(1024 * 1024);
  const floats = buffers.takeFloats(150_528);
  assert.equal(floats.length, 150_528);
  floats.fill(0.5);
  buffers.give(floats);
  assert.equal(buffers.freeBytes, 1024 * 1024, '602,112 bytes take a 1 MiB buffer');
  const bytes = buffers.take(600_000);
  assert.equal(bytes.buffer, floats.buffer, 'a given-back float view serves a byte buffer next');
  buffers.give(bytes);
  assert.equal(buffers.takeFloats(150_000).buffer, floats.buffer);
});
