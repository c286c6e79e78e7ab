// Package templates holds the non-Go scaffolding that 'velocc build -o DIR/' writes next to a generated job.
package templates

import "embed"

// FS holds go.mod.tmpl, Makefile.tmpl and README.md.tmpl, rendered with text/template by cmd/velocc.
//
//go:embed *.tmpl
var FS embed.FS
