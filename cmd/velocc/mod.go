// Keeping a Go module in step with the code velocc generated into it: its runtime copy, go.mod and go.sum. This is
// 'velocc mod', what 'velocc build -o FILE.go' does in a module set up with it, and the last step of -o DIR/.

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"
)

// findModule returns the root of the module that contains dir: the nearest directory at or above dir with a
// go.mod. ok is false if there is none.
func findModule(dir string) (root string, ok bool, err error) {
	dir, err = filepath.Abs(dir)
	if err != nil {
		return "", false, err
	}
	for {
		if fi, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil && !fi.IsDir() {
			return dir, true, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false, nil
		}
		dir = parent
	}
}

// goModule is a module velocc writes generated code into, as read from its go.mod.
type goModule struct {
	root string        // the directory of go.mod
	file *modfile.File // go.mod
	data []byte        // go.mod as read
}

func readModule(root string) (*goModule, error) {
	name := filepath.Join(root, "go.mod")
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	f, err := modfile.Parse(name, data, nil)
	if err != nil {
		return nil, err
	}
	if f.Module == nil {
		return nil, fmt.Errorf("%s has no module directive", name)
	}
	return &goModule{root: root, file: f, data: data}, nil
}

// path is the module's path, "example.com/app".
func (m *goModule) path() string { return m.file.Module.Mod.Path }

// veloccReplace returns the replace directive of m's go.mod for velocc, or nil.
func (m *goModule) veloccReplace() *modfile.Replace {
	for _, r := range m.file.Replace {
		if r.Old.Path == modulePath {
			return r
		}
	}
	return nil
}

// managed reports whether m takes velocc's runtime from the copy velocc keeps in it: 'velocc mod' set it up.
func (m *goModule) managed() bool {
	r := m.veloccReplace()
	return r != nil && r.Old.Version == "" && r.New.Version == "" && path.Clean(r.New.Path) == copyDir
}

// requires returns the version of path that m's go.mod requires, or "".
func (m *goModule) requires(p string) string {
	for _, r := range m.file.Require {
		if r.Mod.Path == p {
			return r.Mod.Version
		}
	}
	return ""
}

// veloccImports returns the packages of velocc's module that the module's Go files import, each with one of the
// files that import it. Like the go command, it skips directories named testdata or vendor or starting with "."
// or "_", nested modules and the runtime copy.
func (m *goModule) veloccImports() (map[string]string, error) {
	imports := map[string]string{}
	err := filepath.WalkDir(m.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p == m.root {
				return nil
			}
			name := d.Name()
			if name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || p == filepath.Join(m.root, filepath.FromSlash(copyDir)) {
				return fs.SkipDir
			}
			if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !strings.HasSuffix(p, ".go") {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, imp := range fileImports(p, src) {
			if _, ok := imports[imp]; !ok && (imp == modulePath || strings.HasPrefix(imp, modulePath+"/")) {
				rel, err := filepath.Rel(m.root, p)
				if err != nil {
					rel = p
				}
				imports[imp] = rel
			}
		}
		return nil
	})
	return imports, err
}

