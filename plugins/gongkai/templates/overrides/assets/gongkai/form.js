// Entry form: the fields are built at run time from entry.schema.json, checked by a small interpreter of
// the JSON Schema keywords that schema uses (plus the validator's rules on dates, links and levels), and
// written out as a YAML file in the house style of yamltext.py.
// Every text from the schema or typed by the user goes into the page with textContent, never as HTML.

const form = document.getElementById("gk-form");
const fieldsBox = document.getElementById("gk-form-fields");
const summary = document.getElementById("gk-form-summary");
const output = document.getElementById("gk-form-output");
const outputTitle = document.getElementById("gk-form-output-title");
const state = document.getElementById("gk-form-state");
const pathBox = document.getElementById("gk-form-path");
const yamlBox = document.getElementById("gk-form-yaml");
const copyButton = document.getElementById("gk-form-copy");
const copied = document.getElementById("gk-form-copied");
const github = document.getElementById("gk-form-github"); // only when the repository is on GitHub
const longNote = document.getElementById("gk-form-long");
const catalogueSelect = document.getElementById("gk-form-catalogue");
const domainSelect = document.getElementById("gk-form-domain");
const filenameInput = document.getElementById("gk-form-filename");

const SLUG_RE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const MAX_SLUG = 60;
const LONG_URL = 8000; // beyond this, servers may refuse the new-file link; the page then suggests copying
const RADIO_LIMIT = 3; // enums with at most this many values are radio buttons, longer ones a select

let schema = null;
let pinyin = {};

// ---------------------------------------------------------------- schema lookups (as in schema.py)

function deref(ref) {
  if (!ref.startsWith("#/")) throw new Error(`不支持的 $ref：${ref}`);
  return ref.slice(2).split("/").reduce((node, part) => node[part.replaceAll("~1", "/").replaceAll("~0", "~")], schema);
}

// A local $ref, keeping the referring node's own keywords (its title and description win).
function resolve(node) {
  if (!isObject(node) || !node.$ref) return isObject(node) ? node : {};
  const { $ref, ...own } = node;
  return { ...resolve(deref($ref)), ...own };
}

// entry.schema.json is served with its keys sorted; the page carries each object's property order
// from schema/, so that the fields and the YAML follow the schema as written.
function restoreOrder(node, pointer, orders) {
  if (!isObject(node)) return;
  const order = orders[pointer];
  if (isObject(node.properties) && Array.isArray(order)) {
    const props = node.properties;
    const names = [...order.filter((k) => k in props), ...Object.keys(props).filter((k) => !order.includes(k))];
    node.properties = Object.fromEntries(names.map((k) => [k, props[k]]));
  }
  for (const group of ["properties", "$defs"]) {
    for (const [name, sub] of Object.entries(node[group] || {})) restoreOrder(sub, `${pointer}/${group}/${name}`, orders);
  }
  restoreOrder(node.items, `${pointer}/items`, orders);
}

function nodeAt(path) {
  let node = resolve(schema);
  for (const part of path) {
    const child = typeof part === "number" ? node.items : node.properties?.[part];
    if (!isObject(child)) return null;
    node = resolve(child);
  }
  return node;
}

function labelAt(path) {
  for (let end = path.length; end > 0; end--) {
    if (typeof path[end - 1] === "number") continue;
    return String(nodeAt(path.slice(0, end))?.title || "");
  }
  return "";
}

function descriptionAt(path) {
  for (let end = path.length; end >= 0; end--) {
    const node = nodeAt(path.slice(0, end));
    if (node?.description) return String(node.description);
  }
  return "";
}

// Keywords the checker below understands; anything else is listed on the page rather than silently skipped.
const KNOWN = new Set([
  "$schema", "$id", "$defs", "$ref", "$comment", "title", "description", "examples", "default", "format", "x-enum-labels",
  "type", "enum", "const", "required", "properties", "additionalProperties", "items", "contains",
  "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems", "minimum", "maximum",
  "allOf", "anyOf", "oneOf", "not", "if", "then", "else",
]);

function unsupported(node, found = new Set()) {
  if (!isObject(node)) return found;
  for (const [keyword, value] of Object.entries(node)) {
    if (!KNOWN.has(keyword)) found.add(keyword);
    if (keyword === "$ref" && !String(value).startsWith("#/")) found.add(`$ref ${value}`);
  }
  for (const group of ["properties", "$defs"]) for (const sub of Object.values(node[group] || {})) unsupported(sub, found);
  for (const group of ["allOf", "anyOf", "oneOf"]) for (const sub of node[group] || []) unsupported(sub, found);
  for (const one of ["items", "contains", "not", "if", "then", "else", "additionalProperties"]) unsupported(node[one], found);
  return found;
}

// ---------------------------------------------------------------- the checker (JSON Schema 2020-12 subset)

function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function hasType(value, type) {
  switch (type) {
    case "string": return typeof value === "string";
    case "integer": return typeof value === "number" && Number.isInteger(value);
    case "number": return typeof value === "number" && Number.isFinite(value);
    case "boolean": return typeof value === "boolean";
    case "array": return Array.isArray(value);
    case "object": return isObject(value);
    case "null": return value === null;
    default: return false;
  }
}

