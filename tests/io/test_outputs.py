"""Output paths are checked before any work (one line naming the path and why, nothing created), and partial
outputs left by dead writers are cleaned, without touching anything else."""

import os
import subprocess
import sys
import time

import pytest

from ydtwin.errors import YdtwinError
from ydtwin.io.outputs import OutputError, check_output_path, clean_partials, partial_path


def _refused(path, *needles, **kw):
    with pytest.raises(OutputError) as err:
        check_output_path(path, **kw)
    text = str(err.value)
    assert "\n" not in text and isinstance(err.value, YdtwinError)
    for needle in needles:
        assert needle in text, text
    return text


def test_a_missing_folder_is_refused_and_not_created(tmp_path):
    """An output in a folder that does not exist was rendered and the folder made silently: it is refused, naming
    the folder, and nothing is created."""
    out = tmp_path / "no" / "such" / "x.png"
    _refused(out, str(out), f"the folder {out.parent} does not exist", "create it first")
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "file.txt").write_text("x")
    _refused(tmp_path / "file.txt" / "x.png", "is not a folder")


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="no /proc here")
def test_proc_and_unwritable_folders_are_refused():
    """`/proc/x.png` passed every check until the write failed after the render: a file is created and removed in
    the folder to know, before any work. (/sys refuses even root: permission denied.)"""
    _refused("/proc/x.png", "/proc/x.png", "files cannot be created in /proc")
    if os.path.isdir("/sys"):
        _refused("/sys/x.png", "/sys/x.png", "the folder /sys")


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_folder_without_write_permission_is_refused(tmp_path, monkeypatch):
    """A folder the user cannot write in: refused before any work. (Root writes anywhere: there, the refusal the
    folder would give is simulated.)"""
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    if os.geteuid() == 0:
        real_open = os.open

        def refusing_open(path, *args, **kw):
            if os.path.dirname(os.fspath(path)) == str(folder):
                raise PermissionError(13, "Permission denied")
            return real_open(path, *args, **kw)

        monkeypatch.setattr(os, "open", refusing_open)
    try:
        _refused(folder / "x.mp4", f"the folder {folder} is not writable")
    finally:
        folder.chmod(0o755)


def test_an_input_is_never_the_output(tmp_path):
    """An output path equal to an input file would destroy it: refused whether spelled the same, differently,
    through a symbolic link or a hard link."""
    source = tmp_path / "plan.geojson"
    source.write_text("{}", encoding="utf-8")
    _refused(source, "is one of the inputs", inputs=[source])
    _refused(str(tmp_path / "sub" / ".." / "plan.geojson"), "is one of the inputs", inputs=[str(source)])
    (tmp_path / "link.geojson").symlink_to(source)
    _refused(tmp_path / "link.geojson", "is one of the inputs", inputs=[source])
    os.link(source, tmp_path / "hard.geojson")
    _refused(tmp_path / "hard.geojson", "is one of the inputs", inputs=[None, source])
    assert source.read_text(encoding="utf-8") == "{}"
    assert check_output_path(tmp_path / "out.png", inputs=[source, None, ""]) == tmp_path / "out.png"


def test_what_is_there_must_be_a_file_or_a_link(tmp_path):
    """An existing folder, device or FIFO is not overwritten by a file; a symbolic link is allowed (the writers
    replace the link, never write through it); a long name that leaves no room for the partial name is refused."""
    (tmp_path / "dir.png").mkdir()
    _refused(tmp_path / "dir.png", "is a folder, not a file")
    if os.path.exists("/dev/null"):
        _refused("/dev/null", "character device")
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.mp4")
        _refused(tmp_path / "pipe.mp4", "FIFO")
    (tmp_path / "link.png").symlink_to(tmp_path / "elsewhere.png")
    assert check_output_path(tmp_path / "link.png") == tmp_path / "link.png"
    _refused(tmp_path / ("x" * 220 + ".png"), "the name is 224 bytes long")
    _refused(str(tmp_path) + os.sep, "names a folder")
    _refused("", "no output path")


