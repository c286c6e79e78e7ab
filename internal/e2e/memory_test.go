package e2e

// The memory budget: a job whose state outgrows its budget either finishes with the right rows (state.overflow
// 'spill', state kept on disk) or stops with a message naming the query, the heap and the budget ('fail'), and is
// never killed for running out of memory. The budget comes from --max-memory, and from a real memory-limited
// cgroup (v1) the job is started in.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/velocc/velocc/internal/kafkatest"
)

// memScript is a job with three grouped queries over one source: EMIT FINAL grouped by a VARCHAR, EMIT CHANGES
// over a million distinct BIGINT keys with a VARCHAR and a DISTINCT count in their state (most of the job's
// memory), and a windowed EMIT FINAL with a DISTINCT sum. with is added to the first query's WITH.
func memScript(with string) string {
	return `CREATE STREAM ev (id BIGINT NOT NULL, name VARCHAR NOT NULL, tag VARCHAR, v BIGINT NOT NULL, px DOUBLE, ts TIMESTAMP NOT NULL)
  WITH ('path' = 'ev.jsonl', 'event.time.field' = 'ts');
CREATE STREAM by_name AS SELECT name, COUNT(*) AS n, SUM(v) AS total, MIN(px) AS lo
  FROM ev GROUP BY name EMIT FINAL
  WITH ('by_name.path' = 'by_name.jsonl'` + with + `);
CREATE STREAM by_id AS SELECT id, COUNT(*) AS n, MAX(v) AS hi, MIN(name) AS who, COUNT(DISTINCT tag) AS tags
  FROM ev GROUP BY id EMIT CHANGES
  WITH ('by_id.path' = 'by_id.jsonl');
CREATE STREAM windowed AS SELECT name, TUMBLE_START(ts, INTERVAL '5' MINUTE) AS ws, COUNT(*) AS n, SUM(DISTINCT v) AS dv
  FROM ev GROUP BY name WINDOW TUMBLING(ts, INTERVAL '5' MINUTE) EMIT FINAL
  WITH ('windowed.path' = 'windowed.jsonl');
`
}

func init() {
	jobScripts["mem_spill"] = memScript(", 'state.overflow' = 'spill'")
	jobScripts["mem_fail"] = memScript("")
}

// memOutputs are the files the memory jobs write.
var memOutputs = []string{"by_name.jsonl", "by_id.jsonl", "windowed.jsonl"}

// memEvent is one record of the memory jobs' input.
type memEvent struct {
	id     int64
	name   string
	tag    string // "" is NULL
	v      int64
	px     float64
	pxNull bool
	ts     int64
}

const (
	memEvents = 1_200_000 // about 1,020,000 distinct ids, 250,000 names, 4 windows of 5 minutes
	memWindow = 300_000
	memBudget = "160" // MiB for --max-memory: a fraction of what the job needs without a budget
	// memCgroupLimit is the memory limit of the cgroup the job runs in: below what it needs without one.
	memCgroupLimit = 160 << 20
)

// genMemEvents makes the input: ids mostly new (some repeat an earlier one), names from a pool, one event per
// millisecond.
func genMemEvents() []memEvent {
	rng := rand.New(rand.NewPCG(42, 9))
	evs := make([]memEvent, memEvents)
	for i := range evs {
		e := memEvent{id: int64(i), v: rng.Int64N(2000) - 1000, ts: 1_700_000_000_000 + int64(i)}
		if i > 0 && rng.IntN(100) < 15 {
			e.id = evs[rng.IntN(i)].id
		}
		e.name = fmt.Sprintf("customer-%06d-%s", rng.IntN(250_000), "eu-west")
		if rng.IntN(10) > 0 {
			e.tag = "t" + strconv.Itoa(rng.IntN(6))
		}
		e.px, e.pxNull = float64(rng.IntN(800_000))/8, rng.IntN(20) == 0
		evs[i] = e
	}
	return evs
}

