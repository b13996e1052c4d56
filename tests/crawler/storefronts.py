"""The storefront fixture sites used by the crawler, spider, pipeline and evidence tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tests.crawler.sitekit import Site, huge, png, slow_drip

FOOTER = ('<div class="footer">营业执照：<a href="/license.html">电子营业执照</a> '
          '统一社会信用代码 91630100MA7XXXXX0X　青ICP备2023000001号-1</div>')


def _shell(title: str, body: str, charset: str = "utf-8") -> str:
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="{charset}"><title>{title}</title></head>'
            f"<body>{body}</body></html>")


def build_static(other: Site) -> Site:
    """A plain storefront: licence page, terms, privacy, products, GB18030 page and traps."""
    s = Site("static")
    nav = ('<div class="header"><a href="/">首页</a> <a href="/about.html">关于我们</a> '
           '<a href="/terms.html">用户协议</a> <a href="/privacy.html">隐私政策</a> '
           '<a href="/returns.html">退换货说明</a></div>')
    products = "".join(f'<li><a href="/item/{i}.html">商品{i} 青海牦牛肉干</a> ￥{i * 10 + 9}</li>' for i in range(1, 6))
    s.page("/", _shell("高原好物商城", nav + f"<div class='main'><h1>高原好物商城</h1><ul>{products}</ul>"
                       "<p>本店所售商品均为正品，支持七天无理由退货。</p>"
                       f'<a href="{other.url("/partner")}"><img src="/badge.png" width="80" height="30" alt="可信网站"></a>'
                       f' <a href="{other.url("/ad")}">合作伙伴</a>'
                       '<a href="/gbk.html">老页面</a> <a href="/missing.html">失效链接</a> '
                       '<a href="/go-away">去别处</a> <a href="/go-other-port">另一个端口</a> '
                       '<a href="/calendar?date=2024-01-01">活动日历</a> <a href="/huge.html">大页面</a> '
                       '<a href="/slow.html">慢页面</a> <a href="/secret/admin.html">后台</a>'
                       "</div>" + FOOTER))
    s.page("/about.html", _shell("关于我们", nav + "<h2>关于我们</h2><p>西宁高原好物电子商务有限公司，成立于2019年。</p>" + FOOTER))
    s.page("/license.html", _shell("营业执照", nav + '<h2>营业执照</h2><img src="/license.png" width="300" height="200" '
                                   'alt="营业执照"><p>名称：西宁高原好物电子商务有限公司</p>' + FOOTER))
    s.page("/terms.html", _shell("用户协议", nav + "<h2>用户服务协议</h2><p>本协议最终解释权归本店所有。</p>" + FOOTER))
    s.page("/privacy.html", _shell("隐私政策", nav + "<h2>隐私政策</h2><p>我们仅收集配送所需的个人信息。</p>" + FOOTER))
    s.page("/returns.html", _shell("退换货", nav + "<h2>退换货说明</h2><p>签收后七日内可无理由退货。</p>" + FOOTER))
    for i in range(1, 6):
        s.page(f"/item/{i}.html", _shell(f"商品{i}", nav + f"<div class='product'><h1>商品{i} 青海牦牛肉干</h1>"
                                          f"<p class='price'>价格：￥{i * 10 + 9}</p><p>快递包邮，支持微信支付、支付宝。</p>"
                                          "</div>" + FOOTER))
    s.page("/gbk.html", _shell("老页面", "<p>本店郑重承诺：假一赔十，镕铢必较。营业执照公示。</p>", charset="gb2312"),
           encoding="gb18030", content_type="text/html")
    s.redirect("/go-away", other.url("/landing"))
    s.redirect("/go-other-port", f"http://127.0.0.1:{other.port}/x")
    s.page("/robots.txt", "User-agent: *\nDisallow: /secret/\n", content_type="text/plain")
    s.page("/secret/admin.html", _shell("后台", "<p>后台入口</p>"))

    def calendar(path: str) -> tuple[int, dict[str, str], bytes]:
        day = int(path.rsplit("-", 1)[-1]) if "-" in path else 1
        nxt = f"/calendar?date=2024-01-{day + 1:02d}"
        html = _shell("活动日历", f"<p>2024年1月{day}日 无活动</p><a href='{nxt}'>下一天</a>")
        return 200, {"Content-Type": "text/html; charset=utf-8"}, html.encode()

    s.raw("/calendar", calendar)
    s.raw("/huge.html", huge(50 * 1024 * 1024, declare_length=False))
    s.raw("/slow.html", slow_drip(30.0))
    badge = png(80, 30, "TRUST")
    s.raw("/badge.png", lambda _p: (200, {"Content-Type": "image/png"}, badge))
    lic = png(300, 200, "LICENSE")
    s.raw("/license.png", lambda _p: (200, {"Content-Type": "image/png"}, lic))
    return s


JS_HOME = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>雪域臻品</title></head><body>
<div id="app"></div>
<iframe src="/frame.html" width="1" height="1" style="border:0"></iframe>
<script>
setTimeout(function () {
  var app = document.getElementById('app');
  app.innerHTML = '<h1>雪域臻品旗舰店</h1>' +
    '<div class="product"><p class="price">特价：￥199</p><p class="claim">本品为国家级特效保健品，根治高血压</p></div>' +
    '<a href="/item/7.html">冬虫夏草礼盒</a> <a href="/about.html">关于我们</a>' +
    '<div class="footer">营业执照：西宁雪域臻品商贸有限公司 青ICP备2024000777号</div>';
  window.open('/popup-ad.html');
  alert('限时优惠！');
}, 300);
</script></body></html>"""

