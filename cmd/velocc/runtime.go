// The runtime velocc copies into the modules it writes: which packages a job needs, which modules they require, and
// the copy itself, with the record of the velocc it came from.

package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/velocc/velocc"
)

// modulePath is velocc's own module, the one generated jobs import rt from.
const modulePath = "github.com/velocc/velocc"

// copyDir is where a module keeps its copy of velocc's runtime, relative to the module root, in slash form. The
// copy is a module of its own (module github.com/velocc/velocc) that the module's go.mod replaces velocc with.
const copyDir = "third_party/velocc"

// copyReplace is the replace target in go.mod for copyDir: a relative path, so that the module can move.
const copyReplace = "./" + copyDir

// runtimeSource is the runtime this velocc generates code for: the embedded sources of rt and its sub-packages,
// and velocc's go.mod and go.sum, which pin the modules they import.
type runtimeSource struct {
	fsys    fs.FS
	goMod   *modfile.File
	goSum   []string            // the lines of velocc's go.sum
	modules map[string][]string // runtime package → modules it needs (velocc.RuntimeModules)
	id      string              // runtimeID of fsys
}

// embeddedRuntime reads the runtime embedded in this binary once.
var embeddedRuntime = sync.OnceValues(func() (*runtimeSource, error) {
	return newRuntimeSource(velocc.Source, velocc.RuntimeModules)
})

func newRuntimeSource(fsys fs.FS, modules map[string][]string) (*runtimeSource, error) {
	data, err := fs.ReadFile(fsys, "go.mod")
	if err != nil {
		return nil, err
	}
	gm, err := modfile.ParseLax("go.mod", data, nil)
	if err != nil {
		return nil, fmt.Errorf("velocc's own go.mod: %w", err)
	}
	sum, err := fs.ReadFile(fsys, "go.sum")
	if err != nil {
		return nil, err
	}
	id, err := runtimeID(fsys)
	if err != nil {
		return nil, err
	}
	return &runtimeSource{fsys: fsys, goMod: gm, goSum: sumLines(sum), modules: modules, id: id}, nil
}

// runtimeID identifies the runtime's sources: a hash of every non-test file under rt/. Two velocc builds with the
// same runtime ID write the same copy; velocc mod compares it to tell whether a copy is stale.
func runtimeID(fsys fs.FS) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(fsys, "rt", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "testdata" {
				return fs.SkipDir
			}
			return nil
		}
		if !copied(d) {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(data))
		h.Write(data)
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}

// copied reports whether a file of a runtime package belongs in a copy: every regular file but tests.
func copied(d fs.DirEntry) bool {
	return d.Type().IsRegular() && !strings.HasSuffix(d.Name(), "_test.go")
}

// veloccVersion is the version of this velocc binary as the go command stamped it, "(devel)" when it did not.
func veloccVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// relPkg is a runtime package's path inside velocc's module, "rt/kafka" for github.com/velocc/velocc/rt/kafka.
func relPkg(importPath string) string {
	return strings.TrimPrefix(importPath, modulePath+"/")
}

// inRuntime reports whether an import path names a package under rt.
func inRuntime(importPath string) bool {
	rel := relPkg(importPath)
	return rel != importPath && (rel == "rt" || strings.HasPrefix(rel, "rt/"))
}

// packages returns the runtime packages a module needs, sorted: those it imports, given as import path → the file
// that imports it, and the packages under velocc's module that these import in turn. rt is always among them.
func (r *runtimeSource) packages(imports map[string]string) ([]string, error) {
	seen := map[string]bool{}
	queue := []string{modulePath + "/rt"}
	for _, p := range slices.Sorted(maps.Keys(imports)) {
		if !inRuntime(p) {
			return nil, fmt.Errorf("%s imports %q, which is not part of velocc's runtime (%s/rt and its sub-packages)", imports[p], p, modulePath)
		}
		queue = append(queue, p)
	}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if seen[p] {
			continue
		}
		seen[p] = true
		files, err := r.files(p)
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("this velocc has no runtime package %q", p)
		}
		for _, f := range files {
			if !strings.HasSuffix(f, ".go") {
				continue
			}
			src, err := fs.ReadFile(r.fsys, f)
			if err != nil {
				return nil, err
			}
			for _, imp := range fileImports(f, src) {
				if imp == modulePath || strings.HasPrefix(imp, modulePath+"/") {
					if !inRuntime(imp) {
						return nil, fmt.Errorf("runtime file %s imports %q, which velocc does not carry", f, imp)
					}
					queue = append(queue, imp)
				}
			}
		}
	}
	return slices.Sorted(maps.Keys(seen)), nil
}

