// Table loading: table sources are read before the streams, their files found by glob and waited for, and
// their progress kept in one place.

package rt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	// defaultTableWait is how long a job waits for its tables to load unless '<table>.wait.timeout' says otherwise.
	defaultTableWait = 5 * time.Minute
	// defaultFileRetry is how often a file table whose path matches no file looks again, unless
	// '<table>.file.retry.interval' says otherwise.
	defaultFileRetry = time.Second
	// liveProgressEvery is how often the live progress display on a terminal is redrawn.
	liveProgressEvery = 250 * time.Millisecond
)

// TableProgress is a snapshot of the load of one table (see TableLoads).
type TableProgress struct {
	Name  string `json:"name"`  // the table
	Where string `json:"where"` // the path (a glob) of a file table; the input's name (the topic) of another
	// Rows are the rows in the table; Replaced counts the rows that replaced an earlier row with the same key,
	// Deleted the rows deleted.
	Rows     int64 `json:"rows"`
	Replaced int64 `json:"replaced"`
	Deleted  int64 `json:"deleted"`
	Files    int   `json:"files"` // the files that matched a file table's path
	// BytesRead is what the table's source has read; BytesTotal the size of its files when they were first
	// matched (0: unknown). For a table that is not a file, the input may report other units (SetLoadProgress:
	// Kafka offsets; Offsets is then set).
	BytesRead  int64     `json:"bytes_read"`
	BytesTotal int64     `json:"bytes_total"`
	Offsets    bool      `json:"offsets"`           // BytesRead and BytesTotal count Kafka offsets, not bytes
	Started    time.Time `json:"started"`           // when the load started
	Loaded     time.Time `json:"loaded,omitzero"`   // when the initial load ended; zero while it lasts
	Waiting    string    `json:"waiting,omitempty"` // what the load is waiting for, if anything: "no file matches ref/x*.csv"
}

// TableLoads is the progress of the job's table loads, kept in one place: the progress display, the wait for
// readiness and the exit statistics read it, and an operations endpoint can serve Snapshot as it is.
type TableLoads struct {
	mu      sync.Mutex
	tables  []*tableLoad
	changed chan struct{} // a table finished its initial load (buffered: one pending signal)
}

// Snapshot returns the progress of every table, in the order of the job's sources.
func (l *TableLoads) Snapshot() []TableProgress {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]TableProgress, len(l.tables))
	for i, t := range l.tables {
		out[i] = t.snapshot()
	}
	return out
}

// add registers a table's load.
func (l *TableLoads) add(t *tableLoad) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.changed == nil {
		l.changed = make(chan struct{}, 1)
	}
	t.changed = l.changed
	l.tables = append(l.tables, t)
}

// tableLoad is the load state of one table source. The counters are written by the source's goroutine and read
// by others.
type tableLoad struct {
	name, where string
	timeout     time.Duration // '<table>.wait.timeout'
	started     time.Time     // when the job started the load (set once, before the sources run)

	rows, replaced, deleted atomic.Int64
	pruned                  atomic.Int64 // versions dropped behind the watermark (VersionedTable)
	read, total             atomic.Int64
	offsets                 atomic.Bool // read and total count offsets (SetLoadProgress)
	files                   atomic.Int64

	mu      sync.Mutex // guards loaded and waiting
	loaded  time.Time
	waiting string

	done    chan struct{} // closed once loaded
	once    sync.Once
	changed chan struct{} // TableLoads.changed
}

func (t *tableLoad) snapshot() TableProgress {
	t.mu.Lock()
	defer t.mu.Unlock()
	return TableProgress{Name: t.name, Where: t.where, Rows: t.rows.Load(), Replaced: t.replaced.Load(),
		Deleted: t.deleted.Load(), Files: int(t.files.Load()), BytesRead: t.read.Load(), BytesTotal: t.total.Load(),
		Offsets: t.offsets.Load(), Started: t.started, Loaded: t.loaded, Waiting: t.waiting}
}

