"""Beijing time: the dates on the site and the 'not in the future' check are China's, wherever the build runs."""

from __future__ import annotations

import datetime as dt
import os

CHINA = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


def china_today() -> dt.date:
    return dt.datetime.now(CHINA).date()


def build_time() -> dt.datetime:
    """When this build happened, in Beijing time; GONGKAI_BUILD_TIME (ISO) pins it, as the nightly job does."""
    pinned = os.environ.get("GONGKAI_BUILD_TIME")
    if pinned:
        try:
            moment = dt.datetime.fromisoformat(pinned)
            return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(CHINA)
        except ValueError:
            pass
    return dt.datetime.now(CHINA)
