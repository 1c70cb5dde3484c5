"""Names and error text reach the console as literal text; OS errors as one line."""

import errno

import pytest
import typer
from rich.console import Console

from leonet.cli._common import friendly_errors, literal, safe_text


def test_control_characters_are_shown_escaped_and_newlines_kept():
    text = "a\x1b]0;title\x07b\x1b[2Jc\x9bd\u202ee\nf\tg\rh"
    out = safe_text(text)
    assert out == "a\\x1b]0;title\\x07b\\x1b[2Jc\\x9bd\\u202ee\nf\tg\\x0dh"
    assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in out)


def test_markup_prints_as_written(capsys):
    console = Console(force_terminal=False, width=200)
    console.print(literal("x[/]y [bold]z[/bold] :smile:"))
    assert capsys.readouterr().out == "x[/]y [bold]z[/bold] :smile:\n"


def _fails_with(exc):
    @friendly_errors
    def command():
        raise exc

    return command


@pytest.mark.parametrize(
    "exc, words",
    [
        (ValueError("name 'x[/]y' is \x1b[31mred"), ["x[/]y", "\\x1b[31mred"]),
        (
            PermissionError(errno.EACCES, "Permission denied", "/ro/run"),
            ["/ro/run", "Permission denied", "permissions"],
        ),
        (OSError(errno.EROFS, "Read-only file system", "/ro/run"), ["/ro/run", "read-only"]),
        (
            OSError(errno.ENOSPC, "No space left on device", "/full/x.parquet"),
            ["/full/x.parquet", "disk is full"],
        ),
        (IsADirectoryError(errno.EISDIR, "Is a directory", "/tmp"), ["/tmp", "not a folder"]),
        (FileNotFoundError("no scenario file 'x'"), ["no scenario file 'x'"]),
        (OverflowError("date value out of range"), ["date value out of range"]),
    ],
)
def test_expected_errors_are_one_clean_line(exc, words, capsys):
    with pytest.raises(typer.Exit) as info:
        _fails_with(exc)()
    assert info.value.exit_code == 2
    err = " ".join(capsys.readouterr().err.split())
    assert err.startswith("error: ")
    for word in words:
        assert word in err
    assert "\x1b" not in err and "Traceback" not in err


def test_a_bug_keeps_its_traceback():
    with pytest.raises(ZeroDivisionError):
        _fails_with(ZeroDivisionError("bug"))()


@pytest.fixture
def read_only_folder(tmp_path, monkeypatch):
    """A folder nobody may write into: chmod for a user; for root a read-only tmpfs
    (root ignores permission bits), or where mounting is not allowed, ``os.access``
    answering as a read-only file system would."""
    import os
    import subprocess

    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    mounted = (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)],
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )
    if not mounted:
        real_access = os.access
        monkeypatch.setattr(
            os,
            "access",
            lambda p, mode: False if str(p).startswith(str(folder)) else real_access(p, mode),
        )
    yield folder
    if mounted:
        subprocess.run(["umount", str(folder)], check=False)


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "quick", "--out", "{ro}/run"],
        ["route", "--from", "Kyiv", "--to", "FRA", "--out", "{ro}/r.parquet"],
        ["coverage", "Ukraine", "--constellation", "starlink-gen1", "--out", "{ro}/cov"],
        ["propagate", "starlink-gen1", "--duration", "10s", "--out", "{ro}/p.parquet"],
    ],
)
def test_a_read_only_out_folder_is_refused_before_any_work(read_only_folder, argv):
    from typer.testing import CliRunner

    from leonet.cli import app

    args = [a.replace("{ro}", str(read_only_folder)) for a in argv]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 2
    assert "not writable" in result.output and str(read_only_folder) in result.output
    assert list(read_only_folder.iterdir()) == []
