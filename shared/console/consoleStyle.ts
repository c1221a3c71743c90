import { unsafeConstant } from './html.ts';

/** Status colours, shared by the stylesheet and the SVG pictures (which cannot use classes everywhere). */
export const STATUS_COLOURS: Readonly<Record<string, string>> = {
  succeeded: '#2e7d32',
  failed: '#c62828',
  running: '#1565c0',
  dispatched: '#6a1b9a',
  pending: '#ef6c00',
  skipped: '#8d8d8d',
  never_run: '#b0b0b0',
};

export const statusColour = (status: string): string => STATUS_COLOURS[status] ?? '#757575';

/** The console's one stylesheet, inlined in every page (no second request, nothing to build). */
export const CONSOLE_STYLE = unsafeConstant(`
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2125;background:#f4f5f7}
a{color:#0b57d0;text-decoration:none}a:hover{text-decoration:underline}
header{background:#1d2733;color:#fff;padding:.55rem 1rem;display:flex;flex-wrap:wrap;gap:.4rem 1.4rem;align-items:baseline}
header .brand{font-weight:650;font-size:1.05rem;color:#fff}
header nav{display:flex;flex-wrap:wrap;gap:.2rem .9rem}
header nav a{color:#c9d6e6;padding:.15rem 0}header nav a.here{color:#fff;border-bottom:2px solid #7fb2ff}
main{max-width:1280px;margin:0 auto;padding:1rem}
h1{font-size:1.35rem;margin:.2rem 0 .8rem}h2{font-size:1.08rem;margin:1.6rem 0 .5rem}h3{font-size:.98rem;margin:1rem 0 .35rem}
.card{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:.8rem 1rem;margin:.6rem 0}
.muted{color:#5f6b7a}.small{font-size:.85rem}.mono,code,pre{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;font-size:.85rem}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:.35rem .55rem;border-bottom:1px solid #e6e9ed;vertical-align:top}
th{font-size:.78rem;text-transform:uppercase;letter-spacing:.03em;color:#5f6b7a;background:#fafbfc;white-space:nowrap}
td.nowrap{white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.failed td{background:#fff6f6}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:999px;font-size:.78rem;font-weight:600;color:#fff;white-space:nowrap}
.badge.succeeded{background:#2e7d32}.badge.failed{background:#c62828}.badge.running{background:#1565c0}.badge.pending{background:#ef6c00}
.badge.skipped{background:#8d8d8d}.badge.dispatched{background:#6a1b9a}.badge.never_run{background:#b0b0b0}.badge.stale{background:#ef6c00}.badge.fresh{background:#2e7d32}
.bar{display:inline-block;height:.6rem;border-radius:3px;vertical-align:middle;min-width:2px}
.error{border-left:4px solid #c62828;background:#fff6f6;padding:.55rem .8rem;border-radius:4px;margin:.5rem 0}
.error .code{font-weight:650;color:#b71c1c}.hint{color:#37474f;margin-top:.3rem}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:.5rem}
.fact{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:.5rem .75rem}
.fact .label{font-size:.75rem;color:#5f6b7a;text-transform:uppercase;letter-spacing:.03em}.fact .value{font-size:1.05rem;font-weight:600}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:.4rem 0 .8rem}
form label{display:flex;flex-direction:column;font-size:.78rem;color:#5f6b7a;gap:.15rem}
select,input,button{font:inherit;padding:.3rem .5rem;border:1px solid #c3c9d0;border-radius:5px;background:#fff}
button{background:#1d2733;color:#fff;border-color:#1d2733;cursor:pointer}
.logs{background:#14191f;color:#dfe6ee;border-radius:6px;padding:.5rem .7rem;overflow-x:auto}
.logs div{white-space:pre-wrap;word-break:break-word;padding:.05rem 0}
.logs .t{color:#8fa1b3}.logs .ev{color:#8fd3ff;font-weight:600}.logs .warn{color:#ffd479}.logs .error{color:#ff8a80;background:none;border:0;padding:0;margin:0}
.logs .k{color:#b7c4d1}
details>summary{cursor:pointer;font-weight:600;margin:.3rem 0}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
svg{max-width:100%;height:auto}
.only-narrow{display:none}
.legend{display:flex;flex-wrap:wrap;gap:.4rem .9rem;font-size:.82rem;color:#37474f;margin:.3rem 0}
.legend i{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;margin-right:.3rem;vertical-align:-1px}.legend i.diamond{transform:rotate(45deg) scale(.85)}
@media (max-width:640px){.only-wide{display:none}.only-narrow{display:block}main{padding:.6rem}th,td{padding:.3rem .4rem}.hide-narrow{display:none}h1{font-size:1.15rem}
table.stack thead{display:none}table.stack tr{display:block;border-bottom:1px solid #e6e9ed;padding:.35rem 0}
table.stack td{display:inline-block;border:0;padding:.1rem .35rem}table.stack td.wide{display:block}}
`);
