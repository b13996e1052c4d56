"""Chinese labels for severities, categories, statuses and digest reasons (analyst-facing text)."""

from __future__ import annotations

SEVERITY_ORDER = ("critical", "high", "medium", "low", "info")
SEVERITY_ZH = {"critical": "严重", "high": "高", "medium": "中", "low": "低", "info": "提示"}
REASON_ZH = {"new": "新发现", "reopened": "再次出现", "stale": "逾期未处理", "critical": "严重违规即时告警"}
STATUS_ZH = {
    "open": "待研判", "reopened": "再次出现", "resolved": "已消失", "confirmed": "已确认", "dismissed": "已排除",
    "case_opened": "已立案", "notified": "已通知整改", "rectified": "已整改", "ready_to_close": "待结案",
    "closed": "已结案",
}
RUN_STATUS_ZH = {"running": "进行中", "complete": "完整", "partial": "部分抓取", "unreachable": "无法访问",
                 "failed": "失败", "interrupted": "被中断"}
CATEGORY_ZH = {
    "license_display": "营业执照信息公示", "filing_display": "备案信息公示", "mandatory_disclosure": "商品信息披露",
    "return_policy": "七日无理由退货", "unfair_terms": "不公平格式条款", "privacy": "个人信息保护",
    "false_advertising": "虚假宣传", "trademark_misuse": "商标使用违规", "design_copying": "仿冒网站设计",
    "gov_badge_forgery": "伪造政府电子标识", "gov_impersonation": "冒用政府名义", "harassing_ads": "骚扰式广告",
    "counterfeit_goods": "假冒商品", "pyramid_scheme": "网络传销", "malicious_code": "恶意代码",
    "prohibited_goods": "禁限售商品", "platform_rules": "平台规则公示",
}


def article_zh(article: str) -> str:
    """``"15(5)"`` -> ``"《西宁市电子商务信用管理制度》第十五条第（五）项"`` style reference."""
    parts = []
    for piece in str(article).split(","):
        piece = piece.strip()
        if not piece:
            continue
        main, _, item = piece.partition("(")
        text = f"第{_cn_number(int(main))}条" if main.isdigit() else piece
        if item:
            text += f"第（{_cn_number(int(item.rstrip(')')))}）项" if item.rstrip(")").isdigit() else f"({item}"
        parts.append(text)
    return "、".join(parts) or str(article)


def _cn_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)
