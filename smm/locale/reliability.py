"""Strings of store faults and the optional team login: (zh-CN, English)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "store.unavailable": (
        "无法写入数据库 {path}：{reason}。请确认数据目录可写、磁盘有剩余空间，然后刷新页面。没有任何数据被改动。",
        "The store {path} cannot be written: {reason}. Check that its folder is writable and the disk has space, "
        "then reload. Nothing was changed."),
    "store.damaged": (
        "数据库文件 {path} 已损坏，无法打开：{reason}。smm 没有改动或删除它。请停止 smm，把该文件（连同同名的 .wal "
        "文件）移到别处保存，或换回备份，然后刷新页面：没有数据库文件时 smm 会新建一个空库，再在「数据」页重新上传各周导出。",
        "The store file {path} is damaged and cannot be opened: {reason}. smm has not changed or deleted it. Stop "
        "smm, move that file (and a .wal file of the same name) somewhere safe or put a backup in its place, then "
        "reload: without a store file smm creates an empty one, and the weekly exports can be uploaded again on the "
        "Data page."),
    "store.wal_set_aside": (
        "数据库的预写日志（WAL）已损坏，已改名保存为 {file}（未删除）。当前显示的是最后一次检查点时的数据，"
        "日志中最近的载入可能缺失：请在「数据」页核对载入记录并重新上传缺失的文件。处理完后把该文件移走即可隐藏此提示。",
        "The store's write-ahead log was damaged and was renamed to {file} (not deleted). You are seeing the data "
        "as of the last checkpoint; the most recent loads it held may be missing: check the load history on the "
        "Data page and upload those files again. Move that file away to hide this notice."),
    "err.write_failed": (
        "{file}：无法写入数据库（磁盘已满或数据目录只读），没有载入任何内容。（{value}）",
        "{file}: could not write to the store (disk full or data folder read-only); nothing was loaded. ({value})"),
    # optional team login (smm/auth.py)
    "auth.title": ("smm 社媒营销看板 · 请登录", "smm social marketing dashboard · sign in"),
    "auth.prompt": ("此看板仅限团队成员访问，请使用公司账号登录。", "This dashboard is for team members: sign in with "
                    "your work account."),
    "auth.login": ("登录", "Sign in"),
    "auth.logout": ("退出登录", "Sign out"),
    "auth.signed_in": ("已登录：{who}", "Signed in as {who}"),
    "auth.denied": ("账号 {who} 没有访问此看板的权限。请换一个账号登录，或联系管理员把你加入允许名单。",
                    "The account {who} may not open this dashboard. Sign in with another account, or ask the "
                    "administrator to add you to the allow list."),
    "auth.misconfigured": (
        "已开启登录（SMM_AUTH=oidc），但 .streamlit/secrets.toml 中没有 [auth] 配置，因此拒绝所有访问。"
        "请按 README「可靠性与安全」一节配置 OIDC。",
        "Login is switched on (SMM_AUTH=oidc) but .streamlit/secrets.toml has no [auth] section, so nobody is let "
        "in. Configure OIDC as described in the README (Reliability section)."),
}
