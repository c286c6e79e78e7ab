// The state-restore measurement: an aggregation with a group per account builds its state into a changelog topic
// once, then the same job is started again and again with nothing new to read, and reads the state back.

package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"regexp"
	"strconv"
	"time"
)

// accountGen generates the input of the restore measurement: an order for each of n accounts in turn, then a
// second order for about half of them, in shuffled order; quantities are 1 to 100. The output depends only on the
// seed and n.
type accountGen struct {
	rng    *rand.Rand
	n      int
	second []int32 // the accounts that get a second order, in the order they get it
	i      int     // orders generated so far
}

func newAccountGen(seed uint64, accounts int) *accountGen {
	g := &accountGen{rng: rand.New(rand.NewPCG(seed, 0x6163636f756e7473)), n: accounts} // "accounts"
	for a := range accounts {
		if g.rng.IntN(2) == 0 {
			g.second = append(g.second, int32(a))
		}
	}
	g.rng.Shuffle(len(g.second), func(i, j int) { g.second[i], g.second[j] = g.second[j], g.second[i] })
	return g
}

// records is the number of orders the generator makes.
func (g *accountGen) records() int { return g.n + len(g.second) }

// next appends the next order to b as a JSON object, {"account":"acct-0000042","quantity":17}, and returns b and
// the account, the record's key. It is called at most records() times.
func (g *accountGen) next(b []byte) ([]byte, string) {
	a := g.i
	if g.i >= g.n {
		a = int(g.second[g.i-g.n])
	}
	g.i++
	b = append(b, `{"account":"`...)
	start := len(b)
	b = appendAccount(b, a)
	key := string(b[start:])
	b = append(b, `","quantity":`...)
	b = strconv.AppendInt(b, int64(1+g.rng.IntN(100)), 10)
	return append(b, '}'), key
}

// appendAccount appends the name of account a: "acct-" and the number in at least seven digits.
func appendAccount(b []byte, a int) []byte {
	b = append(b, "acct-"...)
	for d := 1_000_000; d > 1 && a < d; d /= 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, int64(a), 10)
}

// restoreResult is what the restore measurement measured.
type restoreResult struct {
	groups     int64     // groups in the state: one per account
	records    int64     // input records
	partitions int32     // partitions of the input topic and of the changelog topic
	changelog  []float64 // records each restore read from the changelog topic
	restore    []float64 // seconds each restore took, as the job's log says
	whole      []float64 // seconds each run took, process start to exit
}

// measureRestore produces the restore measurement's input for cfg.restoreGroups accounts to a topic of its own
// and runs the restore job bin over it --bounded: once to build the state in the changelog topic, then cfg.reps
// times more under the same consumer group, each run restoring the state and finding nothing new to read (and
// writing a CPU profile into cfg.profiles if set). Every run is checked: the first reads every record and writes a
// row for each, the others read nothing and restore every group. The topics and the group are removed at the end.
func measureRestore(ctx context.Context, adm *admin, cfg config, seeds []string, dir, bin, suffix string) (*restoreResult, error) {
	groups, reps := cfg.restoreGroups, cfg.reps
	in := "kafkabench-accounts-" + suffix
	if err := adm.createTopic(ctx, in, int32(cfg.partitions)); err != nil {
		return nil, err
	}
	defer adm.deleteTopic(in)
	gen := newAccountGen(cfg.seed, groups)
	n := gen.records()
	logf("kafkabench: producing %d orders of %d accounts to topic %q", n, groups, in)
	t := time.Now()
	if _, err := produceRecords(ctx, seeds, in, n, gen.next); err != nil {
		return nil, err
	}
	if got, err := adm.messageCount(ctx, in); err != nil || got != int64(n) {
		if err == nil {
			err = fmt.Errorf("topic %q holds %d records after producing %d", in, got, n)
		}
		return nil, err
	}
	logf("kafkabench: produced %d orders in %.1fs", n, time.Since(t).Seconds())

	group := "kafkabench-restore-" + suffix
	changelog := group + "-" + restoreJob.sink + "-changelog" // the name rt/kafka gives the query's changelog topic
	defer adm.deleteGroup(group)
	defer adm.deleteTopic(changelog)
	spec := &runSpec{seeds: seeds, in: in, group: group, dir: dir}
	res, err := runJob(ctx, bin, dir, restoreJob, spec, false)
	if err != nil {
		return nil, fmt.Errorf("restore job, building the state: %v", err)
	}
	if res.read != int64(n) || res.emitted != int64(n) {
		return nil, fmt.Errorf("restore job, building the state: read %d records and wrote %d rows, want %d of each",
			res.read, res.emitted, n)
	}
	logf("kafkabench: restore job built the state of %d groups in %.2fs", groups, res.elapsed.Seconds())

	r := &restoreResult{groups: int64(groups), records: int64(n), partitions: int32(cfg.partitions)}
	for rep := range reps {
		label := fmt.Sprintf("restore job, rep %d/%d", rep+1, reps)
		if cfg.profiles != "" {
			spec.profile = filepath.Join(cfg.profiles, fmt.Sprintf("%s-rep%d.pprof", restoreJob.name, rep+1))
		}
		res, err := runJob(ctx, bin, dir, restoreJob, spec, false)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", label, err)
		}
		if res.read != 0 || res.emitted != 0 {
			return nil, fmt.Errorf("%s: read %d records and wrote %d rows, want none: the first run read them all",
				label, res.read, res.emitted)
		}
		l, err := parseRestore(res.log, restoreJob.sink)
		if err != nil {
			return nil, fmt.Errorf("%s: %v:\n%s", label, err, tail(res.log, 30))
		}
		if l.topic != changelog || l.groups != int64(groups) {
			return nil, fmt.Errorf("%s: restored %d groups from changelog topic %q, want %d from %q", label, l.groups,
				l.topic, groups, changelog)
		}
		r.changelog = append(r.changelog, float64(l.records))
		r.restore = append(r.restore, l.took.Seconds())
		r.whole = append(r.whole, res.elapsed.Seconds())
		logf("kafkabench: %s: restored %d groups (%d changelog records) in %.2fs; the run took %.2fs", label,
			l.groups, l.records, l.took.Seconds(), res.elapsed.Seconds())
	}
	return r, nil
}

// restoredRE matches the line in which a job's source says it restored the state of a query; the time is a
// time.Duration's text.
var restoredRE = regexp.MustCompile(`(?m)^\S+: restored (\d+) groups of query (\S+) from changelog topic "([^"]*)" \((\d+) records\) in (\S+)$`)

// restoreLine is what a job's log says about restoring the state of a query.
type restoreLine struct {
	groups, records int64
	topic           string
	took            time.Duration
}

// parseRestore finds the one line of a job's log in which it restored the state of query: "orders: restored
// 1000000 groups of query totals from changelog topic "g-totals-changelog" (1000014 records) in 2.345s".
func parseRestore(log, query string) (restoreLine, error) {
	var l restoreLine
	found := 0
	for _, m := range restoredRE.FindAllStringSubmatch(log, -1) {
		if m[2] != query {
			continue
		}
		found++
		took, err := time.ParseDuration(m[5])
		if err != nil {
			return l, fmt.Errorf("the restore of query %s took %q: %v", query, m[5], err)
		}
		l.groups, _ = strconv.ParseInt(m[1], 10, 64)
		l.records, _ = strconv.ParseInt(m[4], 10, 64)
		l.topic, l.took = m[3], took
	}
	if found != 1 {
		return l, fmt.Errorf("the job's log says %d times that it restored query %s, want once", found, query)
	}
	return l, nil
}