def test_png_sequence_folders_are_new_or_empty(tmp_path):
    """A PNG sequence's folder may be new or empty, never one with files in it."""
    assert check_output_path(tmp_path / "frames", kind="folder") == tmp_path / "frames"
    (tmp_path / "frames").mkdir()
    assert check_output_path(str(tmp_path / "frames") + os.sep, kind="folder") == tmp_path / "frames"
    (tmp_path / "frames" / "keep.txt").write_text("x")
    _refused(tmp_path / "frames", "not empty", kind="folder")
    (tmp_path / "f.png").write_bytes(b"")
    _refused(tmp_path / "f.png", "not a folder", kind="folder")


def test_checking_leaves_nothing_behind(tmp_path, monkeypatch):
    """The write test in the folder leaves no file; a relative path comes back absolute."""
    before = set(tmp_path.iterdir())
    monkeypatch.chdir(tmp_path)
    assert check_output_path("video.mp4") == tmp_path / "video.mp4"
    assert set(tmp_path.iterdir()) == before


def test_partial_names_never_look_finished(tmp_path):
    """A partial output is hidden, names its writer, and does not end in the output's suffix."""
    for name in ("flythrough.mp4", "orbit.gif", "still.png", "frames"):
        part = partial_path(tmp_path / name)
        assert part.parent == tmp_path and part.name.startswith(f".{name}.incomplete-{os.getpid()}@")
        assert not part.name.endswith((".mp4", ".gif", ".png"))


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_left_overs_of_dead_writers_are_cleaned_and_nothing_else(tmp_path):
    """A killed export's partial file or folder is removed by the next export to the folder; a live writer's,
    another machine's, a recent old-style one, and files not named like a partial output are kept; a link is
    removed, never what it points to."""
    here = partial_path(tmp_path / "x").name.split("@", 1)[1]
    dead = _dead_pid()
    keep_outside = tmp_path.parent / f"{tmp_path.name}-target.mp4"
    keep_outside.write_bytes(b"video")
    gone = [tmp_path / f".a.mp4.incomplete-{dead}@{here}", tmp_path / f".b.gif.incomplete-{dead}@{here}",
            tmp_path / ".old.part.mp4"]
    for path in gone:
        path.write_bytes(b"partial")
    (tmp_path / f".frames.incomplete-{dead}@{here}").mkdir()
    (tmp_path / f".frames.incomplete-{dead}@{here}" / "frame_00000.png").write_bytes(b"")
    (tmp_path / f".l.mp4.incomplete-{dead}@{here}").symlink_to(keep_outside)
    reused = tmp_path / f".r.mp4.incomplete-{os.getpid()}@{here}"  # this process's id, written before it started
    reused.write_bytes(b"")
    os.utime(reused, (1_000_000, 1_000_000))
    old = time.time() - 7200
    os.utime(tmp_path / ".old.part.mp4", (old, old))
    kept = [tmp_path / f".c.mp4.incomplete-{os.getpid()}@{here}",  # a live writer (this process)
            tmp_path / f".d.mp4.incomplete-{dead}@otherhost",  # another machine's, on a shared folder
            tmp_path / ".new.part.mp4",  # old-style, but recent
            tmp_path / ".notes.part", tmp_path / "film.mp4", tmp_path / f"e.mp4.incomplete-{dead}@{here}"]
    for path in kept:
        path.write_bytes(b"keep")
    removed = clean_partials(tmp_path)
    assert sorted(p.name for p in removed) == sorted(
        [p.name for p in gone] + [f".frames.incomplete-{dead}@{here}", f".l.mp4.incomplete-{dead}@{here}", reused.name])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in kept)
    assert keep_outside.read_bytes() == b"video"
    assert clean_partials(tmp_path / "missing") == []
