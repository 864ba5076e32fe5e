"""Write plugins/gongkai/data/t2s.txt: every CJK Unified Ideograph (U+4E00-U+9FFF, Extension A U+3400-U+4DBF)
that OpenCC's t2s conversion changes when converted on its own, with its simplified form.

Run it after changing the pinned OpenCC (requirements-dev.txt); tests/test_traditional.py fails while the
shipped file differs from what the pinned OpenCC gives.

    .venv/bin/python scripts/make_t2s.py
"""

from __future__ import annotations

import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "plugins"))

from gongkai.traditional import MAP_FILE, opencc_map, write_map_file  # noqa: E402


def main() -> int:
    pairs = opencc_map()
    write_map_file(MAP_FILE, pairs)
    print(f"{MAP_FILE.relative_to(PROJECT)}: {len(pairs)} characters")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
