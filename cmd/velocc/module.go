// The module directory 'velocc build -o DIR/' writes: main.go, go.mod, go.sum, Makefile and README.md.

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/template"

	"github.com/velocc/velocc/templates"
)

// moduleData is what templates/*.tmpl are rendered with.
type moduleData struct {
	Job       string   // module path element and binary name, "job"
	Source    string   // the script's file name, "job.sql"
	Module    string   // "velocc.local/job"
	GoVersion string   // go directive, copied from velocc's go.mod
	Require   string   // version of github.com/velocc/velocc to require; "" to leave it to 'go mod tidy'
	Indirect  []string // velocc's own requirements, "path version", so that rt's dependencies resolve as in velocc
	Replace   string   // the checkout to replace velocc with, quoted for go.mod if needed; "" for none
}

// writeModule writes a buildable module for one job into dir, creating dir if needed.
func writeModule(dir, source, jobName string, code []byte, stderr io.Writer) error {
	co, err := findCheckout(os.LookupEnv)
	if err != nil {
		return err
	}
	job := moduleElem(jobName)
	d := moduleData{Job: job, Source: source, Module: "velocc.local/" + job, GoVersion: toolchainGo()}
	var sum []byte
	if co.Dir != "" {
		data, err := os.ReadFile(filepath.Join(co.Dir, "go.mod"))
		if err != nil {
			return err
		}
		gm := parseGoMod(data)
		if gm.Go != "" {
			d.GoVersion = gm.Go
		}
		d.Indirect = gm.Requires
		// velocc's go.sum covers every module rt can need; extra lines are harmless.
		sum, err = os.ReadFile(filepath.Join(co.Dir, "go.sum"))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	if co.Replace {
		d.Require, d.Replace = "v0.0.0", goModQuote(co.Dir)
	} else {
		d.Require = co.Version
	}

	if err := os.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	type file struct {
		name string
		data []byte
	}
	files := []file{{"main.go", code}}
	for _, f := range []struct{ name, tmpl string }{
		{"go.mod", "go.mod.tmpl"},
		{"Makefile", "Makefile.tmpl"},
		{"README.md", "README.md.tmpl"},
	} {
		data, err := render(f.tmpl, d)
		if err != nil {
			return err
		}
		files = append(files, file{f.name, data})
	}
	if sum != nil {
		files = append(files, file{"go.sum", sum})
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.data, 0o666); err != nil {
			return err
		}
	}

	if !co.Replace {
		what := "requires " + modulePath + " " + d.Require + ": run 'go mod tidy' there before building"
		if d.Require == "" {
			what = "names no version of " + modulePath + ": run 'go mod tidy' there to require its latest release"
		}
		fmt.Fprintf(stderr, "velocc: no velocc checkout found (set VELOCC_ROOT to use one); %s %s\n", filepath.Join(dir, "go.mod"), what)
	}
	return nil
}

func render(name string, d moduleData) ([]byte, error) {
	t, err := template.ParseFS(templates.FS, name)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return nil, err
	}
	if !bytes.HasSuffix(b.Bytes(), []byte("\n")) {
		b.WriteByte('\n')
	}
	return b.Bytes(), nil
}

// moduleElem makes a job name usable as a module path element and a file name: letters, digits and "-._~" only,
// neither starting nor ending with a punctuation mark.
func moduleElem(name string) string {
	s := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune("-._~", r):
			return r
		}
		return '_'
	}, name)
	s = strings.Trim(s, "-._~")
	if s == "" {
		return "job"
	}
	return s
}

// goModQuote quotes a path for go.mod when it holds characters the go.mod syntax would split on.
func goModQuote(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\r\n\"'`(),;") || strings.Contains(s, "//") || strings.Contains(s, "/*") {
		return strconv.Quote(s)
	}
	return s
}
