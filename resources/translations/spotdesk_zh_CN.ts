<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>ClipboardOffer</name>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>忽略</translation>
    </message>
    <message numerus="yes">
        <source>Add %n copied Spotify link(s)?</source>
        <translation>
            <numerusform>要添加复制的 %n 个 Spotify 链接吗？</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DetailsPanel</name>
    <message>
        <source>Select a task to see its details.</source>
        <translation>选择一个任务即可查看详细信息。</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Artists</source>
        <translation>艺人</translation>
    </message>
    <message>
        <source>Album</source>
        <translation>专辑</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>Match</source>
        <translation>匹配结果</translation>
    </message>
    <message>
        <source>{title} by {channel}, confidence {confidence}</source>
        <translation>{title}（{channel}），匹配度 {confidence}</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详细信息</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>已跳过</translation>
    </message>
    <message numerus="yes">
        <source>%n entries of the collection</source>
        <translation>
            <numerusform>合集中的 %n 项</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DiagnosticsActions</name>
    <message>
        <source>Open &amp;log folder</source>
        <translation>打开日志文件夹(&amp;L)</translation>
    </message>
    <message>
        <source>Copy &amp;diagnostics</source>
        <translation>复制诊断信息(&amp;D)</translation>
    </message>
    <message>
        <source>Could not open the log folder: %1</source>
        <translation>无法打开日志文件夹：%1</translation>
    </message>
    <message>
        <source>Collecting diagnostics…</source>
        <translation>正在收集诊断信息…</translation>
    </message>
    <message>
        <source>Diagnostics copied to the clipboard.</source>
        <translation>诊断信息已复制到剪贴板。</translation>
    </message>
