(function(){
var D=null, v=document.getElementById("view");
function h(s){return s==null?"":s;}
function render(){
 if(!D)return; var r=location.hash.replace(/^#\/?/,"").split("/"), o="";
 if(r[0]==="item"){var it=D.items.filter(function(x){return String(x.id)===r[1];})[0];
   if(!it){v.innerHTML="<p>商品不存在</p>";return;}
   var sh=D.shops.filter(function(s){return s.id===it.shop;})[0];
   o="<h2>"+it.title+"</h2><img src='img/i"+it.id+".jpg' alt=''><p class='price'>"+it.price+"</p>";
   o+="<p>店铺：<a href='#/shop/"+sh.id+"'>"+sh.name+"</a></p><p>"+it.desc+"</p>";
   ["ship","pay","ret","producer"].forEach(function(k){if(it[k])o+="<p>"+(k==="pay"?"支付方式：":k==="ret"?"退换货：":"")+it[k]+"</p>";});
   o+="<p><a href='register.html'>登录后购买</a></p>";
 } else if(r[0]==="shop"){var sh=D.shops.filter(function(s){return String(s.id)===r[1];})[0];
   o="<h2>"+sh.name+"</h2><p>"+sh.desc+"</p><ul>";
   D.items.filter(function(x){return x.shop===sh.id;}).forEach(function(x){o+="<li><a href='#/item/"+x.id+"'>"+x.title+"</a> "+x.price+"</li>";});
   o+="</ul>";
 } else {
   o="<h2>今日上新</h2><div class='grid'>";
   D.items.forEach(function(x){o+="<div class='card'><a href='#/item/"+x.id+"'><img src='img/i"+x.id+".jpg' alt=''><br>"+x.title+"</a><br>"+x.price+"</div>";});
   o+="</div><h3>入驻店铺</h3><ul>";
   D.shops.forEach(function(s){o+="<li><a href='#/shop/"+s.id+"'>"+s.name+"</a></li>";});
   o+="</ul>";
 }
 v.innerHTML=o;
}
fetch("data/items.json").then(function(r){return r.json();}).then(function(d){D=d;render();});
window.addEventListener("hashchange",render);
})();