HASH_SPA = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>哈希商城</title></head><body>
<nav><a href="#/">首页</a> <a href="#/about">关于我们</a> <a href="#/product/3">商品3</a></nav><div id="view"></div>
<script>
var views = {'/': '<p>欢迎光临哈希商城</p>', '/about': '<p>哈希商城营业执照编号 HX-2024-001</p>',
             '/product/3': '<p>商品3 售价￥33 包邮</p>'};
function show() { var r = location.hash.slice(1) || '/'; document.getElementById('view').innerHTML = views[r] || '<p>无此页</p>'; }
window.addEventListener('hashchange', show); show();
</script></body></html>"""

HISTORY_SPA = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>历史路由商城</title></head><body>
<div id="root"></div>
<script>
var views = {'/': '<p>历史路由商城首页</p><a href="/spa/licence" data-link>资质证照</a> <a href="/spa/item/9" data-link>商品9</a>',
             '/spa/licence': '<p>资质证照：食品经营许可证 JY16301000000000</p>',
             '/spa/item/9': '<p>商品9 售价￥99 七天无理由退货</p>'};
function render() { document.getElementById('root').innerHTML = views[location.pathname] || '<p>404</p>'; }
document.addEventListener('click', function (e) { var a = e.target.closest('a[data-link]'); if (a) { e.preventDefault(); history.pushState({}, '', a.getAttribute('href')); render(); } });
render();
</script></body></html>"""


def build_js() -> Site:
    s = Site("js")
    s.page("/", JS_HOME)
    s.page("/frame.html", "<html><body>tracker</body></html>")
    s.page("/popup-ad.html", "<html><body>广告</body></html>")
    s.page("/item/7.html", _shell("冬虫夏草礼盒", "<p>冬虫夏草礼盒 ￥1999</p>"))
    s.page("/about.html", _shell("关于我们", "<p>西宁雪域臻品商贸有限公司</p>"))
    s.page("/hash/", HASH_SPA)
    for path in ("/spa/", "/spa/licence", "/spa/item/9"):
        s.page(path, HISTORY_SPA.replace("location.pathname", "location.pathname.replace(/^\\/spa\\/?$/, '/')"))
    return s


@contextmanager
def running_sites() -> Iterator[dict[str, Site]]:
    other = Site("other").start()
    other.page("/landing", "<html><body>other host</body></html>")
    static = build_static(other).start()
    js = build_js().start()
    try:
        yield {"static": static, "js": js, "other": other}
    finally:
        for site in (static, js, other):
            site.stop()
