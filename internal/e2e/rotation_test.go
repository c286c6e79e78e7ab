package e2e

// Tailing a file while it is rotated: a generated job follows its input by name while a writer goroutine appends
// lines (each in one to three writes, so the job often finds half a line at the end of the file) and the test
// rotates the file in each style logrotate knows. Every line written must be in the output exactly once, with
// no bad record and no torn line.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

func init() {
	jobScripts["rotation"] = `CREATE STREAM events (id BIGINT NOT NULL, pad VARCHAR NOT NULL)
  WITH ('path' = 'in.jsonl', 'on.error' = 'dead_letter', 'dead_letter.path' = 'dead.jsonl');
CREATE STREAM copied AS SELECT id, pad FROM events WITH ('copied.type' = 'file_sink', 'copied.path' = 'out.jsonl');
`
}

// eventLine is line id of the input; its pad is a function of the id, so a torn line cannot pass for another.
func eventLine(id int) string {
	return fmt.Sprintf(`{"id":%d,"pad":"%s"}`+"\n", id, strings.Repeat(string(rune('a'+id%26)), id%97))
}

// rotWriter appends event lines to a file, as a logging process would: one open file, O_APPEND, written under
// mu. A rotation takes mu, so it happens between two lines.
type rotWriter struct {
	mu      sync.Mutex
	path    string
	f       *os.File
	written int // lines written, the ids 0..written-1
	rng     *rand.Rand
}

func (w *rotWriter) open() error {
	f, err := os.OpenFile(w.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	w.f = f
	return err
}

// line writes the next line in one to three writes; mu is held.
func (w *rotWriter) line() error {
	b := []byte(eventLine(w.written))
	for len(b) > 0 {
		n := len(b)
		if w.rng.IntN(3) == 0 {
			n = 1 + w.rng.IntN(len(b))
		}
		if _, err := w.f.Write(b[:n]); err != nil {
			return err
		}
		b = b[n:]
	}
	w.written++
	return nil
}

func (w *rotWriter) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.written
}

// lineCounter counts the complete lines of a file that another process appends to. A file it cannot read yet
// has no lines.
type lineCounter struct {
	mu     sync.Mutex
	path   string
	offset int64
	lines  int
}

func (c *lineCounter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	f, err := os.Open(c.path)
	if err != nil {
		return c.lines
	}
	defer f.Close()
	data, _ := io.ReadAll(io.NewSectionReader(f, c.offset, 1<<40))
	if i := bytes.LastIndexByte(data, '\n'); i >= 0 {
		c.lines += bytes.Count(data[:i+1], []byte{'\n'})
		c.offset += int64(i + 1)
	}
	return c.lines
}

// until adapts a condition and a progress count to waitProgress.
func until(cond func() bool, progress func() int) func() (int64, bool) {
	return func() (int64, bool) { return int64(progress()), cond() }
}

