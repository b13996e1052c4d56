(function(){var d=JSON.parse(document.getElementById('goods').textContent),v=document.getElementById('view');
function el(t,x,c){var e=document.createElement(t);if(x!=null)e.textContent=x;if(c)e.className=c;return e;}
v.appendChild(el('h2',d.title));var i=document.createElement('img');i.src=d.img;i.width=380;i.alt=d.title;v.appendChild(i);
v.appendChild(el('p',d.price,'price'));var t=document.createElement('table');t.className='kv';
d.attrs.forEach(function(a){var r=document.createElement('tr');r.appendChild(el('td',a[0]));r.appendChild(el('td',a[1]));t.appendChild(r);});v.appendChild(t);
v.appendChild(el('h3','卖家描述'));d.desc.forEach(function(x){v.appendChild(el('p',x));});
v.appendChild(el('p','卖家：'+d.seller));})();