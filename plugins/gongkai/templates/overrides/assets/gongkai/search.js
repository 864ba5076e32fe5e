// Search page: the index split by catalogue (searchcore.js) with our own accessible form, filters and
// result list. Every value from the index is inserted as text; excerpts keep only Pagefind's <mark> highlights.

import { openSearch } from "./searchcore.js";

const PAGE_SIZE = 10;
const CHECKED = 2 * PAGE_SIZE; // results whose text is checked for the literal query: each costs a fragment download
const OPTIONS = { excerptLength: 40 }; // of every Pagefind instance the page opens
const FILTER_ORDER = ["领域", "目录", "公开层级", "公开方式", "公开对象", "公开主体"];

const form = document.getElementById("gk-search");
const input = document.getElementById("gk-q");
const filterBox = document.getElementById("gk-filters");
const status = document.getElementById("gk-status");
const list = document.getElementById("gk-results");
const more = document.getElementById("gk-more");

const bundle = new URL(form.dataset.pagefind, document.baseURI);
const siteRoot = new URL("../", bundle).pathname;
let engine;
let results = [];
let shown = 0;
let pending = []; // the groups of catalogues not searched yet for the current query
let searched = 0;
let instances = []; // the current query's, one a group: its later results are read from them when shown
let warm = null; // the next group's instance, already loading Pagefind while the router answers
let kept = null; // the last query's first group, searched again if the new query starts with the same one
let ownCatalogue = "";
let asked = { typed: "", query: "" }; // the current search as typed, and in simplified characters as searched

// The catalogue the reader came from (the header's search box is on every page) is searched first.
function readerCatalogue(params) {
  if (params.get("in")) return params.get("in");
  try {
    const from = new URL(document.referrer);
    if (from.origin === location.origin && from.pathname.startsWith(siteRoot)) {
      return decodeURIComponent(from.pathname.slice(siteRoot.length).split("/")[0]);
    }
  } catch {
    // no referrer, or not an address
  }
  return "";
}

function excerptNodes(html) {
  const doc = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  const out = document.createDocumentFragment();
  for (const node of doc.body.firstChild.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      out.append(mark);
    } else {
      out.append(document.createTextNode(node.textContent));
    }
  }
  return out;
}

function selectedFilters() {
  const chosen = {};
  for (const select of filterBox.querySelectorAll("select")) {
    if (select.value) chosen[select.name] = select.value;
  }
  return chosen;
}

async function buildFilters(params) {
  const available = await engine.filterValues();
  const names = FILTER_ORDER.filter((n) => available[n]);
  for (const name of names) {
    const id = `gk-filter-${FILTER_ORDER.indexOf(name)}`;
    const wrap = document.createElement("div");
    wrap.className = "gk-filter";
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = name;
    const select = document.createElement("select");
    select.id = id;
    select.name = name;
    const all = new Option("全部", "");
    select.append(all);
    for (const [value, count] of Object.entries(available[name]).sort((a, b) => a[0].localeCompare(b[0], "zh"))) {
      select.append(new Option(`${value}（${count}）`, value));
    }
    select.value = params.get(name) || "";
    select.addEventListener("change", () => run());
    wrap.append(label, select);
    filterBox.append(wrap);
  }
  filterBox.hidden = names.length === 0;
}

// Pagefind matches Chinese by segments, so 社保 also finds pages that only have 社 and 保 apart.
// Results whose text contains the query itself come first; the rest follow under their own heading.
const normalize = (text) => text.replace(/[\p{P}\p{S}\s]+/gu, "");

function resultItem(item) {
  const li = document.createElement("li");
  li.className = "gk-result";
  const a = document.createElement("a");
  a.href = item.url;
  a.className = "gk-result__title";
  a.textContent = item.meta.title || item.url;
  li.append(a);
  const where = [item.meta.catalogue, item.meta.domain].filter(Boolean).join(" · ");
  if (where) {
    const p = document.createElement("p");
    p.className = "gk-result__where";
    p.textContent = where;
    li.append(p);
  }
  const excerpt = document.createElement("p");
  excerpt.className = "gk-result__excerpt";
  excerpt.append(excerptNodes(item.excerpt || ""));
  li.append(excerpt);
  return li;
}

async function renderMore() {
  const slice = results.slice(shown, shown + PAGE_SIZE);
  const data = await Promise.all(slice.map((r) => r.data || r.result.data()));
  slice.forEach((entry, i) => {
    if (entry.groupTitle) {
      const heading = document.createElement("li");
      heading.className = "gk-results__related";
      heading.textContent = entry.groupTitle;
      list.append(heading);
    }
    const before = results[shown + i - 1];
    if (!entry.exact && entry.groupHasExact && (entry.groupTitle !== undefined || !before || before.exact)) {
      const heading = document.createElement("li");
      heading.className = "gk-results__related";
      heading.textContent = "其他可能相关的结果";
      list.append(heading);
    }
    list.append(resultItem(data[i]));
  });
  shown += slice.length;
  updateMore();
}

// What is left to search, in words: " 12 个目录", " 12 个目录和网站页面", "网站页面".
function leftToSearch() {
  const left = pending.flat();
  const catalogues = left.filter((shard) => shard.slug !== "_pages").length;
  const pages = left.length > catalogues ? "网站页面" : "";
  return catalogues ? ` ${catalogues} 个目录${pages ? "和" + pages : ""}` : pages;
}

function updateMore() {
  const left = leftToSearch();
  more.hidden = shown >= results.length && !left;
  more.textContent = shown < results.length ? "显示更多结果" : `在其余${left}中继续搜索`;
}

