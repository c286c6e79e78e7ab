// Finding the velocc checkout whose rt package a generated module builds against.

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
)

// modulePath is velocc's own module, the one generated jobs import rt from.
const modulePath = "github.com/velocc/velocc"

// checkout is where a generated module gets github.com/velocc/velocc from.
type checkout struct {
	// Dir is the root of a velocc source tree whose go.mod and go.sum the generated module copies from; "" if none
	// was found.
	Dir string
	// Replace: the generated go.mod replaces velocc with Dir, which is a working checkout rather than a read-only
	// copy in the module cache.
	Replace bool
	// Version is the released velocc version to require without a replace; "" if Replace or if unknown.
	Version string
}

// findCheckout locates velocc's source tree: $VELOCC_ROOT if set, else the tree this binary was compiled from, as
// recorded in its debug information (absent with -trimpath). A binary built from a checkout and copied elsewhere
// still finds that checkout as long as it exists.
func findCheckout(lookupEnv func(string) (string, bool)) (checkout, error) {
	_, file, _, _ := runtime.Caller(0) // <checkout>/cmd/velocc/root.go unless built with -trimpath
	bi, _ := debug.ReadBuildInfo()
	return locateCheckout(lookupEnv, file, bi)
}

// locateCheckout is findCheckout with its inputs explicit: srcFile is this file's compile-time path.
func locateCheckout(lookupEnv func(string) (string, bool), srcFile string, bi *debug.BuildInfo) (checkout, error) {
	if dir, ok := lookupEnv("VELOCC_ROOT"); ok && dir != "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return checkout{}, fmt.Errorf("VELOCC_ROOT: %w", err)
		}
		if !isVeloccRoot(abs) {
			return checkout{}, fmt.Errorf("VELOCC_ROOT=%s is not a velocc checkout: it has no go.mod declaring module %s", dir, modulePath)
		}
		return checkout{Dir: abs, Replace: true}, nil
	}
	if !trimpath(bi) && filepath.IsAbs(srcFile) {
		dir := filepath.Dir(filepath.Dir(filepath.Dir(srcFile)))
		if isVeloccRoot(dir) {
			// "go install github.com/velocc/velocc/cmd/velocc@v1.2.3" compiles from the module cache, which is
			// read-only and may be cleaned: require that release instead of replacing with it.
			if _, v, ok := strings.Cut(filepath.Base(dir), "@"); ok {
				return checkout{Dir: dir, Version: v}, nil
			}
			return checkout{Dir: dir, Replace: true}, nil
		}
	}
	var co checkout
	if bi != nil && bi.Main.Path == modulePath && isRelease(bi.Main.Version) {
		co.Version = bi.Main.Version
	}
	return co, nil
}

func trimpath(bi *debug.BuildInfo) bool {
	if bi == nil {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-trimpath" && s.Value == "true" {
			return true
		}
	}
	return false
}

// isRelease reports whether v can be required from the module proxy: a tagged version, not "(devel)" and not the
// pseudo-version the go command stamps on a build from a checkout.
func isRelease(v string) bool {
	return releaseRE.MatchString(v)
}

var releaseRE = regexp.MustCompile(`^v\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$`)

// isVeloccRoot reports whether dir has a go.mod declaring velocc's module.
func isVeloccRoot(dir string) bool {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	return parseGoMod(data).Module == modulePath
}

// goMod is the part of a go.mod file a generated module copies.
type goMod struct {
	Module   string   // the module path
	Go       string   // the go directive, "1.26"
	Requires []string // "path version", in file order
}

// parseGoMod reads the module, go and require directives of a well-formed go.mod. It is deliberately small: the
// only go.mod it reads is velocc's own, which the go command has already validated.
func parseGoMod(data []byte) goMod {
	var m goMod
	inRequire := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		for i, w := range f {
			if u, err := strconv.Unquote(w); err == nil {
				f[i] = u
			}
		}
		switch {
		case len(f) == 0:
		case inRequire && f[0] == ")":
			inRequire = false
		case inRequire && len(f) == 2:
			m.Requires = append(m.Requires, f[0]+" "+f[1])
		case f[0] == "require" && len(f) == 2 && f[1] == "(":
			inRequire = true
		case f[0] == "require" && len(f) == 3:
			m.Requires = append(m.Requires, f[1]+" "+f[2])
		case f[0] == "module" && len(f) == 2:
			m.Module = f[1]
		case f[0] == "go" && len(f) == 2:
			m.Go = f[1]
		}
	}
	return m
}

// toolchainGo is the go directive to use when velocc's go.mod cannot be read: the language version of the toolchain
// that built velocc, which is at least what velocc's go.mod asks for.
func toolchainGo() string {
	if m := regexp.MustCompile(`go(\d+\.\d+)`).FindStringSubmatch(runtime.Version()); m != nil {
		return m[1]
	}
	return "1.26"
}
