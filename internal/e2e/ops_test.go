package e2e

// A job's HTTP server (--http, 'job.http.address'; docs/operations.md): its metrics, parsed with Prometheus's own
// text parser (prometheus/common's expfmt), agree with the records the test wrote and, at exit, with the
// statistics the job prints; the probes and /status tell the job's phase; the status page, rendered by a real
// headless Chromium, shows the job's numbers.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/velocc/velocc/internal/kafkatest"
)

func init() {
	// A filter and a windowed count with EMIT CHANGES: a row per record, so that once every record is read the
	// counts stop moving (nothing is emitted on a tick), and the watermark and the window state have values. Bad
	// records go to a dead-letter topic (the test names it with --dead-letter).
	jobScripts["ops_kafka"] = `
CREATE STREAM orders (symbol VARCHAR, side VARCHAR, quantity BIGINT, price DECIMAL(10,2), event_time TIMESTAMP)
  WITH ('type'='kafka_source', 'event.time.field'='event_time', 'watermark.max_out_of_orderness'='2s',
        'on.error'='dead_letter', 'commit.interval'='200ms');
CREATE STREAM big AS SELECT symbol, quantity FROM orders WHERE quantity > 500 WITH ('big.type'='kafka_sink');
CREATE STREAM minutes AS
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW TUMBLING (event_time, INTERVAL '1' MINUTE) EMIT CHANGES
WITH ('minutes.type'='kafka_sink');
`
	// A file job that asks for its HTTP server in the script (port 0: any free port), with a table.
	jobScripts["ops_file"] = `
CREATE TABLE refs (sym VARCHAR PRIMARY KEY, name VARCHAR) WITH ('path' = 'ref.jsonl');
CREATE STREAM orders (sym VARCHAR, qty BIGINT) WITH ('path' = 'orders.jsonl', 'on.error' = 'skip');
CREATE STREAM named AS SELECT o.sym, r.name, o.qty FROM orders o JOIN refs r ON o.sym = r.sym
WITH ('named.path' = 'named.jsonl', 'job.http.address' = '127.0.0.1:0');
`
	// A file job that does not link the server.
	jobScripts["ops_plain"] = `
CREATE STREAM orders (sym VARCHAR, qty BIGINT) WITH ('path' = 'orders.jsonl');
CREATE STREAM copy AS SELECT sym, qty FROM orders WITH ('copy.path' = 'copy.jsonl');
`
}

// serving is the line a job prints when its HTTP server listens.
var serving = regexp.MustCompile(`serving metrics and status on (http://[0-9.:]+)/`)

// httpAddr waits for job p to say where it serves HTTP, and returns the base URL.
func httpAddr(t *testing.T, p *proc) string {
	t.Helper()
	var base string
	waitProgress(t, "the job's HTTP server", p, func() (int64, bool) {
		m := serving.FindStringSubmatch(p.log())
		if m != nil {
			base = m[1]
		}
		return 0, m != nil
	})
	return base
}

// get fetches base+path and returns the status code and the body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp.StatusCode, string(body)
}

// scrape is one parse of /metrics.
type scrape map[string]*dto.MetricFamily

// scrapeMetrics fetches /metrics and parses it with Prometheus's text parser.
func scrapeMetrics(t *testing.T, base string) scrape {
	t.Helper()
	code, body := get(t, base+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("GET /metrics: %d\n%s", code, body)
	}
	var p expfmt.TextParser
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics does not parse as Prometheus's text format: %v\n%s", err, body)
	}
	return fams
}

