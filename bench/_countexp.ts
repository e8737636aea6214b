import { openDatabase } from '../src/lib/server/db/client';
import { readConfig } from '../src/lib/server/core/config';
import { searchDirectory } from '../src/lib/server/directory/search';
import { sql } from 'drizzle-orm';
const config = readConfig();
const handle = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
const db = handle.db;
const [m] = (await db.execute<{id:string}>(sql`select id from municipality where slug='gemeinde-0001'`)).rows;
const stmts: string[] = [];

const words = ['kurs','beratung','Deutchkurs','Kita','Wonung','language course','Kind Schule anmelden','Moschee','Sozialberatung'];
for (const w of words) {
  stmts.length = 0;
  const t0 = performance.now();
  const r = await searchDirectory(db, { municipalityId: m.id, text: w, lang: w==='language course'?'en':'de', levels: ['public'], sort: 'relevance', page: 1, perPage: 20, now: new Date('2026-03-17T10:30:00Z') });
  const t1 = performance.now() - t0;
  // count-only variant of the conditions: grab tsquery literal from the big statement
  console.log(w, 'total', r.total, 'ms', t1.toFixed(1), 'stmts', stmts.length);
}
process.exit(0);
