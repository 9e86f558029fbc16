<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CompareWindow</name>
    <message>
        <location filename="../compare.py" line="90" />
        <source>Compare scenarios</source>
        <translation>方案对比</translation>
    </message>
    <message>
        <location filename="../compare.py" line="109" />
        <source>Swipe</source>
        <translation>卷帘</translation>
    </message>
    <message>
        <location filename="../compare.py" line="136" />
        <source>Plans</source>
        <translation>规划</translation>
    </message>
    <message>
        <location filename="../compare.py" line="146" />
        <source>year</source>
        <translation>年份</translation>
    </message>
</context><context>
    <name>ExportImageDialog</name>
    <message>
        <location filename="../export_ui.py" line="265" />
        <location filename="../export_ui.py" line="238" />
        <location filename="../export_ui.py" line="120" />
        <source>Export image</source>
        <translation>导出图像</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="127" />
        <source>Viewport {0} × {1}</source>
        <translation>视口 {0} × {1}</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="130" />
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="142" />
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="146" />
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="147" />
        <source>Caption</source>
        <translation>说明文字</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="150" />
        <source>Legend</source>
        <translation>图例</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="150" />
        <source>Scale bar</source>
        <translation>比例尺</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="151" />
        <source>North arrow</source>
        <translation>指北针</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="151" />
        <source>Place labels</source>
        <translation>地名标注</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="152" />
        <source>Data sources</source>
        <translation>数据来源</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="152" />
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="158" />
        <source>Overlays</source>
        <translation>叠加内容</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="159" />
        <source>Transparent background (PNG, TIFF)</source>
        <translation>透明背景（PNG、TIFF）</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="161" />
        <source>Preparing the preview…</source>
        <translation>正在准备预览…</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="167" />
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="227" />
        <source>{0} × {1} pixels ({2:.1f} MP), rendered in about {3} tile(s)</source>
        <translation>{0} × {1} 像素（{2:.1f} 百万像素），约分 {3} 块渲染</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="239" />
        <source>Images (*.png *.jpg *.jpeg *.tif *.tiff)</source>
        <translation>图像 (*.png *.jpg *.jpeg *.tif *.tiff)</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="243" />
        <source>Rendering {0}…</source>
        <translation>正在渲染 {0}…</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="243" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="261" />
        <source>Export cancelled: nothing was written</source>
        <translation>导出已取消：未写入任何文件</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="264" />
        <source>Export failed: {0}</source>
        <translation>导出失败：{0}</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="270" />
        <source>Exported {0} ({1} × {2}, {3} tiles, {4:.1f} s)</source>
        <translation>已导出 {0}（{1} × {2}，{3} 块，{4:.1f} 秒）</translation>
    </message>
</context><context>
    <name>ExporterHost</name>
    <message>
        <location filename="../export_ui.py" line="85" />
        <source>Preparing the export view…</source>
        <translation>正在准备导出视图…</translation>
    </message>