func memJSONL(evs []memEvent) []byte {
	var b bytes.Buffer
	for _, e := range evs {
		fmt.Fprintf(&b, `{"id":%d,"name":%q,`, e.id, e.name)
		if e.tag != "" {
			fmt.Fprintf(&b, `"tag":%q,`, e.tag)
		}
		if !e.pxNull {
			fmt.Fprintf(&b, `"px":%s,`, strconv.FormatFloat(e.px, 'g', -1, 64))
		}
		fmt.Fprintf(&b, `"v":%d,"ts":%d}`+"\n", e.v, e.ts)
	}
	return b.Bytes()
}

// memOracle computes each output file's rows, in order, from the events: plain Go maps, no velocc code.
func memOracle(evs []memEvent) map[string][]string {
	out := map[string][]string{}
	type nameAgg struct {
		n, total int64
		lo       *float64
	}
	byName := map[string]*nameAgg{}
	var names []string
	type idAgg struct {
		n, hi int64
		who   string
		tags  map[string]bool
	}
	byID := map[int64]*idAgg{}
	type winAgg struct {
		n  int64
		vs map[int64]bool
	}
	var windows []map[string]*winAgg
	var winNames [][]string
	var winStarts []int64
	for _, e := range evs {
		a := byName[e.name]
		if a == nil {
			a = &nameAgg{}
			byName[e.name] = a
			names = append(names, e.name)
		}
		a.n++
		a.total += e.v
		if !e.pxNull && (a.lo == nil || e.px < *a.lo) {
			a.lo = &e.px
		}

		b := byID[e.id]
		if b == nil {
			b = &idAgg{hi: e.v, who: e.name, tags: map[string]bool{}}
			byID[e.id] = b
		}
		b.n++
		b.hi, b.who = max(b.hi, e.v), min(b.who, e.name)
		if e.tag != "" {
			b.tags[e.tag] = true
		}
		out["by_id.jsonl"] = append(out["by_id.jsonl"], fmt.Sprintf("id=%d n=%d hi=%d who=%s tags=%d", e.id, b.n, b.hi, b.who, len(b.tags)))

		start := e.ts - e.ts%memWindow
		if len(winStarts) == 0 || winStarts[len(winStarts)-1] != start {
			winStarts = append(winStarts, start)
			windows = append(windows, map[string]*winAgg{})
			winNames = append(winNames, nil)
		}
		w := windows[len(windows)-1]
		c := w[e.name]
		if c == nil {
			c = &winAgg{vs: map[int64]bool{}}
			w[e.name] = c
			winNames[len(winNames)-1] = append(winNames[len(winNames)-1], e.name)
		}
		c.n++
		c.vs[e.v] = true
	}
	for _, name := range names {
		a := byName[name]
		lo := "null"
		if a.lo != nil {
			lo = strconv.FormatFloat(*a.lo, 'g', -1, 64)
		}
		out["by_name.jsonl"] = append(out["by_name.jsonl"], fmt.Sprintf("name=%s n=%d total=%d lo=%s", name, a.n, a.total, lo))
	}
	for i, start := range winStarts {
		for _, name := range winNames[i] {
			c := windows[i][name]
			dv := int64(0)
			for v := range c.vs {
				dv += v
			}
			out["windowed.jsonl"] = append(out["windowed.jsonl"], fmt.Sprintf("name=%s ws=%d n=%d dv=%d", name, start, c.n, dv))
		}
	}
	return out
}

// memRows parses an output file of the memory jobs into the oracle's form.
func memRows(t *testing.T, file, text string) []string {
	t.Helper()
	var rows []string
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r struct {
			ID, N, Total, Tags, Hi, WS, DV int64
			Name, Who                      string
			Lo                             *float64
		}
		d := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		d.DisallowUnknownFields()
		if err := d.Decode(&r); err != nil {
			t.Fatalf("%s: %v: %s", file, err, sc.Text())
		}
		switch file {
		case "by_name.jsonl":
			lo := "null"
			if r.Lo != nil {
				lo = strconv.FormatFloat(*r.Lo, 'g', -1, 64)
			}
			rows = append(rows, fmt.Sprintf("name=%s n=%d total=%d lo=%s", r.Name, r.N, r.Total, lo))
		case "by_id.jsonl":
			rows = append(rows, fmt.Sprintf("id=%d n=%d hi=%d who=%s tags=%d", r.ID, r.N, r.Hi, r.Who, r.Tags))
		default:
			rows = append(rows, fmt.Sprintf("name=%s ws=%d n=%d dv=%d", r.Name, r.WS, r.N, r.DV))
		}
	}
	return rows
}

