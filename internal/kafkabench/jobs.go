// The velocc contenders: their scripts, building them into job binaries, and running one to the end of its input.

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/velocc/velocc/codegen"
	"github.com/velocc/velocc/compiler"
	"github.com/velocc/velocc/internal/benchdoc"
	"github.com/velocc/velocc/internal/e2e"
)

// job is a velocc contender: the script, and the names of its Kafka source and sink, which the command line
// points at the run's topics.
type job struct {
	name   string // the binary's name, also the script's base name
	source string
	sink   string
	script string
}

// statelessSQL filters and projects each order: decode, WHERE, DECIMAL arithmetic, CASE, encode.
const statelessSQL = `CREATE STREAM orders (symbol VARCHAR, side VARCHAR, quantity BIGINT, price DECIMAL(12,4), event_time TIMESTAMP) WITH ('type'='kafka_source', 'event.time.field'='event_time');
CREATE STREAM big AS SELECT symbol, side, quantity, price, price * quantity AS notional, CASE WHEN quantity > 1000 THEN 'large' ELSE 'small' END AS size FROM orders WHERE quantity > 100 WITH ('big.type'='kafka_sink');
`

// restoreSQL counts and sums the orders of each account, a group per account that the restore measurement makes a
// million of. Its state goes to a changelog topic, which the job reads back when it starts.
const restoreSQL = `CREATE STREAM orders (account VARCHAR, quantity BIGINT) WITH ('type'='kafka_source');
CREATE STREAM totals AS SELECT account, COUNT(*) AS n, SUM(quantity) AS q FROM orders GROUP BY account EMIT CHANGES
WITH ('totals.type'='kafka_sink');
`

// restoreJob is the job of the restore measurement; its rows go nowhere (--sink totals=none:).
var restoreJob = job{name: "restore", source: "orders", sink: "totals", script: restoreSQL}

// orderflowPath is the order-flow query of the trading example, relative to the repository's root.
const orderflowPath = "examples/trading/orderflow.sql"

var (
	fileSourceRE = regexp.MustCompile(`'type'\s*=\s*'file_source'\s*,\s*'path'\s*=\s*'[^']*'\s*,`)
	emitFinalRE  = regexp.MustCompile(`(?m)^EMIT FINAL;\s*$`)
)

// orderflowSQL turns the text of examples/trading/orderflow.sql into the Kafka job: its source becomes a
// kafka_source (the file path goes; format, event time and out-of-orderness stay) and its bare SELECT, sink
// select_1, gets a kafka_sink. The query itself is left as it is.
func orderflowSQL(text string) (string, error) {
	if n := len(fileSourceRE.FindAllStringIndex(text, -1)); n != 1 {
		return "", fmt.Errorf("%s: want one source WITH ('type'='file_source','path'='...', ...), found %d", orderflowPath, n)
	}
	if n := len(emitFinalRE.FindAllStringIndex(text, -1)); n != 1 {
		return "", fmt.Errorf("%s: want one line \"EMIT FINAL;\" ending the query, found %d", orderflowPath, n)
	}
	text = fileSourceRE.ReplaceAllLiteralString(text, `'type'='kafka_source',`)
	return emitFinalRE.ReplaceAllLiteralString(text, "EMIT FINAL\nWITH ('select_1.type'='kafka_sink');"), nil
}

// veloccJobs returns the two velocc contenders, reading the order-flow query from the checkout at root.
func veloccJobs(root string) ([]job, error) {
	text, err := os.ReadFile(filepath.Join(root, orderflowPath))
	if err != nil {
		return nil, err
	}
	of, err := orderflowSQL(string(text))
	if err != nil {
		return nil, err
	}
	return []job{
		{name: "stateless", source: "orders", sink: "big", script: statelessSQL},
		{name: "orderflow", source: "order_book_stream", sink: "select_1", script: of},
	}, nil
}

// buildJobs compiles each job's script with the velocc compiler, generates its Go source and builds the binaries
// in one module under dir whose go.mod points at this checkout. It returns the binary of each job by name.
func buildJobs(dir string, jobs []job) (map[string]string, error) {
	srcs := map[string][]byte{}
	for _, j := range jobs {
		plan, diags := compiler.Compile(j.name+".sql", []byte(j.script), &compiler.Options{})
		if len(diags) > 0 {
			var b strings.Builder
			diags.Format(&b)
			if diags.HasErrors() {
				return nil, fmt.Errorf("compiling %s:\n%s", j.name, b.String())
			}
			logf("kafkabench: warnings for %s:\n%s", j.name, strings.TrimRight(b.String(), "\n"))
		}
		code, err := codegen.Generate(plan)
		if err != nil {
			return nil, fmt.Errorf("generating %s: %v", j.name, err)
		}
		srcs[j.name] = code
	}
	return e2e.Build(dir, srcs)
}

