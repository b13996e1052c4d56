(function(){
var cities=['西宁','海东','格尔木','兰州','成都'],goods=['牦牛腱子肉','黑枸杞','手抓羊肉'];
var t=document.getElementById('ticker');
function tick(){var n=Math.floor(Math.random()*900)+100;
 t.innerHTML='<p>刚刚，'+cities[Math.floor(Math.random()*5)]+'的顾客购买了'+goods[Math.floor(Math.random()*3)]+'，本月已售'+(52000+n)+'份</p>';}
tick();setInterval(tick,3000);
})();