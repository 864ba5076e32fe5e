"""The MkDocs plugin: thin hooks that call the same pipeline as `gongkai validate`."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin

from .paths import Layout
from .problems import format_text
from .validate import validate

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer

    from .model import Repository

log = logging.getLogger("mkdocs.plugins.gongkai")


class GongkaiConfig(Config):
    enabled = c.Type(bool, default=True)
    root = c.Optional(c.Dir(exists=True))
    """The data repository; defaults to the folder that holds mkdocs.yml."""


class GongkaiPlugin(BasePlugin[GongkaiConfig]):
    repository: Repository | None = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self.repository = None  # the plugin object survives `mkdocs serve` rebuilds
        if not self.config.enabled:
            return config
        root = Path(self.config.root or Path(config.config_file_path).parent)
        result = validate(Layout(root))
        for problem in result.problems:
            if problem.severity == "warning":
                log.warning(problem.text())
        if not result.ok:
            raise PluginError("数据检查未通过，构建已取消：\n" + format_text(result.problems))
        self.repository = result.repository
        repo = self.repository
        assert repo is not None
        log.info("gongkai: %d 个领域，%d 个目录，%d 个事项", len(repo.domains), len(repo.catalogues), len(repo.entries))
        return config

    def on_serve(self, server: LiveReloadServer, config: MkDocsConfig, builder: Callable[..., Any]) -> LiveReloadServer:
        """Rebuild when a department edits data or schema, not only docs/."""
        if self.config.enabled:
            layout = Layout(Path(self.config.root or Path(config.config_file_path).parent))
            server.watch(str(layout.data))
            server.watch(str(layout.schema))
        return server
