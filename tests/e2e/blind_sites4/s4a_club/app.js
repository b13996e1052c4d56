(function(){
  var view = document.getElementById('view');
  var cache = {};
  function get(u, cb){ if(cache[u]) return cb(cache[u]);
    var x = new XMLHttpRequest(); x.open('GET', u); x.onload = function(){ cache[u] = JSON.parse(x.responseText); cb(cache[u]); }; x.send(); }
  function home(){
    view.innerHTML = '<img src="/img/honor.png" width="720" alt="荣誉">' +
      '<h2>健康+财富，一份事业两份收获</h2>' +
      '<p>在家动动手机，分享健康就能赚钱，零风险，坚持三个月月入过万不是梦，公司保底承诺。</p>' +
      '<p>已有 <b>386,520</b> 位合伙人加入</p>' +
      '<ul><li><a href="#/item/1">高原虫草精华片</a></li><li><a href="#/item/2">沙棘黄酮胶囊</a></li><li><a href="#/item/3">合伙人事业礼包</a></li></ul>';
  }
  function item(id){
    get('/data/products.json', function(d){
      var p = d.items.filter(function(i){ return String(i.id) === id; })[0];
      if(!p){ view.innerHTML = '<p>商品不存在</p>'; return; }
      var h = '<h1>' + p.name + '</h1><p>会员价：￥' + p.price + '</p>';
      p.claims.forEach(function(c){ h += '<p>' + c + '</p>'; });
      if(p.ship) h += '<p>配送：' + p.ship + '</p>';
      h += '<p><a href="/join.html">立即报单</a></p>';
      view.innerHTML = h;
    });
  }
  function plan(){
    get('/data/plan.json', function(d){
      var h = '<h1>' + d.title + '</h1>';
      d.rules.forEach(function(r){ h += '<h3>' + r.name + '</h3><p>' + r.text + '</p>'; });
      view.innerHTML = h;
    });
  }
  function route(){
    var m = location.hash.match(/^#\/item\/(\d+)/);
    if(m) return item(m[1]);
    if(location.hash === '#/plan') return plan();
    home();
  }
  window.addEventListener('hashchange', route); route();
})();
