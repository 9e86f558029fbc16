src = open("/tmp/splat/proto.py").read().replace("cache=True", "cache=False").split("p.camera_position")[0]
src = src.replace("N = 1_000_000", "N = 2").replace("splat(pts, rgb, MT, vrow, W, H, 2, dist, c32)", "splat(pts, rgb, MT, vrow, W, H, 9, dist, c32)")
src = src.replace("gl_FragData[0] = vec4(sc.rgb, opacity);", "gl_FragData[0] = vec4(t, fract(-zv/100.0), gl_FragDepth > 0.998 ? 1.0 : 0.0, 1.0);")
exec(src)
pts[:] = np.array([[450, 650, 200], [550, 350, 200]], np.float32)
rgb[:] = np.array([[255, 0, 0], [0, 255, 0]], np.uint8)
p.camera_position = [(1400, -600, 700), (500, 500, 0), (0, 0, 1)]
p.show(auto_close=False)
img = p.screenshot(None, return_img=True)
ren = p.renderer
for q in pts:
    ren.SetWorldPoint(*[float(v) for v in q], 1.0); ren.WorldToDisplay(); dx, dy, dz = ren.GetDisplayPoint()
    print(q, img[H - 1 - int(dy), int(dx)])

print("near far", dist[np.isfinite(dist)].min(), dist[np.isfinite(dist)].max())
for q in pts:
    v = np.array(p.renderer.GetActiveCamera().GetViewTransformMatrix().GetElement(2,0))