</context>
<context>
    <name>ErrorText</name>
    <message>
        <source>Spotify asked spotdesk to slow down. The task waits and then tries again.</source>
        <translation>Spotify 要求 spotdesk 放慢请求速度。任务会先等待，然后自动重试。</translation>
    </message>
    <message>
        <source>Spotify does not know this link. Check that it is complete and public.</source>
        <translation>Spotify 找不到这个链接。请确认链接完整且内容公开。</translation>
    </message>
    <message>
        <source>Spotify rejected the client id or secret. Check them in Settings, or remove them to use the public pages.</source>
        <translation>Spotify 拒绝了客户端 ID 或密钥。请在设置中检查，或将其删除以改用公开网页。</translation>
    </message>
    <message>
        <source>Spotify&apos;s public page changed and spotdesk cannot read it. Add Spotify credentials in Settings or update spotdesk.</source>
        <translation>Spotify 的公开网页已改版，spotdesk 无法读取。请在设置中添加 Spotify 凭据，或更新 spotdesk。</translation>
    </message>
    <message>
        <source>Podcasts and episodes cannot be downloaded.</source>
        <translation>无法下载播客和单集节目。</translation>
    </message>
    <message>
        <source>The short link could not be opened. Paste the full open.spotify.com link.</source>
        <translation>无法打开这个短链接。请粘贴完整的 open.spotify.com 链接。</translation>
    </message>
    <message>
        <source>Spotify could not be reached. The task will try again later.</source>
        <translation>无法连接 Spotify。任务稍后会自动重试。</translation>
    </message>
    <message>
        <source>Spotify does not let this app read the playlist. Log in with Spotify to read your own playlists.</source>
        <translation>Spotify 不允许本应用读取这个歌单。登录 Spotify 后即可读取你自己的歌单。</translation>
    </message>
    <message>
        <source>Liked Songs need Log in with Spotify. Log in on the Spotify page of Settings, then retry.</source>
        <translation>“已点赞的歌曲”需要先登录 Spotify。请在“设置”的 Spotify 页面登录，然后重试。</translation>
    </message>
    <message>
        <source>Spotify no longer accepts your login. Log in with Spotify again in Settings, then retry.</source>
        <translation>Spotify 不再接受你的登录。请在“设置”中重新登录 Spotify，然后重试。</translation>
    </message>
    <message>
        <source>No search result matched well enough. Choose a match to continue.</source>
        <translation>没有足够吻合的搜索结果。请手动选择匹配项后继续。</translation>
    </message>
    <message>
        <source>YouTube Music and YouTube returned nothing for this track.</source>
        <translation>YouTube Music 和 YouTube 都没有找到这首歌。</translation>
    </message>
    <message>
        <source>Searching YouTube Music failed. The task will try again later.</source>
        <translation>搜索 YouTube Music 失败。任务稍后会自动重试。</translation>
    </message>
    <message>
        <source>YouTube Music asked spotdesk to slow down. The task will try again later.</source>
        <translation>YouTube Music 要求 spotdesk 放慢请求速度。任务稍后会自动重试。</translation>
    </message>
    <message>
        <source>YouTube asked to confirm you are not a bot. Choose your browser&apos;s cookies in Settings and retry.</source>
        <translation>YouTube 要求验证你不是机器人。请在设置中选择浏览器 Cookie 后重试。</translation>
    </message>
    <message>
        <source>The video is no longer available.</source>
        <translation>该视频已无法观看。</translation>
    </message>
    <message>
        <source>The video is age-restricted. Choose your browser&apos;s cookies in Settings.</source>
        <translation>该视频有年龄限制。请在设置中选择浏览器 Cookie。</translation>
    </message>
    <message>
        <source>The video is not available in your country. Choose another match.</source>
        <translation>该视频在你所在的地区不可用。请选择其他匹配项。</translation>
    </message>
    <message>
        <source>YouTube rejected the download (HTTP 403). Retry later or update spotdesk.</source>
        <translation>YouTube 拒绝了下载请求（HTTP 403）。请稍后重试或更新 spotdesk。</translation>
    </message>
    <message>
        <source>The download failed because of a network error. Check your connection.</source>
        <translation>网络出错，下载失败。请检查网络连接。</translation>
    </message>
    <message>
        <source>The download failed. Retry, or choose another match.</source>
        <translation>下载失败。请重试，或选择其他匹配项。</translation>
    </message>
    <message>
        <source>ffmpeg was not found. Install ffmpeg or imageio-ffmpeg.</source>
        <translation>找不到 ffmpeg。请安装 ffmpeg 或 imageio-ffmpeg。</translation>
    </message>
    <message>
        <source>ffmpeg could not convert the audio.</source>
        <translation>ffmpeg 无法转换这段音频。</translation>
    </message>
    <message>
        <source>ffmpeg cannot convert this audio to the chosen format. Try another format.</source>
        <translation>ffmpeg 无法将这段音频转换为所选格式。请换一种格式。</translation>
    </message>
    <message>
        <source>The downloaded file contains no audio. Choose another match.</source>
        <translation>下载的文件中没有音频。请选择其他匹配项。</translation>
    </message>
    <message>
        <source>Tags cannot be written to this audio format.</source>
        <translation>这种音频格式无法写入标签。</translation>
    </message>
    <message>
        <source>The tags could not be written to the audio file.</source>
        <translation>无法向音频文件写入标签。</translation>
    </message>
    <message>
        <source>The disk is full. Free some space, then retry.</source>
        <translation>磁盘已满。请腾出空间后重试。</translation>
    </message>
    <message>
        <source>Writing the file failed. Check the output folder, then retry.</source>
        <translation>写入文件失败。请检查输出文件夹后重试。</translation>
    </message>
    <message>
        <source>spotdesk may not write to the output folder. Choose another folder.</source>
        <translation>spotdesk 没有输出文件夹的写入权限。请换一个文件夹。</translation>
    </message>
    <message>
        <source>The file name is too long. Shorten the filename template.</source>
        <translation>文件名过长。请缩短文件命名模板。</translation>
    </message>
    <message>
        <source>The task database cannot be reached. spotdesk keeps trying.</source>
        <translation>无法连接任务数据库。spotdesk 会持续重试。</translation>
    </message>
    <message>
        <source>Another worker took over this task.</source>
        <translation>另一个工作进程接管了此任务。</translation>
    </message>
    <message>
        <source>This action is not possible in the task&apos;s current state.</source>
        <translation>任务当前的状态不允许此操作。</translation>
    </message>
    <message>
        <source>The task no longer exists.</source>
        <translation>该任务已不存在。</translation>
    </message>
    <message>
        <source>The worker stopped unexpectedly. The task will run again.</source>
        <translation>工作进程意外退出。任务会重新运行。</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>The input is not valid.</source>
        <translation>输入无效。</translation>
    </message>
    <message>
        <source>spotdesk hit an internal error. The log has the details.</source>
        <translation>spotdesk 发生内部错误。详情请查看日志。</translation>
    </message>
    <message>
        <source>This is not a Spotify link.</source>
        <translation>这不是 Spotify 链接。</translation>
    </message>
    <message>
        <source>spotdesk cannot download this kind of Spotify link.</source>
        <translation>spotdesk 无法下载这类 Spotify 链接。</translation>
    </message>
    <message>
        <source>Local files exist only on your computer, so spotdesk cannot fetch them.</source>
        <translation>本地文件只存在于你的电脑上，spotdesk 无法获取。</translation>
    </message>
    <message>
        <source>Write a manual pair as AUDIO_URL|SPOTIFY_TRACK_LINK.</source>
        <translation>手动配对请写成 音频网址|Spotify 歌曲链接（AUDIO_URL|SPOTIFY_TRACK_LINK）。</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>进行中</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Reading from Spotify</source>
        <translation>正在读取 Spotify 信息</translation>
    </message>
    <message>
        <source>Searching</source>
        <translation>正在搜索</translation>
    </message>
    <message>
        <source>Matching</source>
        <translation>正在匹配</translation>
    </message>
    <message>
        <source>Downloading</source>
        <translation>正在下载</translation>
    </message>
    <message>
        <source>Converting</source>
        <translation>正在转换</translation>
    </message>
    <message>
        <source>Tagging</source>
        <translation>正在写入标签</translation>
    </message>
    <message>
        <source>Saving</source>
        <translation>正在保存</translation>
    </message>
    <message>
        <source>Failed for an unknown reason. See the log for details.</source>
        <translation>因未知原因失败。详情请查看日志。</translation>
    </message>