// value returns the value of the sample of family name whose labels include labels (name, value, ...), and
// whether there is one; for a histogram, its count.
func (s scrape) value(name string, labels ...string) (float64, bool) {
	f := s[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.GetMetric() {
		for i := 0; i+1 < len(labels); i += 2 {
			found := false
			for _, l := range m.GetLabel() {
				found = found || l.GetName() == labels[i] && l.GetValue() == labels[i+1]
			}
			if !found {
				continue next
			}
		}
		switch f.GetType() {
		case dto.MetricType_COUNTER:
			return m.GetCounter().GetValue(), true
		case dto.MetricType_GAUGE:
			return m.GetGauge().GetValue(), true
		case dto.MetricType_UNTYPED:
			return m.GetUntyped().GetValue(), true
		case dto.MetricType_HISTOGRAM:
			return float64(m.GetHistogram().GetSampleCount()), true
		}
	}
	return 0, false
}

// int returns value as an int64, failing the test when the sample is missing.
func (s scrape) int(t *testing.T, name string, labels ...string) int64 {
	t.Helper()
	v, ok := s.value(name, labels...)
	if !ok {
		t.Fatalf("/metrics has no %s%v", name, labels)
	}
	return int64(v)
}

// checkType fails the test unless family name has type typ.
func (s scrape) checkType(t *testing.T, name string, typ dto.MetricType) {
	t.Helper()
	if f := s[name]; f == nil || f.GetType() != typ {
		t.Errorf("/metrics: %s is %v, want a %v", name, f.GetType(), typ)
	}
}

// statsNumbers reads "name: read N, bad B, late L..." or "name: emitted N" from the job's exit statistics.
func statsNumbers(t *testing.T, stderr, name string) map[string]int64 {
	t.Helper()
	line := strings.TrimPrefix(statsLine(t, stderr, name), name+": ")
	out := map[string]int64{}
	for _, part := range regexp.MustCompile(`[;,] `).Split(line, -1) {
		i := strings.LastIndexByte(part, ' ')
		n, err := strconv.ParseInt(part[i+1:], 10, 64)
		if err != nil {
			t.Fatalf("statistics line %q: %v", line, err)
		}
		out[part[:i]] = n
	}
	return out
}

func TestOpsKafkaMetrics(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	in := kafkatest.NewTopic(t, brokers, 3)
	big, minutes, dlq := kafkatest.NewTopic(t, brokers, 1), kafkatest.NewTopic(t, brokers, 1), kafkatest.NewTopic(t, brokers, 1)
	orders := kafkaOrders(71, 4000, 5)
	recs := produceOrders(t, brokers, in, orders)
	bad := []*kgo.Record{{Key: []byte("X"), Value: []byte("not json")}, {Key: []byte("Y"), Value: []byte(`{"quantity":"lots"}`)}}
	kafkatest.Produce(t, brokers, in, bad...)
	read := int64(len(recs) + len(bad))
	wantBig := int64(0)
	for _, o := range orders {
		if o.qty > 500 {
			wantBig++
		}
	}

	p := startJob(t, "ops_kafka", "--brokers", brokers, "--group", "ops-"+in, "--source", "orders=kafka:"+in,
		"--sink", "big=kafka:"+big, "--sink", "minutes=kafka:"+minutes, "--dead-letter", "orders=kafka:"+dlq, "--http", "127.0.0.1:0")
	base := httpAddr(t, p)

	// Wait until the metrics show every record read, the rows they make emitted and no lag left.
	var last scrape
	waitProgress(t, "metrics catching up with the input", p, func() (int64, bool) {
		s := scrapeMetrics(t, base)
		last = s
		n, _ := s.value("velocc_source_records_read_total", "source", "orders")
		b, _ := s.value("velocc_sink_rows_emitted_total", "sink", "big")
		m, _ := s.value("velocc_sink_rows_emitted_total", "sink", "minutes")
		lag := int64(0)
		parts := 0
		if f := s["velocc_source_consumer_lag"]; f != nil {
			for _, x := range f.GetMetric() {
				lag += int64(x.GetGauge().GetValue())
				parts++
			}
		}
		commits, _ := s.value("velocc_source_commit_duration_seconds", "source", "orders")
		dead, _ := s.value("velocc_sink_deliveries_total", "sink", "orders.dead.letter")
		return int64(n + b + m + dead), int64(n) == read && int64(b) == wantBig && int64(m) == int64(len(orders)) && parts == 3 && lag == 0 &&
			commits > 0 && int(dead) == len(bad)
	})
	s := last
	for name, typ := range map[string]dto.MetricType{
		"velocc_source_records_read_total": dto.MetricType_COUNTER, "velocc_source_bytes_read_total": dto.MetricType_COUNTER,
		"velocc_sink_rows_emitted_total": dto.MetricType_COUNTER, "velocc_source_consumer_lag": dto.MetricType_GAUGE,
		"velocc_source_watermark_seconds": dto.MetricType_GAUGE, "velocc_state_groups": dto.MetricType_GAUGE,
		"go_goroutines": dto.MetricType_GAUGE, "velocc_source_record_latency_seconds": dto.MetricType_HISTOGRAM,
		"velocc_source_commit_duration_seconds": dto.MetricType_HISTOGRAM,
	} {
		s.checkType(t, name, typ)
	}
	if got := s.int(t, "velocc_source_records_bad_total", "source", "orders"); got != int64(len(bad)) {
		t.Errorf("bad records: %d, want %d", got, len(bad))
	}
	if got := s.int(t, "velocc_source_records_dead_lettered_total", "source", "orders"); got != int64(len(bad)) {
		t.Errorf("dead-lettered records: %d, want %d", got, len(bad))
	}
	if got := s.int(t, "velocc_sink_rows_emitted_total", "sink", "orders.dead.letter"); got != int64(len(bad)) {
		t.Errorf("dead letters written: %d, want %d", got, len(bad))
	}
	if got := s.int(t, "velocc_source_records_late_total", "source", "orders"); got != 0 {
		t.Errorf("late records: %d, want 0 (jitter 500 ms, out-of-orderness 2 s)", got)
	}
	var bytes int64
	for _, r := range recs {
		bytes += int64(len(r.Value))
	}
	for _, r := range bad {
		bytes += int64(len(r.Value))
	}
	if got := s.int(t, "velocc_source_bytes_read_total", "source", "orders"); got != bytes {
		t.Errorf("bytes read: %d, want %d", got, bytes)
	}
	maxTS := int64(0)
	for _, o := range orders {
		maxTS = max(maxTS, o.ts)
	}
	if wm, ok := s.value("velocc_source_watermark_seconds", "source", "orders"); !ok || int64(wm*1000+0.5) > maxTS-2000 || int64(wm*1000+0.5) < maxTS-2000-500 {
		t.Errorf("watermark %v s; want the newest event time less 2 s of out-of-orderness, about %d ms", wm, maxTS-2000)
	}
	if g := s.int(t, "velocc_state_groups", "query", "minutes"); g < 20 {
		t.Errorf("groups of minutes: %d, want the 20 symbols in the open windows at least", g)
	}
	if n := s.int(t, "velocc_source_record_latency_seconds", "source", "orders"); n != read/64 {
		t.Errorf("latency measured on %d records; want one in 64 of %d, %d", n, read, read/64)
	}
	if r := s.int(t, "velocc_job_ready"); r != 1 {
		t.Errorf("velocc_job_ready %d while running", r)
	}

	// The probes and /status.
	if code, body := get(t, base+"/healthz"); code != http.StatusOK {
		t.Errorf("GET /healthz: %d %s", code, body)
	}
	if code, body := get(t, base+"/readyz"); code != http.StatusOK || body != "ready\n" {
		t.Errorf("GET /readyz: %d %q", code, body)
	}
	_, body := get(t, base+"/status")
	var st struct {
		Phase   string `json:"phase"`
		SQL     string `json:"sql"`
		Plan    string `json:"plan"`
		Sources []struct {
			Name string `json:"name"`
			Read int64  `json:"read"`
			Lag  []struct {
				Partition   int32
				Offset, End int64
			} `json:"lag"`
		} `json:"sources"`
	}
	if err := json.Unmarshal([]byte(body), &st); err != nil {
		t.Fatalf("/status is not JSON: %v\n%s", err, body)
	}
	if st.Phase != "running" || !strings.Contains(st.SQL, "CREATE STREAM minutes") || !strings.Contains(st.Plan, "query minutes (") || len(st.Sources) != 1 ||
		st.Sources[0].Read != read || len(st.Sources[0].Lag) != 3 {
		t.Errorf("/status: %s", body)
	}

	// At exit the statistics equal the last scrape: nothing was read or emitted since.
	p.stop(t, syscall.SIGTERM)
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("exit %d after SIGTERM:\n%s", code, p.log())
	}
	stats := statsNumbers(t, p.log(), "orders")
	for key, metric := range map[string]string{"read": "velocc_source_records_read_total", "bad": "velocc_source_records_bad_total", "late": "velocc_source_records_late_total"} {
		if got := s.int(t, metric, "source", "orders"); got != stats[key] {
			t.Errorf("%s: %d in /metrics, %d in the exit statistics", metric, got, stats[key])
		}
	}
	for _, sink := range []string{"big", "minutes", "orders.dead.letter"} {
		if got, want := s.int(t, "velocc_sink_rows_emitted_total", "sink", sink), statsNumbers(t, p.log(), sink)["emitted"]; got != want {
			t.Errorf("%s: emitted %d in /metrics, %d in the exit statistics", sink, got, want)
		}
	}
	if got := len(kafkatest.ConsumeAll(t, brokers, big)); int64(got) != wantBig {
		t.Errorf("topic big holds %d rows; want %d", got, wantBig)
	}
	if got := len(kafkatest.ConsumeAll(t, brokers, dlq)); got != len(bad) {
		t.Errorf("the dead-letter topic holds %d messages; want %d", got, len(bad))
	}
}

