// The search index split by catalogue (plugins/gongkai/searchshards.py): which catalogues can hold a
// match, read from the route files, then their Pagefind indexes merged into the site-wide bundle, a few at
// a time, so that a first query loads one catalogue's index and not the province's.

// Entries searched together: the first group is one catalogue (or a few small ones), each later group up to
// four times the one before. A catalogue's index costs about 25 KB for a query, a county's too.
const FIRST_GROUP = 200;
const LARGEST_GROUP = 4000;
const PAGES = "_pages"; // the hand-written pages' part (searchshards.PAGES)
const SPLIT = /[\s\p{P}\p{S}]+/u;
const HAN = /\p{Script=Han}/u;
const MAP_BLOCK_BITS = 8; // traditional.BLOCK_BITS: a map file per 256 code points
// The characters of GB 2312 that OpenCC's t2s still converts (traditional.gb2312_converted()).
const CONVERTED_IN_GB2312 = "乾吒夥後徵拚捱摺於榘菸薹袷醣麴麽";

// The characters and pairs a page must contain to match the query; searchshards.grams makes them of pages.
// Words in other scripts give only their first three letters: Pagefind matches "reports" to "report".
export function queryGrams(query) {
  const out = new Set();
  for (const term of query.toLowerCase().split(SPLIT)) {
    if (!term) continue;
    const chars = HAN.test(term) ? [...term] : [...term].slice(0, 3);
    if (chars.length === 1) out.add(chars[0]);
    for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i] + chars[i + 1]);
  }
  return [...out];
}

export function bucketOf(gram, buckets) {
  let value = 0;
  for (const char of gram) value = (value * 31 + char.codePointAt(0)) % buckets;
  return value;
}

// The ideographs the traditional->simplified map covers (traditional.RANGES): Extension A and the main block.
function convertible(char) {
  const point = char.codePointAt(0);
  return (point >= 0x3400 && point <= 0x4dbf) || (point >= 0x4e00 && point <= 0x9fff);
}

// The hanzi of GB 2312, the mainland's simplified character set, as the browser's own decoder reads them:
// a query of these alone is written in simplified already, which costs no download to know.
let simplifiedHanzi = null;
function isSimplified(char) {
  if (!simplifiedHanzi) {
    const bytes = [];
    for (let row = 0xb0; row <= 0xf7; row++) for (let cell = 0xa1; cell <= 0xfe; cell++) bytes.push(row, cell);
    simplifiedHanzi = new Set(new TextDecoder("gb2312").decode(Uint8Array.from(bytes)));
    for (const c of CONVERTED_IN_GB2312) simplifiedHanzi.delete(c);
  }
  return simplifiedHanzi.has(char);
}