function equal(a, b) {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]));
  }
  if (isObject(a) || isObject(b)) {
    if (!isObject(a) || !isObject(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && equal(a[k], b[k]));
  }
  return a === b;
}

const patterns = new Map();
function regex(pattern) {
  if (!patterns.has(pattern)) patterns.set(pattern, new RegExp(pattern, "u"));
  return patterns.get(pattern);
}

const length = (text) => [...text].length; // JSON Schema counts characters, not UTF-16 units

function collect(node, value, path = []) {
  const errors = [];
  check(node, value, path, errors);
  return errors;
}

function check(node, value, path, errors) {
  if (node === true || node === undefined) return;
  if (node === false) {
    errors.push({ path, keyword: "false", value });
    return;
  }
  const fail = (keyword, rule, more = {}) => errors.push({ path, keyword, rule, value, ...more });
  if (node.$ref) check(deref(node.$ref), value, path, errors);
  if (node.type !== undefined && ![].concat(node.type).some((t) => hasType(value, t))) fail("type", node.type);
  if (node.enum && !node.enum.some((v) => equal(v, value))) fail("enum", node.enum);
  if ("const" in node && !equal(node.const, value)) fail("const", node.const);

  if (typeof value === "string") {
    if (node.minLength !== undefined && length(value) < node.minLength) fail("minLength", node.minLength);
    if (node.maxLength !== undefined && length(value) > node.maxLength) fail("maxLength", node.maxLength);
    if (node.pattern !== undefined && !regex(node.pattern).test(value)) fail("pattern", node.pattern);
  }
  if (typeof value === "number") {
    if (node.minimum !== undefined && value < node.minimum) fail("minimum", node.minimum);
    if (node.maximum !== undefined && value > node.maximum) fail("maximum", node.maximum);
  }
  if (Array.isArray(value)) {
    if (node.minItems !== undefined && value.length < node.minItems) fail("minItems", node.minItems);
    if (node.maxItems !== undefined && value.length > node.maxItems) fail("maxItems", node.maxItems);
    if (node.uniqueItems && value.some((x, i) => value.findIndex((y) => equal(x, y)) !== i)) fail("uniqueItems", true);
    if (node.items !== undefined) value.forEach((item, i) => check(node.items, item, [...path, i], errors));
    if (node.contains !== undefined && !value.some((item, i) => !collect(node.contains, item, [...path, i]).length)) {
      fail("contains", node.contains);
    }
  }
  if (isObject(value)) {
    for (const name of node.required || []) {
      if (!(name in value)) errors.push({ path: [...path, name], keyword: "required", rule: name, value: undefined });
    }
    const properties = node.properties || {};
    for (const [name, sub] of Object.entries(value)) {
      if (name in properties) check(properties[name], sub, [...path, name], errors);
      else if (node.additionalProperties === false) {
        errors.push({ path: [...path, name], keyword: "additionalProperties", rule: false, value: sub, parent: path });
      } else if (isObject(node.additionalProperties)) check(node.additionalProperties, sub, [...path, name], errors);
    }
  }
  for (const sub of node.allOf || []) check(sub, value, path, errors);
  if (node.anyOf) {
    const branches = node.anyOf.map((sub) => collect(sub, value, path));
    if (branches.every((b) => b.length)) fail("anyOf", null, { branches });
  }
  if (node.oneOf) {
    const branches = node.oneOf.map((sub) => collect(sub, value, path));
    const valid = branches.filter((b) => !b.length).length;
    if (valid !== 1) fail("oneOf", null, { branches: valid ? [] : branches });
  }
  if (node.not !== undefined && !collect(node.not, value, path).length) fail("not", node.not);
  if (node.if !== undefined) {
    const next = collect(node.if, value, path).length ? node.else : node.then;
    if (next !== undefined) check(next, value, path, errors);
  }
}

// Which fields of an object are required right now: `required`, plus those of every if/then that applies.
function requiredNow(node, value) {
  const names = new Set(node.required || []);
  const visit = (sub) => {
    sub = resolve(sub);
    for (const part of sub.allOf || []) visit(part);
    if (sub.if !== undefined && !collect(sub.if, value).length) for (const name of resolve(sub.then).required || []) names.add(name);
  };
  visit(node);
  return names;
}

// ---------------------------------------------------------------- errors in Chinese (as schema_errors.py)

const TYPE_NAMES = { string: "文字", integer: "整数", number: "数字", boolean: "true 或 false", array: "列表", object: "一组字段", null: "空值" };

function actual(value) {
  if (value === null || value === undefined) return "空值";
  if (typeof value === "boolean") return `布尔值 ${value}`;
  if (typeof value === "number") return `数字 ${value}`;
  if (typeof value === "string") return "文字";
  return Array.isArray(value) ? "列表" : "一组字段";
}

