"""Beijing time: the dates on the site and the 'not in the future' check are China's, wherever the build runs."""

from __future__ import annotations

import datetime as dt

CHINA = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


def china_today() -> dt.date:
    return dt.datetime.now(CHINA).date()
