// Building the velocc jobs as a user does (velocc build, then go build in the module it writes), timing that, and
// building a job again with a CPU profiler around it.

package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// buildVelocc builds the velocc command of the checkout at root into dir and returns its path.
func buildVelocc(root, dir string) (string, error) {
	bin := filepath.Join(dir, "velocc")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/velocc")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/velocc: %v\n%s", err, out)
	}
	return bin, nil
}

// job is a built velocc job.
type job struct {
	bin     string  // the binary
	mod     string  // the module velocc build wrote
	build   float64 // seconds of velocc build + go build, the second time
	workers workerSupport
	cpuprof bool // whether the job has a --cpuprofile flag
}

// workerSupport is whether a job can split its input among workers (--workers).
type workerSupport uint8

const (
	workersNone   workerSupport = iota // the job has no --workers flag
	workersSerial                      // it has the flag, but its queries run on one worker
	workersYes                         // it splits its input
)

// buildJob writes the script that script returns into dir, under the name id, and builds it twice, each time as
// 'velocc build SCRIPT -o MOD/' followed by 'go build' in MOD, into a fresh module. The second script differs from
// the first by a comment line, so that the second build compiles the job's package anew (as after editing a
// query), with everything else in the build cache; its time is the one reported.
func buildJob(velocc, root, dir, id string, scriptOf func(root string) (string, error)) (*job, error) {
	script, err := scriptOf(root)
	if err != nil {
		return nil, err
	}
	var j *job
	for round := 1; round <= 2; round++ {
		text := script
		if round == 2 {
			text += "\n-- built a second time by the benchmark\n"
		}
		sqlPath := filepath.Join(dir, fmt.Sprintf("%s-%d.sql", strings.ToLower(id), round))
		if err := os.WriteFile(sqlPath, []byte(text), 0o666); err != nil {
			return nil, err
		}
		mod := filepath.Join(dir, fmt.Sprintf("%s-%d", strings.ToLower(id), round))
		if err := os.RemoveAll(mod); err != nil {
			return nil, err
		}
		bin := filepath.Join(mod, "job")
		began := time.Now()
		cmd := exec.Command(velocc, "build", sqlPath, "-o", mod+string(filepath.Separator))
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("velocc build %s: %v\n%s", sqlPath, err, out)
		}
		cmd = exec.Command("go", "build", "-o", bin, ".")
		cmd.Dir = mod
		cmd.Env = append(os.Environ(), "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("go build in %s: %v\n%s", mod, err, out)
		}
		j = &job{bin: bin, mod: mod, build: time.Since(began).Seconds()}
	}
	help, err := exec.Command(j.bin, "--help").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("%s --help: %v\n%s", j.bin, err, help)
	}
	j.cpuprof = bytes.Contains(help, []byte("--cpuprofile"))
	if bytes.Contains(help, []byte("--workers")) {
		// A job whose queries cannot merge partial results runs on one worker whatever the flag says.
		src, err := os.ReadFile(filepath.Join(j.mod, "main.go"))
		if err != nil {
			return nil, err
		}
		if bytes.Contains(src, []byte("Mergeable: ")) {
			j.workers = workersYes
		} else {
			j.workers = workersSerial
		}
	}
	return j, nil
}

// profileMain replaces the generated main function: it runs the job under the CPU profiler, which writes to the
// file named by $BENCH_CPUPROFILE if that is set, and writes a heap profile to $BENCH_MEMPROFILE at the end if that
// is set. (For jobs built before rt had --cpuprofile, and for heap profiles, which rt does not write.)
const profileMain = `package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"

	"github.com/velocc/velocc/rt"
)

func main() {
	var f *os.File
	if path := os.Getenv("BENCH_CPUPROFILE"); path != "" {
		var err error
		if f, err = os.Create(path); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		runtime.SetCPUProfileRate(profileHz) // before StartCPUProfile, which then keeps it (and says so on stderr)
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	code := rt.Run(job, os.Args[1:], os.Stdout, os.Stderr)
	if f != nil {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	if path := os.Getenv("BENCH_MEMPROFILE"); path != "" {
		m, err := os.Create(path)
		if err == nil {
			err = pprof.Lookup("heap").WriteTo(m, 0)
		}
		if err == nil {
			err = m.Close()
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	os.Exit(code)
}

const profileHz = 500
`

// generatedMain is the main function velocc generates; buildProfiled removes it.
const generatedMain = "func main() {\n\trt.Main(job)\n}\n"

// buildProfiled copies the module of j into dir with the generated main function replaced by profileMain, builds
// it, and returns the binary.
func buildProfiled(j *job, dir string) (string, error) {
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return "", err
	}
	for _, name := range []string{"main.go", "go.mod", "go.sum"} {
		data, err := os.ReadFile(filepath.Join(j.mod, name))
		if err != nil && !(name == "go.sum" && errors.Is(err, os.ErrNotExist)) {
			return "", err
		}
		if name == "main.go" {
			if bytes.Count(data, []byte(generatedMain)) != 1 {
				return "", fmt.Errorf("%s: no %q to replace with a profiling main", filepath.Join(j.mod, name), generatedMain)
			}
			data = bytes.Replace(data, []byte(generatedMain), nil, 1)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o666); err != nil {
			return "", err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "profile.go"), []byte(profileMain), 0o666); err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "job")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build in %s: %v\n%s", dir, err, out)
	}
	return bin, nil
}

// pprofTop returns the first n lines of 'go tool pprof -top' (with more flags) over a profile of bin, flat (self
// time) first.
func pprofTop(bin, profile string, n int, flags ...string) (string, error) {
	args := append([]string{"tool", "pprof", "-top", fmt.Sprintf("-nodecount=%d", n)}, flags...)
	cmd := exec.Command("go", append(args, bin, profile)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go tool pprof: %v\n%s", err, out)
	}
	// Drop the lines naming the files (temporary paths), the type and the date.
	var keep []string
	for _, line := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if strings.HasPrefix(line, "File:") || strings.HasPrefix(line, "Build ID:") || strings.HasPrefix(line, "Main binary") ||
			strings.HasPrefix(line, "Type:") || strings.HasPrefix(line, "Time:") {
			continue
		}
		keep = append(keep, line)
	}
	return strings.Join(keep, "\n"), nil
}
