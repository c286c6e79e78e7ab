// Memory budget: the most memory a job may use (GOMEMLIMIT, its cgroup's limit, 'max.memory.mb', --max-memory),
// and the watcher that compares the live heap with it and stops the job, or spills state to disk, before the
// kernel kills it.

package rt

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// The levels of the live heap at which the watcher acts, in percent of the budget less the reserves (the heap's
// share). The Go runtime's soft memory limit is set at memHardPercent (unless GOMEMLIMIT is set), so that the
// collector works harder before the budget is reached; memActPercent leaves it room for the garbage between two
// collections.
const (
	memWarnPercent = 60 // report once
	memActPercent  = 75 // 'state.overflow': fail, or spill state to disk
	memHardPercent = 90 // spilling did not help: fail
	// memResidentPercent is the share of the whole budget the process's resident anonymous memory may reach: past
	// it the job stops, whatever its heap, rather than be killed.
	memResidentPercent = 95
	// baseReserve is memory outside the Go heap every job needs: the runtime's own, and the binary's pages.
	baseReserve = 8 << 20
	// A spilling job keeps out of its heap's share besides: the store's memory (its memtables and block cache,
	// which live outside the Go heap), a fifth of the budget within these bounds, and spillSlack for the
	// allocator's slack around it and the larger binary.
	minStoreMemory = 24 << 20
	maxStoreMemory = 128 << 20
	spillSlack     = 16 << 20
	// minSpillBudget is the smallest budget a job that spills accepts.
	minSpillBudget = 96 << 20
	// memoryEvery is how many records a source reads between two looks at the heap (a power of two).
	memoryEvery = 4096
	// spillShare: a state spills when it holds at least 1/spillShare of the memory of the source's states.
	spillShare = 8
)

// stateLabel names the query a state belongs to, for messages about memory.
type stateLabel struct {
	query, at string
}

// Label names the query the Groups belongs to and where it is in the script ("job.sql:3:1"), for messages about
// memory. Generated code calls it once, after Source.Track.
func (g *Groups[K, S]) Label(query, at string) { g.label = stateLabel{query, at} }

// Label names the query the Windows belongs to; see Groups.Label.
func (w *Windows[K, S]) Label(query, at string) { w.label = stateLabel{query, at} }

// memState is state the memory watcher measures and, under 'state.overflow' = 'spill', moves to disk: Groups and
// Windows.
type memState interface {
	Stateful
	memLabel() stateLabel
	// memSize returns the groups held (in memory and spilled), those in memory, the open windows (0 for a
	// Groups) and a rough size of one group in memory.
	memSize() (groups, inMemory, windows int, perGroup int64)
	// spillWeight estimates the memory of the groups held in memory, for choosing which states to spill: 0 when
	// the state cannot spill.
	spillWeight() int64
	// spill moves every group held in memory to the store and lowers the number kept in memory from now on; it
	// returns how many it moved (none when the state cannot spill).
	spill(env *spillEnv) (int, error)
	// spillErr returns the first error of the store.
	spillErr() error
}

func (g *Groups[K, S]) memLabel() stateLabel { return g.label }
func (g *Groups[K, S]) memSize() (groups, inMemory, windows int, perGroup int64) {
	return g.Len(), len(g.entries), 0, groupBytes[K, S]()
}

func (w *Windows[K, S]) memLabel() stateLabel { return w.label }
func (w *Windows[K, S]) memSize() (groups, inMemory, windows int, perGroup int64) {
	for _, g := range w.open {
		groups += g.Len()
		inMemory += len(g.entries)
	}
	return groups, inMemory, len(w.open), groupBytes[K, S]()
}

// groupBytes is a rough size of one group in memory: its entry in the slice, with the slack of the slice's
// growth, and its key and index in the map, with the map's load. It weighs the states of a job against each
// other in messages; strings and sets are not counted.
func groupBytes[K comparable, S any]() int64 {
	var e groupEntry[K, S]
	var k K
	return int64(unsafe.Sizeof(e))*5/4 + (int64(unsafe.Sizeof(k))+4)*3/2
}