</context>
<context>
    <name>FirstRunGuide</name>
    <message>
        <source>Welcome to spotdesk</source>
        <translation>欢迎使用 spotdesk</translation>
    </message>
    <message>
        <source>Skip</source>
        <translation>跳过</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始使用</translation>
    </message>
    <message>
        <source>Where your music goes</source>
        <translation>音乐保存位置</translation>
    </message>
    <message>
        <source>Every downloaded track is saved in this folder.</source>
        <translation>下载的每首歌都会保存到这个文件夹。</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>The file name template, such as &quot;Artist - Title.mp3&quot;, can be changed later in Settings.</source>
        <translation>文件命名模板（例如“艺人 - 歌名.mp3”）之后可以在设置中修改。</translation>
    </message>
    <message>
        <source>Audio format</source>
        <translation>音频格式</translation>
    </message>
    <message>
        <source>MP3 plays everywhere. M4A and Opus keep YouTube&apos;s audio without re-encoding it. FLAC only makes a lossy source larger.</source>
        <translation>MP3 几乎所有设备都能播放。M4A 和 Opus 直接保留 YouTube 的原始音频，无需重新编码。FLAC 只会让有损音源的文件变大，音质并不会提升。</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <source>Spotify access</source>
        <translation>Spotify 访问方式</translation>
    </message>
    <message>
        <source>spotdesk works without a Spotify account.</source>
        <translation>不登录 Spotify 账号也能使用 spotdesk。</translation>
    </message>
    <message>
        <source>Without credentials, spotdesk reads Spotify&apos;s public pages: public tracks, albums and playlists work, but there are no ISRC codes, so matches are less certain. For full metadata, enter your own Spotify app&apos;s client id and secret in Settings, Spotify; to read your private playlists and Liked Songs, log in there.</source>
        <translation>没有凭据时，spotdesk 读取 Spotify 的公开网页：公开的歌曲、专辑和歌单都能下载，但拿不到 ISRC 编码，匹配的把握会小一些。如需完整的元数据，请在“设置 › Spotify”中填写你自己的 Spotify 应用的客户端 ID 和密钥；如需读取私人歌单和“已点赞的歌曲”，请在同一页登录。</translation>
    </message>
    <message>
        <source>Choose the music folder</source>
        <translation>选择音乐文件夹</translation>
    </message>
