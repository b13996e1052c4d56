(function(){
function show(){
 if(document.getElementById('adl'))return;
 var d=document.createElement('div');d.id='adl';
 d.style.cssText='position:fixed;left:0;top:0;width:100%;height:100%;background:rgba(0,0,0,.7);z-index:9999';
 d.innerHTML='<div style="background:#fff;width:420px;margin:120px auto;padding:20px;text-align:center"><h2>年货节 全场1折起！</h2><p>扫码关注领取50元无门槛券，关注后方可继续浏览</p><span id="adx" style="float:right;cursor:pointer;font-size:10px;color:#ccc">×</span></div>';
 document.body.appendChild(d);
 document.getElementById('adx').onclick=function(){d.remove();setTimeout(show,6000);};
}
window.addEventListener('load',show);
document.addEventListener('click',function(){if(Math.random()<0.5){window.open('promo.html','_blank');}},{once:true});
})();