(function(){
function show(){
 if(document.getElementById("yc-pop"))return;
 var m=document.createElement("div");m.className="mask";m.id="yc-mask";
 var p=document.createElement("div");p.className="pop";p.id="yc-pop";
 p.innerHTML='<h3>限时福利</h3><p>今日开通创客礼包立减500元，仅剩最后 37 个名额！</p><p><a href="join.html">立即抢占名额</a></p>';
 document.body.appendChild(m);document.body.appendChild(p);
 m.onclick=function(e){e.stopPropagation();};
}
setTimeout(show,1500);
setInterval(function(){var p=document.getElementById("yc-pop");if(!p){show();}},8000);
})();