// memBudget is the job's memory budget and where it came from.
type memBudget struct {
	bytes  int64  // 0: no budget
	from   string // for messages: "GOMEMLIMIT", "--max-memory", "'max.memory.mb'", "the cgroup limit (FILE)"
	advice string // what raises it
	// goLimit is set when GOMEMLIMIT is: the runtime's soft limit is then the user's, not ours.
	goLimit bool
}

// findBudget computes the budget: the smallest of GOMEMLIMIT (goLimit, math.MaxInt64 when not set), the memory
// limit of the process's cgroup, and --max-memory, or else the script's 'max.memory.mb'.
func findBudget(scriptMB, flagMB, goLimit int64, goLimitSet bool, readFile func(string) ([]byte, error)) memBudget {
	var b memBudget
	consider := func(n int64, from, advice string) {
		if n > 0 && (b.bytes == 0 || n < b.bytes) {
			b.bytes, b.from, b.advice = n, from, advice
		}
	}
	if goLimitSet {
		b.goLimit = true
		if goLimit < math.MaxInt64 {
			consider(goLimit, "GOMEMLIMIT", "raise GOMEMLIMIT")
		}
	}
	if n, file := cgroupMemoryLimit(readFile); n > 0 {
		consider(n, "the cgroup limit "+file, "raise the container's memory limit")
	}
	if flagMB > 0 {
		consider(flagMB<<20, "--max-memory", "raise --max-memory")
	} else if scriptMB > 0 {
		consider(scriptMB<<20, "'max.memory.mb'", "raise 'max.memory.mb'")
	}
	return b
}

// cgroupMemoryLimit returns the memory limit of the process's cgroup and the file it was read from, or 0 when
// there is none. It reads /proc/self/cgroup and /proc/self/mountinfo to find the cgroup's directory: for cgroup v1
// the memory controller's memory.limit_in_bytes, for v2 memory.max. Limits of the parent cgroups up to the mount
// point apply too, so the smallest counts. "max" and values near 2^63 (v1's "unlimited") mean no limit.
func cgroupMemoryLimit(readFile func(string) ([]byte, error)) (int64, string) {
	cg, err := readFile("/proc/self/cgroup")
	if err != nil {
		return 0, ""
	}
	mounts, err := readFile("/proc/self/mountinfo")
	if err != nil {
		return 0, ""
	}
	var v1, v2 string // the process's cgroup paths in the v1 memory hierarchy and in the unified one
	var hasV1, hasV2 bool
	for _, line := range strings.Split(string(cg), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		if parts[0] == "0" && parts[1] == "" {
			v2, hasV2 = parts[2], true
			continue
		}
		for _, c := range strings.Split(parts[1], ",") {
			if c == "memory" {
				v1, hasV1 = parts[2], true
			}
		}
	}
	best, where := int64(0), ""
	sc := bufio.NewScanner(bytes.NewReader(mounts))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		// 35 31 0:32 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup cgroup rw,memory
		f := strings.Fields(sc.Text())
		sep := -1
		for i := 6; i < len(f); i++ {
			if f[i] == "-" {
				sep = i
				break
			}
		}
		if sep < 0 || sep+3 >= len(f) {
			continue
		}
		root, mnt, fstype, super := unescapeMount(f[3]), unescapeMount(f[4]), f[sep+1], f[sep+3]
		var path, file string
		switch {
		case fstype == "cgroup" && hasV1 && hasOption(super, "memory"):
			path, file = v1, "memory.limit_in_bytes"
		case fstype == "cgroup2" && hasV2:
			path, file = v2, "memory.max"
		default:
			continue
		}
		dir := mnt
		switch {
		case root == "/":
			dir = filepath.Join(mnt, path)
		case path == root || strings.HasPrefix(path, root+"/"):
			dir = filepath.Join(mnt, strings.TrimPrefix(path, root))
		}
		for d := dir; ; d = filepath.Dir(d) {
			name := filepath.Join(d, file)
			if n := readLimit(readFile, name); n > 0 && (best == 0 || n < best) {
				best, where = n, name
			}
			if d == mnt || !strings.HasPrefix(d, mnt) || d == filepath.Dir(d) {
				break
			}
		}
	}
	return best, where
}

