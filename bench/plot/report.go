package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// config is one server set-up of a run, as run.sh lists it.
type config struct {
	Key, Label, Started string
}

// measurement is one wrk run against one configuration.
type measurement struct {
	Round, Conns int
	Config       string
	Requests     int64
	DurationUS   int64
	P50US, P99US int64
	MaxUS        int64
	Errors       int64
	CPUUS        int64 // server CPU over the run
	DBCPUUS      int64 // PostgreSQL's CPU over the run; -1 when there is none
	RSSKiB       int64 // the server's peak resident set so far
}

func (m measurement) rps() float64 {
	if m.DurationUS <= 0 {
		return 0
	}
	return float64(m.Requests) / (float64(m.DurationUS) / 1e6)
}

// run is everything run.sh measured.
type benchRun struct {
	Configs []config
	Rows    []measurement
	Meta    map[string]string
}

func reportCmd(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	dir := fs.String("dir", "", "folder with run.sh's configs.tsv, results.tsv and meta.tsv; the report and picture are written there")
	doc := fs.String("doc", "", "Markdown file whose part between the bench/run.sh markers the report replaces (default: none)")
	readme := fs.String("readme", "", "Markdown file whose part between the bench/run.sh summary markers a two-line summary and the picture replace (default: none)")
	picture := fs.String("picture", "performance.svg", "file name of the picture in the folder: .svg or .png")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" || fs.NArg() > 0 || filepath.Base(*picture) != *picture {
		return errUsage
	}
	r, err := readRun(*dir)
	if err != nil {
		return err
	}
	svg := filepath.Join(*dir, *picture)
	if err := writePlot(r, svg); err != nil {
		return fmt.Errorf("plot %s: %w", svg, err)
	}
	md := markdown(r, *picture)
	if err := os.WriteFile(filepath.Join(*dir, "results.md"), []byte(md), 0o644); err != nil {
		return err
	}
	if _, err := io.WriteString(stdout, md); err != nil {
		return err
	}
	if *doc != "" {
		rel, err := filepath.Rel(filepath.Dir(*doc), svg)
		if err != nil {
			return err
		}
		if err := splice(*doc, reportMarkers, markdown(r, filepath.ToSlash(rel))); err != nil {
			return fmt.Errorf("update %s: %w", *doc, err)
		}
	}
	if *readme != "" {
		pic, err := filepath.Rel(filepath.Dir(*readme), svg)
		if err != nil {
			return err
		}
		if err := splice(*readme, summaryMarkers, summaryMarkdown(r, filepath.ToSlash(pic))); err != nil {
			return fmt.Errorf("update %s: %w", *readme, err)
		}
	}
	return nil
}

func readRun(dir string) (benchRun, error) {
	r := benchRun{Meta: map[string]string{}}
	err := eachLine(filepath.Join(dir, "configs.tsv"), 3, func(f []string) error {
		r.Configs = append(r.Configs, config{Key: f[0], Label: f[1], Started: f[2]})
		return nil
	})
	if err != nil {
		return r, err
	}
	err = eachLine(filepath.Join(dir, "meta.tsv"), 2, func(f []string) error {
		r.Meta[f[0]] = f[1]
		return nil
	})
	if err != nil {
		return r, err
	}
	known := map[string]bool{}
	for _, c := range r.Configs {
		known[c.Key] = true
	}
	header := true
	err = eachLine(filepath.Join(dir, "results.tsv"), 12, func(f []string) error {
		if header {
			header = false
			if f[0] != "round" {
				return fmt.Errorf("no header line: %q", f)
			}
			return nil
		}
		var m measurement
		m.Config = f[2]
		if !known[m.Config] {
			return fmt.Errorf("configuration %q is not in configs.tsv", m.Config)
		}
		ints := []*int64{&m.Requests, &m.DurationUS, &m.P50US, &m.P99US, &m.MaxUS, &m.Errors, &m.CPUUS, &m.DBCPUUS, &m.RSSKiB}
		for i, p := range ints {
			s := f[3+i]
			if s == "-" {
				*p = -1
				continue
			}
			v, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return fmt.Errorf("column %d: %w", 4+i, err)
			}
			*p = v
		}
		var err error
		if m.Round, err = strconv.Atoi(f[0]); err != nil {
			return fmt.Errorf("round: %w", err)
		}
		if m.Conns, err = strconv.Atoi(f[1]); err != nil {
			return fmt.Errorf("connections: %w", err)
		}
		r.Rows = append(r.Rows, m)
		return nil
	})
	if err != nil {
		return r, err
	}
	if len(r.Rows) == 0 {
		return r, errors.New("results.tsv holds no measurement")
	}
	return r, nil
}

