import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerTransaction } from '../../src/transaction/server-transaction.js';
import { TransactionState } from '../../src/transaction/transaction-state.js';
import { portBlock } from '../helpers/ports.js';
import { describeRun, runSipp } from '../helpers/sipp.js';
import { answerInvite, connectApp, disconnectApp, type LooseSrf, until } from '../helpers/srf.js';
import { type TestServer, startTestServer } from '../helpers/test-server.js';

// Memory held per finished call (RFC 3261 §17.2.1 / §17.2.2, RFC 6026 §7.1): once a UDP server
// transaction has sent its final response it only absorbs retransmissions until Timer J/L
// (64×T1), and the stack keeps a compact record instead of the transaction object, its parsed
// request and listeners. SIPp INVITE/200/ACK/BYE/200 calls through a real drachtio-srf app.
const ports = portBlock('memory');
const T1 = 50; // Timer J/L = 3.2 s
const CALLS = 40;
let ts: TestServer;
let app: LooseSrf;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A full GC once the current job is over (WeakRef targets are kept until then). */
async function collect(): Promise<void> {
  await new Promise((r) => setTimeout(r, 10));
  gc();
  await new Promise((r) => setTimeout(r, 10));
  gc();
}

beforeAll(async () => {
  ts = await startTestServer(ports, { protocols: ['udp'], timers: { t1: T1, t2: 8 * T1, t4: 10 * T1 } });
  app = await connectApp(ts.adminPort);
  app.invite((req: LooseSrf, res: LooseSrf) => {
    answerInvite(app, req, res, 30030);
  });
});

afterAll(async () => {
  disconnectApp(app);
  await ts?.stop();
});

describe('finished UDP server transactions', () => {
  it('are held as compact records, without their objects, and released at Timer J/L', async () => {
    const stack = ts.server.stack;
    const refs: Array<WeakRef<ServerTransaction>> = [];
    const byes: ServerTransaction[] = [];
    const onRequest = (req: { method: string }, txn: ServerTransaction) => {
      refs.push(new WeakRef(txn));
      if (req.method === 'BYE') byes.push(txn);
    };
    stack.on('request', onRequest);
    const base = stack.stats();
    const r = await runSipp({
      scenario: 'uac-invite-bye.xml',
      target: `127.0.0.1:${ts.sipPort}`,
      port: ports.sipp(0),
      mediaPort: ports.media(0),
      calls: CALLS,
      rate: 40,
      timeoutS: 30,
    });
    stack.off('request', onRequest);
    expect(r.code, describeRun(r)).toBe(0);
    expect(refs).toHaveLength(2 * CALLS);
    expect(byes).toHaveLength(CALLS);

    // Every call is over well within Timer J/L: all that is left are records, one per INVITE and BYE.
    await until(() => stack.stats().serverTransactionRecords === 2 * CALLS, 5000, 'a record per transaction');
    const s = stack.stats();
    expect(s.serverTransactions).toBe(2 * CALLS);
    expect(s.serverTransactionsRetired - base.serverTransactionsRetired).toBe(2 * CALLS);
    expect(s.clientTransactions).toBe(0);
    expect(ts.server.stats().dialogs).toBe(0);
    expect(ts.server.stats().transactions).toBe(0);

    // The UAS layer dropped its `terminated` listener once the app's final response went out
    // (commit b6d60dc): a listener left on a finished transaction keeps its request record
    // and dialog reachable until Timer J — and now also keeps the transaction object itself.
    // (Counted in a callback: a loop variable in this async function would keep the last one alive.)
    expect(byes.filter((t) => t.listenerCount('terminated') > 0)).toHaveLength(0);
    // A finished transaction the TU still holds keeps working: it reads accepted/completed until Timer J/L.
    expect(byes[0]!.state).toBe(TransactionState.Completed);
    byes.length = 0;

    // Nothing refers to the transaction objects any more: a GC frees them while their records live on.
    await collect();
    const alive = refs.filter((w) => w.deref() !== undefined).length;
    expect(alive).toBe(0);
    expect(stack.stats().serverTransactionRecords).toBe(2 * CALLS);

    // Timer J/L (64×T1 = 3.2 s) expires the records, with one timer for all of them.
    await until(() => stack.stats().serverTransactions === 0, 64 * T1 + 3000, 'records expired');
    const e = stack.stats();
    expect(e.serverTransactionRecords).toBe(0);
    expect(e.serverRecordsExpired - base.serverRecordsExpired).toBe(2 * CALLS);
  }, 60_000);
});