// runJob runs a job binary over the run's topics, --bounded, and times it from process start to exit; without an
// output topic, the job's sink writes nowhere (none:). With scrape, the job also serves HTTP (--http on a free
// port), and its /metrics is fetched every second while it runs, as a (busy) Prometheus would. With
// r.exactlyOnce, the job runs with --guarantee exactly_once, and a lost transaction (aborted, or failed) fails the
// run: the job then replayed from its last commit, which would be measured with it.
func runJob(ctx context.Context, bin, dir string, j job, r *runSpec, scrape bool) (runResult, error) {
	sink := "none:"
	if r.out != "" {
		sink = "kafka:" + r.out
	}
	args := []string{"--bounded", "--brokers", strings.Join(r.seeds, ","), "--group", r.group,
		"--source", j.source + "=kafka:" + r.in, "--sink", j.sink + "=" + sink, "--progress", "0"}
	if r.exactlyOnce {
		args = append(args, "--guarantee", "exactly_once")
	}
	if r.profile != "" {
		args = append(args, "--cpuprofile", r.profile)
	}
	if scrape {
		args = append(args, "--http", "127.0.0.1:0")
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	var stdout bytes.Buffer
	stderr := &scraper{}
	cmd.Stdout, cmd.Stderr = &stdout, stderr
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return runResult{}, err
	}
	done := make(chan struct{})
	scraped := make(chan int)
	go func() { scraped <- stderr.scrape(done) }()
	err := cmd.Wait()
	elapsed := time.Since(began)
	close(done)
	if n := <-scraped; scrape && n == 0 && err == nil {
		return runResult{}, fmt.Errorf("%s %s: /metrics was never scraped during the run", bin, strings.Join(args, " "))
	}
	if ctx.Err() != nil {
		return runResult{}, ctx.Err()
	}
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return runResult{}, fmt.Errorf("%s %s failed (%v):\n%s", bin, strings.Join(args, " "), err, tail(stderr.String(), 30))
		}
		return runResult{}, err
	}
	st, err := benchdoc.ParseStats(stderr.String(), j.source, j.sink)
	if err != nil {
		return runResult{}, fmt.Errorf("%v:\n%s", err, tail(stderr.String(), 30))
	}
	if st.Bad != 0 || st.Late != 0 {
		return runResult{}, fmt.Errorf("%s read %d records with %d bad and %d late; want none bad or late:\n%s",
			j.name, st.Read, st.Bad, st.Late, tail(stderr.String(), 30))
	}
	if r.exactlyOnce && lostTxnRE.MatchString(stderr.String()) {
		return runResult{}, fmt.Errorf("%s lost a transaction during the run and went on from its last commit:\n%s", j.name, tail(stderr.String(), 30))
	}
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return runResult{elapsed: elapsed, cpu: cpu, read: st.Read, emitted: st.Emitted, log: stderr.String()}, nil
}

// lostTxnRE matches the lines in which a job's source says that one of its transactions was lost: aborted by the
// brokers, or failed so that the job started a new transactional session; either way it went on from its last
// commit.
var lostTxnRE = regexp.MustCompile(`a transaction of the changelogs of kafka topic "[^"]*" was aborted|the transaction of kafka topic "[^"]*" failed: `)

// scraper is a job's stderr that watches for the line saying where it serves HTTP.
type scraper struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *scraper) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *scraper) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// servingRE finds the address in the line a job prints when it serves HTTP.
var servingRE = regexp.MustCompile(`serving metrics and status on (http://[0-9.:]+)/`)

// scrape fetches /metrics as soon as the job says where it serves, then once a second until done is closed, and
// returns how many scrapes succeeded.
func (s *scraper) scrape(done <-chan struct{}) int {
	var base string
	for base == "" {
		select {
		case <-done:
			return 0
		case <-time.After(10 * time.Millisecond):
		}
		if m := servingRE.FindStringSubmatch(s.String()); m != nil {
			base = m[1]
		}
	}
	t := time.NewTicker(time.Second)
	defer t.Stop()
	n := 0
	for {
		resp, err := http.Get(base + "/metrics")
		if err == nil { // else the job is exiting
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		if err == nil && resp.StatusCode == http.StatusOK {
			n++
		}
		select {
		case <-done:
			return n
		case <-t.C:
		}
	}
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
