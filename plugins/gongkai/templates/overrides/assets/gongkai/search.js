// Search page: Pagefind's JavaScript API with our own accessible form, filters and result list.
// Every value from the index is inserted as text; excerpts keep only Pagefind's <mark> highlights.

const PAGE_SIZE = 20;
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

async function renderMore() {
  const slice = results.slice(shown, shown + PAGE_SIZE);
  const data = await Promise.all(slice.map((r) => r.data()));
  for (const item of data) {
    const li = document.createElement("li");
    li.className = "gk-result";
    const a = document.createElement("a");
    a.href = item.url;
    a.className = "gk-result__title";
    a.textContent = item.meta.title || item.url;
    const where = document.createElement("p");
    where.className = "gk-result__where";
    where.textContent = [item.meta.catalogue, item.meta.domain].filter(Boolean).join(" · ");
    const excerpt = document.createElement("p");
    excerpt.className = "gk-result__excerpt";
    excerpt.append(excerptNodes(item.excerpt || ""));
    li.append(a);
    if (where.textContent) li.append(where);
    li.append(excerpt);
    list.append(li);
  }
  shown += slice.length;
  more.hidden = shown >= results.length;
}

async function run() {
  const query = input.value.trim();
  const filters = selectedFilters();
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const [k, v] of Object.entries(filters)) params.set(k, v);
  history.replaceState(null, "", `${location.pathname}${params.size ? "?" + params : ""}`);
  if (!query && !Object.keys(filters).length) {
    list.replaceChildren();
    status.textContent = "";
    more.hidden = true;
    return;
  }
  status.textContent = "正在搜索……";
  const search = await pagefind.debouncedSearch(query || null, { filters }, 150);
  if (search === null) return;
  results = search.results;
  shown = 0;
  list.replaceChildren();
  status.textContent = results.length ? `找到 ${results.length} 个结果` : "没有找到结果，请换个关键词或减少筛选条件。";
  await renderMore();
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
  await buildFilters(params);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  input.addEventListener("input", () => run());
  more.addEventListener("click", () => renderMore());
  await run();
  form.dataset.ready = "true";
}

main();