// memRun is one run of a memory job: its result, and the signal that killed it, if one did.
type memRun struct {
	Result
	signal string
}

// runMem runs job in a fresh directory under parent with the input, with env added to the environment, through
// wrap (a command and arguments that end by exec'ing the job), and returns the run and the directory.
func runMem(t *testing.T, parent, name, input string, env, wrap []string, args ...string) (memRun, string) {
	t.Helper()
	needBuild(t)
	dir, err := os.MkdirTemp(parent, name+"-")
	if err != nil {
		t.Fatal(err)
	}
	argv := append(append(append([]string(nil), wrap...), bins[name], "--bounded", "--source", "ev=file:"+input), args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), PoisonEnv), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	var run memRun
	run.Stdout, run.Stderr = stdout.String(), stderr.String()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		run.Code = exit.ExitCode()
	case err != nil:
		t.Fatalf("running %s: %v", name, err)
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		run.signal = ws.Signal().String()
	}
	return run, dir
}

// TestMemoryBudget: under a budget far below its need, the job spills and writes exactly the rows of a run
// without a budget, which are the oracle's; with 'state.overflow' = 'fail' it stops with the message; asked to
// spill by flag when built without the store, it refuses to start. The same in a memory-limited cgroup.
func TestMemoryBudget(t *testing.T) {
	needBuild(t)
	tmp := t.TempDir()
	evs := genMemEvents()
	input := filepath.Join(tmp, "ev.jsonl")
	if err := os.WriteFile(input, memJSONL(evs), 0o666); err != nil {
		t.Fatal(err)
	}
	want := memOracle(evs)
	evs = nil

	// The run without a budget reports its collections (gctrace): the largest live heap is what the job needs at
	// least. (Not its peak RSS: the kernel counts a child's from the peak of the process it was forked from.)
	ref, refDir := runMem(t, tmp, "mem_spill", input, []string{"GODEBUG=gctrace=1"}, nil)
	if ref.Code != 0 {
		t.Fatalf("without a budget: exit %d\n%s", ref.Code, ref.Stderr)
	}
	need := 0
	for _, m := range regexp.MustCompile(`\d+->\d+->(\d+) MB`).FindAllStringSubmatch(ref.Stderr, -1) {
		need = max(need, atoi(t, m[1]))
	}
	refOut := map[string]string{}
	for _, f := range memOutputs {
		refOut[f] = readFile(t, refDir, f)
		if got := memRows(t, f, refOut[f]); !equalRows(got, want[f]) {
			t.Fatalf("without a budget, %s differs from the oracle: %s", f, rowsDiff(got, want[f]))
		}
	}
	t.Logf("without a budget: a live heap of %d MB at most; %d, %d and %d rows", need, len(want["by_name.jsonl"]), len(want["by_id.jsonl"]), len(want["windowed.jsonl"]))

	// spilled checks a run that spilled: the rows of the run without a budget, byte for byte, and the spill
	// directory gone.
	spilled := func(t *testing.T, run memRun, dir, stateDir string) {
		t.Helper()
		if run.Code != 0 || run.signal != "" {
			t.Fatalf("exit %d (signal %q)\n%s", run.Code, run.signal, run.Stderr)
		}
		for _, f := range memOutputs {
			if got := readFile(t, dir, f); got != refOut[f] {
				t.Errorf("%s differs from the run without a budget: %s", f, firstDiff(refOut[f], got))
			}
		}
		if !regexp.MustCompile(`memory: budget \d+ MiB \(from .*\), live heap peak \d+ MiB, spilled [1-9]\d* groups \(\d+ MiB written\), brought back [1-9]\d*\n`).MatchString(run.Stderr) {
			t.Errorf("the statistics do not show groups spilled and brought back:\n%s", run.Stderr)
		}
		for _, q := range []string{"by_name", "by_id", "windowed"} {
			if !strings.Contains(run.Stderr, `mem_spill: memory: query "`+q+`" (mem_spill.sql:`) {
				t.Errorf("query %s did not spill:\n%s", q, run.Stderr)
			}
		}
		if stateDir != "" {
			if left, _ := os.ReadDir(stateDir); len(left) > 0 {
				t.Errorf("the spill store was left in %s: %v", stateDir, left)
			}
		}
	}
	failed := func(t *testing.T, run memRun, budget string) {
		t.Helper()
		if run.Code != 1 || run.signal != "" {
			t.Fatalf("exit %d (signal %q), want 1\n%s", run.Code, run.signal, run.Stderr)
		}
		msg := regexp.MustCompile(`(?m)^mem_fail: memory budget exceeded: query "by_id" \(mem_fail.sql:6:1\) holds \d+ groups, about \d+ MiB; ` +
			`the live heap is (\d+) MiB, over the (\d+) MiB the heap may use of the (\d+) MiB budget \(from ` + budget + `\); ` +
			`raise .*, or set 'state.overflow' = 'spill' to keep state beyond the budget on disk$`).FindStringSubmatch(run.Stderr)
		if msg == nil {
			t.Fatalf("no memory message:\n%s", run.Stderr)
		}
		if !strings.Contains(run.Stderr, "mem_fail: memory: the live heap is ") {
			t.Errorf("no warning before the failure:\n%s", run.Stderr)
		}
		live, level, total := atoi(t, msg[1]), atoi(t, msg[2]), atoi(t, msg[3])
		if live < level || level >= total {
			t.Errorf("live heap %d MiB, level %d MiB, budget %d MiB", live, level, total)
		}
	}

	t.Run("spill", func(t *testing.T) {
		stateDir := filepath.Join(tmp, "state")
		run, dir := runMem(t, tmp, "mem_spill", input, nil, nil, "--max-memory", memBudget, "--state-dir", stateDir)
		spilled(t, run, dir, stateDir)
	})
	t.Run("fail", func(t *testing.T) {
		run, _ := runMem(t, tmp, "mem_fail", input, nil, nil, "--max-memory", memBudget)
		failed(t, run, "--max-memory")
	})
	t.Run("spill by flag without the store", func(t *testing.T) {
		run, _ := runMem(t, tmp, "mem_fail", input, nil, nil, "--state-overflow", "spill")
		if run.Code != 2 || !strings.Contains(run.Stderr, "mem_fail: --state-overflow spill: this job was built without the spill store; set 'state.overflow' = 'spill' in a query's WITH and build it again") {
			t.Errorf("exit %d\n%s", run.Code, run.Stderr)
		}
	})
	t.Run("cgroup", func(t *testing.T) {
		if need<<20 <= memCgroupLimit {
			t.Fatalf("the job needs %d MB without a budget, no more than the cgroup's %d MiB: the test proves nothing", need, memCgroupLimit>>20)
		}
		for _, tc := range []struct{ name, job string }{{"spill", "mem_spill"}, {"fail", "mem_fail"}} {
			t.Run(tc.name, func(t *testing.T) {
				cg := memoryCgroup(t, memCgroupLimit)
				run, dir := runMem(t, tmp, tc.job, input, nil, []string{"sh", "-c", `echo $$ > "$0/cgroup.procs" && exec "$@"`, cg})
				ooms := cgroupOOMKills(t, cg)
				t.Logf("in a cgroup of %d MiB: exit %d, cgroup peak %s MiB (with page cache), limit hits %s, OOM kills %d",
					memCgroupLimit>>20, run.Code, cgroupValue(cg, "memory.max_usage_in_bytes", 20), cgroupValue(cg, "memory.failcnt", 0), ooms)
				if run.signal != "" || ooms > 0 {
					t.Fatalf("killed: signal %q, %d OOM kills in the cgroup\n%s", run.signal, ooms, run.Stderr)
				}
				budget := regexp.QuoteMeta("the cgroup limit " + filepath.Join(cg, "memory.limit_in_bytes"))
				if tc.job == "mem_spill" {
					if !regexp.MustCompile(fmt.Sprintf(`memory: budget %d MiB \(from `, memCgroupLimit>>20) + budget + `\)`).MatchString(run.Stderr) {
						t.Errorf("the budget is not the cgroup's:\n%s", run.Stderr)
					}
					spilled(t, run, dir, "")
				} else {
					failed(t, run, budget)
				}
			})
		}
	})
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func equalRows(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func rowsDiff(got, want []string) string {
	for i := 0; i < len(got) && i < len(want); i++ {
		if got[i] != want[i] {
			return fmt.Sprintf("row %d: got %s, want %s", i+1, got[i], want[i])
		}
	}
	return fmt.Sprintf("%d rows, want %d", len(got), len(want))
}

// memoryCgroup creates a cgroup v1 memory controller group with a limit of limit bytes, inside the test's own
// memory cgroup, removed at the end of the test. It skips the test, saying why, when the machine has none that
// can be created (cgroup v2 only, no root, a read-only /sys/fs/cgroup).
func memoryCgroup(t *testing.T, limit int64) string {
	t.Helper()
	mount, own := "", "/"
	if data, err := os.ReadFile("/proc/self/cgroup"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if parts := strings.SplitN(line, ":", 3); len(parts) == 3 && (parts[1] == "memory" || strings.Contains(","+parts[1]+",", ",memory,")) {
				own = parts[2]
			}
		}
	}
	if data, err := os.ReadFile("/proc/self/mountinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			f := strings.Fields(line)
			if n := len(f); n >= 10 && f[n-3] == "cgroup" && strings.Contains(","+f[n-1]+",", ",memory,") && f[3] == "/" {
				mount = f[4]
			}
		}
	}
	if mount == "" {
		t.Skip("no cgroup v1 memory controller is mounted (with its root at /); this test needs one to limit a job's memory")
	}
	dir := filepath.Join(mount, own, fmt.Sprintf("velocc-e2e-%d-%s", os.Getpid(), strings.ReplaceAll(t.Name(), "/", "-")))
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Skipf("cannot create a memory cgroup (needs root and a writable %s): %v", mount, err)
	}
	t.Cleanup(func() {
		if err := os.Remove(dir); err != nil {
			t.Errorf("removing the cgroup: %v", err)
		}
	})
	for _, f := range []string{"memory.limit_in_bytes", "memory.memsw.limit_in_bytes"} {
		err := os.WriteFile(filepath.Join(dir, f), []byte(strconv.FormatInt(limit, 10)), 0o644)
		if err != nil && f == "memory.limit_in_bytes" {
			t.Skipf("cannot limit the memory of cgroup %s: %v", dir, err)
		}
	}
	return dir
}

