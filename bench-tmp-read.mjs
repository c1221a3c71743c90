import { MongoClient } from 'mongodb';
const url = 'mongodb://postgres:x@127.0.0.1:27217/b1?authMechanism=PLAIN';
const c = new MongoClient(url, { retryWrites: false }); await c.connect();
const db = c.db('b1');
const runs = (await db.collection('t').distinct('_run_id')).sort();
for (const bs of [101, 1000, 10000]) {
  const t = performance.now(); let n = 0;
  for await (const d of db.collection('t').find({ _run_id: runs[1] }).batchSize(bs)) n++;
  console.log(`batch ${bs}: read ${n}: ${Math.round(n/((performance.now()-t)/1000))} docs/s`);
}
let t = performance.now(); let n = 0;
for await (const d of db.collection('t').find({}).batchSize(2000)) n++;
console.log(`all ${n}: ${Math.round(n/((performance.now()-t)/1000))} docs/s`);
await c.close();
