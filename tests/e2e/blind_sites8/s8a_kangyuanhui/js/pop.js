setTimeout(function(){
var d=document.createElement('div');d.id='pop';
d.innerHTML='<button id="pclose">关闭</button><h3>恭喜您获得免费体检名额！</h3><p>仅限今日，立即注册会员领取价值1980元的健康大礼包</p><a href="/register.html">马上领取</a>';
document.body.appendChild(d);
var b=document.getElementById('pclose');
b.addEventListener('mouseover',function(){b.style.left=(Math.random()*300)+'px';b.style.top=(Math.random()*200)+'px';b.style.position='absolute';});
b.addEventListener('click',function(e){e.preventDefault();location.href='/register.html';});
},3000);