</context><context>
    <name>FlythroughPanel</name>
    <message>
        <location filename="../export_ui.py" line="292" />
        <source>Keyframe</source>
        <translation>关键帧</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="292" />
        <source>Seconds</source>
        <translation>秒数</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="292" />
        <source>Hold</source>
        <translation>停留</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="292" />
        <source>Ease</source>
        <translation>缓动</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="293" />
        <source>Plan year</source>
        <translation>规划年份</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="293" />
        <source>Caption</source>
        <translation>说明文字</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="294" />
        <source>Double-click a row to go there. Plan year: the plans as of that year from this keyframe on. Caption: shown until the next keyframe.</source>
        <translation>双击一行即可跳转。规划年份：从该关键帧起按该年份显示规划。说明文字：显示到下一个关键帧。</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="302" />
        <source>Add view</source>
        <translation>添加视图</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="302" />
        <source>Add the viewport's current view as a keyframe</source>
        <translation>将视口当前视图添加为关键帧</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="303" />
        <source>Bookmarks</source>
        <translation>书签</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="303" />
        <source>Add every saved viewpoint</source>
        <translation>添加所有已保存的视点</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="304" />
        <source>Review tour</source>
        <translation>审查巡览</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="304" />
        <source>One stop per open finding, with its caption</source>
        <translation>每个未关闭的问题一站，附说明文字</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="305" />
        <source>Orbit</source>
        <translation>环绕</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="305" />
        <source>A full turn around the point the view looks at</source>
        <translation>围绕视图注视点旋转一周</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="306" />
        <source>City tour</source>
        <translation>城市巡览</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="306" />
        <source>From city to city across the region</source>
        <translation>在区域内逐城飞行</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="307" />
        <source>Corridor</source>
        <translation>廊道</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="307" />
        <source>Along a planned road, railway, pipe or green corridor</source>
        <translation>沿规划的道路、铁路、管线或绿色廊道飞行</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="308" />
        <source>Layers here</source>
        <translation>此处图层</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="309" />
        <source>From the selected keyframe on, show and hide the layers as they are now</source>
        <translation>从所选关键帧起，按当前状态显示和隐藏图层</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="310" />
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="311" />
        <source>Up</source>
        <translation>上移</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="312" />
        <source>Down</source>
        <translation>下移</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="313" />
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="313" />
        <source>Open a flight path (JSON)</source>
        <translation>打开飞行路径（JSON）</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="551" />
        <location filename="../export_ui.py" line="314" />
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="314" />
        <source>Save the flight path (JSON)</source>
        <translation>保存飞行路径（JSON）</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="323" />
        <source>Loop back to the first keyframe</source>
        <translation>循环回到第一个关键帧</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="328" />
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="337" />
        <source>Export video…</source>
        <translation>导出视频…</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="357" />
        <source>View {0}</source>
        <translation>视图 {0}</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="387" />
        <source>No bookmarks yet: View ▸ Bookmarks ▸ Add</source>
        <translation>尚无书签：视图 ▸ 书签 ▸ 添加</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="402" />
        <source>No open findings: run the checks in the Review panel</source>
        <translation>没有未关闭的问题：请在审查面板中运行检查</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="431" />
        <source>No linear planned projects in the scene</source>
        <translation>场景中没有线状规划项目</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="435" />
        <source>Corridor flight</source>
        <translation>廊道飞行</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="435" />
        <source>Fly along</source>
        <translation>沿此飞行</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="457" />
        <source>Select one keyframe first</source>
        <translation>请先选择一个关键帧</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="467" />
        <source>From keyframe {0} on: {1} layers shown, {2} hidden</source>
        <translation>从关键帧 {0} 起：显示 {1} 个图层，隐藏 {2} 个</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="508" />
        <source>Not a valid {0}: {1}</source>
        <translation>无效的{0}：{1}</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="531" />
        <source>Layers from here on — hidden: {0}</source>
        <translation>从此处起的图层 — 隐藏：{0}</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="532" />
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="574" />
        <location filename="../export_ui.py" line="548" />
        <source>{0:.1f} s of {1:.1f} s</source>
        <translation>{0:.1f} 秒 / 共 {1:.1f} 秒</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="595" />
        <source>Save flight path</source>
        <translation>保存飞行路径</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="609" />
        <location filename="../export_ui.py" line="596" />
        <source>Flight paths (*.json)</source>
        <translation>飞行路径 (*.json)</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="602" />
        <source>Cannot save {0}: {1}</source>
        <translation>无法保存 {0}：{1}</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="604" />
        <source>Saved flight path {0}</source>
        <translation>已保存飞行路径 {0}</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="609" />
        <source>Open flight path</source>
        <translation>打开飞行路径</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="618" />
        <source>Opened flight path {0} ({1} keyframes, {2:.1f} s)</source>
        <translation>已打开飞行路径 {0}（{1} 个关键帧，{2:.1f} 秒）</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="640" />
        <source>Nothing to export: add keyframes to the path first</source>
        <translation>没有可导出的内容：请先为路径添加关键帧</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="665" />
        <location filename="../export_ui.py" line="644" />
        <source>Export video</source>
        <translation>导出视频</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="656" />
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="657" />
        <source>Frames per second</source>
        <translation>每秒帧数</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="658" />
        <source>Quality (MP4, 0–10)</source>
        <translation>质量（MP4，0–10）</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="666" />
        <source>MP4 video (*.mp4);;GIF (*.gif);;PNG frames (folder) (*)</source>
        <translation>MP4 视频 (*.mp4);;GIF (*.gif);;PNG 帧序列（文件夹） (*)</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="713" />
        <location filename="../export_ui.py" line="701" />
        <location filename="../export_ui.py" line="681" />
        <source>Export failed: {0}</source>
        <translation>导出失败：{0}</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="684" />
        <source>Rendering {0}…</source>
        <translation>正在渲染 {0}…</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="684" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="695" />
        <source>Video export cancelled after {0} of {1} frames: nothing was written</source>
        <translation>视频导出在第 {0}/{1} 帧后取消：未写入任何文件</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="705" />
        <source>Frame {0} of {1} · about {2:.0f} s left</source>
        <translation>第 {0}/{1} 帧 · 约剩 {2:.0f} 秒</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="715" />
        <source>Exported {0} ({1} frames, {2} × {3} at {4} fps, {5:.0f} s)</source>
        <translation>已导出 {0}（{1} 帧，{2} × {3}，{4} 帧/秒，{5:.0f} 秒）</translation>
    </message>
