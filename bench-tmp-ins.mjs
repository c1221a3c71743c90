import { MongoClient } from 'mongodb';
const url = 'mongodb://postgres:x@127.0.0.1:27217/b1?authMechanism=PLAIN';
const c = new MongoClient(url, { retryWrites: false }); await c.connect();
const db = c.db('b1');
const N = Number(process.argv[2] ?? 20000);
const mk = (run, i) => ({ _id: `raw/ynab/tx/2026/12/01/${run}/part-00001.json#${i}`, id: `tx-${i}`, date: '2026-11-01', amount: -12340 - i, memo: `memo ${i} lorem ipsum`, cleared: 'cleared', approved: true, account_id: `acc-${i%5}`, payee_name: `payee ${i%300}`, category_id: `cat-${i%40}`, deleted: false, subtransactions: [], _run_id: run, _loaded_at: new Date(), _raw_file: `raw/x/${run}/part-00001.json`, _raw_part: 1, _raw_index: i, _key_hash: '0b7c1e2f-1234-5678-9abc-def012345678', _record_hash: '0b7c1e2f-1234-5678-9abc-def012345679' });
await db.collection('t').createIndex({_run_id:1}, {name:'bronze_run_id'});
for (const [batch, par] of [[1000,1],[5000,1],[1000,2],[10000,1]]) {
  const run = `r${batch}_${par}_${Date.now()}`;
  const t = performance.now();
  let next = 0;
  const worker = async () => { while (true) { const s = next; next += batch; if (s >= N) return; const docs = []; for (let i = s; i < Math.min(N, s+batch); i++) docs.push(mk(run, i)); await db.collection('t').insertMany(docs, { ordered: false }); } };
  await Promise.all(Array.from({length: par}, worker));
  const ms = performance.now() - t;
  console.log(`insertMany batch ${batch} x${par}: ${Math.round(N/(ms/1000))} docs/s`);
}
const runs = await db.collection('t').distinct('_run_id');
const t = performance.now(); let n = 0;
for await (const d of db.collection('t').find({ _run_id: runs[0] }).batchSize(2000)) n++;
console.log(`read run ${n} of total ${await db.collection('t').estimatedDocumentCount()}: ${Math.round(n/((performance.now()-t)/1000))} docs/s`);
console.log(JSON.stringify((await db.collection('t').find({ _run_id: runs[0] }).explain()).queryPlanner ?? {}, null, 0).slice(0, 600));
await c.close();