</context>
<context>
    <name>Formatting</name>
    <message>
        <source>{size}/s</source>
        <translation>{size}/秒</translation>
    </message>
    <message>
        <source>{hours} h {minutes:02d} min</source>
        <translation>{hours} 小时 {minutes:02d} 分</translation>
    </message>
    <message>
        <source>{minutes} min {seconds:02d} s</source>
        <translation>{minutes} 分 {seconds:02d} 秒</translation>
    </message>
    <message>
        <source>{seconds} s</source>
        <translation>{seconds} 秒</translation>
    </message>
</context>
<context>
    <name>LinkBox</name>
    <message>
        <source>&amp;Add</source>
        <translation>添加(&amp;A)</translation>
    </message>
    <message>
        <source>Paste Spotify links to tracks, albums, playlists or artists, then press Enter. You can also drop links anywhere on the window.</source>
        <translation>粘贴 Spotify 歌曲、专辑、歌单或艺人链接，然后按回车。也可以把链接拖放到窗口的任意位置。</translation>
    </message>
    <message>
        <source>Paste one or more Spotify links first.</source>
        <translation>请先粘贴一个或多个 Spotify 链接。</translation>
    </message>
    <message>
        <source>Adding…</source>
        <translation>正在添加…</translation>
    </message>
    <message numerus="yes">
        <source>Added %n link(s) to the queue.</source>
        <translation>
            <numerusform>已将 %n 个链接加入队列。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n link(s) were already in the queue.</source>
        <translation>
            <numerusform>%n 个链接已在队列中。</numerusform>
        </translation>
    </message>
    <message>
        <source>“{text}”: {reason}</source>
        <translation>“{text}”：{reason}</translation>
    </message>
    <message numerus="yes">
        <source>%n more entries were not accepted.</source>
        <translation>
            <numerusform>另有 %n 项未被接受。</numerusform>
        </translation>
    </message>
    <message>
        <source>No Spotify links were found in the text.</source>
        <translation>文本中没有找到 Spotify 链接。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>spotdesk</source>
        <translation>spotdesk</translation>
    </message>
    <message>
        <source>The new queue is used after spotdesk restarts.</source>
        <translation>重启 spotdesk 后才会使用新的队列。</translation>
    </message>
    <message>
        <source>The track is queued again with the chosen match.</source>
        <translation>这首歌已按所选匹配项重新加入队列。</translation>
    </message>
    <message>
        <source>spotdesk keeps running</source>
        <translation>spotdesk 仍在运行</translation>
    </message>
    <message>
        <source>Downloads continue in the background. Use the tray icon to open the window or quit. You can change this in Settings.</source>
        <translation>下载会在后台继续。可以通过托盘图标打开窗口或退出。此行为可在设置中更改。</translation>
    </message>
    <message>
        <source>Stopping workers…</source>
        <translation>正在停止工作进程…</translation>
    </message>
    <message>
        <source>About spotdesk</source>
        <translation>关于 spotdesk</translation>
    </message>
    <message>
        <source>spotdesk {version}

Turns Spotify links into tagged audio files.
Free software under the GNU GPL, version 3 or later.</source>
        <translation>spotdesk {version}

把 Spotify 链接变成带完整标签的音频文件。
自由软件，以 GNU GPL 第 3 版或更高版本授权。</translation>
    </message>