// TestTailRotationStyles runs the job on a file rotated five times in each style while the writer writes:
//   - rename: mv in.jsonl in.jsonl.N, then a new in.jsonl;
//   - delete: rm in.jsonl, then a new in.jsonl;
//   - copytruncate: cp in.jsonl in.jsonl.N, then truncate in.jsonl to 0, the writer appending on. Lines written
//     between the copy and the truncation are lost: they are in the copy only. Done under the writer's lock,
//     no line falls in between, and the test truncates only once the job has read everything (as its output
//     shows), since lines the job has not read yet are not in the file any more after the truncation;
//   - truncate-grow: as copytruncate, but before releasing the lock the writer writes more than the file held,
//     so that the job, looking later, finds a file longer than its read position.
//
// Before each rename or delete the job must have read a line of the current file: a file renamed or deleted before
// the job ever opened it is skipped by any follower by name.
func TestTailRotationStyles(t *testing.T) {
	needBuild(t)
	const rotations = 5
	const genLines = 300 // lines written to a file before it is rotated, at least
	for _, style := range []string{"rename", "delete", "copytruncate", "truncate-grow"} {
		t.Run(style, func(t *testing.T) {
			dir := t.TempDir()
			in, out := filepath.Join(dir, "in.jsonl"), filepath.Join(dir, "out.jsonl")
			w := &rotWriter{path: in, rng: rand.New(rand.NewPCG(uint64(len(style)), 1))}
			if err := w.open(); err != nil {
				t.Fatal(err)
			}
			w.mu.Lock()
			for range 50 {
				if err := w.line(); err != nil {
					t.Fatal(err)
				}
			}
			w.mu.Unlock()
			p := startJob(t, "rotation", "--source", "events=file:"+in, "--sink", "copied=file:"+out)
			consumed := (&lineCounter{path: out}).count

			// The writer: as fast as it goes, but at most 500 lines ahead of the job's output, until stopped.
			var stopWriting atomic.Bool
			writerDone := make(chan error, 1)
			go func() {
				for !stopWriting.Load() {
					w.mu.Lock()
					for n := 1 + w.rng.IntN(20); n > 0; n-- {
						if err := w.line(); err != nil {
							w.mu.Unlock()
							writerDone <- err
							return
						}
					}
					ahead := w.written - consumed()
					w.mu.Unlock()
					for ahead > 500 && !stopWriting.Load() {
						select {
						case <-p.done:
							writerDone <- nil
							return
						default:
						}
						time.Sleep(time.Millisecond)
						ahead = w.count() - consumed()
					}
				}
				writerDone <- nil
			}()

			genStart := 0 // the first id of the current file
			progress := func() int { return w.count() + consumed() }
			for k := 1; k <= rotations; k++ {
				waitProgress(t, fmt.Sprintf("rotation %d", k), p, until(func() bool {
					return w.count()-genStart >= genLines && consumed() > genStart
				}, progress))
				w.mu.Lock()
				switch style {
				case "rename", "delete":
					var err error
					if style == "rename" {
						err = os.Rename(in, fmt.Sprintf("%s.%d", in, k))
					} else {
						err = os.Remove(in)
					}
					if err == nil {
						w.f.Close()
						err = w.open()
					}
					if err != nil {
						t.Fatal(err)
					}
				case "copytruncate", "truncate-grow":
					written := w.written
					waitProgress(t, fmt.Sprintf("the job to read everything before truncation %d", k), p,
						until(func() bool { return consumed() == written }, consumed))
					data, err := os.ReadFile(in)
					if err == nil {
						err = os.WriteFile(fmt.Sprintf("%s.%d", in, k), data, 0o644)
					}
					if err == nil {
						err = os.Truncate(in, 0)
					}
					for size := 0; err == nil && style == "truncate-grow" && size <= len(data); {
						size += len(eventLine(w.written))
						err = w.line()
					}
					if err != nil {
						t.Fatal(err)
					}
				}
				genStart = w.written
				w.mu.Unlock()
			}
			waitProgress(t, "lines after the last rotation", p, until(func() bool { return w.count()-genStart >= genLines }, progress))
			stopWriting.Store(true)
			if err := <-writerDone; err != nil {
				t.Fatal(err)
			}
			total := w.count()
			waitProgress(t, "every line in the output", p, until(func() bool { return consumed() == total }, consumed))
			p.stop(t, syscall.SIGTERM)
			if code := p.cmd.ProcessState.ExitCode(); code != 0 {
				t.Fatalf("exit %d; stderr:\n%s", code, p.log())
			}
			w.f.Close()

			// Every line exactly once, as written.
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			seen := make([]int, total)
			for i, line := range strings.SplitAfter(strings.TrimSuffix(string(data), "\n"), "\n") {
				var row struct {
					ID  int    `json:"id"`
					Pad string `json:"pad"`
				}
				dec := json.NewDecoder(strings.NewReader(line))
				dec.DisallowUnknownFields()
				if err := dec.Decode(&row); err != nil || row.ID < 0 || row.ID >= total {
					t.Fatalf("output line %d %q: %v", i+1, line, err)
				}
				if want := eventLine(row.ID); fmt.Sprintf(`{"id":%d,"pad":"%s"}`+"\n", row.ID, row.Pad) != want {
					t.Errorf("output line %d: id %d with pad %q, torn from another line", i+1, row.ID, row.Pad)
				}
				seen[row.ID]++
			}
			for id, n := range seen {
				if n != 1 {
					t.Errorf("id %d is in the output %d times", id, n)
				}
			}
			stderr := p.log()
			if dead, err := os.ReadFile(filepath.Join(p.cmd.Dir, "dead.jsonl")); err != nil || len(dead) != 0 {
				t.Errorf("dead letters (%v):\n%s", err, dead)
			}
			msg := "events: " + in + " was rotated (renamed or re-created); reading the new file from the start\n"
			if style == "copytruncate" || style == "truncate-grow" {
				msg = "events: " + in + " was truncated; reading it again from the start\n"
			}
			if n := strings.Count(stderr, msg); n != rotations {
				t.Errorf("%d times %q in stderr, want %d:\n%s", n, msg, rotations, stderr)
			}
			if want := fmt.Sprintf("events: read %d, bad 0, late 0\n", total); !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr)
			}
		})
	}
}
