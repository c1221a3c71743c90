import { MongoClient } from 'mongodb';
const url = 'mongodb://postgres:x@127.0.0.1:27217/b1?authMechanism=PLAIN';
const c = new MongoClient(url, { retryWrites: false, maxPoolSize: 1 }); await c.connect();
const db = c.db('b1');
const runs = (await db.collection('t').distinct('_run_id')).sort();
for (let k = 0; k < 8; k++) {
  const t = performance.now(); let n = 0;
  for await (const d of db.collection('t').find({ _run_id: runs[k % 4] }).batchSize(2000).limit(10)) n++;
  console.log(`read ${n}: ${Math.round(performance.now()-t)} ms`);
}
await c.close();