</context>
<context>
    <name>MatchDialog</name>
    <message>
        <source>Choose a match</source>
        <translation>选择匹配项</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>频道</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>Confidence</source>
        <translation>匹配度</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>依据</translation>
    </message>
    <message>
        <source>The search found no candidates for this track.</source>
        <translation>没有搜索到这首歌的候选结果。</translation>
    </message>
    <message>
        <source>Or paste the address of a YouTube or YouTube Music page</source>
        <translation>或粘贴 YouTube / YouTube Music 页面地址</translation>
    </message>
    <message>
        <source>Download this match</source>
        <translation>下载此匹配项</translation>
    </message>
    <message>
        <source>Spotify track: {title} by {artists} ({length})</source>
        <translation>Spotify 歌曲：{title} — {artists}（{length}）</translation>
    </message>
    <message>
        <source>Select a candidate or paste an address.</source>
        <translation>请选择一个候选结果，或粘贴地址。</translation>
    </message>
    <message>
        <source>“{url}” is not a web address starting with https://.</source>
        <translation>“{url}”不是以 https:// 开头的网址。</translation>
    </message>
</context>
<context>
    <name>MatchReason</name>
    <message>
        <source>found by ISRC</source>
        <translation>通过 ISRC 找到</translation>
    </message>
    <message>
        <source>title matches</source>
        <translation>标题一致</translation>
    </message>
    <message>
        <source>title similar</source>
        <translation>标题相近</translation>
    </message>
    <message>
        <source>title differs</source>
        <translation>标题不同</translation>
    </message>
    <message>
        <source>title unknown</source>
        <translation>标题未知</translation>
    </message>
    <message>
        <source>title in another script</source>
        <translation>标题为其他文字</translation>
    </message>
    <message>
        <source>artist matches</source>
        <translation>艺人一致</translation>
    </message>
    <message>
        <source>artist differs</source>
        <translation>艺人不同</translation>
    </message>
    <message>
        <source>artist unknown</source>
        <translation>艺人未知</translation>
    </message>
    <message>
        <source>main artist missing</source>
        <translation>缺少主艺人</translation>
    </message>
    <message>
        <source>artist in another script</source>
        <translation>艺人名为其他文字</translation>
    </message>
    <message>
        <source>duration matches</source>
        <translation>时长一致</translation>
    </message>
    <message>
        <source>duration close</source>
        <translation>时长接近</translation>
    </message>
    <message>
        <source>duration differs</source>
        <translation>时长不同</translation>
    </message>
    <message>
        <source>duration unknown</source>
        <translation>时长未知</translation>
    </message>
    <message>
        <source>duration far off</source>
        <translation>时长相差很大</translation>
    </message>
    <message>
        <source>album matches</source>
        <translation>专辑一致</translation>
    </message>
    <message>
        <source>album differs</source>
        <translation>专辑不同</translation>
    </message>
    <message>
        <source>official song</source>
        <translation>官方音频</translation>
    </message>
    <message>
        <source>music video</source>
        <translation>音乐视频</translation>
    </message>
    <message>
        <source>video upload</source>
        <translation>用户上传视频</translation>
    </message>
    <message>
        <source>podcast episode</source>
        <translation>播客节目</translation>
    </message>
    <message>
        <source>live version</source>
        <translation>现场版</translation>
    </message>
    <message>
        <source>cover</source>
        <translation>翻唱</translation>
    </message>
    <message>
        <source>karaoke</source>
        <translation>卡拉 OK 伴奏</translation>
    </message>
    <message>
        <source>instrumental</source>
        <translation>纯音乐</translation>
    </message>
    <message>
        <source>remix</source>
        <translation>混音版</translation>
    </message>
    <message>
        <source>sped up</source>
        <translation>加速版</translation>
    </message>
    <message>
        <source>slowed</source>
        <translation>减速版</translation>
    </message>
    <message>
        <source>nightcore</source>
        <translation>Nightcore 版</translation>
    </message>
    <message>
        <source>8D audio</source>
        <translation>8D 音效版</translation>
    </message>
    <message>
        <source>hour-long loop</source>
        <translation>长时间循环</translation>
    </message>
    <message>
        <source>{marker}, not requested</source>
        <translation>{marker}（非所需版本）</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