// files lists the files of a runtime package that a copy holds, as paths in r.fsys.
func (r *runtimeSource) files(importPath string) ([]string, error) {
	dir := relPkg(importPath)
	entries, err := fs.ReadDir(r.fsys, dir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, err
	}
	var files []string
	for _, e := range entries {
		if copied(e) {
			files = append(files, path.Join(dir, e.Name()))
		}
	}
	return files, nil
}

// fileImports returns the import paths of a Go file; a file that does not parse gives those before the error.
func fileImports(name string, src []byte) []string {
	f, _ := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly)
	if f == nil {
		return nil
	}
	var imps []string
	for _, s := range f.Imports {
		if p, err := strconv.Unquote(s.Path.Value); err == nil {
			imps = append(imps, p)
		}
	}
	return imps
}

// requirements returns the modules other than velocc that the runtime packages pkgs need, at the versions velocc
// selects, sorted by path.
func (r *runtimeSource) requirements(pkgs []string) ([]module.Version, error) {
	versions := map[string]string{}
	for _, req := range r.goMod.Require {
		versions[req.Mod.Path] = req.Mod.Version
	}
	var reqs []module.Version
	seen := map[string]bool{}
	for _, p := range pkgs {
		mods, ok := r.modules[p]
		if !ok {
			return nil, fmt.Errorf("this velocc was built without the module list of %s: velocc.RuntimeModules is out of date (go test %s -run TestRuntimeModules -update)", p, modulePath)
		}
		for _, m := range mods {
			if seen[m] {
				continue
			}
			seen[m] = true
			v, ok := versions[m]
			if !ok {
				return nil, fmt.Errorf("%s needs module %s, which velocc's go.mod does not require", p, m)
			}
			reqs = append(reqs, module.Version{Path: m, Version: v})
		}
	}
	slices.SortFunc(reqs, func(a, b module.Version) int { return strings.Compare(a.Path, b.Path) })
	return reqs, nil
}

// sums returns the lines of velocc's go.sum for the modules of reqs, every version of them that velocc's go.sum
// holds: the go command needs the hash of each module's zip and go.mod, and may read the go.mod of other versions
// while it loads the module graph.
func (r *runtimeSource) sums(reqs []module.Version) ([]string, error) {
	var lines []string
	for _, req := range reqs {
		found := false
		for _, l := range r.goSum {
			if f := strings.Fields(l); len(f) == 3 && f[0] == req.Path {
				lines = append(lines, l)
				found = found || f[1] == req.Version
			}
		}
		if !found {
			return nil, fmt.Errorf("velocc's go.sum has no hash of %s %s", req.Path, req.Version)
		}
	}
	return lines, nil
}

// goVersion is the go directive of velocc's go.mod: the least a module holding the runtime may declare.
func (r *runtimeSource) goVersion() string {
	if r.goMod.Go != nil {
		return r.goMod.Go.Version
	}
	return ""
}

// copyInfo is what a copy of the runtime records about itself in its README.md.
type copyInfo struct {
	Version  string   // the velocc that wrote it
	Runtime  string   // its runtimeID
	Packages []string // the runtime packages it holds, "rt", "rt/kafka"
}

// Field names of copyInfo in the copy's README.md, one "name: value" line each.
const (
	infoVersion  = "velocc-version: "
	infoRuntime  = "velocc-runtime: "
	infoPackages = "velocc-packages: "
)

