<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>CompareWindow</name>
    <message>
        <location filename="../compare.py" line="155" />
        <source>Compare scenarios</source>
        <translation>方案对比</translation>
    </message>
    <message>
        <location filename="../compare.py" line="174" />
        <source>Swipe</source>
        <translation>卷帘</translation>
    </message>
    <message>
        <location filename="../compare.py" line="219" />
        <source>Plans</source>
        <translation>规划</translation>
    </message>
    <message>
        <location filename="../compare.py" line="229" />
        <source>year</source>
        <translation>年份</translation>
    </message>
    <message>
        <location filename="../compare.py" line="276" />
        <source>plan year {year}</source>
        <translation>规划年份 {year}</translation>
    </message>
    <message>
        <location filename="../compare.py" line="277" />
        <source>as planned</source>
        <translation>按规划</translation>
    </message>
    <message>
        <location filename="../compare.py" line="282" />
        <source>no city plans</source>
        <translation>无城市规划</translation>
    </message>
    <message>
        <location filename="../compare.py" line="284" />
        <source>all {count} cities</source>
        <translation>全部 {count} 个城市</translation>
    </message>
    <message>
        <location filename="../compare.py" line="293" />
        <source>, </source>
        <translation>、</translation>
    </message>
</context><context>
    <name>ExportImageDialog</name>
    <message>
        <location filename="../export_ui.py" line="249" />
        <location filename="../export_ui.py" line="222" />
        <location filename="../export_ui.py" line="106" />
        <source>Export image</source>
        <translation>导出图像</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="111" />
        <source>Viewport {0} × {1}</source>
        <translation>视口 {0} × {1}</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="114" />
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="126" />
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="130" />
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="131" />
        <source>Caption</source>
        <translation>说明文字</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="134" />
        <source>Legend</source>
        <translation>图例</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="134" />
        <source>Scale bar</source>
        <translation>比例尺</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="135" />
        <source>North arrow</source>
        <translation>指北针</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="135" />
        <source>Place labels</source>
        <translation>地名标注</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="136" />
        <source>Data sources</source>
        <translation>数据来源</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="136" />
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="142" />
        <source>Overlays</source>
        <translation>叠加内容</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="143" />
        <source>Transparent background (PNG, TIFF)</source>
        <translation>透明背景（PNG、TIFF）</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="145" />
        <source>Preparing the preview…</source>
        <translation>正在准备预览…</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="151" />
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="211" />
        <source>{0} × {1} pixels ({2:.1f} MP), rendered in about {3} tile(s)</source>
        <translation>{0} × {1} 像素（{2:.1f} 百万像素），约分 {3} 块渲染</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="223" />
        <source>Images (*.png *.jpg *.jpeg *.tif *.tiff)</source>
        <translation>图像 (*.png *.jpg *.jpeg *.tif *.tiff)</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="227" />
        <source>Rendering {0}…</source>
        <translation>正在渲染 {0}…</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="227" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="245" />
        <source>Export cancelled: nothing was written</source>
        <translation>导出已取消：未写入任何文件</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="248" />
        <source>Export failed: {0}</source>
        <translation>导出失败：{0}</translation>
    </message>
    <message>
        <location filename="../export_ui.py" line="254" />
        <source>Exported {0} ({1} × {2}, {3} tiles, {4:.1f} s)</source>
        <translation>已导出 {0}（{1} × {2}，{3} 块，{4:.1f} 秒）</translation>
    </message>
</context><context>
    <name>ExporterHost</name>
    <message>
        <location filename="../export_ui.py" line="66" />
        <source>Preparing the export view…</source>
        <translation>正在准备导出视图…</translation>
    </message>
