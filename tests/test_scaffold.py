"""`gongkai new` writes a valid, fully explained entry in the right folder."""

from __future__ import annotations

import argparse
import re

from conftest import Repo
from gongkai import scaffold
from gongkai.paths import SLUG_RE, Layout
from gongkai.schema import load_schemas


def test_new_entry_is_valid_and_explains_every_field(repo: Repo, gongkai) -> None:
    result = gongkai(repo.root, "new", "--catalogue", "test-xian", "--domain", "社会救助", "--l1", "救助对象认定",
                     "--title", "特困人员救助供养")
    assert result.code == 0, result.err
    path = repo.root / "data/catalogues/test-xian/shehui-jiuzhu/te-kun-ren-yuan-jiu-zhu-gong-yang.yml"
    assert path.is_file()
    assert SLUG_RE.match(path.stem)
    text = path.read_text(encoding="utf-8")
    schema = load_schemas(repo.root / "schema")["entry"]
    for name in schema.field_names(()):
        assert re.search(rf"^(# )?{name}:", text, re.M), f"{name} missing"
        assert f"【{schema.label((name,))}】" in text
    assert "# 可选的值：政府网站、政府公报" in text
    assert "title: 特困人员救助供养" in text and "l1: 救助对象认定" in text
    assert gongkai(repo.root, "validate").code == 0


def test_uncommenting_optional_fields_still_validates(repo: Repo, gongkai) -> None:
    gongkai(repo.root, "new", "--catalogue", "test-xian", "--domain", "shehui-jiuzhu", "--l1", "救助对象认定", "--title", "临时救助")
    path = repo.root / "data/catalogues/test-xian/shehui-jiuzhu/lin-shi-jiu-zhu.yml"
    text = path.read_text(encoding="utf-8")
    lines, field = [], ""
    for line in text.splitlines():
        match = re.match(r"^# (\w+):", line)
        field = match.group(1) if match else field if line.startswith("#   ") else ""
        lines.append(line[2:] if field in ("l3", "published", "note") else line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = gongkai(repo.root, "validate")
    assert result.code == 0, result.out


def test_interactive_questions(repo: Repo) -> None:
    answers = iter(["1", "社会救助", "医疗救助", "专项救助"])
    args = argparse.Namespace(catalogue=None, domain=None, title=None, l1=None, slug=None)
    assert scaffold.run(args, Layout(repo.root), ask=lambda prompt: next(answers)) == 0
    assert (repo.root / "data/catalogues/test-xian/shehui-jiuzhu/yi-liao-jiu-zhu.yml").is_file()


def test_refuses_duplicates_and_unknown_names(repo: Repo, gongkai) -> None:
    duplicate = gongkai(repo.root, "new", "--catalogue", "test-xian", "--domain", "社会救助", "--l1", "x", "--title", "最低生活保障")
    assert duplicate.code == 2 and "已有事项“最低生活保障”" in duplicate.err
    unknown = gongkai(repo.root, "new", "--catalogue", "test-xian", "--domain", "社保", "--l1", "x", "--title", "y")
    assert unknown.code == 2 and "领域“社保”不存在" in unknown.err
    missing = gongkai(repo.root, "new", "--catalogue", "test-xian")
    assert missing.code == 2 and "缺少参数" in missing.err
