/* 高原优选 — single-page storefront: everything below is rendered after load. */
(function () {
  "use strict";
  var site = null, products = [];
  var app = document.getElementById("app");

  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;"}[c];
    });
  }

  function price(p) {
    return (p.was ? '<span class="was">¥' + p.was + '</span>' : "") + '<span class="now">¥' + p.price + "</span>";
  }

  function home() {
    document.title = "高原优选 - 首页";
    var html = '<div class="ad">' + esc(site.banner) + "</div><h2>热卖商品</h2><div class=\"grid\">";
    products.forEach(function (p) {
      html += '<div class="item"><a href="#/product/' + p.id + '"><h3>' + esc(p.name) + "</h3></a><p>" + price(p) + "</p></div>";
    });
    return html + "</div>";
  }

  function product(id) {
    var p = products.filter(function (x) { return String(x.id) === id; })[0];
    if (!p) { return notFound(); }
    document.title = "高原优选 - " + p.name;
    return "<h2>" + esc(p.name) + "</h2><p>" + price(p) + "</p><p class=\"claim\">" + esc(p.claim) + "</p>" +
      '<dl class="spec"><dt>生产者</dt><dd>' + esc(p.producer) + "</dd><dt>运费</dt><dd>" + esc(p.shipping) +
      "</dd><dt>配送方式</dt><dd>" + esc(p.delivery) + "</dd><dt>配送范围</dt><dd>" + esc(p.range) +
      "</dd><dt>支付方式</dt><dd>" + esc(p.payment) + "</dd><dt>退换货</dt><dd>" + esc(p.returns) + "</dd></dl>";
  }

  function page(name) {
    var pg = site.pages[name];
    if (!pg) { return notFound(); }
    document.title = "高原优选 - " + pg.title;
    return "<h2>" + esc(pg.title) + "</h2>" + pg.html;  // trusted HTML from our own API
  }

  function notFound() {
    document.title = "高原优选 - 页面不存在";
    return "<h2>页面不存在</h2><p><a href=\"#/\">返回首页</a></p>";
  }

  function route() {
    var parts = (location.hash || "#/").replace(/^#\/?/, "").split("/");
    var html;
    if (parts[0] === "") { html = home(); }
    else if (parts[0] === "product" && parts[1]) { html = product(parts[1]); }
    else { html = page(parts[0]); }
    app.innerHTML = html;
    app.setAttribute("data-route", location.hash || "#/");
  }

  function chrome() {
    document.getElementById("nav").innerHTML =
      '<a href="#/">首页</a><a href="#/product/1">包袋</a><a href="#/product/2">腕表</a>' +
      '<a href="#/product/3">围巾</a><a href="#/product/4">黑枸杞</a><a href="#/about">关于我们</a><a href="#/service">售后服务</a>';
    document.getElementById("footer").innerHTML =
      "<p>" + esc(site.company) + "　统一社会信用代码：" + esc(site.uscc) + "　地址：" + esc(site.address) +
      "　电话：" + esc(site.phone) + "</p>" +
      '<p><a href="https://zzlz.gsxt.gov.cn/businessShow/' + esc(site.uscc) +
      '"><img src="/img/license-badge.png" width="100" height="40" alt="电子营业执照"></a> ' +
      '<a href="#/about">营业执照</a> | <a href="#/agreement">用户协议</a> | <a href="#/privacy">隐私政策</a> | <a href="#/service">售后服务</a></p>' +
      '<p><a href="https://beian.miit.gov.cn/">' + esc(site.icp) + '</a>　<a href="https://beian.mps.gov.cn/#/query/webSearch?code=' +
      esc(site.police_code) + '">' + esc(site.police) + "</a></p>";
  }

  function getJSON(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) { throw new Error(url + ": HTTP " + r.status); }
      return r.json();
    });
  }

  Promise.all([getJSON("/api/site.json"), getJSON("/api/products.json")]).then(function (res) {
    site = res[0]; products = res[1];
    chrome();
    route();
    window.addEventListener("hashchange", route);
    document.body.setAttribute("data-ready", "1");
    // A promotion window that opens itself on every visit.
    window.open("/promo.html", "promo", "width=420,height=320");
  }).catch(function (err) {
    app.innerHTML = "<p>加载失败：" + esc(err.message) + "</p>";
  });
}());
