// The rt micro-benchmarks some workloads report beside their runs: go test -bench over the checkout's rt package.

package main

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
)

// microResult is one case of a Go benchmark: its name without the GOMAXPROCS suffix, and its time per operation.
type microResult struct {
	name string  // "BenchmarkTableGet/zipf"
	ns   float64 // nanoseconds per operation
}

var benchLineRE = regexp.MustCompile(`(?m)^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op`)

// parseBench returns the cases of go test -bench output.
func parseBench(out string) []microResult {
	var res []microResult
	for _, m := range benchLineRE.FindAllStringSubmatch(out, -1) {
		ns, err := strconv.ParseFloat(m[2], 64)
		if err == nil && ns > 0 {
			res = append(res, microResult{name: m[1], ns: ns})
		}
	}
	return res
}

// microTest builds the test binary of rt into work once, and returns it.
func microTest(work string) (string, error) {
	bin := filepath.Join(work, "rt.test")
	cmd := exec.Command("go", "test", "-c", "-o", bin, "./rt")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go test -c ./rt: %v\n%s", err, out)
	}
	return bin, nil
}

// runMicro runs the benchmark name of rt once (each case for at least a second), with a CPU profile written to
// cpuprofile unless that is empty, and returns its cases.
func runMicro(ctx context.Context, work, name, cpuprofile string) ([]microResult, error) {
	bin, err := microTest(work)
	if err != nil {
		return nil, err
	}
	args := []string{"-test.run", "^$", "-test.bench", "^" + name + "$", "-test.benchtime", "1s"}
	if cpuprofile != "" {
		args = append(args, "-test.cpuprofile", cpuprofile)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = filepath.Join(root, "rt")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("%s: %v\n%s", name, err, tail(string(out), 30))
	}
	res := parseBench(string(out))
	if len(res) == 0 {
		return nil, fmt.Errorf("%s: no results in\n%s", name, tail(string(out), 30))
	}
	return res, nil
}

// microProfile runs the benchmark name once more under the CPU profiler and returns the top of the profile.
func microProfile(ctx context.Context, work, name string) ([]profile, error) {
	cpu := filepath.Join(work, "micro-cpu.pprof")
	if _, err := runMicro(ctx, work, name, cpu); err != nil {
		return nil, err
	}
	top, err := pprofTop(filepath.Join(work, "rt.test"), cpu, 25)
	if err != nil {
		return nil, err
	}
	return []profile{{title: fmt.Sprintf("CPU profile of rt's %s (go test -bench, one run under the profiler; "+
		"top 25 by self time):", name), top: top}}, nil
}