// readLimit reads one cgroup limit file; 0 means no limit (or no such file).
func readLimit(readFile func(string) ([]byte, error), name string) int64 {
	data, err := readFile(name)
	if err != nil {
		return 0
	}
	v := strings.TrimSpace(string(data))
	if v == "max" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 || n >= 1<<62 {
		return 0
	}
	return n
}

// hasOption reports whether the comma-separated options include opt.
func hasOption(options, opt string) bool {
	for _, o := range strings.Split(options, ",") {
		if o == opt {
			return true
		}
	}
	return false
}

// unescapeMount undoes the octal escapes of /proc/self/mountinfo ("\040" for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// memWatch keeps a job under its memory budget: the sources' goroutines call check (see sourceMemory), which
// compares the live heap with the levels and reports, fails or spills state.
type memWatch struct {
	job    string
	budget memBudget
	spill  bool      // 'state.overflow' = 'spill'
	env    *spillEnv // the store, with spill
	stderr io.Writer

	warnAt, actAt, hardAt uint64 // levels of the live heap, in bytes
	residentAt            uint64 // the level of resident anonymous memory, in bytes

	// read returns the live heap and the number of completed collections, and resident the process's resident
	// anonymous memory (0 if unknown); fields so that tests can drive the watcher.
	read     func(s []metrics.Sample) (live, cycles uint64)
	resident func() uint64

	mu     sync.Mutex
	states []*stateStat // every state of the job, for messages
	warned bool

	// live is the live heap at the last check and peak the largest seen: values a metrics endpoint can export.
	live, peak atomic.Uint64
}

// stateStat is what the watcher knows of one state: published by the goroutine of the state's source at each
// check, read by any source's message.
type stateStat struct {
	label                     stateLabel
	perGroup                  int64
	groups, inMemory, windows atomic.Int64
	spilling                  atomic.Bool // the job said it spills this state
}

// overflowMode is what state beyond the budget does: --state-overflow, else the script's 'state.overflow', else
// "fail".
func overflowMode(j *Job, o *options) string {
	return firstNonEmpty(o.stateOverflow, firstNonEmpty(j.StateOverflow, "fail"))
}

// newMemWatch sets the job's memory budget up from the environment, the script and the flags. It returns nil
// when the job has no budget: then nothing is watched.
func newMemWatch(j *Job, o *options, stderr io.Writer) (*memWatch, error) {
	if o.stateDir != "" {
		if err := os.MkdirAll(o.stateDir, 0o777); err != nil {
			return nil, fmt.Errorf("--state-dir: %v", err)
		}
	}
	_, goSet := os.LookupEnv("GOMEMLIMIT")
	b := findBudget(j.MaxMemoryMB, o.maxMemoryMB, debug.SetMemoryLimit(-1), goSet, os.ReadFile)
	if b.bytes == 0 {
		return nil, nil
	}
	w := &memWatch{job: jobName(j), budget: b, stderr: stderr, read: readHeap, resident: readResident}
	if open := registeredSpillStore(); overflowMode(j, o) == "spill" && open != nil && b.bytes >= minSpillBudget {
		w.spill = true
		w.env = &spillEnv{open: open, parent: o.stateDir, memory: storeMemory(b.bytes)}
	}
	w.setLevels()
	return w, nil
}

// measureMemory returns a watcher for a job without a memory budget whose status is served (--http): it samples
// the heap and the size of each state as a budget's watcher does, and never acts.
func measureMemory(j *Job, stderr io.Writer) *memWatch {
	w := &memWatch{job: jobName(j), stderr: stderr, read: readHeap, resident: func() uint64 { return 0 }}
	w.warnAt, w.actAt, w.hardAt, w.residentAt = math.MaxUint64, math.MaxUint64, math.MaxUint64, math.MaxUint64
	return w
}

// setLevels computes the levels from the budget: the heap's share is the budget less the reserves.
func (w *memWatch) setLevels() {
	heap := w.budget.bytes - baseReserve
	if w.spill {
		heap -= storeMemory(w.budget.bytes) + spillSlack
	}
	if heap < w.budget.bytes/2 {
		heap = w.budget.bytes / 2 // a tiny budget: the reserves are guesses, and the heap needs some room
	}
	w.warnAt = uint64(heap) * memWarnPercent / 100
	w.actAt = uint64(heap) * memActPercent / 100
	w.hardAt = uint64(heap) * memHardPercent / 100
	w.residentAt = uint64(w.budget.bytes) * memResidentPercent / 100
}