// setWaiting says what the load waits for ("" for nothing).
func (t *tableLoad) setWaiting(why string) {
	t.mu.Lock()
	t.waiting = why
	t.mu.Unlock()
}

// markLoaded ends the initial load.
func (t *tableLoad) markLoaded() {
	t.once.Do(func() {
		t.mu.Lock()
		t.loaded, t.waiting = time.Now(), ""
		t.mu.Unlock()
		close(t.done)
		if t.changed != nil {
			select {
			case t.changed <- struct{}{}:
			default:
			}
		}
	})
}

func (t *tableLoad) isLoaded() bool {
	select {
	case <-t.done:
		return true
	default:
		return false
	}
}

// tableLoad returns the source's load state, creating it (and registering it with the job's TableLoads) on
// first use.
func (s *Source) tableLoad() *tableLoad {
	if s.load != nil {
		return s.load
	}
	wait := defaultTableWait
	switch {
	case s.spec.WaitTimeoutMs > 0:
		wait = time.Duration(s.spec.WaitTimeoutMs) * time.Millisecond
	case s.spec.WaitTimeoutMs < 0:
		wait = 1 << 62 // no limit: a stream feeding a table built by a query is read to its end, however long
	}
	where := s.path
	if s.input != nil {
		where = s.where
	}
	s.load = &tableLoad{name: s.spec.Name, where: where, timeout: wait, done: make(chan struct{}),
		started: time.Now()}
	if s.run != nil {
		s.run.loads.add(s.load)
	}
	return s.load
}

// Loaded tells the job that the source, which feeds a table, has finished its initial load: a Kafka input has
// read up to the end offsets it saw when it started. The streams start once every table is loaded. The input
// calls it from the source's goroutine, once; later records keep updating the table, which streams then read
// under its lock. A bounded input that reaches its end need not call it: End implies it. For a source that feeds
// no table it does nothing.
func (s *Source) Loaded() {
	if s.load == nil || s.load.isLoaded() {
		return
	}
	for _, t := range s.tables {
		t.share()
	}
	s.load.markLoaded()
}

// SetLoadProgress reports how far an input feeding a table is in its initial load, in units of its own (Kafka:
// offsets consumed, and offsets to consume to the end offsets seen at the start), for the progress display.
func (s *Source) SetLoadProgress(done, total int64) {
	if s.load != nil {
		s.load.offsets.Store(true)
		s.load.read.Store(done)
		s.load.total.Store(total)
	}
}

// endTable is the end of a bounded table source: no more writes, so the table needs no lock, and it is loaded.
func (s *Source) endTable() {
	if s.load == nil {
		return
	}
	for _, t := range s.tables {
		t.settle()
	}
	s.load.markLoaded()
}

// sourceGroup runs sources in goroutines of their own and keeps the first fatal error, which cancels the
// others.
type sourceGroup struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	first  error
}

func (g *sourceGroup) read(sources []*Source) {
	for _, s := range sources {
		g.wg.Go(func() {
			err := s.read(g.ctx)
			if err == nil && s.load != nil && !s.load.isLoaded() && g.ctx.Err() == nil {
				// An input that stopped without saying its table was loaded (see Loaded): the streams would
				// wait for it in vain.
				err = fmt.Errorf("source %q stopped before its table finished loading", s.spec.Name)
			}
			if err != nil {
				g.mu.Lock()
				if g.first == nil {
					g.first = err
				}
				g.mu.Unlock()
				g.cancel()
			}
		})
	}
}

func (g *sourceGroup) wait() error {
	g.wg.Wait()
	return g.first
}

