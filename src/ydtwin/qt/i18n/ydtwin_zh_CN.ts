<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
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
        <location filename="../layers_panel.py" line="112" />
        <source>Zoom to</source>
        <translation>缩放至</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="113" />
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="115" />
        <source>Opacity</source>
        <translation>不透明度</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="116" />
        <source>Colour by</source>
        <translation>着色依据</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="202" />
        <source>(single colour)</source>
        <translation>（单色）</translation>
    </message>
</context><context>
    <name>MainWindow</name>
    <message>
        <location filename="../app.py" line="94" />
        <source>Drag: rotate · Shift-drag or middle: pan · wheel: zoom · click: identify · R: home view</source>
        <translation>拖动：旋转 · Shift+拖动或中键：平移 · 滚轮：缩放 · 单击：查询 · R：全域视图</translation>
    </message>
    <message>
        <location filename="../app.py" line="130" />
        <source>Layers</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../app.py" line="142" />
        <source>{0}: nothing to zoom to</source>
        <translation>{0}：没有可缩放的范围</translation>
    </message>
    <message>
        <location filename="../app.py" line="153" />
        <source>Identify</source>
        <translation>属性查询</translation>
    </message>
    <message>
        <location filename="../app.py" line="156" />
        <source>Attribute</source>
        <translation>属性</translation>
    </message>
    <message>
        <location filename="../app.py" line="156" />
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location filename="../app.py" line="166" />
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <location filename="../app.py" line="189" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../app.py" line="198" />
        <source>Open building footprints</source>
        <translation>打开建筑轮廓</translation>
    </message>
    <message>
        <location filename="../app.py" line="199" />
        <source>Building footprints</source>
        <translation>建筑轮廓</translation>
    </message>
    <message>
        <location filename="../app.py" line="242" />
        <source>cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../app.py" line="276" />
        <source>Loaded {0}: {1} buildings</source>
        <translation>已加载 {0}：{1} 栋建筑</translation>
    </message>
    <message>
        <location filename="../app.py" line="288" />
        <source>Cancelled loading {0}</source>
        <translation>已取消加载 {0}</translation>
    </message>
    <message>
        <location filename="../app.py" line="358" />
        <source>nothing here (click a building)</source>
        <translation>此处无对象（请单击建筑）</translation>
    </message>
    <message>
        <location filename="../app.py" line="410" />
        <source>{0} triangles · {1} ms/frame</source>
        <translation>{0} 个三角形 · 每帧 {1} 毫秒</translation>
    </message>
    <message>
        <location filename="../app.py" line="532" />
        <source>Add bookmark</source>
        <translation>添加书签</translation>
    </message>
    <message>
        <location filename="../app.py" line="532" />
        <source>Name of this view:</source>
        <translation>此视图的名称：</translation>
    </message>
    <message>
        <location filename="../app.py" line="542" />
        <source>&amp;Add current view…</source>
        <translation>添加当前视图(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../app.py" line="575" />
        <source>Save project</source>
        <translation>保存项目</translation>
    </message>
    <message>
        <location filename="../app.py" line="597" />
        <location filename="../app.py" line="576" />
        <source>ydtwin project</source>
        <translation>ydtwin 项目</translation>
    </message>
    <message>
        <location filename="../app.py" line="587" />
        <source>Project saved: {0}</source>
        <translation>项目已保存：{0}</translation>
    </message>
    <message>
        <location filename="../app.py" line="596" />
        <source>Open project</source>
        <translation>打开项目</translation>
    </message>
    <message>
        <location filename="../app.py" line="616" />
        <source>Project opened: {0}</source>
        <translation>项目已打开：{0}</translation>
    </message>
    <message>
        <location filename="../app.py" line="628" />
        <source>View</source>
        <translation>视图</translation>
    </message>
    <message>
        <location filename="../app.py" line="632" />
        <source>Whole region</source>
        <translation>全域</translation>
    </message>
    <message>
        <location filename="../app.py" line="636" />
        <source>View:</source>
        <translation>视图：</translation>
    </message>
    <message>
        <location filename="../app.py" line="640" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../app.py" line="641" />
        <source>&amp;Open building footprints…</source>
        <translation>打开建筑轮廓(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../app.py" line="645" />
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <location filename="../app.py" line="648" />
        <source>Open &amp;project…</source>
        <translation>打开项目(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../app.py" line="651" />
        <source>&amp;Save project…</source>
        <translation>保存项目(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../app.py" line="656" />
        <source>&amp;Preferences…</source>
        <translation>首选项(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../app.py" line="659" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../app.py" line="664" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../app.py" line="665" />
        <source>&amp;Home (whole region)</source>
        <translation>全域视图(&amp;H)</translation>
    </message>
    <message>
        <location filename="../app.py" line="669" />
        <source>&amp;Bookmarks</source>
        <translation>书签(&amp;B)</translation>
    </message>
    <message>
        <location filename="../app.py" line="671" />
        <source>&amp;City</source>
        <translation>城市(&amp;C)</translation>
    </message>
    <message>
        <location filename="../app.py" line="676" />
        <source>&amp;District</source>
        <translation>区县(&amp;D)</translation>
    </message>
    <message>
        <location filename="../app.py" line="687" />
        <source>&amp;Layers</source>
        <translation>图层(&amp;L)</translation>
    </message>
    <message>
        <location filename="../app.py" line="699" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../app.py" line="700" />
        <source>&amp;About ydtwin</source>
        <translation>关于 ydtwin(&amp;A)</translation>
    </message>
    <message>
        <location filename="../app.py" line="709" />
        <source>Preferences</source>
        <translation>首选项</translation>
    </message>
    <message>
        <location filename="../app.py" line="715" />
        <source>Language (next start)</source>
        <translation>界面语言（下次启动生效）</translation>
    </message>
    <message>
        <location filename="../app.py" line="722" />
        <source>The language changes at the next start</source>
        <translation>界面语言将在下次启动时更改</translation>
    </message>
    <message>
        <location filename="../app.py" line="727" />
        <source>About ydtwin</source>
        <translation>关于 ydtwin</translation>
    </message>
</context></TS>