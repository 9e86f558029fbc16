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
        <location filename="../layers_panel.py" line="126" />
        <source>Zoom to</source>
        <translation>缩放至</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="127" />
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="129" />
        <source>Opacity</source>
        <translation>不透明度</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="130" />
        <source>Colour by</source>
        <translation>着色依据</translation>
    </message>
    <message>
        <location filename="../layers_panel.py" line="216" />
        <source>(single colour)</source>
        <translation>（单色）</translation>
    </message>
</context><context>
    <name>MainWindow</name>
    <message>
        <location filename="../app.py" line="130" />
        <source>Drag: rotate · Shift-drag or middle: pan · wheel: zoom · click: identify · R: home view</source>
        <translation>拖动：旋转 · Shift+拖动或中键：平移 · 滚轮：缩放 · 单击：查询 · R：全域视图</translation>
    </message>
    <message>
        <location filename="../app.py" line="168" />
        <source>Layers</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../app.py" line="193" />
        <source>Review</source>
        <translation>联合审查</translation>
    </message>
    <message>
        <location filename="../app.py" line="210" />
        <source>Preparing the second scenario…</source>
        <translation>正在准备第二个方案…</translation>
    </message>
    <message>
        <location filename="../app.py" line="285" />
        <source>Plugin installed: {0}</source>
        <translation>已安装插件：{0}</translation>
    </message>
    <message>
        <location filename="../app.py" line="296" />
        <source>{0}: nothing to zoom to</source>
        <translation>{0}：没有可缩放的范围</translation>
    </message>
    <message>
        <location filename="../app.py" line="307" />
        <source>Identify</source>
        <translation>属性查询</translation>
    </message>
    <message>
        <location filename="../app.py" line="310" />
        <source>Attribute</source>
        <translation>属性</translation>
    </message>
    <message>
        <location filename="../app.py" line="310" />
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location filename="../app.py" line="320" />
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <location filename="../app.py" line="343" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../app.py" line="352" />
        <source>Open building footprints</source>
        <translation>打开建筑轮廓</translation>
    </message>
    <message>
        <location filename="../app.py" line="353" />
        <source>Building footprints</source>
        <translation>建筑轮廓</translation>
    </message>
    <message>
        <location filename="../app.py" line="426" />
        <source>cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../app.py" line="467" />
        <source>Loaded {0}: {1} buildings</source>
        <translation>已加载 {0}：{1} 栋建筑</translation>
    </message>
    <message>
        <location filename="../app.py" line="483" />
        <source>Cancelled loading {0}</source>
        <translation>已取消加载 {0}</translation>
    </message>
    <message>
        <location filename="../app.py" line="569" />
        <source>nothing here (click a building)</source>
        <translation>此处无对象（请单击建筑）</translation>
    </message>
    <message>
        <location filename="../app.py" line="622" />
        <source>{0} triangles · {1} ms/frame</source>
        <translation>{0} 个三角形 · 每帧 {1} 毫秒</translation>
    </message>
    <message>
        <location filename="../app.py" line="724" />
        <source>Add bookmark</source>
        <translation>添加书签</translation>
    </message>
    <message>
        <location filename="../app.py" line="724" />
        <source>Name of this view:</source>
        <translation>此视图的名称：</translation>
    </message>
    <message>
        <location filename="../app.py" line="734" />
        <source>&amp;Add current view…</source>
        <translation>添加当前视图(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../app.py" line="768" />
        <source>Save project</source>
        <translation>保存项目</translation>
    </message>
    <message>
        <location filename="../app.py" line="790" />
        <location filename="../app.py" line="769" />
        <source>ydtwin project</source>
        <translation>ydtwin 项目</translation>
    </message>
    <message>
        <location filename="../app.py" line="780" />
        <source>Project saved: {0}</source>
        <translation>项目已保存：{0}</translation>
    </message>
    <message>
        <location filename="../app.py" line="789" />
        <source>Open project</source>
        <translation>打开项目</translation>
    </message>
    <message>
        <location filename="../app.py" line="810" />
        <source>Project opened: {0}</source>
        <translation>项目已打开：{0}</translation>
    </message>
    <message>
        <location filename="../app.py" line="822" />
        <source>View</source>
        <translation>视图</translation>
    </message>
    <message>
        <location filename="../app.py" line="826" />
        <source>Whole region</source>
        <translation>全域</translation>
    </message>
    <message>
        <location filename="../app.py" line="830" />
        <source>View:</source>
        <translation>视图：</translation>
    </message>
    <message>
        <location filename="../app.py" line="836" />
        <source>Plan year</source>
        <translation>规划年份</translation>
    </message>
    <message>
        <location filename="../app.py" line="837" />
        <source>Show every city's projects as they stand in this year</source>
        <translation>按该年份显示各城市项目的状态</translation>
    </message>
    <message>
        <location filename="../app.py" line="863" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../app.py" line="864" />
        <source>&amp;Open building footprints…</source>
        <translation>打开建筑轮廓(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../app.py" line="868" />
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <location filename="../app.py" line="871" />
        <source>Open &amp;project…</source>
        <translation>打开项目(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../app.py" line="874" />
        <source>&amp;Save project…</source>
        <translation>保存项目(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../app.py" line="879" />
        <source>&amp;Preferences…</source>
        <translation>首选项(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../app.py" line="882" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../app.py" line="887" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../app.py" line="888" />
        <source>&amp;Home (whole region)</source>
        <translation>全域视图(&amp;H)</translation>
    </message>
    <message>
        <location filename="../app.py" line="892" />
        <source>&amp;Bookmarks</source>
        <translation>书签(&amp;B)</translation>
    </message>
    <message>
        <location filename="../app.py" line="894" />
        <source>&amp;City</source>
        <translation>城市(&amp;C)</translation>
    </message>
    <message>
        <location filename="../app.py" line="899" />
        <source>&amp;District</source>
        <translation>区县(&amp;D)</translation>
    </message>
    <message>
        <location filename="../app.py" line="910" />
        <source>&amp;Layers</source>
        <translation>图层(&amp;L)</translation>
    </message>
    <message>
        <location filename="../app.py" line="922" />
        <source>Compare &amp;scenarios…</source>
        <translation>方案对比(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../app.py" line="925" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../app.py" line="926" />
        <source>&amp;About ydtwin</source>
        <translation>关于 ydtwin(&amp;A)</translation>
    </message>
    <message>
        <location filename="../app.py" line="935" />
        <source>Preferences</source>
        <translation>首选项</translation>
    </message>
    <message>
        <location filename="../app.py" line="941" />
        <source>Language (next start)</source>
        <translation>界面语言（下次启动生效）</translation>
    </message>
    <message>
        <location filename="../app.py" line="948" />
        <source>The language changes at the next start</source>
        <translation>界面语言将在下次启动时更改</translation>
    </message>
    <message>
        <location filename="../app.py" line="953" />
        <source>About ydtwin</source>
        <translation>关于 ydtwin</translation>
    </message>
    <message>
        <location filename="../plugins_panel.py" line="201" />
        <source>Plugins</source>
        <translation>插件</translation>
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
        <location filename="../review_panel.py" line="467" />
        <location filename="../review_panel.py" line="428" />
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="432" />
        <source>opens by {0}</source>
        <translation>{0} 年前开通</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="434" />
        <source>Project</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="434" />
        <source>City</source>
        <translation>城市</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="434" />
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="435" />
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="435" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="435" />
        <source>Phase</source>
        <translation>建设周期</translation>
    </message>
</context><context>
    <name>ReviewPanel</name>
    <message>
        <location filename="../review_panel.py" line="51" />
        <source>Run checks</source>
        <translation>运行检查</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="53" />
        <source>Save session…</source>
        <translation>保存审查会话…</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="55" />
        <source>Open session…</source>
        <translation>打开审查会话…</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="278" />
        <location filename="../review_panel.py" line="62" />
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="69" />
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="69" />
        <source>Severity</source>
        <translation>严重程度</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="69" />
        <source>Cities</source>
        <translation>城市</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="70" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="70" />
        <source>Finding</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="79" />
        <source>Set status of selected</source>
        <translation>设置所选状态</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="82" />
        <source>Add finding…</source>
        <translation>添加问题…</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="83" />
        <source>Then click in the scene where the finding is</source>
        <translation>然后在场景中点击问题所在位置</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="86" />
        <source>Recover unsaved review</source>
        <translation>恢复未保存的审查</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="110" />
        <source>Findings</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="111" />
        <source>Projects</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="125" />
        <source>An unsaved review session was found ({0} edits): Review ▸ Recover</source>
        <translation>发现未保存的审查会话（{0} 处修改）：联合审查 ▸ 恢复</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="156" />
        <source>Click in the scene where the finding is</source>
        <translation>在场景中点击问题所在位置</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="163" />
        <source>No ground under the cursor</source>
        <translation>光标下没有地面</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="168" />
        <source>New finding</source>
        <translation>新问题</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="168" />
        <source>What was found here?</source>
        <translation>此处发现了什么问题？</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="213" />
        <source>Review session recovered: {0} findings</source>
        <translation>审查会话已恢复：{0} 个问题</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="236" />
        <source>No city outlines in this region: nothing to check</source>
        <translation>此区域没有城市边界：无可检查内容</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="262" />
        <source>Review checks: {0} findings</source>
        <translation>审查检查：{0} 个问题</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="331" />
        <source>This review session is open read-only</source>
        <translation>此审查会话以只读方式打开</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="361" />
        <source>Open review session</source>
        <translation>打开审查会话</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="401" />
        <location filename="../review_panel.py" line="362" />
        <source>Review session</source>
        <translation>审查会话</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="379" />
        <source>Session in use</source>
        <translation>会话正在使用</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="381" />
        <source>{0}

Open it read-only?</source>
        <translation>{0}

以只读方式打开？</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="394" />
        <source> (read-only)</source>
        <translation>（只读）</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="395" />
        <source>Review session opened: {0}{1}</source>
        <translation>已打开审查会话：{0}{1}</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="400" />
        <source>Save review session</source>
        <translation>保存审查会话</translation>
    </message>
    <message>
        <location filename="../review_panel.py" line="413" />
        <source>Review session saved: {0}</source>
        <translation>审查会话已保存：{0}</translation>
    </message>
</context></TS>