</context>
<context>
    <name>Notifier</name>
    <message numerus="yes">
        <source>%n track(s) downloaded</source>
        <translation>
            <numerusform>已下载 %n 首</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>, %n failed or need review</source>
        <translation>
            <numerusform>，%n 首失败或待确认</numerusform>
        </translation>
    </message>
    <message>
        <source>Finished: {title}</source>
        <translation>已完成：{title}</translation>
    </message>
    <message numerus="yes">
        <source>%n track(s) failed</source>
        <translation>
            <numerusform>%n 首歌下载失败</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n track(s) need a match</source>
        <translation>
            <numerusform>%n 首歌需要选择匹配项</numerusform>
        </translation>
    </message>
    <message>
        <source>Click to choose the right recording.</source>
        <translation>点击此处选择正确的音源。</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>spotdesk settings</source>
        <translation>spotdesk 设置</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Spotify</source>
        <translation>Spotify</translation>
    </message>
    <message>
        <source>Interface</source>
        <translation>界面</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Save music in:</source>
        <translation>音乐保存到：</translation>
    </message>
    <message>
        <source>File name template:</source>
        <translation>文件命名模板：</translation>
    </message>
    <message>
        <source>Example:</source>
        <translation>示例：</translation>
    </message>
    <message>
        <source>Fields: {title} {artist} {artists} {album} {album_artist} {track_number:02d} {disc_number} {year} {playlist} {playlist_position} {isrc} {ext}</source>
        <translation>可用字段：{title} {artist} {artists} {album} {album_artist} {track_number:02d} {disc_number} {year} {playlist} {playlist_position} {isrc} {ext}</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <source>{kbps} kbit/s</source>
        <translation>{kbps} kbit/s</translation>
    </message>
    <message>
        <source>Bitrate:</source>
        <translation>比特率：</translation>
    </message>
    <message>
        <source>Embed lyrics when LRCLIB has them</source>
        <translation>LRCLIB 有歌词时嵌入歌词</translation>
    </message>
    <message>
        <source>Also save synced lyrics as a .lrc file</source>
        <translation>同时把同步歌词另存为 .lrc 文件</translation>
    </message>
    <message>
        <source>Keep the existing file</source>
        <translation>保留已有文件</translation>
    </message>
    <message>
        <source>Replace it</source>
        <translation>覆盖</translation>
    </message>
    <message>
        <source>Save beside it with a number</source>
        <translation>另存为带编号的新文件</translation>
    </message>
    <message>
        <source>When the file exists:</source>
        <translation>文件已存在时：</translation>
    </message>
    <message>
        <source>Parallel downloads:</source>
        <translation>同时下载数：</translation>
    </message>
    <message>
        <source>None</source>
        <translation>不使用</translation>
    </message>
    <message>
        <source>Browser cookies for YouTube:</source>
        <translation>YouTube 使用的浏览器 Cookie：</translation>
    </message>
    <message>
        <source>Cookies from a browser where you are signed in to YouTube help when YouTube asks to confirm you are not a bot, and for age-restricted videos.</source>
        <translation>如果 YouTube 要求验证你不是机器人，或遇到有年龄限制的视频，使用已登录 YouTube 的浏览器的 Cookie 会有帮助。</translation>
    </message>
    <message>
        <source>On this computer (embedded database)</source>
        <translation>本机（内置数据库）</translation>
    </message>
    <message>
        <source>Shared MongoDB queue, for several computers</source>
        <translation>共享的 MongoDB 队列（多台电脑共用）</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <source>Changing the queue takes effect after spotdesk restarts.</source>
        <translation>更改队列后需重启 spotdesk 才会生效。</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <source>Closing the window keeps spotdesk running in the tray</source>
        <translation>关闭窗口后 spotdesk 继续在托盘中运行</translation>
    </message>
    <message>
        <source>Offer to add Spotify links I copy</source>
        <translation>复制 Spotify 链接时询问是否添加</translation>
    </message>
    <message>
        <source>Choose the music folder</source>
        <translation>选择音乐文件夹</translation>
    </message>
    <message>
        <source>Enter a URI starting with mongodb://</source>
        <translation>请输入以 mongodb:// 开头的 URI</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>Connected. The queue holds {count} tracks.</source>
        <translation>连接成功。队列中共有 {count} 首歌。</translation>
    </message>
    <message>
        <source>Connection failed: {reason}</source>
        <translation>连接失败：{reason}</translation>
    </message>
