"""Smoke test of a built app: `ydtwin --version`, `ydtwin plugins list` (the bundled plan plugins), the plans
exported to a GeoPackage and footprints read through GDAL (`export plans`, `info`), an offscreen
still of the second bundled region (`ydtwin --region yrd26 snapshot`), then the desktop app under Xvfb on the
default region until the whole scene is drawn (`ydtwin app --screenshot`), its screenshot checked for the
region (land and sea, not a blank frame). Run by build.sh; exit 0 when all pass.

    python packaging/installer/smoke_test.py build/installer/dist/ydtwin/ydtwin
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def run(cmd: list[str], *, env: dict | None = None, timeout: float = 300.0) -> str:
    print("$", " ".join(cmd), flush=True)
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    print(done.stdout[-2000:], done.stderr[-2000:], sep="", flush=True)
    if done.returncode != 0:
        raise SystemExit(f"smoke test: {cmd[1:]} exited {done.returncode}")
    if "Traceback" in done.stderr:  # a module the build left out fails in a background thread, not the exit
        raise SystemExit(f"smoke test: {cmd[1:]} printed a traceback")
    return done.stdout


def _write_ifc(path: Path) -> None:
    """A wall (10 × 0.3 × 4 m) in an IFC4 file, made with the building Python's IfcOpenShell."""
    import ifcopenshell.api
    import ifcopenshell.api.project

    run_api = ifcopenshell.api.run
    f = ifcopenshell.api.project.create_file(version="IFC4")
    project = run_api("root.create_entity", f, ifc_class="IfcProject", name="Smoke")
    run_api("unit.assign_unit", f)
    model = run_api("context.add_context", f, context_type="Model")
    body = run_api("context.add_context", f, context_type="Model", context_identifier="Body",
                   target_view="MODEL_VIEW", parent=model)
    site = run_api("root.create_entity", f, ifc_class="IfcSite", name="Site")
    run_api("aggregate.assign_object", f, relating_object=project, products=[site])
    wall = run_api("root.create_entity", f, ifc_class="IfcWall", name="Wall")
    rep = run_api("geometry.add_wall_representation", f, context=body, length=10, height=4, thickness=0.3)
    run_api("geometry.assign_representation", f, product=wall, representation=rep)
    run_api("spatial.assign_container", f, relating_structure=site, products=[wall])
    f.write(str(path))


def main(argv: list[str]) -> int:
    exe = Path(argv[1]).resolve()
    if not exe.is_file():
        raise SystemExit(f"smoke test: no built app at {exe}")
    tmp = Path(tempfile.mkdtemp(prefix="ydtwin-smoke-"))
    # a clean user: no settings, cache or plugins of the person building
    env = {k: v for k, v in os.environ.items() if not k.startswith(("YDTWIN", "QT_", "VTK_"))}
    env.update(HOME=str(tmp), XDG_CONFIG_HOME=str(tmp / "config"), XDG_CACHE_HOME=str(tmp / "cache"),
               XDG_DATA_HOME=str(tmp / "data"))
    try:
        assert run([str(exe), "--version"], env=env).startswith("ydtwin ")
        listed = run([str(exe), "plugins", "list"], env=env)
        assert "ydtwin-suzhou" in listed, "the bundled plan plugins are not in the build"
        plans = tmp / "plans.gpkg"  # GDAL through pyogrio, both ways: plans written, footprints read
        assert "plans as GeoPackage" in run([str(exe), "export", "plans", "--out", str(plans)], env=env)
        seq = tmp / "footprints.geojsonl"
        ring = [[121.5, 31.2], [121.5005, 31.2], [121.5005, 31.2005], [121.5, 31.2005], [121.5, 31.2]]
        seq.write_text(json.dumps({"type": "Feature", "properties": {"height": 30},
                                   "geometry": {"type": "Polygon", "coordinates": [ring]}}) + "\n")
        assert "1 of 1 features usable" in run([str(exe), "info", str(seq)], env=env)
        # 3D models: trimesh (GLB) and IfcOpenShell's geometry kernel (IFC), in the frozen app
        model = Path(__file__).resolve().parents[2] / "assets" / "models" / "planned_tower_illustrative.glb"
        shown = run([str(exe), "snapshot", "--out", str(tmp / "tower.png"), "--size", "480x320", "--view",
                     "121.500,31.230,121.509,31.237", "--layer", f"{model}@121.5047,31.2336,0,heading=20"], env=env)
        assert "GLB model, 2,260 triangles" in shown, shown
        ifc = tmp / "walls.ifc"
        _write_ifc(ifc)
        assert "IFC 3D model" in run([str(exe), "info", str(ifc)], env=env)
        still = tmp / "yrd26.png"
        run([str(exe), "--region", "yrd26", "snapshot", "--out", str(still), "--size", "640x360"], env=env)
        assert still.stat().st_size > 50_000
        shot = tmp / "smoke.png"
        if shutil.which("xvfb-run") is None:
            raise SystemExit("smoke test: xvfb-run is needed (apt-get install xvfb)")
        out = run(["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", str(exe), "app", "--screenshot", str(shot)],
                  env={**env, "QT_QPA_PLATFORM": "xcb"}, timeout=300)
        assert "the whole scene drawn" in out
        import numpy as np
        from PIL import Image

        rgb = np.asarray(Image.open(shot).convert("RGB")).astype(int)
        r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
        sea = ((b > r + 30) & (b > g)).mean()
        land = ((g > b) & (g > 60)).mean()
        print(f"screenshot {rgb.shape[1]}x{rgb.shape[0]}: sea {sea:.0%}, land {land:.0%}")
        assert sea > 0.05 and land > 0.10, "the screenshot does not show the region"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
