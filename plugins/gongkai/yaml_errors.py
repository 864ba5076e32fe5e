"""libyaml's English syntax errors, explained in Chinese with the line they point at."""

from __future__ import annotations

import yaml

_EXPLANATIONS: tuple[tuple[str, str], ...] = (
    ("expected a single document", "一个文件只能有一个 YAML 文档：请删除“---”分隔线，或把后面的内容放到另一个文件。"),
    ("but found another document", "一个文件只能有一个 YAML 文档：请删除“---”分隔线，或把后面的内容放到另一个文件。"),
    ("mapping values are not allowed", "这里不能出现“冒号+空格”。如果值里本身有“: ”，请给整个值加上引号；也可能是这一行或上一行的缩进不对。"),
    ("could not find expected ':'", "缺少冒号。每个字段都应写成“字段名: 值”（英文冒号后加一个空格）；如果上一行的值有多行，请用“|”块写法或加引号。"),
    ("did not find expected key", "缩进不一致：这一行与同级字段的缩进不同。请用相同数量的空格对齐同一级的字段。"),
    ("did not find expected '-' indicator", "列表缩进不一致：同一个列表的每一项“- ”都要对齐。"),
    ("did not find expected node content", "这里缺少值。请在冒号或“- ”后面填写内容。"),
    ("found unexpected end of stream", "文件在引号或括号还没有闭合时就结束了。请检查引号（\"、'）和括号（[]、{}）是否成对。"),
    ("found unexpected ':'", "多了一个冒号。值里如果有“: ”，请给整个值加上引号。"),
    ("found invalid Unicode character escape code", "双引号里的“\\u”或“\\U”转义写出的不是一个有效的字符（例如单独的代理项 \\ud800）。"
     "请直接写出这个字，或删除这个转义。"),
    ("found unknown escape character", "双引号里的反斜杠“\\”是转义符。要写反斜杠本身，请写成“\\\\”，或改用单引号。"),
    ("control characters are not allowed", "文件含有不可见的控制字符（常见于从 Word 或网页复制的文字）。请删除这一行里看不见的特殊字符后重新输入。"),
    ("found undefined tag handle", "不允许使用 YAML 标签（以 ! 开头的标记）。请删除它。"),
    ("found character that cannot start any token", "这里有一个不能放在值开头的字符（例如 @、` 或 Tab）。请给整个值加上引号。"),
    ("while scanning an alias", "“*”开头的值会被 YAML 当作别名。如果是文字，请给整个值加上引号。"),
    ("while scanning an anchor", "“&”开头的值会被 YAML 当作锚点。如果是文字，请给整个值加上引号。"),
    ("found duplicate anchor", "不允许使用 YAML 锚点和别名，请把内容直接完整写出。"),
    ("expected <block end>", "缩进不一致：这一行的缩进与上面的结构不匹配。请检查本行和上一行的空格数。"),
    ("expected ',' or ']'", "方括号列表 [ ] 没有正确闭合或缺少逗号。请检查这一行的括号和逗号（要用英文逗号）。"),
    ("expected ',' or '}'", "花括号 { } 没有正确闭合或缺少逗号。请检查这一行的括号和逗号（要用英文逗号）。"),
)


def explain_yaml_error(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, int, str]:
    """(line, column, Chinese message) for a YAML syntax error, both positions 1-based."""
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    original = " ".join(filter(None, (exc.context, exc.problem)))
    lines = text.splitlines()
    if mark and 0 <= mark.line < len(lines) and "\t" in lines[mark.line]:
        return line, column, "这一行含有制表符（Tab）。YAML 只允许用空格缩进；请把 Tab 换成空格，值里的 Tab 请加引号。"
    for needle, explanation in _EXPLANATIONS:
        if needle in original:
            return line, column, f"YAML 格式错误：{explanation}（原始信息：{original}）"
    return line, column, f"YAML 格式错误（原始信息：{original}）。请检查这一行及上一行的缩进、冒号和引号。"