</context><context>
    <name>LayersPanel</name>
    <message>
        <location filename="../layers_panel.py" line="35" />
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="36" />
        <source>Base region</source>
        <translation>基础地理</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="37" />
        <source>Cities</source>
        <translation>城市</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="38" />
        <source>Buildings</source>
        <translation>建筑</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="39" />
        <source>Terrain</source>
        <translation>地形</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="40" />
        <source>Coastline and islands</source>
        <translation>海岸线与岛屿</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="41" />
        <source>Lakes</source>
        <translation>湖泊</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="42" />
        <source>Rivers</source>
        <translation>河流</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="43" />
        <source>District boundaries</source>
        <translation>区县边界</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="44" />
        <source>City boundaries</source>
        <translation>城市边界</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="45" />
        <source>City names</source>
        <translation>城市名称</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="46" />
        <source>City blocks</source>
        <translation>城市街区</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="47" />
        <source>Landmarks</source>
        <translation>地标建筑</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="48" />
        <source>procedural</source>
        <translation>程序生成</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="49" />
        <source>schematic</source>
        <translation>示意</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="50" />
        <source>synthetic</source>
        <translation>合成</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="51" />
        <source>illustrative</source>
        <translation>示例</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="52" />
        <source>Plans</source>
        <translation>规划</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="53" />
        <source>Plugins</source>
        <translation>插件</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="54" />
        <source>Review</source>
        <translation>联合审查</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="55" />
        <source>Findings</source>
        <translation>审查问题</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="56" />
        <source>planned</source>
        <translation>规划中</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="57" />
        <source>under construction</source>
        <translation>在建</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="58" />
        <source>built</source>
        <translation>已建成</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="129" />
        <source>Zoom to</source>
        <translation>缩放至</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="130" />
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="132" />
        <source>Opacity</source>
        <translation>不透明度</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="133" />
        <source>Colour by</source>
        <translation>着色依据</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="219" />
        <source>(single colour)</source>
        <translation>（单色）</translation>
    </message>
