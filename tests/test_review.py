"""The review summary of a real git diff between two commits."""

from __future__ import annotations

from conftest import ENTRY, ENTRY_PATH, Repo, git

FOLDER = "data/catalogues/test-xian/shehui-jiuzhu"


def test_review_lists_every_entry_with_field_diffs(site_repo: Repo, gongkai) -> None:
    root = site_repo.root
    site_repo.write(f"{FOLDER}/linshi.yml", ENTRY.replace("最低生活保障", "临时救助"))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "新增临时救助")
    base = git(root, "rev-parse", "HEAD").strip()

    site_repo.write(ENTRY_PATH, ENTRY.replace("10个工作日内", "5个工作日内").replace("  - 公开查阅点", "  - 便民服务站"))
    site_repo.write(f"{FOLDER}/tekun.yml", ENTRY.replace("最低生活保障", "特困人员救助供养")
                    .replace("  1.低保标准；\n  2.申请条件、办理流程。", "  1.特困人员认定条件；\n  2.供养标准、供养形式；\n  3.审核确认程序。")
                    .replace("《社会救助暂行办法》", "《特困人员认定办法》").replace("number: 国务院令第649号", "number: 民发〔2021〕43号"))
    git(root, "rm", "-q", f"{FOLDER}/linshi.yml")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "调整", date="2024-02-01T09:00:00+08:00")

    result = gongkai(root, "review", "--base", base, "--head", "HEAD")
    assert result.code == 0, result.err
    out = result.out
    assert "共 3 个数据文件：新增 1，修改 1，撤销 1。" in out
    modified = out.split("### 修改事项：最低生活保障")[1].split("###")[0]
    assert "- 目录：测试县政务公开事项标准目录；领域：社会救助" in modified
    assert "| 公开时限 | 制定或获取信息之日起10个工作日内 | 制定或获取信息之日起5个工作日内 |" in modified
    assert "| 公开渠道和载体 | 删除：公开查阅点 | 增加：便民服务站 |" in modified
    assert "### 新增事项：特困人员救助供养" in out
    assert "### 撤销事项：临时救助" in out


def test_review_escapes_markdown_and_masks_personal_numbers(site_repo: Repo, gongkai) -> None:
    root = site_repo.root
    base = git(root, "rev-parse", "HEAD").strip()
    site_repo.write(ENTRY_PATH, ENTRY.replace("title: 最低生活保障", 'title: "低保![x](https://evil.example/t.png)<b>"')
                    .replace("subject: 县民政局", "subject: 县民政局（联系人 13812345678，身份证 110101199001011234）"))
    git(root, "commit", "-q", "-am", "改标题")
    out = gongkai(root, "review", "--base", base).out
    assert "![x](https://evil" not in out and "<b>" not in out
    assert r"\!\[x\]\(https://evil\.example/t\.png\)&lt;b&gt;" in out
    assert "13812345678" not in out and r"138\*\*\*\*5678" in out
    assert "110101199001011234" not in out and r"110101\*\*\*\*\*\*\*\*1234" in out


def test_review_of_no_data_change(site_repo: Repo, gongkai) -> None:
    site_repo.write("docs/about.md", "# 关于本站\n")
    git(site_repo.root, "commit", "-q", "-am", "文档")
    out = gongkai(site_repo.root, "review", "--base", "HEAD~1").out
    assert "本次修改没有改动 data/ 下的数据文件。" in out