function bitsOf(text) {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

// Resolves once Pagefind's script is in: the caller can start its WebAssembly while the manifest (the
// catalogues and the router's size) is still on its way. `tag` is the build's (the page's head preloads the
// bundle's entry file under it); without one Pagefind adds the time to that file's address.
export async function openSearch(bundleHref, siteRoot, tag = null) {
  const bundle = new URL(bundleHref, document.baseURI);
  const base = new URL("./", bundle);
  const manifest = fetch(new URL("shards.json", base)).then((r) => r.json());
  manifest.catch(() => {}); // a missing manifest fails the first search, not the page
  const pagefind = await import(bundle.href);
  return new ShardedSearch(pagefind, base, siteRoot, manifest, tag);
}

class ShardedSearch {
  constructor(pagefind, base, siteRoot, manifest, tag) {
    this.pagefind = pagefind;
    this.base = base;
    this.siteRoot = siteRoot;
    this.manifest = manifest;
    this.tagged = tag ? { metaCacheTag: tag } : {};
    this.files = new Map();
  }

  // A JSON file of the bundle, fetched once however many queries ask for it. With `missing`, that stands in for
  // a file that cannot be had (a map file); without, the failure reaches the search.
  bundleFile(path, missing) {
    if (!this.files.has(path)) {
      const answer = fetch(new URL(path, this.base)).then((r) => (r.ok || missing === undefined ? r.json() : missing));
      this.files.set(path, missing === undefined ? answer : answer.catch(() => missing));
    }
    return this.files.get(path);
  }

  routeFile(number) {
    return this.bundleFile(`route/${number}.json`);
  }

  mapFile(number) {
    return this.bundleFile(`t2s/${number}.json`, {});
  }

  // The query in simplified characters, as the pages are written (預算 -> 预算): only the map files of its
  // characters outside GB 2312 are fetched (a few hundred bytes each), none for a query in simplified.
  async simplify(query) {
    const chars = [...query];
    const wanted = chars.filter((c) => convertible(c) && !isSimplified(c));
    if (!wanted.length) return query;
    const blocks = [...new Set(wanted.map((c) => c.codePointAt(0) >> MAP_BLOCK_BITS))];
    const map = Object.assign({}, ...(await Promise.all(blocks.map((n) => this.mapFile(n)))));
    return chars.map((c) => map[c] || c).join("");
  }

  filterValues() {
    return fetch(new URL("filters.json", this.base)).then((r) => r.json());
  }

  // The catalogues that can hold a match, the reader's own first, then its county's, then the rest in order.
  async route(query, { own = "", catalogue = "" } = {}) {
    const { buckets, shards } = await this.manifest;
    const grams = queryGrams(query);
    let bits = null;
    if (grams.length) {
      const files = await Promise.all([...new Set(grams.map((g) => bucketOf(g, buckets)))].map((n) => this.routeFile(n)));
      const table = Object.assign({}, ...files);
      for (const gram of grams) {
        if (!table[gram]) return [];
        const row = bitsOf(table[gram]);
        bits = bits ? bits.map((b, i) => b & row[i]) : row;
      }
    }
    let found = shards.filter((shard, i) => (!bits || bits[i >> 3] & (1 << (i & 7))) && (!catalogue || shard.name === catalogue));
    found = [...found.filter((s) => s.slug !== PAGES), ...found.filter((s) => s.slug === PAGES)]; // entries first
    const mine = found.find((s) => s.slug === own);
    if (mine) {
      const family = (s) => s !== mine && (s.slug === mine.parent || s.parent === mine.slug || (mine.parent && s.parent === mine.parent));
      found = [mine, ...found.filter(family), ...found.filter((s) => s !== mine && !family(s))];
    }
    return found;
  }

  // The catalogues in groups to search together: a small first group, larger ones after it.
  batches(shards) {
    const out = [];
    let group = [];
    let size = 0;
    for (const shard of shards) {
      const limit = Math.min(FIRST_GROUP * 4 ** out.length, LARGEST_GROUP);
      if (group.length && size + shard.entries > limit) {
        out.push(group);
        group = [];
        size = 0;
      }
      group.push(shard);
      size += shard.entries;
    }
    if (group.length) out.push(group);
    return out;
  }

  // A Pagefind instance over the site-wide bundle (its WebAssembly starts loading now), to which merge() adds
  // catalogues. On the page's own thread: Pagefind's worker starts later than the page and relays every call,
  // which costs a first search more than it saves (scripts/bench measures it).
  open(options = {}) {
    const own = { baseUrl: this.siteRoot, ...this.tagged, ...options };
    const instance = this.pagefind.createInstance({ basePath: this.base.pathname, noWorker: true, ...own });
    instance.options(own);
    instance.init();
    return instance;
  }

  async merge(instance, shards, options = {}) {
    await Promise.all(shards.map((shard) => instance.mergeIndex(new URL(`c/${shard.slug}/`, this.base).pathname,
      { baseUrl: `${this.siteRoot}${shard.base}`, ...this.tagged, ...options })));
    return instance;
  }

  // The data of every result in every catalogue that can hold a match, at once: for tests and small sites.
  async searchAll(typed, filters = {}) {
    const query = await this.simplify(typed);
    const shards = await this.route(query, { catalogue: filters["目录"] });
    const instance = await this.merge(this.open(), shards);
    const search = await instance.search(query || null, { filters });
    const data = await Promise.all(search.results.map((r) => r.data()));
    await instance.destroy();
    return data;
  }
}
