(function(){
var app=document.getElementById('app'),SITE=null,PRODS=[];
function esc(s){return String(s).replace(/[&<>]/g,function(c){return {'&':'&amp;','<':'&lt;','>':'&gt;'}[c];});}
function shell(inner){
 return '<header><h1>'+esc(SITE.name)+'</h1><nav><a href="#/">首页</a> | <a href="#/about">关于我们</a> | <a href="faq.html">常见问题</a> | <a href="terms.html">用户协议</a> | <a href="privacy.html">隐私政策</a> | <a href="register.html">会员注册</a></nav></header>'+
 '<p class="tip">'+esc(SITE.notice)+'</p>'+inner+
 '<footer class="lic"><p>经营者：'+esc(SITE.entity)+' 统一社会信用代码：'+esc(SITE.uscc)+' 地址：'+esc(SITE.addr)+'</p><p>'+esc(SITE.food)+'</p>'+
 '<p><a href="'+SITE.licenceLink+'" target="_blank"><img src="img/license.png" alt="电子营业执照">营业执照电子链接标识</a> '+
 '<a href="https://beian.miit.gov.cn/" target="_blank">'+esc(SITE.icp)+'</a> <a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=63010502000288">'+esc(SITE.ga)+'</a></p></footer>';}
function home(){var h='<h2>精选商品</h2><ul>';PRODS.forEach(function(p){h+='<li><a href="#/item/'+p.id+'">'+esc(p.name)+'</a> '+esc(p.price)+'</li>';});
 h+='</ul><h3>本店动态</h3><p>我们只销售已取得婴幼儿配方乳粉产品配方注册的奶粉，不销售代购、无中文标签或来源不明的奶粉。</p>';return h;}
function item(id){var p=PRODS.filter(function(x){return x.id==id;})[0];if(!p)return '<p>商品不存在</p>';
 var h='<h2>'+esc(p.name)+'</h2><p>价格：'+esc(p.price)+'</p><p>运费：'+esc(p.ship)+'</p><p>配送方式：'+esc(p.delivery)+'</p><p>配送范围：'+esc(p.range)+'</p><p>支付方式：'+esc(p.pay)+'</p><p>退换货方式：'+esc(p.ret)+'</p><p>'+esc(p.producer)+'</p><p>'+esc(p.desc)+'</p>';
 if(p.id==1){h+='<label><input type="checkbox" id="ack"> 我已知悉：已拆封的奶粉不适用七日无理由退货</label> <button onclick="if(!document.getElementById(\'ack\').checked){alert(\'请先确认退货说明\');}">加入购物车</button>';}
 return h;}
function about(){return '<h2>关于我们</h2><p>贝禾母婴2020年成立于西宁，是一家经营奶粉、童车和婴童服饰的小型零售企业。</p><p>我们不做“替代母乳”的宣传，也不向医院、月子中心派发奶粉样品。</p>';}
function route(){var m=location.hash.match(/^#\/item\/(\d+)/);var inner=m?item(m[1]):(location.hash=='#/about'?about():home());app.innerHTML=shell(inner);}
Promise.all([fetch('data/site.json').then(function(r){return r.json();}),fetch('data/products.json').then(function(r){return r.json();})]).then(function(a){SITE=a[0];PRODS=a[1];route();window.addEventListener('hashchange',route);});
})();