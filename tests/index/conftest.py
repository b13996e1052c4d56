"""Fixtures for index/: a store with a small Chinese data set, and both search backends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from pydantic import SecretStr

from store.db import Store
from store.lifecycle import enqueue
from store.models import CrawlRun, Finding, PageRecord, Storefront

SHANGHAI = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class EsSettings:
    """Shaped like ``settings.elasticsearch``."""

    url: str | None
    username: str | None = None
    password: SecretStr | None = None
    api_key: SecretStr | None = None
    ca_file: Path | None = None
    verify_certs: bool = True
    index_prefix: str = "storewatch-test-"
    request_timeout: float = 30.0


@pytest.fixture
def es_settings(es) -> EsSettings:
    return EsSettings(url=es.url, username=es.username, password=SecretStr(es.password), index_prefix=es.index_prefix)


def at(day: int, hour: int = 10) -> datetime:
    """2026-11-<day> <hour>:00 in Shanghai, as UTC."""
    return datetime(2026, 11, day, hour, tzinfo=SHANGHAI).astimezone(UTC)


SHOPS = [
    dict(name="西宁好物商贸有限公司", uscc="91630100MA7XXXX001", domain="haowu.example", site_name="好物商城"),
    dict(name="青海高原特产店", uscc="91630100MA7XXXX002", domain="gaoyuan.example", site_name="高原特产"),
    dict(name="西宁数码城", uscc="91630100MA7XXXX003", domain="shuma.example", site_name="数码城"),
]
# finding id -> (shop index, rule, category, article, severity, status, match, excerpt, first-seen day)
FINDINGS = {
    "f1": (0, "AD-ABSOLUTE-TERM", "false_advertising", "15(5)", "medium", "open", "国家级", "本品为国家级保健产品，效果最佳", 1),
    "f2": (0, "AD-ABSOLUTE-TERM", "false_advertising", "15(5)", "medium", "open", "最低价", "全网最低价，销量第一", 3),
    "f3": (1, "TERMS-FINAL-SAY", "unfair_terms", "15(6)", "high", "open", "最终解释权", "本活动最终解释权归本店所有", 5),
    "f4": (1, "CF-REPLICA", "counterfeit_goods", "15(9)", "critical", "confirmed", "高仿", "高仿名牌包 1:1复刻 Best Seller", 7),
    "f5": (2, "LIC-MISSING", "license_display", "9", "low", "resolved", "营业执照", "这是国家的级别认证说明", 2),
    "f6": (2, "FILING-ICP-MISSING", "filing_display", "16", "low", "open", "ICP", "页脚未展示ICP备案号", 8),
    "f7": (0, "PRIV-UNRELATED-DATA", "privacy", "13(4)", "high", "open", "身份证号", "注册需填写身份证号和银行卡密码", 4),
}
PAGES = [  # (shop index, url, title, text, day)
    (0, "http://haowu.example/", "好物商城首页", "欢迎光临好物商城，本店支持七天无理由退货。", 1),
    (1, "http://gaoyuan.example/about", "关于我们", "青海高原特产，源自三江源。", 2),
]


@pytest.fixture
def store(tmp_path) -> Store:
    s = Store(f"sqlite:///{tmp_path / 'store.db'}")
    s.upgrade()
    yield s
    s.dispose()


def load_dataset(store: Store) -> dict[int, int]:
    """Shops, findings and pages in the store, each with its outbox row. Returns shop index -> id."""
    with store.session() as s:
        shops = [Storefront(**kw) for kw in SHOPS]
        s.add_all(shops)
        s.flush()
        for fid, (shop, rule, cat, art, sev, status, match, excerpt, day) in FINDINGS.items():
            s.add(Finding(finding_id=fid, storefront_id=shops[shop].id, rule_id=rule, category=cat, article=art,
                          law=["广告法 第九条"] if cat == "false_advertising" else [], severity=sev,
                          url=f"http://{shops[shop].domain}/item/{fid}.html", match=match, excerpt=excerpt,
                          page_title=f"{shops[shop].site_name} 商品页", explanation="测试", first_seen=at(day),
                          last_seen=at(day + 2), status=status, status_changed_at=at(day)))
            enqueue(s, "finding", fid)
        for shop, url, title, text, day in PAGES:
            run = CrawlRun(storefront_id=shops[shop].id, status="complete")
            s.add(run)
            s.flush()
            page = PageRecord(crawl_run_id=run.id, storefront_id=shops[shop].id, url=url, title=title, text=text,
                              fetched_at=at(day), status_code=200)
            s.add(page)
            s.flush()
            enqueue(s, "page", page.id)
        return {i: shop.id for i, shop in enumerate(shops)}


@pytest.fixture
def dataset(store) -> dict[int, int]:
    return load_dataset(store)


@pytest.fixture(params=["fts", "es"])
def backend(request, store):
    if request.param == "es":
        from index.es_backend import EsBackend

        conf = request.getfixturevalue("es_settings")
        b = EsBackend.from_settings(conf, retries=2, initial_backoff=0.1, max_backoff=1.0)
    else:
        from index.fts_backend import FtsBackend

        b = FtsBackend(store.url.removeprefix("sqlite:///"))
    yield b
    b.close()


@pytest.fixture
def synced(store, dataset, backend):
    """The data set pushed through the outbox to the backend."""
    from index.sync import sync

    report = sync(store, backend)
    assert report.failed == 0
    assert report.stopped is None
    backend.refresh()
    return backend