// eachLine calls f with the tab-separated fields of each line of a file,
// which must have n fields.
func eachLine(file string, n int, f func([]string) error) error {
	fh, err := os.Open(file)
	if err != nil {
		return err
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for line := 1; sc.Scan(); line++ {
		if sc.Text() == "" {
			continue
		}
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) != n {
			return fmt.Errorf("%s:%d: %d fields, want %d", file, line, len(fields), n)
		}
		if err := f(fields); err != nil {
			return fmt.Errorf("%s:%d: %w", file, line, err)
		}
	}
	return sc.Err()
}

// connections lists the connection counts measured, fewest first.
func (r benchRun) connections() []int {
	seen := map[int]bool{}
	var cs []int
	for _, m := range r.Rows {
		if !seen[m.Conns] {
			seen[m.Conns] = true
			cs = append(cs, m.Conns)
		}
	}
	sort.Ints(cs)
	return cs
}

func (r benchRun) rounds() int {
	n := 0
	for _, m := range r.Rows {
		n = max(n, m.Round)
	}
	return n
}

// of returns the measurements of one configuration at one connection
// count, by round.
func (r benchRun) of(key string, conns int) map[int]measurement {
	out := map[int]measurement{}
	for _, m := range r.Rows {
		if m.Config == key && m.Conns == conns {
			out[m.Round] = m
		}
	}
	return out
}

func (r benchRun) has(key string) bool {
	for _, m := range r.Rows {
		if m.Config == key {
			return true
		}
	}
	return false
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// summary is the medians of one configuration at one connection count.
type summary struct {
	N                 int
	RPS, P50MS, P99MS float64
	CPUUSPerReq       float64
	DBCPUUSPerReq     float64 // NaN when there is no database process
	Errors, Requests  int64
	RSSMiB            float64
}

func (r benchRun) summarise(key string, conns int) (summary, bool) {
	ms := r.of(key, conns)
	if len(ms) == 0 {
		return summary{}, false
	}
	var rps, p50, p99, cpu, db []float64
	s := summary{N: len(ms)}
	for _, m := range ms {
		rps = append(rps, m.rps())
		p50 = append(p50, float64(m.P50US)/1000)
		p99 = append(p99, float64(m.P99US)/1000)
		if m.Requests > 0 {
			cpu = append(cpu, float64(m.CPUUS)/float64(m.Requests))
			if m.DBCPUUS >= 0 {
				db = append(db, float64(m.DBCPUUS)/float64(m.Requests))
			}
		}
		s.Errors += m.Errors
		s.Requests += m.Requests
		s.RSSMiB = math.Max(s.RSSMiB, float64(m.RSSKiB)/1024)
	}
	s.RPS, s.P50MS, s.P99MS, s.CPUUSPerReq, s.DBCPUUSPerReq = median(rps), median(p50), median(p99), median(cpu), median(db)
	return s, true
}

// ratio is one comparison the report makes: a over b, of requests/s or
// of p99, each round's ratio of two measurements made close in time, and
// the median of those.
type ratio struct {
	Name   string
	A, B   string // configuration keys
	P99    bool   // compare p99 instead of requests/s
	CPU    bool   // compare the server's CPU time per request
	Target float64
	AtMost bool // the target is an upper bound (p99)
}

// ratios are the targets of the performance work, then context.
var ratios = []ratio{
	{Name: "memory, both caches off ÷ gqlgen: requests/s", A: "memory-off", B: "gqlgen", Target: 0.7},
	{Name: "memory, both caches off ÷ gqlgen: p99", A: "memory-off", B: "gqlgen", P99: true, Target: 1.5, AtMost: true},
	{Name: "memory, entity cache only ÷ gqlgen: requests/s", A: "memory-entity", B: "gqlgen", Target: 1.0},
	{Name: "memory, defaults ÷ hello-world: requests/s", A: "memory", B: "hello", Target: 0.5},
	{Name: "PostgreSQL ÷ memory, caches off: requests/s", A: "postgres-off", B: "memory-off", Target: 0.25},
	{Name: "bolt ÷ memory, caches off: requests/s", A: "bolt-off", B: "memory-off", Target: 0.5},
	// CPU time per request is the work done, which other load on the
	// machine disturbs less than rates and latencies.
	{Name: "memory, both caches off ÷ gqlgen: server CPU/request", A: "memory-off", B: "gqlgen", CPU: true},
	{Name: "memory, entity cache only ÷ gqlgen: server CPU/request", A: "memory-entity", B: "gqlgen", CPU: true},
	{Name: "memory, defaults ÷ hello-world: server CPU/request", A: "memory", B: "hello", CPU: true},
	{Name: "memory, defaults ÷ gqlgen: requests/s", A: "memory", B: "gqlgen"},
	{Name: "PostgreSQL ÷ memory, defaults: requests/s", A: "postgres", B: "memory"},
	{Name: "bolt ÷ memory, defaults: requests/s", A: "bolt", B: "memory"},
	{Name: "Cayley (bolt, Gizmo) ÷ civicgraph bolt, caches off: requests/s", A: "cayley", B: "bolt-off"},
	{Name: "Cayley (bolt, Gizmo) ÷ civicgraph bolt, caches off: p99", A: "cayley", B: "bolt-off", P99: true},
	{Name: "Cayley (bolt, Gizmo) ÷ civicgraph memory, caches off: requests/s", A: "cayley", B: "memory-off"},
}

// value is the ratio's median at one connection count, and false when a
// configuration was not measured.
func (r benchRun) value(q ratio, conns int) (float64, bool) {
	a, b := r.of(q.A, conns), r.of(q.B, conns)
	var xs []float64
	for round, ma := range a {
		mb, ok := b[round]
		if !ok {
			continue
		}
		var x float64
		switch {
		case q.P99:
			x = float64(ma.P99US) / float64(mb.P99US)
		case q.CPU:
			x = (float64(ma.CPUUS) / float64(ma.Requests)) / (float64(mb.CPUUS) / float64(mb.Requests))
		default:
			x = ma.rps() / mb.rps()
		}
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			xs = append(xs, x)
		}
	}
	if len(xs) == 0 {
		return 0, false
	}
	return median(xs), true
}