// readWithTables reads a job with table sources: the tables first, and the streams once every table has
// finished its initial load. Table sources that keep reading (tailed files, live topics) go on beside the
// streams.
func (r *runner) readWithTables(ctx context.Context, tables, streams []*Source) error {
	g := &sourceGroup{}
	g.ctx, g.cancel = context.WithCancel(ctx)
	defer g.cancel()
	// Tables load in waves (SourceSpec.Wave): a stream that feeds a table built by a query loads after the tables
	// its queries join.
	waves := map[int][]*Source{}
	var order []int
	for _, s := range tables {
		w := max(s.spec.Wave, 1)
		if waves[w] == nil {
			order = append(order, w)
		}
		waves[w] = append(waves[w], s)
	}
	slices.Sort(order)
	for _, w := range order {
		g.read(waves[w])
		notReady := r.awaitTables(g.ctx, waves[w])
		if notReady != nil || g.ctx.Err() != nil {
			g.cancel()
			if err := g.wait(); err != nil {
				return err // a table source's own error comes first
			}
			return notReady // nil: the job was stopped while loading
		}
	}
	g.read(streams)
	return g.wait()
}

// awaitTables waits until every table source has finished its initial load, showing the progress. It returns
// the error of a table that is not ready after its wait timeout, or nil once all are loaded or ctx is done.
func (r *runner) awaitTables(ctx context.Context, tables []*Source) error {
	d := &loadDisplay{r: r, live: r.progress > 0 && !r.jsonLog && isTerminal(r.stderr)}
	every := r.progress
	if d.live {
		every = liveProgressEvery
	}
	var tick <-chan time.Time
	if every > 0 {
		t := time.NewTicker(every)
		defer t.Stop()
		tick = t.C
	}
	pending := slices.Clone(tables)
	for {
		pending = slices.DeleteFunc(pending, func(s *Source) bool {
			if !s.load.isLoaded() {
				return false
			}
			d.summary(s.load.snapshot())
			return true
		})
		if len(pending) == 0 {
			d.clear()
			return nil
		}
		first := pending[0].load
		for _, s := range pending[1:] {
			if s.load.started.Add(s.load.timeout).Before(first.started.Add(first.timeout)) {
				first = s.load
			}
		}
		timer := time.NewTimer(time.Until(first.started.Add(first.timeout)))
		select {
		case <-ctx.Done():
			timer.Stop()
			d.clear()
			return nil
		case <-r.loads.changed:
		case <-tick:
			d.show(pending)
		case <-timer.C:
			if first.isLoaded() {
				continue // just now
			}
			d.clear()
			return notReadyError(first, pending)
		}
		timer.Stop()
	}
}

// notReadyError names each table that is not ready, with its progress and the likely cause.
func notReadyError(expired *tableLoad, pending []*Source) error {
	var b strings.Builder
	fmt.Fprintf(&b, "tables not ready after %s ('%s.wait.timeout'): ", expired.timeout, expired.name)
	for i, s := range pending {
		if i > 0 {
			b.WriteString("; ")
		}
		p := s.load.snapshot()
		fmt.Fprintf(&b, "table %q (%s): %d rows", p.Name, p.Where, p.Rows)
		if p.BytesTotal > 0 || p.BytesRead > 0 {
			fmt.Fprintf(&b, ", %s read", ofText(p))
		}
		b.WriteString(": ")
		b.WriteString(notReadyCause(s, p))
	}
	return errors.New(b.String())
}

// notReadyCause guesses why a table is not loaded.
func notReadyCause(s *Source, p TableProgress) string {
	switch {
	case p.Waiting != "":
		return p.Waiting
	case s.input != nil:
		return "its input has not read up to the end offsets it saw when it started (a slow or unreachable broker?)"
	case p.BytesRead > p.BytesTotal:
		return "a file is still being written: the files have grown since the load started"
	}
	return "still reading its files (very large files, or a slow disk?)"
}

// loadDisplay shows table loads on stderr: a line per table every progress interval, or on a terminal a live
// display redrawn in place; and a summary per table when its load ends.
type loadDisplay struct {
	r     *runner
	live  bool
	shown int // lines of the live display on the screen
}

