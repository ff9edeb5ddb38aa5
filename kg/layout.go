package kg

// How the graph is laid out in the quad store, shared by the loader that
// writes it and the read layer that reads it. These are internal node ids;
// public IRIs are minted from ids by IRIs.
//
//	entity  <attr:kind> "person"; <attr:name> "马善祥"; <attr:alias> …; <attr:figure> <fig/…>
//	subject <rel:award> object  (quad label <stmt/…>, the statement)
//	stmt    <q:time> "2020"; <attr:inferred> "time"; <attr:evidence> <ev/…>
//	ev      <attr:quote> "…"; <attr:start> 12; <attr:end> 20; <attr:source> <source/…>
//	<civicgraph:graph> <attr:version> "…"; <attr:base> "https://…"; <attr:title> "…"; …
const (
	// GraphNode holds what is said of the graph as a whole: AttrVersion and
	// the DatasetInfo (AttrBase, AttrTitle, AttrTitleEn, AttrDescription,
	// AttrDescEn, AttrPublisher, AttrLicense, AttrHomepage).
	GraphNode = "civicgraph:graph"

	AttrKind        = "attr:kind"
	AttrName        = "attr:name"
	AttrAlias       = "attr:alias"
	AttrPinyin      = "attr:pinyin"
	AttrCategory    = "attr:category"
	AttrDescription = "attr:description"
	AttrIdentifier  = "attr:identifier"
	AttrScheme      = "attr:scheme"
	AttrValue       = "attr:value"
	AttrCitation    = "attr:citation"
	AttrFigure      = "attr:figure"
	AttrIndicator   = "attr:indicator"
	AttrStated      = "attr:stated"
	AttrUnit        = "attr:unit"
	AttrModifier    = "attr:modifier"
	AttrPeriod      = "attr:period"
	AttrGrowth      = "attr:growthPercent"
	AttrInferred    = "attr:inferred"
	AttrEvidence    = "attr:evidence"
	AttrQuote       = "attr:quote"
	AttrStart       = "attr:start"
	AttrEnd         = "attr:end"
	AttrSource      = "attr:source"
	AttrTitle       = "attr:title"
	AttrPublisher   = "attr:publisher"
	AttrDate        = "attr:date"
	AttrLanguage    = "attr:language"
	AttrRights      = "attr:rights"
	AttrText        = "attr:text"
	AttrVersion     = "attr:version"
	AttrBase        = "attr:base"
	AttrTitleEn     = "attr:titleEn"
	AttrDescEn      = "attr:descriptionEn"
	AttrLicense     = "attr:license"
	AttrHomepage    = "attr:homepage"

	RelPrefix   = "rel:"  // + predicate name
	QualPrefix  = "q:"    // + qualifier key, on statements
	StmtPrefix  = "stmt/" // statement nodes, the labels of relation quads
	EvPrefix    = "ev/"
	FigPrefix   = "fig/"
	IdentPrefix = "ident/"
)
