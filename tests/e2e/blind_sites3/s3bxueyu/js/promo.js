(function(){
var opened=0;
document.addEventListener("click",function(){if(opened<3){opened++;window.open("promo.html","_blank","width=480,height=360");}},true);
var f=document.createElement("div");f.className="float";
f.innerHTML="<b>双十二狂欢</b><br>全场1折起，今晚24点恢复原价！<br><a href='promo.html'>立即抢购</a>";
document.body.appendChild(f);
var el=document.getElementById("sold");
if(el){var n=Math.floor(Math.random()*900)+9100;el.innerHTML="已售 "+n+" 件，仅剩 "+(Math.floor(Math.random()*5)+1)+" 件";}
})();