// storeMemory is what the spill store may use outside the Go heap under a budget of budget bytes.
func storeMemory(budget int64) int64 { return min(max(budget/5, minStoreMemory), maxStoreMemory) }

// checkSpill refuses to start a job with state that is to spill when it cannot: built without the store (asked
// by --state-overflow), or with a budget too small to spill in. The code is 2 when a flag is at fault.
func checkSpill(j *Job, o *options, r *runner) (int, error) {
	if overflowMode(j, o) != "spill" || r.stateless() {
		return 0, nil
	}
	if registeredSpillStore() == nil {
		return 2, errors.New("--state-overflow spill: this job was built without the spill store; set 'state.overflow' = 'spill' in a query's WITH and build it again")
	}
	if w := r.mem; w != nil && w.budget.bytes > 0 && !w.spill {
		return usageIf(w.budget.from == "--max-memory"), fmt.Errorf("'state.overflow' = 'spill' needs a memory budget of %d MiB at least; the budget is %s (from %s)",
			minSpillBudget>>20, mib(uint64(w.budget.bytes)), w.budget.from)
	}
	return 0, nil
}

// softLimit is the Go runtime's soft memory limit for the budget, or -1 to leave the runtime's own (GOMEMLIMIT).
func (w *memWatch) softLimit() int64 {
	if w.budget.goLimit || w.budget.bytes == 0 {
		return -1
	}
	return int64(w.hardAt)
}

// readHeap reads the live heap and the count of completed collections from the runtime.
func readHeap(s []metrics.Sample) (live, cycles uint64) {
	metrics.Read(s)
	if s[0].Value.Kind() == metrics.KindUint64 {
		live = s[0].Value.Uint64()
	}
	if s[1].Value.Kind() == metrics.KindUint64 {
		cycles = s[1].Value.Uint64()
	}
	return live, cycles
}

// readResident returns the process's resident memory that is not file-backed (its anonymous memory: the heap,
// stacks, and what C code allocated), from /proc/self/statm, or 0.
func readResident() uint64 {
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(data)) // size resident shared text lib data dt, in pages
	if len(f) < 3 {
		return 0
	}
	res, err1 := strconv.ParseUint(f[1], 10, 64)
	shared, err2 := strconv.ParseUint(f[2], 10, 64)
	if err1 != nil || err2 != nil || shared > res {
		return 0
	}
	return (res - shared) * uint64(os.Getpagesize())
}

// watch gives every source lane with state a sourceMemory, so that it checks the heap as it reads.
func (w *memWatch) watch(r *runner) {
	for _, s := range r.sources {
		for _, l := range s.lanes {
			m := &sourceMemory{w: w}
			for _, st := range l.state {
				ms, ok := st.(memState)
				if !ok {
					continue
				}
				_, _, _, per := ms.memSize()
				stat := &stateStat{label: ms.memLabel(), perGroup: per}
				m.states = append(m.states, ms)
				m.stats = append(m.stats, stat)
				w.mu.Lock()
				w.states = append(w.states, stat)
				w.mu.Unlock()
			}
			if len(m.states) > 0 {
				m.samples = []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/cycles/total:gc-cycles"}}
				l.mem = m
			}
		}
	}
}

// sourceMemory is the memory watcher as one source lane sees it: the states it may measure and evict (only those
// of the queries it feeds, which no other goroutine touches).
type sourceMemory struct {
	w       *memWatch
	states  []memState
	stats   []*stateStat
	samples []metrics.Sample

	waitGC uint64 // the collections to wait for after a spill, until the live heap shows its effect
	// spilled is set by a spill and cleared when the live heap falls below the action level: a live heap over
	// the hard level while it is set means spilling does not keep the job under its budget.
	spilled bool
}

