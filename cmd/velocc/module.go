// The module directory 'velocc build -o DIR/' writes: main.go, go.mod, go.sum, Makefile, README.md and the runtime copy.

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/template"

	"github.com/velocc/velocc/templates"
)

// moduleData is what templates/*.tmpl are rendered with.
type moduleData struct {
	Job       string // module path element and binary name, "job"
	Source    string // the script's file name, "job.sql"
	Module    string // "velocc.local/job"
	GoVersion string // go directive, velocc's own
	CopyDir   string // where the module keeps velocc's runtime, "third_party/velocc"
}

// writeModule writes a buildable module for one job into dir, creating dir if needed: main.go, go.mod, Makefile
// and README.md, and then, as 'velocc mod' does, the runtime packages the job imports into third_party/velocc, the
// requirements of go.mod and the go.sum of the modules they need (none for a job without Kafka, which then builds
// offline with the standard library alone).
func writeModule(dir, source, jobName string, code []byte) error {
	rt, err := embeddedRuntime()
	if err != nil {
		return err
	}
	job := moduleElem(jobName)
	d := moduleData{Job: job, Source: source, Module: "velocc.local/" + job, GoVersion: rt.goVersion(), CopyDir: copyDir}
	// A go.mod other than one velocc wrote is a module of the user's, which -o DIR/ must not overwrite.
	if m, err := readModule(dir); err == nil && !strings.HasPrefix(m.path(), "velocc.local/") {
		return fmt.Errorf("%s is the go.mod of module %s, which velocc build -o DIR/ would overwrite: write the job as a file in it (-o %s) and run 'velocc mod' there, or choose another directory",
			filepath.Join(dir, "go.mod"), m.path(), filepath.Join(dir, job+".go"))
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	files := map[string][]byte{"main.go": code}
	for name, tmpl := range map[string]string{"go.mod": "go.mod.tmpl", "Makefile": "Makefile.tmpl", "README.md": "README.md.tmpl"} {
		data, err := render(tmpl, d)
		if err != nil {
			return err
		}
		files[name] = data
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o666); err != nil {
			return err
		}
	}
	// go.sum is written anew from the job's needs, so that one of an earlier build does not linger.
	if err := os.Remove(filepath.Join(dir, "go.sum")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	m, err := readModule(dir)
	if err != nil {
		return err
	}
	_, _, err = syncModule(m, rt, io.Discard)
	return err
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
