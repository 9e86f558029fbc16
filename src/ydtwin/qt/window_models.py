"""The main window's 3D models: File ▸ Open 3D model…, File ▸ Replace a landmark with a 3D model…, File ▸ Place
3D model….

The work is the workspace's (``read_layer`` in a worker thread, ``add_loaded``, ``place_model``,
``replace_landmark``'s request): a model that says where it stands stands there; one that does not is stood in
the middle of the view and the placement dialog opens (``ydtwin.qt.model_placement``). Its strings keep the
MainWindow translation context (see window_files.py).
"""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtWidgets import QFileDialog, QInputDialog

__all__ = ["MODEL_FILTER", "ModelsMixin"]

#: 3D model files (the label in front is translated)
MODEL_FILTER = " (*.glb *.gltf *.obj *.ply *.stl *.ifc);;* (*)"


class ModelsMixin:
    """3D models in the window (part of MainWindow)."""

    def view_centre_anchor(self) -> str:
        """``lon,lat`` of the ground in the middle of the view (the region's middle when the view shows none)."""
        w, h = self.scene_view.plotter.render_window.GetSize()
        where = self.scene_view.world_at(w // 2, h // 2)
        if where is None:
            x0, y0, x1, y1 = self.workspace.scene.region.bbox
            where = ((x0 + x1) / 2, (y0 + y1) / 2)
        return f"{where[0]:.7f},{where[1]:.7f}"

    def open_model_dialog(self) -> None:
        folder = str(self.settings.value("paths/last_folder", str(Path.home())))
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Open 3D model"), folder,
                                                self.tr("3D models (glTF, GLB, OBJ, PLY, STL, IFC)") + MODEL_FILTER)
        for path in paths:
            self.open_file(path)

    def replace_landmark_dialog(self) -> None:
        """Choose a landmark, then a model file: the model stands in the landmark's place (one action)."""
        from ydtwin.workspace.layers import LANDMARK, LayerRequest, landmarks

        marks = landmarks(self.workspace.scene)
        if not marks:
            self.log_message("this region has no landmarks to replace", error=True)
            return
        items = [f"{n} ({z})" if z else n for n, z, _x, _y in marks]
        item, ok = QInputDialog.getItem(self, self.tr("Replace a landmark"),
                                        self.tr("Landmark to replace with a 3D model:"), items, 0, False)
        if not ok:
            return
        name = marks[items.index(item)][0]
        folder = str(self.settings.value("paths/last_folder", str(Path.home())))
        path, _ = QFileDialog.getOpenFileName(self, self.tr("3D model of {0}").format(item), folder,
                                              self.tr("3D models (glTF, GLB, OBJ, PLY, STL, IFC)") + MODEL_FILTER)
        if path:
            self.open_file(path, request=LayerRequest(Path(path), anchor=LANDMARK + name))

    def place_model_dialog(self, layer=None, *, created: bool = False):
        """The placement dialog of ``layer`` (default: the model chosen from those shown) → the dialog."""
        from ydtwin.qt.model_placement import ModelPlacementDialog

        if layer is None:
            models = [x for x in self.workspace.scene.layers if getattr(x, "kind", "") == "model"]
            if not models:
                self.log_message("no 3D model is shown: open one first (File ▸ Open 3D model…)", error=True)
                return None
            layer = models[0]
            if len(models) > 1:
                names = [x.name for x in models]
                name, ok = QInputDialog.getItem(self, self.tr("Place 3D model"), self.tr("Model:"), names, 0, False)
                if not ok:
                    return None
                layer = models[names.index(name)]
        dialog = ModelPlacementDialog(self.workspace, self.host, layer, created=created, parent=self)
        self._placement_dialog = dialog  # kept while it is open
        dialog.show()
        return dialog
