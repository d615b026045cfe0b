// Runs the loopback server of openaiAdapter.ts on its own thread, so that answering does not share
// the event loop being measured. Posts the server's baseURL; closes it on any message.
import { parentPort, workerData } from 'node:worker_threads';
import { startOpenAIServer } from '../examples/support/openaiServer.js';

const server = await startOpenAIServer(workerData as { concurrency: number });
parentPort!.once('message', async () => {
  const served = server.served;
  await server.close();
  parentPort!.postMessage({ served });
});
parentPort!.postMessage({ baseURL: server.baseURL });