// show prints the progress of the tables still loading.
func (d *loadDisplay) show(pending []*Source) {
	if d.r.jsonLog {
		for _, s := range pending {
			d.r.logger().Info(progressLine(s.load.snapshot(), time.Now()), "component", jobName(d.r.job))
		}
		return
	}
	var b strings.Builder
	d.erase(&b)
	for _, s := range pending {
		line := progressLine(s.load.snapshot(), time.Now())
		if d.live {
			b.WriteString("\r\x1b[2K")
			d.shown++
		}
		b.WriteString(line)
		b.WriteString("\n")
	}
	io.WriteString(d.r.stderr, b.String()) // one write: the job's stderr keeps it whole
}

// summary prints one line for a table whose load has ended.
func (d *loadDisplay) summary(p TableProgress) {
	if !d.r.stats {
		return
	}
	if d.r.jsonLog {
		d.r.logger().Info(summaryLine(p), "component", jobName(d.r.job))
		return
	}
	var b strings.Builder
	d.erase(&b)
	b.WriteString(summaryLine(p))
	b.WriteString("\n")
	io.WriteString(d.r.stderr, b.String())
}

// clear removes the live display.
func (d *loadDisplay) clear() {
	var b strings.Builder
	if d.erase(&b) {
		io.WriteString(d.r.stderr, b.String())
	}
}

// erase writes to b what moves the cursor up over the live display and clears it, if it is shown.
func (d *loadDisplay) erase(b *strings.Builder) bool {
	if d.shown == 0 {
		return false
	}
	fmt.Fprintf(b, "\x1b[%dA\r\x1b[J", d.shown)
	d.shown = 0
	return true
}

// progressLine describes a load in progress: "table instruments: 120000 rows, 4.1 MB of 10.0 MB (41%), 2.0 MB/s,
// ETA 3s".
func progressLine(p TableProgress, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "table %s: ", p.Name)
	elapsed := now.Sub(p.Started)
	if p.Waiting != "" {
		fmt.Fprintf(&b, "waiting (%s): %s", elapsed.Round(time.Second), p.Waiting)
		return b.String()
	}
	fmt.Fprintf(&b, "%d rows", p.Rows)
	if p.BytesTotal > 0 {
		fmt.Fprintf(&b, ", %s (%d%%)", ofText(p), min(100*p.BytesRead/p.BytesTotal, 100))
	} else if p.BytesRead > 0 {
		fmt.Fprintf(&b, ", %s", amountText(p, p.BytesRead))
	}
	if s := elapsed.Seconds(); s > 0 {
		if p.BytesRead > 0 {
			rate := float64(p.BytesRead) / s
			if p.Offsets {
				fmt.Fprintf(&b, ", %.0f offsets/s", rate)
			} else {
				fmt.Fprintf(&b, ", %s/s", sizeText(int64(rate)))
			}
			if left := p.BytesTotal - p.BytesRead; left > 0 && rate > 0 {
				fmt.Fprintf(&b, ", ETA %s", time.Duration(float64(left)/rate*float64(time.Second)).Round(time.Second))
			}
		} else {
			fmt.Fprintf(&b, ", %.0f rows/s", float64(p.Rows)/s)
		}
	}
	return b.String()
}

// summaryLine describes a finished load: "table instruments: 100000 rows (3 duplicates replaced) from 2 files,
// 4.1 MB, in 0.05 s".
func summaryLine(p TableProgress) string {
	var b strings.Builder
	fmt.Fprintf(&b, "table %s: %d rows (%d duplicates replaced", p.Name, p.Rows, p.Replaced)
	if p.Deleted > 0 {
		fmt.Fprintf(&b, ", %d deleted", p.Deleted)
	}
	b.WriteString(")")
	if p.Files > 0 {
		fmt.Fprintf(&b, " from %d file", p.Files)
		if p.Files > 1 {
			b.WriteString("s")
		}
		fmt.Fprintf(&b, ", %s,", sizeText(p.BytesRead))
	} else if p.Offsets {
		fmt.Fprintf(&b, ", %d offsets,", p.BytesRead)
	}
	fmt.Fprintf(&b, " in %.2f s", p.Loaded.Sub(p.Started).Seconds())
	return b.String()
}

