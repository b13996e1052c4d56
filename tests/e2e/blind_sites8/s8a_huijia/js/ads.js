(function(){
function show(){
  if(document.getElementById('adbox')) return;
  var d=document.createElement('div'); d.id='adbox';
  d.innerHTML='<h2>限时特惠 全场家电低至7折</h2><p>活动商品见首页</p><a href="/products/p1.html">立即抢购</a>';
  document.body.appendChild(d);
}
show();
setInterval(function(){var a=document.getElementById('adbox'); if(a) a.remove(); show();}, 8000);
window.addEventListener('load',function(){ try{ window.open('/products/p1.html','_blank','width=500,height=400'); }catch(e){} });
document.addEventListener('keydown',function(e){ if(e.key==='Escape'){ e.preventDefault(); show(); } });
})();