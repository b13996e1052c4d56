(function(){
var nav=[["index.html","首页"],["plan.html","收益体系"],["gift.html","创客礼包"],["join.html","立即加入"],["news.html","新闻动态"],["about.html","关于我们"],["faq.html","常见问题"]];
var hero={t:"云创优选 · 全民创业新风口",s:"青海省商务厅电子商务进农村综合示范配套项目，国家乡村振兴战略重点扶持平台",
 p:"零门槛、零风险，一部手机就能当老板：开通创客礼包即可锁定推广资格，三个月回本，月入两万不是梦。"};
var points=["只需一次性开通3980元创客礼包，即获终身创客身份","每邀请一位好友成为创客，平台立即发放1194元推广补贴","好友再邀请好友，您依然可以拿到补贴，三代以内全部有份","团队满100人自动晋升区域合伙人，享受全区域业绩分红"];
var lic={n:"青海云创优选网络科技有限公司",c:"91630103562081375E",i:"青ICP备2023011562号-1"};
function el(t,h,c){var e=document.createElement(t);if(h)e.innerHTML=h;if(c)e.className=c;return e;}
var b=document.body, hd=el("div","","hd"), s="";
for(var i=0;i<nav.length;i++){s+='<a href="'+nav[i][0]+'">'+nav[i][1]+'</a>';}
hd.innerHTML=s; b.appendChild(hd);
var bx=el("div","","box");
bx.appendChild(el("h1",hero.t)); bx.appendChild(el("h3",hero.s)); bx.appendChild(el("p",hero.p));
var ul=el("ul"); for(var j=0;j<points.length;j++){ul.appendChild(el("li",points[j]));} bx.appendChild(ul);
bx.appendChild(el("p",'<a href="join.html">马上开通 锁定名额</a>'));
bx.appendChild(el("p","已有 86,452 位创客加入，本月人均收益 12,860 元"));
b.appendChild(bx);
var ft=el("div","","ft");
ft.innerHTML='<p>主办单位：'+lic.n+'　统一社会信用代码：'+lic.c+'</p><p>'+lic.i+'</p><p><a href="http://www.gswj-cert.com/check.php?id=630103"><img src="img/gswj.png" width="80" alt="工商网监"></a> <a href="http://www.gswj-cert.com/police.php"><img src="img/police.png" width="80" alt="网络警察"></a></p>';
b.appendChild(ft);
})();