</context><context>
    <name>MainWindow</name>
    <message>
        <location filename="../app.py" line="135" />
        <source>Drag: rotate · Shift-drag or middle: pan · wheel: zoom · click: identify · R: home view</source>
        <translation>拖动：旋转 · Shift+拖动或中键：平移 · 滚轮：缩放 · 单击：查询 · R：全域视图</translation>
    </message>
    <message>
        <location filename="../app.py" line="174" />
        <source>Layers</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../app.py" line="199" />
        <source>Review</source>
        <translation>联合审查</translation>
    </message>
    <message>
        <location filename="../app.py" line="215" />
        <source>Flythrough</source>
        <translation>飞行浏览</translation>
    </message>
    <message>
        <location filename="../app.py" line="241" />
        <source>Preparing the second scenario…</source>
        <translation>正在准备第二个方案…</translation>
    </message>
    <message>
        <location filename="../app.py" line="316" />
        <source>Plugin installed: {0}</source>
        <translation>已安装插件：{0}</translation>
    </message>
    <message>
        <location filename="../app.py" line="327" />
        <source>{0}: nothing to zoom to</source>
        <translation>{0}：没有可缩放的范围</translation>
    </message>
    <message>
        <location filename="../app.py" line="338" />
        <source>Identify</source>
        <translation>属性查询</translation>
    </message>
    <message>
        <location filename="../app.py" line="341" />
        <source>Attribute</source>
        <translation>属性</translation>
    </message>
    <message>
        <location filename="../app.py" line="341" />
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location filename="../app.py" line="351" />
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <location filename="../app.py" line="374" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../app.py" line="393" />
        <location filename="../app.py" line="383" />
        <source>Open building footprints</source>
        <translation>打开建筑轮廓</translation>
    </message>
    <message>
        <location filename="../app.py" line="394" />
        <location filename="../app.py" line="384" />
        <source>Building footprints</source>
        <translation>建筑轮廓</translation>
    </message>
    <message>
        <location filename="../app.py" line="397" />
        <source>GCJ-02 (Amap, Tencent: China's offset lon/lat)</source>
        <translation>GCJ-02 (高德、腾讯：国测局偏移经纬度)</translation>
    </message>
    <message>
        <location filename="../app.py" line="397" />
        <source>BD-09 (Baidu)</source>
        <translation>BD-09 (百度)</translation>
    </message>
    <message>
        <location filename="../app.py" line="398" />
        <source>EPSG:4326 (WGS 84 lon/lat)</source>
        <translation>EPSG:4326 (WGS 84 经纬度)</translation>
    </message>
    <message>
        <location filename="../app.py" line="398" />
        <source>EPSG:4490 (CGCS2000 lon/lat)</source>
        <translation>EPSG:4490 (CGCS2000 经纬度)</translation>
    </message>
    <message>
        <location filename="../app.py" line="399" />
        <source>EPSG:4549 (CGCS2000 / 3-degree Gauss-Kruger CM 120E)</source>
        <translation>EPSG:4549 (CGCS2000 / 3度带高斯-克吕格 中央经线 120E)</translation>
    </message>
    <message>
        <location filename="../app.py" line="400" />
        <source>EPSG:32651 (WGS 84 / UTM zone 51N)</source>
        <translation>EPSG:32651 (WGS 84 / UTM 51N 带)</translation>
    </message>
    <message>
        <location filename="../app.py" line="400" />
        <source>EPSG:3857 (Web Mercator)</source>
        <translation>EPSG:3857 (Web 墨卡托)</translation>
    </message>
    <message>
        <location filename="../app.py" line="401" />
        <source>Coordinate system</source>
        <translation>坐标系</translation>
    </message>
    <message>
        <location filename="../app.py" line="402" />
        <source>Coordinate system of {0} (or type an EPSG code):</source>
        <translation>{0} 的坐标系（或输入 EPSG 代码）：</translation>
    </message>
    <message>
        <location filename="../app.py" line="476" />
        <source>cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../app.py" line="517" />
        <source>Loaded {0}: {1} buildings</source>
        <translation>已加载 {0}：{1} 栋建筑</translation>
    </message>
    <message>
        <location filename="../app.py" line="533" />
        <source>Cancelled loading {0}</source>
        <translation>已取消加载 {0}</translation>
    </message>
    <message>
        <location filename="../app.py" line="619" />
        <source>nothing here (click a building)</source>
        <translation>此处无对象（请单击建筑）</translation>
    </message>
    <message>
        <location filename="../app.py" line="678" />
        <source>{0} triangles · {1} ms/frame</source>
        <translation>{0} 个三角形 · 每帧 {1} 毫秒</translation>
    </message>
    <message>
        <location filename="../app.py" line="780" />
        <source>Add bookmark</source>
        <translation>添加书签</translation>
    </message>
    <message>
        <location filename="../app.py" line="780" />
        <source>Name of this view:</source>
        <translation>此视图的名称：</translation>
    </message>
    <message>
        <location filename="../app.py" line="790" />
        <source>&amp;Add current view…</source>
        <translation>添加当前视图(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../app.py" line="824" />
        <source>Save project</source>
        <translation>保存项目</translation>
    </message>
    <message>
        <location filename="../app.py" line="846" />
        <location filename="../app.py" line="825" />
        <source>ydtwin project</source>
        <translation>ydtwin 项目</translation>
    </message>
    <message>
        <location filename="../app.py" line="836" />
        <source>Project saved: {0}</source>
        <translation>项目已保存：{0}</translation>
    </message>
    <message>
        <location filename="../app.py" line="845" />
        <source>Open project</source>
        <translation>打开项目</translation>
    </message>
    <message>
        <location filename="../app.py" line="866" />
        <source>Project opened: {0}</source>
        <translation>项目已打开：{0}</translation>
    </message>
    <message>
        <location filename="../app.py" line="878" />
        <source>View</source>
        <translation>视图</translation>
    </message>
    <message>
        <location filename="../app.py" line="882" />
        <source>Whole region</source>
        <translation>全域</translation>
    </message>
    <message>
        <location filename="../app.py" line="886" />
        <source>View:</source>
        <translation>视图：</translation>
    </message>
    <message>
        <location filename="../app.py" line="892" />
        <source>Plan year</source>
        <translation>规划年份</translation>
    </message>
    <message>
        <location filename="../app.py" line="893" />
        <source>Show every city's projects as they stand in this year</source>
        <translation>按该年份显示各城市项目的状态</translation>
    </message>
    <message>
        <location filename="../app.py" line="919" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../app.py" line="920" />
        <source>&amp;Open building footprints…</source>
        <translation>打开建筑轮廓(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../app.py" line="924" />
        <source>Open with &amp;coordinate system…</source>
        <translation>指定坐标系打开(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../app.py" line="925" />
        <source>For files whose coordinate system is missing or wrong, e.g. GCJ-02 from Amap</source>
        <translation>用于坐标系缺失或有误的文件，例如来自高德的 GCJ-02</translation>
    </message>
    <message>
        <location filename="../app.py" line="928" />
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <location filename="../app.py" line="931" />
        <source>Open p&amp;roject…</source>
        <translation>打开项目(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../app.py" line="934" />
        <source>&amp;Save project…</source>
        <translation>保存项目(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../app.py" line="939" />
        <source>&amp;Export image…</source>
        <translation>导出图像(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../app.py" line="943" />
        <source>Export &amp;flythrough…</source>
        <translation>导出飞行视频(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../app.py" line="947" />
        <source>&amp;Preferences…</source>
        <translation>首选项(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../app.py" line="950" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../app.py" line="955" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../app.py" line="956" />
        <source>&amp;Home (whole region)</source>
        <translation>全域视图(&amp;H)</translation>
    </message>
    <message>
        <location filename="../app.py" line="960" />
        <source>&amp;Bookmarks</source>
        <translation>书签(&amp;B)</translation>
    </message>
    <message>
        <location filename="../app.py" line="962" />
        <source>&amp;City</source>
        <translation>城市(&amp;C)</translation>
    </message>
    <message>
        <location filename="../app.py" line="967" />
        <source>&amp;District</source>
        <translation>区县(&amp;D)</translation>
    </message>
    <message>
        <location filename="../app.py" line="978" />
        <source>&amp;Layers</source>
        <translation>图层(&amp;L)</translation>
    </message>
    <message>
        <location filename="../app.py" line="990" />
        <source>Compare &amp;scenarios…</source>
        <translation>方案对比(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../app.py" line="993" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../app.py" line="994" />
        <source>&amp;About ydtwin</source>
        <translation>关于 ydtwin(&amp;A)</translation>
    </message>
    <message>
        <location filename="../app.py" line="1003" />
        <source>Preferences</source>
        <translation>首选项</translation>
    </message>
    <message>
        <location filename="../app.py" line="1009" />
        <source>Language (next start)</source>
        <translation>界面语言（下次启动生效）</translation>
    </message>
    <message>
        <location filename="../app.py" line="1016" />
        <source>The language changes at the next start</source>
        <translation>界面语言将在下次启动时更改</translation>
    </message>
    <message>
        <location filename="../app.py" line="1021" />
        <source>About ydtwin</source>
        <translation>关于 ydtwin</translation>
    </message>
    <message>
        <location filename="../app.py" line="1023" />
        <source>3D digital twin of the Yangtze River Delta for joint review of city plans.</source>
        <translation>长三角三维数字孪生，用于城市规划联合审查。</translation>
    </message>
    <message>
        <location filename="../app.py" line="1024" />
        <source>Licence: GPL-3.0-or-later.</source>
        <translation>许可证：GPL-3.0-or-later。</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="201" />
        <source>Plugins</source>
        <translation>插件</translation>
    </message>
    <message>
        <source>Open &amp;project…</source>
        <translation type="vanished">打开项目(&amp;P)…</translation>
    </message>
</context><context>
    <name>PluginsPanel</name>
    <message>
        <location filename="../plugins_panel.py" line="82" />
        <source>Plugin</source>
        <translation>插件</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="82" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="82" />
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="82" />
        <source>From</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="82" />
        <source>Contributes</source>
        <translation>提供内容</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="83" />
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="86" />
        <source>active</source>
        <translation>已启用</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="86" />
        <source>disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="86" />
        <source>untrusted</source>
        <translation>未信任</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="87" />
        <source>safe mode</source>
        <translation>安全模式</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="87" />
        <source>broken</source>
        <translation>损坏</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="87" />
        <source>failed</source>
        <translation>出错已停用</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="162" />
        <location filename="../plugins_panel.py" line="157" />
        <location filename="../plugins_panel.py" line="101" />
        <source>Disable</source>
        <translation>停用</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="165" />
        <location filename="../plugins_panel.py" line="103" />
        <source>Trust</source>
        <translation>信任</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="104" />
        <source>Run this plugin's code (this exact version)</source>
        <translation>运行此插件的代码（仅限当前版本）</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="106" />
        <source>Install…</source>
        <translation>安装…</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="131" />
        <source>panel: {0}</source>
        <translation>面板：{0}</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="157" />
        <source>Open panel</source>
        <translation>打开面板</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="162" />
        <source>Enable</source>
        <translation>启用</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="165" />
        <source>Distrust</source>
        <translation>取消信任</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="194" />
        <source>Install a plugin</source>
        <translation>安装插件</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="195" />
        <source>Plugin archive</source>
        <translation>插件压缩包</translation>
    </message>
</context><context>
    <name>ProjectsTable</name>
    <message>
        <location filename="../review_panel.py" line="556" />
        <source>all cities</source>
        <translation>全部城市</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="556" />
        <source>all themes</source>
        <translation>全部主题</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="557" />
        <source>all statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="557" />
        <source>any opening year</source>
        <translation>任意开通年份</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="564" />
        <source>opens by {0}</source>
        <translation>{0} 年前开通</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="566" />
        <source>Project</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="566" />
        <source>City</source>
        <translation>城市</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="566" />
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="567" />
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="567" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="567" />
        <source>Phase</source>
        <translation>建设周期</translation>
    </message>
    <message>
        <source>all</source>
        <translation type="vanished">全部</translation>
    </message>
</context><context>
    <name>ReviewPanel</name>
    <message>
        <location filename="../review_panel.py" line="59" />
        <source>Run checks</source>
        <translation>运行检查</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="61" />
        <source>Save session…</source>
        <translation>保存审查会话…</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="63" />
        <source>Open session…</source>
        <translation>打开审查会话…</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="70" />
        <source>all cities</source>
        <translation>全部城市</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="70" />
        <source>all kinds</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="71" />
        <source>all statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="71" />
        <source>all severities</source>
        <translation>全部严重程度</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="81" />
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="81" />
        <source>Severity</source>
        <translation>严重程度</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="81" />
        <source>Cities</source>
        <translation>城市</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="82" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="82" />
        <source>Finding</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="91" />
        <source>Set status of selected</source>
        <translation>设置所选状态</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="94" />
        <source>Add finding…</source>
        <translation>添加问题…</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="95" />
        <source>Then click in the scene where the finding is</source>
        <translation>然后在场景中点击问题所在位置</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="98" />
        <source>Save view for finding</source>
        <translation>保存问题的视角</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="99" />
        <source>The selected finding is shown from the current camera (fly-to, report still, review tour)</source>
        <translation>所选问题将以当前相机视角显示（飞往、报告截图、审查巡览）</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="102" />
        <source>Recover unsaved review</source>
        <translation>恢复未保存的审查</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="123" />
        <source>(my city)</source>
        <translation>（我的城市）</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="132" />
        <source>Comment on the selected finding…</source>
        <translation>对所选问题发表意见…</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="134" />
        <source>Comment</source>
        <translation>发表意见</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="151" />
        <source>Findings</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="152" />
        <source>Projects</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="166" />
        <source>An unsaved review session was found ({0} edits): Review panel ▸ Recover unsaved review</source>
        <translation>发现未保存的审查会话（{0} 处编辑）：审查面板 ▸ 恢复未保存的审查</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="198" />
        <source>Click in the scene where the finding is</source>
        <translation>在场景中点击问题所在位置</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="205" />
        <source>No ground under the cursor</source>
        <translation>光标下没有地面</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="210" />
        <source>New finding</source>
        <translation>新问题</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="210" />
        <source>What was found here?</source>
        <translation>此处发现了什么问题？</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="255" />
        <source>Review session recovered: {0} findings</source>
        <translation>审查会话已恢复：{0} 个问题</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="278" />
        <source>No city outlines in this region: nothing to check</source>
        <translation>此区域没有城市边界：无可检查内容</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="305" />
        <source>Review checks: {0} findings</source>
        <translation>审查检查：{0} 个问题</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="316" />
        <source>connected</source>
        <translation>已衔接</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="316" />
        <source>offset at the border</source>
        <translation>边界处错位</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="317" />
        <source>dangling</source>
        <translation>悬空（无对接）</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="317" />
        <source>class/capacity mismatch</source>
        <translation>等级/规模不一致</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="318" />
        <source>grade mismatch</source>
        <translation>竖向形式不一致</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="318" />
        <source>phase mismatch</source>
        <translation>建设时序不一致</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="319" />
        <source>suspected datum problem</source>
        <translation>疑似坐标系问题</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="319" />
        <source>theme conflict</source>
        <translation>主题冲突</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="320" />
        <source>manual</source>
        <translation>人工</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="324" />
        <source>open</source>
        <translation>待处理</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="324" />
        <source>agreed</source>
        <translation>已达成一致</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="324" />
        <source>deferred</source>
        <translation>暂缓</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="325" />
        <source>resolved</source>
        <translation>已解决</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="329" />
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="329" />
        <source>warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="329" />
        <source>info</source>
        <translation>提示</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="459" />
        <location filename="../review_panel.py" line="444" />
        <location filename="../review_panel.py" line="396" />
        <source>This review session is open read-only</source>
        <translation>此审查会话以只读方式打开</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="399" />
        <source>Select a finding first</source>
        <translation>请先选择一个问题</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="406" />
        <source>Saved the view for {0} finding(s)</source>
        <translation>已为 {0} 个问题保存视角</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="414" />
        <source>Select one finding to see its thread</source>
        <translation>选择一个问题以查看其讨论</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="415" />
        <source>{0} findings selected</source>
        <translation>已选择 {0} 个问题</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="441" />
        <source>Select one finding to comment on</source>
        <translation>请选择一个问题后再发表意见</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="490" />
        <source>Open review session</source>
        <translation>打开审查会话</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="530" />
        <location filename="../review_panel.py" line="491" />
        <source>Review session</source>
        <translation>审查会话</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="508" />
        <source>Session in use</source>
        <translation>会话正在使用</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="510" />
        <source>{0}

Open it read-only?</source>
        <translation>{0}

以只读方式打开？</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="523" />
        <source> (read-only)</source>
        <translation>（只读）</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="524" />
        <source>Review session opened: {0}{1}</source>
        <translation>已打开审查会话：{0}{1}</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="529" />
        <source>Save review session</source>
        <translation>保存审查会话</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="542" />
        <source>Review session saved: {0}</source>
        <translation>审查会话已保存：{0}</translation>
    </message>
    <message>
        <source>all</source>
        <translation type="vanished">全部</translation>
    </message>
    <message>
        <source>An unsaved review session was found ({0} edits): Review ▸ Recover</source>
        <translation type="vanished">发现未保存的审查会话（{0} 处修改）：联合审查 ▸ 恢复</translation>
    </message>
</context></TS>