function translate(error) {
  const { path, keyword, rule, value } = error;
  switch (keyword) {
    case "required": return [[path, `缺少必填字段“${labelAt(path) || rule}”。`]];
    case "additionalProperties": {
      const allowed = Object.entries(nodeAt(error.parent)?.properties || {}).map(([k, sub]) => {
        const title = resolve(sub).title;
        return title ? `${k}（${title}）` : k;
      });
      return [[path, `未知字段“${path[path.length - 1]}”。允许的字段有：${allowed.join("、")}。`]];
    }
    case "enum": {
      const labels = nodeAt(path)?.["x-enum-labels"] || {};
      const listing = rule.map((v) => (labels[v] ? `${v}（${labels[v]}）` : String(v))).join("、");
      return [[path, `“${value}”不是允许的值。允许的值：${listing}。`]];
    }
    case "type": {
      const wanted = [].concat(rule).map((t) => TYPE_NAMES[t] || t).join("或");
      return [[path, `应为${wanted}，实际写成了${actual(value)}。`]];
    }
    case "minItems": return [[path, value.length ? `至少要填写 ${rule} 项。` : `列表是空的，至少要填写 ${rule} 项。`]];
    case "maxItems": return [[path, `最多只能填写 ${rule} 项，现在有 ${value.length} 项。`]];
    case "uniqueItems": {
      const dupes = value.filter((x, i) => value.findIndex((y) => equal(x, y)) !== i);
      return [[path, `列表中有重复的项：${dupes.join("、")}。请删除重复的一项。`]];
    }
    case "minLength": return [[path, "不能为空或只有空格。请填写内容。"]];
    case "maxLength": return [[path, `太长：${length(value)} 个字，最多 ${rule} 个字。请精简，或把详细内容放到已公开的文件中。`]];
    case "pattern":
      if (rule === "\\S") return [[path, "不能为空或只有空格。请填写内容。"]];
      return [[path, `格式不对：“${value}”。${descriptionAt(path)}`]];
    case "minimum": return [[path, `不能小于 ${rule}，现在是 ${value}。`]];
    case "maximum": return [[path, `不能大于 ${rule}，现在是 ${value}。`]];
    case "const": return [[path, `应为“${rule}”。`]];
    case "oneOf":
    case "anyOf": {
      const branch = closestBranch(error.branches);
      if (branch) return branch.flatMap(translate);
      return [[path, `写法不对。${descriptionAt(path)}`]];
    }
    case "contains": return [[path, `至少要有一项符合要求。${descriptionAt(path)}`]];
    default: return [[path, `写法不对。${descriptionAt(path)}`]];
  }
}

// The errors of the one alternative that came closest, if exactly one did and they can be said plainly.
function closestBranch(branches) {
  const failed = branches.filter((b) => b.length);
  if (!failed.length) return null;
  const fewest = Math.min(...failed.map((b) => b.length));
  const closest = failed.filter((b) => b.length === fewest);
  if (closest.length !== 1 || closest[0].some((e) => e.keyword === "not")) return null;
  return closest[0];
}

// ---------------------------------------------------------------- rules beyond the schema (as rules.py)

function realDate(year, month, day) {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return year >= 1 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

// Beijing date: China has no daylight saving, so UTC+8 is exact.
function chinaToday() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

function hostProblem(url) {
  let parts;
  try {
    parts = new URL(url);
  } catch {
    parts = null;
  }
  if (!parts || !parts.hostname.includes(".")) return `网址“${url}”缺少有效的网站域名。请从浏览器地址栏复制完整网址。`;
  if (parts.username || parts.password) return "网址中不能包含用户名或密码（@ 之前的部分）。请删除。";
  return "";
}

// Each rule looks only at values the schema accepted, as the validator runs its rules on valid files only.
function ruleMessages(data, schemaFailed) {
  const out = [];
  const ok = (path) => !schemaFailed.has(JSON.stringify(path));
  const option = catalogueSelect.selectedOptions[0];
  const level = option?.dataset.level;
  if (level && Array.isArray(data.level) && ok(["level"]) && !data.level.includes(level)) {
    out.push([["level"], `本事项属于${level}目录“${option.dataset.name}”，公开层级必须包含“${level}”。请勾选“${level}”，或换一个相应层级的目录。`]);
  }
  (Array.isArray(data.time_limit?.clauses) ? data.time_limit.clauses : []).forEach((clause, i) => {
    const path = ["time_limit", "clauses", i, "due"];
    if (typeof clause?.due !== "string" || !ok(path)) return;
    const [month, day] = clause.due.split("-").map(Number);
    if (!realDate(2024, month, day)) out.push([path, `“${clause.due}”不是真实存在的日期。请写成 MM-DD，例如 03-31。`]);
  });
  const today = chinaToday();
  const seen = new Map();
  (Array.isArray(data.published) ? data.published : []).forEach((link, i) => {
    if (!isObject(link)) return;
    const datePath = ["published", i, "date"];
    if (typeof link.date === "string" && ok(datePath)) {
      const [year, month, day] = link.date.split("-").map(Number);
      if (!realDate(year, month, day)) {
        out.push([datePath, `“${link.date}”不是真实存在的日期。请检查年、月、日（例如 2 月没有 30 日）。`]);
      } else if (link.date > today) {
        out.push([datePath, `发布日期 ${link.date} 晚于今天（${today}）。只登记已经公开的内容；请改为实际发布日期。`]);
      }
    }
    const urlPath = ["published", i, "url"];
    if (typeof link.url === "string" && ok(urlPath)) {
      const problem = hostProblem(link.url);
      if (problem) out.push([urlPath, problem]);
      if (seen.has(link.url)) out.push([urlPath, `与第 ${seen.get(link.url) + 1} 条已公开内容的网址重复。请删除重复的一条。`]);
      else seen.set(link.url, i);
    }
  });
  return out;
}

// ---------------------------------------------------------------- YAML in the house style (as yamltext.py)

// Python's str.isspace() characters, so that "needs quotes" agrees with yamltext.py exactly.
const PY_SPACE = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const EDGE_SPACE = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, "gu");
const TRAILING_SPACE = new RegExp(`[${PY_SPACE}]+$`, "u");
const INDICATORS = new Set("-?:,[]{}#&*!|>'\"%@`");
// Plain values YAML 1.1 reads as something other than text (PyYAML's implicit resolvers).
const MISREAD = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9]{2})?))?)$/,
  /^(?:~|null|Null|NULL)$/,
  /^(?:<<|=|!|&|\*)$/,
];

