"""Where in a YAML text a JSON path stands. Only computed for files that have problems."""

from __future__ import annotations

from yaml import MarkedYAMLError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .problems import FILE_FIELD, JsonPath, dotted


def _walk(node: Node, path: JsonPath, seen: set[int]):
    """Yield (path, key node or None, value node), visiting each node once (so aliases cannot blow up)."""
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode):
                child = (*path, key_node.value)
                yield child, key_node, value_node
                yield from _walk(value_node, child, seen)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            yield child, None, item
            yield from _walk(item, child, seen)


def _root(text: str) -> Node | None:
    from .loader import compose

    try:
        return compose(text)
    except MarkedYAMLError:
        return None


class Positions:
    """Maps JSON paths of one document to 1-based (line, column)."""

    def __init__(self, text: str) -> None:
        self._values: dict[JsonPath, tuple[int, int]] = {}
        self._keys: dict[JsonPath, tuple[int, int]] = {}
        root = _root(text)
        if root is None:
            return
        self._values[()] = (root.start_mark.line + 1, root.start_mark.column + 1)
        for path, key_node, value_node in _walk(root, (), set()):
            mark = value_node.start_mark
            self._values.setdefault(path, (mark.line + 1, mark.column + 1))
            if key_node is not None:
                self._keys.setdefault(path, (key_node.start_mark.line + 1, key_node.start_mark.column + 1))

    def at(self, path: JsonPath) -> tuple[int, int]:
        """Where the field at `path` is written: its key if it has one (so a block list points at its name),
        else its value; for a missing path, the nearest existing parent."""
        while path and path not in self._values:
            path = path[:-1]
        return self._keys.get(path) or self._values.get(path, (1, 1))


def field_at(text: str, line: int, column: int) -> str:
    """The dotted field whose key or value starts last at or before a 0-based position."""
    root = _root(text)
    if root is None:
        return FILE_FIELD
    best: JsonPath = ()
    best_mark = (-1, -1)
    for path, key_node, value_node in _walk(root, (), set()):
        for node in (key_node, value_node):
            if node is None:
                continue
            mark = (node.start_mark.line, node.start_mark.column)
            if best_mark < mark <= (line, column):
                best, best_mark = path, mark
    return dotted(best)
