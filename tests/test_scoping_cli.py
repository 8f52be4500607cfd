"""`rolelens scope` and `rolelens eval scope`: formats, forms, the --jsonl bad-input contract,
evaluation on a small labelled file, and no figure printed without its source.
"""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from rich.console import Console
from typer.testing import CliRunner

from rolelens.cli import app
from rolelens.cli.render_scope import render_scoping
from rolelens.core.figures import amount_text
from rolelens.core.scoping import Scoper
from rolelens.core.scoping_models import Scoping, SourcedFigure
from rolelens.errors import FormError
from rolelens.render.scoping import scoping_markdown
from rolelens.schemas import schema_text
from rolelens.taxonomy.models import Taxonomy

SCOPING_SCHEMA = json.loads(schema_text("scoping"))
ROW_ERROR_SCHEMA = json.loads(schema_text("row-error"))
_SCRIPT = Path(sys.executable).parent / "rolelens"
ROLELENS = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "rolelens"]

runner = CliRunner()

BRIEFS = {
    "ml": "We hold 5 million past card payments with confirmed fraud outcomes and want to stop "
    "fraudulent payments at checkout in real time.",
    "ai": "Our 40 support agents answer the same questions every day; the answers are in our help "
    "centre articles and product manuals. We want an assistant that answers from them and says "
    "so when they do not cover it.",
    "agentic": "When a supplier invoice does not match the purchase order, our clerks look up the "
    "order in the ERP, check the delivery records, decide what is wrong, email the supplier and "
    "update the invoice. Every case is different; we want it handled on its own, with approval "
    "for anything over 5,000 dollars.",
    "bi": "Our regional managers want a weekly dashboard of sales and margin by store; today an "
    "analyst builds the figures by hand in Excel from the till exports.",
    "rpa": "Each night clerks log into the carrier portal, download the status file, copy the "
    "statuses into our order system and email a fixed template to delayed customers. The steps "
    "never vary.",
    "se": "Our docs site search finds nothing for new pages and only matches exact words. The team "
    "wants a chatbot instead.",
    "hybrid": "We want a claim-fraud score trained on our 2 million historical claims with "
    "outcomes, and the adjusters' free-text notes and the claim documents read and summarised "
    "for each new claim.",
    "india": "We are a Bengaluru startup hiring our first AI engineer to build a chatbot that "
    "answers questions from our policy documents.",
}


def line(obj: Any) -> bytes:
    return json.dumps(obj).encode() + b"\n"


def good(i: int) -> bytes:
    return line(
        {
            "id": f"g{i}",
            "brief": f"We want an assistant that answers questions from our manuals {i}.",
        }
    )


# -- formats --------------------------------------------------------------------------------
def test_scope_cli_markdown_text_and_json(tmp_path: Path) -> None:
    brief = tmp_path / "brief.md"
    brief.write_text(BRIEFS["se"], encoding="utf-8")
    md = runner.invoke(app, ["scope", str(brief), "--format", "md"])
    assert md.exit_code == 0, md.output
    assert md.stdout.startswith("# Scoping: Software engineer")
    for heading in ("## Why: the procedure", "## Alternatives", "## Warnings", "## What follows",
                    "## Job description draft", "## Interview loop"):  # fmt: skip
        assert heading in md.stdout
    js = runner.invoke(app, ["scope", str(brief), "--json"])
    assert js.exit_code == 0, js.output
    obj = json.loads(js.stdout)
    jsonschema.validate(obj, SCOPING_SCHEMA)
    assert obj["role"] == "software_engineer"
    same = runner.invoke(app, ["scope", str(brief), "--format", "json"])
    assert json.loads(same.stdout)["role"] == obj["role"]
    text = runner.invoke(app, ["scope", str(brief)])
    assert text.exit_code == 0, text.output
    assert "Software engineer" in text.stdout and "WARNING" in text.stdout


