"""`gongkai new`: a new entry file with every field present and explained, valid as written."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .model import Catalogue, Domain
from .paths import Layout, slugify
from .schema import Schema
from .yamltext import dump_field

DEFAULT_TIME_LIMIT = {
    "text": "信息形成或者变更之日起20个工作日内",
    "clauses": [{"kind": "deadline", "anchor": "信息形成或变更", "amount": 20, "unit": "工作日"}],
}
"""条例 第二十六条's default, the wording most real catalogue rows use."""


@dataclass(frozen=True)
class FieldBlock:
    label: str
    description: str
    required: bool
    allowed: str
    lines: list[str]
    enabled: bool


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=False,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def starting_values(schema: Schema, catalogue: Catalogue, domain: Domain, title: str, l1: str) -> dict[str, Any]:
    """Values that pass the schema, so the new file validates before anyone edits it; placeholders say what to write."""
    return {
        "l1": l1,
        "title": title,
        "l3": "三级事项名称",
        "content": "（待填写）逐条写明应当公开的内容或要素，例如：\n1.办理条件；\n2.办理流程；\n3.办理结果。",
        "basis": [{"title": "《中华人民共和国政府信息公开条例》", "number": "国务院令第711号"}],
        "time_limit": DEFAULT_TIME_LIMIT,
        "subject": catalogue.government,
        "channels": ["政府网站"],
        "channels_other": ["其他渠道名称"],
        "audience": "全社会",
        "audience_detail": "特定群体是谁，例如 申请人",
        "mode": "主动",
        "level": [catalogue.level],
        "published": [{"title": "已公开文件的标题", "url": "https://www.example.gov.cn/zwgk/2024/0101.html", "date": "2024-01-01",
                       "event_date": "2023-12-20"}],
        "pending": [{"title": "已经发生、还没有公开的信息", "event_date": "2024-01-02"}],
        "note": "补充说明",
    }


def render_entry(schema: Schema, catalogue: Catalogue, domain: Domain, title: str, l1: str) -> str:
    values = starting_values(schema, catalogue, domain, title, l1)
    required = set(schema.document.get("required", []))
    blocks = []
    for name in schema.field_names(()):
        node = schema.at((name,)) or {}
        items = schema.at((name, 0)) or {}
        enum = node.get("enum") or items.get("enum") or []
        blocks.append(FieldBlock(
            label=schema.label((name,)),
            description=str(node.get("description", "")),
            required=name in required,
            allowed="、".join(map(str, enum)),
            lines=dump_field(name, values[name]).splitlines(),
            enabled=name in required,
        ))
    return _environment().get_template("entry.yml.j2").render(title=title, catalogue=catalogue, domain=domain, fields=blocks)


def write_new_entry(layout: Layout, catalogue: Catalogue, domain: Domain, title: str, l1: str, schema: Schema,
                    slug: str = "") -> Path:
    """Write the new entry atomically in its folder; never overwrites an existing file."""
    folder = layout.catalogues / catalogue.slug / domain.slug
    taken = {p.stem for p in folder.glob("*.yml")} if folder.is_dir() else set()
    slug = slug or slugify(title, taken)
    target = folder / f"{slug}.yml"
    if target.exists():
        raise FileExistsError(target)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=folder, suffix=".tmp", delete=False) as tmp:
        tmp.write(render_entry(schema, catalogue, domain, title, l1))
    os.replace(tmp.name, target)
    return target


def choose(prompt: str, options: list[tuple[str, str]], ask: Callable[[str], str]) -> str:
    """Ask for one of `options` (value, label) by number or value, until the answer is one of them."""
    listing = "\n".join(f"  {i}. {label}（{value}）" for i, (value, label) in enumerate(options, 1))
    while True:
        answer = ask(f"{prompt}\n{listing}\n请输入序号或名称：").strip()
        if answer.isdigit() and 1 <= int(answer) <= len(options):
            return options[int(answer) - 1][0]
        for value, label in options:
            if answer in (value, label):
                return value
        print(f"没有“{answer}”这一项，请重新输入。")


def configure(commands: Any) -> None:
    new = commands.add_parser("new", help="新建一个事项文件（每个字段都带中文说明）",
                              description="在正确的文件夹中新建一个事项文件，所有字段都已填好示例值并附中文说明，可以直接通过检查。"
                                          "缺少的参数会逐项询问。")
    new.add_argument("--catalogue", help="目录文件夹名，例如 shili-xian")
    new.add_argument("--domain", help="领域文件名（例如 shehui-jiuzhu）或领域名称（例如 社会救助）")
    new.add_argument("--title", help="二级事项名称，例如 最低生活保障")
    new.add_argument("--l1", help="一级事项名称，例如 救助对象认定")
    new.add_argument("--slug", help="文件名（不含 .yml）；不填则由名称的拼音生成")


def run(args: Any, layout: Layout, ask: Callable[[str], str] | None = None) -> int:
    """Exit 0 with the new file's path; 2 when something needed is missing or unknown."""
    import sys

    from .schema import load_schemas
    from .validate import validate

    result = validate(layout)
    repo = result.repository
    if repo is None:
        print("仓库中有数据错误，请先运行 gongkai validate 并修正，再新建事项。", file=sys.stderr)
        return 2
    interactive = ask is not None or sys.stdin.isatty()
    ask = ask or input
    catalogue, domain, title, l1 = args.catalogue, args.domain, args.title, args.l1
    if not catalogue and interactive:
        catalogue = choose("请选择目录：", [(c.slug, c.name) for c in repo.catalogues.values()], ask)
    if not domain and interactive:
        domain = choose("请选择领域：", [(d.slug, d.name) for d in repo.domains_in_order], ask)
    if not title and interactive:
        title = ask("请输入二级事项名称：").strip()
    if not l1 and interactive and domain:
        l1 = ask("请输入一级事项名称：").strip()
    missing = [name for name, value in (("--catalogue", catalogue), ("--domain", domain), ("--title", title), ("--l1", l1)) if not value]
    if missing:
        print(f"缺少参数：{'、'.join(missing)}。例如：gongkai new --catalogue shili-xian --domain 社会救助 "
              "--l1 救助对象认定 --title 最低生活保障", file=sys.stderr)
        return 2
    found_catalogue = repo.catalogues.get(catalogue)
    if found_catalogue is None:
        print(f"目录“{catalogue}”不存在。可用的目录：{'、'.join(repo.catalogues)}", file=sys.stderr)
        return 2
    found_domain = repo.domains.get(domain) or next(
        (d for d in repo.domains.values() if domain == d.name or domain in d.variants), None)
    if found_domain is None:
        print(f"领域“{domain}”不存在。可用的领域：{'、'.join(d.name for d in repo.domains_in_order)}", file=sys.stderr)
        return 2
    same = [e for e in repo.in_catalogue(found_catalogue.slug, found_domain.slug) if e.title == title]
    if same:
        print(f"这个目录的{found_domain.name}领域已有事项“{title}”：{same[0].path}。请直接修改那个文件。", file=sys.stderr)
        return 2
    try:
        path = write_new_entry(layout, found_catalogue, found_domain, title, l1, load_schemas(layout.schema)["entry"],
                               args.slug or "")
    except FileExistsError as exc:
        print(f"文件已存在：{layout.relative(Path(str(exc)))}。请换一个 --slug。", file=sys.stderr)
        return 2
    rel = layout.relative(path)
    print(f"已新建 {rel}\n请打开这个文件，按注释修改各字段，然后运行 gongkai validate {rel} 检查。")
    return 0
