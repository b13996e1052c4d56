// home page is assembled entirely by script
(function(){
var h='';
h+='<header><b style="font-size:22px">草原康 · 高原滋补专家</b>　<a href="/index.html">首页</a><a href="/products/hongjingtian.html">红景天胶囊</a><a href="/products/heigouqi.html">黑枸杞原浆</a><a href="/products/chongcao.html">虫草礼盒</a><a href="/member.html">会员注册</a><a href="/about.html">关于我们</a></header>';
h+='<div class="main">';
h+='<h1>高原红景天胶囊 · 缓解体力疲劳</h1>';
h+='<p><img src="/img/sfda.png" width="520" height="120" alt="推荐"></p>';
h+='<p>本品经省卫健部门专家组联合推荐，列入高原保健优选产品目录。</p>';
h+='<p>坚持服用一个疗程（3个月），血糖、血压明显回落，不少老顾客已经把降压药停了。临床观察有效率高达98.7%，无效全额退款。</p>';
h+='<div class="prod"><a href="/products/hongjingtian.html">红景天胶囊 60粒×3瓶</a><p><span style="color:red;font-size:22px">今日特价 ￥398</span> <span class="del">原价￥1980</span></p></div>';
h+='<div class="prod"><a href="/products/heigouqi.html">柴达木黑枸杞原浆 30袋</a><p>￥258</p></div>';
h+='<div class="prod"><a href="/products/chongcao.html">玉树虫草礼盒 10g</a><p>￥1680</p></div>';
h+='<p style="font-size:18px">已有 <b id="cnt">1286530</b> 位顾客选择草原康</p>';
h+='</div>';
h+='<footer>主办单位：青海草原康生物科技有限公司　统一社会信用代码：91630105MA753R8W7W　地址：西宁市城北区柴达木路388号<br><a href="https://beian.miit.gov.cn/">青ICP备2020008821号-1</a>　<a href="/verify.html"><img src="/img/gswj.png" width="60" height="70" alt="工商网监电子标识"></a></footer>';
document.getElementById('app').innerHTML=h;
var c=1286530;setInterval(function(){c+=Math.floor(Math.random()*9)+1;document.getElementById('cnt').textContent=c;},800);
function pop(){if(document.getElementById('pp'))return;var m=document.createElement('div');m.className='mask';m.id='pm';var p=document.createElement('div');p.className='pop';p.id='pp';
p.innerHTML='限时秒杀！红景天胶囊买二送一，仅剩最后3分钟！<br><a href="/products/hongjingtian.html">立即抢购</a>';document.body.appendChild(m);document.body.appendChild(p);
m.onclick=function(){window.open('/products/hongjingtian.html','_blank');};}
setTimeout(pop,1500);setInterval(pop,20000);
})();