function needsQuotes(text) {
  if (!text || text !== text.replace(EDGE_SPACE, "") || INDICATORS.has(text[0])) return true;
  if (text.includes(": ") || text.includes(" #") || text.endsWith(":")) return true;
  if (/[\t\r\n\x85\u2028\u2029]/u.test(text)) return true;
  return MISREAD.some((re) => re.test(text));
}

function scalar(value) {
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Number.isInteger(value)) return String(value);
  const text = String(value);
  return needsQuotes(text) ? JSON.stringify(text) : text;
}

// `|` or `|-` for several lines, when a block can hold the text exactly.
function block(text, indent) {
  const body = text.endsWith("\n") ? text.slice(0, -1) : text;
  const lines = body.split("\n");
  if (!lines[0] || lines[0][0] === " " || body.endsWith("\n")) return null;
  if (lines.some((line) => line.includes("\t") || TRAILING_SPACE.test(line))) return null;
  return (text.endsWith("\n") ? "|" : "|-") + lines.map((line) => (line ? `\n${indent}${line}` : "\n")).join("");
}

function dumpValue(value, indent) {
  if (isObject(value)) {
    return Object.entries(value).map(([k, v]) => `\n${indent}${k}:${dumpValue(v, indent + "  ")}`).join("");
  }
  if (Array.isArray(value)) {
    if (!value.length) return " []";
    return value.map((item) => {
      if (!isObject(item)) return `\n${indent}- ${scalar(item)}`;
      const [[first, firstValue], ...rest] = Object.entries(item);
      return `\n${indent}- ${first}:${dumpValue(firstValue, indent + "    ")}`
        + rest.map(([k, v]) => `\n${indent}  ${k}:${dumpValue(v, indent + "    ")}`).join("");
    }).join("");
  }
  if (typeof value === "string" && value.includes("\n")) {
    const text = block(value, indent);
    if (text !== null) return " " + text;
  }
  return " " + scalar(value);
}

function dumpDocument(data, order) {
  const names = [...order.filter((n) => n in data), ...Object.keys(data).filter((n) => !order.includes(n))];
  return names.map((name) => `${name}:${dumpValue(data[name], "  ")}\n`).join("");
}

// ---------------------------------------------------------------- cleaning what people type or paste

// Control characters (common in text copied from Word or PDF) are refused by the loader: drop them.
const CONTROL = /[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]/gu;

function cleanLine(text) {
  return text.replace(/[\n\v\f\r\x85\u2028\u2029]/gu, " ").replace(CONTROL, "").replace(EDGE_SPACE, "");
}

// Several lines: one kind of line break, no spaces at line ends, so the text can be a `|` block.
function cleanText(text) {
  const lines = text.replace(/\r\n?|[\v\f\x85\u2028\u2029]/gu, "\n").replace(CONTROL, "").split("\n");
  return lines.map((line) => line.replace(TRAILING_SPACE, "")).join("\n").replace(EDGE_SPACE, "");
}

// Like paths.slugify: pinyin syllables and runs of other characters, '-' between, at most 60 characters.
function slugFromTitle(title) {
  const words = [];
  let run = "";
  for (const ch of title) {
    const syllable = pinyin[ch];
    if (syllable) {
      if (run) words.push(run);
      run = "";
      words.push(syllable);
    } else {
      run += ch;
    }
  }
  if (run) words.push(run);
  const parts = words.map((w) => w.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "")).join("-").split("-").filter(Boolean);
  let slug = "";
  for (const word of parts) {
    if (slug.length + word.length + 1 > MAX_SLUG) break;
    slug = slug ? `${slug}-${word}` : word;
  }
  return slug || "shixiang";
}

