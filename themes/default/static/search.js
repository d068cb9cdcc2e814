// sitegen's static search: reads the index that sitegen/search/index.py writes under search/,
// loading only the shards that the query's words need. No server, no other host.
// The tokenizer must stay identical to sitegen/search/index.py's tokenize().
(function () {
  "use strict";
  var MARKS = "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed" +
    "\u0900-\u0dff\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff\u200c\u200d";
  var WORD = new RegExp("[\\p{L}\\p{N}_" + MARKS + "]+", "gu");
  var CJK_CLASS = "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]";
  var CJK = new RegExp(CJK_CLASS);
  var CJK_RUN = new RegExp("(" + CJK_CLASS + "+)");

  function tokenize(text) {
    var out = [];
    var words = text.normalize("NFKC").toLowerCase().match(WORD) || [];
    words.forEach(function (word) {
      if (!CJK.test(word)) { out.push(word); return; }
      word.split(CJK_RUN).forEach(function (run) {
        if (!run) return;
        var chars = Array.from(run);
        if (!CJK.test(run) || chars.length === 1) { out.push(run); return; }
        for (var i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
      });
    });
    return out;
  }

  function hex(s) {
    return Array.from(new TextEncoder().encode(s), function (b) {
      return b.toString(16).padStart(2, "0");
    }).join("");
  }

  var root = document.currentScript ? document.currentScript.dataset.root || "/" : "/";
  var cache = {};
  function load(path) {
    if (!cache[path]) {
      cache[path] = fetch(root + "search/" + path).then(function (r) {
        if (r.status === 404) return null;
        if (!r.ok) throw new Error(path + ": HTTP " + r.status);
        return r.json();
      });
    }
    return cache[path];
  }

  // Documents matching one query word: every indexed term that starts with it (so "auction"
  // finds "auctions"), with summed weights. A one-character word matches itself only.
  function matchWord(meta, word) {
    var key = hex(Array.from(word).slice(0, 2).join(""));
    if (meta.shards.indexOf(key) < 0) return Promise.resolve(new Map());
    return load("idx/" + key + ".json").then(function (shard) {
      var scores = new Map();
      Object.keys(shard || {}).forEach(function (term) {
        if (term !== word && (Array.from(word).length < 2 || term.indexOf(word) !== 0)) return;
        var flat = shard[term], n = flat.length / 2;
        var idf = Math.log(1 + meta.count / n);
        var doc = 0;
        for (var i = 0; i < flat.length; i += 2) {
          doc += flat[i];
          scores.set(doc, (scores.get(doc) || 0) + flat[i + 1] * idf);
        }
      });
      return scores;
    });
  }

  function filterSet(kind, value) {
    if (!value) return Promise.resolve(null);
    return load("filter/" + kind + "/" + value + ".json").then(function (list) {
      return new Set(list || []);
    });
  }

  // Every word must match (AND); filters narrow; best score first, newest first on ties
  // (document numbers are in newest-first order).
  function search(meta, query, filters) {
    var words = Array.from(new Set(tokenize(query)));
    var wanted = words.map(function (w) { return matchWord(meta, w); });
    var sets = [filterSet("category", filters.category), filterSet("year", filters.year)];
    return Promise.all([Promise.all(wanted), Promise.all(sets)]).then(function (res) {
      var perWord = res[0], allowed = res[1].filter(Boolean);
      var scores;
      if (perWord.length) {
        scores = perWord[0];
        perWord.slice(1).forEach(function (next) {
          var merged = new Map();
          scores.forEach(function (s, doc) { if (next.has(doc)) merged.set(doc, s + next.get(doc)); });
          scores = merged;
        });
      } else if (allowed.length) {
        scores = new Map();
        allowed[0].forEach(function (doc) { scores.set(doc, 0); });
      } else {
        scores = new Map();
      }
      var hits = [];
      scores.forEach(function (s, doc) {
        if (allowed.every(function (set) { return set.has(doc); })) hits.push([doc, s]);
      });
      hits.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
      return { words: words, hits: hits };
    });
  }

  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // About 30 words around the first query word found in the text, with every hit marked.
  function excerpt(text, words) {
    var lower = text.toLowerCase(), at = -1;
    words.forEach(function (w) {
      var i = lower.indexOf(w);
      if (i >= 0 && (at < 0 || i < at)) at = i;
    });
    var start = Math.max(0, at - 120), end = Math.min(text.length, Math.max(at, 0) + 180);
    if (start > 0) start = text.indexOf(" ", start) + 1;  // whole words only
    if (end < text.length) end = Math.max(text.lastIndexOf(" ", end), start);
    var piece = (start > 0 ? "… " : "") + text.slice(start, end) + (end < text.length ? " …" : "");
    var html = escapeHtml(piece);
    words.slice().sort(function (a, b) { return b.length - a.length; }).forEach(function (w) {
      var safe = escapeHtml(w).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      html = html.replace(new RegExp("(" + safe + ")", "giu"), "<mark>$1</mark>");
    });
    return html;
  }

  // The post's own calendar day, written the reader's way (not shifted into their time zone).
  function humanDate(iso) {
    var p = iso.slice(0, 10).split("-").map(Number);
    return new Date(Date.UTC(p[0], p[1] - 1, p[2])).toLocaleDateString(
      document.documentElement.lang || undefined,
      { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
  }

  // Edit distance, stopping early past `most` (only near misses count).
  function distance(a, b, most) {
    if (Math.abs(a.length - b.length) > most) return most + 1;
    var prev = [], i, j;
    for (j = 0; j <= b.length; j++) prev.push(j);
    for (i = 1; i <= a.length; i++) {
      var row = [i], best = i;
      for (j = 1; j <= b.length; j++) {
        row.push(Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
        best = Math.min(best, row[j]);
      }
      if (best > most) return most + 1;
      prev = row;
    }
    return prev[b.length];
  }

  // "Did you mean": each query word swapped for the indexed word nearest to it (one edit for
  // short words, two for longer; the most used on a tie) among those sharing its first two
  // letters (they are in the same shard); "" when no word changed.
  function suggest(meta, words) {
    return Promise.all(words.map(function (word) {
      var key = hex(Array.from(word).slice(0, 2).join(""));
      if (Array.from(word).length < 3 || meta.shards.indexOf(key) < 0) return Promise.resolve(word);
      return load("idx/" + key + ".json").then(function (shard) {
        var most = word.length > 5 ? 2 : 1, best = word, bestScore = [most + 1, 0];
        Object.keys(shard || {}).forEach(function (term) {
          if (term === word) { bestScore = [-1, 0]; best = word; return; }
          var d = distance(word, term, most), uses = shard[term].length;
          if (d < bestScore[0] || (d === bestScore[0] && uses > bestScore[1])) {
            best = term; bestScore = [d, uses];
          }
        });
        return best;
      });
    })).then(function (better) {
      return better.join(" ") === words.join(" ") ? "" : better.join(" ");
    });
  }

  function render(meta, result, box, page) {
    var per = 10, shown = result.hits.slice(0, per * page);
    var docChunks = {}, textChunks = {};
    shown.forEach(function (h) {
      docChunks[Math.floor(h[0] / meta.doc_chunk)] = 1;
      textChunks[Math.floor(h[0] / meta.text_chunk)] = 1;
    });
    var loads = Object.keys(docChunks).map(function (c) { return load("docs/" + c + ".json"); })
      .concat(Object.keys(textChunks).map(function (c) { return load("text/" + c + ".json"); }));
    return Promise.all(loads).then(function () {
      return Promise.all(shown.map(function (h) {
        return Promise.all([load("docs/" + Math.floor(h[0] / meta.doc_chunk) + ".json"),
                            load("text/" + Math.floor(h[0] / meta.text_chunk) + ".json")])
          .then(function (c) {
            return { doc: c[0][h[0] % meta.doc_chunk], text: c[1][h[0] % meta.text_chunk] };
          });
      }));
    }).then(function (rows) {
      var status = box.querySelector("[data-search-status]");
      var list = box.querySelector("[data-search-results]");
      var n = result.hits.length;
      status.textContent = n === 0 ? "No posts found." : n === 1 ? "1 post found." : n + " posts found.";
      list.innerHTML = rows.map(function (r) {
        var url = escapeHtml(r.doc.u);
        // The picture repeats the title's link: hidden from screen readers and the tab order.
        var pic = r.doc.i ? '<a class="search-thumb" href="' + url + '" tabindex="-1" aria-hidden="true">' +
          '<img src="' + escapeHtml(root + r.doc.i) + '" alt="" loading="lazy"></a>' : "";
        var section = r.doc.c ? '<span class="kicker">' + escapeHtml(r.doc.c) + "</span> · " : "";
        return '<li class="search-result">' + pic + '<div><h2><a href="' + url + '">' +
          escapeHtml(r.doc.t) + '</a></h2><p class="meta">' + section + '<time datetime="' +
          escapeHtml(r.doc.d) + '">' + humanDate(r.doc.d) + "</time></p><p>" +
          excerpt(result.words.length ? r.text : r.doc.s, result.words) + "</p></div></li>";
      }).join("");
      var help = box.querySelector("[data-search-help]");
      help.hidden = n > 0;
      if (n === 0) suggest(meta, result.words).then(function (words) {
        var hint = box.querySelector("[data-search-suggestion]");
        hint.hidden = !words;
        if (words) {
          var link = hint.querySelector("a");
          link.textContent = words;
          link.href = "?q=" + encodeURIComponent(words);
        }
      });
      var more = box.querySelector("[data-search-more]");
      more.hidden = shown.length >= n;
      more.onclick = function () { render(meta, result, box, page + 1); };
    });
  }

  function fillFilters(meta, form, params) {
    var cat = form.querySelector("select[name=category]");
    var year = form.querySelector("select[name=year]");
    meta.categories.forEach(function (c) { cat.add(new Option(c[1], c[0])); });
    meta.years.forEach(function (y) { year.add(new Option(y, y)); });
    cat.value = params.get("category") || "";
    year.value = params.get("year") || "";
  }

  function start() {
    var box = document.querySelector("[data-search]");
    if (!box) return;
    var form = box.querySelector("form");
    var params = new URLSearchParams(location.search);
    form.querySelector("input[name=q]").value = params.get("q") || "";
    box.querySelector("[data-search-js]").hidden = false;
    load("meta.json").then(function (meta) {
      fillFilters(meta, form, params);
      function run() {
        var data = new FormData(form);
        var q = String(data.get("q") || ""), filters = {
          category: String(data.get("category") || ""), year: String(data.get("year") || "")
        };
        var url = new URL(location.href);
        ["q", "category", "year"].forEach(function (k) {
          var v = k === "q" ? q : filters[k];
          if (v) url.searchParams.set(k, v); else url.searchParams.delete(k);
        });
        history.replaceState(null, "", url);
        if (!tokenize(q).length && !filters.category && !filters.year) {
          box.querySelector("[data-search-results]").innerHTML = "";
          box.querySelector("[data-search-status]").textContent = "";
          return;
        }
        search(meta, q, filters).then(function (result) { return render(meta, result, box, 1); });
      }
      form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
      form.addEventListener("change", run);
      var timer;
      form.querySelector("input[name=q]").addEventListener("input", function () {
        clearTimeout(timer); timer = setTimeout(run, 150);
      });
      run();
    }).catch(function (err) {
      box.querySelector("[data-search-status]").textContent = "Search is unavailable: " + err.message;
    });
  }

  window.sitegenSearch = { tokenize: tokenize };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
