"""Per-area message tables (zh-CN, en), merged into smm.i18n.MESSAGES at import."""
