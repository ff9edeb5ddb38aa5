// Package data holds civicgraph's dataset — the source documents and the
// curated facts drawn from them — and embeds it, so the binary serves it with
// no set-up. data/README.md documents the format.
package data

import "embed"

// FS is the data folder: dataset.yaml (the dataset's base IRI and
// publication info), sources/, entities/ and waivers.yaml (the likely misses
// `civicgraph check` accepts).
//
//go:embed dataset.yaml sources entities waivers.yaml
var FS embed.FS
