fetch('data/plan.json').then(function(r){return r.json();}).then(function(p){
 var h='<h3>'+p.title+'</h3><table border="1"><tr><th>级别</th><th>条件</th><th>奖励</th></tr>';
 p.levels.forEach(function(l){h+='<tr><td>'+l.name+'</td><td>'+l.fee+'</td><td>'+l.reward+'</td></tr>';});
 h+='</table><p>'+p.note+'</p>';document.getElementById('plan').innerHTML=h;});