// check compares the live heap with the budget: it reports the first time the heap passes the warning level,
// and past the action level stops the job with an error ('state.overflow' = 'fail') or moves the source's state
// to disk ('spill'). Sources call it every memoryEvery records and on ticks, between records.
func (m *sourceMemory) check() error {
	w := m.w
	live, cycles := w.read(m.samples)
	w.live.Store(live)
	for {
		p := w.peak.Load()
		if live <= p || w.peak.CompareAndSwap(p, live) {
			break
		}
	}
	for i, st := range m.states {
		if err := st.spillErr(); err != nil {
			return err
		}
		groups, inMem, windows, _ := st.memSize()
		m.stats[i].groups.Store(int64(groups))
		m.stats[i].inMemory.Store(int64(inMem))
		m.stats[i].windows.Store(int64(windows))
	}
	if live >= w.warnAt {
		w.warn(live)
	}
	if rss := w.resident(); rss >= w.residentAt {
		return w.exceededResident(rss, live)
	}
	if live < w.actAt {
		m.spilled = false
		return nil
	}
	if !w.spill {
		return w.exceeded(live, false)
	}
	if cycles < m.waitGC {
		return nil // the heap does not show the last spill yet
	}
	if live >= w.hardAt && m.spilled {
		return w.exceeded(live, true)
	}
	// Spill the states that hold a good part of the memory, and spare the small ones: a small state is cheap to
	// keep, and its groups, often the most used, would only come back.
	weights := make([]int64, len(m.states))
	var total int64
	for i, st := range m.states {
		weights[i] = st.spillWeight()
		total += weights[i]
	}
	moved := 0
	for i, st := range m.states {
		if weights[i] == 0 || weights[i] < total/spillShare {
			continue
		}
		n, err := st.spill(w.env)
		if err != nil {
			return err
		}
		if n > 0 {
			moved += n
			w.tellSpill(m.stats[i], n, live)
		}
	}
	if moved == 0 {
		if live >= w.hardAt {
			return w.exceeded(live, true)
		}
		return nil
	}
	// A collection that was running during the spill may still count what it freed; the one after cannot.
	m.waitGC, m.spilled = cycles+2, true
	return nil
}

// warn reports, once per job, that the live heap passed the warning level.
func (w *memWatch) warn(live uint64) {
	w.mu.Lock()
	if w.warned {
		w.mu.Unlock()
		return
	}
	w.warned = true
	w.mu.Unlock()
	then := "the job stops ('state.overflow' = 'fail')"
	if w.spill {
		then = "state spills to disk ('state.overflow' = 'spill')"
	}
	largest := ""
	if st, _ := w.largest(live); st != nil {
		largest = fmt.Sprintf("; the largest state is query %q (%s) with %s", st.label.query, st.label.at, st.describe())
	}
	logAt(lockStderr(w.stderr).logger(), slog.LevelWarn, w.job, "memory: the live heap is %s; at %s %s, by %s%s", mib(live), mib(w.actAt), then, w.budgetText(), largest)
}

// tellSpill reports, once per state, that its groups go to disk.
func (w *memWatch) tellSpill(st *stateStat, n int, live uint64) {
	if st.spilling.Swap(true) {
		return
	}
	logAt(lockStderr(w.stderr).logger(), slog.LevelWarn, w.job, "memory: query %q (%s) spills its state to %s: %d groups moved at a live heap of %s, past the %s the heap may use of %s", st.label.query, st.label.at, w.env.dir, n, mib(live), mib(w.actAt), w.budgetText())
}

// exceeded is the error that stops a job over its budget.
func (w *memWatch) exceeded(live uint64, spilled bool) error {
	var b strings.Builder
	if spilled {
		b.WriteString("memory budget exceeded with state spilled to disk: ")
	} else {
		b.WriteString("memory budget exceeded: ")
	}
	if st, est := w.largest(live); st != nil {
		fmt.Fprintf(&b, "query %q (%s) holds %s, about %s; ", st.label.query, st.label.at, st.describe(), mib(est))
	}
	level := w.actAt
	if spilled {
		level = w.hardAt
	}
	fmt.Fprintf(&b, "the live heap is %s, over the %s the heap may use of %s; %s", mib(live), mib(level), w.budgetText(), w.budget.advice)
	if !w.spill {
		b.WriteString(", or set 'state.overflow' = 'spill' to keep state beyond the budget on disk")
	}
	return errors.New(b.String())
}

