// Package e2e holds velocc's end-to-end tests: SQL is compiled, generated, built with the go tool and run on
// data generated in the test, and the rows are checked against a reference computed in plain Go.
//
// This file is the harness those tests share with codegen's golden tests: it builds generated jobs in one
// temporary module (one main package per job, one 'go build' for all of them) and runs the binaries.
package e2e

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// PoisonEnv is the environment setting under which rt scribbles over every record's bytes once the record is
// handled: a string kept past its record without rt.Own then shows up as garbage in a test's output.
const PoisonEnv = "VELOCC_RT_POISON=1"

// modulePath is the module the generated jobs import rt from.
const modulePath = "github.com/velocc/velocc"

// RepoRoot returns the directory holding velocc's go.mod, searching upwards from the working directory.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.HasPrefix(bytes.TrimSpace(data), []byte("module "+modulePath+"\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("e2e: no go.mod of " + modulePath + " above the working directory")
		}
		dir = parent
	}
}

// goDirective returns the go version line of the go.mod in root ("go 1.26").
func goDirective(root string) (string, error) {
	f, err := os.Open(filepath.Join(root, "go.mod"))
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); strings.HasPrefix(line, "go ") {
			return line, nil
		}
	}
	return "", errors.New("e2e: the go.mod in " + root + " has no go directive")
}

// Build writes each job's generated source to dir/<name>/main.go of a fresh module in dir whose go.mod replaces
// velocc with the checkout at RepoRoot, builds every job with one 'go build' (sharing the go build cache) and
// returns the path of each job's binary by name. Names must be valid directory names and distinct; a name ending
// in RaceSuffix is built with the race detector.
func Build(dir string, jobs map[string][]byte) (map[string]string, error) {
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	goLine, err := goDirective(root)
	if err != nil {
		return nil, err
	}
	replace := root
	if strings.ContainsAny(replace, " \t\"'`()") {
		replace = strconv.Quote(replace)
	}
	gomod := fmt.Sprintf("module velocc.local/x\n\n%s\n\nrequire %s v0.0.0\n\nreplace %s => %s\n",
		goLine, modulePath, modulePath, replace)
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o666); err != nil {
		return nil, err
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o666); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(jobs))
	for name := range jobs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := os.MkdirAll(filepath.Join(dir, name), 0o777); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, name, "main.go"), jobs[name], 0o666); err != nil {
			return nil, err
		}
	}
	bin := filepath.Join(dir, "bin")
	if err := os.MkdirAll(bin, 0o777); err != nil {
		return nil, err
	}
	cmd := exec.Command("go", "build", "-o", bin+string(filepath.Separator), "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod -buildvcs=false", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build in %s: %v\n%s", dir, err, out)
	}
	bins := make(map[string]string, len(jobs))
	for _, name := range names {
		bins[name] = filepath.Join(bin, name)
		if !strings.HasSuffix(name, RaceSuffix) {
			continue
		}
		cmd := exec.Command("go", "build", "-race", "-o", bins[name], "./"+name)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod -buildvcs=false", "GOWORK=off", "CGO_ENABLED=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("go build -race in %s: %v\n%s", dir, err, out)
		}
	}
	return bins, nil
}

// RaceSuffix ends the name of a job that Build builds with the race detector: a job whose sources meet in one
// operator, whose locking the tests check.
const RaceSuffix = "_race"

// Result is what one run of a job printed and returned.
type Result struct {
	Stdout, Stderr string
	Code           int // exit code
}

// Run runs the binary bin in the directory dir with args and waits for it to exit. An error means the binary
// could not be run at all; a job that fails is a Result with a non-zero Code. The job runs with its sources in
// poison mode (PoisonEnv), so a string kept past its record shows.
func Run(dir, bin string, args ...string) (Result, error) {
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), PoisonEnv)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := Result{Stdout: stdout.String(), Stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		res.Code = exit.ExitCode()
	case err != nil:
		return res, err
	}
	return res, nil
}