def test_scope_cli_stdin_and_bad_arguments(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scope", "-", "--json"], input=BRIEFS["ai"].encode())
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["role"] == "ai_engineer"
    assert runner.invoke(app, ["scope"]).exit_code == 2
    assert runner.invoke(app, ["scope", str(tmp_path / "missing.txt")]).exit_code == 2
    assert runner.invoke(app, ["scope", "-", "--format", "pdf"], input=b"x").exit_code == 2


def test_scope_cli_form_file(tmp_path: Path) -> None:
    form = tmp_path / "brief.yaml"
    form.write_text(
        "outcome: Answer tenants' questions about their lease\n"
        "data: each tenant's lease (PDF) and our house rules\n"
        "users: tenants, on WhatsApp\n"
        "team_stage: first hire\n"
        "region: India\n",
        encoding="utf-8",
    )
    # the form path, read by the cues (the sentence layer reads short form answers less surely)
    result = runner.invoke(app, ["scope", str(form), "--json", "--semantic", "off"])
    assert result.exit_code == 0, result.output
    obj = json.loads(result.stdout)
    assert obj["role"] == "ai_engineer"
    assert obj["form"]["region"] == "India" and obj["region"] == "India"
    assert obj["text"].startswith("Outcome: Answer tenants'")
    as_json = tmp_path / "brief.json"
    as_json.write_text(
        json.dumps({"outcome": "Fix our site search", "colour": "red"}), encoding="utf-8"
    )
    bad = runner.invoke(app, ["scope", str(as_json)])
    assert isinstance(bad.exception, FormError)


def test_scope_console_script_maps_form_errors_to_exit_codes(tmp_path: Path) -> None:
    form = tmp_path / "bad.yml"
    form.write_text("- not\n- a form\n", encoding="utf-8")
    proc = subprocess.run(
        [*ROLELENS, "scope", str(form)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 2
    assert "form_invalid" in proc.stderr and "Traceback" not in proc.stderr


# -- --jsonl: the bad-input contract --------------------------------------------------------
BAD: list[tuple[bytes, str | None, str]] = [
    (b"not json at all\n", None, "row_not_json"),
    (b"[1, 2]\n", None, "row_not_object"),
    (line({"id": [1, 2], "brief": "x"}), None, "row_wrong_type"),
    (line({"id": "d", "brief": 42}), "d", "row_wrong_type"),
    (line({"id": "m", "title": "no brief here"}), "m", "row_missing_field"),
    (line({"id": 5, "brief": "   "}), "5", "input_empty"),
    (b"\n", None, "input_empty"),
    (b'{"id": "s", "brief": "lone \\ud800 surrogate"}\n', "s", "input_encoding"),
    (b'{"id": "u", "brief": "caf\xe9"}\n', "u?", "input_encoding"),
]


def test_scope_jsonl_bad_rows_get_coded_records_and_the_batch_goes_on() -> None:
    data = b""
    expected: list[tuple[str, str | None, str | None]] = []
    for i, (raw, row_id, code) in enumerate(BAD):
        data += good(i) + raw
        expected += [("ok", f"g{i}", None), ("err", row_id, code)]
    data += line({"id": "t", "text": BRIEFS["bi"]})  # `text` works as well as `brief`
    expected.append(("ok", "t", None))
    result = runner.invoke(app, ["scope", "--jsonl", "-"], input=data)
    assert result.exit_code == 1
    out = result.stdout.splitlines()
    assert len(out) == len(expected), "one JSON line out per line in, in order"
    for line_no, (text, (kind, row_id, code)) in enumerate(zip(out, expected, strict=True), 1):
        record = json.loads(text)
        if kind == "ok":
            assert record["id"] == row_id
            for key in ("role", "confidence", "alternatives", "steps", "warnings"):
                assert key in record
            jsonschema.validate(record, SCOPING_SCHEMA)
        else:
            jsonschema.validate(record, ROW_ERROR_SCHEMA)
            assert record["line"] == line_no
            assert record["error"]["code"] == code
            if row_id == "u?":
                assert record["id"] in (None, "u")
            else:
                assert record["id"] == row_id
    assert f"{len(BAD)} row(s) could not be scoped" in result.stderr


def test_scope_jsonl_rows_may_carry_a_form() -> None:
    """A row is free text, a ``form`` object (the fields /v1/scope takes), or both; a bad or
    empty form is that row's coded error and the batch goes on."""
    rows = [
        {"id": "f", "form": {"outcome": "Forecast weekly demand per store", "volumes": "40M rows"}},
        {"id": "b", "brief": BRIEFS["ai"], "form": {"region": "Germany"}},
        {"id": "x", "form": {"colour": "blue"}},
        {"id": "e", "form": {}},
        {"id": "n"},
    ]
    data = "\n".join(json.dumps(r) for r in rows) + "\n"
    result = runner.invoke(app, ["scope", "--jsonl", "-", "--semantic", "off"], input=data)
    assert result.exit_code == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("id") for o in out] == ["f", "b", "x", "e", "n"]
    assert out[0]["form"]["outcome"] == "Forecast weekly demand per store"
    assert out[0]["text"].startswith("Outcome: Forecast weekly demand")
    assert out[1]["role"] == "ai_engineer" and out[1]["region"] == "Germany"
    assert out[2]["error"]["code"] == "form_invalid" and "colour" in out[2]["error"]["message"]
    assert out[3]["error"]["code"] == "input_empty"
    assert out[4]["error"]["code"] == "row_missing_field"
    assert "'form'" in out[4]["error"]["message"]


def test_scope_jsonl_all_good_exits_0(tmp_path: Path) -> None:
    path = tmp_path / "briefs.jsonl"
    path.write_bytes(b"".join(good(i) for i in range(3)))
    result = runner.invoke(app, ["scope", "--jsonl", str(path)])
    assert result.exit_code == 0, result.output
    assert [json.loads(t)["id"] for t in result.stdout.splitlines()] == ["g0", "g1", "g2"]
    both = runner.invoke(app, ["scope", str(path), "--jsonl", str(path)])
    assert both.exit_code == 2


def test_scope_jsonl_reads_gzip_by_its_magic_bytes(tmp_path: Path) -> None:
    """`scope --jsonl` opens its batch as `read --jsonl` does: gzip on stdin or in a file."""
    packed = gzip.compress(b"".join(good(i) for i in range(3)))
    (tmp_path / "briefs.gz").write_bytes(packed)
    for source, stdin in ((str(tmp_path / "briefs.gz"), None), ("-", packed)):
        result = runner.invoke(app, ["scope", "--jsonl", source], input=stdin)
        assert result.exit_code == 0, result.output
        assert [json.loads(t)["id"] for t in result.stdout.splitlines()] == ["g0", "g1", "g2"]
    (tmp_path / "cut.jsonl.gz").write_bytes(packed[: len(packed) // 2])
    cut = runner.invoke(app, ["scope", "--jsonl", str(tmp_path / "cut.jsonl.gz")])
    assert cut.exit_code == 1
    assert json.loads(cut.stdout.splitlines()[-1])["error"]["code"] == "corpus_unreadable"


def test_scope_a_jsonl_file_without_jsonl_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "briefs.jsonl").write_bytes(good(1))
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["scope", "briefs.jsonl"])
    assert result.exit_code == 2
    assert "rolelens scope --jsonl briefs.jsonl" in " ".join(
        result.output.replace("│", " ").split()
    )


# -- eval scope -----------------------------------------------------------------------------
def test_eval_scope_on_a_small_labelled_file(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "brief": BRIEFS["ml"], "label": "ml_engineer", "acceptable_alternatives": []},
        {"id": "b", "brief": BRIEFS["ai"], "label": "ai_engineer"},
        {"id": "c", "brief": BRIEFS["rpa"], "label": "rpa_engineer"},
        {
            "id": "d",
            "text": BRIEFS["se"],
            "label": "ai_engineer",
            "acceptable_alternatives": ["software_engineer"],
        },
        {"id": "e", "brief": BRIEFS["bi"], "label": "hybrid"},
        {"id": "f", "brief": "x", "label": "astronaut"},
    ]
    path = tmp_path / "labelled.jsonl"
    path.write_bytes(b"".join(line(r) for r in rows) + b"not json\n")
    result = runner.invoke(app, ["eval", "scope", str(path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["n"] == 5
    assert report["strict_accuracy"] == pytest.approx(3 / 5)
    assert report["lenient_accuracy"] == pytest.approx(4 / 5)
    labels = report["report"]["labels"]
    confusion = report["report"]["confusion"]
    assert sum(map(sum, confusion)) == 5
    assert confusion[labels.index("hybrid")][labels.index("data_engineer_bi")] == 1
    assert {e["id"] for e in report["errors"]} == {"d", "e"}
    assert [s["error"]["code"] for s in report["skipped"]] == ["label_invalid", "row_not_json"]
    # 95% bootstrap intervals hold each score; five briefs leave them wide
    intervals = report["intervals"]
    for key, value in (("accuracy", 3 / 5), ("lenient_accuracy", 4 / 5)):
        assert intervals[key]["low"] <= value <= intervals[key]["high"]
    assert intervals["accuracy"]["high"] - intervals["accuracy"]["low"] >= 0.4
    table = runner.invoke(app, ["eval", "scope", str(path), "--errors"])
    assert table.exit_code == 0, table.output
    for words in ("strict accuracy", "confusion", "95% intervals", "lenient accuracy"):
        assert words in table.stdout


# -- every figure carries its source --------------------------------------------------------
_MONEY = re.compile(r"(?:US\$|INR |€|£)\s?\d")
_PERCENT = re.compile(r"\d+(?:-\d+)?%")


def _figures(s: Scoping) -> list[SourcedFigure]:
    figs = [f for st in s.steps for f in st.figures] + [f for w in s.warnings for f in w.figures]
    figs += [b.amount for b in s.salary] + [b.amount for b in s.comparisons]
    return figs + [c.amount for c in s.cost if c.amount is not None]


def _rendered(s: Scoping) -> dict[str, str]:
    console = Console(record=True, width=120, force_terminal=False)
    render_scoping(s, console)
    return {"md": scoping_markdown(s), "text": console.export_text()}


@pytest.mark.parametrize("key", sorted(BRIEFS))
def test_scope_no_figure_is_printed_without_its_source(taxonomy: Taxonomy, key: str) -> None:
    s = Scoper(taxonomy).scope(BRIEFS[key])
    figs = _figures(s)
    assert figs, "every scoping shows at least the labelled-data threshold"
    # JSON: each number object names figures that exist and sources with title and year
    known = {f.id for f in taxonomy.figures}
    for fig in figs:
        assert fig.sources and set(fig.figures) <= known
        assert all(src.title and src.year for src in fig.sources)
    # every number that comes from a taxonomy figure, as printed, sits on a line with a source
    printed = {fig.text for fig in figs}
    printed |= {amount_text(f.low, f.high, f.value, f) for f in taxonomy.figures}
    for fmt, text in _rendered(s).items():
        for ln in text.splitlines():
            if any(_shown(p, ln) for p in printed):
                assert "source" in ln and "[" in ln, f"{fmt}: figure without a source: {ln!r}"
                for fig in figs:
                    if _shown(fig.text, ln):
                        assert any(f"[{src.id}]" in ln for src in fig.sources), ln
            if _MONEY.search(ln) or _PERCENT.search(ln):
                assert "source" in ln, f"{fmt}: a number without a source: {ln!r}"


def _shown(number: str, ln: str) -> bool:
    """The printed figure appears in the line as a whole number, not inside another one."""
    return re.search(r"(?<![\d.,])" + re.escape(number) + r"(?![\d,])", ln) is not None


def test_scope_disagreeing_sources_are_shown_as_a_range_naming_both(taxonomy: Taxonomy) -> None:
    s = Scoper(taxonomy).scope(BRIEFS["ml"])
    md = scoping_markdown(s)
    ranges = [b for b in s.comparisons if len(b.amount.sources) >= 2]
    assert ranges
    for band in ranges:
        ln = next(x for x in md.splitlines() if band.amount.text in x)
        for src in band.amount.sources:
            assert f"[{src.id}]" in ln
