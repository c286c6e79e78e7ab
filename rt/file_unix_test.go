//go:build unix

package rt

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// TestRunLineOverDefaultLimit streams a line of 65 MiB, over the default max.line.bytes of 64 MiB, through a named
// pipe: the generator never holds the line, the job skips it (on.error skip) and reads the lines after it.
func TestRunLineOverDefaultLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 65 MiB")
	}
	dir := t.TempDir()
	fifo := filepath.Join(dir, "in.jsonl")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	const longLen = 65 << 20
	gen := make(chan error, 1)
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			gen <- err
			return
		}
		w := bufio.NewWriterSize(f, 64<<10)
		w.WriteString(lineA + `{"symbol":"`)
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		for n := longLen - len(`{"symbol":""}`); n > 0; n -= len(chunk) {
			w.Write(chunk[:min(n, len(chunk))])
		}
		w.WriteString(`"}` + "\n" + lineB)
		err = w.Flush()
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		gen <- err
	}()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	res := runJob(context.Background(), orderJob(SourceSpec{Name: "orders", URI: "file:" + fifo, OnError: "skip"}), "--bounded")
	runtime.ReadMemStats(&after)
	if err := <-gen; err != nil {
		t.Fatalf("generator: %v", err)
	}
	if res.code != 0 {
		t.Fatalf("exit %d:\n%s", res.code, res.stderr)
	}
	if got := symbols(jsonLines(t, res.stdout)[:2]); got != "A,B" {
		t.Errorf("rows %s, want A,B", got)
	}
	want := fmt.Sprintf("orders: skipped %s:2: line of %d bytes is longer than the source's 'max.line.bytes' (%d)\n", fifo, longLen, 64<<20)
	if !strings.Contains(res.stderr, want) || !strings.Contains(res.stderr, "orders: read 3, bad 1, late 0\n") {
		t.Errorf("stderr:\n%s\nwant the line %q", res.stderr, want)
	}
	// The read buffer grows by doubling to the limit and no further, then the rest of the line passes through
	// without being kept: about twice the limit allocated in all. Keeping the whole line, even once, takes more.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 5*defaultMaxLine/2 {
		t.Errorf("the job allocated %d MiB to skip a line of %d MiB", alloc>>20, longLen>>20)
	}
}

// TestTailPipe follows a named pipe: there is no name to follow nor bytes to read again, so the job reads on
// after each end of its input, as when a new writer opens the pipe.
func TestTailPipe(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "in.jsonl")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	write := func(s string) chan error {
		done := make(chan error, 1)
		go func() {
			f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
			if err == nil {
				_, err = f.WriteString(s)
				if cerr := f.Close(); err == nil {
					err = cerr
				}
			}
			done <- err
		}()
		return done
	}
	first := write(lineA)
	r := startTail(t, fifo, SourceSpec{})
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	r.until(t, "the first writer's row", r.rowsAre(t, "A"))
	// The job holds the pipe open for reading, so the second writer does not wait for it.
	if err := <-write(lineB); err != nil {
		t.Fatal(err)
	}
	r.until(t, "the second writer's row", r.rowsAre(t, "A,B"))
	if res := r.stop(t); res.code != 0 || strings.Contains(res.stderr, "truncated") || strings.Contains(res.stderr, "rotated") {
		t.Errorf("exit %d:\n%s", res.code, res.stderr)
	}
}