function describe(query, typed) {
  const exact = results.filter((r) => r.exact).length;
  const related = results.length - exact;
  const left = leftToSearch();
  const wanted = normalize(query);
  let text;
  if (!results.length) text = left ? "目前搜索过的目录中没有找到结果" : "没有找到结果，请换个关键词或减少筛选条件。";
  else if (!wanted) text = `找到 ${results.length} 个结果`;
  else if (exact) text = `找到 ${exact} 个包含“${query}”的结果${related ? `，另有 ${related} 个可能相关的结果` : ""}`;
  else text = `没有完全包含“${query}”的结果，以下是 ${related} 个可能相关的结果`;
  if (left) text += `（已搜索 ${searched} 个目录，另有${left}可能有结果，可点“继续搜索”）`;
  if (query !== typed) text = `已按简体“${query}”搜索。${text}`;
  status.textContent = text;
  list.dataset.exact = String(exact);
}

// Searches the next group of catalogues and adds its results: those containing the query first.
async function searchGroup(token, query, filters) {
  const group = pending.shift();
  const key = group.map((shard) => shard.slug).join(" ");
  const instance = kept && kept.key === key ? kept.instance : await engine.merge(takeWarm(), group, OPTIONS);
  if (kept && kept.instance !== instance) kept.instance.destroy();
  kept = null;
  instances.push({ key, instance });
  const search = await instance.search(query || null, { filters });
  if (token !== runs) return false;
  const fresh = search.results;
  const wanted = normalize(query);
  const head = fresh.slice(0, CHECKED);
  const data = await Promise.all(head.map((r) => r.data()));
  if (token !== runs) return false;
  const checked = data.map((d) => ({ data: d, exact: !wanted || normalize(d.content || "").includes(wanted) }));
  const added = [
    ...checked.filter((r) => r.exact),
    ...checked.filter((r) => !r.exact),
    ...fresh.slice(CHECKED).map((r) => ({ result: r, exact: false })),
  ];
  const hasExact = checked.some((r) => r.exact);
  added.forEach((r) => { r.groupHasExact = hasExact; });
  if (searched && added.length) added[0].groupTitle = `以下是其他 ${group.length} 个目录中的结果`;
  searched += group.filter((shard) => shard.slug !== "_pages").length;
  results.push(...added);
  return true;
}

let runs = 0; // only the newest search may render

function takeWarm() {
  const instance = warm || engine.open(OPTIONS);
  warm = null;
  return instance;
}

async function run(typing = false) {
  const token = ++runs;
  const typed = input.value.trim();
  const filters = selectedFilters();
  const params = new URLSearchParams();
  if (typed) params.set("q", typed);
  if (ownCatalogue) params.set("in", ownCatalogue);
  for (const [k, v] of Object.entries(filters)) params.set(k, v);
  history.replaceState(null, "", `${location.pathname}${params.size ? "?" + params : ""}`);
  if (!typed && !Object.keys(filters).length) {
    delete list.dataset.query;
    delete list.dataset.searched;
    list.replaceChildren();
    status.textContent = "";
    more.hidden = true;
    return;
  }
  status.textContent = "正在搜索……";
  if (typing) {
    await new Promise((resolve) => setTimeout(resolve, 150)); // only the last keystroke searches
    if (token !== runs) return;
  }
  const query = await engine.simplify(typed); // 預算 finds what 预算 finds
  if (token !== runs) return;
  asked = { typed, query };
  const shards = await engine.route(query, { own: ownCatalogue, catalogue: filters["目录"] });
  if (token !== runs) return;
  if (kept) kept.instance.destroy();
  [kept, ...instances] = instances.length ? instances : [null];
  instances.forEach((old) => old.instance.destroy());
  instances = [];
  pending = engine.batches(shards);
  if (!pending.length) pending = [[]]; // no catalogue holds the query: an empty search, to say so
  searched = 0;
  results = [];
  shown = 0;
  if (!(await searchGroup(token, query, filters))) return;
  while (!results.length && pending.length && instances.length < 3) {
    if (!(await searchGroup(token, query, filters))) return; // nothing yet: the next groups, a few
  }
  list.replaceChildren();
  describe(query, typed);
  await renderMore();
  list.dataset.searched = query;
  list.dataset.query = typed;
  performance.mark("gk-results", { detail: typed }); // the moment they are on screen, for scripts/bench
}

async function showMore() {
  if (shown >= results.length && pending.length) {
    const token = runs;
    more.disabled = true;
    status.textContent = "正在搜索其余目录……";
    const ok = await searchGroup(token, asked.query, selectedFilters());
    more.disabled = false;
    if (!ok) return;
    describe(asked.query, asked.typed);
  }
  await renderMore();
}

function unavailable() {
  status.textContent = "搜索索引尚未生成，暂时无法搜索。请从首页按目录和领域浏览。";
}

async function main() {
  try {
    engine = await openSearch(bundle.href, siteRoot, document.querySelector('meta[name="gk-search-tag"]')?.content);
    warm = engine.open(OPTIONS); // its WebAssembly loads while the manifest and the router answer
  } catch (error) {
    unavailable();
    return;
  }
  engine.manifest.catch(unavailable);
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  ownCatalogue = readerCatalogue(params);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  // While a pinyin input method composes (yu'suan), the box holds letters that are not the query yet: searching
  // them would load indexes for nothing. The word counts once it is chosen (预算).
  input.addEventListener("input", (event) => event.isComposing || run(true));
  input.addEventListener("compositionend", () => run(true));
  more.addEventListener("click", () => showMore());
  // The filters cost a download of their own: first the results, then the filters, unless the address asks for some.
  if (FILTER_ORDER.some((name) => params.has(name))) {
    await buildFilters(params);
    await run();
  } else {
    await run();
    await buildFilters(params);
  }
  form.dataset.ready = "true";
}

main();