// exceededResident is the error that stops a job whose resident memory nears the budget, whatever its heap: the
// memory outside the heap (goroutine stacks, the spill store's buffers, C code) outgrew the reserves.
func (w *memWatch) exceededResident(rss, live uint64) error {
	var b strings.Builder
	fmt.Fprintf(&b, "memory budget exceeded: the job's resident memory is %s, over %d%% of %s, with a live heap of %s; ",
		mib(rss), memResidentPercent, w.budgetText(), mib(live))
	if st, est := w.largest(live); st != nil {
		fmt.Fprintf(&b, "the largest state is query %q (%s) with %s, about %s; ", st.label.query, st.label.at, st.describe(), mib(est))
	}
	b.WriteString(w.budget.advice)
	return errors.New(b.String())
}

// budgetText is "the 400 MiB budget (from the cgroup limit /sys/fs/cgroup/memory/job/memory.limit_in_bytes)".
func (w *memWatch) budgetText() string {
	return fmt.Sprintf("the %s budget (from %s)", mib(uint64(w.budget.bytes)), w.budget.from)
}

// largest returns the state holding the most memory, by the published sizes, and its share of the live heap.
func (w *memWatch) largest(live uint64) (*stateStat, uint64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var best *stateStat
	var bestW, total float64
	for _, st := range w.states {
		weight := float64(st.inMemory.Load()) * float64(st.perGroup)
		total += weight
		if best == nil || weight > bestW {
			best, bestW = st, weight
		}
	}
	if best == nil || total == 0 {
		return best, 0
	}
	return best, uint64(float64(live) * bestW / total)
}

// describe is "1843201 groups", "1843201 groups in 3 open windows", with the part in memory when some are
// spilled.
func (st *stateStat) describe() string {
	groups, inMem, windows := st.groups.Load(), st.inMemory.Load(), st.windows.Load()
	s := strconv.FormatInt(groups, 10) + " groups"
	if windows > 0 {
		s += " in " + strconv.FormatInt(windows, 10) + " open windows"
	}
	if inMem < groups {
		s += " (" + strconv.FormatInt(inMem, 10) + " in memory)"
	}
	return s
}

// writeStats prints the memory line of the exit statistics: the budget, the peak live heap and what was spilled.
func (w *memWatch) writeStats(out io.Writer) {
	if w.budget.bytes == 0 {
		return // measureMemory's: no budget to report on
	}
	fmt.Fprintf(out, "memory: budget %s (from %s), live heap peak %s", mib(uint64(w.budget.bytes)), w.budget.from, mib(w.peak.Load()))
	if w.env != nil && w.env.evicted.Load() > 0 {
		fmt.Fprintf(out, ", spilled %d groups (%s written), brought back %d", w.env.groups.Load(), mib(uint64(w.env.bytes.Load())), w.env.loads.Load())
	}
	fmt.Fprintln(out)
}

// close closes the spill store, if one was opened, and removes its directory.
func (w *memWatch) close() error {
	if w == nil || w.env == nil {
		return nil
	}
	return w.env.close()
}

// describeMemory is the memory part of --help: the budget the job would have, and what it does beyond it.
func describeMemory(j *Job, o *options) string {
	mode := overflowMode(j, o)
	_, goSet := os.LookupEnv("GOMEMLIMIT")
	b := findBudget(j.MaxMemoryMB, o.maxMemoryMB, debug.SetMemoryLimit(-1), goSet, os.ReadFile)
	if b.bytes == 0 {
		return "no budget: no GOMEMLIMIT, cgroup memory limit, 'max.memory.mb' or --max-memory"
	}
	return fmt.Sprintf("budget %s (from %s); state beyond %d%% of it: %s", mib(uint64(b.bytes)), b.from, memActPercent, mode)
}

// mib formats a byte count in MiB, rounded up so that a small non-zero amount does not read as none.
func mib(n uint64) string {
	return strconv.FormatUint((n+(1<<20)-1)>>20, 10) + " MiB"
}
