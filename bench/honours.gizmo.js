// The Gizmo query bench/run.sh sends to Cayley's own HTTP server: the
// honours of the headline entity with their times and quotes, the answer
// civicgraph's honours query gives, read from the same quads. A relation is
// the quad <person> <rel:award> <honour> <stmt/…>: its label is the
// statement node that carries q:time and attr:evidence.
var id = "person/ma-shanxiang";
var me = g.V("<" + id + ">");
var honours = [], byHonour = {}, byStmt = {};
me.out("<rel:award>").tag("honour").save("<attr:name>", "name").forEach(function (r) {
  var h = {time: null, honour: {id: r.honour.slice(1, -1), name: r.name}, evidence: []};
  byHonour[r.honour] = h;
  honours.push(h);
});
var awarded = Object.keys(byHonour);
if (awarded.length > 0) {
  // A statement node is the label of a quad around both the entity and the
  // honour. (labelContext would find it too, but Cayley scans every label
  // for it: a hundred times slower.)
  var mine = {};
  me.labels().forEach(function (r) { mine[r.id] = true; });
  g.V.apply(g, awarded).tag("honour").labels().forEach(function (r) {
    if (r.id && mine[r.id]) byStmt[r.id] = byHonour[r.honour];
  });
  g.V.apply(g, Object.keys(byStmt)).tag("stmt").saveOpt("<q:time>", "time").out("<attr:evidence>")
    .save("<attr:quote>", "quote").save("<attr:start>", "start").save("<attr:end>", "end")
    .forEach(function (r) {
      var h = byStmt[r.stmt];
      if (r.time !== undefined) h.time = r.time;
      h.evidence.push({quote: r.quote, start: r.start, end: r.end});
    });
}
// civicgraph's order: dated first, by time, then by id; quotes by offset.
honours.sort(function (a, b) {
  if ((a.time === null) !== (b.time === null)) return a.time === null ? 1 : -1;
  if (a.time !== b.time) return a.time < b.time ? -1 : 1;
  return a.honour.id < b.honour.id ? -1 : 1;
});
honours.forEach(function (h) {
  h.evidence.sort(function (a, b) { return a.start - b.start || a.end - b.end; });
});
g.emit({entity: {id: id, name: me.out("<attr:name>").toValue(), honours: honours}});
