// Search page: Pagefind's JavaScript API with our own accessible form, filters and result list.
// Every value from the index is inserted as text; excerpts keep only Pagefind's <mark> highlights.

const PAGE_SIZE = 20;
const CHECKED = 2 * PAGE_SIZE; // results whose text is checked for the literal query: each costs a fragment download
const FILTER_ORDER = ["领域", "目录", "公开层级", "公开方式", "公开对象", "公开主体"];

const form = document.getElementById("gk-search");
const input = document.getElementById("gk-q");
const filterBox = document.getElementById("gk-filters");
const status = document.getElementById("gk-status");
const list = document.getElementById("gk-results");
const more = document.getElementById("gk-more");

const bundle = new URL(form.dataset.pagefind, document.baseURI);
let pagefind;
let results = [];
let shown = 0;

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
  const available = await pagefind.filters();
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
    if (!entry.exact && results.some((r) => r.exact) && (shown + i === 0 || results[shown + i - 1].exact)) {
      const heading = document.createElement("li");
      heading.className = "gk-results__related";
      heading.textContent = "其他可能相关的结果";
      list.append(heading);
    }
    list.append(resultItem(data[i]));
  });
  shown += slice.length;
  more.hidden = shown >= results.length;
}

let runs = 0; // only the newest search may render

async function run() {
  const token = ++runs;
  const query = input.value.trim();
  const filters = selectedFilters();
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const [k, v] of Object.entries(filters)) params.set(k, v);
  history.replaceState(null, "", `${location.pathname}${params.size ? "?" + params : ""}`);
  if (!query && !Object.keys(filters).length) {
    delete list.dataset.query;
    list.replaceChildren();
    status.textContent = "";
    more.hidden = true;
    return;
  }
  status.textContent = "正在搜索……";
  const search = await pagefind.debouncedSearch(query || null, { filters }, 150);
  if (search === null || token !== runs) return;
  const wanted = normalize(query);
  const head = search.results.slice(0, CHECKED);
  const data = await Promise.all(head.map((r) => r.data()));
  if (token !== runs) return;
  const checked = data.map((d) => ({ data: d, exact: !wanted || normalize(d.content || "").includes(wanted) }));
  results = [
    ...checked.filter((r) => r.exact),
    ...checked.filter((r) => !r.exact),
    ...search.results.slice(CHECKED).map((r) => ({ result: r, exact: false })),
  ];
  const exact = checked.filter((r) => r.exact).length;
  const related = results.length - exact;
  shown = 0;
  list.replaceChildren();
  if (!results.length) status.textContent = "没有找到结果，请换个关键词或减少筛选条件。";
  else if (!wanted) status.textContent = `找到 ${results.length} 个结果`;
  else if (exact) status.textContent = `找到 ${exact} 个包含“${query}”的结果${related ? `，另有 ${related} 个可能相关的结果` : ""}`;
  else status.textContent = `没有完全包含“${query}”的结果，以下是 ${related} 个可能相关的结果`;
  await renderMore();
  list.dataset.exact = String(exact);
  list.dataset.query = query;
}

async function main() {
  try {
    pagefind = await import(bundle.href);
  } catch (error) {
    status.textContent = "搜索索引尚未生成，暂时无法搜索。请从首页按目录和领域浏览。";
    return;
  }
  await pagefind.options({ baseUrl: new URL("../", bundle).pathname, excerptLength: 40 });
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  input.addEventListener("input", () => run());
  more.addEventListener("click", () => renderMore());
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
