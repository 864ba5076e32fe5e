"""Field-level differences between two versions of an entry, said with the schema's Chinese labels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .schema import Schema


@dataclass(frozen=True)
class FieldChange:
    """One field's change: a value replaced (before -> after), or list items added and removed."""

    field: str
    label: str
    before: str = ""
    after: str = ""
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def is_list(self) -> bool:
        return bool(self.added or self.removed)

    def text(self) -> str:
        if self.is_list:
            parts = [f"增加“{a}”" for a in self.added] + [f"删除“{r}”" for r in self.removed]
            return f"{self.label}：{'；'.join(parts)}"
        return f"{self.label}：{self.before or '（无）'} → {self.after or '（无）'}"


def describe(value: Any) -> str:
    """A value as one line of text, the way a reader would name it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        head = value.get("title") or value.get("text") or value.get("kind") or ""
        rest = [str(v) for k, v in value.items() if k not in ("title", "text", "kind") and v not in (None, "")]
        return f"{head}（{'，'.join(rest)}）" if head and rest else str(head) or "，".join(rest)
    if isinstance(value, list):
        return "、".join(describe(v) for v in value)
    return " ".join(str(value).split())


def field_changes(old: dict[str, Any], new: dict[str, Any], schema: Schema) -> tuple[FieldChange, ...]:
    """Every top-level field that differs, in the schema's order; nested objects by their sub-fields."""
    names = list(schema.field_names(()))
    for key in [*old, *new]:
        if key not in names:
            names.append(key)
    changes: list[FieldChange] = []
    for name in names:
        a, b = old.get(name), new.get(name)
        if a == b:
            continue
        label = schema.label((name,)) or name
        if isinstance(a, dict) and isinstance(b, dict):
            for sub in dict.fromkeys([*a, *b]):
                if a.get(sub) == b.get(sub):
                    continue
                sub_label = label if sub == "text" else f"{label} › {schema.label((name, sub)) or sub}"
                changes.append(_change(f"{name}.{sub}", sub_label, a.get(sub), b.get(sub)))
        else:
            changes.append(_change(name, label, a, b))
    return tuple(changes)


def _change(field: str, label: str, a: Any, b: Any) -> FieldChange:
    if isinstance(a, list) or isinstance(b, list):
        before = [describe(x) for x in a or []]
        after = [describe(x) for x in b or []]
        added = tuple(x for x in after if x not in before)
        removed = tuple(x for x in before if x not in after)
        if added or removed:
            return FieldChange(field, label, added=added, removed=removed)
        return FieldChange(field, label, before="、".join(before), after="、".join(after) + "（顺序调整）")
    return FieldChange(field, label, before=describe(a), after=describe(b))