func TestOpsFile(t *testing.T) {
	needBuild(t)
	dir := t.TempDir()
	var ref, ord strings.Builder
	for i := range 50 {
		fmt.Fprintf(&ref, `{"sym":"S%d","name":"name %d"}`+"\n", i, i)
	}
	const n = 3000
	for i := range n {
		fmt.Fprintf(&ord, `{"sym":"S%d","qty":%d}`+"\n", i%60, i) // S50..S59 are not in the table
	}
	ord.WriteString("oops\n")
	writeFile(t, dir, "ref.jsonl", []byte(ref.String()))
	writeFile(t, dir, "orders.jsonl", []byte(ord.String()))

	p := startJobIn(t, "ops_file", dir)
	base := httpAddr(t, p)
	var s scrape
	waitProgress(t, "the file read", p, func() (int64, bool) {
		s = scrapeMetrics(t, base)
		v, _ := s.value("velocc_source_records_read_total", "source", "orders")
		return int64(v), int64(v) == n+1
	})
	if rows := s.int(t, "velocc_table_rows", "table", "refs"); rows != 50 {
		t.Errorf("velocc_table_rows{table=refs} %d, want 50", rows)
	}
	if l := s.int(t, "velocc_table_loaded", "table", "refs"); l != 1 {
		t.Errorf("velocc_table_loaded{table=refs} %d, want 1", l)
	}
	if b := s.int(t, "velocc_source_records_bad_total", "source", "orders"); b != 1 {
		t.Errorf("bad records %d, want 1", b)
	}
	if code, body := get(t, base+"/readyz"); code != http.StatusOK {
		t.Errorf("GET /readyz: %d %q", code, body)
	}
	code, page := get(t, base+"/")
	if code != http.StatusOK || !strings.Contains(page, "<title>") {
		t.Errorf("GET /: %d\n%s", code, page)
	}
	browserShows(t, base, "ops_file", "orders", "3,001")

	p.stop(t, syscall.SIGTERM)
	stats := statsNumbers(t, p.log(), "orders")
	if got := s.int(t, "velocc_source_records_read_total", "source", "orders"); got != stats["read"] {
		t.Errorf("read %d in /metrics, %d in the exit statistics", got, stats["read"])
	}
	if got, want := s.int(t, "velocc_sink_rows_emitted_total", "sink", "named"), statsNumbers(t, p.log(), "named")["emitted"]; got != want {
		t.Errorf("named: emitted %d in /metrics, %d in the exit statistics", got, want)
	}
}

