import { historyStoreSuite } from './history-store-suite.js';
import { postgresUnavailable, startPostgres } from './postgres-server.js';

const unavailable = postgresUnavailable();

historyStoreSuite('postgres', {
  ...(unavailable ? { unavailable } : {}),
  async start() {
    const server = await startPostgres();
    return { freshSpec: () => server.freshDatabase(), stop: () => server.stop() };
  },
});