// syncModule makes module m build the code velocc generated into it: it writes the runtime packages
// that the module's Go files import into the runtime copy (replacing a copy of another velocc), and adds to go.mod
// the requirement of velocc, the replace directive that points it at the copy, the go version and the modules the
// runtime packages need; and their hashes to go.sum. It prints what it changed to w, one line each, and returns
// the runtime packages the copy holds ("rt", "rt/kafka") and whether it changed anything.
func syncModule(m *goModule, rt *runtimeSource, w io.Writer) (rels []string, changed bool, err error) {
	if m.path() == modulePath {
		return nil, false, fmt.Errorf("%s is velocc's own module: its packages import rt directly", m.root)
	}
	imports, err := m.veloccImports()
	if err != nil {
		return nil, false, err
	}
	pkgs, err := rt.packages(imports)
	if err != nil {
		return nil, false, err
	}
	reqs, err := rt.requirements(pkgs)
	if err != nil {
		return nil, false, err
	}
	sums, err := rt.sums(reqs)
	if err != nil {
		return nil, false, err
	}
	say := func(format string, args ...any) {
		changed = true
		fmt.Fprintf(w, "velocc: "+format+"\n", args...)
	}

	// The runtime copy.
	dir := filepath.Join(m.root, filepath.FromSlash(copyDir))
	have, exists, err := readCopy(dir)
	if err != nil {
		return nil, false, err
	}
	rels = make([]string, len(pkgs))
	for i, p := range pkgs {
		rels[i] = relPkg(p)
	}
	if !exists || have.Runtime != rt.id || !slices.Equal(have.Packages, rels) {
		if err := rt.writeCopy(dir, pkgs, reqs); err != nil {
			return nil, false, err
		}
		what := fmt.Sprintf("runtime %s of velocc %s, packages %s", rt.id, veloccVersion(), strings.Join(rels, ", "))
		switch {
		case !exists:
			say("wrote %s: %s", copyDir, what)
		case have.Runtime != rt.id:
			say("replaced %s (runtime %s of velocc %s) with %s: regenerate this module's jobs with this velocc (go generate ./...)",
				copyDir, have.Runtime, have.Version, what)
		default:
			say("%s now holds %s", copyDir, strings.Join(rels, ", "))
		}
	}

	// go.mod: velocc, replaced with the copy; the go version; the modules of the runtime packages.
	f := m.file
	if v := rt.goVersion(); v != "" && (f.Go == nil || goVersionLess(f.Go.Version, v)) {
		if err := f.AddGoStmt(v); err != nil {
			return nil, false, err
		}
		say("go.mod: go %s, the version velocc's runtime needs", v)
	}
	if m.requires(modulePath) == "" {
		if err := f.AddRequire(modulePath, "v0.0.0"); err != nil {
			return nil, false, err
		}
		say("go.mod: require %s v0.0.0", modulePath)
	}
	if !m.managed() {
		if old := m.veloccReplace(); old != nil {
			if err := f.DropReplace(old.Old.Path, old.Old.Version); err != nil {
				return nil, false, err
			}
		}
		if err := f.AddReplace(modulePath, "", copyReplace, ""); err != nil {
			return nil, false, err
		}
		say("go.mod: replace %s => %s", modulePath, copyReplace)
	}
	added := false
	for _, req := range reqs {
		switch v := m.requires(req.Path); {
		case v == "":
			f.AddNewRequire(req.Path, req.Version, true)
		case semver.Compare(v, req.Version) < 0:
			if err := f.AddRequire(req.Path, req.Version); err != nil {
				return nil, false, err
			}
		default:
			continue
		}
		added = true
		say("go.mod: require %s %s, which %s needs", req.Path, req.Version, neededBy(rt, pkgs, req.Path))
	}
	if added {
		f.SetRequireSeparateIndirect(f.Require)
	}
	f.Cleanup()
	data, err := f.Format()
	if err != nil {
		return nil, false, err
	}
	if !bytes.Equal(data, m.data) {
		if err := os.WriteFile(filepath.Join(m.root, "go.mod"), data, 0o666); err != nil {
			return nil, false, err
		}
		m.data = data
	}

	// go.sum: the hashes of those modules, pinned as velocc's go.sum has them.
	sumFile := filepath.Join(m.root, "go.sum")
	old, err := os.ReadFile(sumFile)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}
	lines := sumLines(old)
	n := len(lines)
	for _, l := range sums {
		if !slices.Contains(lines, l) {
			lines = append(lines, l)
		}
	}
	if len(lines) > n {
		sortSum(lines)
		if err := os.WriteFile(sumFile, []byte(strings.Join(lines, "\n")+"\n"), 0o666); err != nil {
			return nil, false, err
		}
		say("go.sum: added %d hashes", len(lines)-n)
	}
	return rels, changed, nil
}

// neededBy names the runtime packages among pkgs that need module mod, for messages.
func neededBy(rt *runtimeSource, pkgs []string, mod string) string {
	var by []string
	for _, p := range pkgs {
		if slices.Contains(rt.modules[p], mod) {
			by = append(by, relPkg(p))
		}
	}
	return strings.Join(by, ", ")
}

// goVersionLess reports whether Go version a is older than b, in the go command's order:
// 1.26 < 1.26rc1 < 1.26.0 < 1.26.1. A version it cannot read is older than any other.
func goVersionLess(a, b string) bool {
	ka, oka := goVersionKey(a)
	kb, okb := goVersionKey(b)
	if !oka || !okb {
		return !oka && okb
	}
	return slices.Compare(ka, kb) < 0
}

// goVersionKey turns "1.26rc1" into {1, 26, -1, 3, 1}: major, minor, patch (-2 for a language version such as
// "1.26", -1 for a prerelease), the prerelease kind (alpha 1, beta 2, rc 3, release 4) and its number.
func goVersionKey(v string) ([]int, bool) {
	num := func(s string) (int, bool) {
		n, err := strconv.Atoi(s)
		return n, err == nil && n >= 0
	}
	kind, pre := 4, 0
	for i, k := range []string{"alpha", "beta", "rc"} {
		if j := strings.Index(v, k); j > 0 {
			n, ok := num(v[j+len(k):])
			if !ok {
				return nil, false
			}
			kind, pre, v = i+1, n, v[:j]
		}
	}
	parts := strings.Split(v, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return nil, false
	}
	key := make([]int, 3)
	key[2] = -2
	if kind < 4 {
		key[2] = -1
	}
	for i, p := range parts {
		n, ok := num(p)
		if !ok {
			return nil, false
		}
		key[i] = n
	}
	if len(parts) == 3 && kind < 4 {
		return nil, false // "1.26.1rc1" is not a Go version
	}
	return append(key, kind, pre), true
}
