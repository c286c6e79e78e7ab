// The diagnostics funnel: every problem the compiler finds becomes a positioned Diagnostic.
package compiler

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/velocc/velocc/grammar"
)

// Severity says whether a diagnostic stops compilation.
type Severity uint8

// Severities.
const (
	Error Severity = iota
	Warning
)

// Diagnostic is one problem in a script or a file it references.
type Diagnostic struct {
	Severity Severity
	Code     Code
	File     string
	Line     int // 1-based
	Col      int // 1-based, in runes
	EndCol   int // 1-based, exclusive, on the same line; 0 means one rune
	Msg      string
	Snippet  string // the source line, for the caret display
}

// String renders the first line: "file:line:col: message" (warnings say so).
func (d Diagnostic) String() string {
	if d.Severity == Warning {
		return fmt.Sprintf("%s:%d:%d: warning: %s", d.File, d.Line, d.Col, d.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", d.File, d.Line, d.Col, d.Msg)
}

// Diagnostics is the sorted list a compilation produces.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Errors returns only the errors.
func (ds Diagnostics) Errors() Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == Error {
			out = append(out, d)
		}
	}
	return out
}

// Error joins the first lines of all diagnostics, so Diagnostics can be returned as an error.
func (ds Diagnostics) Error() string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

// Format prints every diagnostic: its first line, the source line and a caret under the span.
func (ds Diagnostics) Format(w io.Writer) {
	for _, d := range ds {
		fmt.Fprintln(w, d.String())
		if d.Snippet == "" {
			continue
		}
		line := strings.ReplaceAll(d.Snippet, "\t", " ")
		fmt.Fprintf(w, "    %s\n", line)
		width := 1
		if d.EndCol > d.Col {
			width = d.EndCol - d.Col
		}
		fmt.Fprintf(w, "    %s%s\n", strings.Repeat(" ", d.Col-1), strings.Repeat("^", width))
	}
}

// maxErrors caps the list so a badly broken script does not drown the first, most useful errors.
const maxErrors = 50

// reporter is the funnel: every diagnostic of a compilation goes through report.
type reporter struct {
	files map[string][]byte // file name → contents, for snippets
	diags Diagnostics
}

func newReporter() *reporter { return &reporter{files: map[string][]byte{}} }

// report records a diagnostic at a span of a file the reporter knows.
func (r *reporter) report(sev Severity, code Code, sp grammar.Span, format string, args ...any) {
	d := Diagnostic{Severity: sev, Code: code, File: sp.Start.File, Line: sp.Start.Line, Col: sp.Start.Col, Msg: fmt.Sprintf(format, args...)}
	if sp.End.Line == sp.Start.Line && sp.End.Col > sp.Start.Col {
		d.EndCol = sp.End.Col
	}
	d.Snippet = lineOf(r.files[d.File], d.Line)
	if d.EndCol > 0 {
		if n := utf8.RuneCountInString(d.Snippet) + 1; d.EndCol > n {
			d.EndCol = n
		}
	}
	r.diags = append(r.diags, d)
}

func (r *reporter) errorf(code Code, sp grammar.Span, format string, args ...any) {
	r.report(Error, code, sp, format, args...)
}

func (r *reporter) warnf(code Code, sp grammar.Span, format string, args ...any) {
	r.report(Warning, code, sp, format, args...)
}

// result sorts by position, drops repeated messages on one line and caps the number of errors.
func (r *reporter) result() Diagnostics {
	ds := r.diags
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	var out Diagnostics
	seen := map[string]bool{}
	errs := 0
	for _, d := range ds {
		k := fmt.Sprintf("%s:%d:%s", d.File, d.Line, d.Msg)
		if seen[k] {
			continue
		}
		seen[k] = true
		if d.Severity == Error {
			errs++
			if errs > maxErrors {
				out = append(out, Diagnostic{Severity: Error, Code: CodeTooMany, File: d.File, Line: d.Line, Col: d.Col, Msg: "too many errors"})
				break
			}
		}
		out = append(out, d)
	}
	return out
}

func lineOf(src []byte, line int) string {
	if line < 1 {
		return ""
	}
	s := string(src)
	for i := 1; i < line; i++ {
		j := strings.IndexByte(s, '\n')
		if j < 0 {
			return ""
		}
		s = s[j+1:]
	}
	if j := strings.IndexByte(s, '\n'); j >= 0 {
		s = s[:j]
	}
	return strings.TrimRight(s, "\r")
}