// verdict is "met", "missed" or "" (context, or not measured).
func (r benchRun) verdict(q ratio) string {
	if q.Target == 0 {
		return ""
	}
	for _, c := range r.connections() {
		x, ok := r.value(q, c)
		if !ok {
			return ""
		}
		if (q.AtMost && x > q.Target) || (!q.AtMost && x < q.Target) {
			return "missed"
		}
	}
	return "met"
}

func (r benchRun) label(key string) string {
	for _, c := range r.Configs {
		if c.Key == key {
			return c.Label
		}
	}
	return key
}

// markdown is the report, its picture at img.
func markdown(r benchRun, img string) string {
	var b bytes.Buffer
	m := func(k string) string {
		if v, ok := r.Meta[k]; ok && v != "" {
			return v
		}
		return "?"
	}
	conns := r.connections()
	fmt.Fprintf(&b, "Run of %s: civicgraph %s on %s CPUs (%s), %s memory, %s, %s, Linux %s.\n",
		m("date"), m("revision"), m("cpus"), m("cpu"), m("memory"), m("go"), m("wrk"), m("kernel"))
	rounds := "One round"
	if n := r.rounds(); n > 1 {
		rounds = fmt.Sprintf("Medians of %d interleaved rounds (each round measures every configuration once at each connection count)", n)
	}
	fmt.Fprintf(&b, "Command: `%s`. %s, %s each, wrk with %s threads on the same CPUs as the servers; the honours query with evidence for %s, the same POST bytes to every GraphQL server.\n",
		m("command"), rounds, m("duration"), m("threads"), m("entity"))
	if load := r.Meta["load"]; load != "" {
		fmt.Fprintf(&b, "Load average (1 min) %s: other work on the machine shifts every figure, ratios less.\n", load)
	}
	if note := r.Meta["note"]; note != "" {
		fmt.Fprintf(&b, "%s\n", note)
	}
	b.WriteString("\n| configuration | connections | requests/s | p50 ms | p99 ms | errors | server CPU µs/request | RSS MiB |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, c := range r.Configs {
		for _, n := range conns {
			s, ok := r.summarise(c.Key, n)
			if !ok {
				continue
			}
			cpu := fmt.Sprintf("%.0f", s.CPUUSPerReq)
			if !math.IsNaN(s.DBCPUUSPerReq) {
				cpu = fmt.Sprintf("%.0f + %.0f PostgreSQL", s.CPUUSPerReq, s.DBCPUUSPerReq)
			}
			fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %d | %s | %.0f |\n",
				c.Label, n, thousands(s.RPS), ms(s.P50MS), ms(s.P99MS), s.Errors, cpu, s.RSSMiB)
		}
	}
	b.WriteString("\n| ratio, median of the rounds' ratios |")
	for _, n := range conns {
		fmt.Fprintf(&b, " %d connections |", n)
	}
	b.WriteString(" target | |\n|---|")
	for range conns {
		b.WriteString("---:|")
	}
	b.WriteString("---|---|\n")
	for _, q := range ratios {
		if !r.has(q.A) || !r.has(q.B) {
			continue
		}
		fmt.Fprintf(&b, "| %s |", q.Name)
		for _, n := range conns {
			if x, ok := r.value(q, n); ok {
				fmt.Fprintf(&b, " %s× |", twoDigits(x))
			} else {
				b.WriteString(" — |")
			}
		}
		target := "context"
		if q.Target != 0 {
			op := "≥"
			if q.AtMost {
				op = "≤"
			}
			target = fmt.Sprintf("%s %s×", op, twoDigits(q.Target))
		}
		fmt.Fprintf(&b, " %s | %s |\n", target, r.verdict(q))
	}
	var missing []string
	for _, q := range ratios {
		for _, k := range []string{q.A, q.B} {
			if !r.has(k) && !contains(missing, k) {
				missing = append(missing, k)
			}
		}
	}
	if len(missing) > 0 {
		fmt.Fprintf(&b, "\nNot measured in this run, so their ratios are left out: %s.\n", strings.Join(missing, ", "))
	}
	b.WriteString("\nHow each configuration was started:\n\n")
	for _, c := range r.Configs {
		if r.has(c.Key) {
			fmt.Fprintf(&b, "- %s: `%s`\n", c.Label, c.Started)
		}
	}
	fmt.Fprintf(&b, "\n![requests/s and p99 latency of each configuration, at each connection count](%s)\n", img)
	return b.String()
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// thousands writes a rate with a thousands separator and no decimals.
func thousands(x float64) string {
	s := strconv.FormatInt(int64(math.Round(x)), 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// ms writes a latency with two significant digits, or whole above 100.
func ms(x float64) string {
	if x >= 100 {
		return strconv.FormatFloat(math.Round(x), 'f', 0, 64)
	}
	return twoDigits(x)
}

// twoDigits writes x with two significant digits.
func twoDigits(x float64) string {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	prec := max(0, 1-int(math.Floor(math.Log10(math.Abs(x)))))
	return strconv.FormatFloat(x, 'f', prec, 64)
}

// The report, and the summary, replace what lies between two lines of a
// document.
type markers struct{ begin, end string }

var (
	reportMarkers  = markers{"<!-- bench/run.sh report: begin (generated; do not edit by hand) -->", "<!-- bench/run.sh report: end -->"}
	summaryMarkers = markers{"<!-- bench/run.sh summary: begin (generated; do not edit by hand) -->", "<!-- bench/run.sh summary: end -->"}
)

func splice(file string, m markers, report string) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	s := string(b)
	i := strings.Index(s, m.begin)
	j := strings.Index(s, m.end)
	if i < 0 || j < i {
		return fmt.Errorf("no %q line followed by a %q line", m.begin, m.end)
	}
	out := s[:i+len(m.begin)] + "\n" + report + s[j:]
	tmp := file + ".tmp"
	if err := os.WriteFile(tmp, []byte(out), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, file)
}

// summaryMarkdown is the README's summary: the targets' ratios at the most
// connections measured, in two lines, and the picture.
func summaryMarkdown(r benchRun, img string) string {
	conns := r.connections()
	n := conns[len(conns)-1]
	get := func(name string) (string, bool) {
		for _, q := range ratios {
			if q.Name == name && r.has(q.A) && r.has(q.B) {
				if x, ok := r.value(q, n); ok {
					return twoDigits(x) + "×", true
				}
			}
		}
		return "", false
	}
	// Two lines: civicgraph against gqlgen, then against hello-world and
	// the stores against memory.
	var first, second []string
	if x, ok := get("memory, both caches off ÷ gqlgen: requests/s"); ok {
		first = append(first, x+" the requests/s of a minimal gqlgen server answering from a Go map with both caches off")
	}
	if x, ok := get("memory, entity cache only ÷ gqlgen: requests/s"); ok {
		first = append(first, x+" with its entity cache only")
	}
	if x, ok := get("memory, defaults ÷ hello-world: requests/s"); ok {
		second = append(second, "with its response cache as well, "+x+" those of a hello-world handler")
	}
	var stores []string
	if x, ok := get("bolt ÷ memory, caches off: requests/s"); ok {
		stores = append(stores, "bolt "+x)
	}
	if x, ok := get("PostgreSQL ÷ memory, caches off: requests/s"); ok {
		stores = append(stores, "PostgreSQL "+x)
	}
	if len(stores) > 0 {
		second = append(second, "with no cache, "+strings.Join(stores, " and ")+" of memory's pace")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Answering 马善祥's honours with evidence (%d connections, %s CPUs, %s), civicgraph on memory serves %s",
		n, r.Meta["cpus"], r.Meta["date"], strings.Join(first, " and "))
	if len(second) > 0 {
		b.WriteString(";\n" + strings.Join(second, "; "))
	}
	b.WriteString(".")
	fmt.Fprintf(&b, "\n\n![requests/s and p99 latency of each configuration](%s)\n", img)
	return b.String()
}