</context>
<context>
    <name>SpotifyPage</name>
    <message>
        <source>Without credentials, spotdesk reads Spotify&apos;s public web pages. That works for public tracks, albums and playlists, but gives no ISRC codes (so matches are less certain), no genres, and no private playlists. With your own Spotify app&apos;s client id and secret, spotdesk uses the Web API instead; create the app for free at developer.spotify.com/dashboard.</source>
        <translation>没有凭据时，spotdesk 读取 Spotify 的公开网页。这样可以下载公开的歌曲、专辑和歌单，但拿不到 ISRC 编码（匹配的把握会小一些），也没有流派信息，更无法读取私人歌单。填写你自己的 Spotify 应用的客户端 ID 和密钥后，spotdesk 会改用 Web API；可在 developer.spotify.com/dashboard 免费创建应用。</translation>
    </message>
    <message>
        <source>Your Spotify app</source>
        <translation>你的 Spotify 应用</translation>
    </message>
    <message>
        <source>Client ID:</source>
        <translation>客户端 ID：</translation>
    </message>
    <message>
        <source>Client secret:</source>
        <translation>客户端密钥：</translation>
    </message>
    <message>
        <source>Stored in the system keyring; type to replace it</source>
        <translation>已保存在系统密钥环中；输入新值即可替换</translation>
    </message>
    <message>
        <source>Your playlists and Liked Songs</source>
        <translation>你的歌单和“已点赞的歌曲”</translation>
    </message>
    <message>
        <source>Log in with Spotify</source>
        <translation>登录 Spotify</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <source>Logging in lets spotdesk read your private playlists and Liked Songs. Add {uri} as a redirect URI of your Spotify app first.</source>
        <translation>登录后，spotdesk 可以读取你的私人歌单和“已点赞的歌曲”。请先在你的 Spotify 应用中把 {uri} 添加为重定向 URI。</translation>
    </message>
    <message>
        <source>Not logged in.</source>
        <translation>尚未登录。</translation>
    </message>
    <message>
        <source>Logged in. spotdesk can read your private playlists and Liked Songs.</source>
        <translation>已登录。spotdesk 可以读取你的私人歌单和“已点赞的歌曲”。</translation>
    </message>
    <message>
        <source>Logged in, but without access to Liked Songs. Log in again to allow it.</source>
        <translation>已登录，但没有读取“已点赞的歌曲”的权限。请重新登录以允许访问。</translation>
    </message>
    <message>
        <source>Waiting for you to allow access in the browser…</source>
        <translation>请在浏览器中授权访问…</translation>
    </message>
    <message>
        <source>Login failed: {reason}</source>
        <translation>登录失败：{reason}</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>Queued {queued} · Active {active} · Done {done} · Failed {failed}</source>
        <translation>排队 {queued} · 进行中 {active} · 完成 {done} · 失败 {failed}</translation>
    </message>
    <message numerus="yes">
        <source>%n track(s) need a match chosen by you.</source>
        <translation>
            <numerusform>%n 首歌需要你选择匹配项。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Workers: %n running</source>
        <translation>
            <numerusform>工作进程：%n 个运行中</numerusform>
        </translation>
    </message>
    <message>
        <source>Store: MongoDB at {host}</source>
        <translation>队列：MongoDB（{host}）</translation>
    </message>
    <message>
        <source>Store: embedded</source>
        <translation>队列：本机内置</translation>
    </message>
    <message>
        <source>Store unreachable, retrying</source>
        <translation>无法连接队列，正在重试</translation>
    </message>
    <message>
        <source>Spotify asks us to wait until {time} ({remaining} left)</source>
        <translation>Spotify 要求等到 {time} 再继续（还剩 {remaining}）</translation>
    </message>