// ---------------------------------------------------------------- the form, built from the schema

let serial = 0;
const registry = new Map(); // data path (JSON) -> the field showing it, rebuilt on every read
const owners = new WeakMap(); // control -> its field

function make(tag, className = "", text = "") {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

function hiddenText(text) {
  return make("span", "gk-visually-hidden", text);
}

class Field {
  constructor(node, { caption, parent = null, group = false, item = false, root = false }) {
    this.node = node;
    this.parent = parent;
    this.caption = caption;
    this.item = item;
    this.group = group;
    this.touched = false;
    this.id = `gk-f${++serial}`;
    this.own = [];
    this.wrap = make(group ? "fieldset" : "div", group ? "gk-form-group" : "gk-form-field");
    this.title = make(group ? "legend" : "label", "gk-form-label");
    this.captionText = make("span", "", caption);
    this.mark = make("span");
    this.title.append(this.captionText, " ", this.mark);
    this.wrap.append(this.title);
    const described = [];
    if (node.description && !root) {
      this.help = make("p", "gk-form-help", String(node.description));
      this.help.id = `${this.id}-help`;
      this.wrap.append(this.help);
      described.push(this.help.id);
    }
    this.error = make("p", "gk-form-error");
    this.error.id = `${this.id}-error`;
    this.wrap.append(this.error);
    described.push(this.error.id);
    this.describedBy = described.join(" ");
    if (group) this.wrap.setAttribute("aria-describedby", this.describedBy);
  }

  adopt(control) {
    // in a group the fieldset carries the description, so that it is not repeated for every box
    if (!this.group) control.setAttribute("aria-describedby", this.describedBy);
    owners.set(control, this);
    this.own.push(control);
    return control;
  }

  get where() {
    const up = this.item ? this.parent.parent?.where : this.parent?.where;
    return [up, this.caption].filter(Boolean).join(" › ");
  }

  setCaption(caption) {
    this.caption = caption;
    this.captionText.textContent = caption;
  }

  setName(name) {
    this.wrap.dataset.name = name;
    for (const control of this.own) control.name = name;
  }

  touch() {
    for (let field = this; field; field = field.parent) field.touched = true;
  }

  setRequired(required) {
    this.mark.textContent = required ? "必填" : "可选";
    this.mark.className = required ? "gk-form-req" : "gk-form-opt";
    for (const control of this.own) {
      if (control.type !== "checkbox" && control.type !== "radio") control.setAttribute("aria-required", String(required));
    }
  }

  focusTarget() {
    return this.wrap.querySelector("input, select, textarea, button");
  }

  showErrors(messages) {
    this.error.textContent = messages.join(" ");
    this.wrap.classList.toggle("gk-form-invalid", messages.length > 0);
    for (const control of this.own) {
      if (messages.length) control.setAttribute("aria-invalid", "true");
      else control.removeAttribute("aria-invalid");
    }
  }

  register(path) {
    registry.set(JSON.stringify(path), this);
  }
}

class TextField extends Field {
  constructor(node, options) {
    super(node, options);
    // Texts allowed to be longer than a web address are prose: they get several lines.
    this.long = (node.maxLength ?? 0) > 2000;
    const input = this.adopt(make(this.long ? "textarea" : "input", "gk-form-input"));
    input.id = `${this.id}-input`;
    if (this.long) input.rows = 4;
    else input.type = "text";
    input.autocomplete = "off";
    if (node.format === "date") input.placeholder = "例如 2024-03-01";
    else if (Array.isArray(node.examples) && node.examples.length) input.placeholder = `例如：${node.examples[0]}`;
    if (String(node.pattern || "").startsWith("^https?:")) {
      input.inputMode = "url";
      input.spellcheck = false;
    }
    this.title.htmlFor = input.id;
    this.input = input;
    this.wrap.append(input);
  }

  read(path) {
    this.register(path);
    const value = this.long ? cleanText(this.input.value) : cleanLine(this.input.value);
    return value === "" ? undefined : value;
  }
}

class NumberField extends Field {
  constructor(node, options) {
    super(node, options);
    const input = this.adopt(make("input", "gk-form-input gk-form-number"));
    input.id = `${this.id}-input`;
    input.type = "number";
    input.inputMode = "numeric";
    if (node.type === "integer") input.step = "1";
    if (node.minimum !== undefined) input.min = String(node.minimum);
    if (node.maximum !== undefined) input.max = String(node.maximum);
    this.title.htmlFor = input.id;
    this.input = input;
    this.wrap.append(input);
  }

  read(path) {
    this.register(path);
    if (this.input.value === "") return this.input.validity.badInput ? "无法识别的数字" : undefined;
    return Number(this.input.value);
  }
}

class BoolField extends Field {
  constructor(node, options) {
    super(node, options);
    const input = this.adopt(make("input"));
    input.type = "checkbox";
    input.id = `${this.id}-input`;
    this.title.htmlFor = input.id;
    const row = make("div", "gk-form-option");
    row.append(input, this.title);
    this.wrap.prepend(row);
    this.input = input;
  }

  read(path) {
    this.register(path);
    return this.input.checked ? true : undefined;
  }
}

function optionText(value, labels) {
  return labels[value] ? `${labels[value]}（${value}）` : String(value);
}

class ChoiceField extends Field {
  constructor(node, options) {
    const radios = node.enum.length <= RADIO_LIMIT;
    super(node, { ...options, group: radios });
    this.values = node.enum;
    const labels = node["x-enum-labels"] || {};
    if (radios) {
      const box = make("div", "gk-form-options");
      const choices = options.required ? this.values : ["", ...this.values];
      this.radios = choices.map((value) => {
        const label = make("label", "gk-form-option");
        const input = this.adopt(make("input"));
        input.type = "radio";
        input.value = String(value);
        input.id = `${this.id}-${this.own.length}`;
        label.append(input, make("span", "", value === "" ? "（不填）" : optionText(value, labels)));
        box.append(label);
        return input;
      });
      this.wrap.append(box);
    } else {
      const select = this.adopt(make("select", "gk-form-input"));
      select.id = `${this.id}-input`;
      select.append(new Option("（请选择）", ""));
      for (const value of this.values) select.append(new Option(optionText(value, labels), String(value)));
      this.title.htmlFor = select.id;
      this.select = select;
      this.wrap.append(select);
    }
  }

  read(path) {
    this.register(path);
    const chosen = this.select ? this.select.value : this.radios.find((r) => r.checked)?.value;
    if (!chosen) return undefined;
    return this.values.find((v) => String(v) === chosen);
  }
}

class ChecksField extends Field {
  constructor(node, options) {
    super(node, { ...options, group: true });
    this.values = resolve(node.items).enum;
    const labels = resolve(node.items)["x-enum-labels"] || {};
    const box = make("div", "gk-form-options");
    this.boxes = this.values.map((value, i) => {
      const label = make("label", "gk-form-option");
      const input = this.adopt(make("input"));
      input.type = "checkbox";
      input.value = String(value);
      input.id = `${this.id}-${i}`;
      label.append(input, make("span", "", optionText(value, labels)));
      box.append(label);
      return input;
    });
    this.wrap.append(box);
  }

  read(path) {
    this.register(path);
    const chosen = this.values.filter((_, i) => this.boxes[i].checked);
    return chosen.length ? chosen : undefined;
  }
}

class ListField extends Field {
  constructor(node, options) {
    super(node, { ...options, group: true });
    this.wrap.classList.add("gk-form-list");
    this.itemNode = resolve(node.items);
    this.entries = [];
    this.list = make("ol", "gk-form-items");
    this.add = make("button", "gk-form-button gk-form-button--secondary gk-form-add", "添加一条");
    this.add.type = "button";
    this.addHint = hiddenText(this.caption);
    this.add.append(this.addHint);
    this.add.addEventListener("click", () => {
      this.addItem(true);
      this.touch();
      update();
    });
    this.wrap.append(this.list, this.add);
    if ((node.minItems ?? 0) > 0) this.addItem(false);
  }

  addItem(focus) {
    const li = make("li", "gk-form-item");
    const field = makeField(this.itemNode, { caption: "", parent: this, item: true, required: false });
    const remove = make("button", "gk-form-button gk-form-button--secondary gk-form-remove", "删除");
    remove.type = "button";
    const hint = hiddenText("");
    remove.append(hint);
    const entry = { field, li, hint };
    remove.addEventListener("click", () => this.removeItem(entry));
    if (field instanceof ObjectField) {
      field.wrap.append(remove);
      li.append(field.wrap);
    } else {
      li.classList.add("gk-form-row");
      li.append(field.wrap, remove);
    }
    this.list.append(li);
    this.entries.push(entry);
    this.renumber();
    if (focus) field.focusTarget()?.focus();
  }

  removeItem(entry) {
    const index = this.entries.indexOf(entry);
    this.entries.splice(index, 1);
    entry.li.remove();
    this.renumber();
    this.touch();
    const next = this.entries[Math.min(index, this.entries.length - 1)];
    (next ? next.field.focusTarget() : this.add).focus();
    update();
  }

  renumber() {
    this.entries.forEach((entry, i) => {
      const caption = `${this.caption} 第 ${i + 1} 条`;
      entry.field.setCaption(caption);
      entry.hint.textContent = caption;
    });
    this.add.disabled = this.node.maxItems !== undefined && this.entries.length >= this.node.maxItems;
    root?.setName("");
  }

  setName(name) {
    this.wrap.dataset.name = name;
    this.add.dataset.list = name;
    this.entries.forEach((entry, i) => entry.field.setName(`${name}.${i}`));
  }

  // Empty items are left out, so data indexes can differ from the on-screen ones: each item registers
  // under the index it would have, and an empty one is simply overwritten by the next.
  read(path) {
    this.register(path);
    const values = [];
    for (const { field } of this.entries) {
      const value = field.read([...path, values.length]);
      if (value !== undefined) values.push(value);
    }
    return values.length ? values : undefined;
  }
}

class ObjectField extends Field {
  constructor(node, options) {
    super(node, { ...options, group: !options.root });
    this.root = Boolean(options.root);
    if (this.root) this.title.hidden = true;
    this.children = Object.entries(node.properties || {}).map(([name, sub]) => {
      const child = resolve(sub);
      const field = makeField(child, {
        caption: String(child.title || name), parent: this, required: (node.required || []).includes(name),
      });
      this.wrap.append(field.wrap);
      return [name, field];
    });
  }

  setName(name) {
    this.wrap.dataset.name = name;
    for (const [key, field] of this.children) field.setName(name ? `${name}.${key}` : key);
  }

  read(path) {
    this.register(path);
    const value = {};
    for (const [name, field] of this.children) {
      const sub = field.read([...path, name]);
      if (sub !== undefined) value[name] = sub;
    }
    const required = requiredNow(this.node, value);
    for (const [name, field] of this.children) field.setRequired(required.has(name));
    return this.root || Object.keys(value).length ? value : undefined;
  }
}

function makeField(node, options) {
  if (node.type === "object" || node.properties) return new ObjectField(node, options);
  if (node.type === "array") return resolve(node.items).enum ? new ChecksField(node, options) : new ListField(node, options);
  if (node.enum) return new ChoiceField(node, options);
  if (node.type === "boolean") return new BoolField(node, options);
  if (node.type === "integer" || node.type === "number") return new NumberField(node, options);
  return new TextField(node, options);
}

// The template's own controls (catalogue, domain, file name) take part in errors and the summary like the rest.
class PageField {
  constructor(name, caption) {
    this.wrap = form.querySelector(`[data-gk-field="${name}"]`);
    this.control = this.wrap.querySelector("input, select");
    this.error = this.wrap.querySelector(".gk-form-error");
    this.caption = caption;
    this.where = caption;
    this.touched = false;
    owners.set(this.control, this);
  }

  touch() {
    this.touched = true;
  }

  focusTarget() {
    return this.control;
  }

  showErrors(messages) {
    this.error.textContent = messages.join(" ");
    this.wrap.classList.toggle("gk-form-invalid", messages.length > 0);
    if (messages.length) this.control.setAttribute("aria-invalid", "true");
    else this.control.removeAttribute("aria-invalid");
  }
}

let root = null;
let page = null;
let showAll = false;
let shownBefore = new Set();
let lastSummary = "";
let slugEdited = false;
let lastTitle = null;

function fieldFor(path) {
  for (let end = path.length; end >= 0; end--) {
    const field = registry.get(JSON.stringify(path.slice(0, end)));
    if (field) return field;
  }
  return root;
}

function pageMessages(slug) {
  const out = [];
  if (!catalogueSelect.value) out.push([page.catalogue, "请选择目录。"]);
  if (!domainSelect.value) out.push([page.domain, "请选择领域。"]);
  if (!slug) out.push([page.filename, "缺少必填字段“文件名”。"]);
  else if (!SLUG_RE.test(slug)) {
    out.push([page.filename, `文件名“${slug}”不合规：只能用小写英文字母、数字和连字符“-”（例如 zuidi-shenghuo-baozhang），因为它会成为网址的一部分。请改名。`]);
  }
  return out;
}

function syncFilename(title) {
  if (title === lastTitle) return;
  lastTitle = title;
  if (!slugEdited) filenameInput.value = title ? slugFromTitle(title) : "";
}

function byDocumentOrder(a, b) {
  if (a.field.wrap === b.field.wrap) return 0;
  return a.field.wrap.compareDocumentPosition(b.field.wrap) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
}

function renderSummary(shown) {
  const text = shown.map((p) => `${p.field.where}：${p.message}`).join("\n");
  if (text === lastSummary) return;
  lastSummary = text;
  summary.hidden = !shown.length;
  summary.replaceChildren();
  if (!shown.length) return;
  summary.append(make("h2", "gk-form-summary__title", `还有 ${shown.length} 处需要填写或修改`));
  const list = make("ul");
  for (const problem of shown) {
    const target = problem.field.focusTarget();
    const link = make("a", "", `${problem.field.where}：${problem.message}`);
    link.href = `#${target.id}`;
    link.addEventListener("click", (event) => {
      event.preventDefault();
      target.focus();
      target.scrollIntoView({ block: "center" });
    });
    const li = make("li");
    li.append(link);
    list.append(li);
  }
  summary.append(list);
}

function render(problems, yaml, slug) {
  const byField = new Map();
  for (const problem of problems) {
    if (!showAll && !problem.field.touched) continue;
    const messages = byField.get(problem.field) || [];
    if (!messages.includes(problem.message)) messages.push(problem.message);
    byField.set(problem.field, messages);
  }
  for (const field of shownBefore) if (!byField.has(field)) field.showErrors([]);
  for (const [field, messages] of byField) field.showErrors(messages);
  shownBefore = new Set(byField.keys());
  const shown = [...byField].flatMap(([field, messages]) => messages.map((message) => ({ field, message })));
  renderSummary(shown.sort(byDocumentOrder));

  const folder = `data/catalogues/${catalogueSelect.value || "<目录>"}/${domainSelect.value || "<领域>"}/`;
  pathBox.textContent = `${folder}${slug || "<文件名>"}.yml`;
  yamlBox.value = yaml;
  const count = new Set(problems.map((p) => `${p.field.id ?? p.field.caption}\n${p.message}`)).size;
  state.textContent = count
    ? `还有 ${count} 处需要填写或修改${github ? "，改好后才能在 GitHub 上创建" : ""}。${showAll ? "请按页面上方列出的提示修改。" : "点击“检查并生成”可以看到全部提示。"}`
    : `检查通过，没有发现问题。${github ? "可以在 GitHub 上创建，或复制下面的内容。" : "请复制下面的内容。"}`;
  state.classList.toggle("gk-form-state--ok", !count);
  if (!github) return;
  if (count) {
    github.removeAttribute("href");
    github.setAttribute("aria-disabled", "true");
    if (longNote) longNote.hidden = true;
    return;
  }
  const url = `${form.dataset.newFileUrl}${folder}?filename=${encodeURIComponent(`${slug}.yml`)}&value=${encodeURIComponent(yaml)}`;
  github.href = url;
  github.removeAttribute("aria-disabled");
  if (longNote) longNote.hidden = url.length <= LONG_URL;
}

function update() {
  registry.clear();
  const data = root.read([]);
  syncFilename(typeof data.title === "string" ? data.title : "");
  const slug = filenameInput.value.trim();
  const errors = collect(schema, data);
  const failed = new Set(errors.map((e) => JSON.stringify(e.path)));
  const messages = [
    ...pageMessages(slug),
    ...errors.flatMap(translate).map(([path, message]) => [fieldFor(path), message]),
    ...ruleMessages(data, failed).map(([path, message]) => [fieldFor(path), message]),
  ];
  const problems = messages.map(([field, message]) => ({ field, message }));
  const yaml = dumpDocument(data, Object.keys(schema.properties || {}));
  render(problems, yaml, slug);
  form.dataset.errors = String(problems.length);
  return problems;
}

async function copyYaml() {
  try {
    await navigator.clipboard.writeText(yamlBox.value);
  } catch {
    // Without the clipboard API (plain http on another host), the selection can still be copied.
    yamlBox.select();
    document.execCommand("copy");
  }
  copied.textContent = "已复制。";
  setTimeout(() => {
    copied.textContent = "";
  }, 4000);
}

async function fetchJson(attribute) {
  const response = await fetch(new URL(form.dataset[attribute], document.baseURI));
  if (!response.ok) throw new Error(`${response.status}`);
  return response.json();
}

async function main() {
  const loading = document.getElementById("gk-form-loading");
  try {
    [schema, pinyin] = await Promise.all([fetchJson("schema"), fetchJson("pinyin").catch(() => ({}))]);
  } catch {
    loading.textContent = "表单加载失败：无法读取字段定义。请刷新页面重试，或在电脑上用 gongkai new 新建事项文件。";
    return;
  }
  try {
    restoreOrder(schema, "#", JSON.parse(form.dataset.order || "{}"));
  } catch {
    // without the order the form still works, in alphabetical order
  }
  page = {
    catalogue: new PageField("catalogue", "目录"),
    domain: new PageField("domain", "领域"),
    filename: new PageField("filename", "文件名"),
  };
  root = new ObjectField(resolve(schema), { caption: "", root: true });
  root.setName("");
  loading.replaceWith(root.wrap);
  root.wrap.classList.add("gk-form-root");

  const missing = [...unsupported(schema)];
  if (missing.length) {
    console.warn("gongkai form: keywords not checked in the browser", missing);
    const note = make("p", "gk-note", `表单不会检查字段定义中的以下规则：${missing.join("、")}。提交后仍会由 gongkai validate 检查。`);
    fieldsBox.prepend(note);
  }

  const params = new URLSearchParams(location.search);
  for (const [select, name] of [[catalogueSelect, "catalogue"], [domainSelect, "domain"]]) {
    const wanted = params.get(name);
    if (wanted && [...select.options].some((o) => o.value === wanted)) select.value = wanted;
  }

  filenameInput.addEventListener("input", () => {
    slugEdited = filenameInput.value !== "";
  });
  form.addEventListener("input", () => update());
  form.addEventListener("change", (event) => {
    owners.get(event.target)?.touch();
    update();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    showAll = true;
    const problems = update();
    if (problems.length) {
      summary.focus();
    } else {
      outputTitle.focus();
      outputTitle.scrollIntoView({ block: "start" });
    }
  });
  copyButton.addEventListener("click", () => copyYaml());
  output.hidden = false;
  update();
  form.dataset.ready = "true";
}

main();
