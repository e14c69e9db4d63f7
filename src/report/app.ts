// The page of `paretonas report --html` (the data embedded in the file) and of `paretonas
// dashboard` (the data from the server's API, redrawn as trials arrive). Bundled with ECharts
// into one script (npm run build:report) that the pages inline, so a report opens offline.
import { DATA_ELEMENT, type ReportData } from './data.ts';
import { el, render, setAnimation } from './views.ts';

interface StudyEntry {
  id: string;
  name: string;
  trials: number;
  updated: string;
}

/** The dashboard (paretonas dashboard): the studies the server finds, and the chosen one, redrawn as it grows. */
async function dashboard(): Promise<void> {
  const list = document.getElementById('studies')!;
  const live = document.getElementById('live')!;
  const id = new URLSearchParams(location.search).get('study');
  const refreshList = async () => {
    const studies = (await (await fetch('api/studies')).json()) as StudyEntry[];
    const ul = el('ul');
    for (const s of studies) {
      const li = el('li');
      const a = el('a', { href: `?study=${encodeURIComponent(s.id)}` }, s.name);
      li.append(a, document.createTextNode(`: ${s.trials} trials, last change ${s.updated}`));
      ul.append(li);
    }
    list.replaceChildren(studies.length ? ul : el('p', {}, 'No studies found yet.'));
  };
  await refreshList();
  if (!id) {
    live.textContent = 'Choose a study.';
    setInterval(refreshList, 5000);
    return;
  }
  let seen = -1;
  const poll = async () => {
    try {
      const res = await fetch(`api/study?id=${encodeURIComponent(id)}`);
      if (!res.ok) throw new Error(await res.text());
      const data = (await res.json()) as ReportData;
      const count = data.runs.reduce((n, r) => n + r.trials.length, 0);
      if (count !== seen) {
        seen = count;
        render(data);
      }
      live.textContent = `${data.runs[0].name}: ${count} trials, checked ${new Date().toLocaleTimeString()} (every 2 s)`;
    } catch (err) {
      live.textContent = `cannot read the study: ${(err as Error).message}`;
    }
    setTimeout(poll, 2000);
  };
  await poll();
}

function main(): void {
  const embedded = document.getElementById(DATA_ELEMENT);
  if (embedded) render(JSON.parse(embedded.textContent!) as ReportData);
  else {
    setAnimation(false);
    void dashboard();
  }
}

main();