// cgroupOOMKills returns the count of processes the kernel killed in cgroup dir for running out of memory.
func cgroupOOMKills(t *testing.T, dir string) int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "memory.oom_control"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "oom_kill "); ok {
			return atoi(t, v)
		}
	}
	t.Fatalf("memory.oom_control has no oom_kill count:\n%s", data)
	return 0
}

// cgroupValue reads a number of a cgroup's file, shifted right by shift, as text ("?" if unreadable).
func cgroupValue(dir, file string, shift uint) string {
	data, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		return "?"
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
	if err != nil {
		return "?"
	}
	return strconv.FormatInt(n>>shift, 10)
}

func init() {
	// A Kafka source feeding a running total per name (EMIT CHANGES, spilled unordered) and per-minute counts
	// (windowed EMIT FINAL, which lets the source commit as windows close).
	jobScripts["mem_kafka"] = `
CREATE STREAM ev (name VARCHAR NOT NULL, v BIGINT NOT NULL, ts TIMESTAMP NOT NULL)
  WITH ('type' = 'kafka_source', 'event.time.field' = 'ts', 'commit.interval' = '100ms');
CREATE STREAM totals AS SELECT name, COUNT(*) AS n, SUM(v) AS total FROM ev GROUP BY name EMIT CHANGES
  WITH ('totals.path' = 'totals.jsonl', 'state.overflow' = 'spill');
CREATE STREAM minutes AS SELECT name, TUMBLE_START(ts, INTERVAL '1' MINUTE) AS ws, COUNT(*) AS n FROM ev
  GROUP BY name WINDOW TUMBLING(ts, INTERVAL '1' MINUTE) EMIT FINAL
  WITH ('minutes.path' = 'minutes.jsonl');
`
}

