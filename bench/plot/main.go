// Command plot turns the measurements of bench/run.sh into its report: the
// table of medians, the ratios against the performance targets (met or
// missed) and a picture of requests/s and p99 per store and cache
// configuration, drawn with gonum.org/v1/plot.
//
//	plot report -dir DIR [-doc docs/performance.md] [-readme README.md] [-picture performance.svg]
//	plot same-honours GRAPHQL.json GIZMO.json
//
// report reads DIR/configs.tsv, DIR/results.tsv and DIR/meta.tsv as run.sh
// writes them, prints the report, and writes it to DIR/results.md and the
// picture to DIR/performance.svg (or another -picture name, .svg or
// .png); -doc also replaces the part of that
// Markdown file between its two bench/run.sh report markers with the
// report, and -readme the part between the summary markers with two lines
// and the picture.
//
// same-honours checks that Cayley's answer to the Gizmo query holds the
// same honours, times and quotes as civicgraph's answer to the GraphQL
// query, in any order, so that both servers are asked the same question.
package main

import (
	"errors"
	"fmt"
	"os"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "plot:", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("usage: plot report -dir DIR [-doc FILE] [-readme FILE] [-picture NAME.svg|NAME.png] | plot same-honours GRAPHQL.json GIZMO.json")

func run(args []string) error {
	if len(args) == 0 {
		return errUsage
	}
	switch args[0] {
	case "report":
		return reportCmd(args[1:], os.Stdout)
	case "same-honours":
		if len(args) != 3 {
			return errUsage
		}
		return sameHonoursFiles(args[1], args[2])
	}
	return errUsage
}
