// The runtime's sources, embedded in velocc so that the modules it writes build without a velocc checkout.

// Package velocc carries the sources of velocc's runtime, the package rt and its sub-packages, with velocc's go.mod
// and go.sum. The velocc command copies the runtime packages a job imports from it into the module it writes
// (cmd/velocc/runtime.go). Neither generated jobs nor the runtime import this package.
package velocc

import "embed"

// Source holds go.mod, go.sum and the tree under rt/, as this velocc was built from them. Embedding cannot leave
// out test files and testdata, so they are here too; the velocc command copies only the non-test files.
//
//go:embed go.mod go.sum rt
var Source embed.FS