// readCopy reads the record of the runtime copy in dir. ok is false if dir does not exist; an error means dir
// exists but is not a copy velocc wrote, and velocc must not replace it.
func readCopy(dir string) (info copyInfo, ok bool, err error) {
	if _, err := os.Stat(dir); os.IsNotExist(err) {
		return copyInfo{}, false, nil
	}
	data, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err == nil {
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, infoVersion):
				info.Version = strings.TrimPrefix(line, infoVersion)
			case strings.HasPrefix(line, infoRuntime):
				info.Runtime = strings.TrimPrefix(line, infoRuntime)
			case strings.HasPrefix(line, infoPackages):
				info.Packages = strings.Fields(strings.TrimPrefix(line, infoPackages))
			}
		}
	}
	if info.Runtime == "" {
		return copyInfo{}, false, fmt.Errorf("%s exists but is not a runtime copy written by velocc (its README.md has no %q line): move it away", dir, strings.TrimSpace(infoRuntime))
	}
	return info, true, nil
}

// copyReadme is the README.md of a runtime copy; its last lines are the copyInfo.
const copyReadme = `# The runtime of velocc

velocc wrote this directory: the packages of velocc's runtime that the Go code velocc generated in this module
imports, as a module of its own that the go.mod of this module replaces github.com/velocc/velocc with. Do not edit
it: 'velocc mod' rewrites it, for instance after an upgrade of velocc.

`

// writeCopy writes the runtime packages pkgs, with a go.mod requiring reqs and the copyInfo, into dir, replacing
// what is there. It writes a new directory beside dir first and swaps it in, so that a failure leaves either the
// old copy or the new one.
func (r *runtimeSource) writeCopy(dir string, pkgs []string, reqs []module.Version) error {
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o777); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, ".velocc-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	gm := new(modfile.File)
	gm.AddModuleStmt(modulePath)
	if err := gm.AddGoStmt(r.goVersion()); err != nil {
		return err
	}
	direct := map[string]bool{} // modules the copied packages import themselves
	rels := make([]string, len(pkgs))
	for i, p := range pkgs {
		rels[i] = relPkg(p)
		files, err := r.files(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(tmp, filepath.FromSlash(rels[i])), 0o777); err != nil {
			return err
		}
		for _, f := range files {
			data, err := fs.ReadFile(r.fsys, f)
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(tmp, filepath.FromSlash(f)), data, 0o666); err != nil {
				return err
			}
			for _, imp := range fileImports(f, data) {
				for _, req := range reqs {
					if imp == req.Path || strings.HasPrefix(imp, req.Path+"/") {
						direct[req.Path] = true
					}
				}
			}
		}
	}
	for _, req := range reqs {
		gm.AddNewRequire(req.Path, req.Version, !direct[req.Path])
	}
	gm.SetRequireSeparateIndirect(gm.Require)
	gm.Cleanup()
	modData, err := gm.Format()
	if err != nil {
		return err
	}
	readme := copyReadme + infoVersion + veloccVersion() + "\n" + infoRuntime + r.id + "\n" + infoPackages + strings.Join(rels, " ") + "\n"
	for name, data := range map[string][]byte{"go.mod": modData, "README.md": []byte(readme)} {
		if err := os.WriteFile(filepath.Join(tmp, name), data, 0o666); err != nil {
			return err
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	return os.Rename(tmp, dir)
}

// sumLines splits a go.sum into its non-empty lines.
func sumLines(data []byte) []string {
	var lines []string
	for l := range strings.SplitSeq(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// sortSum orders go.sum lines as the go command writes them: by module path, then version, a module's zip hash
// before its go.mod hash.
func sortSum(lines []string) {
	key := func(l string) (p, v string, gomod bool) {
		f := strings.Fields(l)
		if len(f) < 2 {
			return l, "", false
		}
		v, gomod = strings.CutSuffix(f[1], "/go.mod")
		return f[0], v, gomod
	}
	slices.SortStableFunc(lines, func(a, b string) int {
		pa, va, ga := key(a)
		pb, vb, gb := key(b)
		if c := strings.Compare(pa, pb); c != 0 {
			return c
		}
		if c := semver.Compare(va, vb); c != 0 {
			return c
		}
		if c := strings.Compare(va, vb); c != 0 {
			return c
		}
		switch {
		case ga == gb:
			return 0
		case gb:
			return -1
		}
		return 1
	})
}
