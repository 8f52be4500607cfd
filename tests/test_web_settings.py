"""Service settings are declared once and documented; the commands give install hints."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rolelens.cli import app
from rolelens.errors import ExtraMissing
from rolelens.web.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[1]
SERVICE_MD = (ROOT / "docs" / "service.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(ServiceSettings.model_fields))
def test_web_settings_every_setting_is_documented(name: str) -> None:
    assert re.search(rf"^\| `{name}` \|", SERVICE_MD, re.M), f"docs/service.md lacks {name}"
    assert ServiceSettings.model_fields[name].description


def test_web_settings_every_serve_option_is_documented() -> None:
    from rolelens.cli.docs import render_cli_reference

    reference = render_cli_reference().split("## `rolelens serve`", 1)[1].split("\n## ", 1)[0]
    options = set(re.findall(r"`(--[a-z-]+)", reference)) - {"--help", "--taxonomy"}
    assert options, "no options found for rolelens serve"
    for option in options:
        assert option.split("/")[0] in SERVICE_MD, f"docs/service.md lacks {option}"


def test_web_settings_are_validated() -> None:
    with pytest.raises(ValueError):
        ServiceSettings(max_bytes=0)
    with pytest.raises(ValueError):
        ServiceSettings(timeout=-1)
    with pytest.raises(ValueError):
        ServiceSettings(colour="blue")  # type: ignore[call-arg]
    assert "s3cret" not in repr(ServiceSettings(token="s3cret"))


@pytest.mark.parametrize(
    ("command", "module", "extra"),
    [(["serve"], "uvicorn", "serve"), (["mcp"], "mcp.server.mcpserver", "mcp")],
)
def test_web_settings_missing_extra_gives_an_install_hint(
    monkeypatch: pytest.MonkeyPatch, command: list[str], module: str, extra: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` fail
    monkeypatch.delitem(sys.modules, "rolelens.mcp_server.server", raising=False)
    result = CliRunner().invoke(app, command)
    assert isinstance(result.exception, ExtraMissing)
    assert f"rolelens[{extra}]" in result.exception.message