// amountText writes what a table's source has read, n: bytes ("4.1 MB"), or Kafka offsets ("1200 offsets").
func amountText(p TableProgress, n int64) string {
	if p.Offsets {
		return strconv.FormatInt(n, 10) + " offsets"
	}
	return sizeText(n)
}

// ofText writes how much of its input a table's source has read: "4.1 MB of 10.0 MB", "1200 of 4000 offsets".
func ofText(p TableProgress) string {
	if p.Offsets {
		return fmt.Sprintf("%d of %d offsets", p.BytesRead, p.BytesTotal)
	}
	return sizeText(p.BytesRead) + " of " + sizeText(p.BytesTotal)
}

// sizeText writes a byte count in decimal units with one decimal: "4.1 MB".
func sizeText(n int64) string {
	switch {
	case n < 1000:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1000*1000:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	case n < 1000*1000*1000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.1f GB", float64(n)/1e9)
}

// isTerminal reports whether w, the job's stderr, is a terminal, for the live progress display. Tests replace it.
var isTerminal = func(w io.Writer) bool {
	if l, ok := w.(*lockedWriter); ok {
		w = l.w
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// tableFile is one file of a file table, while another is being read: where its reader stands, and its
// unhandled bytes (an unfinished last line), which leave the shared read buffer.
type tableFile struct {
	path      string
	fs        fileSource
	rest      []byte
	lineNo    int64
	hasHeader bool     // its CSV header is read:
	header    []string // its columns
	opened    bool
}

// readTableFiles reads a file table: every file matching the source's path, a glob, in lexical order, each with
// a CSV header of its own; records are named by file and line. When no file matches, it waits, looking again
// every '<table>.file.retry.interval', up to '<table>.file.wait.timeout' (by default the table's wait timeout
// bounds the wait instead, see awaitTables). A bounded read ends after the last file (the table is then loaded).
// Otherwise the table is loaded once every file has been read to its end; the source then follows the files like
// tail -F, one after the other after each wait at their ends, and looks for new files matching the path each
// time: a new file is read from its start (a file renamed to a matching name is not read twice).
func (s *Source) readTableFiles(ctx context.Context) error {
	pattern := s.pattern
	paths, err := s.awaitFiles(ctx, pattern)
	if err != nil || paths == nil {
		return err
	}
	files := make([]*tableFile, len(paths))
	var total int64
	for i, p := range paths {
		files[i] = &tableFile{path: p}
		if fi, err := os.Stat(p); err == nil {
			total += fi.Size()
		}
	}
	s.load.total.Store(total)
	s.load.files.Store(int64(len(files)))
	defer func() {
		for _, f := range files {
			if f.fs.file != nil {
				f.fs.file.Close()
			}
		}
		s.file = nil // closed above
	}()
	s.eofStop = true
	if s.buf == nil {
		s.buf = make([]byte, readBufSize)
	}
	for _, f := range files {
		if err := s.readTableFile(ctx, f); err != nil || ctx.Err() != nil {
			return err
		}
		if s.run.bounded {
			f.fs.file.Close()
			f.fs.file = nil
		}
	}
	if s.run.bounded {
		return s.end()
	}
	s.Loaded()
	for {
		if err := s.run.flush(); err != nil {
			return err
		}
		if !tailWait(ctx) {
			return nil
		}
		for _, f := range files {
			if err := s.readTableFile(ctx, f); err != nil || ctx.Err() != nil {
				return err
			}
		}
		more, err := newTableFiles(pattern, files)
		if err != nil {
			return err
		}
		for _, f := range more {
			files = append(files, f)
			s.load.files.Add(1)
			if err := s.readTableFile(ctx, f); err != nil || ctx.Err() != nil {
				return err
			}
		}
	}
}

// readTableFile reads one file of a table up to its end: from its start the first time, then on from where it
// stopped after a look at what happened to it meanwhile (see follow).
func (s *Source) readTableFile(ctx context.Context, f *tableFile) error {
	buf, maxLine := s.buf, s.maxLine
	s.fileSource = f.fs
	if len(f.rest) > len(buf) {
		buf = make([]byte, 2*len(f.rest))
	}
	s.buf, s.r, s.w, s.scan = buf, 0, copy(buf, f.rest), 0
	s.maxLine, s.eofStop = maxLine, true
	s.path, s.lineNo = f.path, f.lineNo
	s.header = f.hasHeader
	if s.header {
		s.csv.header = append(s.csv.header[:0], f.header...)
		s.csv.bindNames, s.csv.bindIdx = nil, nil
	}
	var err error
	if !f.opened {
		f.opened = true
		err = s.openFile()
	} else {
		err = s.look()
	}
	if err == nil {
		err = s.readFile(ctx)
	}
	f.rest = append(f.rest[:0], s.buf[s.r:s.w]...)
	f.fs, f.fs.buf, f.fs.r, f.fs.w, f.fs.scan = s.fileSource, nil, 0, 0, 0
	f.lineNo, f.hasHeader = s.lineNo, s.header
	if s.header {
		f.header = append(f.header[:0], s.csv.header...)
	}
	return err
}

// awaitFiles returns the files matching pattern, waiting until there is one. It returns nil, nil when ctx is
// done first.
func (s *Source) awaitFiles(ctx context.Context, pattern string) ([]string, error) {
	retry := defaultFileRetry
	if s.spec.FileRetryIntervalMs > 0 {
		retry = time.Duration(s.spec.FileRetryIntervalMs) * time.Millisecond
	}
	var deadline time.Time
	if s.spec.FileWaitTimeoutMs > 0 {
		deadline = time.Now().Add(time.Duration(s.spec.FileWaitTimeoutMs) * time.Millisecond)
	}
	for said := false; ; said = true {
		paths, err := matchFiles(pattern)
		if err != nil || len(paths) > 0 {
			s.load.setWaiting("")
			return paths, err
		}
		why := "no file matches " + pattern
		s.load.setWaiting(why)
		if !said {
			limit := "the table's wait timeout"
			if !deadline.IsZero() {
				limit = time.Until(deadline).Round(time.Millisecond).String()
			}
			s.Logf("%s; looking again every %s, for up to %s", why, retry, limit)
		}
		if !deadline.IsZero() && !time.Now().Before(deadline) {
			return nil, fmt.Errorf("%s after waiting %s ('%s.file.wait.timeout')", why,
				time.Duration(s.spec.FileWaitTimeoutMs)*time.Millisecond, s.spec.Name)
		}
		if !sleep(ctx, retry) {
			return nil, nil
		}
	}
}

// matchFiles returns the regular files (and named pipes) matching a glob pattern, in lexical order.
func matchFiles(pattern string) ([]string, error) {
	paths, err := filepath.Glob(pattern)
	if err != nil {
		return nil, fmt.Errorf("invalid path pattern %q: %v", pattern, err)
	}
	paths = slices.DeleteFunc(paths, func(p string) bool {
		fi, err := os.Stat(p)
		return err != nil || fi.IsDir()
	})
	slices.Sort(paths)
	return paths, nil
}

// newTableFiles returns the files matching pattern that are not among files, by name or as the same file (one
// renamed to a name that also matches).
func newTableFiles(pattern string, files []*tableFile) ([]*tableFile, error) {
	paths, err := matchFiles(pattern)
	if err != nil {
		return nil, err
	}
	var more []*tableFile
	for _, p := range paths {
		known := slices.ContainsFunc(files, func(f *tableFile) bool { return f.path == p })
		if known {
			continue
		}
		fi, err := os.Stat(p)
		if err != nil {
			continue
		}
		if slices.ContainsFunc(files, func(f *tableFile) bool { return f.fs.ident != nil && os.SameFile(f.fs.ident, fi) }) {
			continue
		}
		more = append(more, &tableFile{path: p})
	}
	return more, nil
}
