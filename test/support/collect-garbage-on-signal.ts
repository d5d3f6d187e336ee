// Loaded into a server under test (node --expose-gc --import this file): SIGUSR2 runs a full
// garbage collection, so a leak test reads the live heap rather than whatever garbage is waiting.
// Test-only: the product has no way to force a collection.
const collect = (globalThis as { gc?: () => void }).gc;
if (collect) process.on('SIGUSR2', () => collect());