</context><context>
    <name>FiguresPanel</name>
    <message>
        <location filename="../figures_panel.py" line="45" />
        <source>Unit</source>
        <translation>单元</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="46" />
        <source>Area (km²)</source>
        <translation>面积（平方公里）</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="47" />
        <source>Buildings</source>
        <translation>建筑数</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="48" />
        <source>of them procedural</source>
        <translation>其中程序生成</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="49" />
        <source>planned</source>
        <translation>规划</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="50" />
        <source>Footprint (m²)</source>
        <translation>基底面积（平方米）</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="51" />
        <source>Coverage (%)</source>
        <translation>建筑密度（%）</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="52" />
        <source>Floor area (m²)</source>
        <translation>建筑面积（平方米）</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="53" />
        <source>FAR</source>
        <translation>容积率</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="258" />
        <source>Height limits as of {year}: {n} findings</source>
        <translation>{year} 年限高检查：{n} 条问题</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="294" />
        <location filename="../figures_panel.py" line="262" />
        <source>Height limits: {error}</source>
        <translation>限高：{error}</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="288" />
        <source>Height limits: {n} findings, {new} new in the review</source>
        <translation>限高：{n} 项问题，审查中新增 {new} 项</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="303" />
        <source>Scenario &amp;figures…</source>
        <translation>规划指标(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="305" />
        <source>Buildings, footprint, coverage, floor area and FAR per city, district or drawn area</source>
        <translation>按城市、区县或绘制区域统计建筑数、基底面积、建筑密度、建筑面积和容积率</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="311" />
        <source>Scenario figures</source>
        <translation>规划指标</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="315" />
        <source>&amp;Height limits</source>
        <translation>限高检查(&amp;H)</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="317" />
        <source>Buildings above the height limits of plan zones: shown in the scene, listed as review findings</source>
        <translation>超出规划分区限高的建筑：在场景中显示，并列为审查问题</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="99" />
        <source>City</source>
        <translation>城市</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="100" />
        <source>District</source>
        <translation>区县</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="101" />
        <source>Drawn area</source>
        <translation>绘制区域</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="102" />
        <source>By</source>
        <translation>统计单元</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="104" />
        <source>LON,LAT LON,LAT LON,LAT …</source>
        <translation>经度,纬度 经度,纬度 经度,纬度 …</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="105" />
        <source>Draw</source>
        <translation>绘制</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="107" />
        <source>Click the area's corners in the view; Esc finishes, Backspace takes back a point</source>
        <translation>在视图中点击区域各角点；Esc 结束，Backspace 撤销一个点</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="112" />
        <source>Area</source>
        <translation>区域</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="113" />
        <source>as of</source>
        <translation>截至</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="120" />
        <source>Plan year</source>
        <translation>规划年份</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="124" />
        <source>Compute</source>
        <translation>计算</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="125" />
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="126" />
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="127" />
        <source>Add to report</source>
        <translation>加入报告</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="164" />
        <source>Click the area's corners in the view; Esc finishes.</source>
        <translation>在视图中点击区域各角点；按 Esc 结束。</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="187" />
        <source>Scenario figures: {error}</source>
        <translation>规划指标：{error}</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="188" />
        <source>Counting the buildings…</source>
        <translation>正在统计建筑…</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="205" />
        <source>Scenario figures: {n} rows</source>
        <translation>规划指标：{n} 行</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="222" />
        <source>The review report will show these figures</source>
        <translation>审查报告将包含这些指标</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="231" />
        <source>Export scenario figures</source>
        <translation>导出规划指标</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="232" />
        <source>CSV (*.csv)</source>
        <translation>CSV（*.csv）</translation>
    </message>
</context><context>
    <name>FlythroughPanel</name>
    <message>
        <location filename="../flythrough_panel.py" line="67" />
        <source>Keyframe</source>
        <translation>关键帧</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="67" />
        <source>Seconds</source>
        <translation>秒数</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="67" />
        <source>Hold</source>
        <translation>停留</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="67" />
        <source>Ease</source>
        <translation>缓动</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="68" />
        <source>Plan year</source>
        <translation>规划年份</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="68" />
        <source>Caption</source>
        <translation>说明文字</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="69" />
        <source>Double-click a row to go there. Plan year: the plans as of that year from this keyframe on. Caption: shown until the next keyframe.</source>
        <translation>双击一行即可跳转。规划年份：从该关键帧起按该年份显示规划。说明文字：显示到下一个关键帧。</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="77" />
        <source>Add view</source>
        <translation>添加视图</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="77" />
        <source>Add the viewport's current view as a keyframe</source>
        <translation>将视口当前视图添加为关键帧</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="78" />
        <source>Bookmarks</source>
        <translation>书签</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="78" />
        <source>Add every saved viewpoint</source>
        <translation>添加所有已保存的视点</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="79" />
        <source>Review tour</source>
        <translation>审查巡览</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="79" />
        <source>One stop per open finding, with its caption</source>
        <translation>每个未关闭的问题一站，附说明文字</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="80" />
        <source>Orbit</source>
        <translation>环绕</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="80" />
        <source>A full turn around the point the view looks at</source>
        <translation>围绕视图注视点旋转一周</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="81" />
        <source>City tour</source>
        <translation>城市巡览</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="81" />
        <source>From city to city across the region</source>
        <translation>在区域内逐城飞行</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="82" />
        <source>Corridor</source>
        <translation>廊道</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="82" />
        <source>Along a planned road, railway, pipe or green corridor</source>
        <translation>沿规划的道路、铁路、管线或绿色廊道飞行</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="83" />
        <source>Layers here</source>
        <translation>此处图层</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="84" />
        <source>From the selected keyframe on, show and hide the layers as they are now</source>
        <translation>从所选关键帧起，按当前状态显示和隐藏图层</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="85" />
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="86" />
        <source>Up</source>
        <translation>上移</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="87" />
        <source>Down</source>
        <translation>下移</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="88" />
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="88" />
        <source>Open a flight path (JSON)</source>
        <translation>打开飞行路径（JSON）</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="316" />
        <location filename="../flythrough_panel.py" line="89" />
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="89" />
        <source>Save the flight path (JSON)</source>
        <translation>保存飞行路径（JSON）</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="98" />
        <source>Loop back to the first keyframe</source>
        <translation>循环回到第一个关键帧</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="103" />
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="112" />
        <source>Export video…</source>
        <translation>导出视频…</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="132" />
        <source>View {0}</source>
        <translation>视图 {0}</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="162" />
        <source>No bookmarks yet: View ▸ Bookmarks ▸ Add</source>
        <translation>尚无书签：视图 ▸ 书签 ▸ 添加</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="172" />
        <source>No open findings: run the checks in the Review panel</source>
        <translation>没有未关闭的问题：请在审查面板中运行检查</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="202" />
        <source>No linear planned projects in the scene</source>
        <translation>场景中没有线状规划项目</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="206" />
        <source>Corridor flight</source>
        <translation>廊道飞行</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="206" />
        <source>Fly along</source>
        <translation>沿此飞行</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="222" />
        <source>Select one keyframe first</source>
        <translation>请先选择一个关键帧</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="232" />
        <source>From keyframe {0} on: {1} layers shown, {2} hidden</source>
        <translation>从关键帧 {0} 起：显示 {1} 个图层，隐藏 {2} 个</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="273" />
        <source>Not a valid {0}: {1}</source>
        <translation>无效的{0}：{1}</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="296" />
        <source>Layers from here on — hidden: {0}</source>
        <translation>从此处起的图层 — 隐藏：{0}</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="297" />
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="339" />
        <location filename="../flythrough_panel.py" line="313" />
        <source>{0:.1f} s of {1:.1f} s</source>
        <translation>{0:.1f} 秒 / 共 {1:.1f} 秒</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="360" />
        <source>Save flight path</source>
        <translation>保存飞行路径</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="374" />
        <location filename="../flythrough_panel.py" line="361" />
        <source>Flight paths (*.json)</source>
        <translation>飞行路径 (*.json)</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="367" />
        <source>Cannot save {0}: {1}</source>
        <translation>无法保存 {0}：{1}</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="369" />
        <source>Saved flight path {0}</source>
        <translation>已保存飞行路径 {0}</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="374" />
        <source>Open flight path</source>
        <translation>打开飞行路径</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="383" />
        <source>Opened flight path {0} ({1} keyframes, {2:.1f} s)</source>
        <translation>已打开飞行路径 {0}（{1} 个关键帧，{2:.1f} 秒）</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="405" />
        <source>Nothing to export: add keyframes to the path first</source>
        <translation>没有可导出的内容：请先为路径添加关键帧</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="433" />
        <location filename="../flythrough_panel.py" line="409" />
        <source>Export video</source>
        <translation>导出视频</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="419" />
        <source>Draft (≤ 4 Mbit/s at 1080p)</source>
        <translation>草稿（1080p 时 ≤ 4 Mbit/s）</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="420" />
        <source>Standard (≤ 8 Mbit/s at 1080p)</source>
        <translation>标准（1080p 时 ≤ 8 Mbit/s）</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="421" />
        <source>High (≤ 16 Mbit/s at 1080p)</source>
        <translation>高（1080p 时 ≤ 16 Mbit/s）</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="424" />
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="425" />
        <source>Frames per second</source>
        <translation>每秒帧数</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="426" />
        <source>Quality (MP4)</source>
        <translation>质量（MP4）</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="434" />
        <source>MP4 video (*.mp4);;GIF (*.gif);;PNG frames (folder) (*)</source>
        <translation>MP4 视频 (*.mp4);;GIF (*.gif);;PNG 帧序列（文件夹） (*)</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="481" />
        <location filename="../flythrough_panel.py" line="469" />
        <location filename="../flythrough_panel.py" line="449" />
        <source>Export failed: {0}</source>
        <translation>导出失败：{0}</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="452" />
        <source>Rendering {0}…</source>
        <translation>正在渲染 {0}…</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="452" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="463" />
        <source>Video export cancelled after {0} of {1} frames: nothing was written</source>
        <translation>视频导出在第 {0}/{1} 帧后取消：未写入任何文件</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="473" />
        <source>Frame {0} of {1} · about {2:.0f} s left</source>
        <translation>第 {0}/{1} 帧 · 约剩 {2:.0f} 秒</translation>
    </message>
    <message>
        <location filename="../flythrough_panel.py" line="483" />
        <source>Exported {0} ({1} frames, {2} × {3} at {4} fps, {5:.0f} s)</source>
        <translation>已导出 {0}（{1} 帧，{2} × {3}，{4} 帧/秒，{5:.0f} 秒）</translation>
    </message>
    <message>
        <source>Quality (MP4, 0–10)</source>
        <translation type="vanished">质量（MP4，0–10）</translation>
    </message>
</context><context>
    <name>LayersPanel</name>
    <message>
        <location filename="../figures_panel.py" line="38" />
        <source>Height limits</source>
        <translation>限高区</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="38" />
        <source>Height limit labels</source>
        <translation>限高标注</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="39" />
        <source>Above the height limit</source>
        <translation>超出限高部分</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="39" />
        <source>FAR under 0.1</source>
        <translation>容积率 0.1 以下</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="40" />
        <source>FAR 0.1–0.5</source>
        <translation>容积率 0.1–0.5</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="40" />
        <source>FAR 0.5–1</source>
        <translation>容积率 0.5–1</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="41" />
        <source>FAR 1–2</source>
        <translation>容积率 1–2</translation>
    </message>
    <message>
        <location filename="../figures_panel.py" line="41" />
        <source>FAR 2 or more</source>
        <translation>容积率 2 及以上</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="38" />
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="39" />
        <source>Base region</source>
        <translation>基础地理</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="40" />
        <source>Cities</source>
        <translation>城市</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="41" />
        <source>Buildings</source>
        <translation>建筑</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="42" />
        <source>Terrain</source>
        <translation>地形</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="43" />
        <source>Coastline and islands</source>
        <translation>海岸线与岛屿</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="44" />
        <source>Lakes</source>
        <translation>湖泊</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="45" />
        <source>Rivers</source>
        <translation>河流</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="46" />
        <source>District boundaries</source>
        <translation>区县边界</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="47" />
        <source>City boundaries</source>
        <translation>城市边界</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="48" />
        <source>City names</source>
        <translation>城市名称</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="49" />
        <source>City blocks</source>
        <translation>城市街区</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="50" />
        <source>Landmarks</source>
        <translation>地标建筑</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="51" />
        <source>procedural</source>
        <translation>程序生成</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="52" />
        <source>schematic</source>
        <translation>示意</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="53" />
        <source>synthetic</source>
        <translation>合成</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="54" />
        <source>illustrative</source>
        <translation>示例</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="55" />
        <source>Plans</source>
        <translation>规划</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="56" />
        <source>Plugins</source>
        <translation>插件</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="57" />
        <source>Review</source>
        <translation>联合审查</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="58" />
        <source>Findings</source>
        <translation>审查问题</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="59" />
        <source>planned</source>
        <translation>规划中</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="60" />
        <source>under construction</source>
        <translation>在建</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="61" />
        <source>built</source>
        <translation>已建成</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="63" />
        <source>Basemap (OpenStreetMap)</source>
        <translation>底图（OpenStreetMap）</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="64" />
        <source>Land use</source>
        <translation>土地利用</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="65" />
        <source>Water areas</source>
        <translation>水域</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="66" />
        <source>Rivers and canals (lines)</source>
        <translation>河流与运河（线）</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="67" />
        <source>Tunnels</source>
        <translation>隧道</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="68" />
        <source>Power lines</source>
        <translation>电力线</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="69" />
        <source>Railways</source>
        <translation>铁路</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="70" />
        <source>Roads</source>
        <translation>道路</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="71" />
        <source>motorway</source>
        <translation>高速公路</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="72" />
        <source>trunk road</source>
        <translation>快速路/国道</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="73" />
        <source>primary road</source>
        <translation>主干道</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="74" />
        <source>secondary road</source>
        <translation>次干道</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="75" />
        <source>tertiary road</source>
        <translation>支路</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="76" />
        <source>railway</source>
        <translation>铁路</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="77" />
        <source>high-speed railway</source>
        <translation>高速铁路</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="78" />
        <source>metro</source>
        <translation>地铁</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="79" />
        <source>light rail</source>
        <translation>轻轨</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="80" />
        <source>tram</source>
        <translation>有轨电车</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="81" />
        <source>power line</source>
        <translation>输电线</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="82" />
        <source>minor power line</source>
        <translation>配电线</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="83" />
        <source>river</source>
        <translation>河流</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="84" />
        <source>canal</source>
        <translation>运河</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="85" />
        <source>residential</source>
        <translation>居住用地</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="86" />
        <source>commercial</source>
        <translation>商业用地</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="87" />
        <source>industrial</source>
        <translation>工业用地</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="88" />
        <source>construction</source>
        <translation>在建用地</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="89" />
        <source>agriculture</source>
        <translation>农业用地</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="90" />
        <source>green</source>
        <translation>绿地</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="92" />
        <source>terrain ×{factor} vertical</source>
        <translation>地形垂直夸大 ×{factor}</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="93" />
        <source>sea floor: {nature} (not measured)</source>
        <translation>海底：{nature}（非实测）</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="94" />
        <source>Data: {sources}</source>
        <translation>数据：{sources}</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="95" />
        <source>{count} plan layers: {nature}</source>
        <translation>{count} 个规划图层：{nature}</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="96" />
        <source>plugins {names}</source>
        <translation>插件 {names}</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="98" />
        <source>Point clouds</source>
        <translation>点云</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="99" />
        <source>never classified</source>
        <translation>从未分类</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="100" />
        <source>unclassified</source>
        <translation>未分类</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="101" />
        <source>ground</source>
        <translation>地面</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="102" />
        <source>low vegetation</source>
        <translation>低植被</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="103" />
        <source>medium vegetation</source>
        <translation>中植被</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="104" />
        <source>high vegetation</source>
        <translation>高植被</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="105" />
        <source>building</source>
        <translation>建筑</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="106" />
        <source>low noise</source>
        <translation>低噪声点</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="107" />
        <source>model key point</source>
        <translation>模型关键点</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="108" />
        <source>water</source>
        <translation>水体</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="109" />
        <source>rail</source>
        <translation>铁轨</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="110" />
        <source>road surface</source>
        <translation>路面</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="111" />
        <source>overlap</source>
        <translation>重叠点</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="112" />
        <source>wire guard</source>
        <translation>避雷线</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="113" />
        <source>wire conductor</source>
        <translation>导线</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="114" />
        <source>transmission tower</source>
        <translation>输电塔</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="115" />
        <source>wire connector</source>
        <translation>绝缘子</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="116" />
        <source>bridge deck</source>
        <translation>桥面</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="117" />
        <source>high noise</source>
        <translation>高噪声点</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="118" />
        <source>return {0}</source>
        <translation>第 {0} 次回波</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="119" />
        <source>elevation (m)</source>
        <translation>高程（米）</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="120" />
        <source>intensity</source>
        <translation>强度</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="197" />
        <source>Zoom to</source>
        <translation>缩放至</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="198" />
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="200" />
        <source>Opacity</source>
        <translation>不透明度</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="201" />
        <source>Colour by</source>
        <translation>着色依据</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="312" />
        <source>(single colour)</source>
        <translation>（单色）</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="39" />
        <source>Measurements</source>
        <extracomment>names the Layers panel shows for the annotation layer and its group (translated in its context)</extracomment>
        <translation>量测</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="39" />
        <source>Annotations</source>
        <translation>标注</translation>
    </message>
    <message>
        <location filename="../sea_level_panel.py" line="23" />
        <source>Flooded land at {level} m (connected to the sea)</source>
        <extracomment>text the flooded land's visual (ydtwin.render.water, Qt-free) translates through the Layers panel's context: named here so that the translation tools collect it</extracomment>
        <translation>水位 {level} 米时的淹没陆地（与海相连）</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="34" />
        <source>Analysis</source>
        <translation>分析</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="35" />
        <source>Sunlight 0–1 h</source>
        <translation>日照 0–1 小时</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="35" />
        <source>Sunlight 1–2 h</source>
        <translation>日照 1–2 小时</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="36" />
        <source>Sunlight 2–3 h</source>
        <translation>日照 2–3 小时</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="36" />
        <source>Sunlight 3–4 h</source>
        <translation>日照 3–4 小时</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="37" />
        <source>Sunlight 4–5 h</source>
        <translation>日照 4–5 小时</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="37" />
        <source>Sunlight 5–6 h</source>
        <translation>日照 5–6 小时</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="38" />
        <source>Sunlight 6–7 h</source>
        <translation>日照 6–7 小时</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="38" />
        <source>Sunlight 7–8 h</source>
        <translation>日照 7–8 小时</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="39" />
        <source>Sunlight 8–9 h</source>
        <translation>日照 8–9 小时</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="39" />
        <source>Sunlight 9–10 h</source>
        <translation>日照 9–10 小时</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="40" />
        <source>Sunlight 10–11 h</source>
        <translation>日照 10–11 小时</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="40" />
        <source>Sunlight 11–12 h</source>
        <translation>日照 11–12 小时</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="41" />
        <source>Loses under 1 h of sun</source>
        <translation>日照减少不足 1 小时</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="41" />
        <source>Loses 1–2 h of sun</source>
        <translation>日照减少 1–2 小时</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="42" />
        <source>Loses 2 h of sun or more</source>
        <translation>日照减少 2 小时及以上</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="33" />
        <source>Visible from the observer</source>
        <translation>观察点可见</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="34" />
        <source>Hidden from the observer</source>
        <translation>观察点不可见</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="35" />
        <source>Viewshed</source>
        <translation>可视域</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="35" />
        <source>Observer</source>
        <translation>观察点</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="36" />
        <source>Sight line: seen</source>
        <translation>视线：可见段</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="36" />
        <source>Sight line: blocked</source>
        <translation>视线：遮挡段</translation>
    </message>
</context><context>
    <name>MainWindow</name>
    <message>
        <location filename="../app.py" line="127" />
        <source>Drag: rotate · Shift-drag or middle: pan · wheel: zoom · click: identify · R: home view</source>
        <translation>拖动：旋转 · Shift+拖动或中键：平移 · 滚轮：缩放 · 单击：查询 · R：全域视图</translation>
    </message>
    <message>
        <location filename="../app.py" line="183" />
        <source>Layers</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../app.py" line="208" />
        <source>Review</source>
        <translation>联合审查</translation>
    </message>
    <message>
        <location filename="../app.py" line="227" />
        <source>Flythrough</source>
        <translation>飞行浏览</translation>
    </message>
    <message>
        <location filename="../app.py" line="253" />
        <source>Preparing the second scenario…</source>
        <translation>正在准备第二个方案…</translation>
    </message>
    <message>
        <location filename="../app.py" line="317" />
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
        <location filename="../app.py" line="397" />
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <location filename="../app.py" line="434" />
        <source>Launch to first frame: {0} ms</source>
        <translation>从启动到首帧：{0} 毫秒</translation>
    </message>
    <message>
        <location filename="../app.py" line="441" />
        <source>Launch to the whole scene drawn: {0} ms</source>
        <translation>从启动到全部场景绘出：{0} 毫秒</translation>
    </message>
    <message>
        <location filename="../app.py" line="447" />
        <source>{0} triangles · {1} ms/frame</source>
        <translation>{0} 个三角形 · 每帧 {1} 毫秒</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="202" />
        <source>Plugins</source>
        <translation>插件</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="183" />
        <source>&amp;Hillshade terrain</source>
        <translation>地形晕渲(&amp;H)</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="184" />
        <source>Grey relief shading instead of colours by elevation</source>
        <translation>以灰色地貌晕渲代替按高程分层设色</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="109" />
        <source>Open &amp;DEM…</source>
        <translation>打开数字高程模型(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="110" />
        <source>A GeoTIFF or NetCDF (GEBCO) of heights or depths, merged over the terrain</source>
        <translation>GeoTIFF 或 NetCDF（GEBCO）格式的高程或水深数据，合并到地形上</translation>
    </message>
    <message>
        <location filename="../window_files.py" line="49" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../window_files.py" line="66" />
        <location filename="../window_files.py" line="76" />
        <source>Open building footprints</source>
        <translation>打开建筑轮廓</translation>
    </message>
    <message>
        <location filename="../window_files.py" line="60" />
        <source>Building footprints</source>
        <translation>建筑轮廓</translation>
    </message>
    <message>
        <location filename="../window_files.py" line="80" />
        <source>GCJ-02 (Amap, Tencent: China's offset lon/lat)</source>
        <translation>GCJ-02 (高德、腾讯：国测局偏移经纬度)</translation>
    </message>
    <message>
        <location filename="../window_files.py" line="80" />
        <source>BD-09 (Baidu)</source>
        <translation>BD-09 (百度)</translation>
    </message>
    <message>
        <location filename="../window_files.py" line="81" />
        <source>EPSG:4326 (WGS 84 lon/lat)</source>
        <translation>EPSG:4326 (WGS 84 经纬度)</translation>
    </message>
    <message>
        <location filename="../window_files.py" line="81" />
        <source>EPSG:4490 (CGCS2000 lon/lat)</source>
        <translation>EPSG:4490 (CGCS2000 经纬度)</translation>
    </message>
    <message>
        <location filename="../window_files.py" line="82" />
        <source>EPSG:4549 (CGCS2000 / 3-degree Gauss-Kruger CM 120E)</source>
        <translation>EPSG:4549 (CGCS2000 / 3度带高斯-克吕格 中央经线 120E)</translation>
    </message>
    <message>
        <location filename="../window_files.py" line="83" />
        <source>EPSG:32651 (WGS 84 / UTM zone 51N)</source>
        <translation>EPSG:32651 (WGS 84 / UTM 51N 带)</translation>
    </message>
    <message>
        <location filename="../window_files.py" line="83" />
        <source>EPSG:3857 (Web Mercator)</source>
        <translation>EPSG:3857 (Web 墨卡托)</translation>
    </message>
    <message>
        <location filename="../window_files.py" line="84" />
        <source>Coordinate system</source>
        <translation>坐标系</translation>
    </message>
    <message>
        <location filename="../window_files.py" line="85" />
        <source>Coordinate system of {0} (or type an EPSG code):</source>
        <translation>{0} 的坐标系（或输入 EPSG 代码）：</translation>
    </message>
    <message>
        <location filename="../window_files.py" line="147" />
        <source>cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../window_files.py" line="179" />
        <source>Loaded {0}: {1} buildings</source>
        <translation>已加载 {0}：{1} 栋建筑</translation>
    </message>
    <message>
        <location filename="../window_files.py" line="199" />
        <source>Cancelled loading {0}</source>
        <translation>已取消加载 {0}</translation>
    </message>
    <message>
        <location filename="../window_view.py" line="35" />
        <source>ground {0} m</source>
        <translation>地面高程 {0} 米</translation>
    </message>
    <message>
        <location filename="../window_view.py" line="69" />
        <source>nothing here (click a building)</source>
        <translation>此处无对象（请单击建筑）</translation>
    </message>
    <message>
        <location filename="../window_view.py" line="268" />
        <source>Add bookmark</source>
        <translation>添加书签</translation>
    </message>
    <message>
        <location filename="../window_view.py" line="268" />
        <source>Name of this view:</source>
        <translation>此视图的名称：</translation>
    </message>
    <message>
        <location filename="../window_view.py" line="276" />
        <source>&amp;Add current view…</source>
        <translation>添加当前视图(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../window_files.py" line="260" />
        <source>Save project</source>
        <translation>保存项目</translation>
    </message>
    <message>
        <location filename="../window_files.py" line="261" />
        <location filename="../window_files.py" line="282" />
        <source>ydtwin project</source>
        <translation>ydtwin 项目</translation>
    </message>
    <message>
        <location filename="../window_files.py" line="272" />
        <source>Project saved: {0}</source>
        <translation>项目已保存：{0}</translation>
    </message>
    <message>
        <location filename="../window_files.py" line="281" />
        <source>Open project</source>
        <translation>打开项目</translation>
    </message>
    <message>
        <location filename="../window_files.py" line="297" />
        <source>Project opened: {0}</source>
        <translation>项目已打开：{0}</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="23" />
        <source>View</source>
        <translation>视图</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="27" />
        <source>Whole region</source>
        <translation>全域</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="31" />
        <source>View:</source>
        <translation>视图：</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="37" />
        <source>Plan year</source>
        <translation>规划年份</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="38" />
        <source>Show every city's projects as they stand in this year</source>
        <translation>按该年份显示各城市项目的状态</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="64" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="65" />
        <source>&amp;Open building footprints…</source>
        <translation>打开建筑轮廓(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="69" />
        <source>Open with &amp;coordinate system…</source>
        <translation>指定坐标系打开(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="70" />
        <source>For files whose coordinate system is missing or wrong, e.g. GCJ-02 from Amap</source>
        <translation>用于坐标系缺失或有误的文件，例如来自高德的 GCJ-02</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="87" />
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="114" />
        <source>Open p&amp;roject…</source>
        <translation>打开项目(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="117" />
        <source>&amp;Save project…</source>
        <translation>保存项目(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="122" />
        <source>&amp;Export image…</source>
        <translation>导出图像(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="141" />
        <source>Export &amp;flythrough…</source>
        <translation>导出飞行视频(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="145" />
        <source>&amp;Preferences…</source>
        <translation>首选项(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="148" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="153" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="154" />
        <source>&amp;Home (whole region)</source>
        <translation>全域视图(&amp;H)</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="158" />
        <source>&amp;Bookmarks</source>
        <translation>书签(&amp;B)</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="160" />
        <source>&amp;City</source>
        <translation>城市(&amp;C)</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="165" />
        <source>&amp;District</source>
        <translation>区县(&amp;D)</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="188" />
        <source>&amp;Layers</source>
        <translation>图层(&amp;L)</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="200" />
        <source>Compare &amp;scenarios…</source>
        <translation>方案对比(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="203" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="204" />
        <source>&amp;About ydtwin</source>
        <translation>关于 ydtwin(&amp;A)</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="219" />
        <source>Preferences</source>
        <translation>首选项</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="225" />
        <source>Language (next start)</source>
        <translation>界面语言（下次启动生效）</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="232" />
        <source>The language changes at the next start</source>
        <translation>界面语言将在下次启动时更改</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="237" />
        <source>About ydtwin</source>
        <translation>关于 ydtwin</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="239" />
        <source>3D digital twin of the Yangtze River Delta for joint review of city plans.</source>
        <translation>长三角三维数字孪生，用于城市规划联合审查。</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="240" />
        <source>Licence: GPL-3.0-or-later.</source>
        <translation>许可证：GPL-3.0-or-later。</translation>
    </message>
    <message>
        <source>Open &amp;project…</source>
        <translation type="vanished">打开项目(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../window_basemap.py" line="26" />
        <source>Add basemap (a folder built from OpenStreetMap)</source>
        <translation>添加底图（由 OpenStreetMap 生成的文件夹）</translation>
    </message>
    <message>
        <location filename="../window_basemap.py" line="33" />
        <source>Build basemap from OpenStreetMap extract</source>
        <translation>由 OpenStreetMap 数据生成底图</translation>
    </message>
    <message>
        <location filename="../window_basemap.py" line="34" />
        <source>OpenStreetMap extracts</source>
        <translation>OpenStreetMap 数据文件</translation>
    </message>
    <message>
        <location filename="../window_basemap.py" line="37" />
        <source>Folder to put the basemap in</source>
        <translation>底图存放文件夹</translation>
    </message>
    <message>
        <location filename="../window_basemap.py" line="85" />
        <source>Basemap {0} shown: existing roads, railways and water from OpenStreetMap</source>
        <translation>已显示底图 {0}：来自 OpenStreetMap 的现状道路、铁路和水域</translation>
    </message>
    <message>
        <location filename="../window_basemap.py" line="98" />
        <source>Basemap build cancelled; nothing was written</source>
        <translation>底图生成已取消，未写入任何文件</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="90" />
        <source>Add &amp;basemap…</source>
        <translation>添加底图(&amp;B)…</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="91" />
        <source>Existing roads, railways, water and land use: a folder built from an OpenStreetMap extract</source>
        <translation>现状道路、铁路、水域和土地利用：由 OpenStreetMap 数据生成的文件夹</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="95" />
        <source>B&amp;uild basemap from OpenStreetMap extract…</source>
        <translation>由 OpenStreetMap 数据生成底图(&amp;U)…</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="176" />
        <source>2D &amp;map (north up)</source>
        <translation>二维地图（上北）(&amp;M)</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="179" />
        <source>Look straight down without perspective, north up: the scale bar holds across the whole view</source>
        <translation>无透视垂直俯视、上北：比例尺在整个视图内都准确</translation>
    </message>
    <message>
        <location filename="../window_files.py" line="61" />
        <source>Point clouds (LAS, LAZ, COPC)</source>
        <translation>点云（LAS、LAZ、COPC）</translation>
    </message>
    <message>
        <location filename="../window_files.py" line="178" />
        <source>Loaded {0}: {1} points</source>
        <translation>已加载 {0}：{1} 个点</translation>
    </message>
    <message>
        <source>Build tile pack from footprints</source>
        <translation type="vanished">由建筑轮廓构建瓦片包</translation>
    </message>
    <message>
        <location filename="../window_tiles.py" line="65" />
        <source>Folder to put the tile pack in</source>
        <translation>存放瓦片包的文件夹</translation>
    </message>
    <message>
        <source>Build &amp;tile pack from footprints…</source>
        <translation type="vanished">由建筑轮廓构建瓦片包(&amp;T)…</translation>
    </message>
    <message>
        <source>Split big footprint files by tile and extrude them on worker processes (as ydtwin tiles build does); the pack then opens as a layer</source>
        <translation type="vanished">将大型建筑轮廓文件按瓦片切分，并在工作进程中拉伸（与 ydtwin tiles build 相同）；完成后瓦片包作为图层打开</translation>
    </message>
    <message>
        <location filename="../window_tiles.py" line="25" />
        <source>Folder to put the 3D Tiles in</source>
        <translation>存放 3D Tiles 的文件夹</translation>
    </message>
    <message>
        <location filename="../window_tiles.py" line="42" />
        <source>3D Tiles written: {0}</source>
        <translation>已写出 3D Tiles：{0}</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="104" />
        <source>Export &amp;3D Tiles (buildings, terrain, plans)…</source>
        <translation>导出 3D Tiles（建筑、地形、规划）(&amp;3)…</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="105" />
        <source>OGC 3D Tiles 1.1 for CesiumJS, QGIS or ArcGIS (as ydtwin tiles export writes them)</source>
        <translation>供 CesiumJS、QGIS 或 ArcGIS 使用的 OGC 3D Tiles 1.1（与 ydtwin tiles export 相同）</translation>
    </message>
    <message>
        <location filename="../window_exchange.py" line="34" />
        <source>Export plans</source>
        <translation>导出规划</translation>
    </message>
    <message>
        <location filename="../window_exchange.py" line="35" />
        <location filename="../window_exchange.py" line="45" />
        <source>GeoPackage</source>
        <translation>GeoPackage</translation>
    </message>
    <message>
        <location filename="../window_exchange.py" line="44" />
        <source>Export review findings</source>
        <translation>导出评审问题</translation>
    </message>
    <message>
        <location filename="../window_exchange.py" line="67" />
        <source>Export view as 3D model</source>
        <translation>将视图导出为三维模型</translation>
    </message>
    <message>
        <location filename="../window_exchange.py" line="68" />
        <source>glTF binary</source>
        <translation>glTF 二进制</translation>
    </message>
    <message>
        <location filename="../window_exchange.py" line="96" />
        <source>3D model written: {0}</source>
        <translation>三维模型已写出：{0}</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="126" />
        <source>Export p&amp;lans (GeoPackage, KML)…</source>
        <translation>导出规划（GeoPackage、KML）(&amp;L)…</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="127" />
        <source>The shown plans with their attributes, for QGIS, ArcGIS or Google Earth (as ydtwin export plans writes them)</source>
        <translation>显示中的规划及其属性，供 QGIS、ArcGIS 或 Google 地球使用（与 ydtwin export plans 写出的相同）</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="131" />
        <source>Export review &amp;findings (GeoPackage, KML)…</source>
        <translation>导出评审问题（GeoPackage、KML）(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="132" />
        <source>The open review session's findings and border gaps (as ydtwin export findings writes them)</source>
        <translation>当前评审会话的问题及边界缺口（与 ydtwin export findings 写出的相同）</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="136" />
        <source>Export view as 3D &amp;model (glTF, OBJ)…</source>
        <translation>将视图导出为三维模型（glTF、OBJ）(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="137" />
        <source>The buildings, terrain, water and plans the view shows, for Blender, SketchUp or Rhino (as ydtwin export scene writes them)</source>
        <translation>视图中的建筑、地形、水面和规划，供 Blender、SketchUp 或 Rhino 使用（与 ydtwin export scene 写出的相同）</translation>
    </message>
    <message>
        <location filename="../window_tiles.py" line="60" />
        <source>Build tile pack</source>
        <translation>生成瓦片包</translation>
    </message>
    <message>
        <location filename="../window_tiles.py" line="61" />
        <source>Footprints, point clouds, OpenStreetMap extracts</source>
        <translation>建筑轮廓、点云、OpenStreetMap 数据</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="98" />
        <source>Build &amp;tile pack…</source>
        <translation>生成瓦片包(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="99" />
        <source>Split big footprint files, point clouds and OpenStreetMap extracts by tile on worker processes (as ydtwin tiles build does); the pack's buildings, points and basemap then open</source>
        <translation>在工作进程上按瓦片切分大型建筑轮廓文件、点云和 OpenStreetMap 数据(与 ydtwin tiles build 相同);完成后打开瓦片包中的建筑、点云和底图</translation>
    </message>
    <message>
        <location filename="../window_models.py" line="37" />
        <location filename="../window_models.py" line="57" />
        <source>3D models (glTF, GLB, OBJ, PLY, STL, IFC)</source>
        <translation>三维模型（glTF、GLB、OBJ、PLY、STL、IFC）</translation>
    </message>
    <message>
        <location filename="../window_files.py" line="175" />
        <source>Loaded {0}: {1} triangles</source>
        <translation>已加载 {0}：{1} 个三角形</translation>
    </message>
    <message>
        <location filename="../window_models.py" line="36" />
        <source>Open 3D model</source>
        <translation>打开三维模型</translation>
    </message>
    <message>
        <location filename="../window_models.py" line="50" />
        <source>Replace a landmark</source>
        <translation>替换地标</translation>
    </message>
    <message>
        <location filename="../window_models.py" line="51" />
        <source>Landmark to replace with a 3D model:</source>
        <translation>要以三维模型替换的地标：</translation>
    </message>
    <message>
        <location filename="../window_models.py" line="56" />
        <source>3D model of {0}</source>
        <translation>{0} 的三维模型</translation>
    </message>
    <message>
        <location filename="../window_models.py" line="73" />
        <source>Place 3D model</source>
        <translation>放置三维模型</translation>
    </message>
    <message>
        <location filename="../window_models.py" line="73" />
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="73" />
        <source>Open 3D &amp;model…</source>
        <translation>打开三维模型(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="74" />
        <source>glTF, GLB, OBJ, PLY, STL or IFC: placed by its own georeference, or in the middle of the view with the placement dialog</source>
        <translation>glTF、GLB、OBJ、PLY、STL 或 IFC：按文件自带的地理参考放置，否则放在视图中央并打开放置对话框</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="78" />
        <source>&amp;Place 3D model…</source>
        <translation>放置三维模型(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="79" />
        <source>Move a 3D model: longitude, latitude, height, heading, scale, or a click in the view</source>
        <translation>移动三维模型：经度、纬度、高度、朝向、比例，或在视图中点击</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="83" />
        <source>Replace a &amp;landmark with a 3D model…</source>
        <translation>以三维模型替换地标(&amp;L)…</translation>
    </message>
    <message>
        <location filename="../window_menus.py" line="84" />
        <source>A model stands in a landmark's place instead of its schematic outline</source>
        <translation>以模型代替地标的示意轮廓，立于其位置</translation>
    </message>
</context><context>
    <name>MeasurePanel</name>
    <message>
        <location filename="../measure_tool.py" line="116" />
        <source>Distance</source>
        <translation>距离</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="116" />
        <source>Area</source>
        <translation>面积</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="185" />
        <location filename="../measure_tool.py" line="116" />
        <source>Height</source>
        <translation>高度</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="126" />
        <source>Measure in the view</source>
        <translation>在视图中量测</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="128" />
        <source>Click points in the view (corners of buildings, roofs and the ground snap); Esc finishes, Backspace takes back the last point</source>
        <translation>在视图中点击各点（自动吸附到建筑角点、屋顶和地面）；Esc 结束，Backspace 撤销上一点</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="136" />
        <source>Figure</source>
        <translation>量</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="136" />
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="143" />
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="145" />
        <source>Keep in the scene</source>
        <translation>保留在场景中</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="147" />
        <source>Attach to finding…</source>
        <translation>附加到问题…</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="149" />
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="154" />
        <source>Kept measurements:</source>
        <translation>已保留的量测：</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="157" />
        <source>Remove kept measurement</source>
        <translation>移除所选量测</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="183" />
        <source>Distance (geodesic)</source>
        <translation>距离（椭球面测地线）</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="183" />
        <source>3D distance</source>
        <translation>三维距离</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="184" />
        <source>Segments</source>
        <translation>分段</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="184" />
        <source>Area (geodesic)</source>
        <translation>面积（椭球面）</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="185" />
        <source>Perimeter</source>
        <translation>周长</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="186" />
        <source>Height difference</source>
        <translation>高差</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="186" />
        <source>Slope</source>
        <translation>坡度</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="187" />
        <source>Precision (position · heights)</source>
        <translation>精度（位置 · 高程）</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="190" />
        <source>terrain</source>
        <translation>地形</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="190" />
        <source>roof</source>
        <translation>屋顶</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="190" />
        <source>corner, at its roof</source>
        <translation>角点（屋顶高度）</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="191" />
        <source>water</source>
        <translation>水面</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="191" />
        <source>given</source>
        <translation>给定</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="191" />
        <source>no height</source>
        <translation>无高程</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="209" />
        <source>Measure: click points in the view · Esc finishes · Backspace takes back a point</source>
        <translation>量测：在视图中点击各点 · Esc 结束 · Backspace 撤销一点</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="231" />
        <source>Nothing to measure there</source>
        <translation>此处没有可量测的对象</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="294" />
        <source>Points</source>
        <translation>点数</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="332" />
        <location filename="../measure_tool.py" line="297" />
        <source>Point {0}</source>
        <translation>点 {0}</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="312" />
        <source>Click {0} more point(s) in the view</source>
        <translation>请在视图中再点击 {0} 个点</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="313" />
        <source>Esc finishes</source>
        <translation>按 Esc 结束</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="342" />
        <source>Measurement copied</source>
        <translation>量测结果已复制</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="375" />
        <source>No findings to attach to: run the checks or open a review session</source>
        <translation>没有可附加的问题：请先运行检查或打开审查会话</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="378" />
        <source>This review session is open read-only</source>
        <translation>此审查会话以只读方式打开</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="383" />
        <source>Attach to finding</source>
        <translation>附加到问题</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="383" />
        <source>Finding:</source>
        <translation>问题：</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="387" />
        <source>Measurement</source>
        <translation>量测</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="395" />
        <source>Measurement attached to {0}</source>
        <translation>量测结果已附加到 {0}</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="405" />
        <source>Measure</source>
        <translation>量测</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="415" />
        <source>&amp;Measure</source>
        <translation>量测(&amp;M)</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="417" />
        <source>Distances, areas and heights by clicking in the view</source>
        <translation>在视图中点击量测距离、面积和高度</translation>
    </message>
</context><context>
    <name>ModelPlacementDialog</name>
    <message>
        <location filename="../model_placement.py" line="59" />
        <source>Place {0}</source>
        <translation>放置 {0}</translation>
    </message>
    <message>
        <location filename="../model_placement.py" line="82" />
        <source>above the ground</source>
        <translation>离地高度</translation>
    </message>
    <message>
        <location filename="../model_placement.py" line="83" />
        <source>above sea level</source>
        <translation>海拔高度</translation>
    </message>
    <message>
        <location filename="../model_placement.py" line="87" />
        <source>Clockwise from true north, about the model's origin</source>
        <translation>自真北顺时针，绕模型原点</translation>
    </message>
    <message>
        <location filename="../model_placement.py" line="89" />
        <source>0.001 for a model drawn in millimetres, 0.01 in centimetres</source>
        <translation>以毫米绘制的模型填 0.001，厘米填 0.01</translation>
    </message>
    <message>
        <location filename="../model_placement.py" line="90" />
        <source>Click in the view to move it</source>
        <translation>在视图中点击以移动</translation>
    </message>
    <message>
        <location filename="../model_placement.py" line="93" />
        <source>Longitude</source>
        <translation>经度</translation>
    </message>
    <message>
        <location filename="../model_placement.py" line="94" />
        <source>Latitude</source>
        <translation>纬度</translation>
    </message>
    <message>
        <location filename="../model_placement.py" line="95" />
        <source>Height</source>
        <translation>高度</translation>
    </message>
    <message>
        <location filename="../model_placement.py" line="97" />
        <source>Heading</source>
        <translation>朝向</translation>
    </message>
    <message>
        <location filename="../model_placement.py" line="98" />
        <source>Scale</source>
        <translation>比例</translation>
    </message>
    <message>
        <location filename="../model_placement.py" line="100" />
        <source>Handles in the view (drag: white moves, orange turns)</source>
        <translation>视图中的控制柄（拖动：白色移动，橙色旋转）</translation>
    </message>
    <message>
        <location filename="../model_placement.py" line="104" />
        <source>Keep the model in view</source>
        <translation>视图跟随模型</translation>
    </message>
</context><context>
    <name>PluginsPanel</name>
    <message>
        <location filename="../plugins_panel.py" line="83" />
        <source>Plugin</source>
        <translation>插件</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="83" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="83" />
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="83" />
        <source>From</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="83" />
        <source>Contributes</source>
        <translation>提供内容</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="84" />
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="87" />
        <source>active</source>
        <translation>已启用</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="87" />
        <source>disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="87" />
        <source>untrusted</source>
        <translation>未信任</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="88" />
        <source>safe mode</source>
        <translation>安全模式</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="88" />
        <source>broken</source>
        <translation>损坏</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="88" />
        <source>failed</source>
        <translation>出错已停用</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="163" />
        <location filename="../plugins_panel.py" line="158" />
        <location filename="../plugins_panel.py" line="102" />
        <source>Disable</source>
        <translation>停用</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="166" />
        <location filename="../plugins_panel.py" line="104" />
        <source>Trust</source>
        <translation>信任</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="105" />
        <source>Run this plugin's code (this exact version)</source>
        <translation>运行此插件的代码（仅限当前版本）</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="107" />
        <source>Install…</source>
        <translation>安装…</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="132" />
        <source>panel: {0}</source>
        <translation>面板：{0}</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="158" />
        <source>Open panel</source>
        <translation>打开面板</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="163" />
        <source>Enable</source>
        <translation>启用</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="166" />
        <source>Distrust</source>
        <translation>取消信任</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="195" />
        <source>Install a plugin</source>
        <translation>安装插件</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="196" />
        <source>Plugin archive</source>
        <translation>插件压缩包</translation>
    </message>
</context><context>
    <name>ProfilePanel</name>
    <message>
        <location filename="../measure_tool.py" line="408" />
        <source>Profile</source>
        <translation>剖面</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="421" />
        <source>&amp;Profile…</source>
        <translation>剖面(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../measure_tool.py" line="423" />
        <source>Terrain, buildings and corridors along a line or a planned corridor, with its grade</source>
        <translation>沿一条线或规划廊道的地形、建筑和廊道剖面，及其坡度</translation>
    </message>
    <message>
        <location filename="../profile_panel.py" line="49" />
        <source>Along a line drawn in the view</source>
        <translation>沿视图中绘制的线</translation>
    </message>
    <message>
        <location filename="../profile_panel.py" line="50" />
        <source>Along a planned corridor</source>
        <translation>沿规划廊道</translation>
    </message>
    <message>
        <location filename="../profile_panel.py" line="54" />
        <source>Draw line</source>
        <translation>绘制线</translation>
    </message>
    <message>
        <location filename="../profile_panel.py" line="56" />
        <source>Click the line's points in the view; Esc finishes and draws the profile</source>
        <translation>在视图中点击线的各点；按 Esc 结束并绘制剖面</translation>
    </message>
    <message>
        <location filename="../profile_panel.py" line="67" />
        <source>Samples along the line at most this far apart</source>
        <translation>沿线采样点的最大间距</translation>
    </message>
    <message>
        <location filename="../profile_panel.py" line="68" />
        <source>Draw profile</source>
        <translation>绘制剖面</translation>
    </message>
    <message>
        <location filename="../profile_panel.py" line="70" />
        <source>Export PNG…</source>
        <translation>导出 PNG…</translation>
    </message>
    <message>
        <location filename="../profile_panel.py" line="72" />
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <location filename="../profile_panel.py" line="78" />
        <source>Step</source>
        <translation>步长</translation>
    </message>
    <message>
        <location filename="../profile_panel.py" line="110" />
        <source>Distance along the line (km)</source>
        <translation>沿线距离（千米）</translation>
    </message>
    <message>
        <location filename="../profile_panel.py" line="111" />
        <source>Elevation (m above sea level)</source>
        <translation>高程（米，海拔）</translation>
    </message>
    <message>
        <location filename="../profile_panel.py" line="112" />
        <source>Grade (%)</source>
        <translation>坡度（%）</translation>
    </message>
    <message>
        <location filename="../profile_panel.py" line="113" />
        <source>Terrain</source>
        <translation>地形</translation>
    </message>
    <message>
        <location filename="../profile_panel.py" line="114" />
        <source>Buildings (ground to roof)</source>
        <translation>建筑（地面至屋顶）</translation>
    </message>
    <message>
        <location filename="../profile_panel.py" line="115" />
        <source>Corridor (heights from the plan)</source>
        <translation>廊道（规划给定高程）</translation>
    </message>
    <message>
        <location filename="../profile_panel.py" line="116" />
        <source>Corridor (no heights in the plan: on the terrain)</source>
        <translation>廊道（规划未给高程：取地形）</translation>
    </message>
    <message>
        <location filename="../profile_panel.py" line="117" />
        <source>Corridor crossed</source>
        <translation>相交廊道</translation>
    </message>
    <message>
        <location filename="../profile_panel.py" line="118" />
        <source>Sea level</source>
        <translation>海平面</translation>
    </message>
    <message>
        <location filename="../profile_panel.py" line="119" />
        <source>steepest {grade} at {at} km</source>
        <translation>最大坡度 {grade}，位于 {at} 千米处</translation>
    </message>
    <message>
        <location filename="../profile_panel.py" line="120" />
        <source>{length} km · samples every {step} m at most · terrain: {source}</source>
        <translation>全长 {length} 千米 · 采样间距不超过 {step} 米 · 地形：{source}</translation>
    </message>
    <message>
        <location filename="../profile_panel.py" line="121" />
        <source>vertical scale exaggerated</source>
        <translation>纵向比例已夸大</translation>
    </message>
    <message>
        <location filename="../profile_panel.py" line="122" />
        <source>declared at its border: {grade}</source>
        <translation>边界处竖向形式：{grade}</translation>
    </message>
    <message>
        <location filename="../profile_panel.py" line="129" />
        <source>Profile along a drawn line</source>
        <translation>沿绘制线的剖面</translation>
    </message>
    <message>
        <location filename="../profile_panel.py" line="167" />
        <source>Profile: click the line's points in the view · Esc finishes</source>
        <translation>剖面：在视图中点击线的各点 · Esc 结束</translation>
    </message>
    <message>
        <location filename="../profile_panel.py" line="192" />
        <source>Outside the terrain</source>
        <translation>超出地形范围</translation>
    </message>
    <message>
        <location filename="../profile_panel.py" line="230" />
        <source>Draw a line of two points or more, or choose a corridor</source>
        <translation>请绘制至少两个点的线，或选择一条廊道</translation>
    </message>
    <message>
        <location filename="../profile_panel.py" line="233" />
        <source>Computing the profile…</source>
        <translation>正在计算剖面…</translation>
    </message>
    <message>
        <location filename="../profile_panel.py" line="263" />
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <location filename="../profile_panel.py" line="263" />
        <source>CSV table (*.csv)</source>
        <translation>CSV 表格 (*.csv)</translation>
    </message>
    <message>
        <location filename="../profile_panel.py" line="264" />
        <source>Export profile</source>
        <translation>导出剖面</translation>
    </message>
    <message>
        <location filename="../profile_panel.py" line="278" />
        <source>Profile written: {0}</source>
        <translation>剖面已写出：{0}</translation>
    </message>
</context><context>
    <name>ProjectsTable</name>
    <message>
        <location filename="../projects_table.py" line="38" />
        <source>all cities</source>
        <translation>全部城市</translation>
    </message>
    <message>
        <location filename="../projects_table.py" line="38" />
        <source>all themes</source>
        <translation>全部主题</translation>
    </message>
    <message>
        <location filename="../projects_table.py" line="39" />
        <source>all statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location filename="../projects_table.py" line="39" />
        <source>any opening year</source>
        <translation>任意开通年份</translation>
    </message>
    <message>
        <location filename="../projects_table.py" line="46" />
        <source>opens by {0}</source>
        <translation>{0} 年前开通</translation>
    </message>
    <message>
        <location filename="../projects_table.py" line="48" />
        <source>Project</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../projects_table.py" line="48" />
        <source>City</source>
        <translation>城市</translation>
    </message>
    <message>
        <location filename="../projects_table.py" line="48" />
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../projects_table.py" line="49" />
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../projects_table.py" line="49" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../projects_table.py" line="49" />
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
        <location filename="../review_panel.py" line="49" />
        <source>Run checks</source>
        <translation>运行检查</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="51" />
        <source>Save session…</source>
        <translation>保存审查会话…</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="53" />
        <source>Open session…</source>
        <translation>打开审查会话…</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="55" />
        <source>Report…</source>
        <translation>报告…</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="56" />
        <source>The session as a report (HTML or PDF) with a still of each finding</source>
        <translation>将本次审查导出为报告（HTML 或 PDF），每项发现附一张截图</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="63" />
        <source>all cities</source>
        <translation>全部城市</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="63" />
        <source>all kinds</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="64" />
        <source>all statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="64" />
        <source>all severities</source>
        <translation>全部严重程度</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="74" />
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="74" />
        <source>Severity</source>
        <translation>严重程度</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="74" />
        <source>Cities</source>
        <translation>城市</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="75" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="75" />
        <source>Finding</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="84" />
        <source>Set status of selected</source>
        <translation>设置所选状态</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="87" />
        <source>Add finding…</source>
        <translation>添加问题…</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="88" />
        <source>Then click in the scene where the finding is</source>
        <translation>然后在场景中点击问题所在位置</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="91" />
        <source>Save view for finding</source>
        <translation>保存问题的视角</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="92" />
        <source>The selected finding is shown from the current camera (fly-to, report still, review tour)</source>
        <translation>所选问题将以当前相机视角显示（飞往、报告截图、审查巡览）</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="95" />
        <source>Recover unsaved review</source>
        <translation>恢复未保存的审查</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="116" />
        <source>(my city)</source>
        <translation>（我的城市）</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="125" />
        <source>Comment on the selected finding…</source>
        <translation>对所选问题发表意见…</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="127" />
        <source>Comment</source>
        <translation>发表意见</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="144" />
        <source>Findings</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="145" />
        <source>Projects</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="162" />
        <source>An unsaved review session was found ({0} edits): Review panel ▸ Recover unsaved review</source>
        <translation>发现未保存的审查会话（{0} 处编辑）：审查面板 ▸ 恢复未保存的审查</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="174" />
        <source>Click in the scene where the finding is</source>
        <translation>在场景中点击问题所在位置</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="181" />
        <source>No ground under the cursor</source>
        <translation>光标下没有地面</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="186" />
        <source>New finding</source>
        <translation>新问题</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="186" />
        <source>What was found here?</source>
        <translation>此处发现了什么问题？</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="205" />
        <source>Review session recovered: {0} findings</source>
        <translation>审查会话已恢复：{0} 个问题</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="232" />
        <source>Review checks: {0} findings</source>
        <translation>审查检查：{0} 个问题</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="244" />
        <source>connected</source>
        <translation>已衔接</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="244" />
        <source>offset at the border</source>
        <translation>边界处错位</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="245" />
        <source>dangling</source>
        <translation>悬空（无对接）</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="245" />
        <source>class/capacity mismatch</source>
        <translation>等级/规模不一致</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="246" />
        <source>grade mismatch</source>
        <translation>竖向形式不一致</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="246" />
        <source>phase mismatch</source>
        <translation>建设时序不一致</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="247" />
        <source>suspected datum problem</source>
        <translation>疑似坐标系问题</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="247" />
        <source>theme conflict</source>
        <translation>主题冲突</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="248" />
        <source>manual</source>
        <translation>人工</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="252" />
        <source>open</source>
        <translation>待处理</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="252" />
        <source>agreed</source>
        <translation>已达成一致</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="252" />
        <source>deferred</source>
        <translation>暂缓</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="253" />
        <source>resolved</source>
        <translation>已解决</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="257" />
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="257" />
        <source>warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="257" />
        <source>info</source>
        <translation>提示</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="401" />
        <location filename="../review_panel.py" line="386" />
        <location filename="../review_panel.py" line="336" />
        <source>This review session is open read-only</source>
        <translation>此审查会话以只读方式打开</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="339" />
        <source>Select a finding first</source>
        <translation>请先选择一个问题</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="346" />
        <source>Saved the view for {0} finding(s)</source>
        <translation>已为 {0} 个问题保存视角</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="354" />
        <source>Select one finding to see its thread</source>
        <translation>选择一个问题以查看其讨论</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="355" />
        <source>{0} findings selected</source>
        <translation>已选择 {0} 个问题</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="383" />
        <source>Select one finding to comment on</source>
        <translation>请选择一个问题后再发表意见</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="425" />
        <source>Open review session</source>
        <translation>打开审查会话</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="504" />
        <location filename="../review_panel.py" line="426" />
        <source>Review session</source>
        <translation>审查会话</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="443" />
        <source>Session in use</source>
        <translation>会话正在使用</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="445" />
        <source>{0}

Open it read-only?</source>
        <translation>{0}

以只读方式打开？</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="454" />
        <source> (read-only)</source>
        <translation>（只读）</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="455" />
        <source>Review session opened: {0}{1}</source>
        <translation>已打开审查会话：{0}{1}</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="460" />
        <source>Write review report</source>
        <translation>导出审查报告</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="461" />
        <source>Report</source>
        <translation>报告</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="462" />
        <source>Report tables (CSV)</source>
        <translation>报告表格（CSV）</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="482" />
        <source>Drawing the findings…</source>
        <translation>正在绘制各项发现…</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="482" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="499" />
        <source>Review report written: {0} ({1} findings)</source>
        <translation>审查报告已导出：{0}（{1} 项发现）</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="503" />
        <source>Save review session</source>
        <translation>保存审查会话</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="516" />
        <source>Review session saved: {0}</source>
        <translation>审查会话已保存：{0}</translation>
    </message>
    <message>
        <source>No city outlines in this region: nothing to check</source>
        <translation type="vanished">此区域没有城市边界：无可检查内容</translation>
    </message>
    <message>
        <source>all</source>
        <translation type="vanished">全部</translation>
    </message>
    <message>
        <source>An unsaved review session was found ({0} edits): Review ▸ Recover</source>
        <translation type="vanished">发现未保存的审查会话（{0} 处修改）：联合审查 ▸ 恢复</translation>
    </message>
</context><context>
    <name>SeaLevelPanel</name>
    <message>
        <location filename="../sea_level_panel.py" line="50" />
        <source>Sea level or storm surge above today's mean sea level</source>
        <translation>高于当前平均海平面的海平面或风暴潮水位</translation>
    </message>
    <message>
        <location filename="../sea_level_panel.py" line="51" />
        <source>Land at or below the level that the sea reaches is shown as water; low land inland that it cannot reach stays dry. Sea walls and tides are not modelled.</source>
        <translation>低于或等于该水位且与海相连的陆地显示为水面；海水无法到达的内陆低地保持干燥。未考虑海堤和潮汐。</translation>
    </message>
    <message>
        <location filename="../sea_level_panel.py" line="55" />
        <source>City</source>
        <translation>城市</translation>
    </message>
    <message>
        <location filename="../sea_level_panel.py" line="55" />
        <source>Flooded (km²)</source>
        <translation>淹没面积（km²）</translation>
    </message>
    <message>
        <location filename="../sea_level_panel.py" line="55" />
        <source>Share of land</source>
        <translation>占陆地比例</translation>
    </message>
    <message>
        <location filename="../sea_level_panel.py" line="83" />
        <source>Sea level: {level} m</source>
        <translation>海平面：{level} 米</translation>
    </message>
    <message>
        <location filename="../sea_level_panel.py" line="111" />
        <source>{area} km² of the flooded land has no height in the DEM (a default height is used): open a DEM that covers it for a reliable figure.</source>
        <translation>淹没陆地中有 {area} km² 在数字高程模型中没有高程（使用默认高程）：打开覆盖该区域的数字高程模型以获得可靠数值。</translation>
    </message>
    <message>
        <location filename="../sea_level_panel.py" line="118" />
        <source>Elsewhere in the region</source>
        <translation>区域内其他地区</translation>
    </message>
    <message>
        <location filename="../sea_level_panel.py" line="120" />
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <location filename="../sea_level_panel.py" line="133" />
        <source>Sea level</source>
        <translation>海平面</translation>
    </message>
    <message>
        <location filename="../sea_level_panel.py" line="144" />
        <source>Open DEM</source>
        <translation>打开数字高程模型</translation>
    </message>
    <message>
        <location filename="../sea_level_panel.py" line="145" />
        <source>DEM (*.tif *.tiff *.nc *.nc4 *.grd);;All files (*)</source>
        <translation>数字高程模型 (*.tif *.tiff *.nc *.nc4 *.grd);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../window_files.py" line="326" />
        <location filename="../sea_level_panel.py" line="164" />
        <source>Reading DEM {name}…</source>
        <translation>正在读取数字高程模型 {name}…</translation>
    </message>
</context><context>
    <name>SunlightPanel</name>
    <message>
        <location filename="../analysis_panel.py" line="30" />
        <source>Wrote {path}</source>
        <translation>已写入 {path}</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="63" />
        <source>冬至 Winter solstice</source>
        <translation>冬至</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="64" />
        <source>大寒 Major Cold</source>
        <translation>大寒</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="65" />
        <source>Another day</source>
        <translation>其他日期</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="73" />
        <source>Day</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="80" />
        <source>true solar time</source>
        <translation>真太阳时</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="81" />
        <source>China Standard Time (UTC+8)</source>
        <translation>北京时间（UTC+8）</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="82" />
        <source>The standards count sunlight in true solar time (真太阳时): 12:00 is when the sun crosses the meridian</source>
        <translation>日照标准按真太阳时计算：12:00 即太阳过子午线之时</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="89" />
        <source>Window</source>
        <translation>有效日照时间带</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="94" />
        <source>The area to analyse (WGS84), at most 10 km a side</source>
        <translation>分析范围（WGS84 经纬度），边长不超过 10 公里</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="95" />
        <source>From view</source>
        <translation>取当前视图</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="96" />
        <source>The ground the view shows (around its centre when it shows the sky)</source>
        <translation>当前视图中的地面（视图含天空时取视图中心周围）</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="101" />
        <source>Area</source>
        <translation>范围</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="104" />
        <source>Ground points every so many metres (0: facades only)</source>
        <translation>地面计算点的间距（米；0 表示只计算立面）</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="105" />
        <source>Ground points every</source>
        <translation>地面点间距</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="106" />
        <source>Also on facades (every storey's window sill)</source>
        <translation>同时计算立面（各层窗台）</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="109" />
        <source>Sun every</source>
        <translation>太阳位置间隔</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="111" />
        <source>Points with fewer hours are counted (the standards ask 2 or 3 hours)</source>
        <translation>统计日照时数低于此值的点（标准要求 2 或 3 小时）</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="112" />
        <source>Minimum</source>
        <translation>最低日照</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="115" />
        <source>A buildings layer holding the planned buildings: hours without and with them</source>
        <translation>规划建筑所在的建筑图层：分别计算建设前后的日照时数</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="116" />
        <source>Plan</source>
        <translation>规划</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="118" />
        <source>Run</source>
        <translation>计算</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="122" />
        <source>Hours of sun</source>
        <translation>日照时数</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="123" />
        <source>Sun lost to the plan</source>
        <translation>规划导致的日照损失</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="126" />
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="173" />
        <source>No plan</source>
        <translation>无规划</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="214" />
        <location filename="../sunlight_panel.py" line="198" />
        <source>The view shows no ground: fly to the area first.</source>
        <translation>视图中没有地面：请先飞至分析范围。</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="220" />
        <location filename="../sunlight_panel.py" line="218" />
        <source>Area: four numbers lon_min,lat_min,lon_max,lat_max</source>
        <translation>范围：四个数字 最小经度,最小纬度,最大经度,最大纬度</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="233" />
        <source>Sunlight: {error}</source>
        <translation>日照分析：{error}</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="235" />
        <source>Computing the sun's path and the shadows…</source>
        <translation>正在计算太阳轨迹与阴影…</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="263" />
        <source>Export sunlight</source>
        <translation>导出日照分析结果</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="264" />
        <source>GeoJSON (*.geojson);;CSV (*.csv)</source>
        <translation>GeoJSON (*.geojson);;CSV (*.csv)</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="289" />
        <source>&amp;Analysis</source>
        <translation>分析(&amp;A)</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="299" />
        <source>&amp;Sunlight…</source>
        <translation>日照分析(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="301" />
        <source>Hours of direct sun on a day (冬至 / 大寒) over an area, before and after a plan</source>
        <translation>某日（冬至 / 大寒）范围内的直射日照时数，以及规划建设前后的对比</translation>
    </message>
    <message>
        <location filename="../sunlight_panel.py" line="312" />
        <source>Sunlight</source>
        <translation>日照分析</translation>
    </message>
</context><context>
    <name>SwipeHandle</name>
    <message>
        <location filename="../compare.py" line="46" />
        <source>Drag to move the swipe line</source>
        <translation>拖动以移动卷帘分隔线</translation>
    </message>
</context><context>
    <name>ViewshedPanel</name>
    <message>
        <location filename="../viewshed_panel.py" line="62" />
        <source>Viewshed: what the observer sees around</source>
        <translation>可视域：观察点四周可见范围</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="63" />
        <source>Sight line: observer to target</source>
        <translation>视线：观察点至目标点</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="64" />
        <source>Analysis</source>
        <translation>分析</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="72" />
        <source>Pick in the view</source>
        <translation>在视图中点选</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="74" />
        <source>Click the observer in the view (and then the target for a sight line); on a building it stands on the roof. Esc stops</source>
        <translation>在视图中点击观察点（视线分析再点击目标点）；点在建筑上即站在屋顶。Esc 结束</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="202" />
        <location filename="../viewshed_panel.py" line="77" />
        <source>Observer</source>
        <translation>观察点</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="207" />
        <location filename="../viewshed_panel.py" line="78" />
        <source>Target</source>
        <translation>目标点</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="83" />
        <source>The eye above the ground, or above the roof the observer stands on</source>
        <translation>视点高于地面或所站屋顶的高度</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="84" />
        <source>Eye height</source>
        <translation>视点高度</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="86" />
        <source>A point this high above the ground or roof is looked for (0: the surface itself)</source>
        <translation>判断高出地面或屋顶该高度的点是否可见（0：地表本身）</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="88" />
        <source>Target height</source>
        <translation>目标高度</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="91" />
        <source>Radius</source>
        <translation>半径</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="94" />
        <source>automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="95" />
        <source>The height field's cell: 1 m up to 1 km, coarser beyond (at most 4 million cells)</source>
        <translation>高度场网格：1 公里内 1 米，更远则加粗（最多 400 万格）</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="96" />
        <source>Cell</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="97" />
        <source>Earth curvature and refraction (k = 0.13)</source>
        <translation>地球曲率与大气折光（k = 0.13）</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="101" />
        <source>Run</source>
        <translation>计算</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="104" />
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="107" />
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="143" />
        <source>Click the observer in the view · Esc stops</source>
        <translation>在视图中点击观察点 · Esc 结束</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="173" />
        <source>Nothing there: click the ground or a building</source>
        <translation>此处无对象：请点击地面或建筑</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="178" />
        <source>Now click the target · Esc stops</source>
        <translation>再点击目标点 · Esc 结束</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="194" />
        <source>{what}: click it in the view or type lon,lat</source>
        <translation>{what}：请在视图中点击或输入 经度,纬度</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="212" />
        <source>Viewshed: {error}</source>
        <translation>可视域：{error}</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="213" />
        <source>Drawing the lines of sight…</source>
        <translation>正在计算视线…</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="256" />
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="257" />
        <source>GeoJSON (*.geojson)</source>
        <translation>GeoJSON (*.geojson)</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="267" />
        <source>Viewshed</source>
        <translation>可视域</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="279" />
        <source>&amp;Viewshed…</source>
        <translation>可视域分析(&amp;V)…</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="280" />
        <source>What an observer sees of the terrain and the buildings around</source>
        <translation>观察点能看到的四周地形与建筑</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="282" />
        <source>Sight &amp;line</source>
        <translation>视线分析(&amp;L)</translation>
    </message>
    <message>
        <location filename="../viewshed_panel.py" line="283" />
        <source>Whether an observer sees a point, and what blocks the view</source>
        <translation>观察点能否看到目标点，以及被什么遮挡</translation>
    </message>
    <message>
        <source>Wrote {path}</source>
        <translation type="vanished">已写入 {path}</translation>
    </message>
</context></TS>