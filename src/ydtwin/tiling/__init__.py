"""Region tiling: building footprints prepared by tile on Dask (``build``) into tile packs (``pack``)."""
