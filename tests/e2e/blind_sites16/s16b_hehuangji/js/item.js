(function(){
var d=JSON.parse(document.getElementById('item-data').textContent);var v=document.getElementById('item-view');
function el(t,txt,cls){var e=document.createElement(t);if(txt!=null)e.textContent=txt;if(cls)e.className=cls;return e;}
v.appendChild(el('h2',d.name));var im=document.createElement('img');im.src=d.img;im.width=360;im.alt=d.name;v.appendChild(im);
var p=el('p',null);p.appendChild(el('span',d.price,'price'));if(d.was){p.appendChild(document.createTextNode(' '));p.appendChild(el('span',d.was,'del'));}v.appendChild(p);
if(d.promo)v.appendChild(el('p',d.promo));
var t=document.createElement('table');t.className='kv';d.specs.forEach(function(r){var tr=document.createElement('tr');tr.appendChild(el('td',r[0]));tr.appendChild(el('td',r[1]));t.appendChild(tr);});v.appendChild(t);
v.appendChild(el('h3','商品详情'));d.desc.forEach(function(x){v.appendChild(el('p',x));});
v.appendChild(el('h3','店铺信息'));d.shop.forEach(function(x){v.appendChild(el('p',x));});
})();