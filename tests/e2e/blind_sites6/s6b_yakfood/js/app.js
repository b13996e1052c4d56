(function(){
  function el(t, h){var e=document.createElement(t); if(h!==undefined) e.innerHTML=h; return e;}
  fetch('data/home.json').then(function(r){return r.json();}).then(function(d){
    var app=document.getElementById('app');
    var hd=el('header'); hd.appendChild(el('h1','极地牧歌®旗舰店'));
    hd.appendChild(el('nav','<a href="products/yak-jerky.html">牦牛肉干</a> | <a href="products/fresh-yak.html">冷鲜牦牛肉</a> | <a href="products/wolfberry.html">柴达木枸杞</a> | <a href="news/guide.html">选购指南</a> | <a href="returns.html">售后</a> | <a href="privacy.html">隐私政策</a>'));
    app.appendChild(hd);
    app.appendChild(el('h2', d.hero));
    d.products.forEach(function(p){
      var c=el('div'); c.className='card';
      c.innerHTML='<h3><a href="'+p.url+'">'+p.name+'</a></h3><p>'+p.price+'</p><p>'+p.tip+'</p>';
      app.appendChild(c);
    });
    app.appendChild(el('p', d.notice));
    app.appendChild(el('p', d.slogan));
    var L=d.license, s=el('section');
    s.innerHTML='<h3>'+L.title+'</h3><p>企业名称：'+L.entity+'</p><p>统一社会信用代码：'+L.uscc+'</p><p>类型：'+L.type+' 法定代表人：'+L.legal+'</p><p>住所：'+L.address+'</p><p>食品经营许可证：'+L.food_license+'</p><p><a href="'+L.elink+'"><img src="'+L.badge+'" width="56" alt="电子营业执照">电子营业执照</a></p>';
    app.appendChild(s);
    var f=el('footer'); f.innerHTML='<a href="'+d.filings.icp_url+'">'+d.filings.icp+'</a> ｜ <a href="'+d.filings.ga_url+'">'+d.filings.ga+'</a>';
    app.appendChild(f);
  });
})();