</context>
<context>
    <name>TaskActions</name>
    <message>
        <source>&amp;Cancel</source>
        <translation>取消(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>暂停(&amp;P)</translation>
    </message>
    <message>
        <source>Res&amp;ume</source>
        <translation>继续(&amp;U)</translation>
    </message>
    <message>
        <source>Pause or resume</source>
        <translation>暂停或继续</translation>
    </message>
    <message>
        <source>&amp;Retry</source>
        <translation>重试(&amp;R)</translation>
    </message>
    <message>
        <source>Re&amp;move</source>
        <translation>移除(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Open file</source>
        <translation>打开文件(&amp;O)</translation>
    </message>
    <message>
        <source>Show in &amp;folder</source>
        <translation>在文件夹中显示(&amp;F)</translation>
    </message>
    <message>
        <source>Copy Spotify &amp;link</source>
        <translation>复制 Spotify 链接(&amp;L)</translation>
    </message>
    <message>
        <source>C&amp;hoose match…</source>
        <translation>选择匹配项(&amp;H)…</translation>
    </message>
    <message>
        <source>Pause all</source>
        <translation>全部暂停</translation>
    </message>
    <message>
        <source>Resume all</source>
        <translation>全部继续</translation>
    </message>
    <message>
        <source>Clear finished</source>
        <translation>清除已完成</translation>
    </message>
    <message numerus="yes">
        <source>Copied %n link(s).</source>
        <translation>
            <numerusform>已复制 %n 个链接。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TaskCounts</name>
    <message numerus="yes">
        <source>%n track(s)</source>
        <translation>
            <numerusform>%n 首</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TaskDisplay</name>
    <message>
        <source>Album</source>
        <translation>专辑</translation>
    </message>
    <message>
        <source>Playlist</source>
        <translation>歌单</translation>
    </message>
    <message>
        <source>Artist</source>
        <translation>艺人</translation>
    </message>
    <message>
        <source>Link</source>
        <translation>链接</translation>
    </message>
    <message>
        <source>Waiting until {time}</source>
        <translation>等待至 {time}</translation>
    </message>
    <message>
        <source>Already in the library</source>
        <translation>曲库中已有</translation>
    </message>
    <message>
        <source>Pausing…</source>
        <translation>正在暂停…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>%n of {total} done</source>
        <translation>已完成 %n/{total}</translation>
    </message>
    <message>
        <source>%n to review</source>
        <translation>%n 首待确认</translation>
    </message>
    <message>
        <source>%n failed</source>
        <translation>%n 首失败</translation>
    </message>
    <message>
        <source>%n paused</source>
        <translation>%n 首已暂停</translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <source>{title} by {channel}</source>
        <translation>{title}（{channel}）</translation>
    </message>
</context>
<context>
    <name>TaskModel</name>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Artists</source>
        <translation>艺人</translation>
    </message>
    <message>
        <source>Album</source>
        <translation>专辑</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <source>ETA</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Match</source>
        <translation>匹配度</translation>
    </message>
</context>
<context>
    <name>TemplatePreview</name>
    <message>
        <source>The template is empty.</source>
        <translation>模板为空。</translation>
    </message>
    <message>
        <source>Invalid template: {reason}</source>
        <translation>模板无效：{reason}</translation>
    </message>
</context>
<context>
    <name>TrayController</name>
    <message>
        <source>Hide window</source>
        <translation>隐藏窗口</translation>
    </message>
    <message>
        <source>Show window</source>
        <translation>显示窗口</translation>
    </message>
    <message>
        <source>Quit spotdesk</source>
        <translation>退出 spotdesk</translation>
    </message>
    <message>
        <source>spotdesk: {active} active, {queued} queued, {done} done, {failed} failed</source>
        <translation>spotdesk：进行中 {active}，排队 {queued}，完成 {done}，失败 {failed}</translation>
    </message>
</context>
<context>
    <name>WindowMenus</name>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;About spotdesk</source>
        <translation>关于 spotdesk(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Tasks</source>
        <translation>任务(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Toolbar</source>
        <translation>工具栏</translation>
    </message>
    <message>
        <source>All tasks</source>
        <translation>全部任务</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>进行中</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Needs review</source>
        <translation>待确认</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Search title, artist, album</source>
        <translation>搜索歌名、艺人、专辑</translation>
    </message>
</context>
</TS>
