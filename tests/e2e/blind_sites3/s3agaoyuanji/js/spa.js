var D={shops:[],items:[]};
function esc(s){return String(s==null?'':s);}
function render(){var h=location.hash||'#/';var v=document.getElementById('view');var m;
 if((m=h.match(/^#\/item\/(\d+)/))){var it=D.items.filter(function(x){return x.id==m[1];})[0];if(!it){v.innerHTML='<p>商品不存在</p>';return;}
  var sp=D.shops.filter(function(x){return x.id==it.shop;})[0];var r='<h1>'+it.title+'</h1><p>店铺：<a href="#/shop/'+sp.id+'">'+sp.name+'</a>（'+sp.owner+'）</p><table border="1" cellpadding="6">';
  [['价格','price'],['运费','ship'],['配送方式/范围','delivery'],['支付方式','pay'],['退换货','returns'],['生产者','producer']].forEach(function(f){if(it[f[1]])r+='<tr><td>'+f[0]+'</td><td>'+it[f[1]]+'</td></tr>';});
  v.innerHTML=r+'</table><p><button>加入购物车</button></p>';return;}
 if((m=h.match(/^#\/shop\/(\d+)/))){var sp2=D.shops.filter(function(x){return x.id==m[1];})[0];var r2='<h1>'+sp2.name+'</h1><p>经营者：'+sp2.owner+'</p>';
  D.items.filter(function(x){return x.shop==sp2.id;}).forEach(function(it){r2+='<div class="it"><a href="#/item/'+it.id+'">'+it.title+'</a><p>'+it.price+'</p></div>';});v.innerHTML=r2;return;}
 var r3='<h1>高原集 · 青海好物集市</h1><p>汇聚青海本地商家，今日上新'+D.items.length+'件。</p><h2>推荐商品</h2>';
 D.items.forEach(function(it){r3+='<div class="it"><a href="#/item/'+it.id+'">'+it.title+'</a><p>'+it.price+'</p></div>';});
 r3+='<h2>入驻店铺</h2><ul>';D.shops.forEach(function(s){r3+='<li><a href="#/shop/'+s.id+'">'+s.name+'</a></li>';});v.innerHTML=r3+'</ul>';}
Promise.all([fetch('/data/shops.json').then(function(r){return r.json();}),fetch('/data/items.json').then(function(r){return r.json();})]).then(function(a){D.shops=a[0];D.items=a[1];render();});
window.addEventListener('hashchange',render);