// TestMemoryKafka: on a Kafka source, a job over its budget under 'fail' stops with the message and commits no
// offset its state still needed (the unwindowed totals need every record from the first); under 'spill' it
// writes the oracle's rows and, having finished, commits everything.
func TestMemoryKafka(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	topic := kafkatest.NewTopic(t, brokers, 1)
	rng := rand.New(rand.NewPCG(7, 7))
	const n = 500_000
	type ev struct {
		name  string
		v, ts int64
	}
	evs := make([]ev, n)
	recs := make([]*kgo.Record, n)
	for i := range evs {
		e := ev{name: fmt.Sprintf("account-%07d", rng.IntN(400_000)), v: rng.Int64N(100), ts: 1_700_000_000_000 + int64(i)}
		evs[i] = e
		recs[i] = &kgo.Record{Value: fmt.Appendf(nil, `{"name":%q,"v":%d,"ts":%d}`, e.name, e.v, e.ts)}
	}
	kafkatest.Produce(t, brokers, topic, recs...)
	recs = nil

	// The oracle: a running total per record, in order; per minute, the names in first-seen order.
	var totals, minutes []string
	type acc struct{ n, total int64 }
	byName := map[string]*acc{}
	var win map[string]*acc
	var winNames []string
	winStart := int64(-1)
	closeWin := func() {
		for _, name := range winNames {
			minutes = append(minutes, fmt.Sprintf(`{"name":%q,"ws":%d,"n":%d}`, name, winStart, win[name].n))
		}
	}
	for _, e := range evs {
		a := byName[e.name]
		if a == nil {
			a = &acc{}
			byName[e.name] = a
		}
		a.n++
		a.total += e.v
		totals = append(totals, fmt.Sprintf(`{"name":%q,"n":%d,"total":%d}`, e.name, a.n, a.total))
		if start := e.ts - e.ts%60000; start != winStart {
			closeWin()
			win, winNames, winStart = map[string]*acc{}, nil, start
		}
		if win[e.name] == nil {
			win[e.name] = &acc{}
			winNames = append(winNames, e.name)
		}
		win[e.name].n++
	}
	closeWin()

	// Budgets below what the job needs (a live heap near 60 MiB without one): 64 MiB to fail, and 100 MiB, which
	// leaves the heap about 50 MiB besides the spill store's memory, to spill.
	args := func(group, budget string) []string {
		return []string{"--bounded", "--brokers", brokers, "--group", group, "--source", "ev=kafka:" + topic, "--max-memory", budget}
	}
	t.Run("fail", func(t *testing.T) {
		res := runJob(t, "mem_kafka", t.TempDir(), append(args("fail-"+topic, "64"), "--state-overflow", "fail")...)
		if res.Code != 1 || !regexp.MustCompile(`(?m)^mem_kafka: memory budget exceeded: query "totals" \(mem_kafka.sql:4:1\) holds \d+ groups`).MatchString(res.Stderr) {
			t.Fatalf("exit %d\n%s", res.Code, res.Stderr)
		}
		for p, o := range kafkatest.CommittedOffsets(t, brokers, "fail-"+topic, topic) {
			if o != 0 {
				t.Errorf("partition %d: offset %d committed, past the first record the totals still needed", p, o)
			}
		}
	})
	t.Run("spill", func(t *testing.T) {
		dir := t.TempDir()
		res := runJob(t, "mem_kafka", dir, args("spill-"+topic, "100")...)
		if res.Code != 0 || !strings.Contains(res.Stderr, `mem_kafka: memory: query "totals" (mem_kafka.sql:4:1) spills its state to `) {
			t.Fatalf("exit %d\n%s", res.Code, res.Stderr)
		}
		for _, out := range []struct {
			file string
			want []string
		}{{"totals.jsonl", totals}, {"minutes.jsonl", minutes}} {
			got := strings.Split(strings.TrimSuffix(readFile(t, dir, out.file), "\n"), "\n")
			if !equalRows(got, out.want) {
				t.Errorf("%s differs from the oracle: %s", out.file, rowsDiff(got, out.want))
			}
		}
		if c := kafkatest.CommittedOffsets(t, brokers, "spill-"+topic, topic); c[0] != n {
			t.Errorf("committed %v, want %d: the job finished", c, n)
		}
	})
}
