(function () {
  var view = document.getElementById("view");
  var products = [];
  function esc(s) { return String(s); }
  function list() {
    var h = '<img src="img/banner.png" alt="高原和" style="width:100%"><h2>社员直供 · 本季好物</h2><div class="grid">';
    products.forEach(function (p) {
      h += '<div class="card"><img src="' + p.img + '" alt="' + esc(p.name) + '"><p><a href="#/item/' + p.id + '">' + esc(p.name) + '</a></p><p class="price">' + p.price + '</p></div>';
    });
    view.innerHTML = h + "</div>";
  }
  function item(id) {
    var p = products.filter(function (x) { return x.id == id; })[0];
    if (!p) { view.innerHTML = "<p>商品不存在</p>"; return; }
    var h = "<h1>" + esc(p.name) + "</h1><img src=\"" + p.img + "\" width=\"300\" alt=\"" + esc(p.name) + "\">";
    if (p.badge) h += ' <img src="' + p.badge + '" width="110" alt="地理标志保护产品">';
    h += '<p class="price">' + p.price + "</p><p>" + esc(p.desc) + '</p><table class="info">';
    for (var k in p.info) h += "<tr><td>" + k + "</td><td>" + esc(p.info[k]) + "</td></tr>";
    view.innerHTML = h + '</table><p><a href="#/">返回全部商品</a></p>';
  }
  function route() {
    var m = location.hash.match(/^#\/item\/(\d+)/);
    if (m) item(m[1]); else list();
  }
  fetch("data/products.json").then(function (r) { return r.json(); }).then(function (d) {
    products = d; route();
  });
  window.addEventListener("hashchange", route);

  // 促销弹窗：进入页面3秒后弹出，无关闭按钮；角落的“×”只会跳到商品页，20秒后再次弹出
  function showAd() {
    if (document.getElementById("adMask")) return;
    var m = document.createElement("div");
    m.id = "adMask";
    m.innerHTML = '<div style="position:relative"><a href="#/item/3"><img src="img/ad.png" alt="冬至大促 黑枸杞买二送一"></a>' +
      '<span id="fakeX" style="position:absolute;right:4px;top:2px;color:#fff;font-size:12px;cursor:pointer">×</span></div>';
    document.body.appendChild(m);
    document.getElementById("fakeX").onclick = function () { location.hash = "#/item/3"; };
    document.addEventListener("keydown", function (e) { if (e.key === "Escape") e.preventDefault(); }, true);
  }
  setTimeout(showAd, 3000);
  setInterval(function () { var m = document.getElementById("adMask"); if (m) m.remove(); showAd(); }, 20000);
  // 首次点击页面任意位置时自动打开新窗口展示活动页
  document.addEventListener("click", function once() {
    window.open("news.html#promo", "_blank");
    document.removeEventListener("click", once);
  });
})();
