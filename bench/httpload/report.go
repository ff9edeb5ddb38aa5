package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"text/tabwriter"
	"time"
)

// tally is one client's samples, kept apart so clients never contend.
type tally struct {
	lat      [][]time.Duration // per kind, every request's latency
	errs     []int64           // per kind
	firstErr []string          // per kind, the first error's text
}

func newTally() *tally {
	return &tally{lat: make([][]time.Duration, len(mix)), errs: make([]int64, len(mix)), firstErr: make([]string, len(mix))}
}

func (t *tally) add(k int, took time.Duration, err error) {
	t.lat[k] = append(t.lat[k], took)
	if err != nil {
		t.errs[k]++
		if t.firstErr[k] == "" {
			t.firstErr[k] = err.Error()
		}
	}
}

// stats are the figures of one query kind, or of all.
type stats struct {
	Kind     string  `json:"kind"`
	Requests int64   `json:"requests"`
	Errors   int64   `json:"errors"`
	ReqPerS  float64 `json:"reqPerSec"`
	P50ms    float64 `json:"p50ms"`
	P90ms    float64 `json:"p90ms"`
	P99ms    float64 `json:"p99ms"`
	FirstErr string  `json:"firstError,omitempty"`
}

// result is one run, as printed and as written for compare.
type result struct {
	Label       string  `json:"label,omitempty"`
	URL         string  `json:"url"`
	Concurrency int     `json:"concurrency"`
	Seconds     float64 `json:"seconds"`
	stats
	Kinds []stats `json:"kinds"`
}

func summarize(c config, workers []*tally, elapsed time.Duration) *result {
	secs := elapsed.Seconds()
	res := &result{Label: c.Label, URL: c.URL, Concurrency: c.Concurrency, Seconds: secs}
	var all []time.Duration
	for k := range mix {
		var lat []time.Duration
		s := stats{Kind: mix[k].name}
		for _, w := range workers {
			lat = append(lat, w.lat[k]...)
			s.Errors += w.errs[k]
			if s.FirstErr == "" {
				s.FirstErr = w.firstErr[k]
			}
		}
		all = append(all, lat...)
		fill(&s, lat, secs)
		res.Kinds = append(res.Kinds, s)
		res.Errors += s.Errors
		if res.FirstErr == "" {
			res.FirstErr = s.FirstErr
		}
	}
	res.Kind = "all"
	fill(&res.stats, all, secs)
	return res
}

func fill(s *stats, lat []time.Duration, secs float64) {
	slices.Sort(lat)
	s.Requests = int64(len(lat))
	if secs > 0 {
		s.ReqPerS = float64(len(lat)) / secs
	}
	s.P50ms = ms(percentile(lat, 0.50))
	s.P90ms = ms(percentile(lat, 0.90))
	s.P99ms = ms(percentile(lat, 0.99))
}

// percentile is the nearest-rank percentile of sorted samples (0 for none).
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func (r *result) printTable(w io.Writer) {
	if r.Label != "" {
		fmt.Fprintf(w, "%s: ", r.Label)
	}
	fmt.Fprintf(w, "%s, %d clients, %.1f s\n", r.URL, r.Concurrency, r.Seconds)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kind\trequests\terrors\treq/s\tp50 ms\tp90 ms\tp99 ms\t")
	for _, s := range append(slices.Clone(r.Kinds), r.stats) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%.2f\t%.2f\t%.2f\t\n", s.Kind, s.Requests, s.Errors, s.ReqPerS, s.P50ms, s.P90ms, s.P99ms)
	}
	tw.Flush()
	for _, s := range r.Kinds {
		if s.FirstErr != "" {
			fmt.Fprintf(w, "first %s error: %s\n", s.Kind, s.FirstErr)
		}
	}
}

// compare prints, as a Markdown table, each run's req/s, p50 and p99 as a
// ratio of the first run's: figures from a shared, noisy machine only
// compare within one run of the script.
func compare(files []string, w io.Writer) error {
	if len(files) == 0 {
		return errors.New("compare: want the baseline's result file, then the others")
	}
	var runs []*result
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		r := &result{}
		if err := json.Unmarshal(b, r); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		if r.Label == "" {
			r.Label = f
		}
		runs = append(runs, r)
	}
	base := runs[0]
	if base.ReqPerS == 0 || base.P50ms == 0 || base.P99ms == 0 {
		return fmt.Errorf("%s: the baseline has no requests", files[0])
	}
	fmt.Fprintln(w, "| configuration | req/s | p50 | p99 | errors |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	fmt.Fprintf(w, "| %s | 1× (%.0f req/s) | 1× (%.2f ms) | 1× (%.2f ms) | %d |\n", base.Label, base.ReqPerS, base.P50ms, base.P99ms, base.Errors)
	for _, r := range runs[1:] {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %d |\n", r.Label,
			ratio(r.ReqPerS, base.ReqPerS), ratio(r.P50ms, base.P50ms), ratio(r.P99ms, base.P99ms), r.Errors)
	}
	return nil
}

// ratio prints two significant digits, as the README's other tables do.
func ratio(v, base float64) string {
	r := v / base
	if r >= 10 {
		return fmt.Sprintf("%.0f×", r)
	}
	return fmt.Sprintf("%.2g×", r)
}
