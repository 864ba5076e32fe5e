"""The entry form (/contribute/form/) in real headless Chromium: fill it in as a department would,
check that its YAML passes `gongkai validate`, and that mistakes are said in Chinese next to the fields."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select

from browser import chrome, wait_for
from conftest import PROJECT
from gongkai.loader import parse_text
from gongkai.paths import Layout, slugify
from gongkai.render import render_template
from gongkai.schema import load_schemas
from gongkai.validate import validate
from gongkai.yamltext import dump_document

ARTIFACTS = Path(os.environ.get("GONGKAI_ARTIFACTS", PROJECT / "test-artifacts")) / "screenshots"
FORM = "contribute/form/"
SLUG = "gu-er-ji-ben-sheng-huo-bao-zhang"
TARGET = f"data/catalogues/shili-xian/shehui-jiuzhu/{SLUG}.yml"
NEW_FILE = "https://github.com/shili-xian/gongkai-data/new/main/data/catalogues/shili-xian/shehui-jiuzhu/?filename="

EXPECTED = {
    "l1": "救助对象认定",
    "title": "孤儿基本生活保障",
    "content": "1.保障对象：失去父母、查找不到生父母的儿童；\n2.保障标准：每人每月 1,500 元\n3.申请流程: 见办事指南 #1",
    "basis": [{"title": "《国务院办公厅关于加强孤儿保障工作的意见》", "number": "国办发〔2010〕54号"}],
    "time_limit": {
        "text": "信息形成或者变更之日起20个工作日内",
        "clauses": [{"kind": "deadline", "anchor": "信息形成或变更", "amount": 20, "unit": "工作日"}],
    },
    "subject": "县民政局",
    "channels": ["政府网站"],
    "audience": "全社会",
    "mode": "主动",
    "level": ["县级"],
}




def open_form(driver, site_url: str) -> None:
    driver.get(site_url + FORM)
    wait_for(driver, lambda d: d.find_element(By.ID, "gk-form").get_attribute("data-ready") == "true")


def control(driver, name: str, value: str | None = None):
    selector = f'[name="{name}"]' + (f'[value="{value}"]' if value is not None else "")
    element = driver.find_element(By.CSS_SELECTOR, f"#gk-form {selector}")
    # material's header is sticky: bring the control to the middle before a pointer click
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    return element


def type_into(driver, name: str, text: str) -> None:
    element = control(driver, name)
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(Keys.BACKSPACE)
    element.send_keys(text, Keys.TAB)


def tick(driver, name: str, value: str) -> None:
    box = control(driver, name, value)
    if not box.is_selected():
        box.click()


def fill_valid_entry(driver) -> None:
    catalogue = Select(control(driver, "catalogue"))
    catalogue.select_by_value("shili-xian")
    assert catalogue.first_selected_option.text.startswith("示例县政务公开事项标准目录")
    Select(control(driver, "domain")).select_by_visible_text("社会救助")
    type_into(driver, "l1", EXPECTED["l1"])
    type_into(driver, "title", EXPECTED["title"])
    type_into(driver, "content", EXPECTED["content"] + "  \n")  # trailing spaces and newline are tidied away
    type_into(driver, "basis.0.title", EXPECTED["basis"][0]["title"])
    type_into(driver, "basis.0.number", EXPECTED["basis"][0]["number"])
    type_into(driver, "time_limit.text", EXPECTED["time_limit"]["text"])
    Select(control(driver, "time_limit.clauses.0.kind")).select_by_value("deadline")
    type_into(driver, "time_limit.clauses.0.anchor", "信息形成或变更")
    type_into(driver, "time_limit.clauses.0.amount", "20")
    Select(control(driver, "time_limit.clauses.0.unit")).select_by_value("工作日")
    type_into(driver, "subject", " 县民政局 ")
    tick(driver, "channels", "政府网站")
    tick(driver, "audience", "全社会")
    tick(driver, "mode", "主动")
    tick(driver, "level", "县级")


ERRORS_JS = """
return [...document.querySelectorAll("#gk-form .gk-form-error")].filter((p) => p.textContent).map((p) => {
  const wrap = p.parentElement;
  const described = (e) => (e.getAttribute("aria-describedby") || "").split(" ").includes(p.id);
  const owned = (c) => c.closest("[data-name], [data-gk-field]") === wrap;
  const controls = [...wrap.querySelectorAll("input, select, textarea")];
  return {
    name: wrap.dataset.name || wrap.dataset.gkField,
    text: p.textContent,
    tied: described(wrap) || controls.some(described),
    invalid: controls.some((c) => c.getAttribute("aria-invalid") === "true" && owned(c)),
  };
});
"""


def error_list(driver) -> list[dict]:
    return driver.execute_script(ERRORS_JS)


def shown_errors(driver) -> dict[str, str]:
    """Field name -> the error shown next to it; each must be tied to its control or group by aria-describedby."""
    errors = error_list(driver)
    assert all(e["tied"] for e in errors), errors
    return {e["name"]: e["text"] for e in errors}


def error_count(driver) -> int:
    return int(driver.find_element(By.ID, "gk-form").get_attribute("data-errors"))


def yaml_text(driver) -> str:
    return driver.find_element(By.ID, "gk-form-yaml").get_attribute("value")


def repository_copy(root: Path) -> Path:
    for folder in ("schema", "data", "docs"):
        shutil.copytree(PROJECT / folder, root / folder)
    shutil.copy(PROJECT / "mkdocs.yml", root / "mkdocs.yml")
    return root


def full_page_screenshot(driver, path: Path, width: int, mobile: bool) -> None:
    """The whole page in one image: the viewport is made as tall as the page, so the sticky header stays on top."""
    path.parent.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
    driver.save_screenshot(str(path))
    assert path.stat().st_size > 10_000


def test_a_filled_form_gives_yaml_that_passes_gongkai_validate(desktop, site_url: str, tmp_path: Path, gongkai) -> None:
    driver = desktop
    open_form(driver, site_url)
    schema = json.loads((PROJECT / "schema" / "entry.schema.json").read_text(encoding="utf-8"))
    names = driver.execute_script("return [...document.querySelectorAll('.gk-form-root > [data-name]')].map((e) => e.dataset.name)")
    assert names == list(schema["properties"]), "one field per schema property, in schema order"
    labels = driver.execute_script("return [...document.querySelectorAll('#gk-form-fields .gk-form-label')].map((e) => e.textContent)")
    assert any(label.startswith("公开主体") and "必填" in label for label in labels)
    assert any(label.startswith("三级事项") and "可选" in label for label in labels)

    fill_valid_entry(driver)
    wait_for(driver, lambda d: error_count(d) == 0)
    assert shown_errors(driver) == {}
    assert not driver.find_element(By.ID, "gk-form-summary").is_displayed()
    assert control(driver, "filename").get_attribute("value") == SLUG
    assert driver.find_element(By.ID, "gk-form-path").text == TARGET

    control(driver, "filename").find_element(By.XPATH, "ancestor::form//button[@type='submit']").click()
    wait_for(driver, lambda d: d.switch_to.active_element.get_attribute("id") == "gk-form-output-title")
    assert shown_errors(driver) == {} and error_count(driver) == 0
    assert "检查通过" in driver.find_element(By.ID, "gk-form-state").text

    text = yaml_text(driver)
    data, problems, _ = parse_text(text, TARGET)
    assert not problems and data == EXPECTED
    assert list(data) == [n for n in schema["properties"] if n in data], "fields in schema order"
    assert text == dump_document(data, list(schema["properties"])), "the house style of gongkai.yamltext"

    root = repository_copy(tmp_path / "repo")
    (root / TARGET).write_text(text, encoding="utf-8")
    run = gongkai(root, "validate")
    assert run.code == 0, run.out + run.err
    result = validate(Layout(root))
    assert result.ok and not [p for p in result.problems if p.path == TARGET]
    assert result.repository is not None
    assert any(e.path == TARGET and e.title == "孤儿基本生活保障" for e in result.repository.entries)

    link = driver.find_element(By.ID, "gk-form-github")
    href = link.get_attribute("href")
    assert href.startswith(NEW_FILE + SLUG + ".yml&value=")
    query = parse_qs(urlsplit(href).query)
    assert query["filename"] == [f"{SLUG}.yml"]
    assert query["value"] == [text]
    assert link.get_attribute("aria-disabled") is None
    assert link.text.startswith("在 GitHub 上创建（将自动发起修改请求）")

    # nothing the form loads comes from another host (the theme's own fonts and repository badge aside)
    hosts = driver.execute_script("return performance.getEntriesByType('resource').map((e) => e.name)")
    local = [u for u in hosts if u.startswith(site_url)]
    assert any(u.endswith("assets/gongkai/entry.schema.json") for u in local)
    assert any(u.endswith("assets/gongkai/pinyin.json") for u in local)
    theme = ("https://fonts.googleapis.com/", "https://fonts.gstatic.com/", "https://api.github.com/")
    assert all(u.startswith((site_url, *theme)) for u in hosts), hosts

    full_page_screenshot(driver, ARTIFACTS / "form-1280.png", 1280, mobile=False)
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_mistakes_are_said_next_to_the_fields_and_block_github(desktop, site_url: str) -> None:
    driver = desktop
    open_form(driver, site_url)
    fill_valid_entry(driver)
    wait_for(driver, lambda d: error_count(d) == 0)
    link = driver.find_element(By.ID, "gk-form-github")
    assert link.get_attribute("href")

    # clearing a required field: the error appears on leaving it, without submitting
    type_into(driver, "subject", "")
    wait_for(driver, lambda d: "subject" in shown_errors(d))
    assert shown_errors(driver)["subject"] == "缺少必填字段“公开主体”。"
    assert control(driver, "subject").get_attribute("aria-invalid") == "true"
    assert link.get_attribute("href") is None and link.get_attribute("aria-disabled") == "true"
    assert "还有 1 处需要填写或修改" in driver.find_element(By.ID, "gk-form-state").text

    # 添加一条 works from the keyboard and moves focus into the new item
    add = driver.find_element(By.CSS_SELECTOR, 'button[data-list="published"]')
    driver.execute_script("arguments[0].focus()", add)
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    assert driver.switch_to.active_element.get_attribute("name") == "published.0.title"
    type_into(driver, "published.0.title", "示例县孤儿基本生活保障标准")
    type_into(driver, "published.0.url", "javascript:alert(1)")
    type_into(driver, "published.0.date", "2999-01-01")
    assert driver.switch_to.active_element.get_attribute("name") == "published.0.event_date"
    driver.switch_to.active_element.send_keys(Keys.TAB)
    assert driver.switch_to.active_element.get_attribute("name") == "published.0.page"
    driver.switch_to.active_element.send_keys(Keys.TAB)  # 删除 of this item
    driver.switch_to.active_element.send_keys(Keys.TAB)
    assert driver.switch_to.active_element == add
    add.send_keys(Keys.ENTER)
    wait_for(driver, lambda d: d.find_elements(By.NAME, "published.1.title"))
    type_into(driver, "published.1.title", "示例县孤儿认定办法")
    payload = '<img src=x onerror="window.gkInjected=1">'
    type_into(driver, "published.1.url", payload)
    type_into(driver, "published.1.date", "2023-02-30")
    type_into(driver, "time_limit.clauses.0.amount", "0")

    control(driver, "filename").find_element(By.XPATH, "ancestor::form//button[@type='submit']").click()
    summary = driver.find_element(By.ID, "gk-form-summary")
    wait_for(driver, lambda d: summary.is_displayed())
    assert summary.get_attribute("role") == "alert"
    assert driver.switch_to.active_element == summary

    errors = shown_errors(driver)
    assert errors["subject"] == "缺少必填字段“公开主体”。"
    assert errors["published.0.url"] == "格式不对：“javascript:alert(1)”。已公开文件的网址，只能以 http:// 或 https:// 开头。"
    assert errors["published.0.date"].startswith("发布日期 2999-01-01 晚于今天（")
    assert errors["published.1.date"] == "“2023-02-30”不是真实存在的日期。请检查年、月、日（例如 2 月没有 30 日）。"
    assert errors["published.1.url"] == f"格式不对：“{payload}”。已公开文件的网址，只能以 http:// 或 https:// 开头。"
    assert errors["time_limit.clauses.0.amount"] == "不能小于 1，现在是 0。"
    invalid = {e["name"] for e in error_list(driver) if e["invalid"]}
    assert {"subject", "published.0.url", "published.0.date", "published.1.date"} <= invalid

    # typed text stays text: no element was made from it, in the fields, the summary or the YAML
    assert driver.execute_script("return document.querySelectorAll('main img, #gk-form-summary img').length") == 0
    assert driver.execute_script("return window.gkInjected") is None
    assert payload in yaml_text(driver)

    links = summary.find_elements(By.CSS_SELECTOR, "li a")
    texts = [a.text for a in links]
    assert texts[0] == "公开时限 › 时限条款 第 1 条 › 期限数量：不能小于 1，现在是 0。"
    assert "公开主体：缺少必填字段“公开主体”。" in texts
    assert any(t.startswith("已公开内容 第 1 条 › 发布日期：发布日期 2999-01-01 晚于今天") for t in texts)
    next(a for a in links if a.text.startswith("公开主体：")).click()
    assert driver.switch_to.active_element.get_attribute("name") == "subject"
    assert link.get_attribute("href") is None and link.get_attribute("aria-disabled") == "true"

    # fixing everything brings the link back
    type_into(driver, "subject", "县民政局")
    type_into(driver, "time_limit.clauses.0.amount", "20")
    type_into(driver, "published.0.url", "https://www.shilixian.example/zwgk/2024/guer.html")
    type_into(driver, "published.0.date", "2024-03-01")
    remove = driver.find_element(By.XPATH, "//li[.//*[@name='published.1.title']]//button[contains(., '删除')]")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", remove)
    remove.click()
    wait_for(driver, lambda d: error_count(d) == 0)
    assert shown_errors(driver) == {} and not summary.is_displayed()
    assert link.get_attribute("href").startswith(NEW_FILE)
    assert "  - title: 示例县孤儿基本生活保障标准\n    url: https://www.shilixian.example/zwgk/2024/guer.html\n" \
           '    date: "2024-03-01"\n' in yaml_text(driver)


TRICKY = {
    "l1": "yes",
    "title": "2024年度 孤儿: 保障",
    "l3": "010",
    "content": "第一行: 说明\n  缩进的第二行\n\n# 不是注释",
    "basis.0.title": "《条例》 #3",
    "basis.0.number": "null",
    "basis.0.articles": "on",
    "time_limit.text": "20:30",
    "time_limit.clauses.0.anchor": "1_000",
    "subject": "- 县民政局",
    "channels_other.0": "@政务新媒体",
    "audience_detail": "~",
    "note": "'单引号开头，结尾冒号:",
}


def test_values_yaml_would_misread_are_quoted_like_yamltext(desktop, site_url: str, tmp_path: Path) -> None:
    driver = desktop
    open_form(driver, site_url)
    fill_valid_entry(driver)
    tick(driver, "channels", "其他")
    tick(driver, "audience", "特定群体")
    for name, value in TRICKY.items():
        type_into(driver, name, value)
    wait_for(driver, lambda d: error_count(d) == 0)
    slug = control(driver, "filename").get_attribute("value")
    assert slug == slugify(TRICKY["title"]) == "2024-nian-du-gu-er-bao-zhang"

    text = yaml_text(driver)
    data, problems, _ = parse_text(text, "x.yml")
    assert not problems, [p.message for p in problems]
    assert text == dump_document(data, list(data))
    assert [data["l1"], data["title"], data["l3"], data["subject"], data["audience_detail"], data["note"]] == \
        [TRICKY[k] for k in ("l1", "title", "l3", "subject", "audience_detail", "note")]
    assert data["content"] == TRICKY["content"] and "content: |-\n" in text
    assert data["basis"] == [{"title": "《条例》 #3", "number": "null", "articles": "on"}]
    assert data["time_limit"]["text"] == "20:30" and data["time_limit"]["clauses"][0]["anchor"] == "1_000"
    assert data["channels"] == ["政府网站", "其他"] and data["channels_other"] == ["@政务新媒体"]
    root = repository_copy(tmp_path / "repo")
    (root / f"data/catalogues/shili-xian/shehui-jiuzhu/{slug}.yml").write_text(text, encoding="utf-8")
    assert validate(Layout(root)).ok

    # an edited file name is checked, and kept when the title changes afterwards
    type_into(driver, "filename", "Gu_Er")
    wait_for(driver, lambda d: "filename" in shown_errors(d))
    assert shown_errors(driver)["filename"].startswith("文件名“Gu_Er”不合规：只能用小写英文字母、数字和连字符“-”")
    type_into(driver, "filename", "guer-baozhang")
    type_into(driver, "title", "孤儿基本生活保障")
    wait_for(driver, lambda d: error_count(d) == 0)
    assert control(driver, "filename").get_attribute("value") == "guer-baozhang"
    assert driver.find_element(By.ID, "gk-form-path").text == "data/catalogues/shili-xian/shehui-jiuzhu/guer-baozhang.yml"

    # a township catalogue needs 乡级 among the levels, as the validator's cross-file rule says
    Select(control(driver, "catalogue")).select_by_value("shili-xian-donghu-zhen")
    wait_for(driver, lambda d: "level" in shown_errors(d))
    assert shown_errors(driver)["level"].startswith("本事项属于乡级目录“示例县东湖镇政务公开事项标准目录”，公开层级必须包含“乡级”。")
    tick(driver, "level", "乡级")
    wait_for(driver, lambda d: error_count(d) == 0)
    assert "  - 县级\n  - 乡级\n" in yaml_text(driver)


@pytest.mark.parametrize("width", [320, 375])
def test_phone_widths_without_sideways_scrolling(site_url: str, width: int) -> None:
    driver = chrome(width, 740)
    try:
        open_form(driver, site_url)
        fill_valid_entry(driver)
        control(driver, "channels", "其他").click()
        driver.find_element(By.CSS_SELECTOR, 'button[data-list="published"]').click()
        type_into(driver, "published.0.url", "https://www.shilixian.example/zwgk/2024/" + "a" * 120 + ".html")
        control(driver, "filename").find_element(By.XPATH, "ancestor::form//button[@type='submit']").click()
        wait_for(driver, lambda d: d.find_element(By.ID, "gk-form-summary").is_displayed())
        assert "channels_other" in shown_errors(driver)
        overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the form at {width}px scrolls sideways by {overflow}px"
        if width == 375:
            full_page_screenshot(driver, ARTIFACTS / "form-375.png", 375, mobile=True)
    finally:
        driver.quit()


def test_without_github_the_page_says_to_copy_and_without_javascript_to_use_gongkai_new(sample_site: Path) -> None:
    built = (sample_site / "contribute" / "form" / "index.html").read_text(encoding="utf-8")
    noscript = built.split("<noscript>")[1].split("</noscript>")[0]
    assert "JavaScript" in noscript and "gongkai new" in noscript
    assert 'id="gk-form-github"' in built

    html = render_template("pages/form.html", page_url=FORM, schemas=load_schemas(PROJECT / "schema"),
                           catalogues=[], domains=[], repo_url="", new_file_url="", today=dt.date(2024, 1, 1), edit_url=None)
    assert 'id="gk-form-github"' not in html
    assert "请点击“复制”，在数据仓库中按上面的保存位置新建文件并粘贴" in html
