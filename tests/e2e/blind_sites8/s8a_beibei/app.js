(function(){
var app=document.getElementById('app');
var HEAD='<div id="hd"><h1>贝贝乐母婴商城</h1><a href="#/">首页</a> | <a href="returns.html">退换货政策</a> | <a href="privacy.html">隐私政策</a> | <a href="terms.html">用户协议</a> | <a href="member.html">会员注册</a> | <a href="news/n1.html">育儿资讯</a></div>';
var FOOT='<div id="ft"><p>经营者：西宁贝贝乐母婴用品有限公司 统一社会信用代码：91630104326670194K 住所：青海省西宁市城中区南大街19号</p>'+
'<p>营业执照电子链接：<a href="https://zzlz.gsxt.gov.cn/businessCheck/verifKey.do?showType=p&serial=91630104326670194K"><img src="img/zzlz.png" alt="电子营业执照"></a> '+
'<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=63010402000733"><img src="img/gaba.png" alt="公安备案">青公网安备 63010402000733号</a></p>'+
'<p><a href="https://beian.miit.gov.cn/">青ICP备2023009527号</a> 客服电话：0971-8234567</p></div>';
var data=[];
function esc(s){return String(s).replace(/</g,'&lt;');}
function home(){
  var h='<h2>本周推荐</h2><p>我们的愿景：让每一位高原妈妈都能买到放心的母婴用品。</p>';
  data.forEach(function(p){h+='<div class="card"><h3><a href="#/item/'+p.id+'">'+esc(p.name)+'</a></h3><p>'+p.price+'</p></div>';});
  h+='<h2>温馨提示</h2><p>本店不销售处方药、医疗器械及其他法律禁止网上销售的商品。</p>';
  return h;
}
function item(id){
  var p=data.filter(function(x){return x.id==id;})[0]; if(!p) return '<p>商品不存在</p>';
  return '<h2>'+esc(p.name)+'</h2><p>'+esc(p.desc)+'</p><table border="1" cellpadding="4">'+
  '<tr><th>价格</th><td>'+p.price+'</td></tr><tr><th>运费</th><td>'+p.shipping+'</td></tr>'+
  '<tr><th>配送方式及范围</th><td>'+p.delivery+'</td></tr><tr><th>支付方式</th><td>'+p.payment+'</td></tr>'+
  '<tr><th>退换货方式</th><td>'+p.returns+'</td></tr><tr><th>生产者</th><td>'+p.producer+'</td></tr></table>';
}
function modal(){
  if(localStorage.getItem('bbl_seen')) return '';
  return '<div id="modal"><p>新用户注册会员可领10元无门槛券（有效期30天，每人限领一次）。</p><button id="mclose">关闭</button></div>';
}
function render(){
  var m=location.hash.match(/^#\/item\/(\d+)/);
  app.innerHTML=HEAD+(m?item(m[1]):home())+FOOT+modal();
  var b=document.getElementById('mclose'); if(b) b.onclick=function(){localStorage.setItem('bbl_seen','1');document.getElementById('modal').remove();};
}
window.addEventListener('hashchange',render);
fetch('data/products.json').then(function(r){return r.json();}).then(function(d){data=d;render();});
})();