// TestOpsNotLinked: a file job that does not ask for the server in its script leaves it out, and says so when
// asked for it on the command line.
func TestOpsNotLinked(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "orders.jsonl", []byte(`{"sym":"A","qty":1}`+"\n"))
	res := runJob(t, "ops_plain", dir, "--bounded", "--http", "127.0.0.1:0")
	if res.Code != 2 || !strings.Contains(res.Stderr, "built without its HTTP server") {
		t.Errorf("--http on a job without the server: exit %d, stderr:\n%s", res.Code, res.Stderr)
	}
	res = runJob(t, "ops_plain", dir, "--bounded", "--http", "nonsense")
	if res.Code != 2 || !strings.Contains(res.Stderr, "flag --http wants HOST:PORT") {
		t.Errorf("--http nonsense: exit %d, stderr:\n%s", res.Code, res.Stderr)
	}
}

// browserShows renders the status page at base in headless Chromium and checks that it shows the job's name and,
// in the table of sources, source with its count of records read (as the page formats it: "3,001"). Without
// Chromium the check is skipped, unless VELOCC_TEST_REQUIRE_BROWSER=1 (as 'make test' sets it).
func browserShows(t *testing.T, base, job, source, read string) {
	t.Helper()
	chrome := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			chrome = p
			break
		}
	}
	if chrome == "" {
		if os.Getenv("VELOCC_TEST_REQUIRE_BROWSER") == "1" {
			t.Fatal("no Chromium for the status page's test: apt-get install chromium")
		}
		t.Log("no Chromium: the status page is not rendered")
		return
	}
	// The page polls /status once a second; a virtual time budget lets its first poll and render run.
	profile := filepath.Join(t.TempDir(), "profile")
	cmd := exec.Command(chrome, "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir="+profile,
		"--virtual-time-budget=10000", "--dump-dom", base+"/")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s --dump-dom: %v", chrome, err)
	}
	dom := string(out)
	row := regexp.MustCompile(`<tr><td>` + regexp.QuoteMeta(source) + `</td><td class="text">[^<]*</td><td>([^<]*)</td>`).FindStringSubmatch(dom)
	if !strings.Contains(dom, `<h1 id="job">`+job+`</h1>`) || row == nil || row[1] != read {
		t.Errorf("the status page as Chromium renders it does not show job %q with source %q at %s records read:\n%s", job, source, read, dom)
	}
}
