// Workers: a bounded file source read by several goroutines (--workers N), each with the job's operators of its
// own, whose states are merged before the job's end.

package rt

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"sync"
)

// minWorkerBytes is the smallest part of a file worth a worker of its own.
const minWorkerBytes = 1 << 20

// laneOp is a query operator of one lane, registered with Context.Parallel.
type laneOp struct {
	name  string
	op    any
	merge func(other any) error
}

// Parallel registers an operator of the lane being set up, and the function that merges the same operator of
// another lane into it. Generated code calls it for every query of a job that can split its input
// (Job.Mergeable), in the same order in every lane.
func (c *Context) Parallel(name string, op any, merge func(other any) error) {
	for len(c.r.ops) <= c.lane {
		c.r.ops = append(c.r.ops, nil)
	}
	c.r.ops[c.lane] = append(c.r.ops[c.lane], laneOp{name: name, op: op, merge: merge})
}

// setupWorkers splits the job's one bounded file source into n parts, one per worker, when the job allows it;
// otherwise it says on stderr why the job runs on one worker. Each worker gets the job's operators of its own
// (Setup runs once per worker); at the end, mergeWorkers folds them into the first worker's.
func (r *runner) setupWorkers(j *Job, n int) error {
	serial := func(why string) error {
		logAt(r.logger(), slog.LevelInfo, jobName(j), "--workers %d: running on one worker: %s", n, why)
		return nil
	}
	switch {
	case !r.bounded:
		return serial("workers split a file read with --bounded")
	case slices.ContainsFunc(r.sources, func(s *Source) bool { return s.spec.Table }):
		return serial("a job with tables reads each source in one goroutine")
	case len(r.sources) != 1 || r.sources[0].input != nil:
		return serial("workers split the job's one file source")
	case !j.Mergeable:
		return serial(j.SerialReason)
	case r.mem != nil && r.mem.spill:
		// Each worker would need memory of its own under one budget, and merging groups spilled by several
		// workers would read them all back.
		return serial("state beyond the memory budget spills to disk, which one worker does ('state.overflow' = 'spill')")
	}
	s := r.sources[0]
	fi, err := s.file.Stat()
	if err != nil {
		return fmt.Errorf("source %q: %v", s.spec.Name, unwrapPath(err))
	}
	size := fi.Size()
	n = int(min(int64(n), max(size/minWorkerBytes, 1)))
	if n < 2 {
		return nil // too small to split
	}
	bounds, err := splitLines(s.file, size, n)
	if err != nil {
		return fmt.Errorf("source %q: splitting %s: %v", s.spec.Name, s.path, unwrapPath(err))
	}
	s.limit = bounds[1]
	for k := 1; k < n; k++ {
		w, err := s.worker(bounds[k], bounds[k+1])
		if err != nil {
			return fmt.Errorf("source %q: %v", s.spec.Name, err)
		}
		s.lanes = append(s.lanes, w)
		c := &Context{r: r, lane: k}
		if err := j.Setup(c); err != nil {
			return err
		}
		if c.err != nil {
			return c.err
		}
	}
	if len(r.ops) != n {
		return errors.New("internal error: the job's Setup registered no operators with Context.Parallel")
	}
	logAt(r.logger(), slog.LevelInfo, s.spec.Name, "%d workers read %s, about %d MiB each", n, s.path, size/int64(n)>>20)
	return nil
}

// splitLines returns n+1 offsets cutting the file into n parts at line starts: 0, then for each k the first
// line start at or after size*k/n, then size. A part may be empty when a line spans several cuts.
func splitLines(f *os.File, size int64, n int) ([]int64, error) {
	bounds := []int64{0}
	buf := make([]byte, 64<<10)
	for k := 1; k < n; k++ {
		pos := max(size*int64(k)/int64(n), bounds[k-1])
		cut := size
		for at := pos - 1; at < size && pos > 0; {
			m, err := f.ReadAt(buf, at)
			if i := bytes.IndexByte(buf[:m], '\n'); i >= 0 {
				cut = at + int64(i) + 1
				break
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
			at += int64(m)
		}
		bounds = append(bounds, cut)
	}
	return append(bounds, size), nil
}

// worker returns a lane of a file source reading [start, end) of the file with a handle of its own; a CSV
// worker reads the header from the start of the file first.
func (s *Source) worker(start, end int64) (*Source, error) {
	w := &Source{spec: s.spec, run: s.run, uri: s.uri, path: s.path, format: s.format, onError: s.onError,
		deadPath: s.deadPath, dead: s.dead, counts: s.counts}
	w.offset, w.limit, w.maxLine = start, end, s.maxLine
	w.csv.delim = s.csv.delim
	w.raw = Raw{Format: w.format, JSON: &w.json, CSV: &w.csv, Avro: &w.avro}
	f, err := os.Open(s.path)
	if err != nil {
		return nil, fmt.Errorf("cannot open %s: %v", s.path, unwrapPath(err))
	}
	w.file = f
	if w.format == FormatCSV {
		line, err := bufio.NewReader(f).ReadSlice('\n')
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("reading %s: %v", s.path, unwrapPath(err))
		}
		line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
		line = bytes.TrimPrefix(line, []byte("\xEF\xBB\xBF"))
		if e := w.csv.setHeader(line); e != nil {
			c := *e
			c.Source, c.File, c.Line = s.spec.Name, s.path, 1
			return nil, &c
		}
		w.header = true
	}
	if _, err := f.Seek(start, io.SeekStart); err != nil {
		return nil, fmt.Errorf("reading %s: %v", s.path, unwrapPath(err))
	}
	var once sync.Once
	var base int64
	w.lineBase = func() int64 {
		once.Do(func() { base = countLines(s.path, start) })
		return base
	}
	return w, nil
}

// countLines counts the line breaks in the first n bytes of the file at path, for the line numbers of a worker's
// messages; 0 if the file cannot be read.
func countLines(path string, n int64) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	var lines int64
	for n > 0 {
		m, err := f.Read(buf[:min(int64(len(buf)), n)])
		lines += int64(bytes.Count(buf[:m], []byte{'\n'}))
		n -= int64(m)
		if err != nil {
			break
		}
	}
	return lines
}

// readWorkers reads a source split by setupWorkers: every worker at once, then the merge of their operators into
// the first worker's, in file order, and the job's end.
func (r *runner) readWorkers(ctx context.Context, s *Source) error {
	first := readConcurrently(ctx, s.lanes)
	for _, w := range s.lanes[1:] {
		w.file.Close()
	}
	if first != nil || ctx.Err() != nil {
		return first
	}
	for k := 1; k < len(s.lanes); k++ {
		for i, op := range r.ops[0] {
			if err := op.merge(r.ops[k][i].op); err != nil {
				return err
			}
		}
	}
	return s.end()
}

// jobName is the job's name for messages.
func jobName(j *Job) string {
	if j.Name == "" {
		return "job"
	}
	return j.Name
}
