package rt

import (
	"bytes"
	"errors"
	"io/fs"
	"math"
	"regexp"
	"runtime/metrics"
	"strings"
	"testing"
)

// fakeFiles is a file system of the files of /proc and /sys the budget reads.
type fakeFiles map[string]string

func (f fakeFiles) read(name string) ([]byte, error) {
	if s, ok := f[name]; ok {
		return []byte(s), nil
	}
	return nil, fs.ErrNotExist
}

// TestCgroupMemoryLimit reads the limit of the process's cgroup from fake /proc and /sys files, as laid out by
// cgroup v1 (this repository's CI machine), v2 (a container), both at once, and with the limit on a parent.
func TestCgroupMemoryLimit(t *testing.T) {
	const v1Mounts = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`
	for _, tc := range []struct {
		name  string
		files fakeFiles
		want  int64
		file  string
	}{{
		name: "v1",
		files: fakeFiles{
			"/proc/self/cgroup":    "9:name=systemd:/\n4:memory:/process_api/job\n0::/\n",
			"/proc/self/mountinfo": v1Mounts,
			"/sys/fs/cgroup/memory/process_api/job/memory.limit_in_bytes": "629145600\n",
			"/sys/fs/cgroup/memory/process_api/memory.limit_in_bytes":     "9223372036854771712\n",
			"/sys/fs/cgroup/memory/memory.limit_in_bytes":                 "9223372036854771712\n",
		},
		want: 600 << 20, file: "/sys/fs/cgroup/memory/process_api/job/memory.limit_in_bytes",
	}, {
		name: "v1 unlimited",
		files: fakeFiles{
			"/proc/self/cgroup":    "4:memory:/process_api/job\n0::/\n",
			"/proc/self/mountinfo": v1Mounts,
			"/sys/fs/cgroup/memory/process_api/job/memory.limit_in_bytes": "9223372036854771712\n",
		},
	}, {
		name: "v1 parent's limit is smaller",
		files: fakeFiles{
			"/proc/self/cgroup":    "4:cpu,memory:/a/b\n",
			"/proc/self/mountinfo": "35 31 0:32 / /sys/fs/cgroup/cpu,memory rw - cgroup cgroup rw,cpu,memory\n",
			"/sys/fs/cgroup/cpu,memory/a/b/memory.limit_in_bytes": "1073741824",
			"/sys/fs/cgroup/cpu,memory/a/memory.limit_in_bytes":   "536870912",
		},
		want: 512 << 20, file: "/sys/fs/cgroup/cpu,memory/a/memory.limit_in_bytes",
	}, {
		name: "v1 in docker: the mount's root is the cgroup",
		files: fakeFiles{
			"/proc/self/cgroup":                           "12:memory:/docker/0123abcd\n",
			"/proc/self/mountinfo":                        "500 490 0:40 /docker/0123abcd /sys/fs/cgroup/memory ro,nosuid - cgroup cgroup rw,memory\n",
			"/sys/fs/cgroup/memory/memory.limit_in_bytes": "268435456\n",
		},
		want: 256 << 20, file: "/sys/fs/cgroup/memory/memory.limit_in_bytes",
	}, {
		name: "v2",
		files: fakeFiles{
			"/proc/self/cgroup":    "0::/system.slice/job.service\n",
			"/proc/self/mountinfo": "25 30 0:23 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw,nsdelegate\n",
			"/sys/fs/cgroup/system.slice/job.service/memory.max": "314572800\n",
			"/sys/fs/cgroup/system.slice/memory.max":             "max\n",
		},
		want: 300 << 20, file: "/sys/fs/cgroup/system.slice/job.service/memory.max",
	}, {
		name: "v2 max",
		files: fakeFiles{
			"/proc/self/cgroup":         "0::/\n",
			"/proc/self/mountinfo":      "25 30 0:23 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n",
			"/sys/fs/cgroup/memory.max": "max\n",
		},
	}, {
		name: "v2 in a container with a cgroup namespace and an escaped mount point",
		files: fakeFiles{
			"/proc/self/cgroup":            "0::/\n",
			"/proc/self/mountinfo":         `700 690 0:30 / /sys/fs/my\040cgroup ro - cgroup2 cgroup2 rw` + "\n",
			"/sys/fs/my cgroup/memory.max": "104857600",
		},
		want: 100 << 20, file: "/sys/fs/my cgroup/memory.max",
	}, {
		name: "hybrid: v1 and v2 both limit, the smaller counts",
		files: fakeFiles{
			"/proc/self/cgroup":                               "4:memory:/job\n0::/job\n",
			"/proc/self/mountinfo":                            v1Mounts,
			"/sys/fs/cgroup/memory/job/memory.limit_in_bytes": "209715200",
			"/sys/fs/cgroup/unified/job/memory.max":           "104857600",
		},
		want: 100 << 20, file: "/sys/fs/cgroup/unified/job/memory.max",
	}, {
		name:  "no /proc",
		files: fakeFiles{},
	}, {
		name: "garbage",
		files: fakeFiles{
			"/proc/self/cgroup":    "what\n4:memory\n",
			"/proc/self/mountinfo": "1 2 3\n35 31 0:32 / /x rw - cgroup\n",
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			got, file := cgroupMemoryLimit(tc.files.read)
			if got != tc.want || file != tc.file {
				t.Errorf("got %d from %q, want %d from %q", got, file, tc.want, tc.file)
			}
		})
	}
}

// TestFindBudget: the smallest limit wins; --max-memory replaces the script's 'max.memory.mb' rather than adding
// a limit; a GOMEMLIMIT that is set, even to off, keeps the runtime's soft limit the user's.
func TestFindBudget(t *testing.T) {
	cg := fakeFiles{
		"/proc/self/cgroup":         "0::/\n",
		"/proc/self/mountinfo":      "25 30 0:23 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n",
		"/sys/fs/cgroup/memory.max": "419430400\n", // 400 MiB
	}
	none := fakeFiles{}
	for _, tc := range []struct {
		name         string
		script, flag int64
		goLimit      int64
		goSet        bool
		files        fakeFiles
		want         int64
		from         string
		userGo       bool
		advicePrefix string
	}{
		{"nothing", 0, 0, math.MaxInt64, false, none, 0, "", false, ""},
		{"script", 300, 0, math.MaxInt64, false, none, 300 << 20, "'max.memory.mb'", false, "raise 'max.memory.mb'"},
		{"flag over script", 300, 500, math.MaxInt64, false, none, 500 << 20, "--max-memory", false, "raise --max-memory"},
		{"cgroup below the flag", 0, 500, math.MaxInt64, false, cg, 400 << 20, "the cgroup limit /sys/fs/cgroup/memory.max", false, "raise the container's"},
		{"script below the cgroup", 200, 0, math.MaxInt64, false, cg, 200 << 20, "'max.memory.mb'", false, "raise 'max.memory.mb'"},
		{"GOMEMLIMIT smallest", 200, 0, 100 << 20, true, cg, 100 << 20, "GOMEMLIMIT", true, "raise GOMEMLIMIT"},
		{"GOMEMLIMIT off", 0, 0, math.MaxInt64, true, none, 0, "", true, ""},
	} {
		b := findBudget(tc.script, tc.flag, tc.goLimit, tc.goSet, tc.files.read)
		if b.bytes != tc.want || b.from != tc.from || b.goLimit != tc.userGo || !strings.HasPrefix(b.advice, tc.advicePrefix) {
			t.Errorf("%s: got %+v", tc.name, b)
		}
	}
}

// scriptedHeap is a heap the watcher reads in tests: the live bytes, the collections so far and the resident
// memory.
type scriptedHeap struct{ live, cycles, resident uint64 }

func (h *scriptedHeap) read([]metrics.Sample) (uint64, uint64) { return h.live, h.cycles }

// watchedSource is a source with one Groups of n int keys, watched with a budget of budget bytes.
func watchedSource(t *testing.T, budget int64, spill bool, n int) (*memWatch, *Source, *Groups[int64, int64], *scriptedHeap, *bytes.Buffer) {
	t.Helper()
	var stderr bytes.Buffer
	h := &scriptedHeap{}
	w := &memWatch{job: "job", budget: memBudget{bytes: budget, from: "--max-memory", advice: "raise --max-memory"}, stderr: &stderr,
		read: h.read, resident: func() uint64 { return h.resident }}
	if spill {
		w.spill = true
		w.env = &spillEnv{open: func(string, int64) (SpillStore, error) { return newMemStore(), nil }, parent: t.TempDir()}
		t.Cleanup(func() { w.close() })
	}
	w.setLevels()
	g := NewGroups[int64, int64]()
	g.Label("totals", "job.sql:3:1")
	if spill {
		g.Spill(int64Codec, true)
	}
	for i := range n {
		s, _ := g.Get(int64(i))
		*s = int64(i)
	}
	s := &Source{spec: SourceSpec{Name: "orders"}, counts: &sourceCounts{}}
	s.lanes = []*Source{s}
	s.Track(g)
	w.watch(&runner{sources: []*Source{s}})
	if s.mem == nil {
		t.Fatal("the source with state is not watched")
	}
	return w, s, g, h, &stderr
}

// int64Codec is the binary form of Groups[int64, int64].
var int64Codec = &Codec[int64, int64]{
	Layout:      "test",
	AppendKey:   func(k *int64, b []byte) []byte { return AppendInt64(b, *k) },
	DecodeKey:   func(k *int64, d *BinDecoder) { *k = d.Int64() },
	AppendState: func(s *int64, b []byte) []byte { return AppendInt64(b, *s) },
	DecodeState: func(s *int64, d *BinDecoder) { *s = d.Int64() },
}

// TestMemWatchFail: below the warning level nothing happens; past it one line says so, once; past the action
// level the check fails with a message naming the query, its size, the heap, the budget and what to do.
func TestMemWatchFail(t *testing.T) {
	w, s, _, h, stderr := watchedSource(t, 400<<20, false, 5000)
	h.live = 100 << 20
	if err := s.mem.check(); err != nil || stderr.Len() > 0 {
		t.Fatalf("at 100 MiB of 400: %v, %q", err, stderr)
	}
	h.live = 250 << 20 // past 60%
	for range 2 {
		if err := s.mem.check(); err != nil {
			t.Fatal(err)
		}
	}
	// The heap's share of the budget is 392 MiB (less the base reserve): a warning at 235 MiB, a failure at 294.
	want := `job: memory: the live heap is 250 MiB; at 294 MiB the job stops ('state.overflow' = 'fail'), by the 400 MiB budget (from --max-memory); the largest state is query "totals" (job.sql:3:1) with 5000 groups` + "\n"
	if stderr.String() != want {
		t.Errorf("warning:\n%q\nwant\n%q", stderr, want)
	}
	h.live = 301 << 20
	err := s.mem.check()
	if err == nil {
		t.Fatal("no error past the action level")
	}
	msg := err.Error()
	for _, part := range []string{`memory budget exceeded: query "totals" (job.sql:3:1) holds 5000 groups, about 301 MiB;`,
		"the live heap is 301 MiB, over the 294 MiB the heap may use of the 400 MiB budget (from --max-memory);",
		"raise --max-memory, or set 'state.overflow' = 'spill' to keep state beyond the budget on disk"} {
		if !strings.Contains(msg, part) {
			t.Errorf("the error lacks %q:\n%s", part, msg)
		}
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("the error is not one line: %q", msg)
	}
	if w.peak.Load() != 301<<20 {
		t.Errorf("peak %d", w.peak.Load())
	}
}

// TestMemWatchSpill: past the action level, a spilling job moves the source's groups to the store and waits for
// two collections before it acts again; when spilling did not bring the heap under the hard level, it fails.
func TestMemWatchSpill(t *testing.T) {
	w, s, g, h, stderr := watchedSource(t, 400<<20, true, 5000)
	usable := uint64(400<<20 - baseReserve - storeMemory(400<<20) - spillSlack)
	h.live, h.cycles = usable*80/100, 10
	if err := s.mem.check(); err != nil {
		t.Fatal(err)
	}
	if g.Len() != 5000 || len(g.entries) != 0 || g.sp.stored != 5000 {
		t.Fatalf("after the spill: %d groups, %d in memory, %d stored", g.Len(), len(g.entries), g.sp.stored)
	}
	if g.sp.sh.limit != 2500 {
		t.Errorf("limit %d, want half of the 5000 groups held", g.sp.sh.limit)
	}
	if !regexp.MustCompile(`job: memory: query "totals" \(job.sql:3:1\) spills its state to .*velocc-state-.*: 5000 groups moved at a live heap of ` +
		mib(usable*80/100) + `, past the ` + mib(w.actAt) + ` the heap may use of the 400 MiB budget \(from --max-memory\)`).MatchString(stderr.String()) {
		t.Errorf("stderr:\n%s", stderr)
	}
	// The heap does not show the spill before two more collections: the groups come back meanwhile, and stay.
	for i := range 100 {
		if s, _ := g.Get(int64(i)); *s != int64(i) {
			t.Fatalf("group %d came back as %d", i, *s)
		}
	}
	h.live, h.cycles = usable*95/100, 11
	if err := s.mem.check(); err != nil || len(g.entries) != 100 {
		t.Fatalf("acted before the collections: %v, %d in memory", err, len(g.entries))
	}
	// Two collections later the heap is still over the hard level: spilling does not help.
	h.cycles = 12
	err := s.mem.check()
	if err == nil || !strings.Contains(err.Error(), `memory budget exceeded with state spilled to disk: query "totals" (job.sql:3:1) holds 5000 groups (100 in memory)`) ||
		!strings.Contains(err.Error(), "; raise --max-memory") || strings.Contains(err.Error(), "state.overflow") {
		t.Errorf("err = %v", err)
	}
	// Had it fallen below the action level in between, it would spill again instead.
	h.live = usable * 50 / 100
	if err := s.mem.check(); err != nil {
		t.Fatal(err)
	}
	h.live = usable * 95 / 100
	if err := s.mem.check(); err != nil || len(g.entries) != 0 {
		t.Errorf("second spill: %v, %d in memory", err, len(g.entries))
	}
	var b bytes.Buffer
	w.writeStats(&b)
	if !strings.HasPrefix(b.String(), "memory: budget 400 MiB (from --max-memory), live heap peak "+mib(usable*95/100)+", spilled 5100 groups (") {
		t.Errorf("stats: %q", b.String())
	}
}

// TestMemWatchSpillError: a store error stops the job at the next check.
func TestMemWatchSpillError(t *testing.T) {
	_, s, g, h, _ := watchedSource(t, 400<<20, true, 3000)
	h.live = 350 << 20
	if err := s.mem.check(); err != nil {
		t.Fatal(err)
	}
	g.sp.sh.store.(*memStore).fail = errors.New("disk full")
	s.counts.records.Store(0)
	h.live = 10 << 20
	g.Get(1) // brought back: the store fails
	err := s.mem.check()
	if err == nil || err.Error() != "spill store: disk full" {
		t.Errorf("err = %v", err)
	}
	if err := g.Each(func(*int64, *int64) error { return nil }); err == nil {
		t.Error("Each after a store error returned no error")
	}
}

// TestMemWatchResident: resident memory near the whole budget stops the job even with a small heap: memory
// outside the heap outgrew the reserves, and the kernel would kill the job next.
func TestMemWatchResident(t *testing.T) {
	for _, spill := range []bool{false, true} {
		_, s, _, h, _ := watchedSource(t, 400<<20, spill, 5000)
		h.live, h.resident = 10<<20, 379<<20
		if err := s.mem.check(); err != nil {
			t.Fatal(err)
		}
		h.resident = 381 << 20 // past 95%
		err := s.mem.check()
		want := `memory budget exceeded: the job's resident memory is 381 MiB, over 95% of the 400 MiB budget (from --max-memory), with a live heap of 10 MiB; ` +
			`the largest state is query "totals" (job.sql:3:1) with 5000 groups, about 10 MiB; raise --max-memory`
		if err == nil || err.Error() != want {
			t.Errorf("spill %v: err = %v", spill, err)
		}
	}
}

// TestMemWatchSpillsLargeStates: of the states a source feeds, those holding a good part of the memory spill; a
// small one keeps its groups, often its most used.
func TestMemWatchSpillsLargeStates(t *testing.T) {
	w, s, big, h, _ := watchedSource(t, 400<<20, true, 20000)
	small := NewGroups[int64, int64]()
	small.Label("recent", "job.sql:9:1")
	small.Spill(int64Codec, true)
	for i := range 100 {
		small.Get(int64(i))
	}
	s.Track(small)
	s.mem = nil
	w.watch(&runner{sources: []*Source{s}})
	h.live = 300 << 20
	if err := s.mem.check(); err != nil {
		t.Fatal(err)
	}
	if len(big.entries) != 0 || big.Len() != 20000 || small.sp != nil || len(small.entries) != 100 {
		t.Errorf("big: %d of %d in memory; small: spilling %v, %d in memory", len(big.entries), big.Len(), small.sp != nil, len(small.entries))
	}
}
