package main

import (
	"runtime/debug"
	"strings"
)

// version says which build this is: the module version and the VCS
// revision, time and state Go stamped into the binary (make build and make
// run build with -buildvcs=true), or "(devel)" for a build without them.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "civicgraph (devel)"
	}
	return versionOf(info)
}

func versionOf(info *debug.BuildInfo) string {
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	rev := settings["vcs.revision"]
	if rev == "" {
		return "civicgraph " + v
	}
	details := []string{"revision " + rev[:min(len(rev), 12)]}
	if t := settings["vcs.time"]; t != "" {
		details = append(details, t)
	}
	if settings["vcs.modified"] == "true" {
		details = append(details, "modified")
	}
	return "civicgraph " + v + " (" + strings.Join(details, ", ") + ")"
}
