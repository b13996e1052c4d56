"""The command line in-process: init, registry import/list, exit codes and messages."""

from __future__ import annotations

from pathlib import Path

import pytest

import cli


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for k in [k for k in __import__("os").environ if k.startswith("STOREWATCH_")]:
        monkeypatch.delenv(k)
    return tmp_path / "data"


GOOD = ("主体名称,统一社会信用代码,网站域名,ICP许可证号\n"
        "青禾茶叶有限公司,91630100MA7500000Q,127.0.0.1:8701,青ICP备2019000123号-1\n")


def test_init_import_list(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--data-dir", str(data), "init"]) == 0
    assert (data / "storewatch.db").exists()
    reg = data.parent / "r.csv"
    reg.write_text(GOOD, encoding="utf-8")
    assert cli.main(["--data-dir", str(data), "registry", "import", str(reg)]) == 0
    assert "1 new" in capsys.readouterr().out
    assert cli.main(["--data-dir", str(data), "registry", "list", "--format", "json"]) == 0
    assert '"domain": "127.0.0.1:8701"' in capsys.readouterr().out


def test_bad_registry_exit_2_and_nothing_written(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["--data-dir", str(data), "init"])
    reg = data.parent / "r.csv"
    reg.write_text(GOOD + "坏公司,91630100MA75000001,bad domain,\n", encoding="utf-8")
    assert cli.main(["--data-dir", str(data), "registry", "import", str(reg)]) == 2
    err = capsys.readouterr().err
    assert "r.csv: row 3, column 统一社会信用代码: 校验位错误" in err
    assert "r.csv: row 3, column 网站域名" in err
    cli.main(["--data-dir", str(data), "registry", "list"])
    assert "0 shown" in capsys.readouterr().err


def test_store_not_initialised(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--data-dir", str(data), "registry", "list"]) == 1
    assert "run `storewatch init` first" in capsys.readouterr().err


def test_bad_setting_exit_2(data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("STOREWATCH_CRAWLER__MAX_PAGES", "lots")
    assert cli.main(["init"]) == 2
    assert "setting crawler.max_pages (env STOREWATCH_CRAWLER__MAX_PAGES)" in capsys.readouterr().err


def test_usage_error_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["registry", "import"]) == 2
    assert cli.main(["no-such-command"]) == 2


def test_exit_codes_raised_inside_commands_reach_the_caller(tmp_path) -> None:  # noqa: ANN001
    """click returns (not raises) Exit(n) codes in non-standalone mode; main() must pass them on."""
    import cli

    # an unreachable storefront: the scan runs, records the gap, and exits 1 (not 0)
    rc = cli.main(["--data-dir", str(tmp_path / "d"), "scan", "http://127.0.0.1:9/", "--max-pages", "1"])
    assert rc == 1


@pytest.mark.parametrize("url", ["http://[::1", "http://bad_host..cn/", "http://999.999.999.999/", "ftp://x.cn/"])
def test_scan_refuses_bad_urls_with_exit_2(tmp_path, url: str, capsys) -> None:  # noqa: ANN001
    import cli

    assert cli.main(["--data-dir", str(tmp_path / "d"), "scan", url]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and url.split("//")[1][:4] in err
