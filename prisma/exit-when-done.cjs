// Preloaded into the Prisma CLI by lib/runtime/migrate.ts (`node --require`). Prisma 6's WASM schema
// engine leaves a 10-second timer behind when `migrate deploy` has finished, and the CLI does not
// exit until it fires: every migration (each `npm start`, `rekey db migrate`, `rekey db seed`) took
// ~11 s of which ~1 s was work. Timers do not hold the process open here; sockets and child
// processes still do, so a query or a lock wait in progress keeps it alive as before.
'use strict';
const { setTimeout: originalSetTimeout } = globalThis;
globalThis.setTimeout = function setTimeoutUnref(...args) {
  const timer = originalSetTimeout(...args);
  timer.unref?.();
  return timer;
};
