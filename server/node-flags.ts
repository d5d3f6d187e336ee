// The flags Node runs the PBX with: `npm start` (package.json spells them out), the tests' servers
// and the embedded PBX of `npm run flow` all start server/main.ts with these.
// --single-threaded-gc: each thread (signaling, the media worker, the MP3 worker) collects its own
// garbage in small steps on itself, rather than with V8's helper threads. On a small machine those
// helpers compete for the same cores as the calls, and a collection whose concurrent marking
// did not get a core finishes in one long pause: measured on 2 cores with 100 calls, the signaling
// thread's worst stall went from 43–55 ms to 25–32 ms and the server used less CPU (README,
// Performance → Load).
export const SERVER_NODE_FLAGS: readonly string[] = ['--single-threaded-gc'];
