"""Videos and stills never leave anything that looks finished: a killed export leaves a hidden partial output whose
name does not end in the video's suffix, cleaned by the next export to the folder; the finished file appears by
one rename; outputs that cannot be written are refused before any work. (Encoders only: no OpenGL needed.)"""

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from conftest import ROOT
from ydtwin.render.export_common import ExportError

_KILLED = """
import os, signal, sys
from pathlib import Path
import numpy as np
from ydtwin.render.export_video import open_sink
out = Path(sys.argv[1])
sink = open_sink(out, out.suffix[1:], (64, 48), 10, "draft")
for i in range(30):
    sink.write(np.full((48, 64, 3), 8 * i, np.uint8))
print(sink.tmp.name, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def _killed_export(out):
    """An export killed (SIGKILL) after 30 frames → the partial output's name."""
    proc = subprocess.run([sys.executable, "-c", _KILLED, str(out)], capture_output=True, text=True, timeout=120,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]
    return proc.stdout.strip()


def _settled(path, timeout=20.0):
    """Wait until the orphaned encoder has finished the partial file (its size stops changing)."""
    last, deadline = -1, time.monotonic() + timeout
    while time.monotonic() < deadline:
        size = path.stat().st_size if path.exists() else -1
        if size == last and size > 0:
            return
        last = size
        time.sleep(0.5)


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
@pytest.mark.parametrize("name", ["flythrough.mp4", "orbit.gif"])
def test_a_killed_export_leaves_nothing_that_looks_like_a_video(tmp_path, name):
    """A killed flythrough left a hidden `.flythrough.part.mp4` that the orphaned encoder finished into a valid
    video: the partial output's name now says incomplete and does not end in .mp4/.gif, and the next export to
    the same folder removes it (its writer is dead) while writing its own."""
    part_name = _killed_export(tmp_path / name)
    part = tmp_path / part_name
    _settled(part)
    assert part_name.startswith(f".{name}.incomplete-") and not part_name.endswith((".mp4", ".gif"))
    assert [p.name for p in tmp_path.iterdir()] == [part_name]
    assert not any(p.name.endswith((".mp4", ".gif")) for p in tmp_path.iterdir())

    from ydtwin.render.export_video import open_sink

    sink = open_sink(tmp_path / "next.mp4", "mp4", (64, 48), 10, "draft")
    try:
        assert not part.exists()  # the dead writer's left-over is gone
        sink.write(np.zeros((48, 64, 3), np.uint8))
    finally:
        sink.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["next.mp4"]


def test_a_finished_video_appears_only_by_one_rename(tmp_path, monkeypatch):
    """While frames are written, the target does not exist and nothing ending in .mp4 does; at the end one
    os.replace moves the flushed partial file onto the target, which then decodes with every frame."""
    import imageio_ffmpeg

    from ydtwin.render import export_video

    out = tmp_path / "clip.mp4"
    sink = export_video.open_sink(out, "mp4", (64, 48), 10, "draft")
    for i in range(12):
        sink.write(np.full((48, 64, 3), 20 * i, np.uint8))
        assert not out.exists()
    assert not any(p.name.endswith(".mp4") for p in tmp_path.iterdir())
    moves = []
    real_replace = os.replace

    def spy(src, dst):
        moves.append((os.fspath(src), os.fspath(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    sink.close()
    assert moves == [(str(sink.tmp), str(out))]
    assert [p.name for p in tmp_path.iterdir()] == ["clip.mp4"]
    reader = imageio_ffmpeg.read_frames(str(out))
    meta = next(reader)
    assert tuple(meta["size"]) == (64, 48) and sum(1 for _ in reader) == 12


def test_a_png_sequence_goes_through_a_partial_folder(tmp_path):
    """A PNG sequence is written into a hidden partial folder and renamed into place; abort removes it."""
    from ydtwin.render.export_video import open_sink

    sink = open_sink(tmp_path / "frames", "png", (32, 16), 10, "draft")
    assert sink.tmp.name.startswith(".frames.incomplete-") and sink.tmp.is_dir()
    sink.write(np.zeros((16, 32, 3), np.uint8))
    sink.close()
    assert [p.name for p in (tmp_path / "frames").iterdir()] == ["frame_00000.png"]
    other = open_sink(tmp_path / "more", "png", (32, 16), 10, "draft")
    other.abort()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["frames"]


@pytest.mark.parametrize("out, needle", [
    ("missing/x.mp4", "does not exist"),
    ("/proc/x.mp4", "/proc"),
    ("earlier.mp4", "is one of the inputs"),
    ("full", "not empty"),
])
def test_video_outputs_are_checked_before_any_work(tmp_path, out, needle):
    """check_video (which the CLI asks before it builds a scene, and VideoExport before the first frame) refuses
    an output that cannot be written: a missing folder (not created), /proc, an input, a PNG sequence's folder
    with files in it."""
    from ydtwin.render.export_video import check_video

    if out.startswith("/proc") and not os.path.isdir("/proc"):
        pytest.skip("no /proc here")
    (tmp_path / "path.json").write_text("{}", encoding="utf-8")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "a.png").write_bytes(b"")
    target = out if out.startswith("/") else tmp_path / out
    with pytest.raises(ExportError) as err:
        check_video(target, None, (320, 180), 30, "standard", inputs=[tmp_path / "path.json", tmp_path / "earlier.mp4"])
    assert needle in str(err.value) and "\n" not in str(err.value)
    assert not (tmp_path / "missing").exists()


def test_stills_are_checked_before_rendering_and_written_through_a_partial_file(tmp_path):
    """check_still refuses before any rendering what write_image would fail on (or would have made silently:
    a missing folder); write_image no longer creates folders and leaves only the finished image."""
    from ydtwin.render.export_still import check_still, write_image

    assert check_still(tmp_path / "a.png", (640, 480)) == "PNG"
    for path, kw, needle in [
        (tmp_path / "missing" / "a.png", {}, "does not exist"),
        (tmp_path / "a.jpg", {"transparent": True}, "JPEG has no transparency"),
        (tmp_path / "a.bmp", {}, "an image is"),
        (tmp_path / "in.tif", {"inputs": [tmp_path / "in.tif"]}, "is one of the inputs"),
    ]:
        with pytest.raises(ExportError, match=needle):
            check_still(path, (640, 480), **kw)
    rgb = np.zeros((16, 32, 3), np.uint8)
    with pytest.raises(ExportError, match="does not exist"):
        write_image(tmp_path / "missing" / "a.png", rgb, "PNG")
    assert not (tmp_path / "missing").exists()
    write_image(tmp_path / "a.png", rgb, "PNG")
    assert [p.name for p in tmp_path.iterdir()] == ["a.png"]
